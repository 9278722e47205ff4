//! Paired counterfactuals: two arms run with the same seeds (common random numbers), compared
//! metric by metric with the paired interval and, for contrast, the unpaired one.

use crate::statistics::{mean, paired_difference, unpaired_difference, Interval};

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

/// Compares `base[r][m]` with `variant[r][m]` (runs × metrics, same seeds row by row).
pub fn compare(names: &[&str], base: &[Vec<f64>], variant: &[Vec<f64>]) -> Vec<MetricComparison> {
    names
        .iter()
        .enumerate()
        .map(|(m, name)| {
            let b: Vec<f64> = base.iter().map(|r| r[m]).collect();
            let v: Vec<f64> = variant.iter().map(|r| r[m]).collect();
            MetricComparison {
                metric: name.to_string(),
                base_mean: mean(&b),
                variant_mean: mean(&v),
                paired: paired_difference(&b, &v, CONFIDENCE),
                unpaired: unpaired_difference(&b, &v, CONFIDENCE),
            }
        })
        .collect()
}
