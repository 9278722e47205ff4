//! The commands of `esplab`: thin adapters over the scenario, model and output crates.

use crate::options::{CheckArgs, Cli, Command, RunArgs, ScenarioArgs, ScenarioOptions, ScenariosArgs};
use anyhow::{bail, Context, Result};
use esplab_model::{Simulation, Summary};
use esplab_output::RunFolder;
use esplab_scenario::{presets, reference, Override, Scenario};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Runs the command the user asked for.
pub fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Check(args) => check(args),
        Command::Scenarios(args) => scenarios(args),
        Command::Ensemble(args) => crate::experiments::ensemble(args),
        Command::Compare(args) => crate::experiments::compare_arms(args),
        Command::Leverage(args) => crate::experiments::leverage(args),
        Command::Sweep(args) => crate::sweeps::sweep(args),
        Command::Merge(args) => crate::sweeps::merge(args),
        Command::Sensitivity(args) => crate::sweeps::sensitivity(args),
        Command::Analyze(args) => crate::analyze::analyze(args),
        Command::Validate(args) => crate::validate::validate(args),
        Command::Calibrate(args) => crate::calibrate::calibrate_command(args),
        Command::Report(args) => crate::report::report(args),
        Command::Serve(args) => crate::serve::serve(args),
        Command::Verify(args) => crate::verify::verify(args),
        Command::Schema => {
            println!("{}", serde_json::to_string_pretty(&reference::json_schema())?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The overrides of the options: `--set` in order, then `--seed`, `--users` and `--years`.
pub fn overrides(options: &ScenarioOptions) -> Result<Vec<Override>> {
    let mut overrides = options
        .set
        .iter()
        .map(|s| Override::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(seed) = options.seed {
        overrides.push(Override::option("--seed", "run.seed", seed));
    }
    if let Some(users) = options.users {
        overrides.push(Override::option("--users", "run.users", users));
    }
    if let Some(years) = options.years {
        overrides.push(Override::option("--years", "run.years", years));
    }
    Ok(overrides)
}

/// Reads the scenario of `args` with its options.
pub fn load(args: &ScenarioArgs) -> Result<Scenario> {
    load_with(&args.scenario, args, &[])
}

/// Reads scenario `name` with the options of `args` and then `extra` overrides.
pub fn load_with(name: &str, args: &ScenarioArgs, extra: &[Override]) -> Result<Scenario> {
    let mut all = overrides(&args.options)?;
    all.extend_from_slice(extra);
    let scenario = Scenario::load(name, &all)?;
    warn(&scenario.warnings);
    Ok(scenario)
}

/// Refuses, before anything is allocated, work whose simulations would not fit in memory:
/// `runs` runs of the largest of `parameters`, `threads` of them at once.
pub fn ensure_memory<'a>(
    what: &str,
    parameters: impl IntoIterator<Item = &'a esplab_model::Parameters>,
    threads: usize,
    runs: u64,
) -> Result<()> {
    let at_once = (threads as u64).min(runs).max(1) as usize;
    esplab_experiment::memory::check(what, parameters, at_once).map_err(anyhow::Error::msg)
}

/// Prints scenario warnings on stderr.
pub fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

/// `runs/STEM-N` for the first N not taken.
pub fn new_folder(stem: &str) -> PathBuf {
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = if stem.is_empty() { "run".to_string() } else { stem };
    (1..)
        .map(|n| Path::new("runs").join(format!("{stem}-{n}")))
        .find(|p| !p.exists())
        .expect("some folder name is free")
}

fn run(args: RunArgs) -> Result<ExitCode> {
    let scenario = load(&args.scenario)?;
    let dir = args.out.clone().unwrap_or_else(|| new_folder(&scenario.name));
    let p = &scenario.parameters;
    ensure_memory(&format!("scenario `{}`", scenario.name), [p], 1, 1)?;
    let names = p.offerings.iter().map(|o| o.name.clone()).collect();
    let mut folder = RunFolder::create(&dir, names).with_context(|| format!("cannot write into {}", dir.display()))?;
    let started = Instant::now();
    let mut simulation = Simulation::new(p);
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
    while simulation.step(&mut folder) {
        if simulation.day() % 30 == 0 {
            progress.set_position(simulation.day() as u64);
        }
    }
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
        ("security floor: final", format!("{:.4}", s.final_floor)),
        ("total loss", format!("{:.4e}", s.total_loss)),
        ("adoption: peak", format!("{:.4}", s.peak_adoption)),
        ("adoption: final", format!("{:.4}", s.final_adoption)),
    ];
    for (name, value) in rows {
        println!("  {name:<32} {value}");
    }
    println!(
        "results in {}/ (timeseries.csv, timeseries.parquet, offerings.csv, events.csv, summary.json, manifest.json)",
        dir.display()
    );
}

fn check(args: CheckArgs) -> Result<ExitCode> {
    let scenario = load(&args.scenario)?;
    if args.resolved {
        print!("{}", scenario.resolved_toml());
        return Ok(ExitCode::SUCCESS);
    }
    let p = &scenario.parameters;
    println!(
        "{}: ok: scenario \"{}\", {} users, {} days, {} offerings, {} interventions, sha256 {}",
        scenario.source,
        scenario.name,
        p.run.users,
        p.run.days(),
        p.offerings.len(),
        p.interventions.len(),
        &scenario.hash()[..16]
    );
    Ok(ExitCode::SUCCESS)
}

fn scenarios(args: ScenariosArgs) -> Result<ExitCode> {
    if args.parameters {
        print!("{}", reference::parameters_markdown());
    } else if let Some(name) = args.show {
        match presets::text(&name) {
            Some(text) => print!("{text}"),
            None => bail!("no preset named `{name}`; presets: {}", presets::names().join(", ")),
        }
    } else {
        let list = presets::list();
        let width = list.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, description) in list {
            println!("{name:<width$}  {description}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
