//! `esplab ensemble`, `compare` and `leverage`: thin adapters over the experiment and output
//! crates, with progress on stderr and a clean stop on Ctrl-C.

use crate::commands::{ensure_memory, load, load_with, new_folder};
use crate::options::{CompareArgs, EnsembleArgs, ExperimentArgs, LeverageArgs};
use anyhow::{bail, Context, Result};
use esplab_experiment::compare::{compare, MetricComparison, CONFIDENCE};
use esplab_experiment::leverage::{rank, standard_levers, verdict, LeverEffect, NEGLIGIBLE_EFFECT};
use esplab_experiment::statistics::{mean_interval, Interval};
use esplab_experiment::{metric_names, simulate, Executor, RunOutcome};
use esplab_output::comparison_files::{write_comparison, write_leverage};
use esplab_output::table::{Column, Table};
use esplab_output::EnsembleFolder;
use esplab_scenario::{Override, Scenario};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// Raised by Ctrl-C; long commands check it between batches.
pub fn stop_flag() -> &'static AtomicBool {
    static STOP: OnceLock<AtomicBool> = OnceLock::new();
    STOP.get_or_init(|| {
        let _ = ctrlc::set_handler(|| {
            if let Some(flag) = STOP.get() {
                flag.store(true, Ordering::SeqCst);
            }
        });
        AtomicBool::new(false)
    })
}

