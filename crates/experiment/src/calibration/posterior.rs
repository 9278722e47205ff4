//! Summaries of a posterior population: weighted quantiles and credible intervals of each
//! parameter, draws for the posterior predictive, and how the predictive compares with the
//! targets.

use super::smc::Generation;
use super::target::Target;
use esplab_model::random::{mix, Generator};
use rand::{Rng, SeedableRng};

/// Quantile `q` of `values` under normalised `weights` (the smallest value whose cumulative
/// weight reaches `q`, interpolated between neighbours at their mid-points).
pub fn weighted_quantile(values: &[f64], weights: &[f64], q: f64) -> f64 {
    let mut pairs: Vec<(f64, f64)> = values
        .iter()
        .copied()
        .zip(weights.iter().copied())
        .filter(|p| p.1 > 0.0)
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    if pairs.is_empty() || total <= 0.0 {
        return f64::NAN;
    }
    // Mid-point cumulative weights: each value sits at the centre of its own mass.
    let mut acc = 0.0;
    let mids: Vec<f64> = pairs
        .iter()
        .map(|p| {
            let mid = (acc + p.1 / 2.0) / total;
            acc += p.1;
            mid
        })
        .collect();
    if q <= mids[0] {
        return pairs[0].0;
    }
    for i in 1..pairs.len() {
        if q <= mids[i] {
            let t = (q - mids[i - 1]) / (mids[i] - mids[i - 1]);
            return pairs[i - 1].0 + t * (pairs[i].0 - pairs[i - 1].0);
        }
    }
    pairs[pairs.len() - 1].0
}

/// The posterior of one parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Marginal {
    pub mean: f64,
    pub sd: f64,
    pub median: f64,
    /// 95% equal-tailed credible interval.
    pub low95: f64,
    pub high95: f64,
    /// 50% equal-tailed credible interval.
    pub low50: f64,
    pub high50: f64,
}

/// The marginal posterior of parameter `k`.
pub fn marginal(generation: &Generation, k: usize) -> Marginal {
    let values: Vec<f64> = generation.particles.iter().map(|p| p.values[k]).collect();
    let weights: Vec<f64> = generation.particles.iter().map(|p| p.weight).collect();
    let mean: f64 = values.iter().zip(&weights).map(|(v, w)| v * w).sum();
    let var: f64 = values.iter().zip(&weights).map(|(v, w)| w * (v - mean).powi(2)).sum();
    let q = |p| weighted_quantile(&values, &weights, p);
    Marginal {
        mean,
        sd: var.sqrt(),
        median: q(0.5),
        low95: q(0.025),
        high95: q(0.975),
        low50: q(0.25),
        high50: q(0.75),
    }
}

/// How much the data narrowed parameter `k`: one minus the width of its 95% credible interval
/// over the width of its prior's, both on the prior's own scale (the unit coordinate, so a
/// log-uniform prior is measured in logarithms). 0: the data said nothing; near 1: they pinned
/// it down.
pub fn narrowing(generation: &Generation, k: usize) -> f64 {
    let units: Vec<f64> = generation.particles.iter().map(|p| p.unit[k]).collect();
    let weights: Vec<f64> = generation.particles.iter().map(|p| p.weight).collect();
    let width = weighted_quantile(&units, &weights, 0.975) - weighted_quantile(&units, &weights, 0.025);
    1.0 - width / 0.95
}

/// `count` particle indices drawn by weight (systematic resampling from a seeded offset).
pub fn resample(generation: &Generation, count: usize, seed: u64) -> Vec<usize> {
    let weights: Vec<f64> = generation.particles.iter().map(|p| p.weight).collect();
    resample_weights(&weights, count, seed)
}

/// `count` indices into `weights` (normalised), drawn by systematic resampling from a seeded
/// offset: each index appears about `count × weight` times, in increasing order.
pub fn resample_weights(weights: &[f64], count: usize, seed: u64) -> Vec<usize> {
    let mut rng = Generator::seed_from_u64(mix(seed ^ 0x9E5A_3B1E));
    let start: f64 = rng.random::<f64>() / count as f64;
    let mut out = Vec::with_capacity(count);
    let mut acc = 0.0;
    let mut i = 0;
    for m in 0..count {
        let u = start + m as f64 / count as f64;
        while i + 1 < weights.len() && acc + weights[i] < u {
            acc += weights[i];
            i += 1;
        }
        out.push(i);
    }
    out
}

/// The posterior predictive of one statistic against its target.
#[derive(Debug, Clone, PartialEq)]
pub struct Predictive {
    /// Draws with a defined value.
    pub defined: usize,
    pub mean: f64,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
    pub target: f64,
    /// The band of values that match the target (the target alone for a point; a survey's
    /// Wilson 95% interval for an observed share).
    pub low: f64,
    pub high: f64,
    /// Share of draws at or below the target (a predictive p-value; near 0 or 1 is a misfit).
    pub share_below_target: f64,
}

