//! `esplab leverage`: every standard lever pulled on the same day, ranked by its paired effect
//! on the long-run baseline.

use crate::options::LeverageArgs;
use crate::shared::{destination, finished, source, stop, warn, Bar};
use anyhow::Result;
use esplab_commands::format::{interval, signed};
use esplab_commands::leverage::{needed_words, unit, verdict, Curve, Outcome, Request, NEGLIGIBLE_EFFECT, TARGET_RISE};
use esplab_commands::threads::executor;
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
        levers: args.levers.clone(),
        doses: args.doses,
        destination: destination(e.out.as_deref(), e.force, e.resume),
    };
    let executor = executor(e.threads)?;
    let prepared = request.prepare(&executor, Spelling::Cli)?;
    warn(&prepared.scenario.warnings)?;
    let scenario = prepared.scenario.clone();
    let days = scenario.parameters.run.days();
    let Some(outcome) = finished(prepared.run(&executor, &Bar::new(e.quiet), stop())?, e.quiet) else {
        return Ok(ExitCode::SUCCESS);
    };
    if let Some(curves) = &outcome.curves {
        if !e.quiet {
            print_doses(&outcome, curves, &scenario.name, &scenario.source.to_string(), days);
        }
        return Ok(ExitCode::SUCCESS);
    }
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
            "  {:<4} {:<17} {:<25} {:<32} {:>10} {:>10} {:>9} {:>9}  verdict",
            "rank", "lever", "size", "effect on baseline [95% CI]", "per unit", "mechanical", "vendors", "users"
        );
        for (rank, r) in rows.iter().enumerate() {
            let l = &setup.levers[r.lever];
            println!(
                "  {:<4} {:<17} {:<25} {:<32} {:>10} {:>10} {:>9} {:>9}  {}",
                rank + 1,
                l.name(),
                format!("{} {}", l.size, l.unit),
                interval(&r.effect),
                signed(r.effect.estimate / l.size),
                signed(r.mechanical.estimate),
                signed(r.vendors.estimate),
                signed(r.shares.estimate),
                verdict(&r.effect)
            );
        }
        println!(
            "\n95% intervals of paired differences over common random numbers; effects below {NEGLIGIBLE_EFFECT} are negligible.\n\
             mechanical + vendors + users = effect. mechanical: the lever's own writes on the base runs, no one responding;\n\
             vendors: the vendors' response; users: the users' flows between offerings and out (shifted shares).\n\
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

/// The dose-response curves of `leverage --doses`, lever by lever.
fn print_doses(outcome: &Outcome, curves: &[Curve], name: &str, source: &str, days: u32) {
    let (setup, base) = (&outcome.setup, &outcome.base);
    println!(
        "esplab leverage --doses: {name} ({source}), {} paired runs per dose, levers pulled from day {} of {days}",
        outcome.runs, setup.start
    );
    println!(
        "long-run baseline (mean over the last 365 days) without any lever: {:.4} [{:.4}, {:.4}]",
        base.estimate, base.low, base.high
    );
    for curve in curves {
        let unit = unit(curve.kind);
        let real = match curve.real.as_ref().and_then(|r| r.ends()) {
            Some((low, high)) => format!("real range {low} to {high} {unit}"),
            None => "real range not sourced".to_string(),
        };
        let actor = curve
            .real
            .as_ref()
            .map_or(String::new(), |r| format!(", pulled by {}", r.actor));
        println!("\n{} ({real}{actor})", curve.kind.name());
        println!(
            "  {:>9}  {:<32} {:>10} {:>9} {:>9}  verdict",
            "dose", "effect on baseline [95% CI]", "mechanical", "vendors", "users"
        );
        for (dose, e) in &curve.points {
            let mark = if curve.in_real_range(*dose) { "*" } else { " " };
            println!(
                "  {:>8}{mark}  {:<32} {:>10} {:>9} {:>9}  {}",
                dose,
                interval(&e.effect),
                signed(e.mechanical.estimate),
                signed(e.vendors.estimate),
                signed(e.shares.estimate),
                verdict(&e.effect)
            );
        }
        println!("  needed for a rise of {TARGET_RISE}: {}", needed_words(curve, unit));
    }
    println!(
        "\n* a dose within the lever's real range (data/lever_intensities.csv, with sources).\n\
         mechanical + vendors + users = effect; the needed dose is read off straight lines between the estimates."
    );
    if let Some(dir) = &outcome.dir {
        println!("results in {}/ (doses.json, doses.csv, manifest.json)", dir.display());
    }
}
