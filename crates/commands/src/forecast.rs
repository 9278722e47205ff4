//! `forecast`: a fit's posterior run past its as-of date. Draws of the posterior (by weight)
//! each run once, with a seed of their own, from day 0 to the as-of date plus the horizon; the
//! fan of the observed share (5%, 25%, 50%, 75%, 95% on every seventh day) and, with Wilson 95%
//! intervals over the draws, the chance within the horizon of a jump (a rise of the share by more
//! than `jump` within 30 days), of a regulation, of a revision of the standard and of an incident
//! of at least `mega_records` records.
//!
//! The runs replay the fitted past with the posterior's parameters, not the observed past
//! itself: a draw whose share strays from the points before the as-of date is not corrected by
//! them (the fit weighted the parameters, not the paths).

use crate::destination::{choose, Destination};
use crate::error::CommandError;
use crate::fit::{fan_table, FAN_STEP_DAYS};
use crate::limits::Limit;
use crate::machine_memory;
use crate::observed_series::horizon_days;
use crate::outlooks::{days_every, Posterior, FORECAST};
use crate::progress::Progress;
use crate::stop::Stop;
use esplab_experiment::forecast::paths::{Chance, Outlook};
use esplab_experiment::Executor;
use esplab_output::calibration_files::read_posterior;
use esplab_output::manifest;
use esplab_output::table::{Column, Table};
use esplab_output::{atomic, OutputError};
use esplab_scenario::fields::set_numeric;
use esplab_scenario::{Override, Scenario, Spelling};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Posterior draws of a forecast.
pub const DRAWS: Limit = Limit {
    field: "draws",
    low: 10,
    high: 100_000,
};

/// A jump's rise unless the caller says otherwise: five points of share.
pub const DEFAULT_JUMP: f64 = 0.05;
/// A mega-incident's records unless the caller says otherwise: 10^8, the size of the largest
/// breaches of their decade (Equifax 2017, 1.5 × 10^8).
pub const DEFAULT_MEGA_RECORDS: f64 = 1e8;

/// A forecast from a fit's folder.
#[derive(Debug, Clone)]
pub struct Request {
    /// The folder `fit` wrote.
    pub fit: PathBuf,
    /// How far past the as-of date: `24mo`, `2y`, `90d`.
    pub horizon: String,
    pub draws: u64,
    /// A jump is a rise of the share by more than this within 30 days.
    pub jump: f64,
    /// A mega-incident harms at least this many records.
    pub mega_records: f64,
    pub destination: Option<Destination>,
}

/// What a fit's folder says a forecast needs.
#[derive(Debug, Clone)]
pub struct FitFolder {
    pub dir: PathBuf,
    /// `fit.json`.
    pub summary: Value,
    pub scenario: Scenario,
    pub keys: Vec<String>,
    pub values: Vec<Vec<f64>>,
    pub weights: Vec<f64>,
    pub as_of_day: u32,
    pub offering_index: Option<usize>,
    /// `observations.csv` as written.
    pub observations: Vec<u8>,
}

impl FitFolder {
    /// Reads the fit in `dir`, with its scenario run to `days` days when given.
    pub fn read(dir: &Path, days: Option<u32>) -> Result<Self, CommandError> {
        let output = |source: OutputError| CommandError::Output {
            action: "read the fit in",
            dir: dir.to_path_buf(),
            source,
        };
        let posterior = read_posterior(dir).map_err(output)?;
        let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| output(OutputError::io(&dir.join(name), e)));
        let summary: Value = serde_json::from_slice(&read("fit.json")?).map_err(|e| {
            CommandError::Failed(format!("{}: not a fit's summary: {e}", dir.join("fit.json").display()))
        })?;
        let as_of_day = summary["as_of_day"].as_u64().ok_or_else(|| {
            CommandError::Failed(format!(
                "{}: names no as_of_day; give a folder written by `esplab fit`",
                dir.join("fit.json").display()
            ))
        })? as u32;
        let overrides: Vec<Override> = days
            .map(|d| Override::option("forecast horizon", "run.years", format!("{:.6}", f64::from(d) / 365.0)))
            .into_iter()
            .collect();
        let scenario = Scenario::load(&dir.join("scenario.toml").display().to_string(), &overrides)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            offering_index: summary["offering_index"].as_u64().map(|i| i as usize),
            summary,
            scenario,
            keys: posterior.keys,
            values: posterior.values,
            weights: posterior.weights,
            as_of_day,
            observations: read("observations.csv")?,
        })
    }

    /// Its posterior, for draws.
    pub fn posterior(&self) -> Posterior<'_> {
        Posterior {
            base: &self.scenario.parameters,
            keys: &self.keys,
            values: &self.values,
            weights: &self.weights,
            set: set_numeric,
        }
    }
}

