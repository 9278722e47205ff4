//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC, the population Monte
//! Carlo sampler of Beaumont, Cornuet, Marin & Robert 2009) with an adaptive tolerance.
//!
//! Parameters live in the unit cube of their priors (a factor maps a unit coordinate to its
//! value, so uniform and log-uniform priors are both uniform there). Generation 0 draws from the
//! prior and fixes the scale of each statistic (its median absolute deviation over the prior
//! predictive). Every later generation resamples the previous one by weight, perturbs with a
//! Gaussian kernel of twice the weighted variance, and keeps proposals whose distance to the
//! targets is within the tolerance: the `quantile` of the previous generation's distances.
//!
//! Proposal `k` of generation `g` draws from its own random stream and runs with its own seed,
//! and proposals are accepted in index order, so the result does not depend on the threads.
//! Each simulation is told the tolerance it must meet ([`Tolerance`]), so it may stop as soon as
//! it cannot (see [`super::replicates`]).

use super::replicates::Tolerance;
use crate::design::Factor;
use crate::executor::Executor;
use crate::seeds::run_seed;
use esplab_model::random::{mix, Generator};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution as _, StandardNormal};
use statrs::distribution::{ContinuousCDF, Normal};
use std::sync::atomic::AtomicBool;

/// Settings of a calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Particles per generation.
    pub particles: usize,
    /// Generations after the prior one.
    pub generations: usize,
    /// The next tolerance is this quantile of the current generation's distances.
    pub quantile: f64,
    /// Stop after a generation whose acceptance rate fell below this.
    pub min_acceptance: f64,
    /// Stop before exceeding this many simulations in all.
    pub max_simulations: u64,
    /// Master seed.
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            particles: 200,
            generations: 5,
            quantile: 0.5,
            min_acceptance: 0.02,
            max_simulations: 100_000,
            seed: 1,
        }
    }
}

/// One accepted parameter point.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    /// Index of the proposal that produced it in its generation.
    pub proposal: u64,
    /// Coordinates in the unit cube of the priors.
    pub unit: Vec<f64>,
    /// Parameter values.
    pub values: Vec<f64>,
    /// Normalised importance weight.
    pub weight: f64,
    /// Distance of its statistics to the targets.
    pub distance: f64,
    /// Its simulated statistics.
    pub statistics: Vec<f64>,
}

/// A population of particles.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    pub index: usize,
    /// Tolerance of acceptance (infinite for the prior generation).
    pub epsilon: f64,
    /// Simulations run to fill it.
    pub simulations: u64,
    pub particles: Vec<Particle>,
}

impl Generation {
    /// Accepted particles per simulation.
    pub fn acceptance_rate(&self) -> f64 {
        self.particles.len() as f64 / self.simulations.max(1) as f64
    }

    /// Effective sample size of the weights, `1 / Σ w²`.
    pub fn effective_sample_size(&self) -> f64 {
        1.0 / self.particles.iter().map(|p| p.weight * p.weight).sum::<f64>()
    }
}

/// Why the sampler stopped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ending {
    /// All requested generations are done.
    Generations,
    /// The last generation accepted fewer than `min_acceptance` of its proposals.
    LowAcceptance,
    /// The next generation would have exceeded `max_simulations`; it was dropped.
    Budget,
    /// The stop flag was raised; the unfinished generation was dropped.
    Interrupted,
}

impl Ending {
    /// A sentence for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Generations => "all generations done",
            Self::LowAcceptance => "stopped early: the acceptance rate fell below the minimum",
            Self::Budget => "stopped early: the simulation budget ran out (the unfinished generation was dropped)",
            Self::Interrupted => "interrupted (the unfinished generation was dropped)",
        }
    }
}

/// The result of a calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Scale of each statistic in the distance.
    pub scales: Vec<f64>,
    pub generations: Vec<Generation>,
    pub ending: Ending,
}

