//! `esplab merge`: shards of a sweep joined into the unsharded result.

use crate::options::MergeArgs;
use anyhow::{Context, Result};
use esplab_output::sweep_folder::merge as merge_shards;
use std::process::ExitCode;

/// `esplab merge`.
pub fn merge(args: MergeArgs) -> Result<ExitCode> {
    let rows = merge_shards(&args.out, &args.shards).context("cannot merge")?;
    println!(
        "merged {} shards ({rows} rows) into {}/",
        args.shards.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
