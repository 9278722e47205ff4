//! What the commands share: reading scenarios and plans with the command line's options,
//! output folders, the memory check, progress bars, Ctrl-C, usage errors and number formats.
//! A leaf: it imports no other module of the command but `options`.

use crate::options::{PlanArgs, ScenarioArgs, ScenarioOptions};
use anyhow::{Context, Result};
use esplab_experiment::jobs::LeverError;
use esplab_experiment::memory::Spelling as MemorySpelling;
use esplab_experiment::statistics::Interval;
use esplab_experiment::{jobs, Executor};
use esplab_model::Parameters;
use esplab_output::journal::{self, PairedJournal};
use esplab_scenario::plan::Plan;
use esplab_scenario::{sha256_hex, Override, Scenario, Settings, Spelling};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// Exit status after Ctrl-C (128 + SIGINT), for every command.
pub const INTERRUPTED: u8 = 130;

/// Exit status of a command line that is wrong (options, or their combination).
pub const USAGE: u8 = 2;

/// A wrong command line: exits with [`USAGE`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Returns a [`UsageError`].
pub fn usage<T>(message: impl Into<String>) -> Result<T> {
    Err(UsageError(message.into()).into())
}

/// Work stopped by Ctrl-C: exits with [`INTERRUPTED`].
pub fn interrupted<T>() -> Result<T> {
    Err(jobs::Interrupted.into())
}

/// The exit status of an error.
pub fn exit_code(error: &anyhow::Error) -> ExitCode {
    if error.downcast_ref::<UsageError>().is_some() {
        ExitCode::from(USAGE)
    } else if error.downcast_ref::<jobs::Interrupted>().is_some() {
        ExitCode::from(INTERRUPTED)
    } else {
        ExitCode::FAILURE
    }
}

/// The settings of the scenario options.
pub fn settings(options: &ScenarioOptions) -> Result<Settings> {
    Ok(Settings {
        set: options
            .set
            .iter()
            .map(|s| Override::parse(s))
            .collect::<Result<Vec<_>, _>>()?,
        seed: options.seed,
        users: options.users,
        years: options.years,
    })
}

/// The overrides of the options: `--set` in order, then `--seed`, `--users` and `--years`.
pub fn overrides(options: &ScenarioOptions) -> Result<Vec<Override>> {
    Ok(settings(options)?.overrides(Spelling::Cli))
}

/// Reads the scenario of `args` with its options.
pub fn load(args: &ScenarioArgs) -> Result<Scenario> {
    load_with(&args.scenario, args, &[])
}

/// Reads scenario `name` with the options of `args` and then `extra` overrides.
pub fn load_with(name: &str, args: &ScenarioArgs, extra: &[Override]) -> Result<Scenario> {
    let mut all = overrides(&args.options)?;
    all.extend_from_slice(extra);
    let scenario = Scenario::load(name, &all)?;
    warn(&scenario.warnings);
    Ok(scenario)
}

/// Reads the plan of `args` with its options (`--seed` also replaces the plan's seed).
pub fn load_plan(args: &PlanArgs) -> Result<Plan> {
    let mut plan = Plan::load(&args.plan, &overrides(&args.options)?)?;
    if let Some(seed) = args.options.seed {
        plan.seed = seed;
    }
    warn(&plan.scenario.warnings);
    Ok(plan)
}

/// Refuses, before anything is allocated, `runs` runs of the largest of `parameters` that
/// would not fit in memory as many at once as `executor` has threads.
pub fn ensure_memory<'a>(
    what: &str,
    parameters: impl IntoIterator<Item = &'a Parameters>,
    executor: &Executor,
    runs: u64,
) -> Result<()> {
    Ok(jobs::ensure_memory(
        what,
        parameters,
        executor,
        runs,
        MemorySpelling::CLI,
    )?)
}

/// Prints scenario warnings on stderr.
pub fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

/// The folder to write into: `out`, which must not hold files unless `force`; or a new folder
/// `runs/STEM-N`, created now with the first N not taken (so it never replaces anything).
pub fn output_folder(out: Option<&Path>, stem: &str, force: bool) -> Result<PathBuf> {
    resumable_folder(out, stem, force, false)
}

/// As [`output_folder`], for work that journals what it finishes: with `resume`, `out` is
/// used as it is (its journal says what is left); a folder holding an interrupted journal is
/// named as such.
pub fn resumable_folder(out: Option<&Path>, stem: &str, force: bool, resume: bool) -> Result<PathBuf> {
    match out {
        Some(dir) if resume || force || !holds_files(dir) => Ok(dir.to_path_buf()),
        Some(dir) => match journal::interrupted(dir) {
            Some(what) => usage(format!(
                "--out {}: holds an interrupted {what}: add --resume to finish it, --force to start over, or choose another --out",
                dir.display()
            )),
            None => usage(format!(
                "--out {}: the folder is not empty; choose another, or add --force to replace what it holds",
                dir.display()
            )),
        },
        None => new_folder(stem),
    }
}

/// Whether `dir` exists and holds anything.
pub fn holds_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

/// Creates `runs/STEM-N` for the first N not taken, and returns it.
pub fn new_folder(stem: &str) -> Result<PathBuf> {
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = if stem.is_empty() { "run".to_string() } else { stem };
    let runs = Path::new("runs");
    std::fs::create_dir_all(runs).with_context(|| format!("cannot create {}", runs.display()))?;
    for n in 1u64.. {
        let dir = runs.join(format!("{stem}-{n}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", dir.display())),
        }
    }
    unreachable!("some folder name is free")
}

/// The stem of output folders of a plan file.
pub fn stem(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "plan".into())
}