/// A progress bar on stderr with throughput and ETA, hidden when stderr is not a terminal.
pub fn progress(total: u64, what: &str, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let template = format!("{{spinner}} {what} {{pos}}/{{len}} [{{bar:30}}] {{per_sec}} {{elapsed}} (eta {{eta}})");
    bar.set_style(
        ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

fn interrupted() -> anyhow::Error {
    anyhow::anyhow!("interrupted: no complete result was written")
}

/// A number for a table: fixed point, or scientific when very large or very small.
fn number(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e5 || v.abs() < 1e-3) {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

/// A signed number for a table.
fn signed(v: f64) -> String {
    if v >= 0.0 {
        format!("+{}", number(v))
    } else {
        number(v)
    }
}

fn format_interval(i: &Interval) -> String {
    format!("{} [{}, {}]", signed(i.estimate), signed(i.low), signed(i.high))
}

pub fn ensemble(args: EnsembleArgs) -> Result<ExitCode> {
    let scenario = load(&args.scenario)?;
    let e = &args.experiment;
    let dir = e
        .out
        .clone()
        .unwrap_or_else(|| new_folder(&format!("{}-ensemble", scenario.name)));
    let p = &scenario.parameters;
    let master = p.run.seed;
    let names = metric_names();
    let executor = Executor::new(e.threads);
    ensure_memory(
        &format!("scenario `{}`", scenario.name),
        [p],
        executor.threads(),
        e.runs,
    )?;
    let mut folder = EnsembleFolder::create(&dir, &names, p.run.days() as usize)
        .with_context(|| format!("cannot write into {}", dir.display()))?;
    let indices: Vec<u64> = (0..e.runs).collect();
    let bar = progress(e.runs, "runs", e.quiet);
    let stop = stop_flag();
    let outcome = executor.run(
        &indices,
        stop,
        |i| simulate(p, master, i, true),
        |_, run: RunOutcome| {
            bar.inc(1);
            folder.push(&run)
        },
    );
    bar.finish_and_clear();
    match outcome {
        Ok(None) => {}
        Ok(Some(_)) => {
            folder.abandon();
            return Err(interrupted());
        }
        Err(err) => {
            folder.abandon();
            return Err(err).with_context(|| format!("cannot write into {}", dir.display()));
        }
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
        for metric in [
            "long_run_baseline",
            "mean_baseline",
            "final_baseline",
            "baseline_jumps",
            "vendor_raises",
            "regulations",
            "final_adoption",
            "total_loss",
        ] {
            let m = names.iter().position(|n| *n == metric).expect("known metric");
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

/// Runs `arms` scenarios for the same run indices (common random numbers); returns the metrics
/// of each arm, runs in index order.
fn paired_runs(
    arms: &[&esplab_model::Parameters],
    master: u64,
    e: &ExperimentArgs,
    what: &str,
) -> Result<Vec<Vec<Vec<f64>>>> {
    let executor = Executor::new(e.threads);
    ensure_memory(what, arms.iter().copied(), executor.threads(), e.runs)?;
    let indices: Vec<u64> = (0..e.runs).collect();
    let bar = progress(e.runs, what, e.quiet);
    let mut results: Vec<Vec<Vec<f64>>> = vec![Vec::with_capacity(e.runs as usize); arms.len()];
    let outcome = executor.run(
        &indices,
        stop_flag(),
        |i| {
            arms.iter()
                .map(|p| simulate(p, master, i, false).metrics)
                .collect::<Vec<_>>()
        },
        |_, metrics: Vec<Vec<f64>>| {
            bar.inc(1);
            for (arm, m) in metrics.into_iter().enumerate() {
                results[arm].push(m);
            }
            Ok::<(), anyhow::Error>(())
        },
    )?;
    bar.finish_and_clear();
    if outcome.is_some() {
        return Err(interrupted());
    }
    Ok(results)
}

pub fn compare_arms(args: CompareArgs) -> Result<ExitCode> {
    let base = load(&args.scenario)?;
    let vary = args
        .vary
        .iter()
        .map(|s| Override::parse_as("--vary", s))
        .collect::<Result<Vec<_>, _>>()?;
    let variant: Scenario = match &args.variant {
        Some(name) => load_with(name, &args.scenario, &vary)?,
        None if vary.is_empty() => bail!("give a VARIANT scenario or at least one --vary KEY=VALUE"),
        None => load_with(&args.scenario.scenario, &args.scenario, &vary)?,
    };
    let e = &args.experiment;
    if variant.parameters.run.days() != base.parameters.run.days() {
        eprintln!("warning: the arms have different horizons; metrics are compared as they are");
    }
    let master = base.parameters.run.seed;
    let results = paired_runs(&[&base.parameters, &variant.parameters], master, e, "paired runs")?;
    let names = metric_names();
    let rows = compare(&names, &results[0], &results[1]);
    let dir = e
        .out
        .clone()
        .unwrap_or_else(|| new_folder(&format!("{}-compare", base.name)));
    let settings = json!({"master_seed": master, "runs": e.runs, "confidence": CONFIDENCE});
    write_comparison(&dir, &rows, &base, &variant, settings)
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

pub fn leverage(args: LeverageArgs) -> Result<ExitCode> {
    let scenario = load(&args.scenario)?;
    let e = &args.experiment;
    let p = &scenario.parameters;
    let days = p.run.days();
    let start = args.start_day.unwrap_or(days / 5);
    if start >= days {
        bail!("--start-day {start}: must be before the end of the horizon ({days} days)");
    }
    let heroic_name = args.heroic.clone().unwrap_or_else(|| p.offerings[0].name.clone());
    let Some(heroic) = p.offerings.iter().position(|o| o.name == heroic_name) else {
        let names: Vec<&str> = p.offerings.iter().map(|o| o.name.as_str()).collect();
        bail!(
            "--heroic {heroic_name}: not an offering of {}; offerings: {}",
            scenario.name,
            names.join(", ")
        );
    };
    let levers = standard_levers(start, &heroic_name);
    let variants: Vec<esplab_model::Parameters> = levers.iter().map(|l| l.apply(p, start, heroic)).collect();
    let mut arms: Vec<&esplab_model::Parameters> = vec![p];
    arms.extend(variants.iter());
    let master = p.run.seed;
    let results = paired_runs(&arms, master, e, "paired runs (7 arms each)")?;
    let names = metric_names();
    let column = |metric: &str| names.iter().position(|n| *n == metric).expect("known metric");
    let long_run = column("long_run_baseline");
    let values = |arm: usize, m: usize| results[arm].iter().map(|r| r[m]).collect::<Vec<f64>>();
    let base_long_run = mean_interval(&values(0, long_run), CONFIDENCE);
    let rows = rank(&results);
    let json_rows: Vec<serde_json::Value> = rows
        .iter()
        .enumerate()
        .map(|(rank, r)| {
            let l = &levers[r.lever];
            json!({
                "rank": rank + 1,
                "lever": l.name(),
                "meaning": l.meaning,
                "size": l.size,
                "unit": l.unit,
                "effect_on_long_run_baseline": {"estimate": r.effect.estimate, "low": r.effect.low, "high": r.effect.high, "standard_error": r.effect.standard_error},
                "effect_per_unit": r.effect.estimate / l.size,
                "effect_on_final_adoption": {"estimate": r.adoption.estimate, "low": r.adoption.low, "high": r.adoption.high},
                "effect_on_total_loss": {"estimate": r.loss.estimate, "low": r.loss.low, "high": r.loss.high},
                "verdict": verdict(&r.effect),
            })
        })
        .collect();
    let document = json!({
        "metric": "long_run_baseline",
        "metric_meaning": "mean baseline over the last 365 days of the horizon",
        "confidence": CONFIDENCE,
        "negligible_effect": NEGLIGIBLE_EFFECT,
        "runs_per_lever": e.runs,
        "start_day": start,
        "base_long_run_baseline": {"estimate": base_long_run.estimate, "low": base_long_run.low, "high": base_long_run.high},
        "levers": json_rows,
    });
    let text = |f: &dyn Fn(&LeverEffect) -> String| Column::Text(rows.iter().map(f).collect());
    let number = |f: &dyn Fn(&LeverEffect) -> f64| Column::Number(rows.iter().map(f).collect());
    let table = Table {
        names: [
            "rank",
            "lever",
            "size",
            "unit",
            "effect",
            "low",
            "high",
            "effect_per_unit",
            "adoption_effect",
            "loss_effect",
            "verdict",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        columns: vec![
            Column::Count((1..=rows.len() as u32).collect()),
            text(&|r| levers[r.lever].name().to_string()),
            number(&|r| levers[r.lever].size),
            text(&|r| levers[r.lever].unit.to_string()),
            number(&|r| r.effect.estimate),
            number(&|r| r.effect.low),
            number(&|r| r.effect.high),
            number(&|r| r.effect.estimate / levers[r.lever].size),
            number(&|r| r.adoption.estimate),
            number(&|r| r.loss.estimate),
            text(&|r| verdict(&r.effect).to_string()),
        ],
    };
    let dir = e
        .out
        .clone()
        .unwrap_or_else(|| new_folder(&format!("{}-leverage", scenario.name)));
    let settings = json!({"master_seed": master, "runs": e.runs, "start_day": start, "heroic_offering": heroic_name});
    write_leverage(&dir, &document, &table, &scenario, settings)
        .with_context(|| format!("cannot write the results into {}", dir.display()))?;
    if !e.quiet {
        println!(
            "esplab leverage: {} ({}), {} paired runs per lever, levers pulled from day {start} of {days}",
            scenario.name, scenario.source, e.runs
        );
        println!(
            "long-run baseline (mean over the last 365 days) without any lever: {:.4} [{:.4}, {:.4}]\n",
            base_long_run.estimate, base_long_run.low, base_long_run.high
        );
        println!(
            "  {:<4} {:<17} {:<24} {:<32} {:>10}  verdict",
            "rank", "lever", "size", "effect on baseline [95% CI]", "per unit"
        );
        for (rank, r) in rows.iter().enumerate() {
            let l = &levers[r.lever];
            println!(
                "  {:<4} {:<17} {:<24} {:<32} {:>10}  {}",
                rank + 1,
                l.name(),
                format!("{} {}", l.size, l.unit),
                format_interval(&r.effect),
                signed(r.effect.estimate / l.size),
                verdict(&r.effect)
            );
        }
        println!(
            "\n95% intervals of paired differences over common random numbers; effects below {NEGLIGIBLE_EFFECT} are negligible.\nlevers:"
        );
        for l in &levers {
            println!("  {:<17} {}", l.name(), l.meaning);
        }
        println!(
            "results in {}/ (leverage.json, leverage.csv, manifest.json)",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
