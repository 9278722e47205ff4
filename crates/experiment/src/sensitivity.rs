//! Global sensitivity analysis: Sobol' indices from a Saltelli design, and Morris elementary
//! effects.
//!
//! The Sobol' part follows SALib (`SALib.sample.sobol` with `calc_second_order=False`,
//! `scramble=False`, and `SALib.analyze.sobol`). Per base sample *i*, the design has rows
//! `A_i, AB_i1 … AB_id, B_i` from the unscrambled Sobol' sequence in `2d` dimensions. Outputs
//! are standardised. First-order indices use the Saltelli (2010) estimator
//! `mean(B (AB_j − A)) / var(A ∪ B)`; total indices use the Jansen estimator
//! `mean((A − AB_j)²) / (2 var(A ∪ B))`. The confidence half-width is `z × sd` of bootstrap
//! estimates.

use crate::design::sobol_points;
use esplab_model::random::{generator, Stream};
use rand::seq::SliceRandom;
use rand::Rng;
use statrs::distribution::{ContinuousCDF, Normal};

/// Indices of one output: first-order and total, each with a bootstrap half-width.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    pub first: Vec<f64>,
    pub first_confidence: Vec<f64>,
    pub total: Vec<f64>,
    pub total_confidence: Vec<f64>,
}

/// Morris statistics of one output.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisIndices {
    pub mu: Vec<f64>,
    pub mu_star: Vec<f64>,
    pub sigma: Vec<f64>,
    pub mu_star_confidence: Vec<f64>,
}

/// Rows of a Saltelli design in the unit cube: `n (d + 2)` rows of `d` coordinates.
pub fn saltelli_design(d: usize, n: usize) -> Vec<Vec<f64>> {
    let base = sobol_points(2 * d, n);
    let mut rows = Vec::with_capacity(n * (d + 2));
    for point in base {
        let (a, b) = point.split_at(d);
        rows.push(a.to_vec());
        for j in 0..d {
            let mut ab = a.to_vec();
            ab[j] = b[j];
            rows.push(ab);
        }
        rows.push(b.to_vec());
    }
    rows
}

fn z(confidence: f64) -> f64 {
    Normal::new(0.0, 1.0)
        .map(|n| n.inverse_cdf(0.5 + confidence / 2.0))
        .unwrap_or(1.96)
}

fn population_variance(x: impl Iterator<Item = f64> + Clone) -> f64 {
    let n = x.clone().count() as f64;
    let m = x.clone().sum::<f64>() / n;
    x.map(|v| (v - m) * (v - m)).sum::<f64>() / n
}

fn sample_sd(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// First-order and total indices for factor `j` over base samples `rows`.
fn indices_for(a: &[f64], ab: &[f64], b: &[f64], rows: &[usize]) -> (f64, f64) {
    let variance = population_variance(rows.iter().map(|&i| a[i]).chain(rows.iter().map(|&i| b[i])));
    if variance <= 0.0 || !variance.is_finite() {
        return (0.0, 0.0);
    }
    let n = rows.len() as f64;
    let first = rows.iter().map(|&i| b[i] * (ab[i] - a[i])).sum::<f64>() / n / variance;
    let total = 0.5 * rows.iter().map(|&i| (a[i] - ab[i]).powi(2)).sum::<f64>() / n / variance;
    (first, total)
}

/// Sobol' indices from the outputs `y` of a Saltelli design with `d` factors and `n` base
/// samples, with `resamples` bootstrap resamples drawn from `seed`.
pub fn sobol_indices(y: &[f64], d: usize, n: usize, resamples: usize, confidence: f64, seed: u64) -> SobolIndices {
    let step = d + 2;
    let count = (n * step) as f64;
    let mean = y.iter().sum::<f64>() / count;
    let sd = (y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / count).sqrt();
    let scale = if sd > 0.0 { sd } else { 1.0 };
    let y: Vec<f64> = y.iter().map(|v| (v - mean) / scale).collect();
    let a: Vec<f64> = (0..n).map(|i| y[i * step]).collect();
    let b: Vec<f64> = (0..n).map(|i| y[i * step + d + 1]).collect();
    let all: Vec<usize> = (0..n).collect();
    let mut rng = generator(seed, Stream::Design);
    let draws: Vec<Vec<usize>> = (0..resamples)
        .map(|_| (0..n).map(|_| rng.random_range(0..n)).collect())
        .collect();
    let z = z(confidence);
    let mut out = SobolIndices {
        first: Vec::with_capacity(d),
        first_confidence: Vec::with_capacity(d),
        total: Vec::with_capacity(d),
        total_confidence: Vec::with_capacity(d),
    };
    for j in 0..d {
        let ab: Vec<f64> = (0..n).map(|i| y[i * step + 1 + j]).collect();
        let (first, total) = indices_for(&a, &ab, &b, &all);
        let (boot_first, boot_total): (Vec<f64>, Vec<f64>) = draws.iter().map(|r| indices_for(&a, &ab, &b, r)).unzip();
        out.first.push(first);
        out.total.push(total);
        out.first_confidence.push(if resamples > 1 {
            z * sample_sd(&boot_first)
        } else {
            f64::NAN
        });
        out.total_confidence.push(if resamples > 1 {
            z * sample_sd(&boot_total)
        } else {
            f64::NAN
        });
    }
    out
}

/// Rows of a Morris design in the unit cube: `trajectories (d + 1)` rows on a grid of `levels`
/// levels, each trajectory moving one factor at a time by `levels / (2 (levels − 1))`.
pub fn morris_design(d: usize, trajectories: usize, levels: usize, seed: u64) -> Vec<Vec<f64>> {
    let levels = levels.max(2);
    let step = 1.0 / (levels - 1) as f64;
    let delta = levels as f64 / (2.0 * (levels - 1) as f64);
    let low_levels = levels / 2;
    let mut rng = generator(seed, Stream::Traits);
    let mut rows = Vec::with_capacity(trajectories * (d + 1));
    for _ in 0..trajectories {
        let signs: Vec<f64> = (0..d).map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 }).collect();
        let mut x: Vec<f64> = (0..d)
            .map(|i| {
                let base = rng.random_range(0..low_levels) as f64 * step;
                if signs[i] > 0.0 {
                    base
                } else {
                    base + delta
                }
            })
            .collect();
        let mut order: Vec<usize> = (0..d).collect();
        order.shuffle(&mut rng);
        rows.push(x.clone());
        for &i in &order {
            x[i] += signs[i] * delta;
            rows.push(x.clone());
        }
    }
    rows
}

