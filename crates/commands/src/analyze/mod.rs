//! `analyze`: the punctuation analysis of a run (jumps and their chains of events, equilibria,
//! the shape of changes, incidents, response lags), of a run folder, of a scenario run now, or
//! of every run of an ensemble folder summarised across runs ([`ensemble`]).

pub mod ensemble;

use crate::error::CommandError;
use crate::machine_memory;
use crate::progress::Progress;
use crate::source::Source;
use crate::stop::Stop;
use esplab_experiment::analysis::{analyze, RunData};
use esplab_experiment::Executor;
use esplab_model::Recorder;
use esplab_output::analysis_files::{analysis_json, read_run, write_analysis};
use esplab_output::table::{Column, Table};
use esplab_scenario::Spelling;
use std::path::PathBuf;

pub use esplab_experiment::analysis::Analysis;

/// What to analyse.
#[derive(Debug, Clone)]
pub enum Subject {
    /// A run folder (analysis.json is written into it when `write`) or an ensemble folder (it
    /// always is).
    Folder { dir: PathBuf, write: bool },
    /// A scenario, run now and kept in memory.
    Scenario(Source),
}

/// What was analysed.
pub enum Outcome {
    /// One run.
    Run { analysis: Analysis, dir: Option<PathBuf> },
    /// Every run of an ensemble.
    Ensemble(ensemble::Outcome),
}

/// Analyses `subject`, re-simulating an ensemble's runs on `executor`.
pub fn run(
    subject: Subject,
    executor: &Executor,
    spelling: Spelling,
    progress: &dyn Progress,
    stop: &Stop,
) -> Result<Outcome, CommandError> {
    let label = match &subject {
        Subject::Folder { dir, .. } => format!("{}: ", dir.display()),
        Subject::Scenario(_) => String::new(),
    };
    let (data, dir) = match subject {
        Subject::Folder { dir, .. } if dir.join("runs.csv").exists() => {
            let prepared = ensemble::prepare(&dir, executor, spelling)?;
            return Ok(Outcome::Ensemble(ensemble::run(prepared, executor, progress, stop)?));
        }
        Subject::Folder { dir, write } => {
            let data =
                read_run(&dir).map_err(|e| CommandError::Failed(format!("cannot read {}: {e}", dir.display())))?;
            (data, write.then_some(dir))
        }
        Subject::Scenario(source) => {
            let p = source.load(&[])?.parameters;
            machine_memory::ensure("the run", [&p], &Executor::new(1), 1, spelling)?;
            let names: Vec<String> = p.offerings.iter().map(|o| o.name.clone()).collect();
            let mut recorder = Recorder::default();
            crate::run::simulate(&p, executor, &mut recorder, progress, stop)?;
            (RunData::from_recorder(&recorder, &names), None)
        }
    };
    if data.baseline.len() < 3 {
        return Err(CommandError::Failed(format!(
            "{label}the run has {} days; analysis needs at least 3",
            data.baseline.len()
        )));
    }
    let analysis = analyze(&data);
    if let Some(dir) = &dir {
        write_analysis(dir, &analysis).map_err(|e| CommandError::Output {
            action: "write into",
            dir: dir.clone(),
            source: e,
        })?;
    }
    Ok(Outcome::Run { analysis, dir })
}

/// The jumps of a run's analysis: day, size, cause, lag from the first link in days, chain of
/// events.
pub fn jumps_table(a: &Analysis) -> Table {
    Table {
        names: ["day", "size", "cause", "lag_from_first_link_days", "chain"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        columns: vec![
            Column::Count(a.jumps.iter().map(|j| j.day).collect()),
            Column::Number(a.jumps.iter().map(|j| j.size).collect()),
            Column::Text(a.jumps.iter().map(|j| j.cause.clone()).collect()),
            Column::Count(
                a.jumps
                    .iter()
                    .map(|j| j.day - j.chain.first().map_or(j.day, |l| l.day))
                    .collect(),
            ),
            Column::Text(
                a.jumps
                    .iter()
                    .map(|j| {
                        j.chain
                            .iter()
                            .map(|l| format!("day {}: {}", l.day, l.what))
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .collect(),
            ),
        ],
    }
}

/// The segments between a run's change points: start, end, change, rate per year, is_jump.
pub fn segments_table(a: &Analysis) -> Table {
    Table {
        names: ["start", "end", "change", "rate_per_year", "is_jump"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        columns: vec![
            Column::Index(a.segments.iter().map(|x| x.start as u64).collect()),
            Column::Index(a.segments.iter().map(|x| x.end as u64).collect()),
            Column::Number(a.segments.iter().map(|x| x.change).collect()),
            Column::Number(a.segments.iter().map(|x| x.rate_per_year).collect()),
            Column::Text(a.segments.iter().map(|x| x.is_jump.to_string()).collect()),
        ],
    }
}

/// What analysis.json holds of a run's analysis.
pub fn document(a: &Analysis) -> serde_json::Value {
    analysis_json(a)
}
