//! `esplab leverage SCENARIO --draws PLAN|FOLDER`: every standard lever pulled in each draw of a
//! plan's design or of a calibration's posterior, each draw's levers run in pairs on the same seeds, and each lever's effect on the
//! long-run baseline summarised across draws (leverage under uncertainty).

use crate::options::LeverageArgs;
use crate::shared::{destination, finished, overrides, source, stop, Bar};
use anyhow::Result;
use esplab_commands::format::signed;
use esplab_commands::leverage_draws::{ranked, Request, MARGIN};
use esplab_commands::shards;
use esplab_commands::threads::executor;
use esplab_scenario::Spelling;
use std::process::ExitCode;

/// `esplab leverage` over the draws of a plan's design or a calibration's posterior at `source`.
pub fn robust_leverage(args: &LeverageArgs, draws: &str) -> Result<ExitCode> {
    let e = &args.experiment;
    let request = Request {
        scenario: Some(source(&args.scenario)?),
        draws: draws.to_string(),
        overrides: overrides(&args.scenario.options)?,
        posterior_draws: args.posterior_draws,
        runs: e.runs,
        start_day: args.start_day,
        heroic: args.heroic.clone(),
        shard: args.shard.as_deref().map(shards::parse).transpose()?,
        destination: destination(e.out.as_deref(), e.force, e.resume),
    };
    let executor = executor(e.threads)?;
    let prepared = request.prepare(&executor, Spelling::Cli)?;
    // The scenario names what the draws must vary; a plan's warnings say the rest.
    crate::shared::warn(&prepared.draws.warnings)?;
    let scenario = prepared.scenario.clone().expect("the command line names the scenario");
    let (kind, source_name, factors) = (
        prepared.draws.kind,
        prepared.draws.source.clone(),
        prepared.draws.factors.clone(),
    );
    let draws_run = prepared.slice.len();
    let (start, heroic_name) = (prepared.job.setups[0].start, prepared.job.setups[0].heroic_name.clone());
    let Some(outcome) = finished(prepared.run(&executor, &Bar::new(e.quiet), stop())?, e.quiet) else {
        return Ok(ExitCode::SUCCESS);
    };
    let (levers, robust) = (&outcome.levers, &outcome.robust);
    if !e.quiet {
        println!(
            "esplab leverage: {} ({}) over {} draws of the {} {} ({}), {} paired runs per lever and draw, levers pulled from day {}",
            scenario.name,
            scenario.source,
            draws_run,
            kind,
            source_name,
            factors.join(", "),
            e.runs,
            start
        );
        println!(
            "\n  {:<4} {:<17} {:>9} {:>21} {:>11} {:>9} {:>12} {:>9}",
            "rank", "lever", "median", "90% across draws", "seed noise", "spread", "P(> +0.01)", "first"
        );
        for (rank, r) in ranked(robust).iter().enumerate() {
            println!(
                "  {:<4} {:<17} {:>9} {:>21} {:>11.4} {:>9.4} {:>12.2} {:>9.2}",
                rank + 1,
                levers[r.lever].name(),
                signed(r.median),
                format!("[{}, {}]", signed(r.low), signed(r.high)),
                r.seed_noise,
                r.spread,
                r.raises_by_margin,
                r.ranks_first
            );
        }
        println!(
            "\nmedian and 5%-95% quantiles of the draws' paired effects on the long-run baseline; seed noise: root mean square of\n\
             their standard errors; spread: their standard deviation across draws with the seed noise removed; P(> +{MARGIN}):\n\
             the chance the lever raises the baseline by more than {MARGIN}, pooled over draws; first: share of draws where it ranks first.\n\
             heroic vendor: {} (--heroic chooses)\nresults in {}/ (robust-leverage.json, robust-leverage.csv, leverage-draws.csv, manifest.json)",
            heroic_name,
            outcome.dir.as_deref().unwrap_or(std::path::Path::new("-")).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
