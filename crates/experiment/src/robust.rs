//! Leverage under uncertainty: each lever's effect on the long-run baseline over draws of the
//! parameters (a design from a plan, or a calibration's posterior), summarised so that the
//! spread across draws and the seed noise within each draw are told apart.
//!
//! For each draw `d` and lever `l` the paired runs give an effect `e_dl` with a standard error
//! `se_dl` (seed noise). Across draws the summary gives:
//! - the median and the 5% and 95% quantiles of `e_dl` (a 90% interval across draws);
//! - the seed noise, the root mean square of `se_dl`, and the spread across draws with the seed
//!   noise removed, `sqrt(max(0, var_d(e_dl) − mean_d(se_dl^2)))`;
//! - the probability that the lever raises the baseline by more than a margin: the mean over
//!   draws of `Φ((e_dl − margin) / se_dl)`, each draw weighted equally (a draw's own
//!   uncertainty about its true effect, under a flat prior, pooled over draws);
//! - rank stability: the share of draws in which the lever's effect is the largest.

use statrs::distribution::{ContinuousCDF, Normal};

/// The margin of [`RobustEffect::raises_by_margin`]: one percentage point of security.
pub const MARGIN: f64 = 0.01;

/// One lever's effect in one draw: the paired estimate and its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawEffect {
    pub estimate: f64,
    pub standard_error: f64,
}

/// One lever's effect across draws.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustEffect {
    /// Index of the lever.
    pub lever: usize,
    /// Median of the draws' effects.
    pub median: f64,
    /// 5% quantile of the draws' effects.
    pub low: f64,
    /// 95% quantile of the draws' effects.
    pub high: f64,
    /// Root mean square of the draws' standard errors (seed noise).
    pub seed_noise: f64,
    /// Standard deviation across draws with the seed noise removed.
    pub spread: f64,
    /// Probability that the lever raises the long-run baseline by more than [`MARGIN`].
    pub raises_by_margin: f64,
    /// Share of draws in which its effect is the largest of all levers.
    pub ranks_first: f64,
}

/// The `q` quantile of sorted `values` (linear interpolation between order statistics).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let position = q * (sorted.len() - 1) as f64;
    let (below, above) = (position.floor() as usize, position.ceil() as usize);
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

/// The robust effect of every lever from `effects[draw][lever]`, in lever order. Draws must all
/// have the same levers.
pub fn summarize(effects: &[Vec<DrawEffect>]) -> Vec<RobustEffect> {
    let levers = effects.first().map_or(0, Vec::len);
    let draws = effects.len() as f64;
    let normal = Normal::standard();
    // The lever of largest effect in each draw (ties to the earlier lever).
    let firsts: Vec<usize> = effects
        .iter()
        .map(|draw| {
            (0..draw.len())
                .max_by(|&a, &b| draw[a].estimate.total_cmp(&draw[b].estimate).then(b.cmp(&a)))
                .unwrap_or(0)
        })
        .collect();
    (0..levers)
        .map(|l| {
            let mut estimates: Vec<f64> = effects.iter().map(|d| d[l].estimate).collect();
            estimates.sort_by(f64::total_cmp);
            let mean = estimates.iter().sum::<f64>() / draws;
            let variance = if effects.len() > 1 {
                estimates.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (draws - 1.0)
            } else {
                0.0
            };
            let noise = effects.iter().map(|d| d[l].standard_error.powi(2)).sum::<f64>() / draws;
            let raises = effects
                .iter()
                .map(|d| {
                    let DrawEffect {
                        estimate,
                        standard_error,
                    } = d[l];
                    if standard_error > 0.0 {
                        normal.cdf((estimate - MARGIN) / standard_error)
                    } else {
                        f64::from(u8::from(estimate > MARGIN))
                    }
                })
                .sum::<f64>()
                / draws;
            RobustEffect {
                lever: l,
                median: quantile(&estimates, 0.5),
                low: quantile(&estimates, 0.05),
                high: quantile(&estimates, 0.95),
                seed_noise: noise.sqrt(),
                spread: (variance - noise).max(0.0).sqrt(),
                raises_by_margin: raises,
                ranks_first: firsts.iter().filter(|&&f| f == l).count() as f64 / draws,
            }
        })
        .collect()
}

