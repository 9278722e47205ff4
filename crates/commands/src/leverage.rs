//! `leverage`: every standard lever pulled on the same day, each arm run on the same seeds as
//! the base (common random numbers), ranked by its paired effect on the long-run baseline.

use crate::destination::{choose, Destination};
use crate::error::CommandError;
use crate::journaled::{already_complete, lever_job, paired};
use crate::limits::Limit;
use crate::machine_memory;
use crate::progress::Progress;
use crate::source::Source;
use crate::stop::Stop;
use crate::Finished;
pub use esplab_experiment::doses::Curve;
use esplab_experiment::doses::{curves, dosed_levers, real_ranges};
use esplab_experiment::leverage::{base_long_run, effects, rank, standard_levers, Lever, LeverEffect, STANDARD_SIZES};
use esplab_experiment::levers::{LeverError, LeverSetup};
use esplab_experiment::statistics::Interval;
use esplab_experiment::Executor;
use esplab_model::InterventionKind;
use esplab_output::comparison_files::{leverage_document, leverage_table, write_leverage};
use esplab_output::dose_files::{doses_document, doses_table, write_doses};
use esplab_output::journal::Kind;
use esplab_output::table::Table;
use esplab_scenario::{Scenario, Spelling};
use serde_json::json;
use std::path::PathBuf;

pub use esplab_experiment::doses::TARGET_RISE;
pub use esplab_experiment::leverage::{unit, verdict, NEGLIGIBLE_EFFECT};
pub use esplab_output::dose_files::needed_words;

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
    /// The levers to pull, by name (empty: every lever).
    pub levers: Vec<String>,
    /// Pull each lever at its doses ([`esplab_experiment::doses`]) rather than once at its
    /// standard size.
    pub doses: bool,
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
    doses: bool,
}

/// The levers ranked, or their dose-response curves.
pub struct Outcome {
    pub runs: u64,
    pub setup: LeverSetup,
    /// The long-run baseline without any lever.
    pub base: Interval,
    /// The levers by effect, largest first (with doses: in lever order, doses ascending).
    pub rows: Vec<LeverEffect>,
    /// With doses: each lever's curve.
    pub curves: Option<Vec<Curve>>,
    /// leverage.csv, or doses.csv with doses.
    pub table: Table,
    pub dir: Option<PathBuf>,
}

/// The lever kinds `names` ask for (every kind when empty), in the standard order; an unknown
/// name is an error on the field `levers`.
pub fn lever_kinds(names: &[String]) -> Result<Vec<InterventionKind>, CommandError> {
    for name in names {
        if InterventionKind::from_name(name).is_none() {
            return Err(CommandError::field(
                "levers",
                name,
                format!("not a lever; levers: {}", InterventionKind::NAMES.join(", ")),
            ));
        }
    }
    Ok(STANDARD_SIZES
        .iter()
        .map(|&(kind, _)| kind)
        .filter(|kind| names.is_empty() || names.iter().any(|n| n == kind.name()))
        .collect())
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
        let kinds = lever_kinds(&self.levers)?;
        let scenario = self.source.load(&[])?;
        let ranges = real_ranges();
        let doses = self.doses;
        let levers = |start: u32, heroic: &str| -> Vec<Lever> {
            if doses {
                dosed_levers(&kinds, &ranges, start, heroic)
            } else {
                standard_levers(start, heroic)
                    .into_iter()
                    .filter(|l| kinds.contains(&l.kind))
                    .collect()
            }
        };
        let setup = LeverSetup::with(&scenario.parameters, self.start_day, self.heroic.as_deref(), levers)
            .map_err(|e| lever_error(e, &scenario.name))?;
        let what = format!("paired runs ({} arms each)", setup.arms.len());
        machine_memory::ensure(&what, &setup.arms, executor, runs, spelling)?;
        let name = if doses { "doses" } else { "leverage" };
        let (dir, resume) = choose(&self.destination, &format!("{}-{name}", scenario.name))?;
        Ok(Prepared {
            scenario,
            setup,
            runs,
            dir,
            resume,
            doses,
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
            let job = lever_job(&arms, master, self.runs);
            paired(executor, &job, journal, progress, stop)?
        };
        let Some((results, journal)) = found else {
            return Ok(already_complete(&self.dir, Kind::Leverage));
        };
        let base = base_long_run(&results);
        let (rows, curves) = if self.doses {
            let rows = effects(&results);
            let curves = curves(&self.setup.levers, &rows, &real_ranges());
            (rows, Some(curves))
        } else {
            (rank(&results), None)
        };
        let table = match &curves {
            Some(curves) => doses_table(curves),
            None => leverage_table(&self.setup.levers, &rows),
        };
        if let Some(dir) = &self.dir {
            let settings = json!({"master_seed": master, "runs": self.runs, "start_day": self.setup.start, "heroic_offering": self.setup.heroic_name, "doses": self.doses});
            let written = match &curves {
                Some(curves) => {
                    let document = doses_document(&self.setup, curves, &base, self.runs, &self.scenario.name);
                    write_doses(dir, &document, &table, &self.scenario, settings, journal)
                }
                None => {
                    let document = leverage_document(&self.setup, &rows, &base, self.runs);
                    write_leverage(dir, &document, &table, &self.scenario, settings, journal)
                }
            };
            written.map_err(|e| CommandError::Output {
                action: "write the results into",
                dir: dir.clone(),
                source: e,
            })?;
        }
        Ok(Finished::Done(Outcome {
            runs: self.runs,
            setup: self.setup,
            base,
            rows,
            curves,
            table,
            dir: self.dir,
        }))
    }
}
