//! `esplab check`: validate a scenario (and overrides) without running it.

use crate::options::CheckArgs;
use crate::shared::load;
use anyhow::Result;
use std::process::ExitCode;

/// `esplab check`.
pub fn check(args: CheckArgs) -> Result<ExitCode> {
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
    for (reader, keys) in scenario.unread_by_reader() {
        println!(
            "  not read by this scenario's mechanisms, only by {reader}: {}",
            keys.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
