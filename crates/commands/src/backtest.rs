//! `backtest`: fit a series up to an as-of date, forecast past it, and score the forecast
//! against the points the fit did not see, beside the naive rivals fitted to the same points
//! (persistence, a trend in logit, random timing; `esplab_experiment::forecast::baselines`).
//!
//! Each as-of date is a fit of its own (`fit`'s setup and sampler) and a forecast of its
//! posterior's draws to the as-of date plus the horizon. Every point after the as-of date and
//! within the horizon is scored for every method by the same functions (CRPS, 50% and 90%
//! coverage, log score), after the same observation noise (a binomial survey of the point's
//! sample, when it has one). With no as-of date given, up to four are chosen among the series'
//! own dates: each with a point before it and one within the horizon after it.

use crate::calibrate::{sample, Sampler};
use crate::destination::{choose, Destination};
use crate::error::CommandError;
use crate::fit::{calibration_job, particles, posterior, with_default_users, DRAWS};
use crate::forecast::DEFAULT_JUMP;
use crate::machine_memory;
use crate::observed_series::{as_of_date, horizon_days, select, setup, Selected, Setup};
use crate::outlooks::FORECAST;
use crate::progress::Progress;
use crate::stop::Stop;
use esplab_experiment::forecast::baselines::{self, Baseline};
use esplab_experiment::forecast::scores::{score, Score};
use esplab_experiment::forecast::Point;
use esplab_experiment::Executor;
use esplab_output::table::{Column, Table};
use esplab_output::{atomic, manifest, OutputError};
use esplab_scenario::observations::RecordDate;
use esplab_scenario::{Override, Spelling};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// As-of dates chosen when none is given, at most.
pub const AUTOMATIC_AS_OF: usize = 4;

/// Draws of each baseline's predictive sample.
const BASELINE_DRAWS: usize = 2000;

/// The methods of a backtest's tables, the model first.
pub const METHODS: [&str; 4] = ["esplab", "persistence", "logit trend", "random timing"];

/// A backtest of one series.
#[derive(Debug, Clone)]
pub struct Request {
    pub series: String,
    pub events: Option<String>,
    pub series_id: String,
    /// As-of dates; empty: chosen from the series (see the module's doc).
    pub as_of: Vec<String>,
    pub horizon: String,
    pub base: Option<String>,
    pub offering: Option<String>,
    pub overrides: Vec<Override>,
    pub params: Vec<String>,
    /// Keep the base's interventions after the as-of date (scheduled before it).
    pub keep_scheduled: bool,
    pub sampler: Sampler,
    /// Posterior draws forecast at each as-of date.
    pub draws: u64,
    /// A jump of the random-timing baseline: a rise of more than this between points at most a
    /// month apart.
    pub jump: f64,
    pub destination: Option<Destination>,
}

/// A backtest ready to run.
pub struct Prepared {
    pub setups: Vec<Setup>,
    pub horizon: String,
    pub horizon_days: u32,
    pub sampler: Sampler,
    pub draws: usize,
    pub jump: f64,
    pub dir: Option<PathBuf>,
}

/// One method's scores of one point.
#[derive(Debug, Clone)]
pub struct PointScore {
    pub method: &'static str,
    pub date: String,
    pub day: u32,
    pub observed: f64,
    pub sample: Option<u64>,
    pub score: Score,
}

/// What one as-of date gave.
#[derive(Debug, Clone)]
pub struct AsOf {
    pub as_of: String,
    pub as_of_day: u32,
    pub seen: usize,
    /// The points within the horizon.
    pub scored: usize,
    /// Every method's scores of every scored point, method by method.
    pub points: Vec<PointScore>,
    /// Why a method has no scores, by method.
    pub unscored: Vec<(&'static str, String)>,
    /// The fit's posterior medians, by key.
    pub posterior: Vec<(String, f64)>,
    pub notes: Vec<String>,
}

/// One method's mean scores at one as-of date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub crps: f64,
    pub coverage_50: f64,
    pub coverage_90: f64,
    pub log_score: f64,
    pub points: usize,
}

impl AsOf {
    /// The mean scores of `method` (`None` when it scored nothing).
    pub fn summary(&self, method: &str) -> Option<Summary> {
        let rows: Vec<&Score> = self
            .points
            .iter()
            .filter(|p| p.method == method)
            .map(|p| &p.score)
            .collect();
        if rows.is_empty() {
            return None;
        }
        let n = rows.len() as f64;
        let mean = |f: &dyn Fn(&Score) -> f64| rows.iter().map(|s| f(s)).sum::<f64>() / n;
        Some(Summary {
            crps: mean(&|s| s.crps),
            coverage_50: mean(&|s| f64::from(u8::from(s.covered_50))),
            coverage_90: mean(&|s| f64::from(u8::from(s.covered_90))),
            log_score: mean(&|s| s.log_score),
            points: rows.len(),
        })
    }
}

