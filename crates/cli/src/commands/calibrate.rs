//! `esplab calibrate`: ABC-SMC of named parameters against target statistics of real incident
//! history, with posterior summaries, posterior-predictive checks and held-out figures
//! (`esplab_commands::calibrate` runs it; this converts the command line and prints the tables).

use crate::options::CalibrateArgs;
use crate::shared::{destination, source, stop, warn, Bar};
use anyhow::Result;
use esplab_commands::calibrate::{prior_text, target_text, Outcome, Request, Sampler};
use esplab_commands::format::number;
use esplab_commands::threads::executor;
use esplab_scenario::Spelling;
use std::process::ExitCode;

pub fn calibrate_command(args: CalibrateArgs) -> Result<ExitCode> {
    let request = Request {
        source: source(&args.scenario)?,
        targets: args.targets.clone(),
        only: args.only.clone(),
        holdout: args.holdout.clone(),
        params: args.param.clone(),
        sampler: Sampler {
            particles: args.particles,
            generations: args.generations,
            quantile: args.quantile,
            min_acceptance: args.min_acceptance,
            max_simulations: args.max_simulations,
            replicates: args.replicates,
            predictive: args.predictive,
        },
        destination: destination(args.out.as_deref(), args.force, false),
    };
    let executor = executor(args.threads)?;
    let prepared = request.prepare(&executor, Spelling::Cli)?;
    warn(&prepared.scenario.warnings)?;
    if !args.quiet {
        eprintln!(
            "esplab calibrate: {} against {} ({} targets), {} parameters, {} particles, up to {} generations, {} users",
            prepared.scenario.name,
            prepared.targets.source,
            prepared.targets.targets.len(),
            prepared.factors.len(),
            prepared.job.settings.particles,
            prepared.job.settings.generations,
            prepared.scenario.parameters.run.users
        );
    }
    let outcome = prepared.run(&executor, &Bar::new(args.quiet), stop())?;
    if !args.quiet {
        print_results(&outcome);
    }
    Ok(ExitCode::SUCCESS)
}

/// The tables of a calibration on stdout.
fn print_results(outcome: &Outcome) {
    let Outcome {
        scenario,
        targets,
        holdout,
        factors,
        result,
        ..
    } = outcome;
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
    if let Some(dir) = &outcome.dir {
        println!("results written to {}", dir.display());
    }
}
