//! `esplab verify DIR`: checks that an output folder is whole (every file the manifest lists,
//! with its size and SHA-256) and, for runs and ensembles, re-runs what it records and confirms
//! the bytes.

use crate::options::VerifyArgs;
use crate::shared::warn;
use anyhow::{bail, Context, Result};
use esplab_experiment::{simulate, Executor};
use esplab_model::Simulation;
use esplab_output::RunFolder;
use esplab_scenario::{sha256_hex, Scenario};
use serde_json::Value;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

/// Files of a run folder that a re-run must reproduce byte for byte (the others record where
/// the scenario came from).
const RUN_DATA: [&str; 5] = [
    "timeseries.csv",
    "timeseries.parquet",
    "offerings.csv",
    "flows.csv",
    "events.csv",
];

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

fn sha_of(manifest: &Value, name: &str) -> Option<String> {
    manifest["files"]
        .as_array()?
        .iter()
        .find(|f| f["name"] == name)
        .and_then(|f| f["sha256"].as_str().map(str::to_string))
}

/// Re-runs a run folder's scenario into a temporary folder and compares the data files.
fn rerun_run(dir: &Path, manifest: &Value) -> Result<(Vec<String>, usize)> {
    let scenario = Scenario::load(&dir.join("scenario.toml").to_string_lossy(), &[])?;
    warn(&scenario.warnings);
    let temp = std::env::temp_dir().join(format!("esplab-verify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&temp);
    let mut folder = RunFolder::create(&temp, &scenario.parameters)?;
    let mut simulation = Simulation::new(&scenario.parameters);
    while simulation.step(&mut folder) {}
    folder.finish(&scenario)?;
    let mut problems = Vec::new();
    for name in RUN_DATA {
        let again = std::fs::read(temp.join(name)).map(|b| sha256_hex(&b));
        if again.ok() != sha_of(manifest, name) {
            problems.push(format!("{name}: the re-run gives other bytes"));
        }
    }
    let _ = std::fs::remove_dir_all(&temp);
    Ok((problems, 1))
}

/// Re-runs `sample` runs of an ensemble (evenly spread) and compares their rows of runs.csv.
fn rerun_ensemble(dir: &Path, manifest: &Value, sample: usize, threads: usize) -> Result<(Vec<String>, usize)> {
    let scenario = Scenario::load(&dir.join("scenario.toml").to_string_lossy(), &[])?;
    let master = manifest["settings"]["master_seed"]
        .as_u64()
        .context("manifest.json: settings.master_seed is missing")?;
    let text = std::fs::read_to_string(dir.join("runs.csv")).context("cannot read runs.csv")?;
    let lines: Vec<&str> = text.lines().skip(1).collect();
    let runs = lines.len();
    let count = sample.min(runs).max(1);
    let picked: Vec<u64> = (0..count).map(|k| (k * runs / count) as u64).collect();
    let p = &scenario.parameters;
    let mut problems = Vec::new();
    let stop = AtomicBool::new(false);
    Executor::new(threads)
        .run(
            &picked,
            &stop,
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
        .ok();
    Ok((problems, count))
}

pub fn verify(args: VerifyArgs) -> Result<ExitCode> {
    let dir = &args.dir;
    let manifest_path = dir.join("manifest.json");
    if !manifest_path.is_file() {
        bail!(
            "{}: no manifest.json: not an esplab output folder, or an unfinished one",
            dir.display()
        );
    }
    let manifest: Value = serde_json::from_slice(&std::fs::read(&manifest_path)?)
        .with_context(|| format!("{}: not valid JSON", manifest_path.display()))?;
    let command = manifest["command"].as_str().unwrap_or_default().to_string();
    let files = manifest["files"].as_array().map_or(0, Vec::len);
    let mut problems = check_files(dir, &manifest);
    let mut rerun = String::from("not re-run (only run and ensemble folders are)");
    let mut identical = "";
    if problems.is_empty() {
        let found = match command.as_str() {
            "run" => Some(rerun_run(dir, &manifest)?),
            "ensemble" => Some(rerun_ensemble(dir, &manifest, args.sample as usize, args.threads)?),
            _ => None,
        };
        if let Some((found, count)) = found {
            rerun = format!("{count} re-run{} compared", if count == 1 { "" } else { "s" });
            identical = " and identical";
            problems.extend(found);
        }
    }
    if problems.is_empty() {
        println!(
            "{}: verified: {files} files match the manifest's checksums; {rerun}{identical}",
            dir.display()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{}: {} problem(s):", dir.display(), problems.len());
        for p in &problems {
            eprintln!("  {p}");
        }
        Ok(ExitCode::FAILURE)
    }
}