/// Morris statistics from the outputs `y` of `design` (as made by [`morris_design`]).
pub fn morris_indices(
    design: &[Vec<f64>],
    y: &[f64],
    d: usize,
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> MorrisIndices {
    let trajectories = design.len() / (d + 1);
    let mut effects: Vec<Vec<f64>> = vec![Vec::with_capacity(trajectories); d];
    for t in 0..trajectories {
        for s in 0..d {
            let (r0, r1) = (t * (d + 1) + s, t * (d + 1) + s + 1);
            let Some(i) = (0..d).find(|&i| design[r0][i] != design[r1][i]) else {
                continue;
            };
            effects[i].push((y[r1] - y[r0]) / (design[r1][i] - design[r0][i]));
        }
    }
    let z = z(confidence);
    let mut rng = generator(seed, Stream::Design);
    let mut out = MorrisIndices {
        mu: Vec::with_capacity(d),
        mu_star: Vec::with_capacity(d),
        sigma: Vec::with_capacity(d),
        mu_star_confidence: Vec::with_capacity(d),
    };
    for ee in &effects {
        let n = ee.len().max(1) as f64;
        out.mu.push(ee.iter().sum::<f64>() / n);
        out.mu_star.push(ee.iter().map(|e| e.abs()).sum::<f64>() / n);
        out.sigma.push(if ee.len() > 1 { sample_sd(ee) } else { f64::NAN });
        let boot: Vec<f64> = (0..resamples)
            .map(|_| {
                (0..ee.len())
                    .map(|_| ee[rng.random_range(0..ee.len().max(1))].abs())
                    .sum::<f64>()
                    / n
            })
            .collect();
        out.mu_star_confidence.push(if resamples > 1 && !ee.is_empty() {
            z * sample_sd(&boot)
        } else {
            f64::NAN
        });
    }
    out
}

/// The methods of a sensitivity analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Sobol' first-order and total indices on a Saltelli design.
    Sobol,
    /// Morris elementary effects on trajectories.
    Morris,
}

