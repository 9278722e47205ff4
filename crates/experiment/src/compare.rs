//! Paired counterfactuals: two arms run with the same seeds (common random numbers), compared
//! metric by metric with the paired interval and, for contrast, the unpaired one.

use crate::statistics::{mean, paired_difference, unpaired_difference, Interval};
use esplab_model::Parameters;

/// Confidence level of every interval esplab reports.
pub const CONFIDENCE: f64 = 0.95;

/// The comparison of one metric between two arms.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricComparison {
    pub metric: String,
    pub base_mean: f64,
    pub variant_mean: f64,
    /// Mean of `variant - base` over paired runs, with its interval.
    pub paired: Interval,
    /// Welch interval of the difference of means, as if the arms were independent.
    pub unpaired: Interval,
}

/// Names of the values of a paired run ([`paired_width`] of them): the
/// [`crate::metric_names`] metrics, then for each offering its market share
/// `long_run_share:NAME` (share of adopters, mean over the last year) and `long_run_security:NAME`.
/// An offering named differently in the arms is `BASE|VARIANT`; one an arm lacks counts as zero.
pub fn paired_names(arms: &[&Parameters]) -> Vec<String> {
    let mut names: Vec<String> = crate::metric_names().iter().map(|s| s.to_string()).collect();
    let count = arms.iter().map(|p| p.offerings.len()).max().unwrap_or(0);
    for j in 0..count {
        let mut name = String::new();
        for p in arms {
            if let Some(o) = p.offerings.get(j) {
                if !name.split('|').any(|n| n == o.name) {
                    if !name.is_empty() {
                        name.push('|');
                    }
                    name.push_str(&o.name);
                }
            }
        }
        names.push(format!("long_run_share:{name}"));
        names.push(format!("long_run_security:{name}"));
    }
    names
}

/// Compares `base[r][m]` with `variant[r][m]` (runs × metrics, same seeds row by row).
pub fn compare<S: AsRef<str>>(names: &[S], base: &[Vec<f64>], variant: &[Vec<f64>]) -> Vec<MetricComparison> {
    names
        .iter()
        .enumerate()
        .map(|(m, name)| {
            let b: Vec<f64> = base.iter().map(|r| r[m]).collect();
            let v: Vec<f64> = variant.iter().map(|r| r[m]).collect();
            MetricComparison {
                metric: name.as_ref().to_string(),
                base_mean: mean(&b),
                variant_mean: mean(&v),
                paired: paired_difference(&b, &v, CONFIDENCE),
                unpaired: unpaired_difference(&b, &v, CONFIDENCE),
            }
        })
        .collect()
}

/// Values per arm of a paired run: the [`crate::metric_names`] metrics, then for each of the
/// arms' most offerings its long-run share of adopters and security (zeros for an offering an
/// arm lacks).
pub fn paired_width(arms: &[&Parameters]) -> usize {
    crate::metric_names().len() + 2 * arms.iter().map(|p| p.offerings.len()).max().unwrap_or(0)
}

/// The values of every arm at run `index` ([`paired_width`] each): `arms[a]` with the seed of
/// run `index` under master seed `master`, the same seed for every arm.
pub fn paired_metrics(arms: &[&Parameters], master: u64, index: u64) -> Vec<Vec<f64>> {
    let width = paired_width(arms);
    arms.iter()
        .map(|p| {
            let outcome = crate::simulate(p, master, index, false);
            let mut values = outcome.metrics;
            values.extend(
                outcome
                    .offerings
                    .iter()
                    .flat_map(|&(share, security)| [share, security]),
            );
            values.resize(width, 0.0);
            values
        })
        .collect()
}