impl Calibration {
    /// The posterior: the last generation.
    pub fn posterior(&self) -> Option<&Generation> {
        self.generations.last()
    }

    /// Simulations run in all, including those of a dropped generation.
    pub fn simulations(&self) -> u64 {
        self.generations.iter().map(|g| g.simulations).sum()
    }
}

/// Progress after each batch of proposals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub generation: usize,
    pub accepted: usize,
    pub simulations: u64,
    pub epsilon: f64,
}

/// Root mean square of the scaled differences to the targets; infinite when a statistic is
/// undefined.
pub fn distance(statistics: &[f64], targets: &[f64], scales: &[f64]) -> f64 {
    let mut sum = 0.0;
    for ((s, t), scale) in statistics.iter().zip(targets).zip(scales) {
        if !s.is_finite() {
            return f64::INFINITY;
        }
        sum += ((s - t) / scale).powi(2);
    }
    (sum / targets.len().max(1) as f64).sqrt()
}

/// Scale of each statistic: 1.4826 times its median absolute deviation over `rows`, or its
/// standard deviation when that is zero, or 1 when both are.
pub fn scales(rows: &[Vec<f64>], count: usize) -> Vec<f64> {
    (0..count)
        .map(|k| {
            let mut x: Vec<f64> = rows.iter().map(|r| r[k]).filter(|v| v.is_finite()).collect();
            x.sort_by(f64::total_cmp);
            let median = crate::statistics::quantile_sorted(&x, 0.5);
            let mut deviations: Vec<f64> = x.iter().map(|v| (v - median).abs()).collect();
            deviations.sort_by(f64::total_cmp);
            let mad = 1.4826 * crate::statistics::quantile_sorted(&deviations, 0.5);
            let sd = crate::statistics::variance(&x).sqrt();
            [mad, sd]
                .into_iter()
                .find(|s| s.is_finite() && *s > 1e-12)
                .unwrap_or(1.0)
        })
        .collect()
}

/// Picks an index with probability proportional to `weights` (which sum to one).
fn pick(weights: &[f64], u: f64) -> usize {
    let mut acc = 0.0;
    for (i, w) in weights.iter().enumerate() {
        acc += w;
        if u < acc {
            return i;
        }
    }
    weights.len() - 1
}

/// The Gaussian perturbation kernel of a generation, truncated to the unit cube.
struct Kernel {
    sd: Vec<f64>,
    /// Per parent: mass of its kernel inside the cube.
    mass: Vec<f64>,
    parents: Vec<Vec<f64>>,
    weights: Vec<f64>,
}

impl Kernel {
    fn new(generation: &Generation) -> Self {
        let d = generation.particles.first().map_or(0, |p| p.unit.len());
        let weights: Vec<f64> = generation.particles.iter().map(|p| p.weight).collect();
        let parents: Vec<Vec<f64>> = generation.particles.iter().map(|p| p.unit.clone()).collect();
        let sd: Vec<f64> = (0..d)
            .map(|k| {
                let mean: f64 = parents.iter().zip(&weights).map(|(u, w)| w * u[k]).sum();
                let var: f64 = parents
                    .iter()
                    .zip(&weights)
                    .map(|(u, w)| w * (u[k] - mean).powi(2))
                    .sum();
                (2.0 * var).sqrt().max(1e-6)
            })
            .collect();
        let normal = Normal::standard();
        let mass = parents
            .iter()
            .map(|u| {
                u.iter()
                    .zip(&sd)
                    .map(|(x, s)| normal.cdf((1.0 - x) / s) - normal.cdf(-x / s))
                    .product()
            })
            .collect();
        Self {
            sd,
            mass,
            parents,
            weights,
        }
    }

