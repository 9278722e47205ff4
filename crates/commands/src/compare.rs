//! `compare`: two arms on common random numbers, metric by metric: the paired and unpaired
//! differences of their means with 95% intervals.

use crate::destination::{choose, Destination};
use crate::error::CommandError;
use crate::journaled::{already_complete, arms_job, paired};
use crate::leverage::RUNS;
use crate::machine_memory;
use crate::progress::Progress;
use crate::source::{Named, Source};
use crate::stop::Stop;
use crate::Finished;
pub use esplab_experiment::compare::MetricComparison;
use esplab_experiment::compare::{compare, paired_names, CONFIDENCE};
use esplab_experiment::Executor;
use esplab_output::comparison_files::{comparison_table, write_comparison};
use esplab_output::journal::Kind;
use esplab_output::table::Table;
use esplab_scenario::{Override, Scenario, Spelling};
use serde_json::json;
use std::path::PathBuf;

/// A base and a variant.
#[derive(Debug, Clone)]
pub struct Request {
    pub base: Source,
    /// The variant scenario (with the base's overrides); `None`: the base itself, with `vary`.
    pub variant: Option<Named>,
    /// Overrides of the variant only.
    pub vary: Vec<Override>,
    pub runs: u64,
    pub destination: Option<Destination>,
}

/// A comparison ready to run.
pub struct Prepared {
    pub base: Scenario,
    pub variant: Scenario,
    runs: u64,
    pub dir: Option<PathBuf>,
    resume: bool,
}

/// What the comparison found.
pub struct Outcome {
    pub runs: u64,
    /// Metric by metric.
    pub rows: Vec<MetricComparison>,
    /// compare.csv.
    pub table: Table,
    pub dir: Option<PathBuf>,
}

impl Request {
    /// Loads both scenarios, checks the limits and memory, and chooses the folder.
    pub fn prepare(self, executor: &Executor, spelling: Spelling) -> Result<Prepared, CommandError> {
        let runs = RUNS.check(self.runs)?;
        if self.variant.is_none() && self.vary.is_empty() {
            return Err(CommandError::Usage(match spelling {
                Spelling::Cli => "give a VARIANT scenario or at least one --vary KEY=VALUE".into(),
                Spelling::Python | Spelling::Server => {
                    "give a variant scenario or at least one vary={KEY: VALUE}".into()
                }
            }));
        }
        let base = self.base.load(&[])?;
        let variant = Source {
            scenario: self.variant.unwrap_or_else(|| self.base.scenario.clone()),
            overrides: self.base.overrides.clone(),
        }
        .load(&self.vary)?;
        machine_memory::ensure(
            "paired runs",
            [&base.parameters, &variant.parameters],
            executor,
            runs,
            spelling,
        )?;
        let (dir, resume) = choose(&self.destination, &format!("{}-compare", base.name))?;
        Ok(Prepared {
            base,
            variant,
            runs,
            dir,
            resume,
        })
    }
}

impl Prepared {
    /// Runs both arms on the base's seeds and compares them.
    pub fn run(
        self,
        executor: &Executor,
        progress: &dyn Progress,
        stop: &Stop,
    ) -> Result<Finished<Outcome>, CommandError> {
        let arms = [&self.base.parameters, &self.variant.parameters];
        let master = self.base.parameters.run.seed;
        let job = arms_job(&arms, master, self.runs);
        let journal = self.dir.as_deref().map(|d| (Kind::Comparison, d, self.resume));
        let Some((results, journal)) = paired(executor, &job, journal, progress, stop)? else {
            return Ok(already_complete(&self.dir, Kind::Comparison));
        };
        let rows = compare(&paired_names(&arms), &results[0], &results[1]);
        if let Some(dir) = &self.dir {
            let settings = json!({"master_seed": master, "runs": self.runs, "confidence": CONFIDENCE});
            write_comparison(dir, &rows, &self.base, &self.variant, settings, journal).map_err(|e| {
                CommandError::Output {
                    action: "write the results into",
                    dir: dir.clone(),
                    source: e,
                }
            })?;
        }
        Ok(Finished::Done(Outcome {
            runs: self.runs,
            table: comparison_table(&rows),
            rows,
            dir: self.dir,
        }))
    }
}
