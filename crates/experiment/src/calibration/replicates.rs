//! A particle's statistics over its replicate runs, and early rejection.
//!
//! Each statistic of a particle is the median of its defined values over `replicates` runs (the
//! targets are medians over several real cases), undefined when fewer than half of the runs
//! define it. After each run the medians still possible are bounded by order statistics of the
//! runs so far; once even the nearest possible medians lie farther from the targets than the
//! tolerance, the remaining runs cannot change the verdict and are skipped. The particle is then
//! rejected exactly as the full evaluation would reject it, so early rejection changes the cost
//! of a calibration, not its result.

use crate::statistics::quantile_sorted;

/// Median of the defined values; NaN when fewer than half of `values` are defined.
pub fn median_of_defined(values: &[f64]) -> f64 {
    let mut x: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if 2 * x.len() < values.len() || x.is_empty() {
        return f64::NAN;
    }
    x.sort_by(f64::total_cmp);
    quantile_sorted(&x, 0.5)
}

/// The range of [`median_of_defined`] over `total` runs once the runs `done` are known (NaN for
/// a run that left the statistic undefined), whatever the other runs give; `None` when it is
/// undefined whatever they give. Infinite ends are unbounded.
///
/// With `d` defined values so far and `u` runs to go, a final median of `c = d + k` defined values
/// lies between their order statistics `⌊(c−1)/2⌋` and `⌈(c−1)/2⌉`; at most `k ≤ u` of them
/// come from the runs to go, so it lies within order statistics `⌊(d−u−1)/2⌋` and `⌈(d+u−1)/2⌉`
/// of the values so far (when those exist).
pub fn median_range(done: &[f64], total: usize) -> Option<(f64, f64)> {
    let mut defined: Vec<f64> = done.iter().copied().filter(|v| v.is_finite()).collect();
    defined.sort_by(f64::total_cmp);
    let d = defined.len();
    let remaining = total.saturating_sub(done.len());
    if d + remaining == 0 || 2 * (d + remaining) < total {
        return None;
    }
    let low = if d > remaining {
        defined[(d - remaining - 1) / 2]
    } else {
        f64::NEG_INFINITY
    };
    let high = defined.get((d + remaining) / 2).copied().unwrap_or(f64::INFINITY);
    Some((low, high))
}

/// What a proposal must meet to be accepted: its distance to `targets`, with each statistic
/// divided by its scale, at most `epsilon` (see [`super::smc::distance`]).
#[derive(Debug, Clone, Copy)]
pub struct Tolerance<'a> {
    pub epsilon: f64,
    pub targets: &'a [f64],
    pub scales: &'a [f64],
}

impl Tolerance<'_> {
    /// A tolerance that accepts any defined statistics (the prior generation, the predictive).
    pub fn unlimited() -> Tolerance<'static> {
        Tolerance {
            epsilon: f64::INFINITY,
            targets: &[],
            scales: &[],
        }
    }

    /// Whether no statistics within `ranges` (one per target, `None` when undefined) can be
    /// accepted. The nearest point of each range gives the least distance; a relative margin of
    /// 1e-9 keeps rounding from rejecting a proposal that the full evaluation would accept.
    pub fn cannot_accept(&self, ranges: &[Option<(f64, f64)>]) -> bool {
        if ranges.iter().any(Option::is_none) {
            return true;
        }
        if !self.epsilon.is_finite() || self.targets.is_empty() {
            return false;
        }
        let sum: f64 = ranges
            .iter()
            .flatten()
            .zip(self.targets)
            .zip(self.scales)
            .map(|((&(low, high), &target), &scale)| {
                let gap = if target < low {
                    low - target
                } else if target > high {
                    target - high
                } else {
                    0.0
                };
                (gap / scale).powi(2)
            })
            .sum();
        let least = (sum / self.targets.len() as f64).sqrt();
        least > self.epsilon * (1.0 + 1e-9)
    }
}