    /// Draws a proposal: a parent by weight, perturbed until it lies in the cube.
    fn propose(&self, rng: &mut Generator) -> Vec<f64> {
        let parent = &self.parents[pick(&self.weights, rng.random())];
        for _ in 0..10_000 {
            let u: Vec<f64> = parent
                .iter()
                .zip(&self.sd)
                .map(|(x, s)| {
                    x + s * {
                        let z: f64 = StandardNormal.sample(rng);
                        z
                    }
                })
                .collect::<Vec<f64>>();
            if u.iter().all(|x| (0.0..=1.0).contains(x)) {
                return u;
            }
        }
        parent.clone()
    }

    /// Density of proposing `u` from this generation.
    fn density(&self, u: &[f64]) -> f64 {
        let norm: f64 = self
            .sd
            .iter()
            .map(|s| s * (2.0 * std::f64::consts::PI).sqrt())
            .product();
        self.parents
            .iter()
            .zip(&self.weights)
            .zip(&self.mass)
            .map(|((p, w), m)| {
                let z2: f64 = u
                    .iter()
                    .zip(p)
                    .zip(&self.sd)
                    .map(|((a, b), s)| ((a - b) / s).powi(2))
                    .sum();
                w * (-0.5 * z2).exp() / (norm * m)
            })
            .sum()
    }
}

/// The random stream of proposal `k` of generation `g`.
fn proposal_stream(seed: u64, g: usize, k: u64) -> Generator {
    Generator::seed_from_u64(mix(run_seed(seed, proposal_index(g, k)) ^ 0x005E_ED0F_ABC0))
}

/// The run index of proposal `k` of generation `g` (its simulation seed is `run_seed(seed, ·)`).
pub fn proposal_index(g: usize, k: u64) -> u64 {
    ((g as u64) << 40) | k
}

enum Stop {
    Full,
    Budget,
}

