//! `calibrate`: ABC-SMC of named parameters against target statistics of real incident history
//! and dated shares, then the posterior predictive of the targets and of any held-out figures.

use crate::destination::{choose, Destination};
use crate::error::CommandError;
use crate::limits::{fraction, Limit};
use crate::machine_memory;
use crate::progress::Progress;
use crate::source::Source;
use crate::stop::Stop;
use esplab_experiment::calibration::{CalibrationFailure, CalibrationJob, CalibrationResult, Generation, Settings};
use esplab_experiment::calibration::{DEFAULT_USERS, MAX_REPLICATES};
use esplab_experiment::design::{Distribution, Factor};
use esplab_experiment::Executor;
use esplab_output::calibration_files::{particles_table, summary_json, write_calibrated, Calibrated};
use esplab_output::table::Table;
use esplab_scenario::fields::set_numeric;
use esplab_scenario::priors::calibration_priors;
use esplab_scenario::targets::{Target, TargetSet};
use esplab_scenario::{Override, Scenario, Spelling};
use std::path::PathBuf;

/// Particles per generation.
pub const PARTICLES: Limit = Limit {
    field: "particles",
    low: 10,
    high: 100_000,
};
/// Generations after the prior one.
pub const GENERATIONS: Limit = Limit {
    field: "generations",
    low: 0,
    high: 100,
};
/// Simulations in all.
pub const MAX_SIMULATIONS: Limit = Limit {
    field: "max_simulations",
    low: 10,
    high: u64::MAX,
};
/// Runs per particle: each replicate of each particle has a seed of its own up to
/// [`MAX_REPLICATES`].
pub const REPLICATES: Limit = Limit {
    field: "replicates",
    low: 1,
    high: MAX_REPLICATES,
};
/// Draws of the posterior predictive.
pub const PREDICTIVE: Limit = Limit {
    field: "predictive",
    low: 1,
    high: 1_000_000,
};

/// A calibration.
#[derive(Debug, Clone)]
pub struct Request {
    /// The scenario; its runs have [`DEFAULT_USERS`] users unless the overrides set `run.users`.
    pub source: Source,
    /// The target file.
    pub targets: String,
    /// Statistics of the target file to keep (all when empty).
    pub only: Vec<String>,
    /// A target file of figures to predict, not fit.
    pub holdout: Option<String>,
    /// Priors, `KEY=uniform:LOW:HIGH` (default: the drivers of the targeted statistics).
    pub params: Vec<String>,
    pub sampler: Sampler,
    /// Where to write the folder; `None`: nowhere.
    pub destination: Option<Destination>,
}

/// How a calibration samples: ABC-SMC's particles and generations, when it stops, the runs
/// per particle and the draws of the posterior predictive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sampler {
    pub particles: u64,
    pub generations: u64,
    /// The next tolerance is this quantile of the current distances.
    pub quantile: f64,
    /// Stop after a generation that accepted fewer than this share of its runs.
    pub min_acceptance: f64,
    pub max_simulations: u64,
    pub replicates: u64,
    pub predictive: u64,
}

impl Sampler {
    /// The job of calibrating `factors` of `scenario` against `targets` (and predicting
    /// `holdout`), with the limits checked.
    pub fn job(
        &self,
        scenario: &Scenario,
        targets: &TargetSet,
        holdout: Option<&TargetSet>,
        factors: &[Factor],
    ) -> Result<CalibrationJob, CommandError> {
        Ok(CalibrationJob {
            base: scenario.parameters.clone(),
            factors: factors.to_vec(),
            set: set_numeric,
            targets: targets.resolve(&scenario.parameters)?,
            held_out: match holdout {
                Some(h) => h.resolve(&scenario.parameters)?,
                None => Vec::new(),
            },
            replicates: REPLICATES.check(self.replicates)?,
            settings: Settings {
                particles: PARTICLES.check(self.particles)? as usize,
                generations: GENERATIONS.check(self.generations)? as usize,
                quantile: fraction("quantile", self.quantile)?,
                min_acceptance: fraction("min_acceptance", self.min_acceptance)?,
                max_simulations: MAX_SIMULATIONS.check(self.max_simulations)?,
                seed: scenario.parameters.run.seed,
            },
            predictive_draws: PREDICTIVE.check(self.predictive)? as usize,
        })
    }

