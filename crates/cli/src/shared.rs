//! What the commands share: their requests' sources and folders from the command line's
//! options, progress bars, Ctrl-C, warnings and usage errors. A leaf: it imports no other
//! module of the command but `options`.

use crate::options::{PlanArgs, ScenarioArgs, ScenarioOptions};
use anyhow::Result;
use esplab_commands::plan_source::PlanSource;
use esplab_commands::{CommandError, Destination, Finished, Progress, Source, Stop};
use esplab_scenario::{Override, Scenario, Settings, Spelling};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

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

/// The message of an error as the command line says it.
pub fn message(error: &anyhow::Error) -> String {
    match error.downcast_ref::<CommandError>() {
        Some(e @ CommandError::Interrupted(Some(_))) => e.spelled(Spelling::Cli),
        Some(e) => format!("error: {}", e.spelled(Spelling::Cli)),
        None => format!("error: {error:#}"),
    }
}

/// The exit status of an error.
pub fn exit_code(error: &anyhow::Error) -> ExitCode {
    if let Some(e) = error.downcast_ref::<CommandError>() {
        return ExitCode::from(match e {
            CommandError::Interrupted(_) => INTERRUPTED,
            e if e.is_usage() => USAGE,
            _ => 1,
        });
    }
    if error.downcast_ref::<UsageError>().is_some() {
        ExitCode::from(USAGE)
    } else {
        ExitCode::FAILURE
    }
}

/// The overrides of the options: `--set` in order, then `--seed`, `--users` and `--years`.
pub fn overrides(options: &ScenarioOptions) -> Result<Vec<Override>> {
    let settings = Settings {
        set: options
            .set
            .iter()
            .map(|s| Override::parse(s))
            .collect::<Result<Vec<_>, _>>()?,
        seed: options.seed,
        users: options.users,
        years: options.years,
    };
    Ok(settings.overrides(Spelling::Cli))
}

/// The scenario of `args` with its options, for a command's request.
pub fn source(args: &ScenarioArgs) -> Result<Source> {
    Ok(Source::named(&args.scenario, overrides(&args.options)?))
}

/// The plan of `args` with its options, for a command's request (`--seed` also replaces the
/// plan's seed).
pub fn plan_source(args: &PlanArgs) -> Result<PlanSource> {
    Ok(PlanSource {
        path: args.plan.clone(),
        overrides: overrides(&args.options)?,
        seed: args.options.seed,
    })
}

/// The folder of `--out`, `--force` and `--resume`: every command on the command line writes one.
pub fn destination(out: Option<&Path>, force: bool, resume: bool) -> Option<Destination> {
    Some(Destination {
        out: out.map(Path::to_path_buf),
        force,
        resume,
        keep: Vec::new(),
    })
}

/// The outcome of a command that writes a folder; `None` (having said so) when resuming found
/// the folder complete.
pub fn finished<T>(finished: Finished<T>, quiet: bool) -> Option<T> {
    match finished {
        Finished::Done(outcome) => Some(outcome),
        Finished::AlreadyComplete { dir, what } => {
            if !quiet {
                println!("{} already holds the complete {what}", dir.display());
            }
            None
        }
    }
}

/// Reads the scenario of `args` with its options (for commands that only read it).
pub fn load(args: &ScenarioArgs) -> Result<Scenario> {
    let scenario = source(args)?.load(&[])?;
    warn(&scenario.warnings)?;
    Ok(scenario)
}

static STRICT: AtomicBool = AtomicBool::new(false);

/// With `strict` (`--strict`), [`warn`] refuses what it would warn about.
pub fn set_strict(strict: bool) {
    STRICT.store(strict, Ordering::Relaxed);
}

/// Prints scenario warnings on stderr; with `--strict`, they are a usage error instead (before
/// any work starts).
pub fn warn(warnings: &[String]) -> Result<()> {
    if STRICT.load(Ordering::Relaxed) && !warnings.is_empty() {
        let listed: Vec<String> = warnings.iter().map(|w| format!("  {w}")).collect();
        return usage(format!("--strict: the scenario has warnings:\n{}", listed.join("\n")));
    }
    for w in warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}

/// The stop flag of every command: Ctrl-C raises it, and work in flight checks it after every
/// simulated day. A second Ctrl-C quits at once with status 130 (files being written are
/// written under temporary names, so none is left half-written under its own).
pub fn stop() -> &'static Stop {
    static STOP: Stop = Stop::new();
    static HANDLER: OnceLock<()> = OnceLock::new();
    HANDLER.get_or_init(|| {
        let _ = ctrlc::set_handler(|| {
            if STOP.is_raised() {
                std::process::exit(i32::from(INTERRUPTED));
            }
            STOP.raise();
        });
    });
    &STOP
}

/// A command's progress as bars on stderr with throughput and ETA (none with `--quiet`, or
/// when stderr is not a terminal).
pub struct Bar {
    quiet: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bar {
    pub fn new(quiet: bool) -> Self {
        Self {
            quiet,
            bar: Mutex::new(None),
        }
    }

    fn with(&self, f: impl FnOnce(&ProgressBar)) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            f(bar);
        }
    }
}

impl Progress for Bar {
    fn begin(&self, what: &str, total: u64, done: u64) {
        if self.quiet {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let template = format!("{{spinner}} {what} {{pos}}/{{len}} [{{bar:30}}] {{per_sec}} {{elapsed}} (eta {{eta}})");
        bar.set_style(
            ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_position(done);
        if let Some(old) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).replace(bar) {
            old.finish_and_clear();
        }
    }

    fn advance(&self, units: u64) {
        self.with(|bar| bar.inc(units));
    }

    fn at(&self, done: u64, note: &str) {
        self.with(|bar| {
            bar.set_position(done);
            bar.set_message(note.to_string());
        });
    }

    fn end(&self) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}