impl Method {
    /// Names on the command line and in files.
    pub const NAMES: [&'static str; 2] = ["sobol", "morris"];

    /// The method called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "sobol" => Some(Self::Sobol),
            "morris" => Some(Self::Morris),
            _ => None,
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The four statistics it reports per factor, in the order of [`indices`].
    pub fn statistics(self) -> [&'static str; 4] {
        match self {
            Self::Sobol => ["S1", "S1_conf", "ST", "ST_conf"],
            Self::Morris => ["mu", "mu_star", "sigma", "mu_star_conf"],
        }
    }

    /// Its design in the unit cube: `d` factors, `n` base samples (Sobol') or trajectories
    /// (Morris, on `levels` levels).
    /// Rows of the design of `d` factors and `n` base samples (trajectories), saturating.
    pub fn rows(self, d: usize, n: usize) -> u64 {
        let per_sample = match self {
            Self::Sobol => d as u64 + 2,
            Self::Morris => d as u64 + 1,
        };
        (n as u64).saturating_mul(per_sample)
    }

    pub fn design(self, d: usize, n: usize, levels: usize, seed: u64) -> Vec<Vec<f64>> {
        match self {
            Self::Sobol => saltelli_design(d, n),
            Self::Morris => morris_design(d, n, levels, seed),
        }
    }
}

/// The statistics of `method` for each metric: `outputs[row][metric]` over the design `unit`
/// gives, per metric, four columns (see [`Method::statistics`]) of one value per factor.
pub fn indices(
    method: Method,
    unit: &[Vec<f64>],
    outputs: &[Vec<f64>],
    (d, n): (usize, usize),
    resamples: usize,
    seed: u64,
) -> Vec<[Vec<f64>; 4]> {
    let metrics = outputs.first().map_or(0, Vec::len);
    (0..metrics)
        .map(|m| {
            let y: Vec<f64> = outputs.iter().map(|o| o[m]).collect();
            match method {
                Method::Sobol => {
                    let s = sobol_indices(&y, d, n, resamples, 0.95, seed);
                    [s.first, s.first_confidence, s.total, s.total_confidence]
                }
                Method::Morris => {
                    let s = morris_indices(unit, &y, d, resamples, 0.95, seed);
                    [s.mu, s.mu_star, s.sigma, s.mu_star_confidence]
                }
            }
        })
        .collect()
}

/// The Ishigami function with `a = 7`, `b = 0.1` on `[-pi, pi]^3`, the usual test of sensitivity
/// methods, from unit coordinates.
pub fn ishigami(unit: &[f64]) -> f64 {
    let x: Vec<f64> = unit
        .iter()
        .map(|u| -std::f64::consts::PI + 2.0 * std::f64::consts::PI * u)
        .collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

/// Analytic first-order and total indices of the Ishigami function (a = 7, b = 0.1).
pub fn ishigami_analytic() -> ([f64; 3], [f64; 3]) {
    let (a, b) = (7.0f64, 0.1f64);
    let pi4 = std::f64::consts::PI.powi(4);
    let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * pi4 * pi4 * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sobol_indices_of_ishigami_match_the_analytic_values() {
        let (d, n) = (3, 4096);
        let design = saltelli_design(d, n);
        assert_eq!(design.len(), n * (d + 2));
        let y: Vec<f64> = design.iter().map(|u| ishigami(u)).collect();
        let s = sobol_indices(&y, d, n, 100, 0.95, 1);
        let (first, total) = ishigami_analytic();
        for j in 0..3 {
            assert!(
                (s.first[j] - first[j]).abs() < 0.03,
                "S1[{j}] {} vs {}",
                s.first[j],
                first[j]
            );
            assert!(
                (s.total[j] - total[j]).abs() < 0.03,
                "ST[{j}] {} vs {}",
                s.total[j],
                total[j]
            );
            assert!(s.first_confidence[j] > 0.0 && s.first_confidence[j] < 0.1);
        }
    }

    #[test]
    fn morris_recovers_linear_effects_and_flags_interactions() {
        let d = 3;
        let design = morris_design(d, 40, 4, 3);
        assert_eq!(design.len(), 40 * (d + 1));
        assert!(design.iter().flatten().all(|&x| (0.0..=1.0 + 1e-12).contains(&x)));
        let linear: Vec<f64> = design.iter().map(|u| 3.0 * u[0] - 2.0 * u[1]).collect();
        let m = morris_indices(&design, &linear, d, 50, 0.95, 1);
        assert!((m.mu_star[0] - 3.0).abs() < 1e-9 && (m.mu_star[1] - 2.0).abs() < 1e-9 && m.mu_star[2] == 0.0);
        assert!((m.mu[1] + 2.0).abs() < 1e-9);
        assert!(m.sigma.iter().all(|s| s.abs() < 1e-9), "linear: no spread of effects");
        // Ishigami: x3 acts only through its interaction with x1, so its mean effect is near 0 but
        // its effects spread; x2 has the largest mu*.
        let y: Vec<f64> = design.iter().map(|u| ishigami(u)).collect();
        let m = morris_indices(&design, &y, d, 50, 0.95, 1);
        assert!(m.mu_star[1] > m.mu_star[0] && m.mu_star[1] > m.mu_star[2], "{m:?}");
        assert!(m.sigma[2] > 0.5 * m.mu_star[2] && m.sigma[2] > 1.0, "{m:?}");
    }
}
