//! `merge`: the shards of a sweep, or of leverage over draws, joined into the folder the whole
//! would have written.

use crate::error::CommandError;
use esplab_output::robust_files::merge as merge_draws;
use esplab_output::sweep_folder::merge as merge_rows;
use std::path::{Path, PathBuf};

/// Joins `shards` (in order) into `out`; returns how many rows or draws it holds and which.
pub fn merge(out: &Path, shards: &[PathBuf]) -> Result<(usize, &'static str), CommandError> {
    let command = shards
        .first()
        .and_then(|dir| std::fs::read_to_string(dir.join("manifest.json")).ok())
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|m| m["command"].as_str().map(str::to_string));
    let cannot = |e: esplab_output::OutputError| CommandError::Failed(format!("cannot merge: {e}"));
    Ok(if command.as_deref() == Some("leverage") {
        (merge_draws(out, shards).map_err(cannot)?, "draws")
    } else {
        (merge_rows(out, shards).map_err(cannot)?, "rows")
    })
}
