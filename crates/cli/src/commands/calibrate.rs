//! `esplab calibrate`: ABC-SMC of named parameters against target statistics of real incident
//! history, with posterior summaries and posterior-predictive checks.

use crate::options::CalibrateArgs;
use crate::shared::{ensure_memory, interrupted, load_with, output_folder, progress, stop_flag, usage};
use anyhow::{bail, Context, Result};
use esplab_experiment::calibration::posterior::{marginal, predictive, resample, Marginal, Predictive};
use esplab_experiment::calibration::smc::proposal_index;
use esplab_experiment::calibration::statistics::default_priors;
use esplab_experiment::calibration::{
    calibrate, replicate_medians, run_statistics, Calibration, Ending, Generation, Settings, Tolerance, STATISTICS,
};
use esplab_experiment::design::{Distribution, Factor};
use esplab_experiment::Executor;
use esplab_output::calibration_files::{write_calibration, CalibrationFiles};
use esplab_scenario::priors::parse_prior;
use esplab_scenario::targets::TargetSet;
use esplab_scenario::{Override, Scenario};
use serde_json::{json, Value};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

/// Simulated users per calibration run unless `--users` says otherwise.
pub const DEFAULT_USERS: u32 = 10_000;

/// Generation index whose proposal seeds the posterior-predictive runs use (no sampler
/// generation reaches it).
const PREDICTIVE_GENERATION: usize = 0xFFFF;

/// The run index of replicate `r` of the particle with run index `index`.
fn replicate_index(index: u64, r: u64) -> u64 {
    index | (r << 56)
}

fn prior_json(f: &Factor) -> Value {
    match &f.distribution {
        Distribution::Uniform { low, high } => {
            json!({"key": f.key, "distribution": "uniform", "low": low, "high": high})
        }
        Distribution::LogUniform { low, high } => {
            json!({"key": f.key, "distribution": "log-uniform", "low": low, "high": high})
        }
        Distribution::Values(v) => json!({"key": f.key, "distribution": "values", "values": v}),
    }
}

fn prior_text(f: &Factor) -> String {
    match &f.distribution {
        Distribution::Uniform { low, high } => format!("uniform [{low}, {high}]"),
        Distribution::LogUniform { low, high } => format!("log-uniform [{low}, {high}]"),
        Distribution::Values(v) => format!("values {v:?}"),
    }
}

fn marginal_json(key: &str, m: &Marginal, prior: &Factor) -> Value {
    json!({
        "key": key, "mean": m.mean, "sd": m.sd, "median": m.median,
        "credible_95": [m.low95, m.high95], "credible_50": [m.low50, m.high50],
        "prior": prior_json(prior),
    })
}

