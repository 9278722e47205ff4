//! The `esplab` command: run scenarios, check scenario files, list presets.

mod commands;
mod options;

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
