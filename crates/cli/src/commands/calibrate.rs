//! `esplab calibrate`: ABC-SMC of named parameters against target statistics of real incident
//! history, with posterior summaries, posterior-predictive checks and held-out figures
//! (`jobs::calibration` runs it; this converts the command line and prints the tables).

use crate::options::CalibrateArgs;
use crate::shared::{ensure_memory, interrupted, load_with, output_folder, progress, stop_flag, usage};
use anyhow::{bail, Context, Result};
use esplab_experiment::calibration::Settings;
use esplab_experiment::design::{Distribution, Factor};
use esplab_experiment::jobs::calibration::{CalibrationFailure, CalibrationJob, DEFAULT_USERS};
use esplab_experiment::Executor;
use esplab_output::calibration_files::{write_calibrated, Calibrated};
use esplab_scenario::fields::set_numeric;
use esplab_scenario::priors::calibration_priors;
use esplab_scenario::targets::{Target, TargetSet};
use esplab_scenario::{Override, Scenario};
use std::process::ExitCode;

fn prior_text(f: &Factor) -> String {
    match &f.distribution {
        Distribution::Uniform { low, high } => format!("uniform [{low}, {high}]"),
        Distribution::LogUniform { low, high } => format!("log-uniform [{low}, {high}]"),
        Distribution::Values(v) => format!("values {v:?}"),
    }
}

