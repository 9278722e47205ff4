//! `esplab sweep`, `merge` and `sensitivity`: designs of parameter points run as pure functions
//! of (plan, row), journaled for resumption, sliceable into shards.

use crate::commands::{ensure_memory, new_folder, overrides, warn};
use crate::experiments::{progress, stop_flag};
use crate::options::{MergeArgs, PlanArgs, SensitivityArgs, SweepArgs};
use anyhow::{bail, Context, Result};
use esplab_experiment::sensitivity::{indices as sensitivity_indices, Method};
use esplab_experiment::{metric_names, simulate, Executor};
use esplab_model::footprint::peak_bytes;
use esplab_output::sensitivity_files::{sensitivity_results, sensitivity_table};
use esplab_output::sweep_folder::{merge as merge_shards, Opened, SweepJournal, INDEX_COLUMNS};
use esplab_output::table::Column;
use esplab_output::{atomic, manifest};
use esplab_scenario::plan::{design_csv, DesignSource, Plan, MAX_ROWS};
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;

/// Exit status after Ctrl-C.
const INTERRUPTED: u8 = 130;

fn load_plan(args: &PlanArgs) -> Result<Plan> {
    let mut plan = Plan::load(&args.plan, &overrides(&args.options)?)?;
    if let Some(seed) = args.options.seed {
        plan.seed = seed;
    }
    warn(&plan.scenario.warnings);
    Ok(plan)
}

/// Refuses a plan whose largest design point would not fit in memory, `threads` runs at once.
fn ensure_plan_memory(plan: &Plan, points: &[Vec<f64>], threads: usize, runs: u64) -> Result<()> {
    let largest = points.iter().map(|x| plan.parameters_for(x)).max_by_key(peak_bytes);
    ensure_memory(&format!("plan {}", plan.source), largest.iter(), threads, runs)
}

fn stem(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "plan".into())
}

/// Parses `I/N`.
fn parse_shard(text: &str) -> Result<(u64, u64)> {
    let parsed = text
        .split_once('/')
        .and_then(|(i, n)| Some((i.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)));
    match parsed {
        Some((i, n)) if n >= 1 && i < n => Ok((i, n)),
        _ => bail!("--shard {text}: expected I/N with 0 <= I < N, e.g. 0/4"),
    }
}

