//! `esplab merge`: the shards of a sweep, or of a `leverage --draws`, joined into the unsharded
//! result.

use crate::options::MergeArgs;
use anyhow::{Context, Result};
use esplab_output::robust_files::merge as merge_draws;
use esplab_output::sweep_folder::merge as merge_shards;
use std::process::ExitCode;

/// `esplab merge`: the command that wrote the first shard decides which merge applies (each
/// checks every shard in full).
pub fn merge(args: MergeArgs) -> Result<ExitCode> {
    let command = args
        .shards
        .first()
        .and_then(|dir| std::fs::read_to_string(dir.join("manifest.json")).ok())
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|m| m["command"].as_str().map(str::to_string));
    let (count, unit) = if command.as_deref() == Some("leverage") {
        (merge_draws(&args.out, &args.shards).context("cannot merge")?, "draws")
    } else {
        (merge_shards(&args.out, &args.shards).context("cannot merge")?, "rows")
    };
    println!(
        "merged {} shards ({count} {unit}) into {}/",
        args.shards.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
