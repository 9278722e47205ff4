//! `esplab sensitivity`: Sobol' indices or Morris effects of a plan's factors on its metrics.

use crate::options::SensitivityArgs;
use crate::shared::{destination, plan_source, stop, warn, Bar};
use anyhow::Result;
use esplab_commands::sensitivity::Request;
use esplab_commands::threads::executor;
use esplab_output::table::Column;
use esplab_scenario::Spelling;
use std::process::ExitCode;

/// `esplab sensitivity`.
pub fn sensitivity(args: SensitivityArgs) -> Result<ExitCode> {
    let request = Request {
        plan: plan_source(&args.plan)?,
        method: args.method.clone(),
        resamples: args.resamples,
        destination: destination(args.out.as_deref(), args.force, false),
    };
    let executor = executor(args.plan.threads)?;
    let prepared = request.prepare(&executor, Spelling::Cli)?;
    warn(&prepared.plan.scenario.warnings)?;
    warn(&prepared.design.warnings)?;
    let plan = prepared.plan.clone();
    let rows = prepared.design.values.len();
    let stat_names = prepared.method.statistics();
    let outcome = prepared.run(&executor, &Bar::new(args.plan.quiet), stop())?;
    let table = &outcome.table;
    let keys: Vec<String> = plan.factors.iter().map(|f| f.key.clone()).collect();
    let d = plan.factors.len();
    let values_len = rows;
    if !args.plan.quiet {
        println!(
            "esplab sensitivity ({}): {} factors, {} design rows x {} replicates of {}",
            args.method, d, values_len, plan.replicates, plan.scenario.name
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
        if let Some(dir) = &outcome.dir {
            println!(
                "\nresults in {}/ (sensitivity.json, sensitivity.csv, design.csv, manifest.json)",
                dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
