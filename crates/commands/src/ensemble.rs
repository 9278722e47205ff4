//! `ensemble`: runs of one scenario across seeds, their metrics and, in a folder, their daily
//! bands. In a folder, runs are journaled as batches finish, so an interrupted ensemble can be
//! resumed.

use crate::destination::{choose, Destination};
use crate::error::{CommandError, Resumable};
use crate::journaled::run_batches;
use crate::limits::Limit;
use crate::machine_memory;
use crate::progress::Progress;
use crate::source::Source;
use crate::stop::Stop;
use crate::Finished;
use esplab_experiment::{band_series, metric_names, simulate, Executor};
use esplab_output::ensemble_folder::runs_table;
use esplab_output::table::Table;
use esplab_output::EnsembleFolder;
use esplab_scenario::{Scenario, Spelling};
use serde_json::json;
use std::path::PathBuf;

/// Runs of an ensemble written to a folder: at least two, so that its bands have a spread.
pub const RUNS: Limit = Limit {
    field: "runs",
    low: 2,
    high: 10_000_000,
};

/// Runs of a slice of an ensemble kept in memory (`start..start + runs`, e.g. one Ray task's):
/// at least one.
pub const SLICE_RUNS: Limit = Limit {
    field: "runs",
    low: 1,
    high: 10_000_000,
};

/// Runs of a scenario on consecutive indices.
#[derive(Debug, Clone)]
pub struct Request {
    pub source: Source,
    pub runs: u64,
    /// The index of the first run (runs `start..start + runs`), to split an ensemble across
    /// workers; a folder holds whole ensembles only, so it must be 0 there.
    pub start: u64,
    /// Where to write the folder; `None`: nowhere (the runs table only).
    pub destination: Option<Destination>,
}

/// An ensemble ready to run.
pub struct Prepared {
    pub scenario: Scenario,
    runs: u64,
    start: u64,
    /// The folder it writes, chosen and checked.
    pub dir: Option<PathBuf>,
    resume: bool,
}

/// What an ensemble found.
pub struct Outcome {
    pub runs: u64,
    /// runs.csv: run, seed, every metric.
    pub table: Table,
    pub dir: Option<PathBuf>,
}

impl Request {
    /// Loads the scenario, checks the limits and memory, and chooses the folder.
    pub fn prepare(self, executor: &Executor, spelling: Spelling) -> Result<Prepared, CommandError> {
        let limit = if self.destination.is_some() { RUNS } else { SLICE_RUNS };
        let runs = limit.check(self.runs)?;
        let scenario = self.source.load(&[])?;
        machine_memory::ensure(
            &format!("scenario `{}`", scenario.name),
            [&scenario.parameters],
            executor,
            runs,
            spelling,
        )?;
        if self.start.checked_add(runs).is_none() {
            return Err(CommandError::field(
                "start",
                self.start,
                format!(
                    "allowed: 0 to {} with {runs} runs (run indices are below 2^64)",
                    u64::MAX - runs
                ),
            ));
        }
        if self.start > 0 && self.destination.is_some() {
            return Err(CommandError::field(
                "start",
                self.start,
                "a folder holds a whole ensemble: start must be 0 when writing one",
            ));
        }
        let (dir, resume) = choose(&self.destination, &format!("{}-ensemble", scenario.name))?;
        Ok(Prepared {
            scenario,
            runs,
            start: self.start,
            dir,
            resume,
        })
    }
}

impl Prepared {
    /// Runs the ensemble (the part an interruption left, when resuming) and writes its folder.
    pub fn run(
        self,
        executor: &Executor,
        progress: &dyn Progress,
        stop: &Stop,
    ) -> Result<Finished<Outcome>, CommandError> {
        let p = &self.scenario.parameters;
        let master = p.run.seed;
        let names = metric_names();
        let Some(dir) = &self.dir else {
            let indices: Vec<u64> = (self.start..self.start + self.runs).collect();
            progress.begin("runs", self.runs, 0);
            let outcomes = executor.in_order(
                &indices,
                stop.flag(),
                |i| simulate(p, master, i, false),
                || progress.advance(1),
            );
            progress.end();
            let rows: Vec<(u64, u64, Vec<f64>)> = outcomes?.into_iter().map(|o| (o.index, o.seed, o.metrics)).collect();
            let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            return Ok(Finished::Done(Outcome {
                runs: self.runs,
                table: runs_table(&names, &rows),
                dir: None,
            }));
        };
        let cannot = |action, source| CommandError::Output {
            action,
            dir: dir.clone(),
            source,
        };
        let identity = format!("{} master {master}", self.scenario.hash());
        let opened = EnsembleFolder::open(
            dir,
            &names,
            &band_series(p),
            p.run.days() as usize,
            &identity,
            self.runs,
            self.resume,
        )
        .map_err(|e| cannot("use", e))?;
        let Some(mut folder) = opened else {
            return Ok(Finished::AlreadyComplete {
                dir: dir.clone(),
                what: "ensemble",
            });
        };
        let remaining: Vec<u64> = (folder.next_run()..self.runs).collect();
        progress.begin("runs", self.runs, folder.next_run());
        let finished = run_batches(
            executor,
            &remaining,
            stop,
            |i| simulate(p, master, i, true),
            |runs| {
                for run in &runs {
                    folder.push(run)?;
                }
                folder.commit()?;
                progress.advance(runs.len() as u64);
                Ok(())
            },
        );
        progress.end();
        if !finished.map_err(|e| cannot("write into", e))? {
            return Err(CommandError::Interrupted(Some(Resumable {
                done: folder.next_run(),
                total: self.runs,
                what: "runs",
                dir: dir.clone(),
            })));
        }
        let table = folder.runs_table();
        let settings = json!({"master_seed": master, "runs": self.runs, "run_seeds": "esplab_experiment::run_seed(master_seed, run)"});
        folder
            .finish(&self.scenario, settings)
            .map_err(|e| cannot("write the results into", e))?;
        Ok(Finished::Done(Outcome {
            runs: self.runs,
            table,
            dir: self.dir.clone(),
        }))
    }
}

/// The mean of `metric` over the runs of a runs table, with its 95% interval; `None` for a
/// column the table lacks.
pub fn mean_interval(table: &Table, metric: &str) -> Option<esplab_experiment::statistics::Interval> {
    let k = table.names.iter().position(|n| n == metric)?;
    match &table.columns[k] {
        esplab_output::table::Column::Number(values) => Some(esplab_experiment::statistics::mean_interval(
            values,
            esplab_experiment::compare::CONFIDENCE,
        )),
        _ => None,
    }
}
