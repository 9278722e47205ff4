//! `verify DIR`: checks that an output folder is whole (every file the manifest lists, with its
//! size and SHA-256, and nothing it does not list), and, for runs and ensembles, re-runs what it
//! records and confirms the bytes.

use crate::error::CommandError;
pub use crate::folder_files::ADDED_LATER;
use crate::folder_files::{listed, unlisted, Unlisted};
use crate::limits::Limit;
use crate::machine_memory;
use crate::progress::Silent;
use crate::stop::Stop;
use esplab_experiment::{simulate, Executor};
use esplab_output::run_folder::files;
use esplab_output::RunFolder;
use esplab_scenario::{sha256_hex, Scenario, Spelling};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Runs of an ensemble to re-run.
pub const SAMPLE: Limit = Limit {
    field: "sample",
    low: 1,
    high: 1_000_000,
};

/// What verifying a folder found.
pub struct Verified {
    pub dir: PathBuf,
    /// Files the manifest lists.
    pub files: usize,
    /// Runs re-run and compared (`None`: the folder's command is not re-run).
    pub reruns: Option<usize>,
    /// What differs; empty when the folder is whole and reproduced.
    pub problems: Vec<String>,
    /// Warnings of the re-run scenario.
    pub warnings: Vec<String>,
}

fn failed(message: String) -> CommandError {
    CommandError::Failed(message)
}

/// Checks every file of the manifest; returns the problems found.
fn check_files(dir: &Path, manifest: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for f in manifest["files"].as_array().into_iter().flatten() {
        let name = f["name"].as_str().unwrap_or_default();
        let path = dir.join(name);
        match std::fs::read(&path) {
            Err(e) => problems.push(format!("{name}: cannot read: {e}")),
            Ok(bytes) => {
                if Some(bytes.len() as u64) != f["bytes"].as_u64() {
                    problems.push(format!(
                        "{name}: {} bytes, the manifest says {}",
                        bytes.len(),
                        f["bytes"]
                    ));
                } else if f["sha256"].as_str() != Some(sha256_hex(&bytes).as_str()) {
                    problems.push(format!("{name}: its SHA-256 differs from the manifest's"));
                }
            }
        }
    }
    problems
}

/// Files and folders in `dir` that its manifest does not list (nor [`ADDED_LATER`]): left by an
/// earlier command, say. A subfolder that is an output folder of its own (it has a manifest, as
/// the fit inside a forecast's folder) is not stray.
fn stray_files(dir: &Path, manifest: &Value) -> Vec<String> {
    unlisted(dir, &listed(manifest))
        .into_iter()
        .filter_map(|entry| match entry {
            Unlisted::File(_) => Some(format!(
                "{}: not listed in the manifest (left by an earlier command?)",
                entry.name()
            )),
            Unlisted::Folder(_) => Some(format!("{}: a folder the manifest does not list", entry.name())),
            Unlisted::Output(_) => None,
        })
        .collect()
}

fn sha_of(manifest: &Value, name: &str) -> Option<String> {
    manifest["files"]
        .as_array()?
        .iter()
        .find(|f| f["name"] == name)
        .and_then(|f| f["sha256"].as_str().map(str::to_string))
}