/// What a backtest found.
pub struct Outcome {
    pub prepared: Prepared,
    pub as_of: Vec<AsOf>,
}

/// The as-of dates chosen for `selected` when none is given: the dates of its points with one
/// before or on them and one within `horizon` days after, at most [`AUTOMATIC_AS_OF`], spread
/// evenly over those candidates and including the last.
pub fn automatic_as_of(selected: &Selected, horizon: u32) -> Vec<RecordDate> {
    let mut dates: Vec<&RecordDate> = selected.points.iter().map(|p| &p.date).collect();
    dates.dedup_by_key(|d| d.day);
    let candidates: Vec<&RecordDate> = dates
        .iter()
        .copied()
        .filter(|d| {
            selected.points.iter().any(|p| {
                let ahead = (p.date.day - d.day).num_days();
                ahead > 0 && ahead <= i64::from(horizon)
            })
        })
        .collect();
    let n = candidates.len();
    let take = n.min(AUTOMATIC_AS_OF);
    (0..take)
        .map(|k| candidates[if take == 1 { n - 1 } else { k * (n - 1) / (take - 1) }].clone())
        .collect()
}

impl Request {
    pub fn prepare(self, executor: &Executor, spelling: Spelling) -> Result<Prepared, CommandError> {
        self.sampler.check()?;
        let draws = DRAWS.check(self.draws)? as usize;
        let horizon = horizon_days(&self.horizon)?;
        if !(self.jump > 0.0 && self.jump < 1.0) {
            return Err(CommandError::field("jump", self.jump, "a rise of the share in (0, 1)"));
        }
        let selected = select(
            &self.series,
            self.events.as_deref(),
            &self.series_id,
            self.base.as_deref(),
            self.offering.as_deref(),
        )?;
        let dates: Vec<RecordDate> = if self.as_of.is_empty() {
            let chosen = automatic_as_of(&selected, horizon);
            if chosen.is_empty() {
                return Err(CommandError::field(
                    "series_id",
                    &self.series_id,
                    format!(
                        "too few points for a backtest within {}: {} points, and none has a later one within the \
                         horizon; a backtest needs a point to fit and one after it to score",
                        self.horizon,
                        selected.points.len()
                    ),
                ));
            }
            chosen
        } else {
            self.as_of
                .iter()
                .map(|t| as_of_date(t, "as_of"))
                .collect::<Result<_, _>>()?
        };
        let overrides = with_default_users(&self.overrides);
        let setups = dates
            .iter()
            .map(|d| setup(selected.clone(), Some(d), &overrides, &self.params, self.keep_scheduled))
            .collect::<Result<Vec<_>, _>>()?;
        for s in &setups {
            // The forecast runs past the fit's horizon; check memory at its length.
            let mut longest = s.scenario.parameters.clone();
            longest.run.years = f64::from(s.as_of_day + horizon + 1) / 365.0;
            machine_memory::ensure(
                &format!("scenario `{}`", s.scenario.name),
                [&longest],
                executor,
                self.sampler.particles,
                spelling,
            )?;
        }
        let (dir, _) = choose(&self.destination, &format!("{}-backtest", self.series_id))?;
        Ok(Prepared {
            setups,
            horizon: self.horizon,
            horizon_days: horizon,
            sampler: self.sampler,
            draws,
            jump: self.jump,
            dir,
        })
    }
}

impl Default for Request {
    fn default() -> Self {
        Self {
            series: String::new(),
            events: None,
            series_id: String::new(),
            as_of: Vec::new(),
            horizon: "12mo".into(),
            base: None,
            offering: None,
            overrides: Vec::new(),
            params: Vec::new(),
            keep_scheduled: false,
            sampler: Sampler {
                particles: 100,
                generations: 4,
                quantile: 0.5,
                min_acceptance: 0.02,
                max_simulations: 3000,
                replicates: 1,
                predictive: 50,
            },
            draws: 200,
            jump: DEFAULT_JUMP,
            destination: None,
        }
    }
}

/// The points of `setup` as baselines take them.
fn points(setup: &Setup) -> Vec<Point> {
    setup
        .seen
        .iter()
        .map(|p| Point {
            day: f64::from(p.day),
            share: p.observation.share,
            sample: p.observation.sample,
        })
        .collect()
}

