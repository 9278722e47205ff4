//! Experimental designs: factors with their ranges, and samplers of the unit hypercube (full
//! grid, Latin hypercube, Sobol' sequence) mapped to factor values.

use esplab_model::random::{generator, Stream};
use rand::seq::SliceRandom;
use rand::Rng;

/// How a factor's unit coordinate maps to a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    /// Uniform on [low, high].
    Uniform { low: f64, high: f64 },
    /// Uniform in log on [low, high] (both positive).
    LogUniform { low: f64, high: f64 },
    /// One of listed values, equally likely.
    Values(Vec<f64>),
}

/// A factor of a design: a scenario key and its distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// Dotted scenario key, e.g. `vendors.tolerance`.
    pub key: String,
    pub distribution: Distribution,
    /// Whether the key takes integers (values are then rounded).
    pub integer: bool,
    /// Levels in a full grid (ignored by other samplers; listed values use their own count).
    pub levels: usize,
}

impl Factor {
    /// The value at unit coordinate `u` in [0, 1].
    pub fn value(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        let v = match &self.distribution {
            Distribution::Uniform { low, high } => low + u * (high - low),
            Distribution::LogUniform { low, high } => (low.ln() + u * (high.ln() - low.ln())).exp(),
            Distribution::Values(values) => {
                let i = ((u * values.len() as f64).floor() as usize).min(values.len().saturating_sub(1));
                values.get(i).copied().unwrap_or(f64::NAN)
            }
        };
        if self.integer {
            v.round()
        } else {
            v
        }
    }

    /// Number of grid levels of this factor.
    pub fn grid_levels(&self) -> usize {
        match &self.distribution {
            Distribution::Values(values) => values.len(),
            _ => self.levels.max(1),
        }
    }
}

/// The samplers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sampler {
    Grid,
    LatinHypercube,
    Sobol,
}

impl Sampler {
    /// Names in plan files.
    pub const NAMES: [&'static str; 3] = ["grid", "latin-hypercube", "sobol"];

    /// Parses a plan-file name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "grid" => Some(Self::Grid),
            "latin-hypercube" => Some(Self::LatinHypercube),
            "sobol" => Some(Self::Sobol),
            _ => None,
        }
    }
}

/// The first `n` points of the unscrambled Sobol' sequence in `dimensions` dimensions
/// (Joe–Kuo direction numbers, Gray-code order: the sequence of SciPy's `qmc.Sobol` with
/// `scramble=False`, which SALib uses), starting with the origin.
pub fn sobol_points(dimensions: usize, n: usize) -> Vec<Vec<f64>> {
    if dimensions == 0 {
        return vec![Vec::new(); n];
    }
    let params = sobol::params::JoeKuoD6::minimal();
    sobol::Sobol::<f64>::new(dimensions, &params).take(n).collect()
}

/// Unit-hypercube points of a design.
pub fn unit_points(sampler: Sampler, factors: &[Factor], points: usize, seed: u64) -> Vec<Vec<f64>> {
    let d = factors.len();
    match sampler {
        Sampler::Grid => {
            let levels: Vec<usize> = factors.iter().map(Factor::grid_levels).collect();
            let total: usize = levels.iter().product();
            (0..total)
                .map(|mut index| {
                    // The last factor varies fastest.
                    let mut point = vec![0.0; d];
                    for f in (0..d).rev() {
                        let level = index % levels[f];
                        index /= levels[f];
                        point[f] = match &factors[f].distribution {
                            Distribution::Values(v) => (level as f64 + 0.5) / v.len() as f64,
                            _ if levels[f] == 1 => 0.5,
                            _ => level as f64 / (levels[f] - 1) as f64,
                        };
                    }
                    point
                })
                .collect()
        }
        Sampler::LatinHypercube => {
            let mut rng = generator(seed, Stream::Traits);
            let mut columns: Vec<Vec<f64>> = Vec::with_capacity(d);
            for _ in 0..d {
                let mut strata: Vec<usize> = (0..points).collect();
                strata.shuffle(&mut rng);
                columns.push(
                    strata
                        .iter()
                        .map(|&s| (s as f64 + rng.random::<f64>()) / points as f64)
                        .collect(),
                );
            }
            (0..points).map(|i| columns.iter().map(|c| c[i]).collect()).collect()
        }
        // Skip the origin: it sits on every factor's lower bound.
        Sampler::Sobol => sobol_points(d, points + 1).into_iter().skip(1).collect(),
    }
}

