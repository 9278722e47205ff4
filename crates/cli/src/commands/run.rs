//! `esplab run`: one simulation written into a run folder, with progress on stderr.

use crate::options::RunArgs;
use crate::shared::{destination, source, stop, warn, Bar};
use anyhow::Result;
use esplab_commands::run::{files, Request, Summary};
use esplab_commands::threads::executor;
use esplab_scenario::{Scenario, Spelling};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// `esplab run`.
pub fn run(args: RunArgs) -> Result<ExitCode> {
    let request = Request {
        source: source(&args.scenario)?,
        destination: destination(args.out.as_deref(), args.force, false),
    };
    let prepared = request.prepare(Spelling::Cli)?;
    warn(&prepared.scenario.warnings)?;
    let scenario = prepared.scenario.clone();
    let executor = executor(args.threads)?;
    let started = Instant::now();
    let outcome = prepared.run(&executor, &Bar::new(args.quiet), stop())?;
    let elapsed = started.elapsed();
    if let (false, Some(summary), Some(dir)) = (args.quiet, &outcome.summary, &outcome.dir) {
        print_summary(&scenario, summary, elapsed.as_secs_f64(), dir);
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
        "results in {}/ ({}, {})",
        dir.display(),
        files::ALL.join(", "),
        files::MANIFEST
    );
}