/// The metric values a plan keeps, from all metrics of a run.
fn kept(plan: &Plan, all: &[f64]) -> Vec<f64> {
    let names = metric_names();
    plan.metrics
        .iter()
        .map(|m| all[names.iter().position(|n| n == m).expect("validated metric")])
        .collect()
}

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
    let replicates = plan.replicates as u64;
    let total = points.len() as u64 * replicates;
    let (shard, rows) = match &args.shard {
        None => (None, 0..total),
        Some(text) => {
            let (i, n) = parse_shard(text)?;
            (Some((i, n)), i * total / n..(i + 1) * total / n)
        }
    };
    let executor = Executor::new(args.plan.threads);
    ensure_plan_memory(&plan, &points, executor.threads(), rows.end - rows.start)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| new_folder(&format!("{}-sweep", stem(&plan.source))));
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
        let (point, replicate) = ((row / replicates) as usize, row % replicates);
        let outcome = simulate(&plan.parameters_for(&points[point]), plan.seed, replicate, false);
        let mut cells = vec![
            row.to_string(),
            point.to_string(),
            replicate.to_string(),
            outcome.seed.to_string(),
        ];
        cells.extend(points[point].iter().map(|v| v.to_string()));
        cells.extend(kept(&plan, &outcome.metrics).iter().map(|v| v.to_string()));
        cells.join(",")
    };
    for batch in remaining.chunks(4 * executor.threads()) {
        let mut lines = Vec::with_capacity(batch.len());
        let stopped = executor.run(batch, stop_flag(), job, |_, line| {
            lines.push(line);
            Ok::<(), anyhow::Error>(())
        })?;
        journal
            .append(&lines)
            .with_context(|| format!("cannot write into {}", dir.display()))?;
        bar.inc(lines.len() as u64);
        if stopped.is_some() {
            bar.finish_and_clear();
            let done = journal.next_row() - rows.start;
            eprintln!(
                "interrupted after {done} of {} rows; every finished row is kept in {}. Run the same command with --resume to finish.",
                rows.end - rows.start,
                dir.display()
            );
            return Ok(ExitCode::from(INTERRUPTED));
        }
    }
    bar.finish_and_clear();
    let design = match &plan.design {
        DesignSource::Sampler(s) => json!(esplab_experiment::design::Sampler::NAMES[*s as usize]),
        DesignSource::Imported { path, .. } => json!({"imported": path}),
    };
    let mut settings = json!({
        "plan": plan.source,
        "plan_sha256": plan_hash,
        "plan_text": plan.text,
        "design": design,
        "points": points.len(),
        "replicates": replicates,
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
            replicates,
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

pub fn merge(args: MergeArgs) -> Result<ExitCode> {
    let rows = merge_shards(&args.out, &args.shards).context("cannot merge")?;
    println!(
        "merged {} shards ({rows} rows) into {}/",
        args.shards.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn sensitivity(args: SensitivityArgs) -> Result<ExitCode> {
    let plan = load_plan(&args.plan)?;
    if matches!(plan.design, DesignSource::Imported { .. }) {
        bail!(
            "{}: sensitivity builds its own design; remove `design` from the plan",
            plan.source
        );
    }
    let d = plan.factors.len();
    let n = plan.points;
    let method = Method::from_name(&args.method).unwrap_or(Method::Sobol);
    if method == Method::Sobol && !n.is_power_of_two() {
        eprintln!("warning: points = {n} is not a power of two; Sobol' estimates converge best with 2^k base samples");
    }
    let simulations = method.rows(d, n).saturating_mul(plan.replicates as u64);
    if simulations > MAX_ROWS {
        bail!(
            "{}: points = {n} gives {} design rows x {} replicates = {simulations} simulations; at most {MAX_ROWS} per plan: lower `points`",
            plan.source,
            method.rows(d, n),
            plan.replicates
        );
    }
    let unit = method.design(d, n, plan.morris_levels, plan.seed);
    let values: Vec<Vec<f64>> = unit
        .iter()
        .map(|u| plan.factors.iter().zip(u).map(|(f, &x)| f.value(x)).collect())
        .collect();
    let executor = Executor::new(args.plan.threads);
    ensure_plan_memory(&plan, &values, executor.threads(), values.len() as u64)?;
    let rows: Vec<u64> = (0..values.len() as u64).collect();
    let bar = progress(values.len() as u64, "design rows", args.plan.quiet);
    let mut outputs: Vec<Vec<f64>> = Vec::with_capacity(values.len());
    let stopped = executor.run(
        &rows,
        stop_flag(),
        |row| {
            let p = plan.parameters_for(&values[row as usize]);
            let mut sums = vec![0.0; plan.metrics.len()];
            for r in 0..plan.replicates as u64 {
                for (s, v) in sums
                    .iter_mut()
                    .zip(kept(&plan, &simulate(&p, plan.seed, r, false).metrics))
                {
                    *s += v;
                }
            }
            sums.iter().map(|s| s / plan.replicates as f64).collect::<Vec<f64>>()
        },
        |_, y| {
            bar.inc(1);
            outputs.push(y);
            Ok::<(), anyhow::Error>(())
        },
    )?;
    bar.finish_and_clear();
    if stopped.is_some() {
        eprintln!("interrupted: no result was written");
        return Ok(ExitCode::from(INTERRUPTED));
    }
    let keys: Vec<String> = plan.factors.iter().map(|f| f.key.clone()).collect();
    let stat_names = method.statistics();
    let indices = sensitivity_indices(method, &unit, &outputs, (d, n), args.resamples, plan.seed);
    let results = sensitivity_results(method, &plan.metrics, &keys, &indices);
    let table = sensitivity_table(method, &plan.metrics, &keys, &indices);
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| new_folder(&format!("{}-sensitivity", stem(&plan.source))));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot write into {}", dir.display()))?;
    let _ = std::fs::remove_file(dir.join("manifest.json"));
    let document = json!({"method": args.method, "base_samples_or_trajectories": n, "rows": values.len(), "replicates": plan.replicates, "confidence": 0.95, "resamples": args.resamples, "results": results});
    let write = || -> esplab_output::Result<()> {
        atomic::write(&dir.join("sensitivity.json"), manifest::pretty(&document).as_bytes())?;
        table.write_csv(&dir.join("sensitivity.csv"))?;
        atomic::write(&dir.join("design.csv"), design_csv(&plan.factors, &values).as_bytes())?;
        let settings = json!({"plan": plan.source, "plan_sha256": plan.hash(), "plan_text": plan.text, "method": args.method, "master_seed": plan.seed, "resamples": args.resamples});
        let m = manifest::build(
            "sensitivity",
            &[("scenario", &plan.scenario)],
            settings,
            &dir,
            &["sensitivity.json", "sensitivity.csv", "design.csv"],
        )?;
        atomic::write(&dir.join("manifest.json"), manifest::pretty(&m).as_bytes())
    };
    write().with_context(|| format!("cannot write the results into {}", dir.display()))?;
    if !args.plan.quiet {
        println!(
            "esplab sensitivity ({}): {} factors, {} design rows x {} replicates of {}",
            args.method,
            d,
            values.len(),
            plan.replicates,
            plan.scenario.name
        );
        for (m, metric) in plan.metrics.iter().enumerate() {
            println!("\n  {metric}");
            println!(
                "  {:<34} {:>10} {:>10} {:>10} {:>10}",
                "factor", stat_names[0], stat_names[1], stat_names[2], stat_names[3]
            );
            for (j, key) in keys.iter().enumerate() {
                let row = m * d + j;
                let cell = |k: usize| match &table.columns[k + 2] {
                    Column::Number(v) => format!("{:>10.4}", v[row]),
                    _ => String::new(),
                };
                println!("  {:<34} {} {} {} {}", key, cell(0), cell(1), cell(2), cell(3));
            }
        }
        println!(
            "\nresults in {}/ (sensitivity.json, sensitivity.csv, design.csv, manifest.json)",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