/// Factor values of every point of a design.
pub fn design(sampler: Sampler, factors: &[Factor], points: usize, seed: u64) -> Vec<Vec<f64>> {
    unit_points(sampler, factors, points, seed)
        .into_iter()
        .map(|u| factors.iter().zip(&u).map(|(f, &x)| f.value(x)).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uniform(key: &str, low: f64, high: f64, levels: usize) -> Factor {
        Factor {
            key: key.into(),
            distribution: Distribution::Uniform { low, high },
            integer: false,
            levels,
        }
    }

    #[test]
    fn grid_is_the_full_product_with_the_last_factor_fastest() {
        let factors = [
            uniform("a", 0.0, 1.0, 2),
            Factor {
                key: "b".into(),
                distribution: Distribution::Values(vec![10.0, 20.0, 30.0]),
                integer: false,
                levels: 0,
            },
        ];
        let points = design(Sampler::Grid, &factors, 0, 1);
        assert_eq!(
            points,
            vec![
                vec![0.0, 10.0],
                vec![0.0, 20.0],
                vec![0.0, 30.0],
                vec![1.0, 10.0],
                vec![1.0, 20.0],
                vec![1.0, 30.0]
            ]
        );
    }

    #[test]
    fn latin_hypercube_puts_one_point_in_each_stratum_of_each_factor() {
        let factors = [
            uniform("a", 0.0, 1.0, 0),
            uniform("b", 0.0, 1.0, 0),
            uniform("c", 0.0, 1.0, 0),
        ];
        let n = 50;
        let points = unit_points(Sampler::LatinHypercube, &factors, n, 7);
        for f in 0..3 {
            let mut strata: Vec<usize> = points.iter().map(|p| (p[f] * n as f64) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
        assert_eq!(points, unit_points(Sampler::LatinHypercube, &factors, n, 7));
        assert_ne!(points, unit_points(Sampler::LatinHypercube, &factors, n, 8));
    }

    #[test]
    fn sobol_matches_scipy_unscrambled() {
        // scipy.stats.qmc.Sobol(d=3, scramble=False).random(6)
        let expected = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
        ];
        let points = sobol_points(3, 6);
        for (p, e) in points.iter().zip(expected) {
            assert_eq!(p.as_slice(), e.as_slice());
        }
        // Every dimension of the first 2^k points hits each of the 2^k strata once.
        let points = sobol_points(8, 64);
        for dim in 0..8 {
            let mut strata: Vec<usize> = points.iter().map(|p| (p[dim] * 64.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..64).collect::<Vec<_>>());
        }
    }

    #[test]
    fn values_map_log_uniform_and_integers() {
        let f = Factor {
            key: "x".into(),
            distribution: Distribution::LogUniform { low: 1.0, high: 100.0 },
            integer: false,
            levels: 3,
        };
        assert!((f.value(0.5) - 10.0).abs() < 1e-9);
        let g = Factor {
            integer: true,
            ..uniform("n", 2.0, 10.0, 0)
        };
        assert_eq!(g.value(0.3), 4.0);
        let h = Factor {
            key: "v".into(),
            distribution: Distribution::Values(vec![1.0, 2.0]),
            integer: false,
            levels: 0,
        };
        assert_eq!(h.value(0.49), 1.0);
        assert_eq!(h.value(1.0), 2.0);
    }
}
