//! `esplab compare`: two arms on common random numbers, metric by metric.

use crate::options::CompareArgs;
use crate::shared::{destination, finished, source, stop, warn, Bar};
use anyhow::Result;
use esplab_commands::compare::Request;
use esplab_commands::format::{interval, number, signed};
use esplab_commands::threads::executor;
use esplab_commands::Named;
use esplab_scenario::{Override, Scenario, Spelling};
use std::process::ExitCode;

/// `esplab compare`.
pub fn compare(args: CompareArgs) -> Result<ExitCode> {
    let vary = args
        .vary
        .iter()
        .map(|s| Override::parse_as("--vary", s))
        .collect::<Result<Vec<_>, _>>()?;
    let e = &args.experiment;
    let request = Request {
        base: source(&args.scenario)?,
        variant: args.variant.clone().map(Named::Name),
        vary,
        runs: e.runs,
        destination: destination(e.out.as_deref(), e.force, e.resume),
    };
    let executor = executor(e.threads)?;
    let prepared = request.prepare(&executor, Spelling::Cli)?;
    warn(&prepared.base.warnings)?;
    warn(&prepared.variant.warnings)?;
    if prepared.variant.parameters.run.days() != prepared.base.parameters.run.days() {
        eprintln!("warning: the arms have different horizons; metrics are compared as they are");
    }
    let (base, variant) = (prepared.base.clone(), prepared.variant.clone());
    let Some(outcome) = finished(prepared.run(&executor, &Bar::new(e.quiet), stop())?, e.quiet) else {
        return Ok(ExitCode::SUCCESS);
    };
    if !e.quiet {
        print_comparison(&base, &variant, outcome.runs, &outcome.rows);
        if let Some(dir) = &outcome.dir {
            println!(
                "results in {}/ (compare.json, compare.csv, manifest.json)",
                dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_comparison(
    base: &Scenario,
    variant: &Scenario,
    runs: u64,
    rows: &[esplab_commands::compare::MetricComparison],
) {
    let label = |s: &Scenario| {
        if s.overrides.is_empty() {
            s.name.clone()
        } else {
            format!("{} with {}", s.name, s.overrides.join(" "))
        }
    };
    println!(
        "esplab compare: base {} vs variant {}, {runs} paired runs (common random numbers)",
        label(base),
        label(variant)
    );
    println!(
        "  {:<18} {:>10} {:>10}  {:<34} {:<24} verdict",
        "metric", "base", "variant", "paired difference [95% CI]", "unpaired 95% CI"
    );
    for r in rows.iter().filter(|r| r.metric != "days") {
        let verdict = if r.paired.contains_zero() {
            "indistinguishable from zero"
        } else {
            "differs"
        };
        println!(
            "  {:<18} {:>10} {:>10}  {:<34} {:<24} {verdict}",
            r.metric,
            number(r.base_mean),
            number(r.variant_mean),
            interval(&r.paired),
            format!("[{}, {}]", signed(r.unpaired.low), signed(r.unpaired.high))
        );
    }
}