/// Re-runs a run folder's scenario into a temporary folder and compares the data files.
fn rerun_run(
    dir: &Path,
    manifest: &Value,
    spelling: Spelling,
    stop: &Stop,
) -> Result<(Vec<String>, usize, Vec<String>), CommandError> {
    let scenario = Scenario::load(&dir.join("scenario.toml").to_string_lossy(), &[])?;
    machine_memory::ensure("the re-run", [&scenario.parameters], &Executor::new(1), 1, spelling)?;
    let temp = std::env::temp_dir().join(format!("esplab-verify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&temp);
    let cannot = |e: esplab_output::OutputError| failed(format!("cannot re-run into {}: {e}", temp.display()));
    let mut folder = RunFolder::create(&temp, &scenario.parameters).map_err(cannot)?;
    if let Err(e) = crate::run::simulate(&scenario.parameters, &Executor::new(1), &mut folder, &Silent, stop) {
        folder.abandon();
        let _ = std::fs::remove_dir_all(&temp);
        return Err(e);
    }
    folder.finish(&scenario).map_err(cannot)?;
    let mut problems = Vec::new();
    for name in files::DATA {
        let again = std::fs::read(temp.join(name)).map(|b| sha256_hex(&b));
        if again.ok() != sha_of(manifest, name) {
            problems.push(format!("{name}: the re-run gives other bytes"));
        }
    }
    let _ = std::fs::remove_dir_all(&temp);
    Ok((problems, 1, scenario.warnings))
}

/// Re-runs `sample` runs of an ensemble (evenly spread) and compares their rows of runs.csv.
fn rerun_ensemble(
    dir: &Path,
    manifest: &Value,
    sample: usize,
    executor: &Executor,
    spelling: Spelling,
    stop: &Stop,
) -> Result<(Vec<String>, usize, Vec<String>), CommandError> {
    let scenario = Scenario::load(&dir.join("scenario.toml").to_string_lossy(), &[])?;
    let master = manifest["settings"]["master_seed"]
        .as_u64()
        .ok_or_else(|| failed("manifest.json: settings.master_seed is missing".into()))?;
    let text =
        std::fs::read_to_string(dir.join("runs.csv")).map_err(|e| failed(format!("cannot read runs.csv: {e}")))?;
    let lines: Vec<&str> = text.lines().skip(1).collect();
    let runs = lines.len();
    let count = sample.min(runs).max(1);
    let picked: Vec<u64> = (0..count).map(|k| (k * runs / count) as u64).collect();
    let p = &scenario.parameters;
    machine_memory::ensure("the re-runs", [p], executor, count as u64, spelling)?;
    let mut problems = Vec::new();
    let stopped = executor
        .run(
            &picked,
            stop.flag(),
            |i| simulate(p, master, i, false),
            |i, outcome| {
                let mut cells = vec![outcome.index.to_string(), outcome.seed.to_string()];
                cells.extend(outcome.metrics.iter().map(|v| v.to_string()));
                if lines.get(i as usize).copied() != Some(cells.join(",").as_str()) {
                    problems.push(format!("runs.csv row of run {i}: the re-run gives other values"));
                }
                Ok::<(), ()>(())
            },
        )
        .ok()
        .flatten();
    if stopped.is_some() {
        return Err(CommandError::Interrupted(None));
    }
    Ok((problems, count, scenario.warnings))
}

/// Verifies the output folder `dir`, re-running up to `sample` runs of an ensemble.
pub fn verify(
    dir: &Path,
    sample: u64,
    executor: &Executor,
    spelling: Spelling,
    stop: &Stop,
) -> Result<Verified, CommandError> {
    let sample = SAMPLE.check(sample)? as usize;
    let manifest_path = dir.join("manifest.json");
    if !manifest_path.is_file() {
        return Err(failed(format!(
            "{}: no manifest.json: not an esplab output folder, or an unfinished one",
            dir.display()
        )));
    }
    let bytes = std::fs::read(&manifest_path).map_err(|e| failed(format!("{}: {e}", manifest_path.display())))?;
    let manifest: Value = serde_json::from_slice(&bytes)
        .map_err(|e| failed(format!("{}: not valid JSON: {e}", manifest_path.display())))?;
    let command = manifest["command"].as_str().unwrap_or_default().to_string();
    let files = manifest["files"].as_array().map_or(0, Vec::len);
    let mut problems = check_files(dir, &manifest);
    problems.extend(stray_files(dir, &manifest));
    let mut reruns = None;
    let mut warnings = Vec::new();
    if problems.is_empty() {
        let found = match command.as_str() {
            "run" => Some(rerun_run(dir, &manifest, spelling, stop)?),
            "ensemble" => Some(rerun_ensemble(dir, &manifest, sample, executor, spelling, stop)?),
            _ => None,
        };
        if let Some((found, count, said)) = found {
            reruns = Some(count);
            problems.extend(found);
            warnings = said;
        }
    }
    Ok(Verified {
        dir: dir.to_path_buf(),
        files,
        reruns,
        problems,
        warnings,
    })
}