fn number(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v != 0.0 && (v.abs() >= 1e5 || v.abs() < 1e-3) {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

/// A target's figure; a share with the size of its survey (`0.587/518`, `>=0.403/11000000`).
fn target_text(t: &Target) -> String {
    match &t.share {
        None => number(t.value),
        Some(s) => format!("{}{:.3}/{}", if s.lower_bound { ">=" } else { "" }, t.value, s.sample),
    }
}

pub fn calibrate_command(args: CalibrateArgs) -> Result<ExitCode> {
    let mut targets = TargetSet::load(&args.targets)?;
    for name in &args.only {
        if !targets.targets.iter().any(|t| &t.statistic == name) {
            let present: Vec<&str> = targets.targets.iter().map(|t| t.statistic.as_str()).collect();
            return usage(format!(
                "--only {name}: {} has no such target; it has: {}",
                targets.source,
                present.join(", ")
            ));
        }
    }
    if !args.only.is_empty() {
        targets.targets.retain(|t| args.only.contains(&t.statistic));
    }
    let holdout = args.holdout.as_deref().map(TargetSet::load).transpose()?;
    let mut extra: Vec<Override> = Vec::new();
    if args.scenario.options.users.is_none() {
        extra.push(Override::option("calibrate default users", "run.users", DEFAULT_USERS));
    }
    let scenario: Scenario = load_with(&args.scenario.scenario, &args.scenario, &extra)?;
    let (prior_texts, factors) = calibration_priors(&args.param, &targets, &scenario)?;
    let job = CalibrationJob {
        base: scenario.parameters.clone(),
        factors: factors.clone(),
        set: set_numeric,
        targets: targets.resolve(&scenario.parameters)?,
        held_out: match &holdout {
            Some(h) => h.resolve(&scenario.parameters)?,
            None => Vec::new(),
        },
        replicates: args.replicates,
        settings: Settings {
            particles: args.particles as usize,
            generations: args.generations as usize,
            quantile: args.quantile,
            min_acceptance: args.min_acceptance,
            max_simulations: args.max_simulations,
            seed: scenario.parameters.run.seed,
        },
        predictive_draws: args.predictive as usize,
    };
    let executor = Executor::new(args.threads);
    ensure_memory(
        &format!("scenario `{}`", scenario.name),
        [&job.largest()],
        &executor,
        job.settings.particles as u64,
    )?;
    let dir = output_folder(
        args.out.as_deref(),
        &format!("{}-calibration", scenario.name),
        args.force,
    )?;
    let stop = stop_flag();
    if !args.quiet {
        eprintln!(
            "esplab calibrate: {} against {} ({} targets), {} parameters, {} particles, up to {} generations, {} users",
            scenario.name,
            targets.source,
            targets.targets.len(),
            factors.len(),
            job.settings.particles,
            job.settings.generations,
            scenario.parameters.run.users
        );
    }
    let bar = progress(job.settings.max_simulations, "simulations", args.quiet);
    // The predictive runs get a bar of their own once the sampler is done.
    let mut predictive_bar = None;
    let result = job.run(
        &executor,
        stop,
        |p| {
            bar.set_position(p.simulations);
            bar.set_message(format!("generation {} accepted {}", p.generation, p.accepted));
        },
        || {
            predictive_bar
                .get_or_insert_with(|| {
                    bar.finish_and_clear();
                    progress(job.predictive_draws as u64, "predictive runs", args.quiet)
                })
                .inc(1)
        },
    );
    bar.finish_and_clear();
    if let Some(predictive_bar) = predictive_bar {
        predictive_bar.finish_and_clear();
    }
    let result = match result {
        Ok(result) => result,
        Err(CalibrationFailure::Interrupted) => return interrupted(),
        Err(CalibrationFailure::NoGeneration) => bail!(
            "no complete generation within --max-simulations {}: the prior generation needs {} particles with every \
             targeted statistic defined (lags from news need news in the run)",
            job.settings.max_simulations,
            job.settings.particles
        ),
    };
    let calibrated = Calibrated {
        scenario: &scenario,
        targets: &targets,
        holdout: holdout.as_ref(),
        factors: &factors,
        result: &result,
        job: &job,
    };
    write_calibrated(&dir, &calibrated, &prior_texts)
        .with_context(|| format!("cannot write the results into {}", dir.display()))?;
    if !args.quiet {
        print_results(&calibrated, &dir);
    }
    Ok(ExitCode::SUCCESS)
}

/// The tables of a calibration on stdout.
fn print_results(calibrated: &Calibrated<'_>, dir: &std::path::Path) {
    let Calibrated {
        scenario,
        targets,
        holdout,
        factors,
        result,
        ..
    } = *calibrated;
    println!(
        "esplab calibrate: {} ({} users, {} days) against {} — {} simulations; {}",
        scenario.name,
        scenario.parameters.run.users,
        scenario.parameters.run.days(),
        targets.source,
        result.calibration.simulations(),
        result.calibration.ending.describe()
    );
    println!(
        "  {:>10} {:>12} {:>12} {:>11} {:>8}",
        "generation", "tolerance", "simulations", "acceptance", "ESS"
    );
    for g in &result.calibration.generations {
        println!(
            "  {:>10} {:>12} {:>12} {:>10.1}% {:>8.1}",
            g.index,
            number(g.epsilon),
            g.simulations,
            100.0 * g.acceptance_rate(),
            g.effective_sample_size()
        );
    }
    println!("posterior (median, 95% credible interval; prior; how much the data narrowed the prior's 95%):");
    for ((f, m), n) in factors.iter().zip(&result.marginals).zip(&result.narrowing) {
        println!(
            "  {:<30} {:>10} [{}, {}]   prior {}   narrowed {:.0}%",
            f.key,
            number(m.median),
            number(m.low95),
            number(m.high95),
            prior_text(f),
            100.0 * n
        );
    }
    println!(
        "posterior predictive ({} runs; p05..p95 should meet the target, or a survey's 95% interval):",
        result.draws
    );
    println!(
        "  {:<36} {:>10} {:>10} {:>10} {:>10}  covered",
        "statistic", "target", "p05", "p50", "p95"
    );
    for (t, p) in targets.targets.iter().zip(&result.predictives) {
        println!(
            "  {:<36} {:>10} {:>10} {:>10} {:>10}  {}",
            t.label(),
            target_text(t),
            number(p.p05),
            number(p.p50),
            number(p.p95),
            if p.covers_target() { "yes" } else { "no" }
        );
    }
    if let Some(holdout) = holdout {
        let predictives = &result.held_out;
        println!(
            "held-out figures of {} (predicted, not fitted): {} of {} within p05..p95",
            holdout.source,
            predictives.iter().filter(|p| p.covers_target()).count(),
            predictives.len()
        );
        println!(
            "  {:<36} {:>10} {:>10} {:>10} {:>10} {:>10}  covered",
            "statistic", "observed", "p05", "p50", "p95", "p50/obs"
        );
        for (t, p) in holdout.targets.iter().zip(predictives) {
            println!(
                "  {:<36} {:>10} {:>10} {:>10} {:>10} {:>10}  {}",
                t.label(),
                target_text(t),
                number(p.p05),
                number(p.p50),
                number(p.p95),
                number(p.p50 / t.value),
                if p.covers_target() { "yes" } else { "no" }
            );
        }
    }
    println!("results written to {}", dir.display());
}