/// A forecast ready to run.
pub struct Prepared {
    pub fit: FitFolder,
    pub horizon_days: u32,
    pub horizon: String,
    pub draws: usize,
    pub jump: f64,
    pub mega_records: f64,
    pub dir: Option<PathBuf>,
}

/// The chances a forecast gives, in the order of [`CHANCES`].
pub const CHANCES: [&str; 4] = ["jump", "regulation", "revision", "mega-incident"];

/// What a forecast found.
pub struct Outcome {
    pub prepared: Prepared,
    pub outlooks: Vec<Outlook>,
    /// Each of [`CHANCES`] within the horizon.
    pub chances: Vec<Chance>,
}

impl Request {
    pub fn prepare(self, executor: &Executor, spelling: Spelling) -> Result<Prepared, CommandError> {
        let draws = DRAWS.check(self.draws)? as usize;
        let horizon = horizon_days(&self.horizon)?;
        if !(self.jump > 0.0 && self.jump < 1.0) {
            return Err(CommandError::field("jump", self.jump, "a rise of the share in (0, 1)"));
        }
        if !(self.mega_records >= 1.0 && self.mega_records.is_finite()) {
            return Err(CommandError::field(
                "mega_records",
                self.mega_records,
                "a number of records >= 1",
            ));
        }
        let probe = FitFolder::read(&self.fit, None)?;
        let fit = FitFolder::read(&self.fit, Some(probe.as_of_day + horizon + 1))?;
        machine_memory::ensure(
            &format!("scenario `{}`", fit.scenario.name),
            [&fit.scenario.parameters],
            executor,
            draws as u64,
            spelling,
        )?;
        let stem = format!("{}-forecast", fit.summary["series_id"].as_str().unwrap_or("fit"));
        let (dir, _) = choose(&self.destination, &stem)?;
        Ok(Prepared {
            fit,
            horizon_days: horizon,
            horizon: self.horizon,
            draws,
            jump: self.jump,
            mega_records: self.mega_records,
            dir,
        })
    }
}

/// The chances of [`CHANCES`] over `outlooks` in the days `(from, to]`.
pub fn chances(outlooks: &[Outlook], from: u32, to: u32, jump: f64, mega_records: f64) -> Vec<Chance> {
    vec![
        Chance::of(outlooks.iter().map(|o| o.jumped(from, to, jump))),
        Chance::of(outlooks.iter().map(|o| Outlook::within(&o.regulations, from, to))),
        Chance::of(outlooks.iter().map(|o| Outlook::within(&o.revisions, from, to))),
        Chance::of(outlooks.iter().map(|o| o.incident_at_least(mega_records, from, to))),
    ]
}

impl Prepared {
    pub fn run(self, executor: &Executor, progress: &dyn Progress, stop: &Stop) -> Result<Outcome, CommandError> {
        let outlooks =
            self.fit
                .posterior()
                .outlooks(self.draws, FORECAST, self.fit.offering_index, executor, progress, stop)?;
        let (from, to) = (self.fit.as_of_day, self.fit.as_of_day + self.horizon_days);
        let chances = chances(&outlooks, from, to, self.jump, self.mega_records);
        let outcome = Outcome {
            prepared: self,
            outlooks,
            chances,
        };
        if let Some(dir) = &outcome.prepared.dir {
            outcome.write(dir).map_err(|e| CommandError::Output {
                action: "write the forecast into",
                dir: dir.clone(),
                source: e,
            })?;
        }
        Ok(outcome)
    }
}

impl Outcome {
    /// The last day forecast.
    pub fn last_day(&self) -> u32 {
        self.prepared.fit.as_of_day + self.prepared.horizon_days
    }

