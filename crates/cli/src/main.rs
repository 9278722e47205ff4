//! The `esplab` command: run scenarios and experiments, check scenario files, list presets.
//!
//! Exit status: 0 on success, 1 when the work fails (a bad scenario, an I/O error, ...), 2 when
//! the command line is wrong, 130 after Ctrl-C. A closed standard output (`esplab scenarios |
//! head -1`) ends the program quietly, as for any Unix filter.

mod commands;
mod options;
mod shared;

use anyhow::Result;
use clap::Parser;
use commands::*;
use options::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    restore_default_sigpipe();
    // Ctrl-C raises the stop flag from the start, so no interruption kills a command half-way.
    shared::stop();
    let cli = Cli::parse();
    shared::set_strict(cli.strict);
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", shared::message(&e));
            shared::exit_code(&e)
        }
    }
}

/// Runs the command the user asked for.
fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Check(args) => check::check(args),
        Command::Scenarios(args) => scenarios::scenarios(args),
        Command::Schema => scenarios::schema(),
        Command::Ensemble(args) => ensemble::ensemble(args),
        Command::Compare(args) => compare::compare(args),
        Command::Leverage(args) => leverage::leverage(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => merge::merge(args),
        Command::Sensitivity(args) => sensitivity::sensitivity(args),
        Command::Discover(args) => discover::discover(args),
        Command::Analyze(args) => analyze::analyze(args),
        Command::Story(args) => story::story(args),
        Command::Validate(args) => validate::validate(args),
        Command::Calibrate(args) => calibrate::calibrate_command(args),
        Command::Fit(args) => forecasting::fit(args),
        Command::Forecast(args) => forecasting::forecast(args),
        Command::Backtest(args) => forecasting::backtest(args),
        Command::Report(args) => report::report(args),
        Command::Serve(args) => serve::serve(args),
        Command::Verify(args) => verify::verify(args),
    }
}

/// Lets a write to a closed pipe end the program (as it does any Unix filter) instead of
/// failing: Rust ignores SIGPIPE by default, which turns `print!` into a panic.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to the default at start-up, before any thread.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
