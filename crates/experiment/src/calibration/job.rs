//! A calibration as one job: ABC-SMC of the factors against the targets (each particle the
//! median of its replicate runs, stopped early once it cannot be accepted), then the posterior
//! predictive of the targets and of any held-out figures, all from the same fresh runs at
//! draws of the posterior by weight. The command line and Python run this and only convert
//! arguments and results.

use crate::calibration::posterior::{marginal, narrowing, predictive, resample, Marginal, Predictive};
use crate::calibration::smc::proposal_index;
use crate::calibration::{
    calibrate, replicate_medians, run_measures, Calibration, Ending, Measure, Progress, Settings, Target, Tolerance,
};
use crate::design::Factor;
use crate::executor::{Executor, Interrupted};
use esplab_model::Parameters;
use std::sync::atomic::AtomicBool;

/// Simulated users per calibration run unless the caller says otherwise.
pub const DEFAULT_USERS: u32 = 10_000;

/// Generation index whose proposal seeds the posterior-predictive runs use (no sampler
/// generation reaches it).
const PREDICTIVE_GENERATION: usize = 0xFFFF;

/// Runs per particle at most: a replicate's number takes the top 8 bits of its run index, below
/// which a particle's index takes 56 ([`crate::calibration::smc::proposal_index`]), so every
/// replicate of every particle has a seed of its own.
pub const MAX_REPLICATES: u64 = 1 << 8;

/// The run index of replicate `r` (below [`MAX_REPLICATES`]) of the particle with run index
/// `index` (below 2^56).
pub fn replicate_index(index: u64, r: u64) -> u64 {
    debug_assert!(r < MAX_REPLICATES && index < 1 << 56, "replicate {r} of run {index}");
    index | (r << 56)
}

/// What to calibrate, against what, and how.
#[derive(Debug, Clone)]
pub struct CalibrationJob {
    /// The scenario's parameters; the factors are set on a copy for each particle.
    pub base: Parameters,
    /// The calibrated keys and their priors.
    pub factors: Vec<Factor>,
    /// Sets a factor's key in parameters (the scenario's field registry).
    pub set: fn(&mut Parameters, &str, f64),
    /// The targets: what each measures, its value and the band that matches it.
    pub targets: Vec<Target>,
    /// Held-out figures, predicted and never fitted.
    pub held_out: Vec<Target>,
    /// Runs per particle; its statistics are their medians.
    pub replicates: u64,
    pub settings: Settings,
    /// Draws of the posterior predictive.
    pub predictive_draws: usize,
}

/// What a calibration found.
#[derive(Debug, Clone)]
pub struct CalibrationResult {
    pub calibration: Calibration,
    /// The posterior of each factor.
    pub marginals: Vec<Marginal>,
    /// How much the data narrowed each factor (see [`narrowing`]).
    pub narrowing: Vec<f64>,
    /// The posterior predictive of each target.
    pub predictives: Vec<Predictive>,
    /// The posterior predictive of each held-out figure.
    pub held_out: Vec<Predictive>,
    /// Draws of the posterior predictive made.
    pub draws: usize,
}

/// Why a calibration gave no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CalibrationFailure {
    #[error("interrupted")]
    Interrupted,
    #[error(
        "no complete generation within the simulation budget: the prior generation needs every particle \
         with each targeted statistic defined (lags from news need news in the run)"
    )]
    NoGeneration,
}

impl From<Interrupted> for CalibrationFailure {
    fn from(_: Interrupted) -> Self {
        Self::Interrupted
    }
}

impl CalibrationJob {
    /// The parameters of a particle with factor `values`.
    pub fn parameters_for(&self, values: &[f64]) -> Parameters {
        let mut p = self.base.clone();
        for (f, v) in self.factors.iter().zip(values) {
            (self.set)(&mut p, &f.key, *v);
        }
        p
    }

    /// The parameters at the top of every prior: footprints grow with users, degree and
    /// horizon, so these are the largest for the memory check.
    pub fn largest(&self) -> Parameters {
        self.parameters_for(&self.factors.iter().map(|f| f.value(1.0)).collect::<Vec<_>>())
    }

