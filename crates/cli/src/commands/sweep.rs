//! `esplab sweep`: the rows of a plan's design (points × replicates), each a pure function of
//! (plan, row), journaled for resumption and sliceable into shards.

use crate::options::SweepArgs;
use crate::shared::{destination, finished, plan_source, stop, warn, Bar};
use anyhow::Result;
use esplab_commands::shards;
use esplab_commands::sweep::{export_design, Request};
use esplab_commands::threads::executor;
use esplab_scenario::Spelling;
use std::process::ExitCode;

/// `esplab sweep`.
pub fn sweep(args: SweepArgs) -> Result<ExitCode> {
    let quiet = args.plan.quiet;
    if let Some(file) = &args.export_design {
        let points = export_design(&plan_source(&args.plan)?, file)?;
        if !quiet {
            println!("design of {points} points written to {}", file.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let shard = args.shard.as_deref().map(shards::parse).transpose()?;
    let request = Request {
        plan: plan_source(&args.plan)?,
        shard,
        destination: destination(args.out.as_deref(), args.force, args.resume),
    };
    let executor = executor(args.plan.threads)?;
    let prepared = request.prepare(&executor, Spelling::Cli)?;
    warn(&prepared.plan.scenario.warnings)?;
    let (points, replicates, name) = (
        prepared.points.len(),
        prepared.plan.replicates,
        prepared.plan.scenario.name.clone(),
    );
    let rows = prepared.rows.clone();
    let Some(outcome) = finished(prepared.run(&executor, &Bar::new(quiet), stop())?, quiet) else {
        return Ok(ExitCode::SUCCESS);
    };
    if !quiet {
        let slice = shard
            .map(|(i, n)| format!(" (shard {i}/{n}: rows {}..{})", rows.start, rows.end))
            .unwrap_or_default();
        println!(
            "esplab sweep: {points} points x {replicates} replicates of {name} = {} rows{slice}",
            outcome.total
        );
        if let Some(dir) = &outcome.dir {
            println!(
                "results in {}/ (sweep.csv, sweep.parquet, manifest.json)",
                dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
