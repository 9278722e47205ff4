//! `esplab run`: one simulation written into a run folder, with progress on stderr.

use crate::options::RunArgs;
use crate::shared::{ensure_memory, load, output_folder};
use anyhow::{Context, Result};
use esplab_experiment::Executor;
use esplab_model::{Simulation, Summary};
use esplab_output::RunFolder;
use esplab_scenario::Scenario;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// `esplab run`.
pub fn run(args: RunArgs) -> Result<ExitCode> {
    let scenario = load(&args.scenario)?;
    let p = &scenario.parameters;
    ensure_memory(&format!("scenario `{}`", scenario.name), [p], &Executor::new(1), 1)?;
    let executor = Executor::new(args.threads);
    let dir = output_folder(args.out.as_deref(), &scenario.name, args.force)?;
    let mut folder = RunFolder::create(&dir, p).with_context(|| format!("cannot write into {}", dir.display()))?;
    let started = Instant::now();
    let mut simulation = if executor.threads() > 1 {
        executor.install(|| Simulation::new_parallel(p))
    } else {
        Simulation::new(p)
    };
    let progress = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(simulation.days() as u64), ProgressDrawTarget::stderr())
    };
    progress.set_style(
        ProgressStyle::with_template("{spinner} day {pos}/{len} [{bar:30}] {elapsed} (eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    executor.install(|| {
        while simulation.step(&mut folder) {
            if simulation.day() % 30 == 0 {
                progress.set_position(simulation.day() as u64);
            }
        }
    });
    progress.finish_and_clear();
    let elapsed = started.elapsed();
    let summary = folder
        .finish(&scenario)
        .with_context(|| format!("cannot write the results into {}", dir.display()))?;
    if !args.quiet {
        print_summary(&scenario, &summary, elapsed.as_secs_f64(), &dir);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(scenario: &Scenario, s: &Summary, seconds: f64, dir: &Path) {
    let p = &scenario.parameters;
    println!(
        "esplab run: {} ({}), seed {}, {} users, {} days, {:.2} s",
        scenario.name, scenario.source, p.run.seed, p.run.users, s.days, seconds
    );
    if p.security.control.is_empty() {
        println!("  security: a share of deployments meeting a control this scenario does not name");
    } else {
        println!(
            "  security: the share of {} (the baseline: over all users' offerings)",
            p.security.control
        );
    }
    let rows: [(&str, String); 12] = [
        ("baseline: final", format!("{:.4}", s.final_baseline)),
        ("baseline: mean", format!("{:.4}", s.mean_baseline)),
        (
            "baseline: min .. max",
            format!("{:.4} .. {:.4}", s.min_baseline, s.max_baseline),
        ),
        ("baseline jumps (days > +0.01)", s.baseline_jumps.to_string()),
        ("vendor raises", s.vendor_raises.to_string()),
        ("incidents", s.incidents.to_string()),
        ("news", s.news.to_string()),
        ("outcries / regulations", format!("{} / {}", s.outcries, s.regulations)),
        ("required share (floor): final", format!("{:.4}", s.final_floor)),
        ("total loss", format!("{:.4e}", s.total_loss)),
        ("adoption: peak", format!("{:.4}", s.peak_adoption)),
        ("adoption: final", format!("{:.4}", s.final_adoption)),
    ];
    for (name, value) in rows {
        println!("  {name:<32} {value}");
    }
    println!(
        "results in {}/ (timeseries.csv, timeseries.parquet, offerings.csv, flows.csv, events.csv, summary.json, manifest.json)",
        dir.display()
    );
}