    /// Checks the limits before anything is read.
    pub fn check(&self) -> Result<(), CommandError> {
        PARTICLES.check(self.particles)?;
        GENERATIONS.check(self.generations)?;
        MAX_SIMULATIONS.check(self.max_simulations)?;
        REPLICATES.check(self.replicates)?;
        PREDICTIVE.check(self.predictive)?;
        fraction("quantile", self.quantile)?;
        fraction("min_acceptance", self.min_acceptance)?;
        Ok(())
    }
}

/// A calibration ready to run.
pub struct Prepared {
    pub scenario: Scenario,
    pub targets: TargetSet,
    pub holdout: Option<TargetSet>,
    pub factors: Vec<Factor>,
    pub job: CalibrationJob,
    prior_texts: Vec<String>,
    pub dir: Option<PathBuf>,
}

/// What a calibration found, with what it ran on.
pub struct Outcome {
    pub scenario: Scenario,
    pub targets: TargetSet,
    pub holdout: Option<TargetSet>,
    pub factors: Vec<Factor>,
    pub job: CalibrationJob,
    pub result: CalibrationResult,
    pub dir: Option<PathBuf>,
}

impl Request {
    /// Checks the limits, reads the targets and the scenario, sets the priors up, checks
    /// memory and chooses the folder.
    pub fn prepare(self, executor: &Executor, spelling: Spelling) -> Result<Prepared, CommandError> {
        self.sampler.check()?;
        let mut targets = TargetSet::load(&self.targets)?;
        for name in &self.only {
            if !targets.targets.iter().any(|t| &t.statistic == name) {
                let present: Vec<&str> = targets.targets.iter().map(|t| t.statistic.as_str()).collect();
                return Err(CommandError::field(
                    "only",
                    name,
                    format!("{} has no such target; it has: {}", targets.source, present.join(", ")),
                ));
            }
        }
        if !self.only.is_empty() {
            targets.targets.retain(|t| self.only.contains(&t.statistic));
        }
        let holdout = self.holdout.as_deref().map(TargetSet::load).transpose()?;
        let users_given = self.source.overrides.iter().any(|o| o.path == "run.users");
        let default_users = [Override::option("calibrate default users", "run.users", DEFAULT_USERS)];
        let scenario = self.source.load(if users_given { &[] } else { &default_users })?;
        let (prior_texts, factors) = calibration_priors(&self.params, &targets, &scenario)?;
        let job = self.sampler.job(&scenario, &targets, holdout.as_ref(), &factors)?;
        machine_memory::ensure(
            &format!("scenario `{}`", scenario.name),
            [&job.largest()],
            executor,
            job.settings.particles as u64,
            spelling,
        )?;
        let (dir, _) = choose(&self.destination, &format!("{}-calibration", scenario.name))?;
        Ok(Prepared {
            scenario,
            targets,
            holdout,
            factors,
            job,
            prior_texts,
            dir,
        })
    }
}

impl Prepared {
    /// Runs the sampler and the posterior predictive, and writes the folder.
    pub fn run(self, executor: &Executor, progress: &dyn Progress, stop: &Stop) -> Result<Outcome, CommandError> {
        let result = sample(&self.job, executor, progress, stop)?;
        let outcome = Outcome {
            scenario: self.scenario,
            targets: self.targets,
            holdout: self.holdout,
            factors: self.factors,
            job: self.job,
            result,
            dir: self.dir,
        };
        if let Some(dir) = &outcome.dir {
            write_calibrated(dir, &outcome.calibrated(), &self.prior_texts).map_err(|e| CommandError::Output {
                action: "write the results into",
                dir: dir.clone(),
                source: e,
            })?;
        }
        Ok(outcome)
    }
}

