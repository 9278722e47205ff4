//! `esplab ensemble`: runs of one scenario across seeds, their metrics and daily bands. Runs
//! are journaled as batches finish; `--resume` completes an interrupted ensemble.

use crate::options::EnsembleArgs;
use crate::shared::{destination, finished, source, stop, warn, Bar};
use anyhow::Result;
use esplab_commands::ensemble::{mean_interval, Request};
use esplab_commands::format::number;
use esplab_commands::threads::executor;
use esplab_scenario::Spelling;
use std::process::ExitCode;

/// The metrics printed after an ensemble.
const PRINTED: [&str; 8] = [
    "long_run_baseline",
    "mean_baseline",
    "final_baseline",
    "baseline_jumps",
    "vendor_raises",
    "regulations",
    "final_adoption",
    "total_loss",
];

/// `esplab ensemble`.
pub fn ensemble(args: EnsembleArgs) -> Result<ExitCode> {
    let e = &args.experiment;
    let request = Request {
        source: source(&args.scenario)?,
        runs: e.runs,
        start: 0,
        destination: destination(e.out.as_deref(), e.force, e.resume),
    };
    let executor = executor(e.threads)?;
    let prepared = request.prepare(&executor, Spelling::Cli)?;
    warn(&prepared.scenario.warnings)?;
    let scenario = prepared.scenario.clone();
    let Some(outcome) = finished(prepared.run(&executor, &Bar::new(e.quiet), stop())?, e.quiet) else {
        return Ok(ExitCode::SUCCESS);
    };
    if !e.quiet {
        let p = &scenario.parameters;
        println!(
            "esplab ensemble: {} ({}), {} runs, master seed {}, {} users, {} days",
            scenario.name,
            scenario.source,
            outcome.runs,
            p.run.seed,
            p.run.users,
            p.run.days()
        );
        println!("  {:<20} {:>10} {:>24}", "metric", "mean", "95% interval of the mean");
        for metric in PRINTED {
            if let Some(i) = mean_interval(&outcome.table, metric) {
                let interval = format!("[{}, {}]", number(i.low), number(i.high));
                println!("  {metric:<20} {:>10} {:>24}", number(i.estimate), interval);
            }
        }
        if let Some(dir) = &outcome.dir {
            println!(
                "results in {}/ (runs.csv, runs.parquet, bands.csv, bands.parquet, manifest.json)",
                dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
