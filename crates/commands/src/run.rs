//! `run`: one simulation, written into a run folder (time series, offerings, flows, events,
//! summary) or kept in memory as its daily table.

use crate::destination::{choose, Destination};
use crate::error::CommandError;
use crate::machine_memory;
use crate::progress::Progress;
use crate::source::Source;
use crate::stop::Stop;
use esplab_experiment::Executor;
use esplab_model::{EventKind, Observer, Parameters, Recorder, Simulation};

pub use esplab_model::Summary;
pub use esplab_output::run_folder::files;
use esplab_output::run_folder::timeseries_table;
use esplab_output::table::Table;
use esplab_output::RunFolder;
use esplab_scenario::{Scenario, Spelling};
use std::path::PathBuf;

/// One run of a scenario.
#[derive(Debug, Clone)]
pub struct Request {
    pub source: Source,
    /// Where to write the run folder; `None`: nowhere (the daily table only).
    pub destination: Option<Destination>,
}

/// A run ready to start.
pub struct Prepared {
    pub scenario: Scenario,
    pub dir: Option<PathBuf>,
    /// Whether `dir` is a folder `runs/STEM-N` made for this run (removed if it is stopped).
    new_folder: bool,
}

/// What the run wrote.
pub struct Outcome {
    /// The summary of a run written into a folder.
    pub summary: Option<Summary>,
    /// timeseries.csv's table of a run kept in memory.
    pub table: Option<Table>,
    pub dir: Option<PathBuf>,
}

impl Request {
    /// Loads the scenario, checks memory (one run at a time), and chooses the folder.
    pub fn prepare(self, spelling: Spelling) -> Result<Prepared, CommandError> {
        let scenario = self.source.load(&[])?;
        machine_memory::ensure(
            &format!("scenario `{}`", scenario.name),
            [&scenario.parameters],
            &Executor::new(1),
            1,
            spelling,
        )?;
        let new_folder = matches!(&self.destination, Some(d) if d.out.is_none());
        let (dir, _) = choose(&self.destination, &scenario.name)?;
        Ok(Prepared {
            scenario,
            dir,
            new_folder,
        })
    }
}

impl Prepared {
    /// Runs the simulation, its per-user work on `executor`'s threads, reporting days done.
    /// Raising `stop` ends it within a day of simulated time with
    /// [`CommandError::Interrupted`]: its partial files are removed, and so is a new folder
    /// `runs/STEM-N` made for it, so nothing half-written is left.
    pub fn run(self, executor: &Executor, progress: &dyn Progress, stop: &Stop) -> Result<Outcome, CommandError> {
        let p = &self.scenario.parameters;
        let Some(dir) = &self.dir else {
            let mut recorder = Recorder::default();
            simulate(p, executor, &mut recorder, progress, stop)?;
            let mut regulations = vec![0u32; recorder.days.len()];
            for e in recorder.events.iter().filter(|e| e.kind() == EventKind::Regulation) {
                if let Some(r) = regulations.get_mut(e.day as usize) {
                    *r += 1;
                }
            }
            return Ok(Outcome {
                summary: None,
                table: Some(timeseries_table(&recorder.days, &regulations)),
                dir: None,
            });
        };
        let cannot = |action, source| CommandError::Output {
            action,
            dir: dir.clone(),
            source,
        };
        let mut folder = RunFolder::create(dir, p).map_err(|e| cannot("write into", e))?;
        if let Err(e) = simulate(p, executor, &mut folder, progress, stop) {
            folder.abandon();
            if self.new_folder {
                // Only removes it if nothing else was put there meanwhile.
                let _ = std::fs::remove_dir(dir);
            }
            return Err(e);
        }
        let summary = folder
            .finish(&self.scenario)
            .map_err(|e| cannot("write the results into", e))?;
        Ok(Outcome {
            summary: Some(summary),
            table: None,
            dir: self.dir.clone(),
        })
    }
}

/// Runs `parameters` to the end of its horizon, reporting to `observer`, its per-user work on
/// `executor`'s threads (on one thread the run is the sequential one), with progress every 30
/// days; [`CommandError::Interrupted`] as soon as `stop` is raised. The one place a command
/// steps a single simulation.
pub fn simulate(
    parameters: &Parameters,
    executor: &Executor,
    observer: &mut (impl Observer + Send),
    progress: &dyn Progress,
    stop: &Stop,
) -> Result<(), CommandError> {
    let mut simulation = if executor.threads() > 1 {
        executor.install(|| Simulation::new_parallel(parameters))
    } else {
        Simulation::new(parameters)
    };
    progress.begin("day", simulation.days() as u64, 0);
    let finished = executor.install(|| {
        while simulation.step(observer) {
            if stop.is_raised() {
                return false;
            }
            if simulation.day() % 30 == 0 {
                progress.at(simulation.day() as u64, "");
            }
        }
        true
    });
    progress.end();
    if finished {
        Ok(())
    } else {
        Err(CommandError::Interrupted(None))
    }
}
