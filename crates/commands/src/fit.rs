//! `fit`: a technology's own series, fitted. One series of a series file, its technology's
//! events and a base scenario make a scenario cut at the as-of date with one `share` target per
//! point up to it (`observed_series`); ABC-SMC fits the priors to them (the sampler of
//! `calibrate`: the model has no likelihood to write down, only runs to compare, so sequential
//! Monte Carlo over accept/reject distances is the tool, its tolerance shrinking generation by
//! generation); then draws of the posterior are run to the as-of date to show the fitted paths
//! against the points. The folder is a calibration folder (its posterior feeds `forecast` and
//! `leverage --draws`) with `fit.json`, `observations.csv` and `paths.csv` besides.

use crate::calibrate::{sample, Sampler};
use crate::destination::{choose, Destination};
use crate::error::CommandError;
use crate::limits::Limit;
use crate::machine_memory;
use crate::observed_series::{as_of_date, select, setup, DayPoint, Setup};
use crate::outlooks::{days_every, fan, Posterior, FIT_PATHS};
use crate::progress::Progress;
use crate::stop::Stop;
use esplab_experiment::calibration::{CalibrationJob, CalibrationResult};
use esplab_experiment::design::Factor;
use esplab_experiment::forecast::paths::Outlook;
use esplab_experiment::Executor;
use esplab_model::StartDate;
use esplab_output::calibration_files::{
    manifest_settings, particles_table, summary_json, write_calibration, Calibrated, CalibrationFiles,
};
use esplab_output::manifest;
use esplab_output::table::{Column, Table};
use esplab_scenario::priors::calibration_priors;
use esplab_scenario::{Override, Spelling};
use serde_json::{json, Value};
use std::path::PathBuf;

/// Simulated users per run of a fit unless the overrides set `run.users` (docs/evidence.md,
/// "Forecasts": the fitted fans no longer narrow or move beyond it).
pub const FIT_USERS: u32 = 10_000;

/// Posterior draws run to show the fitted paths.
pub const DRAWS: Limit = Limit {
    field: "draws",
    low: 10,
    high: 100_000,
};

/// Days between the rows of a fan.
pub const FAN_STEP_DAYS: u32 = 7;

/// A fit of one series.
#[derive(Debug, Clone)]
pub struct Request {
    /// The series file and, optionally, the events file.
    pub series: String,
    pub events: Option<String>,
    pub series_id: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `None`: the series' last point.
    pub as_of: Option<String>,
    /// A preset or scenario file; `None`: the series' own (see `observed_series`).
    pub base: Option<String>,
    /// The offering the series measured, or `market`; `None`: the base's tie or the market.
    pub offering: Option<String>,
    /// Overrides of the base (`--set`, `--users`, `--seed`).
    pub overrides: Vec<Override>,
    /// Priors, `KEY=uniform:LOW:HIGH` (default: the preset's, or the drivers of a share).
    pub params: Vec<String>,
    /// Keep the base's interventions after the as-of date (scheduled before it).
    pub keep_scheduled: bool,
    pub sampler: Sampler,
    /// Posterior draws run to the as-of date for the fitted paths.
    pub draws: u64,
    pub destination: Option<Destination>,
}

/// A fit ready to run.
pub struct Prepared {
    pub setup: Setup,
    pub factors: Vec<Factor>,
    pub job: CalibrationJob,
    pub draws: usize,
    pub dir: Option<PathBuf>,
}

/// What a fit found.
pub struct Outcome {
    pub setup: Setup,
    pub factors: Vec<Factor>,
    pub job: CalibrationJob,
    pub result: CalibrationResult,
    /// The draws' runs to the as-of date.
    pub outlooks: Vec<Outlook>,
    pub dir: Option<PathBuf>,
}

/// The overrides of a fit: the caller's, after its default number of users.
pub fn with_default_users(overrides: &[Override]) -> Vec<Override> {
    let mut all = Vec::new();
    if !overrides.iter().any(|o| o.path == "run.users") {
        all.push(Override::option("fit default users", "run.users", FIT_USERS));
    }
    all.extend_from_slice(overrides);
    all
}

