//! The `esplab` command: run scenarios and experiments, check scenario files, list presets.

mod analyze;
mod analyze_ensemble;
mod calibrate;
mod commands;
mod experiments;
mod options;
mod report;
mod serve;
mod sweeps;
mod validate;
mod verify;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = options::Cli::parse();
    match commands::dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
