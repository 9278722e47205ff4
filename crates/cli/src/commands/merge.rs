//! `esplab merge`: the shards of a sweep, or of a `leverage --draws`, joined into the unsharded
//! result.

use crate::options::MergeArgs;
use anyhow::Result;
use esplab_commands::merge::merge as join;
use std::process::ExitCode;

pub fn merge(args: MergeArgs) -> Result<ExitCode> {
    let (count, unit) = join(&args.out, &args.shards)?;
    println!(
        "merged {} shards ({count} {unit}) into {}/",
        args.shards.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