/// The medians of a particle's statistics over `replicates` runs; `run(r)` gives the statistics
/// of replicate `r`. Stops early, returning NaN for every statistic, as soon as `tolerance`
/// cannot accept any outcome of the remaining runs. Also returns the runs made.
pub fn replicate_medians(
    replicates: usize,
    tolerance: &Tolerance<'_>,
    mut run: impl FnMut(u64) -> Vec<f64>,
) -> (Vec<f64>, usize) {
    let mut runs: Vec<Vec<f64>> = Vec::with_capacity(replicates);
    for r in 0..replicates {
        runs.push(run(r as u64));
        let width = runs[0].len();
        let column = |k: usize| runs.iter().map(|row| row[k]).collect::<Vec<f64>>();
        if runs.len() < replicates {
            let ranges: Vec<Option<(f64, f64)>> = (0..width).map(|k| median_range(&column(k), replicates)).collect();
            if tolerance.cannot_accept(&ranges) {
                return (vec![f64::NAN; width], runs.len());
            }
        }
    }
    let width = runs.first().map_or(0, Vec::len);
    let medians = (0..width)
        .map(|k| median_of_defined(&runs.iter().map(|row| row[k]).collect::<Vec<f64>>()))
        .collect();
    (medians, runs.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use esplab_model::random::Generator;
    use rand::{Rng, SeedableRng};

    #[test]
    fn the_final_median_always_lies_in_the_range_found_from_the_first_runs() {
        let mut rng = Generator::seed_from_u64(11);
        for _ in 0..20_000 {
            let total = rng.random_range(1..8usize);
            let values: Vec<f64> = (0..total)
                .map(|_| {
                    if rng.random_bool(0.2) {
                        f64::NAN
                    } else {
                        rng.random_range(0..6) as f64
                    }
                })
                .collect();
            let last = median_of_defined(&values);
            for m in 0..=total {
                let range = median_range(&values[..m], total);
                match range {
                    None => assert!(last.is_nan(), "{values:?} after {m}: said undefined, is {last}"),
                    Some((low, high)) => {
                        assert!(low <= high, "{values:?} after {m}");
                        if last.is_finite() {
                            assert!(
                                low <= last && last <= high,
                                "{values:?} after {m}: {last} not in [{low}, {high}]"
                            );
                        }
                    }
                }
            }
            // With every run known and an odd number defined, the range is the median itself.
            let defined = values.iter().filter(|v| v.is_finite()).count();
            if last.is_finite() && defined % 2 == 1 {
                assert_eq!(median_range(&values, total), Some((last, last)), "{values:?}");
            }
        }
    }

    #[test]
    fn the_range_narrows_as_runs_come_in() {
        // Five runs: after three the median of five lies between their least and greatest,
        // after four between their second and third.
        assert_eq!(median_range(&[3.0, 1.0, 2.0], 5), Some((1.0, 3.0)));
        assert_eq!(median_range(&[3.0, 1.0, 2.0, 9.0], 5), Some((2.0, 3.0)));
        assert_eq!(median_range(&[1.0, 2.0], 5), Some((f64::NEG_INFINITY, f64::INFINITY)));
        // Three undefined of five: undefined whatever comes.
        assert_eq!(median_range(&[f64::NAN, f64::NAN, f64::NAN], 5), None);
    }

    #[test]
    fn early_rejection_gives_the_verdict_of_the_full_evaluation_with_fewer_runs() {
        let targets = [0.0, 10.0];
        let scales = [1.0, 2.0];
        let mut rng = Generator::seed_from_u64(5);
        let (mut saved, mut rejected) = (0, 0);
        for case in 0..5_000 {
            let centre: f64 = rng.random_range(-4.0..4.0);
            let rows: Vec<Vec<f64>> = (0..5)
                .map(|_| {
                    vec![
                        centre + rng.random_range(-1.0..1.0),
                        10.0 + centre * 2.0 + rng.random_range(-1.0..1.0),
                    ]
                })
                .collect();
            let epsilon = rng.random_range(0.1..3.0);
            let tolerance = Tolerance {
                epsilon,
                targets: &targets,
                scales: &scales,
            };
            let (full, full_runs) = replicate_medians(5, &Tolerance::unlimited(), |r| rows[r as usize].clone());
            assert_eq!(full_runs, 5);
            let full_accepts = super::super::smc::distance(&full, &targets, &scales) <= epsilon;
            let (early, runs) = replicate_medians(5, &tolerance, |r| rows[r as usize].clone());
            let early_accepts = super::super::smc::distance(&early, &targets, &scales) <= epsilon;
            assert_eq!(early_accepts, full_accepts, "case {case}");
            if early_accepts {
                assert_eq!(early, full);
            } else {
                rejected += 1;
                saved += 5 - runs;
            }
        }
        // The check has teeth: many rejections happen early.
        assert!(
            rejected > 1_000 && saved > rejected,
            "{rejected} rejected, {saved} runs saved"
        );
    }
}
