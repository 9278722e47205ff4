//! `leverage`: every standard lever pulled on the same day, each arm run on the same seeds as
//! the base (common random numbers), ranked by its paired effect on the long-run baseline.

use crate::destination::{choose, Destination};
use crate::error::CommandError;
use crate::journaled::{already_complete, arms_job, paired};
use crate::limits::Limit;
use crate::machine_memory;
use crate::progress::Progress;
use crate::source::Source;
use crate::stop::Stop;
use crate::Finished;
use esplab_experiment::leverage::{base_long_run, rank, LeverEffect};
use esplab_experiment::levers::{LeverError, LeverSetup};
use esplab_experiment::statistics::Interval;
use esplab_experiment::Executor;
use esplab_output::comparison_files::{leverage_document, leverage_table, write_leverage};
use esplab_output::journal::Kind;
use esplab_output::table::Table;
use esplab_scenario::{Scenario, Spelling};
use serde_json::json;
use std::path::PathBuf;

pub use esplab_experiment::leverage::{verdict, NEGLIGIBLE_EFFECT};

/// Paired runs per lever: at least two, so that each effect has an interval.
pub const RUNS: Limit = Limit {
    field: "runs",
    low: 2,
    high: 10_000_000,
};

/// The standard levers of one scenario.
#[derive(Debug, Clone)]
pub struct Request {
    pub source: Source,
    pub runs: u64,
    /// The day the levers are pulled (default: a fifth into the horizon).
    pub start_day: Option<u32>,
    /// The heroic vendor's offering (default: the minority offering on the start day).
    pub heroic: Option<String>,
    /// Where to write the folder; `None`: nowhere (the table only).
    pub destination: Option<Destination>,
}

/// A leverage experiment ready to run.
pub struct Prepared {
    pub scenario: Scenario,
    pub setup: LeverSetup,
    runs: u64,
    pub dir: Option<PathBuf>,
    resume: bool,
}

/// The levers ranked.
pub struct Outcome {
    pub runs: u64,
    pub setup: LeverSetup,
    /// The long-run baseline without any lever.
    pub base: Interval,
    /// The levers by effect, largest first.
    pub rows: Vec<LeverEffect>,
    /// leverage.csv.
    pub table: Table,
    pub dir: Option<PathBuf>,
}

/// A lever setting that does not fit `scenario`, as the request field it came from.
pub fn lever_error(error: LeverError, scenario: &str) -> CommandError {
    match error {
        LeverError::StartAfterHorizon { start, days } => CommandError::field(
            "start_day",
            start,
            format!("must be before the end of the horizon ({days} days)"),
        ),
        LeverError::UnknownOffering { name, offerings } => CommandError::field(
            "heroic",
            name,
            format!("not an offering of {scenario}; offerings: {offerings}"),
        ),
    }
}

impl Request {
    /// Loads the scenario, sets the levers up, checks the limits and memory, and chooses the
    /// folder.
    pub fn prepare(self, executor: &Executor, spelling: Spelling) -> Result<Prepared, CommandError> {
        let runs = RUNS.check(self.runs)?;
        let scenario = self.source.load(&[])?;
        let setup = LeverSetup::new(&scenario.parameters, self.start_day, self.heroic.as_deref())
            .map_err(|e| lever_error(e, &scenario.name))?;
        let what = format!("paired runs ({} arms each)", setup.arms.len());
        machine_memory::ensure(&what, &setup.arms, executor, runs, spelling)?;
        let (dir, resume) = choose(&self.destination, &format!("{}-leverage", scenario.name))?;
        Ok(Prepared {
            scenario,
            setup,
            runs,
            dir,
            resume,
        })
    }
}

impl Prepared {
    /// Runs every arm on the same seeds, ranks the levers and writes the folder.
    pub fn run(
        self,
        executor: &Executor,
        progress: &dyn Progress,
        stop: &Stop,
    ) -> Result<Finished<Outcome>, CommandError> {
        let master = self.scenario.parameters.run.seed;
        let found = {
            let arms = self.setup.arm_refs();
            let journal = self.dir.as_deref().map(|d| (Kind::Leverage, d, self.resume));
            let job = arms_job(&arms, master, self.runs);
            paired(executor, &job, journal, progress, stop)?
        };
        let Some((results, journal)) = found else {
            return Ok(already_complete(&self.dir, Kind::Leverage));
        };
        let base = base_long_run(&results);
        let rows = rank(&results);
        let table = leverage_table(&self.setup.levers, &rows);
        if let Some(dir) = &self.dir {
            let document = leverage_document(&self.setup, &rows, &base, self.runs);
            let settings = json!({"master_seed": master, "runs": self.runs, "start_day": self.setup.start, "heroic_offering": self.setup.heroic_name});
            write_leverage(dir, &document, &table, &self.scenario, settings, journal).map_err(|e| {
                CommandError::Output {
                    action: "write the results into",
                    dir: dir.clone(),
                    source: e,
                }
            })?;
        }
        Ok(Finished::Done(Outcome {
            runs: self.runs,
            setup: self.setup,
            base,
            rows,
            table,
            dir: self.dir,
        }))
    }
}
