//! `esplab leverage`: every standard lever pulled on the same day, ranked by its paired effect
//! on the long-run baseline.

use crate::options::LeverageArgs;
use crate::shared::{destination, finished, source, stop, warn, Bar};
use anyhow::Result;
use esplab_commands::format::{interval, signed};
use esplab_commands::leverage::{verdict, Request, NEGLIGIBLE_EFFECT};
use esplab_commands::Executor;
use esplab_scenario::Spelling;
use std::process::ExitCode;

/// `esplab leverage`.
pub fn leverage(args: LeverageArgs) -> Result<ExitCode> {
    if let Some(plan) = &args.draws {
        return super::robust_leverage::robust_leverage(&args, plan);
    }
    let e = &args.experiment;
    let request = Request {
        source: source(&args.scenario)?,
        runs: e.runs,
        start_day: args.start_day,
        heroic: args.heroic.clone(),
        destination: destination(e.out.as_deref(), e.force, e.resume),
    };
    let executor = Executor::new(e.threads);
    let prepared = request.prepare(&executor, Spelling::Cli)?;
    warn(&prepared.scenario.warnings);
    let scenario = prepared.scenario.clone();
    let days = scenario.parameters.run.days();
    let Some(outcome) = finished(prepared.run(&executor, &Bar::new(e.quiet), stop())?, e.quiet) else {
        return Ok(ExitCode::SUCCESS);
    };
    let (setup, rows, base) = (&outcome.setup, &outcome.rows, &outcome.base);
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
                interval(&r.effect),
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
        if let Some(dir) = &outcome.dir {
            println!(
                "results in {}/ (leverage.json, leverage.csv, manifest.json)",
                dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
