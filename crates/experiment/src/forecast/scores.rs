//! Scores of a predictive sample against an observed value: the continuous ranked probability
//! score (lower is better; in the units of the share), whether the central 50% and 90% intervals
//! cover it, and the log score (the log of the predictive density at the value; higher is
//! better). The sample is first passed through the observation: a survey of `n` deployments
//! reports a binomial share of the true one, drawn once per sample member.

use crate::statistics::quantile_sorted;
use rand::Rng;
use rand_distr::{Binomial, Distribution};

/// The narrowest kernel of the log score's density estimate, in share units: a sample that
/// agrees to the last digit still spreads its mass over about a percentage point, so the score
/// stays finite (and a method is not rewarded for a confidence no survey could check).
pub const MIN_BANDWIDTH: f64 = 0.005;

/// A predictive sample's scores against one observation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub crps: f64,
    pub covered_50: bool,
    pub covered_90: bool,
    pub log_score: f64,
    /// The predictive 5%, 25%, 50%, 75% and 95% quantiles (after the observation noise).
    pub quantiles: [f64; 5],
}

/// What a survey of `sample` deployments would report for each true share of `shares`
/// (unchanged without a sample).
pub fn observed_through(shares: &[f64], sample: Option<u64>, rng: &mut impl Rng) -> Vec<f64> {
    match sample {
        None => shares.to_vec(),
        Some(n) => shares
            .iter()
            .map(|&p| {
                let p = p.clamp(0.0, 1.0);
                Binomial::new(n, p).map_or(p, |b| b.sample(rng) as f64 / n as f64)
            })
            .collect(),
    }
}

/// The sample in increasing order; `None` when it is empty.
fn sorted(sample: &[f64]) -> Option<Vec<f64>> {
    (!sample.is_empty()).then(|| {
        let mut sorted = sample.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted
    })
}

/// The CRPS of an ensemble: E|X - y| - E|X - X'| / 2 over the sample's members (the exact
/// CRPS of the sample's empirical distribution).
pub fn crps(sample: &[f64], y: f64) -> f64 {
    let Some(sorted) = sorted(sample) else {
        return f64::NAN;
    };
    let nf = sorted.len() as f64;
    let mean_abs = sorted.iter().map(|x| (x - y).abs()).sum::<f64>() / nf;
    // Sum over pairs of |x_i - x_j| from the sorted order: each x_(i) (1-based) appears with
    // sign + (i - 1) times and - (n - i) times.
    let pairs: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| x * (2.0 * i as f64 - nf + 1.0))
        .sum::<f64>()
        * 2.0;
    mean_abs - pairs / (2.0 * nf * nf)
}

/// The log of a Gaussian kernel density estimate of `sample` at `y`, with Silverman's bandwidth
/// and at least [`MIN_BANDWIDTH`].
pub fn log_score(sample: &[f64], y: f64) -> f64 {
    let Some(sorted) = sorted(sample) else {
        return f64::NAN;
    };
    let (n, nf) = (sorted.len(), sorted.len() as f64);
    let mean = sorted.iter().sum::<f64>() / nf;
    let sd = if n > 1 {
        (sorted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (nf - 1.0)).sqrt()
    } else {
        0.0
    };
    let iqr = quantile_sorted(&sorted, 0.75) - quantile_sorted(&sorted, 0.25);
    let spread = if iqr > 0.0 { sd.min(iqr / 1.34) } else { sd };
    let h = (0.9 * spread * nf.powf(-0.2)).max(MIN_BANDWIDTH);
    let density = sorted.iter().map(|x| (-0.5 * ((y - x) / h).powi(2)).exp()).sum::<f64>()
        / (nf * h * (2.0 * std::f64::consts::PI).sqrt());
    density.max(f64::MIN_POSITIVE).ln()
}

/// Scores `sample` (true shares) against observation `y`, after the observation noise of a
/// survey of `sample_size` deployments.
pub fn score(sample: &[f64], y: f64, sample_size: Option<u64>, rng: &mut impl Rng) -> Score {
    let mut seen = observed_through(sample, sample_size, rng);
    seen.sort_by(f64::total_cmp);
    let within = |level: f64| {
        let low = quantile_sorted(&seen, (1.0 - level) / 2.0);
        let high = quantile_sorted(&seen, (1.0 + level) / 2.0);
        low <= y && y <= high
    };
    Score {
        crps: crps(&seen, y),
        covered_50: within(0.5),
        covered_90: within(0.9),
        log_score: log_score(&seen, y),
        quantiles: [0.05, 0.25, 0.5, 0.75, 0.95].map(|q| quantile_sorted(&seen, q)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn the_crps_of_a_point_is_the_absolute_error_and_matches_the_pairwise_formula() {
        assert!((crps(&[0.3], 0.5) - 0.2).abs() < 1e-12);
        let sample = [0.1, 0.4, 0.35, 0.8, 0.2];
        let n = sample.len() as f64;
        let direct: f64 = sample.iter().map(|x| (x - 0.3f64).abs()).sum::<f64>() / n
            - sample
                .iter()
                .flat_map(|a| sample.iter().map(move |b| (a - b).abs()))
                .sum::<f64>()
                / (2.0 * n * n);
        assert!((crps(&sample, 0.3) - direct).abs() < 1e-12);
    }

    #[test]
    fn a_sharper_sample_around_the_truth_scores_better() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let wide: Vec<f64> = (0..400).map(|i| 0.2 + 0.6 * i as f64 / 399.0).collect();
        let sharp: Vec<f64> = (0..400).map(|i| 0.48 + 0.04 * i as f64 / 399.0).collect();
        let (w, s) = (score(&wide, 0.5, None, &mut rng), score(&sharp, 0.5, None, &mut rng));
        assert!(s.crps < w.crps && s.log_score > w.log_score, "{s:?} {w:?}");
        assert!(s.covered_50 && s.covered_90 && w.covered_50);
        let off = score(&sharp, 0.7, None, &mut rng);
        assert!(!off.covered_90 && off.crps > w.crps.min(0.19), "{off:?}");
    }

    #[test]
    fn a_small_survey_widens_what_a_point_forecast_can_be_seen_as() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let point = vec![0.5; 2000];
        let seen = observed_through(&point, Some(100), &mut rng);
        let mean = seen.iter().sum::<f64>() / 2000.0;
        let sd = (seen.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 1999.0).sqrt();
        assert!((mean - 0.5).abs() < 0.01 && (sd - 0.05).abs() < 0.005, "{mean} {sd}");
        assert!(score(&point, 0.55, Some(100), &mut rng).covered_90);
        assert!(!score(&point, 0.55, None, &mut rng).covered_90);
    }
}
