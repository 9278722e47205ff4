//! `esplab leverage`: every standard lever pulled on the same day, ranked by its paired effect
//! on the long-run baseline.

use crate::options::LeverageArgs;
use crate::shared::{
    ensure_memory, format_interval, journaled_pairs, lever_usage, load, progress, resumable_folder, signed,
};
use anyhow::{Context, Result};
use esplab_experiment::jobs::LeverSetup;
use esplab_experiment::leverage::{base_long_run, rank, verdict, NEGLIGIBLE_EFFECT};
use esplab_experiment::Executor;
use esplab_output::comparison_files::{leverage_document, leverage_table, write_leverage};
use esplab_output::journal::Kind;
use serde_json::json;
use std::ops::ControlFlow;
use std::process::ExitCode;

/// `esplab leverage`.
pub fn leverage(args: LeverageArgs) -> Result<ExitCode> {
    if let Some(plan) = &args.draws {
        return super::robust_leverage::robust_leverage(&args, plan);
    }
    let scenario = load(&args.scenario)?;
    let e = &args.experiment;
    let p = &scenario.parameters;
    let days = p.run.days();
    let setup = match LeverSetup::new(p, args.start_day, args.heroic.as_deref()) {
        Ok(setup) => setup,
        Err(error) => return lever_usage(error, &scenario.name),
    };
    let arms = setup.arm_refs();
    let master = p.run.seed;
    let what = format!("paired runs ({} arms each)", arms.len());
    let executor = Executor::new(e.threads);
    ensure_memory(&what, arms.iter().copied(), &executor, e.runs)?;
    let dir = resumable_folder(
        e.out.as_deref(),
        &format!("{}-leverage", scenario.name),
        e.force,
        e.resume,
    )?;
    let bar = progress(e.runs, &what, e.quiet);
    let (results, journal) = match journaled_pairs(
        &executor,
        &arms,
        master,
        e.runs,
        Kind::Leverage,
        &dir,
        e.resume,
        &bar,
        e.quiet,
    )? {
        ControlFlow::Continue(done) => done,
        ControlFlow::Break(code) => return Ok(code),
    };
    let base = base_long_run(&results);
    let rows = rank(&results);
    let document = leverage_document(&setup, &rows, &base, e.runs);
    let table = leverage_table(&setup.levers, &rows);
    let settings =
        json!({"master_seed": master, "runs": e.runs, "start_day": setup.start, "heroic_offering": setup.heroic_name});
    write_leverage(&dir, &document, &table, &scenario, settings, Some(journal))
        .with_context(|| format!("cannot write the results into {}", dir.display()))?;
    if !e.quiet {
        let start = setup.start;
        println!(
            "esplab leverage: {} ({}), {} paired runs per lever, levers pulled from day {start} of {days}",
            scenario.name, scenario.source, e.runs
        );
        println!(
            "long-run baseline (mean over the last 365 days) without any lever: {:.4} [{:.4}, {:.4}]\n",
            base.estimate, base.low, base.high
        );
        println!(
            "  {:<4} {:<17} {:<25} {:<32} {:>10} {:>9} {:>9}  verdict",
            "rank", "lever", "size", "effect on baseline [95% CI]", "per unit", "vendors", "shares"
        );
        for (rank, r) in rows.iter().enumerate() {
            let l = &setup.levers[r.lever];
            println!(
                "  {:<4} {:<17} {:<25} {:<32} {:>10} {:>9} {:>9}  {}",
                rank + 1,
                l.name(),
                format!("{} {}", l.size, l.unit),
                format_interval(&r.effect),
                signed(r.effect.estimate / l.size),
                signed(r.vendors.estimate),
                signed(r.shares.estimate),
                verdict(&r.effect)
            );
        }
        println!(
            "\n95% intervals of paired differences over common random numbers; effects below {NEGLIGIBLE_EFFECT} are negligible.\n\
             vendors: the part of the effect from vendors' security at the base's market shares; shares: the part from shifted shares.\n\
             heroic vendor: {} (--heroic chooses)\nlevers:",
            setup.heroic_name
        );
        for l in &setup.levers {
            println!("  {:<17} {}", l.name(), l.meaning);
        }
        println!(
            "results in {}/ (leverage.json, leverage.csv, manifest.json)",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