/// Summarises predictive draws of one statistic against `target`.
pub fn predictive(draws: &[f64], target: &Target) -> Predictive {
    let (low, high) = (target.low, target.high);
    let target = target.value;
    let mut x: Vec<f64> = draws.iter().copied().filter(|v| v.is_finite()).collect();
    x.sort_by(f64::total_cmp);
    let q = |p| crate::statistics::quantile_sorted(&x, p);
    Predictive {
        defined: x.len(),
        mean: crate::statistics::mean(&x),
        p05: q(0.05),
        p50: q(0.5),
        p95: q(0.95),
        target,
        low,
        high,
        share_below_target: x.iter().filter(|v| **v <= target).count() as f64 / x.len().max(1) as f64,
    }
}

impl Predictive {
    /// Whether the central 90% of the predictive draws meets the target's band (for a point,
    /// whether the target lies within it).
    pub fn covers_target(&self) -> bool {
        self.p05 <= self.high && self.low <= self.p95
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibration::smc::Particle;
    use crate::calibration::target::Measure;

    fn generation(values: &[f64], weights: &[f64]) -> Generation {
        Generation {
            index: 1,
            epsilon: 1.0,
            simulations: values.len() as u64,
            particles: values
                .iter()
                .zip(weights)
                .enumerate()
                .map(|(i, (v, w))| Particle {
                    proposal: i as u64,
                    unit: vec![*v],
                    values: vec![*v],
                    weight: *w,
                    distance: 0.0,
                    statistics: vec![],
                })
                .collect(),
        }
    }

    #[test]
    fn weighted_quantiles_match_plain_ones_for_equal_weights_and_follow_the_weights() {
        let values: Vec<f64> = (0..1001).map(|i| i as f64 / 1000.0).collect();
        let weights = vec![1.0 / 1001.0; 1001];
        for q in [0.025, 0.25, 0.5, 0.975] {
            assert!((weighted_quantile(&values, &weights, q) - q).abs() < 2e-3, "q {q}");
        }
        // All the weight on 3: every quantile is 3.
        assert_eq!(weighted_quantile(&[1.0, 3.0, 5.0], &[0.0, 1.0, 0.0], 0.1), 3.0);
        assert_eq!(weighted_quantile(&[1.0, 3.0, 5.0], &[0.0, 1.0, 0.0], 0.9), 3.0);
    }

    #[test]
    fn resampling_follows_the_weights() {
        let g = generation(&[0.0, 1.0, 2.0, 3.0], &[0.1, 0.0, 0.6, 0.3]);
        let draws = resample(&g, 1000, 5);
        let count = |i| draws.iter().filter(|&&d| d == i).count();
        assert_eq!(count(1), 0);
        assert!((count(0) as i64 - 100).abs() <= 1);
        assert!((count(2) as i64 - 600).abs() <= 1);
        assert!((count(3) as i64 - 300).abs() <= 1);
        let m = marginal(&g, 0);
        assert!((m.mean - 2.1).abs() < 1e-12);
    }

    #[test]
    fn narrowing_compares_the_credible_interval_with_the_prior_on_its_own_scale() {
        // Particles spread evenly over the whole cube: nothing learnt.
        let n = 1001;
        let spread: Vec<f64> = (0..n).map(|i| i as f64 / (n - 1) as f64).collect();
        let g = generation(&spread, &vec![1.0 / n as f64; n]);
        assert!(narrowing(&g, 0).abs() < 0.01, "{}", narrowing(&g, 0));
        // Spread over a tenth of it: narrowed by 90%.
        let tenth: Vec<f64> = spread.iter().map(|u| 0.45 + u / 10.0).collect();
        let g = generation(&tenth, &vec![1.0 / n as f64; n]);
        assert!((narrowing(&g, 0) - 0.9).abs() < 0.01, "{}", narrowing(&g, 0));
    }

    #[test]
    fn the_predictive_says_whether_it_covers_the_target() {
        let draws: Vec<f64> = (0..100).map(|i| i as f64).chain([f64::NAN]).collect();
        let point = |v| Target::point(Measure::Statistic(0), v);
        let p = predictive(&draws, &point(50.0));
        assert_eq!(p.defined, 100);
        assert!(p.covers_target());
        assert!((p.share_below_target - 0.51).abs() < 1e-12);
        assert!(!predictive(&draws, &point(200.0)).covers_target());
        // A band that reaches into the central 90% is met even though its figure lies outside.
        let band = Target {
            low: 90.0,
            high: 120.0,
            ..point(110.0)
        };
        assert!(predictive(&draws, &band).covers_target());
        assert!(!predictive(&draws, &Target { low: 95.0, ..band }).covers_target());
    }
}