impl Request {
    /// Checks the limits, reads the series and events, builds the scenario, targets and priors,
    /// checks memory and chooses the folder.
    pub fn prepare(self, executor: &Executor, spelling: Spelling) -> Result<Prepared, CommandError> {
        self.sampler.check()?;
        let draws = DRAWS.check(self.draws)? as usize;
        let as_of = self.as_of.as_deref().map(|t| as_of_date(t, "as_of")).transpose()?;
        let selected = select(
            &self.series,
            self.events.as_deref(),
            &self.series_id,
            self.base.as_deref(),
            self.offering.as_deref(),
        )?;
        let setup = setup(
            selected,
            as_of.as_ref(),
            &with_default_users(&self.overrides),
            &self.params,
            self.keep_scheduled,
        )?;
        let (factors, job) = calibration_job(&setup, &self.sampler)?;
        machine_memory::ensure(
            &format!("scenario `{}`", setup.scenario.name),
            [&job.largest()],
            executor,
            job.settings.particles as u64,
            spelling,
        )?;
        let (dir, _) = choose(&self.destination, &format!("{}-fit", setup.selected.series_id))?;
        Ok(Prepared {
            setup,
            factors,
            job,
            draws,
            dir,
        })
    }
}

/// The priors and calibration job of `setup`.
pub fn calibration_job(setup: &Setup, sampler: &Sampler) -> Result<(Vec<Factor>, CalibrationJob), CommandError> {
    let (_, factors) = calibration_priors(&setup.prior_texts, &setup.targets, &setup.scenario)?;
    let job = sampler.job(&setup.scenario, &setup.targets, None, &factors)?;
    Ok((factors, job))
}

/// The posterior of `result`'s last generation, for draws.
pub fn posterior<'a>(
    job: &'a CalibrationJob,
    keys: &'a [String],
    values: &'a [Vec<f64>],
    weights: &'a [f64],
) -> Posterior<'a> {
    Posterior {
        base: &job.base,
        keys,
        values,
        weights,
        set: job.set,
    }
}

/// The keys, values and weights of the last generation of `result`.
pub fn particles(factors: &[Factor], result: &CalibrationResult) -> (Vec<String>, Vec<Vec<f64>>, Vec<f64>) {
    let keys = factors.iter().map(|f| f.key.clone()).collect();
    let last = result.calibration.posterior();
    let particles = last.map(|g| g.particles.as_slice()).unwrap_or_default();
    (
        keys,
        particles.iter().map(|p| p.values.clone()).collect(),
        particles.iter().map(|p| p.weight).collect(),
    )
}

impl Prepared {
    /// Fits, runs the posterior's draws to the as-of date, and writes the folder.
    pub fn run(self, executor: &Executor, progress: &dyn Progress, stop: &Stop) -> Result<Outcome, CommandError> {
        let result = sample(&self.job, executor, progress, stop)?;
        let (keys, values, weights) = particles(&self.factors, &result);
        let outlooks = posterior(&self.job, &keys, &values, &weights).outlooks(
            self.draws,
            FIT_PATHS,
            self.setup.offering_index,
            executor,
            progress,
            stop,
        )?;
        let outcome = Outcome {
            setup: self.setup,
            factors: self.factors,
            job: self.job,
            result,
            outlooks,
            dir: self.dir,
        };
        if let Some(dir) = &outcome.dir {
            outcome.write(dir).map_err(|e| CommandError::Output {
                action: "write the fit into",
                dir: dir.clone(),
                source: e,
            })?;
        }
        Ok(outcome)
    }
}