    /// The medians over the replicates of `measures` of the particle `values` with run index
    /// `index`, each passed through `fold` with its position, stopping early once `tolerance`
    /// cannot accept them.
    fn medians(
        &self,
        values: &[f64],
        index: u64,
        measures: &[Measure],
        fold: impl Fn(usize, f64) -> f64,
        tolerance: &Tolerance<'_>,
    ) -> Vec<f64> {
        let p = self.parameters_for(values);
        let master = self.settings.seed;
        replicate_medians(self.replicates as usize, tolerance, |r| {
            let all = run_measures(&p, master, replicate_index(index, r), measures);
            all.into_iter().enumerate().map(|(k, x)| fold(k, x)).collect()
        })
        .0
    }

    /// Runs the sampler, then the posterior predictive; `progress` after each batch of
    /// proposals, `tick` after each predictive draw.
    pub fn run(
        &self,
        executor: &Executor,
        stop: &AtomicBool,
        progress: impl FnMut(Progress),
        tick: impl FnMut(),
    ) -> Result<CalibrationResult, CalibrationFailure> {
        // The sampler compares each simulated value folded onto its target's band (a share
        // within a survey's sampling error matches it).
        let targeted: Vec<Measure> = self.targets.iter().map(|t| t.measure).collect();
        let values: Vec<f64> = self.targets.iter().map(|t| t.value).collect();
        let calibration = calibrate(
            &self.factors,
            &values,
            &self.settings,
            executor,
            stop,
            |x, index, tolerance| self.medians(x, index, &targeted, |k, v| self.targets[k].fold(v), tolerance),
            progress,
        );
        if calibration.ending == Ending::Interrupted {
            return Err(CalibrationFailure::Interrupted);
        }
        let posterior = calibration.posterior().ok_or(CalibrationFailure::NoGeneration)?;
        // Fresh runs at draws by weight: the targeted statistics, then the held-out ones.
        let draws = resample(posterior, self.predictive_draws, self.settings.seed);
        let predicted: Vec<Measure> = targeted
            .iter()
            .copied()
            .chain(self.held_out.iter().map(|h| h.measure))
            .collect();
        let indices: Vec<u64> = (0..draws.len() as u64).collect();
        let rows = executor.in_order(
            &indices,
            stop,
            |m| {
                let particle = &posterior.particles[draws[m as usize]];
                let index = proposal_index(PREDICTIVE_GENERATION, m);
                self.medians(&particle.values, index, &predicted, |_, v| v, &Tolerance::unlimited())
            },
            tick,
        )?;
        let column = |k: usize, target: &Target| predictive(&rows.iter().map(|r| r[k]).collect::<Vec<f64>>(), target);
        let predictives = self.targets.iter().enumerate().map(|(k, t)| column(k, t)).collect();
        let held_out = self
            .held_out
            .iter()
            .enumerate()
            .map(|(k, t)| column(self.targets.len() + k, t))
            .collect();
        let marginals = (0..self.factors.len()).map(|k| marginal(posterior, k)).collect();
        let narrowing = (0..self.factors.len()).map(|k| narrowing(posterior, k)).collect();
        Ok(CalibrationResult {
            marginals,
            narrowing,
            predictives,
            held_out,
            draws: draws.len(),
            calibration,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn replicate_seeds_never_collide_up_to_the_most_replicates() {
        // Proposals of the first generations, of the last, and the predictive draws' indices.
        let particles: Vec<u64> = [0usize, 1, 7, 99, PREDICTIVE_GENERATION]
            .iter()
            .flat_map(|&g| [0u64, 1, 199, 19_999].map(|k| proposal_index(g, k)))
            .collect();
        let mut seen = HashSet::new();
        for &index in &particles {
            for r in 0..MAX_REPLICATES {
                assert!(
                    seen.insert(crate::run_seed(11, replicate_index(index, r))),
                    "replicate {r} of run {index} reuses a seed"
                );
            }
        }
        assert_eq!(seen.len(), particles.len() * MAX_REPLICATES as usize);
        // One more replicate would wrap onto replicate 0: the limit is what keeps seeds apart.
        assert_eq!(index_wrapping(particles[1], MAX_REPLICATES), particles[1]);
    }

    /// What [`replicate_index`] would give past its limit (its debug check aside).
    fn index_wrapping(index: u64, r: u64) -> u64 {
        index | r.wrapping_shl(56)
    }
}