fn predictive_json(name: &str, p: &Predictive) -> Value {
    json!({
        "statistic": name, "target": p.target, "draws_defined": p.defined, "mean": p.mean,
        "p05": p.p05, "p50": p.p50, "p95": p.p95, "share_below_target": p.share_below_target,
        "target_within_90": p.covers_target(),
    })
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
    let (prior_texts, factors) = priors(&args, &targets, &scenario)?;
    let settings = Settings {
        particles: args.particles as usize,
        generations: args.generations as usize,
        quantile: args.quantile,
        min_acceptance: args.min_acceptance,
        max_simulations: args.max_simulations,
        seed: scenario.parameters.run.seed,
    };
    let target_values: Vec<f64> = targets.targets.iter().map(|t| t.value).collect();
    let indices: Vec<usize> = targets.targets.iter().map(|t| t.index).collect();
    let base = scenario.parameters.clone();
    let master = settings.seed;
    let parameters_for = |values: &[f64]| {
        let mut p = base.clone();
        for (f, v) in factors.iter().zip(values) {
            esplab_scenario::fields::set_numeric(&mut p, &f.key, *v);
        }
        p
    };
    let replicates = args.replicates;
    // A proposal stops running replicates once no outcome of the rest could be accepted.
    let simulate = |values: &[f64], index: u64, tolerance: &Tolerance<'_>| {
        let p = parameters_for(values);
        let (medians, _) = replicate_medians(replicates as usize, tolerance, |r| {
            let all = run_statistics(&p, master, replicate_index(index, r));
            indices.iter().map(|&i| all[i]).collect()
        });
        medians
    };
    // The posterior predictive: the targeted statistics, then the held-out ones, of the same runs.
    let holdout_indices: Vec<usize> = holdout.iter().flat_map(|h| h.targets.iter().map(|t| t.index)).collect();
    let predict = |values: &[f64], index: u64| {
        let p = parameters_for(values);
        let (medians, _) = replicate_medians(replicates as usize, &Tolerance::unlimited(), |r| {
            let all = run_statistics(&p, master, replicate_index(index, r));
            indices.iter().chain(&holdout_indices).map(|&i| all[i]).collect()
        });
        medians
    };
    let executor = Executor::new(args.threads);
    // Footprints grow with users, degree and horizon, so the top of every prior is the largest.
    let largest = parameters_for(&factors.iter().map(|f| f.value(1.0)).collect::<Vec<_>>());
    ensure_memory(
        &format!("scenario `{}`", scenario.name),
        [&largest],
        &executor,
        settings.particles as u64,
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
            settings.particles,
            settings.generations,
            scenario.parameters.run.users
        );
    }
    let bar = progress(settings.max_simulations, "simulations", args.quiet);
    let calibration = calibrate(&factors, &target_values, &settings, &executor, stop, simulate, |p| {
        bar.set_position(p.simulations);
        bar.set_message(format!("generation {} accepted {}", p.generation, p.accepted));
    });
    bar.finish_and_clear();
    if calibration.ending == Ending::Interrupted {
        return interrupted();
    }
    let Some(posterior) = calibration.posterior() else {
        bail!(
            "no complete generation within --max-simulations {}: the prior generation needs {} particles with every \
             targeted statistic defined (lags from news need news in the run)",
            settings.max_simulations,
            settings.particles
        );
    };
    // Posterior predictive: fresh runs at parameters drawn by weight.
    let draws = resample(posterior, args.predictive as usize, master);
    let bar = progress(draws.len() as u64, "predictive runs", args.quiet);
    let predictive_rows = predictive_runs(&executor, posterior, &draws, stop, &predict, || bar.inc(1))?;
    bar.finish_and_clear();
    let marginals: Vec<Marginal> = (0..factors.len()).map(|k| marginal(posterior, k)).collect();
    let predictives: Vec<Predictive> = (0..target_values.len())
        .map(|k| {
            let column: Vec<f64> = predictive_rows.iter().map(|r| r[k]).collect();
            predictive(&column, target_values[k])
        })
        .collect();
    let held_out: Vec<Predictive> = holdout
        .iter()
        .flat_map(|h| &h.targets)
        .enumerate()
        .map(|(k, t)| {
            let column: Vec<f64> = predictive_rows.iter().map(|r| r[target_values.len() + k]).collect();
            predictive(&column, t.value)
        })
        .collect();
    let outcome = Outcome {
        calibration: &calibration,
        factors: &factors,
        marginals: &marginals,
        predictives: &predictives,
        holdout: holdout.as_ref().map(|h| (h, held_out.as_slice())),
        draws: draws.len(),
    };
    let summary = summary_json(&scenario, &targets, &outcome, replicates);
    let manifest_settings = json!({
        "master_seed": master, "particles": settings.particles, "generations": settings.generations,
        "quantile": settings.quantile, "min_acceptance": settings.min_acceptance,
        "max_simulations": settings.max_simulations, "predictive_draws": args.predictive,
        "replicates": replicates,
        "priors": prior_texts,
        "run_seeds": "esplab_experiment::run_seed(master_seed, replicate << 56 | generation << 40 | proposal)",
    });
    write_calibration(
        &dir,
        &CalibrationFiles {
            calibration: &calibration,
            parameters: factors.iter().map(|f| f.key.clone()).collect(),
            statistics: targets.targets.iter().map(|t| t.statistic.clone()).collect(),
            summary,
            targets_text: &targets.text,
            holdout_text: holdout.as_ref().map(|h| h.text.as_str()),
            scenario: &scenario,
            settings: manifest_settings,
        },
    )
    .with_context(|| format!("cannot write the results into {}", dir.display()))?;
    if !args.quiet {
        print_results(&scenario, &targets, &outcome, &dir);
    }
    Ok(ExitCode::SUCCESS)
}