impl Outcome {
    fn calibrated(&self) -> Calibrated<'_> {
        Calibrated {
            scenario: &self.setup.scenario,
            targets: &self.setup.targets,
            holdout: None,
            factors: &self.factors,
            result: &self.result,
            job: &self.job,
        }
    }

    /// `fit.json`: the series, the base, the as-of date, what the setup changed, and the
    /// posterior (as calibration.json has it).
    pub fn summary(&self) -> Value {
        let s = &self.setup;
        let start = s.scenario.parameters.run.start_date;
        json!({
            "series_id": s.selected.series_id,
            "series_file": s.selected.series_source,
            "technology": s.selected.technology,
            "control": s.selected.control,
            "base": s.selected.base,
            "base_control": s.scenario.parameters.security.control,
            "base_reason": s.selected.base_reason,
            "offering": s.selected.offering,
            "offering_index": s.offering_index,
            "relation": if s.selected.lower_bound { "lower bound" } else { "same" },
            "as_of": s.as_of.text,
            "as_of_day": s.as_of_day,
            "start_date": start.map(|d| d.label(0)),
            "points_seen": s.seen.len(),
            "points_after": s.later.len(),
            "events": s.selected.events.iter().map(|e| json!({
                "date": e.date.text, "kind": e.kind.name(), "description": e.description,
                "magnitude": e.magnitude_text, "source_url": e.source_url,
            })).collect::<Vec<_>>(),
            "notes": s.notes,
            "users": s.scenario.parameters.run.users,
            "draws": self.outlooks.len(),
            "calibration": summary_json(&self.calibrated()),
        })
    }

    /// The particles of the posterior generation (posterior.csv).
    pub fn posterior(&self) -> Table {
        let keys: Vec<String> = self.factors.iter().map(|f| f.key.clone()).collect();
        let statistics: Vec<String> = self.setup.targets.targets.iter().map(|t| t.label()).collect();
        let last: Vec<_> = self.result.calibration.posterior().into_iter().collect();
        particles_table(&last, &keys, &statistics)
    }

    /// The fitted fan on every [`FAN_STEP_DAYS`]th day to the as-of date.
    pub fn paths(&self) -> Table {
        fan_table(
            &self.outlooks,
            &days_every(0, self.setup.as_of_day, FAN_STEP_DAYS),
            self.setup.scenario.parameters.run.start_date,
        )
    }

    /// Every point of the series with its day, whether the fit saw it, and (for those it saw)
    /// the fitted fan on its day.
    pub fn observations(&self) -> Table {
        observations_table(&self.setup, Some(&self.outlooks))
    }

    fn write(&self, dir: &std::path::Path) -> esplab_output::Result<()> {
        let mut settings = manifest_settings(&self.job, &self.setup.prior_texts);
        settings["series_id"] = json!(self.setup.selected.series_id);
        settings["as_of"] = json!(self.setup.as_of.text);
        settings["draws"] = json!(self.outlooks.len());
        write_calibration(
            dir,
            &CalibrationFiles {
                calibration: &self.result.calibration,
                parameters: self.factors.iter().map(|f| f.key.clone()).collect(),
                statistics: self.setup.targets.targets.iter().map(|t| t.label()).collect(),
                summary: summary_json(&self.calibrated()),
                targets_text: &self.setup.targets.text,
                holdout_text: None,
                scenario: &self.setup.scenario,
                settings,
                command: "fit",
                extra: vec![
                    ("fit.json", manifest::pretty(&self.summary()).into_bytes()),
                    ("observations.csv", self.observations().to_csv().into_bytes()),
                    ("paths.csv", self.paths().to_csv().into_bytes()),
                ],
            },
        )
    }
}

/// A fan as a table: day, date (of a run starting on `start`), the five quantiles.
pub fn fan_table(outlooks: &[Outlook], days: &[u32], start: Option<StartDate>) -> Table {
    let quantiles = fan(outlooks, days);
    let mut names = vec!["day".to_string(), "date".to_string()];
    let mut columns = vec![
        Column::Count(days.to_vec()),
        Column::Text(
            days.iter()
                .map(|&d| start.map(|s| s.label(d)).unwrap_or_default())
                .collect(),
        ),
    ];
    for (k, name) in ["p05", "p25", "p50", "p75", "p95"].iter().enumerate() {
        names.push(name.to_string());
        columns.push(Column::Number(quantiles.iter().map(|q| q[k]).collect()));
    }
    Table { names, columns }
}

/// The series' points (seen and later) with, when `outlooks` are given, their fan on the
/// point's day.
pub fn observations_table(setup: &Setup, outlooks: Option<&[Outlook]>) -> Table {
    let points: Vec<(&DayPoint, bool)> = setup
        .seen
        .iter()
        .map(|p| (p, true))
        .chain(setup.later.iter().map(|p| (p, false)))
        .collect();
    let days: Vec<u32> = points.iter().map(|(p, _)| p.day).collect();
    let fans = outlooks.map(|o| fan(o, &days));
    let mut names: Vec<String> = ["series_id", "date", "day", "share", "sample", "seen", "line"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut columns = vec![
        Column::Text(points.iter().map(|(p, _)| p.observation.series_id.clone()).collect()),
        Column::Text(points.iter().map(|(p, _)| p.observation.date.text.clone()).collect()),
        Column::Count(days.clone()),
        Column::Number(points.iter().map(|(p, _)| p.observation.share).collect()),
        Column::Text(
            points
                .iter()
                .map(|(p, _)| p.observation.sample.map(|n| n.to_string()).unwrap_or_default())
                .collect(),
        ),
        Column::Text(
            points
                .iter()
                .map(|(_, seen)| if *seen { "yes" } else { "no" }.to_string())
                .collect(),
        ),
        Column::Count(points.iter().map(|(p, _)| p.observation.line as u32).collect()),
    ];
    if let Some(fans) = fans {
        for (k, name) in ["p05", "p25", "p50", "p75", "p95"].iter().enumerate() {
            names.push(name.to_string());
            columns.push(Column::Number(
                fans.iter()
                    .zip(&points)
                    .map(|(q, (_, seen))| if *seen { q[k] } else { f64::NAN })
                    .collect(),
            ));
        }
    }
    Table { names, columns }
}