impl Prepared {
    /// Fits and scores every as-of date in turn, and writes the folder.
    pub fn run(self, executor: &Executor, progress: &dyn Progress, stop: &Stop) -> Result<Outcome, CommandError> {
        let mut results = Vec::new();
        for setup in &self.setups {
            results.push(self.one(setup, executor, progress, stop)?);
        }
        let outcome = Outcome {
            prepared: self,
            as_of: results,
        };
        if let Some(dir) = &outcome.prepared.dir {
            outcome.write(dir).map_err(|e| CommandError::Output {
                action: "write the backtest into",
                dir: dir.clone(),
                source: e,
            })?;
        }
        Ok(outcome)
    }

    /// The fit, forecast and scores at one as-of date.
    fn one(
        &self,
        setup: &Setup,
        executor: &Executor,
        progress: &dyn Progress,
        stop: &Stop,
    ) -> Result<AsOf, CommandError> {
        let end = setup.as_of_day + self.horizon_days;
        let scored: Vec<_> = setup.later.iter().filter(|p| p.day <= end).collect();
        let (factors, job) = calibration_job(setup, &self.sampler)?;
        let result = sample(&job, executor, progress, stop)?;
        let (keys, values, weights) = particles(&factors, &result);
        let mut forward = job.clone();
        forward.base.run.years = f64::from(end + 1) / 365.0;
        let outlooks = posterior(&forward, &keys, &values, &weights).outlooks(
            self.draws,
            FORECAST,
            setup.offering_index,
            executor,
            progress,
            stop,
        )?;
        let seed = setup.scenario.parameters.run.seed ^ (u64::from(setup.as_of_day) << 20);
        let seen = points(setup);
        let mut out = AsOf {
            as_of: setup.as_of.text.clone(),
            as_of_day: setup.as_of_day,
            seen: setup.seen.len(),
            scored: scored.len(),
            points: Vec::new(),
            unscored: Vec::new(),
            posterior: keys
                .iter()
                .cloned()
                .zip(result.marginals.iter().map(|m| m.median))
                .collect(),
            notes: setup.notes.clone(),
        };
        for (m, method) in METHODS.iter().enumerate() {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ (m as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let baseline = Baseline::ALL.get(m.wrapping_sub(1)).copied();
            let fitted = match baseline {
                None => None,
                Some(b) => match baselines::fit(b, &seen, self.jump) {
                    Some(f) => Some(f),
                    None => {
                        let why = baselines::unfit_reason(b, &seen).unwrap_or("cannot be fitted");
                        out.unscored.push((method, why.to_string()));
                        continue;
                    }
                },
            };
            for p in &scored {
                let sample: Vec<f64> = match &fitted {
                    None => outlooks.iter().map(|o| o.share(p.day)).collect(),
                    Some(f) => f.sample(f64::from(p.day), BASELINE_DRAWS, &mut rng),
                };
                out.points.push(PointScore {
                    method,
                    date: p.observation.date.text.clone(),
                    day: p.day,
                    observed: p.observation.share,
                    sample: p.observation.sample,
                    score: score(&sample, p.observation.share, p.observation.sample, &mut rng),
                });
            }
        }
        if scored.is_empty() {
            out.notes.push(format!(
                "no point within {} of the as-of date: nothing to score",
                self.horizon
            ));
        }
        Ok(out)
    }
}

impl Outcome {
    /// One row per as-of date and method: the mean scores, or why there are none.
    pub fn scores(&self) -> Table {
        let mut rows: Vec<(&AsOf, &str, Option<Summary>, String)> = Vec::new();
        for a in &self.as_of {
            for method in METHODS {
                let why = a.unscored.iter().find(|(m, _)| *m == method).map(|(_, w)| w.clone());
                let why = why.or_else(|| (a.scored == 0).then(|| "no point within the horizon".to_string()));
                rows.push((a, method, a.summary(method), why.unwrap_or_default()));
            }
        }
        let number =
            |f: fn(&Summary) -> f64| Column::Number(rows.iter().map(|r| r.2.as_ref().map_or(f64::NAN, f)).collect());
        Table {
            names: [
                "as_of",
                "method",
                "points_seen",
                "points_scored",
                "crps",
                "coverage_50",
                "coverage_90",
                "log_score",
                "note",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            columns: vec![
                Column::Text(rows.iter().map(|r| r.0.as_of.clone()).collect()),
                Column::Text(rows.iter().map(|r| r.1.to_string()).collect()),
                Column::Count(rows.iter().map(|r| r.0.seen as u32).collect()),
                Column::Count(rows.iter().map(|r| r.2.map_or(0, |s| s.points as u32)).collect()),
                number(|s| s.crps),
                number(|s| s.coverage_50),
                number(|s| s.coverage_90),
                number(|s| s.log_score),
                Column::Text(rows.iter().map(|r| r.3.clone()).collect()),
            ],
        }
    }

    /// One row per as-of date, method and scored point.
    pub fn points(&self) -> Table {
        let rows: Vec<(&AsOf, &PointScore)> = self
            .as_of
            .iter()
            .flat_map(|a| a.points.iter().map(move |p| (a, p)))
            .collect();
        let flag = |b: bool| if b { "yes" } else { "no" }.to_string();
        Table {
            names: [
                "as_of",
                "method",
                "date",
                "day",
                "observed",
                "sample",
                "p05",
                "p25",
                "p50",
                "p75",
                "p95",
                "crps",
                "covered_50",
                "covered_90",
                "log_score",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            columns: vec![
                Column::Text(rows.iter().map(|r| r.0.as_of.clone()).collect()),
                Column::Text(rows.iter().map(|r| r.1.method.to_string()).collect()),
                Column::Text(rows.iter().map(|r| r.1.date.clone()).collect()),
                Column::Count(rows.iter().map(|r| r.1.day).collect()),
                Column::Number(rows.iter().map(|r| r.1.observed).collect()),
                Column::Text(
                    rows.iter()
                        .map(|r| r.1.sample.map(|n| n.to_string()).unwrap_or_default())
                        .collect(),
                ),
                Column::Number(rows.iter().map(|r| r.1.score.quantiles[0]).collect()),
                Column::Number(rows.iter().map(|r| r.1.score.quantiles[1]).collect()),
                Column::Number(rows.iter().map(|r| r.1.score.quantiles[2]).collect()),
                Column::Number(rows.iter().map(|r| r.1.score.quantiles[3]).collect()),
                Column::Number(rows.iter().map(|r| r.1.score.quantiles[4]).collect()),
                Column::Number(rows.iter().map(|r| r.1.score.crps).collect()),
                Column::Text(rows.iter().map(|r| flag(r.1.score.covered_50)).collect()),
                Column::Text(rows.iter().map(|r| flag(r.1.score.covered_90)).collect()),
                Column::Number(rows.iter().map(|r| r.1.score.log_score).collect()),
            ],
        }
    }

    /// `backtest.json`: the series, the settings, and each as-of date's fit and scores.
    pub fn summary(&self) -> Value {
        let p = &self.prepared;
        let first = &p.setups[0];
        let summary = |s: Option<Summary>| {
            s.map_or(Value::Null, |s| {
                json!({"crps": s.crps, "coverage_50": s.coverage_50, "coverage_90": s.coverage_90,
                       "log_score": s.log_score, "points": s.points})
            })
        };
        json!({
            "series_id": first.selected.series_id,
            "series_file": first.selected.series_source,
            "technology": first.selected.technology,
            "control": first.selected.control,
            "base": first.selected.base,
            "base_control": first.scenario.parameters.security.control,
            "base_reason": first.selected.base_reason,
            "offering": first.selected.offering,
            "horizon": p.horizon,
            "horizon_days": p.horizon_days,
            "users": first.scenario.parameters.run.users,
            "draws": p.draws,
            "as_of": self.as_of.iter().map(|a| json!({
                "as_of": a.as_of, "as_of_day": a.as_of_day, "points_seen": a.seen, "points_scored": a.scored,
                "posterior_medians": a.posterior.iter().map(|(k, v)| json!({"key": k, "median": v})).collect::<Vec<_>>(),
                "methods": METHODS.iter().map(|m| json!({"method": m, "scores": summary(a.summary(m)),
                    "unscored": a.unscored.iter().find(|(x, _)| x == m).map(|(_, w)| w)})).collect::<Vec<_>>(),
                "notes": a.notes,
            })).collect::<Vec<_>>(),
        })
    }

    fn write(&self, dir: &Path) -> esplab_output::Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
        let _ = std::fs::remove_file(dir.join("manifest.json"));
        self.scores().write_csv(&dir.join("scores.csv"))?;
        self.points().write_csv(&dir.join("points.csv"))?;
        atomic::write(&dir.join("backtest.json"), manifest::pretty(&self.summary()).as_bytes())?;
        let p = &self.prepared;
        let scenario = &p.setups[0].scenario;
        let s = &p.sampler;
        let settings = json!({
            "horizon": p.horizon, "draws": p.draws, "jump": p.jump,
            "as_of": p.setups.iter().map(|s| s.as_of.text.clone()).collect::<Vec<_>>(),
            "particles": s.particles, "generations": s.generations, "quantile": s.quantile,
            "min_acceptance": s.min_acceptance, "max_simulations": s.max_simulations, "replicates": s.replicates,
            "priors": p.setups[0].prior_texts, "master_seed": scenario.parameters.run.seed,
        });
        let files = ["scores.csv", "points.csv", "backtest.json"];
        let m = manifest::build("backtest", &[("scenario", scenario)], settings, dir, &files)?;
        atomic::write(&dir.join("manifest.json"), manifest::pretty(&m).as_bytes())
    }
}
