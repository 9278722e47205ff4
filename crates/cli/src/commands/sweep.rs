//! `esplab sweep`: the rows of a plan's design (points × replicates), each a pure function of
//! (plan, row), journaled for resumption and sliceable into shards.

use crate::options::SweepArgs;
use crate::shared::{
    ensure_memory, load_plan, progress, resumable_folder, run_batches, stem, stopped_resumably, usage,
};
use anyhow::{Context, Result};
use esplab_experiment::jobs::{parse_shard, shard_rows, SweepRow};
use esplab_experiment::Executor;
use esplab_output::atomic;
use esplab_output::sweep_folder::{Opened, SweepJournal, INDEX_COLUMNS};
use esplab_scenario::plan::{design_csv, DesignSource};
use serde_json::json;
use std::process::ExitCode;

/// A sweep row as a line of the journal (and of sweep.csv).
fn line(row: &SweepRow, point: &[f64]) -> String {
    let mut cells = vec![
        row.row.to_string(),
        row.point.to_string(),
        row.replicate.to_string(),
        row.seed.to_string(),
    ];
    cells.extend(point.iter().map(|v| v.to_string()));
    cells.extend(row.metrics.iter().map(|v| v.to_string()));
    cells.join(",")
}

/// `esplab sweep`.
pub fn sweep(args: SweepArgs) -> Result<ExitCode> {
    let plan = load_plan(&args.plan)?;
    let points = plan.design_points();
    if let Some(file) = &args.export_design {
        atomic::write(file, design_csv(&plan.factors, &points).as_bytes())
            .with_context(|| format!("cannot write {}", file.display()))?;
        if !args.plan.quiet {
            println!("design of {} points written to {}", points.len(), file.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let design = plan.runs(&points);
    let total = design.sweep_rows();
    let shard = match &args.shard {
        None => None,
        Some(text) => match parse_shard(text) {
            Ok(shard) => Some(shard),
            Err(e) => return usage(format!("--shard {e}")),
        },
    };
    let rows = shard_rows(total, shard)?;
    let executor = Executor::new(args.plan.threads);
    ensure_memory(
        &format!("plan {}", plan.source),
        design.largest().iter(),
        &executor,
        rows.end - rows.start,
    )?;
    let dir = resumable_folder(
        args.out.as_deref(),
        &format!("{}-sweep", stem(&plan.source)),
        args.force,
        args.resume,
    )?;
    let plan_hash = plan.hash();
    let mut journal = match SweepJournal::open(&dir, &plan_hash, rows.clone(), args.resume)
        .with_context(|| format!("cannot use {}", dir.display()))?
    {
        Opened::Complete => {
            if !args.plan.quiet {
                println!("{} already holds the complete sweep", dir.display());
            }
            return Ok(ExitCode::SUCCESS);
        }
        Opened::Journal(j) => j,
    };
    let mut header: Vec<String> = INDEX_COLUMNS.iter().map(|s| s.to_string()).collect();
    header.extend(plan.factors.iter().map(|f| f.key.clone()));
    header.extend(plan.metrics.iter().cloned());
    let remaining: Vec<u64> = (journal.next_row()..rows.end).collect();
    let bar = progress(rows.end - rows.start, "rows", args.plan.quiet);
    bar.set_position(journal.next_row() - rows.start);
    let job = |row: u64| {
        let r = design.sweep_row(row);
        line(&r, &points[r.point])
    };
    let finished = run_batches(&executor, &remaining, job, |lines| {
        journal
            .append(&lines)
            .with_context(|| format!("cannot write into {}", dir.display()))?;
        bar.inc(lines.len() as u64);
        Ok(())
    })?;
    if !finished {
        bar.finish_and_clear();
        let done = journal.next_row() - rows.start;
        return Ok(stopped_resumably(done, rows.end - rows.start, "rows", &dir));
    }
    bar.finish_and_clear();
    let design_name = match &plan.design {
        DesignSource::Sampler(s) => json!(esplab_experiment::design::Sampler::NAMES[*s as usize]),
        DesignSource::Imported { path, .. } => json!({"imported": path}),
    };
    let mut settings = json!({
        "plan": plan.source,
        "plan_sha256": plan_hash,
        "plan_text": plan.text,
        "design": design_name,
        "points": points.len(),
        "replicates": plan.replicates,
        "master_seed": plan.seed,
        "rows": total,
        "factors": plan.factors.iter().map(|f| f.key.clone()).collect::<Vec<_>>(),
        "metrics": plan.metrics,
    });
    if let Some((i, n)) = shard {
        settings["shard"] = json!({"index": i, "count": n, "rows": [rows.start, rows.end]});
    }
    journal
        .finish(&header, &plan.scenario, settings)
        .with_context(|| format!("cannot write the results into {}", dir.display()))?;
    if !args.plan.quiet {
        let slice = shard
            .map(|(i, n)| format!(" (shard {i}/{n}: rows {}..{})", rows.start, rows.end))
            .unwrap_or_default();
        println!(
            "esplab sweep: {} points x {} replicates of {} = {} rows{slice}",
            points.len(),
            plan.replicates,
            plan.scenario.name,
            total
        );
        println!(
            "results in {}/ (sweep.csv, sweep.parquet, manifest.json)",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
