//! `esplab compare`: two arms on common random numbers, metric by metric.

use crate::options::CompareArgs;
use crate::shared::{
    ensure_memory, format_interval, journaled_pairs, load, load_with, number, progress, resumable_folder, signed, usage,
};
use anyhow::{Context, Result};
use esplab_experiment::compare::{compare as compare_metrics, paired_names, MetricComparison, CONFIDENCE};
use esplab_experiment::Executor;
use esplab_output::comparison_files::write_comparison;
use esplab_output::journal::Kind;
use esplab_scenario::{Override, Scenario};
use serde_json::json;
use std::ops::ControlFlow;
use std::process::ExitCode;

/// `esplab compare`.
pub fn compare(args: CompareArgs) -> Result<ExitCode> {
    let base = load(&args.scenario)?;
    let vary = args
        .vary
        .iter()
        .map(|s| Override::parse_as("--vary", s))
        .collect::<Result<Vec<_>, _>>()?;
    let variant: Scenario = match &args.variant {
        Some(name) => load_with(name, &args.scenario, &vary)?,
        None if vary.is_empty() => return usage("give a VARIANT scenario or at least one --vary KEY=VALUE"),
        None => load_with(&args.scenario.scenario, &args.scenario, &vary)?,
    };
    let e = &args.experiment;
    if variant.parameters.run.days() != base.parameters.run.days() {
        eprintln!("warning: the arms have different horizons; metrics are compared as they are");
    }
    let master = base.parameters.run.seed;
    let arms = [&base.parameters, &variant.parameters];
    let executor = Executor::new(e.threads);
    ensure_memory("paired runs", arms, &executor, e.runs)?;
    let dir = resumable_folder(e.out.as_deref(), &format!("{}-compare", base.name), e.force, e.resume)?;
    let bar = progress(e.runs, "paired runs", e.quiet);
    let (results, journal) = match journaled_pairs(
        &executor,
        &arms,
        master,
        e.runs,
        Kind::Comparison,
        &dir,
        e.resume,
        &bar,
        e.quiet,
    )? {
        ControlFlow::Continue(done) => done,
        ControlFlow::Break(code) => return Ok(code),
    };
    let rows = compare_metrics(&paired_names(&arms), &results[0], &results[1]);
    let settings = json!({"master_seed": master, "runs": e.runs, "confidence": CONFIDENCE});
    write_comparison(&dir, &rows, &base, &variant, settings, Some(journal))
        .with_context(|| format!("cannot write the results into {}", dir.display()))?;
    if !e.quiet {
        print_comparison(&base, &variant, e.runs, &rows);
        println!(
            "results in {}/ (compare.json, compare.csv, manifest.json)",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_comparison(base: &Scenario, variant: &Scenario, runs: u64, rows: &[MetricComparison]) {
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
            format_interval(&r.paired),
            format!("[{}, {}]", signed(r.unpaired.low), signed(r.unpaired.high))
        );
    }
}
