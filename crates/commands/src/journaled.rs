//! Work journaled as it finishes, so that a stopped command can be resumed by any front end:
//! indices run a batch of a few per thread at a time, each batch handed over in index order to
//! be kept before the next starts.

use crate::error::{CommandError, Resumable};
use crate::progress::Progress;
use crate::stop::Stop;
use crate::Finished;
use esplab_experiment::compare::{paired_metrics, paired_width};
use esplab_experiment::leverage::{lever_metrics, lever_width};
use esplab_experiment::Executor;
use esplab_model::Parameters;
use esplab_output::journal::{Kind, PairedJournal};
use esplab_scenario::sha256_hex;
use std::path::{Path, PathBuf};

/// Runs `job` for each of `remaining` (consecutive indices, in order) a batch of a few per
/// thread at a time, and hands each batch's results, in index order, to `commit` (which keeps
/// them, e.g. in a journal). Returns false when `stop` stopped the work; every batch finished
/// before it is committed.
pub fn run_batches<T: Send, E>(
    executor: &Executor,
    remaining: &[u64],
    stop: &Stop,
    job: impl Fn(u64) -> T + Sync,
    mut commit: impl FnMut(Vec<T>) -> Result<(), E>,
) -> Result<bool, E> {
    for batch in remaining.chunks(4 * executor.threads()) {
        let mut results = Vec::with_capacity(batch.len());
        let stopped = executor.run(batch, stop.flag(), &job, |_, result| {
            results.push(result);
            Ok::<(), E>(())
        })?;
        commit(results)?;
        if stopped.is_some() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Indices of paired work, each giving `shape.0` arms of `shape.1` values.
pub struct PairedJob<F> {
    /// What the journal must have been written for (a hash of the job's inputs).
    pub identity: String,
    pub indices: u64,
    /// (arms, values per arm).
    pub shape: (usize, usize),
    /// The values of every arm at an index.
    pub values: F,
}

/// The paired job of `arms` on runs `0..runs` under master seed `master` (common random
/// numbers), identified by the arms and the seed.
pub fn arms_job<'a>(
    arms: &'a [&'a Parameters],
    master: u64,
    runs: u64,
) -> PairedJob<impl Fn(u64) -> Vec<Vec<f64>> + Sync + 'a> {
    PairedJob {
        identity: sha256_hex(format!("{arms:?} master {master}").as_bytes()),
        indices: runs,
        shape: (arms.len(), paired_width(arms)),
        values: move |i| paired_metrics(arms, master, i),
    }
}

/// The paired job of a leverage experiment's `arms` (the base first) on runs `0..runs` under
/// master seed `master`: as [`arms_job`], each lever arm with its mechanical figures
/// ([`lever_metrics`]).
pub fn lever_job<'a>(
    arms: &'a [&'a Parameters],
    master: u64,
    runs: u64,
) -> PairedJob<impl Fn(u64) -> Vec<Vec<f64>> + Sync + 'a> {
    let offerings = arms.first().map_or(0, |p| p.offerings.len());
    PairedJob {
        identity: sha256_hex(format!("levers {arms:?} master {master}").as_bytes()),
        indices: runs,
        shape: (arms.len(), lever_width(offerings)),
        values: move |i| lever_metrics(arms, master, i),
    }
}

/// What a command that found its folder complete returns: the folder and what it holds.
pub fn already_complete<T>(dir: &Option<PathBuf>, kind: Kind) -> Finished<T> {
    Finished::AlreadyComplete {
        dir: dir.clone().unwrap_or_default(),
        what: kind.describe(),
    }
}

/// The values per arm of a paired job (indices in order) and the journal to remove once the
/// final files are written; `None` when the folder held the complete result already.
pub type Paired = Option<(Vec<Vec<Vec<f64>>>, Option<PairedJournal>)>;

/// Runs `job` on its indices: journaled in `dir` as batches finish when there is a folder (with
/// `resume`, indices an earlier interruption journaled are kept), in memory when not.
pub fn paired<F: Fn(u64) -> Vec<Vec<f64>> + Sync>(
    executor: &Executor,
    job: &PairedJob<F>,
    journal: Option<(Kind, &Path, bool)>,
    progress: &dyn Progress,
    stop: &Stop,
) -> Result<Paired, CommandError> {
    let what = "paired runs";
    let Some((kind, dir, resume)) = journal else {
        progress.begin(what, job.indices, 0);
        let indices: Vec<u64> = (0..job.indices).collect();
        let by_index = executor.in_order(&indices, stop.flag(), &job.values, || progress.advance(1));
        progress.end();
        return Ok(Some((by_arm(by_index?, job.shape.0), None)));
    };
    let cannot = |action, source| CommandError::Output {
        action,
        dir: dir.to_path_buf(),
        source,
    };
    let opened =
        PairedJournal::open(dir, kind, &job.identity, job.indices, job.shape, resume).map_err(|e| cannot("use", e))?;
    let Some(mut journal) = opened else {
        return Ok(None);
    };
    let remaining: Vec<u64> = (journal.next_run()..job.indices).collect();
    progress.begin(what, job.indices, journal.next_run());
    let finished = run_batches(
        executor,
        &remaining,
        stop,
        |i| (i, (job.values)(i)),
        |batch| {
            journal.append(&batch).map_err(|e| cannot("write into", e))?;
            progress.advance(batch.len() as u64);
            Ok::<(), CommandError>(())
        },
    );
    progress.end();
    if !finished? {
        return Err(CommandError::Interrupted(Some(Resumable {
            done: journal.next_run(),
            total: job.indices,
            what,
            dir: dir.to_path_buf(),
        })));
    }
    let results = journal.results().map_err(|e| cannot("read back", e))?;
    Ok(Some((results, Some(journal))))
}

/// Values by index (each per arm) as values by arm (each by index).
fn by_arm(by_index: Vec<Vec<Vec<f64>>>, arms: usize) -> Vec<Vec<Vec<f64>>> {
    let mut results: Vec<Vec<Vec<f64>>> = vec![Vec::with_capacity(by_index.len()); arms];
    for values in by_index {
        for (arm, v) in values.into_iter().enumerate() {
            results[arm].push(v);
        }
    }
    results
}
