//! `leverage --draws`: every standard lever pulled in each draw of a plan's design or of a
//! calibration's posterior, each draw's arms run in pairs on the same seeds, and each lever's
//! effect on the long-run baseline summarised across draws (leverage under uncertainty).

use crate::destination::{choose, Destination};
use crate::draws::LeverDraws;
use crate::error::CommandError;
use crate::journaled::{already_complete, paired, PairedJob};
use crate::leverage::{lever_error, RUNS};
use crate::limits::Limit;
use crate::machine_memory;
use crate::progress::Progress;
use crate::shards::shard_rows;
use crate::source::Source;
use crate::stop::Stop;
use crate::Finished;
use esplab_experiment::leverage::Lever;
use esplab_experiment::robust::{summarize, DrawEffect, RobustEffect};
use esplab_experiment::Executor;
use esplab_model::Parameters;
use esplab_output::calibration_files::posterior_draws;
use esplab_output::journal::Kind;
use esplab_output::robust_files::{draws_table, robust_document, robust_table, write_robust_leverage};
use esplab_output::table::Table;
use esplab_scenario::plan::Plan;
use esplab_scenario::{sha256_hex, Override, Spelling};
use serde_json::json;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use esplab_experiment::robust::MARGIN;
pub use esplab_output::robust_files::ranked;

/// Draws taken from a calibration's posterior.
pub const POSTERIOR_DRAWS: Limit = Limit {
    field: "posterior_draws",
    low: 2,
    high: 100_000,
};

/// The levers over draws of the parameters.
#[derive(Debug, Clone)]
pub struct Request {
    /// The scenario the draws must vary (`None`: whichever the plan or calibration names).
    pub scenario: Option<Source>,
    /// A plan file, or a calibration folder.
    pub draws: String,
    /// Overrides of the plan's scenario or of the calibrated scenario.
    pub overrides: Vec<Override>,
    /// Draws taken from a calibration's posterior (by weight).
    pub posterior_draws: u64,
    /// Paired runs per lever and draw.
    pub runs: u64,
    pub start_day: Option<u32>,
    pub heroic: Option<String>,
    /// Shard `i` of `n` of the draws, numbered as in the whole.
    pub shard: Option<(u64, u64)>,
    pub destination: Option<Destination>,
}

/// Where the draws come from, and the draws.
pub struct Draws {
    /// `plan` or `posterior`.
    pub kind: &'static str,
    pub source: String,
    pub source_sha256: String,
    pub factors: Vec<String>,
    pub points: Vec<Vec<f64>>,
    /// What the user should know of the plan's scenario.
    pub warnings: Vec<String>,
    base: Parameters,
    parameters: Vec<Parameters>,
}

/// Leverage over draws ready to run.
pub struct Prepared {
    /// The scenario the draws vary, as the request named it (its folder's manifest names it).
    pub scenario: Option<esplab_scenario::Scenario>,
    pub draws: Draws,
    /// The draws this shard runs.
    pub slice: Range<usize>,
    pub job: LeverDraws,
    shard: Option<(u64, u64)>,
    pub dir: Option<PathBuf>,
    resume: bool,
}

/// Each lever's effect across draws.
pub struct Outcome {
    pub levers: Vec<Lever>,
    /// The levers' summaries across draws, in the standard order.
    pub robust: Vec<RobustEffect>,
    /// robust-leverage.csv and leverage-draws.csv.
    pub tables: (Table, Table),
    pub dir: Option<PathBuf>,
}

/// The design points of the plan at `path` with `overrides`.
fn plan_draws(path: &str, overrides: &[Override]) -> Result<(String, Draws), CommandError> {
    let plan = Plan::load(path, overrides)?;
    let points = plan.design_points();
    Ok((
        plan.scenario.name.clone(),
        Draws {
            kind: "plan",
            source: plan.source.clone(),
            source_sha256: plan.hash(),
            factors: plan.factors.iter().map(|f| f.key.clone()).collect(),
            parameters: points.iter().map(|x| plan.parameters_for(x)).collect(),
            points,
            warnings: plan.scenario.warnings.clone(),
            base: plan.scenario.parameters.clone(),
        },
    ))
}

/// `count` draws by weight from the posterior of the calibration folder `dir`.
fn posterior(dir: &Path, overrides: &[Override], count: u64) -> Result<(String, Draws), CommandError> {
    let found = posterior_draws(dir, overrides, count as usize)
        .map_err(|message| CommandError::field("draws", dir.display(), message))?;
    Ok((
        found.scenario.name.clone(),
        Draws {
            kind: "posterior",
            source: dir.display().to_string(),
            source_sha256: found.posterior.manifest_sha256,
            factors: found.posterior.keys,
            points: found.points,
            warnings: Vec::new(),
            base: found.scenario.parameters,
            parameters: found.parameters,
        },
    ))
}