/// Runs ABC-SMC over `factors` (their distributions are the priors) against `targets`.
/// `simulate(values, run_index, tolerance)` returns the statistics matching `targets` for one
/// proposal; it may return undefined (NaN) statistics once `tolerance` cannot accept them.
pub fn calibrate<F, P>(
    factors: &[Factor],
    targets: &[f64],
    settings: &Settings,
    executor: &Executor,
    stop: &AtomicBool,
    simulate: F,
    mut progress: P,
) -> Calibration
where
    F: Fn(&[f64], u64, &Tolerance<'_>) -> Vec<f64> + Sync,
    P: FnMut(Progress),
{
    let d = factors.len();
    let n = settings.particles.max(1);
    let mut generations: Vec<Generation> = Vec::new();
    let mut scales_of_statistics: Vec<f64> = vec![1.0; targets.len()];
    let mut used: u64 = 0;
    let block: u64 = (n as u64).max(64);
    for g in 0..=settings.generations {
        let kernel = generations.last().map(Kernel::new);
        let epsilon = match generations.last() {
            None => f64::INFINITY,
            Some(previous) => {
                let mut distances: Vec<f64> = previous.particles.iter().map(|p| p.distance).collect();
                distances.sort_by(f64::total_cmp);
                crate::statistics::quantile_sorted(&distances, settings.quantile)
            }
        };
        // The prior generation accepts any defined statistics (their scales are not known yet).
        let tolerance = if g == 0 {
            Tolerance::unlimited()
        } else {
            Tolerance {
                epsilon,
                targets,
                scales: &scales_of_statistics,
            }
        };
        let mut particles: Vec<Particle> = Vec::with_capacity(n);
        let mut simulations: u64 = 0;
        let mut start: u64 = 0;
        let ending = loop {
            let indices: Vec<u64> = (start..start + block).collect();
            start += block;
            let job = |k: u64| {
                let mut rng = proposal_stream(settings.seed, g, k);
                let unit: Vec<f64> = match &kernel {
                    None => (0..d).map(|_| rng.random::<f64>()).collect(),
                    Some(kernel) => kernel.propose(&mut rng),
                };
                let values: Vec<f64> = factors.iter().zip(&unit).map(|(f, u)| f.value(*u)).collect();
                let statistics = simulate(&values, proposal_index(g, k), &tolerance);
                (unit, values, statistics)
            };
            let outcome = executor.run(&indices, stop, job, |k, (unit, values, statistics)| {
                if used + simulations >= settings.max_simulations {
                    return Err(Stop::Budget);
                }
                simulations += 1;
                let distance = if g == 0 {
                    if statistics.iter().all(|s| s.is_finite()) {
                        0.0
                    } else {
                        f64::INFINITY
                    }
                } else {
                    distance(&statistics, targets, &scales_of_statistics)
                };
                if distance <= epsilon && distance.is_finite() {
                    particles.push(Particle {
                        proposal: k,
                        unit,
                        values,
                        weight: 1.0,
                        distance,
                        statistics,
                    });
                }
                if particles.len() >= n {
                    return Err(Stop::Full);
                }
                Ok(())
            });
            progress(Progress {
                generation: g,
                accepted: particles.len(),
                simulations: used + simulations,
                epsilon,
            });
            match outcome {
                Err(Stop::Full) => break None,
                Err(Stop::Budget) => break Some(Ending::Budget),
                Ok(Some(_)) => break Some(Ending::Interrupted),
                Ok(None) => continue,
            }
        };
        used += simulations;
        if let Some(ending) = ending {
            return Calibration {
                scales: scales_of_statistics,
                generations,
                ending,
            };
        }
        if g == 0 {
            let rows: Vec<Vec<f64>> = particles.iter().map(|p| p.statistics.clone()).collect();
            scales_of_statistics = scales(&rows, targets.len());
            for p in &mut particles {
                p.distance = distance(&p.statistics, targets, &scales_of_statistics);
            }
        } else if let Some(kernel) = &kernel {
            for p in &mut particles {
                p.weight = 1.0 / kernel.density(&p.unit);
            }
        }
        let total: f64 = particles.iter().map(|p| p.weight).sum();
        for p in &mut particles {
            p.weight /= total;
        }
        let generation = Generation {
            index: g,
            epsilon,
            simulations,
            particles,
        };
        let low = g > 0 && generation.acceptance_rate() < settings.min_acceptance;
        generations.push(generation);
        if low {
            return Calibration {
                scales: scales_of_statistics,
                generations,
                ending: Ending::LowAcceptance,
            };
        }
    }
    Calibration {
        scales: scales_of_statistics,
        generations,
        ending: Ending::Generations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::Distribution;

    fn factor(key: &str, low: f64, high: f64) -> Factor {
        Factor {
            key: key.into(),
            distribution: Distribution::Uniform { low, high },
            integer: false,
            levels: 3,
        }
    }

    /// A Gaussian model with a known posterior: data x ~ Normal(mu, 1), n = 20 observations
    /// summarised by their mean; with a flat prior the posterior of mu is Normal(x̄, 1/√20).
    fn gaussian(values: &[f64], index: u64, _: &Tolerance<'_>) -> Vec<f64> {
        one_gaussian_run(values, index)
    }

    fn one_gaussian_run(values: &[f64], index: u64) -> Vec<f64> {
        let mut rng = Generator::seed_from_u64(mix(index ^ 77));
        let n = 20;
        let sum: f64 = (0..n)
            .map(|_| {
                let z: f64 = StandardNormal.sample(&mut rng);
                values[0] + z
            })
            .sum::<f64>();
        vec![sum / n as f64]
    }

    fn settings(threads_seed: u64) -> Settings {
        Settings {
            particles: 400,
            generations: 6,
            quantile: 0.5,
            min_acceptance: 0.001,
            max_simulations: 200_000,
            seed: threads_seed,
        }
    }

    #[test]
    fn recovers_the_analytic_posterior_of_a_gaussian_mean() {
        let stop = AtomicBool::new(false);
        let factors = [factor("mu", -5.0, 5.0)];
        let target = [1.3];
        let c = calibrate(
            &factors,
            &target,
            &settings(3),
            &Executor::new(2),
            &stop,
            gaussian,
            |_| {},
        );
        assert_eq!(c.ending, Ending::Generations);
        let post = c.posterior().unwrap();
        let mean: f64 = post.particles.iter().map(|p| p.weight * p.values[0]).sum();
        let var: f64 = post
            .particles
            .iter()
            .map(|p| p.weight * (p.values[0] - mean).powi(2))
            .sum();
        // Exact posterior: mean 1.3, sd 1/sqrt(20) = 0.224. ABC with a positive tolerance
        // widens it a little; the mean stays within a few Monte Carlo errors.
        assert!((mean - 1.3).abs() < 0.06, "posterior mean {mean}");
        let sd = var.sqrt();
        assert!(sd > 0.18 && sd < 0.32, "posterior sd {sd}");
        // Tolerances shrink generation by generation.
        for w in c.generations.windows(2).skip(1) {
            assert!(w[1].epsilon <= w[0].epsilon);
        }
    }

    #[test]
    fn results_do_not_depend_on_the_threads() {
        let stop = AtomicBool::new(false);
        let factors = [factor("mu", -5.0, 5.0), factor("nu", 0.0, 1.0)];
        let mut s = settings(9);
        s.particles = 50;
        s.generations = 3;
        let run = |threads| calibrate(&factors, &[0.5], &s, &Executor::new(threads), &stop, gaussian, |_| {});
        assert_eq!(run(1), run(3));
    }

    #[test]
    fn early_rejection_of_replicates_leaves_the_result_unchanged() {
        use super::super::replicates::replicate_medians;
        use std::sync::atomic::{AtomicU64, Ordering};
        let stop = AtomicBool::new(false);
        let factors = [factor("mu", -5.0, 5.0)];
        let mut s = settings(6);
        s.particles = 100;
        s.generations = 4;
        let runs = AtomicU64::new(0);
        let fit = |early: bool| {
            runs.store(0, Ordering::Relaxed);
            calibrate(
                &factors,
                &[1.3],
                &s,
                &Executor::new(1),
                &stop,
                |values, index, tolerance| {
                    let tolerance = if early { *tolerance } else { Tolerance::unlimited() };
                    let (medians, made) =
                        replicate_medians(5, &tolerance, |r| one_gaussian_run(values, index | r << 56));
                    runs.fetch_add(made as u64, Ordering::Relaxed);
                    medians
                },
                |_| {},
            )
        };
        let full = fit(false);
        let full_runs = runs.load(Ordering::Relaxed);
        let early = fit(true);
        let early_runs = runs.load(Ordering::Relaxed);
        assert_eq!(early, full);
        assert!(
            (early_runs as f64) < 0.9 * full_runs as f64,
            "{early_runs} runs with early rejection, {full_runs} without"
        );
    }

    #[test]
    fn the_budget_stops_the_sampler_with_only_complete_generations() {
        let stop = AtomicBool::new(false);
        let factors = [factor("mu", -5.0, 5.0)];
        let mut s = settings(4);
        s.max_simulations = 1_000;
        let c = calibrate(&factors, &[1.0], &s, &Executor::new(2), &stop, gaussian, |_| {});
        assert_eq!(c.ending, Ending::Budget);
        assert!(c.generations.iter().all(|g| g.particles.len() == s.particles));
        assert!(c.generations.iter().map(|g| g.simulations).sum::<u64>() <= 1_000);
    }

    #[test]
    fn distances_scale_each_statistic_and_reject_undefined_ones() {
        assert_eq!(distance(&[3.0, 1.0], &[1.0, 1.0], &[2.0, 1.0]), (0.5f64).sqrt());
        assert_eq!(distance(&[f64::NAN], &[1.0], &[1.0]), f64::INFINITY);
        let s = scales(&[vec![1.0, 5.0], vec![2.0, 5.0], vec![3.0, 5.0]], 2);
        assert!((s[0] - 1.4826).abs() < 1e-12);
        assert_eq!(s[1], 1.0);
    }
}