/// `effects[draw][lever]` from rows of (draw, lever name, effect), as `leverage-draws.csv` holds
/// them, with the levers in the order of `levers`. Shards of one job joined give the rows of
/// the whole; every draw must hold each lever exactly once, and the draws must be numbered
/// `0..D` without a gap, so a missing shard is caught. Returns the draws in order.
pub fn pivot(rows: &[(u64, &str, DrawEffect)], levers: &[&str]) -> Result<Vec<Vec<DrawEffect>>, String> {
    let draws = rows.iter().map(|r| r.0 + 1).max().unwrap_or(0) as usize;
    let mut effects: Vec<Vec<Option<DrawEffect>>> = vec![vec![None; levers.len()]; draws];
    for &(draw, name, effect) in rows {
        let Some(lever) = levers.iter().position(|l| *l == name) else {
            return Err(format!(
                "draw {draw}: unknown lever {name:?}; known: {}",
                levers.join(", ")
            ));
        };
        let slot = &mut effects[draw as usize][lever];
        if slot.is_some() {
            return Err(format!("draw {draw}: lever {name} appears twice"));
        }
        *slot = Some(effect);
    }
    effects
        .into_iter()
        .enumerate()
        .map(|(draw, row)| {
            row.iter()
                .zip(levers)
                .map(|(e, name)| {
                    e.ok_or_else(|| format!("draw {draw}: no effect of lever {name} (is a shard missing?)"))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_pivot_into_draws_and_gaps_are_named() {
        let e = |x: f64| DrawEffect {
            estimate: x,
            standard_error: 0.1,
        };
        let rows = [(1, "b", e(4.0)), (0, "a", e(1.0)), (0, "b", e(2.0)), (1, "a", e(3.0))];
        let pivoted = pivot(&rows, &["a", "b"]).unwrap();
        let estimates: Vec<Vec<f64>> = pivoted.iter().map(|d| d.iter().map(|x| x.estimate).collect()).collect();
        assert_eq!(estimates, vec![vec![1.0, 2.0], vec![3.0, 4.0]]);
        let gap = [(0, "a", e(1.0)), (0, "b", e(2.0)), (2, "a", e(3.0)), (2, "b", e(4.0))];
        assert_eq!(
            pivot(&gap, &["a", "b"]).unwrap_err(),
            "draw 1: no effect of lever a (is a shard missing?)"
        );
        assert!(pivot(&[(0, "c", e(1.0))], &["a"])
            .unwrap_err()
            .contains("unknown lever \"c\""));
        assert!(pivot(&[(0, "a", e(1.0)), (0, "a", e(1.0))], &["a"])
            .unwrap_err()
            .contains("twice"));
    }

    fn effect(estimate: f64, standard_error: f64) -> DrawEffect {
        DrawEffect {
            estimate,
            standard_error,
        }
    }

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let v = [0.0, 1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.0);
        assert_eq!(quantile(&v, 0.05), 0.2);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn seed_noise_is_taken_out_of_the_spread_across_draws() {
        // Lever 0: the same true effect 0.05 in every draw, seen through seed noise 0.02.
        // Lever 1: true effects spread with sd 0.1, measured exactly.
        let draws: Vec<Vec<DrawEffect>> = (0..400)
            .map(|d| {
                let z = ((d as f64 + 0.5) / 400.0 - 0.5) * 12f64.sqrt(); // uniform, sd 1
                vec![effect(0.05 + 0.02 * z, 0.02), effect(0.1 * z, 0.0)]
            })
            .collect();
        let r = summarize(&draws);
        assert!(r[0].spread < 0.002, "{:?}", r[0]);
        assert!((r[0].seed_noise - 0.02).abs() < 1e-12);
        assert!((r[1].spread - 0.1).abs() < 0.002, "{:?}", r[1]);
        assert!((r[0].median - 0.05).abs() < 1e-3);
        // Lever 0 clears the margin in most draws, lever 1 in fewer than half.
        assert!(r[0].raises_by_margin > 0.9, "{:?}", r[0]);
        assert!(r[1].raises_by_margin < 0.5, "{:?}", r[1]);
        assert!((r[0].ranks_first + r[1].ranks_first - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_first_rank_goes_to_the_largest_effect_of_each_draw() {
        let draws = vec![
            vec![effect(0.3, 0.01), effect(0.1, 0.01), effect(0.2, 0.01)],
            vec![effect(0.1, 0.01), effect(0.1, 0.01), effect(0.4, 0.01)],
            vec![effect(0.5, 0.01), effect(0.0, 0.01), effect(0.4, 0.01)],
            vec![effect(0.2, 0.01), effect(0.2, 0.01), effect(0.1, 0.01)],
        ];
        let r = summarize(&draws);
        let firsts: Vec<f64> = r.iter().map(|e| e.ranks_first).collect();
        assert_eq!(firsts, vec![0.75, 0.0, 0.25], "ties go to the earlier lever");
        assert!(
            (r[1].low - 0.015).abs() < 1e-12 && (r[1].high - 0.185).abs() < 1e-12,
            "{:?}",
            r[1]
        );
    }
}