impl Request {
    /// Reads the draws, sets the levers up in each, checks the limits and memory, and chooses
    /// the folder.
    pub fn prepare(self, executor: &Executor, spelling: Spelling) -> Result<Prepared, CommandError> {
        let runs = RUNS.check(self.runs)?;
        let path = Path::new(&self.draws);
        let (name, draws) = if path.is_dir() {
            posterior(path, &self.overrides, POSTERIOR_DRAWS.check(self.posterior_draws)?)?
        } else {
            plan_draws(&self.draws, &self.overrides)?
        };
        let scenario = match &self.scenario {
            Some(source) => {
                let scenario = source.load(&[])?;
                if scenario.name != name {
                    let what = if draws.kind == "plan" {
                        "the plan varies"
                    } else {
                        "the calibration is of"
                    };
                    let give = if draws.kind == "plan" {
                        "give the plan's scenario"
                    } else {
                        "give the calibrated scenario"
                    };
                    return Err(CommandError::field(
                        "draws",
                        &self.draws,
                        format!("{what} scenario {name:?}, not {:?}; {give}", scenario.name),
                    ));
                }
                Some(scenario)
            }
            None if self.destination.is_some() => {
                return Err(CommandError::Usage(
                    "a folder of leverage over draws names its scenario: give the scenario".into(),
                ))
            }
            None => None,
        };
        let slice = shard_rows(draws.points.len() as u64, self.shard)?;
        let slice = slice.start as usize..slice.end as usize;
        let base = &draws.base;
        let job = LeverDraws::new(
            base,
            &draws.parameters[slice.clone()],
            self.start_day,
            self.heroic.as_deref(),
            runs,
            base.run.seed,
        )
        .map_err(|e| lever_error(e, &name))?;
        let what = format!("paired runs ({} arms each)", job.arms());
        machine_memory::ensure(
            &what,
            job.setups.iter().flat_map(|s| s.arms.iter()),
            executor,
            job.indices(),
            spelling,
        )?;
        let (dir, resume) = choose(&self.destination, &format!("{name}-robust-leverage"))?;
        Ok(Prepared {
            scenario,
            draws,
            slice,
            job,
            shard: self.shard,
            dir,
            resume,
        })
    }
}

impl Prepared {
    /// Runs every draw's arms in pairs, summarises each lever across draws, and writes the folder.
    pub fn run(
        self,
        executor: &Executor,
        progress: &dyn Progress,
        stop: &Stop,
    ) -> Result<Finished<Outcome>, CommandError> {
        let job = &self.job;
        let master = job.master;
        let arms: Vec<&Vec<Parameters>> = job.setups.iter().map(|s| &s.arms).collect();
        let paired_job = PairedJob {
            identity: sha256_hex(format!("{arms:?} master {master} runs {}", job.runs).as_bytes()),
            indices: job.indices(),
            shape: (job.arms(), job.width()),
            values: |i| job.metrics(i),
        };
        let journal = self.dir.as_deref().map(|d| (Kind::Leverage, d, self.resume));
        let Some((results, journal)) = paired(executor, &paired_job, journal, progress, stop)? else {
            return Ok(already_complete(&self.dir, Kind::Leverage));
        };
        let effects: Vec<Vec<DrawEffect>> = job.effects(&results);
        let robust = summarize(&effects);
        let setup = &job.setups[0];
        let levers = setup.levers.clone();
        let draws = &self.draws;
        let points = &draws.points[self.slice.clone()];
        let tables = (
            robust_table(&levers, &robust),
            draws_table(&levers, &draws.factors, self.slice.start, points, &effects),
        );
        if let (Some(dir), Some(scenario)) = (&self.dir, &self.scenario) {
            let mut settings = json!({
                "master_seed": master,
                "runs_per_draw": job.runs,
                "draws": draws.points.len(),
                "draws_from": draws.kind,
                draws.kind: draws.source,
                format!("{}_sha256", draws.kind): draws.source_sha256,
                "factors": draws.factors,
                "start_day": setup.start,
                "heroic_offering": setup.heroic_name,
            });
            if let Some((i, n)) = self.shard {
                settings["shard"] = json!({"index": i, "count": n, "draws": [self.slice.start, self.slice.end]});
            }
            let document = robust_document(&levers, &robust, &settings);
            write_robust_leverage(dir, &document, &tables.0, &tables.1, scenario, settings, journal).map_err(|e| {
                CommandError::Output {
                    action: "write the results into",
                    dir: dir.clone(),
                    source: e,
                }
            })?;
        }
        Ok(Finished::Done(Outcome {
            levers,
            robust,
            tables,
            dir: self.dir,
        }))
    }
}

/// The robust table (as robust-leverage.csv) from the rows of draws tables (draw, lever,
/// effect, standard error), e.g. every shard's joined: the same as the unsharded run's.
pub fn summarize_rows(rows: &[(u64, String, f64, f64)]) -> Result<Table, CommandError> {
    let levers = esplab_experiment::leverage::standard_levers(0, "");
    let known: Vec<&str> = levers.iter().map(|l| l.name()).collect();
    if let Some((_, unknown, _, _)) = rows.iter().find(|r| !known.contains(&r.1.as_str())) {
        return Err(CommandError::field(
            "draws",
            format!("{unknown:?}"),
            format!("unknown lever; known: {}", known.join(", ")),
        ));
    }
    let effects: Vec<(u64, &str, DrawEffect)> = rows
        .iter()
        .map(|(d, name, estimate, standard_error)| {
            (
                *d,
                name.as_str(),
                DrawEffect {
                    estimate: *estimate,
                    standard_error: *standard_error,
                },
            )
        })
        .collect();
    // The levers present, in the standard order (every draw must hold each of them).
    let present: Vec<Lever> = levers
        .iter()
        .filter(|l| rows.iter().any(|r| r.1 == l.name()))
        .cloned()
        .collect();
    let order: Vec<&str> = present.iter().map(|l| l.name()).collect();
    let effects = esplab_experiment::robust::pivot(&effects, &order)
        .map_err(|e| CommandError::field("draws", "(the table)", e))?;
    Ok(robust_table(&present, &summarize(&effects)))
}
