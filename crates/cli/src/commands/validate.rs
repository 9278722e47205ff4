//! `esplab validate`: every stylized fact as an ensemble check, with a table for the docs.

use crate::options::ValidateArgs;
use crate::shared::{destination, stop, Bar};
use anyhow::Result;
use esplab_commands::threads::executor;
use esplab_commands::validate::Request;
use esplab_scenario::Spelling;
use std::process::ExitCode;

/// `esplab validate`: exits 1 when a fact fails.
pub fn validate(args: ValidateArgs) -> Result<ExitCode> {
    let request = Request {
        runs: args.runs,
        users: args.users,
        destination: destination(args.out.as_deref(), args.force, false),
    };
    let executor = executor(args.threads)?;
    let prepared = request.prepare(&executor, Spelling::Cli)?;
    let outcome = prepared.run(&executor, &Bar::new(args.quiet), stop())?;
    if !args.quiet {
        for c in &outcome.checks {
            println!(
                "{}  {} ({})\n      {} = {:.4} [{:.4}, {:.4}]; pass when {}",
                if c.pass { "pass" } else { "FAIL" },
                c.fact,
                c.label(),
                c.statistic,
                c.value,
                c.low,
                c.high,
                c.threshold
            );
        }
        for (p, c) in &outcome.compared {
            match c {
                Ok(c) => println!(
                    "{}  {} {} on {}: observed {:.3} (n = {}), simulated {:.3} [{:.3}, {:.3}]",
                    if c.covered { "covered    " } else { "NOT COVERED" },
                    p.preset,
                    p.offering.as_deref().unwrap_or("market"),
                    p.date,
                    p.share,
                    p.sample,
                    c.median,
                    c.low,
                    c.high
                ),
                Err(why) => println!("not compared  {} {}: {why}", p.preset, p.series),
            }
        }
    }
    let (passed, checks) = (outcome.passed(), outcome.checks.len());
    println!(
        "{passed} of {checks} stylized facts pass; {} of {} observed shares covered; results in {}/ (validation.json, validation.md)",
        outcome.covered(),
        outcome.compared.len(),
        outcome.dir.as_deref().unwrap_or(std::path::Path::new("-")).display()
    );
    Ok(if passed == checks {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
