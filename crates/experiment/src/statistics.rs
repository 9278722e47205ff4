//! Statistics of ensembles: means, standard errors, Student-t confidence intervals for paired and
//! unpaired differences, and sample quantiles.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Mean of a sample (NaN when empty).
pub fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Sample variance with `n - 1` in the denominator (0 for fewer than two values).
pub fn variance(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64
}

/// Two-sided Student-t quantile `t_{1 - alpha/2, df}` (the normal quantile for infinite df).
pub fn t_quantile(confidence: f64, df: f64) -> f64 {
    let p = 0.5 + confidence / 2.0;
    if !df.is_finite() || df > 1e6 {
        return Normal::new(0.0, 1.0).map(|n| n.inverse_cdf(p)).unwrap_or(f64::NAN);
    }
    StudentsT::new(0.0, 1.0, df.max(1e-9))
        .map(|t| t.inverse_cdf(p))
        .unwrap_or(f64::NAN)
}

/// An estimate with its standard error and confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub estimate: f64,
    pub standard_error: f64,
    pub low: f64,
    pub high: f64,
    /// Degrees of freedom of the t distribution used.
    pub df: f64,
}

impl Interval {
    /// The t interval `estimate ± t(confidence, df) × standard_error`.
    pub fn new(estimate: f64, standard_error: f64, df: f64, confidence: f64) -> Self {
        let t = t_quantile(confidence, df);
        Self {
            estimate,
            standard_error,
            low: estimate - t * standard_error,
            high: estimate + t * standard_error,
            df,
        }
    }

    /// Whether the interval contains zero: the effect is indistinguishable from none.
    pub fn contains_zero(&self) -> bool {
        !(self.low > 0.0 || self.high < 0.0)
    }

    /// Half the width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.high - self.low) / 2.0
    }
}

/// Confidence interval of the mean of `x` (t with `n - 1` degrees of freedom).
pub fn mean_interval(x: &[f64], confidence: f64) -> Interval {
    let n = x.len() as f64;
    Interval::new(mean(x), (variance(x) / n).sqrt(), n - 1.0, confidence)
}

/// Interval of the mean paired difference `variant - base` (runs with common random numbers).
pub fn paired_difference(base: &[f64], variant: &[f64], confidence: f64) -> Interval {
    let d: Vec<f64> = variant.iter().zip(base).map(|(v, b)| v - b).collect();
    mean_interval(&d, confidence)
}

/// Welch interval of the difference of means `variant - base`, treating the arms as independent.
pub fn unpaired_difference(base: &[f64], variant: &[f64], confidence: f64) -> Interval {
    let (nb, nv) = (base.len() as f64, variant.len() as f64);
    let (vb, vv) = (variance(base) / nb, variance(variant) / nv);
    let se = (vb + vv).sqrt();
    let df = if vb + vv > 0.0 {
        (vb + vv).powi(2) / (vb * vb / (nb - 1.0) + vv * vv / (nv - 1.0))
    } else {
        nb + nv - 2.0
    };
    Interval::new(mean(variant) - mean(base), se, df, confidence)
}

/// Quantile `q` of sorted values by linear interpolation between order statistics (type 7, the
/// default of R and NumPy).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        assert!((t_quantile(0.95, 1.0) - 12.706).abs() < 1e-3);
        assert!((t_quantile(0.95, 10.0) - 2.228).abs() < 1e-3);
        assert!((t_quantile(0.95, 199.0) - 1.972).abs() < 1e-3);
        assert!((t_quantile(0.95, f64::INFINITY) - 1.960).abs() < 1e-3);
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(quantile_sorted(&v, 1.0), 4.0);
        assert!((quantile_sorted(&v, 0.5) - 2.5).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.05) - 1.15).abs() < 1e-12);
    }

    #[test]
    fn pairing_removes_shared_noise() {
        // Arms share a large common component; the variant adds 0.1 plus small noise.
        let common: Vec<f64> = (0..50).map(|i| ((i * 37) % 50) as f64).collect();
        let base: Vec<f64> = common.clone();
        let variant: Vec<f64> = common
            .iter()
            .enumerate()
            .map(|(i, c)| c + 0.1 + 0.01 * (i % 3) as f64)
            .collect();
        let p = paired_difference(&base, &variant, 0.95);
        let u = unpaired_difference(&base, &variant, 0.95);
        assert!((p.estimate - u.estimate).abs() < 1e-12);
        assert!(!p.contains_zero());
        assert!(u.contains_zero());
        assert!(p.half_width() * 100.0 < u.half_width());
    }
}