impl Outcome {
    /// The calibration as its files see it.
    pub fn calibrated(&self) -> Calibrated<'_> {
        Calibrated {
            scenario: &self.scenario,
            targets: &self.targets,
            holdout: self.holdout.as_ref(),
            factors: &self.factors,
            result: &self.result,
            job: &self.job,
        }
    }

    /// What calibration.json holds: the posterior, its predictive check, the held-out figures.
    pub fn summary(&self) -> serde_json::Value {
        summary_json(&self.calibrated())
    }

    /// The particles of the posterior generation (posterior.csv), and of every generation
    /// (particles.csv).
    pub fn particles(&self) -> (Table, Table) {
        let keys: Vec<String> = self.factors.iter().map(|f| f.key.clone()).collect();
        let statistics: Vec<String> = self.targets.targets.iter().map(|t| t.label()).collect();
        let all: Vec<&Generation> = self.result.calibration.generations.iter().collect();
        let last: Vec<&Generation> = self.result.calibration.posterior().into_iter().collect();
        (
            particles_table(&last, &keys, &statistics),
            particles_table(&all, &keys, &statistics),
        )
    }
}

/// A prior in words.
pub fn prior_text(f: &Factor) -> String {
    match &f.distribution {
        Distribution::Uniform { low, high } => format!("uniform [{low}, {high}]"),
        Distribution::LogUniform { low, high } => format!("log-uniform [{low}, {high}]"),
        Distribution::Values(v) => format!("values {v:?}"),
    }
}

/// A target's figure; a share with the size of its survey (`0.587/518`, `>=0.403/11000000`).
pub fn target_text(t: &Target) -> String {
    match &t.share {
        None => crate::format::number(t.value),
        Some(s) => format!(
            "{}{:.3}{}",
            if s.lower_bound { ">=" } else { "" },
            t.value,
            s.sample.map(|n| format!("/{n}")).unwrap_or_default()
        ),
    }
}

/// Runs `job`'s sampler and its posterior predictive, telling `progress`.
pub fn sample(
    job: &CalibrationJob,
    executor: &Executor,
    progress: &dyn Progress,
    stop: &Stop,
) -> Result<CalibrationResult, CommandError> {
    progress.begin("simulations", job.settings.max_simulations, 0);
    let mut predicting = false;
    let result = job.run(
        executor,
        stop.flag(),
        |p| {
            progress.at(
                p.simulations,
                &format!("generation {} accepted {}", p.generation, p.accepted),
            )
        },
        || {
            if !predicting {
                predicting = true;
                progress.begin("predictive runs", job.predictive_draws as u64, 0);
            }
            progress.advance(1)
        },
    );
    progress.end();
    result.map_err(|e| match e {
        CalibrationFailure::Interrupted => CommandError::Interrupted(None),
        CalibrationFailure::NoGeneration => CommandError::Failed(format!(
            "no complete generation within max_simulations {}: the prior generation needs {} particles with every \
             targeted statistic defined (lags from news need news in the run)",
            job.settings.max_simulations, job.settings.particles
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicates_stop_where_their_seeds_would_collide() {
        assert_eq!(REPLICATES.check(MAX_REPLICATES).unwrap(), 256);
        let e = REPLICATES.check(MAX_REPLICATES + 1).unwrap_err();
        assert_eq!(e.spelled(Spelling::Cli), "--replicates 257: allowed: 1..=256");
        assert_eq!(e.spelled(Spelling::Python), "replicates=257: allowed: 1..=256");
    }

    #[test]
    fn a_request_checks_its_limits_before_it_reads_anything() {
        let request = Request {
            source: Source::named("no-such-preset", Vec::new()),
            targets: "no-such-file.toml".into(),
            only: Vec::new(),
            holdout: None,
            params: Vec::new(),
            sampler: Sampler {
                particles: 200,
                generations: 5,
                quantile: 0.5,
                min_acceptance: 0.02,
                max_simulations: 20_000,
                replicates: 1_000,
                predictive: 100,
            },
            destination: None,
        };
        let e = request
            .prepare(&Executor::new(1), Spelling::Python)
            .err()
            .expect("refused");
        assert!(e.is_usage(), "{e}");
        assert_eq!(e.spelled(Spelling::Python), "replicates=1000: allowed: 1..=256");
    }
}
