//! `esplab ensemble`: runs of one scenario across seeds, their metrics and daily bands. Runs
//! are journaled as batches finish; `--resume` completes an interrupted ensemble.

use crate::options::EnsembleArgs;
use crate::shared::{ensure_memory, load, number, progress, resumable_folder, run_batches, stopped_resumably};
use anyhow::{Context, Result};
use esplab_experiment::compare::CONFIDENCE;
use esplab_experiment::statistics::mean_interval;
use esplab_experiment::{band_series, metric_names, simulate, Executor};
use esplab_output::table::Column;
use esplab_output::EnsembleFolder;
use serde_json::json;
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
    let scenario = load(&args.scenario)?;
    let e = &args.experiment;
    let p = &scenario.parameters;
    let master = p.run.seed;
    let names = metric_names();
    let executor = Executor::new(e.threads);
    ensure_memory(&format!("scenario `{}`", scenario.name), [p], &executor, e.runs)?;
    let dir = resumable_folder(
        e.out.as_deref(),
        &format!("{}-ensemble", scenario.name),
        e.force,
        e.resume,
    )?;
    let identity = format!("{} master {master}", scenario.hash());
    let opened = EnsembleFolder::open(
        &dir,
        &names,
        &band_series(p),
        p.run.days() as usize,
        &identity,
        e.runs,
        e.resume,
    )
    .with_context(|| format!("cannot use {}", dir.display()))?;
    let mut folder = match opened {
        Some(folder) => folder,
        None => {
            if !e.quiet {
                println!("{} already holds the complete ensemble", dir.display());
            }
            return Ok(ExitCode::SUCCESS);
        }
    };
    let remaining: Vec<u64> = (folder.next_run()..e.runs).collect();
    let bar = progress(e.runs, "runs", e.quiet);
    bar.set_position(folder.next_run());
    let finished = run_batches(
        &executor,
        &remaining,
        |i| simulate(p, master, i, true),
        |runs| {
            for run in &runs {
                folder.push(run)?;
            }
            folder.commit()?;
            bar.inc(runs.len() as u64);
            Ok(())
        },
    )
    .with_context(|| format!("cannot write into {}", dir.display()))?;
    bar.finish_and_clear();
    if !finished {
        return Ok(stopped_resumably(folder.next_run(), e.runs, "runs", &dir));
    }
    let runs_table = folder.runs_table();
    let settings =
        json!({"master_seed": master, "runs": e.runs, "run_seeds": "esplab_experiment::run_seed(master_seed, run)"});
    folder
        .finish(&scenario, settings)
        .with_context(|| format!("cannot write the results into {}", dir.display()))?;
    if !e.quiet {
        println!(
            "esplab ensemble: {} ({}), {} runs, master seed {master}, {} users, {} days",
            scenario.name,
            scenario.source,
            e.runs,
            p.run.users,
            p.run.days()
        );
        println!("  {:<20} {:>10} {:>24}", "metric", "mean", "95% interval of the mean");
        for metric in PRINTED {
            let m = names.iter().position(|n| *n == metric).expect("a run metric");
            if let Column::Number(values) = &runs_table.columns[m + 2] {
                let i = mean_interval(values, CONFIDENCE);
                let interval = format!("[{}, {}]", number(i.low), number(i.high));
                println!("  {metric:<20} {:>10} {:>24}", number(i.estimate), interval);
            }
        }
        println!(
            "results in {}/ (runs.csv, runs.parquet, bands.csv, bands.parquet, manifest.json)",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