/// Runs `job` for each of `remaining` (consecutive indices, in order) a batch of a few per
/// thread at a time, and hands each batch's results, in index order, to `commit` (which keeps
/// them, e.g. in a journal). Returns false when Ctrl-C stopped the work; every batch finished
/// before it is committed.
pub fn run_batches<T: Send>(
    executor: &Executor,
    remaining: &[u64],
    job: impl Fn(u64) -> T + Sync,
    mut commit: impl FnMut(Vec<T>) -> Result<()>,
) -> Result<bool> {
    for batch in remaining.chunks(4 * executor.threads()) {
        let mut results = Vec::with_capacity(batch.len());
        let stopped = executor.run(batch, stop_flag(), &job, |_, result| {
            results.push(result);
            Ok::<(), anyhow::Error>(())
        })?;
        commit(results)?;
        if stopped.is_some() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Journaled paired runs: per arm, the metrics of each run, and the journal to remove once
/// the final files are written; or the exit status to return at once (complete already, or
/// stopped by Ctrl-C).
pub type Paired = ControlFlow<ExitCode, (Vec<Vec<Vec<f64>>>, PairedJournal)>;

/// Runs every arm on runs `0..runs` (common random numbers: master seed `master`), journaled
/// in `dir` as batches finish; with `resume`, runs an earlier interruption journaled are kept.
#[allow(clippy::too_many_arguments)]
pub fn journaled_pairs(
    executor: &Executor,
    arms: &[&Parameters],
    master: u64,
    runs: u64,
    kind: journal::Kind,
    dir: &Path,
    resume: bool,
    bar: &ProgressBar,
    quiet: bool,
) -> Result<Paired> {
    let job = PairedJob {
        identity: sha256_hex(format!("{arms:?} master {master}").as_bytes()),
        indices: runs,
        shape: (arms.len(), jobs::replicates::paired_width(arms)),
        values: |i| jobs::replicates::paired_metrics(arms, master, i),
    };
    journaled_job(executor, &job, kind, dir, resume, bar, quiet)
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

/// Runs `job` on its indices, journaled in `dir` as batches finish; with `resume`, indices an
/// earlier interruption journaled are kept. Returns the values per arm, indices in order.
pub fn journaled_job<F: Fn(u64) -> Vec<Vec<f64>> + Sync>(
    executor: &Executor,
    job: &PairedJob<F>,
    kind: journal::Kind,
    dir: &Path,
    resume: bool,
    bar: &ProgressBar,
    quiet: bool,
) -> Result<Paired> {
    let opened = PairedJournal::open(dir, kind, &job.identity, job.indices, job.shape, resume)
        .with_context(|| format!("cannot use {}", dir.display()))?;
    let Some(mut journal) = opened else {
        if !quiet {
            println!("{} already holds the complete {}", dir.display(), kind.describe());
        }
        return Ok(ControlFlow::Break(ExitCode::SUCCESS));
    };
    let remaining: Vec<u64> = (journal.next_run()..job.indices).collect();
    bar.set_position(journal.next_run());
    let finished = run_batches(
        executor,
        &remaining,
        |i| (i, (job.values)(i)),
        |batch| {
            journal
                .append(&batch)
                .with_context(|| format!("cannot write into {}", dir.display()))?;
            bar.inc(batch.len() as u64);
            Ok(())
        },
    )?;
    bar.finish_and_clear();
    if !finished {
        return Ok(ControlFlow::Break(stopped_resumably(
            journal.next_run(),
            job.indices,
            "paired runs",
            dir,
        )));
    }
    let results = journal
        .results()
        .with_context(|| format!("cannot read back {}", dir.display()))?;
    Ok(ControlFlow::Continue((results, journal)))
}

/// The usage error of a lever setting (`--start-day`, `--heroic`) that does not fit `scenario`.
pub fn lever_usage(error: LeverError, scenario: &str) -> Result<ExitCode> {
    match error {
        LeverError::StartAfterHorizon { start, days } => usage(format!(
            "--start-day {start}: must be before the end of the horizon ({days} days)"
        )),
        LeverError::UnknownOffering { name, offerings } => usage(format!(
            "--heroic {name}: not an offering of {scenario}; offerings: {offerings}"
        )),
    }
}

/// Says that journaled work stopped after `done` of `total` and how to finish it; the exit
/// status of an interruption.
pub fn stopped_resumably(done: u64, total: u64, what: &str, dir: &Path) -> ExitCode {
    eprintln!(
        "interrupted after {done} of {total} {what}; every finished one is kept in {}. Run the same command with --resume to finish.",
        dir.display()
    );
    ExitCode::from(INTERRUPTED)
}

/// Raised by Ctrl-C; long commands check it between batches.
pub fn stop_flag() -> &'static AtomicBool {
    static STOP: OnceLock<AtomicBool> = OnceLock::new();
    STOP.get_or_init(|| {
        let _ = ctrlc::set_handler(|| {
            if let Some(flag) = STOP.get() {
                flag.store(true, Ordering::SeqCst);
            }
        });
        AtomicBool::new(false)
    })
}

/// A progress bar on stderr with throughput and ETA, hidden when stderr is not a terminal.
pub fn progress(total: u64, what: &str, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let template = format!("{{spinner}} {what} {{pos}}/{{len}} [{{bar:30}}] {{per_sec}} {{elapsed}} (eta {{eta}})");
    bar.set_style(
        ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

/// A number for a table: fixed point, or scientific when very large or very small.
pub fn number(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e5 || v.abs() < 1e-3) {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

/// A signed number for a table.
pub fn signed(v: f64) -> String {
    if v >= 0.0 {
        format!("+{}", number(v))
    } else {
        number(v)
    }
}

/// An estimate and its interval, signed.
pub fn format_interval(i: &Interval) -> String {
    format!("{} [{}, {}]", signed(i.estimate), signed(i.low), signed(i.high))
}