    /// The fan from day 0 to the horizon, every seventh day, with `part` saying which rows
    /// lie past the as-of date.
    pub fn fan(&self) -> Table {
        let start = self.prepared.fit.scenario.parameters.run.start_date;
        let days = days_every(0, self.last_day(), FAN_STEP_DAYS);
        let mut table = fan_table(&self.outlooks, &days, start);
        table.names.push("part".into());
        table.columns.push(Column::Text(
            days.iter()
                .map(|&d| {
                    if d > self.prepared.fit.as_of_day {
                        "forecast"
                    } else {
                        "fitted"
                    }
                    .to_string()
                })
                .collect(),
        ));
        table
    }

    /// The chances as a table: what, its definition, draws where it happened, the chance and its
    /// Wilson 95% interval.
    pub fn chances_table(&self) -> Table {
        let p = &self.prepared;
        let definitions = [
            format!("the share rises by more than {} within 30 days", p.jump),
            "a regulation requires the control".to_string(),
            "the standards body publishes a revision".to_string(),
            format!("an incident of at least {} records", p.mega_records),
        ];
        Table {
            names: ["event", "definition", "happened", "draws", "chance", "low95", "high95"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            columns: vec![
                Column::Text(CHANCES.iter().map(|s| s.to_string()).collect()),
                Column::Text(definitions.to_vec()),
                Column::Count(self.chances.iter().map(|c| c.happened as u32).collect()),
                Column::Count(self.chances.iter().map(|c| c.draws as u32).collect()),
                Column::Number(self.chances.iter().map(|c| c.share).collect()),
                Column::Number(self.chances.iter().map(|c| c.low).collect()),
                Column::Number(self.chances.iter().map(|c| c.high).collect()),
            ],
        }
    }

    /// `forecast.json`: what was forecast, from which fit, and the chances.
    pub fn summary(&self) -> Value {
        let p = &self.prepared;
        let start = p.fit.scenario.parameters.run.start_date;
        let label = |d: u32| start.map(|s| s.label(d));
        let last = self.last_day();
        let at_end = esplab_experiment::forecast::paths::quantiles(&self.outlooks, last, &crate::outlooks::FAN_LEVELS);
        json!({
            "fit": p.fit.dir.display().to_string(),
            "series_id": p.fit.summary["series_id"],
            "control": p.fit.summary["control"],
            "offering": p.fit.summary["offering"],
            "as_of": p.fit.summary["as_of"],
            "as_of_day": p.fit.as_of_day,
            "horizon": p.horizon,
            "horizon_days": p.horizon_days,
            "until": label(last),
            "draws": self.outlooks.len(),
            "users": p.fit.scenario.parameters.run.users,
            "share_at_horizon": {"p05": at_end[0], "p25": at_end[1], "p50": at_end[2], "p75": at_end[3], "p95": at_end[4]},
            "share_at_as_of": esplab_experiment::forecast::paths::quantiles(&self.outlooks, p.fit.as_of_day, &[0.5])[0],
            "chances": CHANCES.iter().zip(&self.chances).map(|(name, c)| json!({
                "event": name, "happened": c.happened, "draws": c.draws, "chance": c.share, "interval_95": [c.low, c.high],
            })).collect::<Vec<_>>(),
            "jump": p.jump,
            "mega_records": p.mega_records,
        })
    }

    fn write(&self, dir: &Path) -> esplab_output::Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
        let _ = std::fs::remove_file(dir.join("manifest.json"));
        self.fan().write_csv(&dir.join("fan.csv"))?;
        self.chances_table().write_csv(&dir.join("chances.csv"))?;
        atomic::write(&dir.join("forecast.json"), manifest::pretty(&self.summary()).as_bytes())?;
        atomic::write(&dir.join("observations.csv"), &self.prepared.fit.observations)?;
        let scenario = &self.prepared.fit.scenario;
        atomic::write(&dir.join("scenario.toml"), scenario.resolved_toml().as_bytes())?;
        let p = &self.prepared;
        let settings = json!({
            "fit": p.fit.dir.display().to_string(), "horizon": p.horizon, "draws": p.draws,
            "jump": p.jump, "mega_records": p.mega_records, "master_seed": scenario.parameters.run.seed,
            "run_seeds": "esplab_experiment::run_seed(master_seed, 0xFFFE << 40 | 2 << 32 | draw)",
        });
        let files = [
            "fan.csv",
            "chances.csv",
            "forecast.json",
            "observations.csv",
            "scenario.toml",
        ];
        let m = manifest::build("forecast", &[("scenario", scenario)], settings, dir, &files)?;
        atomic::write(&dir.join("manifest.json"), manifest::pretty(&m).as_bytes())
    }
}