/// What a calibration found: the fit, its priors, the posterior marginals and the
/// posterior-predictive check of each target over `draws` runs.
struct Outcome<'a> {
    calibration: &'a Calibration,
    factors: &'a [Factor],
    marginals: &'a [Marginal],
    predictives: &'a [Predictive],
    /// Held-out figures and their predictive check.
    holdout: Option<(&'a TargetSet, &'a [Predictive])>,
    draws: usize,
}

/// `calibration.json`: targets, priors, the generations, the posterior and its predictive check.
fn summary_json(scenario: &Scenario, targets: &TargetSet, outcome: &Outcome<'_>, replicates: u64) -> Value {
    let mut summary = json!({
        "scenario": scenario.name,
        "targets": {
            "source": targets.source, "name": targets.name, "description": targets.description,
            "targets": targets.targets.iter().zip(&outcome.calibration.scales).map(|(t, s)| json!({
                "statistic": t.statistic, "value": t.value, "rows": t.rows, "derivation": t.derivation,
                "description": STATISTICS[t.index].description, "distance_scale": s,
            })).collect::<Vec<_>>(),
        },
        "priors": outcome.factors.iter().map(prior_json).collect::<Vec<_>>(),
        "users": scenario.parameters.run.users,
        "replicates": replicates,
        "days": scenario.parameters.run.days(),
        "ending": outcome.calibration.ending.describe(),
        "simulations": outcome.calibration.simulations(),
        "generations": outcome.calibration.generations.iter().map(|g| json!({
            "generation": g.index, "epsilon": if g.epsilon.is_finite() { json!(g.epsilon) } else { Value::Null },
            "simulations": g.simulations, "acceptance_rate": g.acceptance_rate(),
            "effective_sample_size": g.effective_sample_size(),
        })).collect::<Vec<_>>(),
        "posterior": outcome.factors.iter().zip(outcome.marginals).map(|(f, m)| marginal_json(&f.key, m, f)).collect::<Vec<_>>(),
        "posterior_predictive": {
            "draws": outcome.draws,
            "statistics": targets.targets.iter().zip(outcome.predictives)
                .map(|(t, p)| predictive_json(&t.statistic, p)).collect::<Vec<_>>(),
        },
    });
    if let Some((holdout, predictives)) = outcome.holdout {
        summary["holdout"] = json!({
            "source": holdout.source, "name": holdout.name, "description": holdout.description,
            "covered": predictives.iter().filter(|p| p.covers_target()).count(),
            "statistics": holdout.targets.iter().zip(predictives).map(|(t, p)| {
                let mut row = predictive_json(&t.statistic, p);
                row["rows"] = json!(t.rows);
                row["derivation"] = json!(t.derivation);
                row["predicted_over_observed"] = ratio_json(p.p50, t.value);
                row
            }).collect::<Vec<_>>(),
        });
    }
    summary
}

/// `predicted / observed`, or null when the observed figure is zero.
fn ratio_json(predicted: f64, observed: f64) -> Value {
    let ratio = predicted / observed;
    if ratio.is_finite() {
        json!(ratio)
    } else {
        Value::Null
    }
}

