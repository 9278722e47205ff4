//! `esplab sensitivity`: Sobol' indices or Morris effects of a plan's factors on its metrics.

use crate::options::SensitivityArgs;
use crate::shared::{ensure_memory, load_plan, output_folder, progress, stem, stop_flag, warn};
use anyhow::{Context, Result};
use esplab_experiment::sensitivity::{indices as sensitivity_indices, Method};
use esplab_experiment::{jobs, Executor};
use esplab_output::sensitivity_files::write_sensitivity;
use esplab_output::table::Column;
use esplab_scenario::plan::design_csv;
use serde_json::json;
use std::process::ExitCode;

/// `esplab sensitivity`.
pub fn sensitivity(args: SensitivityArgs) -> Result<ExitCode> {
    let plan = load_plan(&args.plan)?;
    let method = Method::from_name(&args.method).unwrap_or(Method::Sobol);
    let design = plan.sensitivity_design(method)?;
    warn(&design.warnings);
    let (d, n) = (plan.factors.len(), plan.points);
    let values = &design.values;
    let runs = plan.runs(values);
    let executor = Executor::new(args.plan.threads);
    ensure_memory(
        &format!("plan {}", plan.source),
        runs.largest().iter(),
        &executor,
        values.len() as u64,
    )?;
    let dir = output_folder(
        args.out.as_deref(),
        &format!("{}-sensitivity", stem(&plan.source)),
        args.force,
    )?;
    let rows: Vec<u64> = (0..values.len() as u64).collect();
    let bar = progress(values.len() as u64, "design rows", args.plan.quiet);
    let outputs = jobs::collect(
        &executor,
        &rows,
        stop_flag(),
        |row| runs.replicate_means(row as usize),
        || bar.inc(1),
    )?;
    bar.finish_and_clear();
    let keys: Vec<String> = plan.factors.iter().map(|f| f.key.clone()).collect();
    let stat_names = method.statistics();
    let indices = sensitivity_indices(method, &design.unit, &outputs, (d, n), args.resamples, plan.seed);
    let document = json!({"method": args.method, "base_samples_or_trajectories": n, "rows": values.len(), "replicates": plan.replicates, "confidence": 0.95, "resamples": args.resamples});
    let settings = json!({"plan": plan.source, "plan_sha256": plan.hash(), "plan_text": plan.text, "method": args.method, "master_seed": plan.seed, "resamples": args.resamples});
    let table = write_sensitivity(
        &dir,
        method,
        &plan.metrics,
        &keys,
        &indices,
        document,
        &design_csv(&plan.factors, values),
        &plan.scenario,
        settings,
    )
    .with_context(|| format!("cannot write the results into {}", dir.display()))?;
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