/// The tables of a calibration on stdout.
fn print_results(scenario: &Scenario, targets: &TargetSet, outcome: &Outcome<'_>, dir: &std::path::Path) {
    println!(
        "esplab calibrate: {} ({} users, {} days) against {} — {} simulations; {}",
        scenario.name,
        scenario.parameters.run.users,
        scenario.parameters.run.days(),
        targets.source,
        outcome.calibration.simulations(),
        outcome.calibration.ending.describe()
    );
    println!(
        "  {:>10} {:>12} {:>12} {:>11} {:>8}",
        "generation", "tolerance", "simulations", "acceptance", "ESS"
    );
    for g in &outcome.calibration.generations {
        println!(
            "  {:>10} {:>12} {:>12} {:>10.1}% {:>8.1}",
            g.index,
            number(g.epsilon),
            g.simulations,
            100.0 * g.acceptance_rate(),
            g.effective_sample_size()
        );
    }
    println!("posterior (median, 95% credible interval; prior):");
    for (f, m) in outcome.factors.iter().zip(outcome.marginals) {
        println!(
            "  {:<30} {:>10} [{}, {}]   prior {}",
            f.key,
            number(m.median),
            number(m.low95),
            number(m.high95),
            prior_text(f)
        );
    }
    println!(
        "posterior predictive ({} runs; the target should lie within p05..p95):",
        outcome.draws
    );
    println!(
        "  {:<30} {:>10} {:>10} {:>10} {:>10}  covered",
        "statistic", "target", "p05", "p50", "p95"
    );
    for (t, p) in targets.targets.iter().zip(outcome.predictives) {
        println!(
            "  {:<30} {:>10} {:>10} {:>10} {:>10}  {}",
            t.statistic,
            number(t.value),
            number(p.p05),
            number(p.p50),
            number(p.p95),
            if p.covers_target() { "yes" } else { "no" }
        );
    }
    if let Some((holdout, predictives)) = outcome.holdout {
        println!(
            "held-out figures of {} (predicted, not fitted): {} of {} within p05..p95",
            holdout.source,
            predictives.iter().filter(|p| p.covers_target()).count(),
            predictives.len()
        );
        println!(
            "  {:<30} {:>10} {:>10} {:>10} {:>10} {:>10}  covered",
            "statistic", "observed", "p05", "p50", "p95", "p50/obs"
        );
        for (t, p) in holdout.targets.iter().zip(predictives) {
            println!(
                "  {:<30} {:>10} {:>10} {:>10} {:>10} {:>10}  {}",
                t.statistic,
                number(t.value),
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

/// The priors of the calibrated parameters (`--param`, or the drivers of the targeted
/// statistics), as given and as factors.
fn priors(args: &CalibrateArgs, targets: &TargetSet, scenario: &Scenario) -> Result<(Vec<String>, Vec<Factor>)> {
    let prior_texts: Vec<String> = if args.param.is_empty() {
        let targeted: Vec<usize> = targets.targets.iter().map(|t| t.index).collect();
        default_priors(&targeted, scenario.parameters.vendors.strategy)
            .into_iter()
            .map(String::from)
            .collect()
    } else {
        args.param.clone()
    };
    let mut factors: Vec<Factor> = Vec::new();
    for text in &prior_texts {
        let f = parse_prior(text, scenario)?;
        if factors.iter().any(|g| g.key == f.key) {
            return usage(format!("--param {text}: `{}` already has a prior", f.key));
        }
        factors.push(f);
    }
    Ok((prior_texts, factors))
}

/// The targeted and held-out statistics of one fresh run at each posterior draw (particle indices
/// `draws`).
fn predictive_runs(
    executor: &Executor,
    posterior: &Generation,
    draws: &[usize],
    stop: &AtomicBool,
    simulate: &(impl Fn(&[f64], u64) -> Vec<f64> + Sync),
    mut tick: impl FnMut(),
) -> Result<Vec<Vec<f64>>> {
    let indices: Vec<u64> = (0..draws.len() as u64).collect();
    let mut rows: Vec<Vec<f64>> = Vec::with_capacity(draws.len());
    let outcome = executor.run(
        &indices,
        stop,
        |m| {
            simulate(
                &posterior.particles[draws[m as usize]].values,
                proposal_index(PREDICTIVE_GENERATION, m),
            )
        },
        |_, row| {
            tick();
            rows.push(row);
            Ok::<(), anyhow::Error>(())
        },
    )?;
    if outcome.is_some() {
        return interrupted();
    }
    Ok(rows)
}
