//! Files of `esplab calibrate`: every particle of every generation and the posterior (CSV and
//! Parquet), the summary as JSON, the targets and the scenario, and the manifest.

use crate::atomic;
use crate::error::Result;
use crate::manifest;
use crate::table::{Column, Table};
use esplab_experiment::calibration::{Calibration, Generation};
use esplab_scenario::Scenario;
use serde_json::Value;
use std::path::Path;

/// The particles of `generations` as a table: generation, particle, proposal, weight, distance,
/// each parameter, each statistic.
pub fn particles_table(generations: &[&Generation], parameters: &[String], statistics: &[String]) -> Table {
    let rows: Vec<(usize, usize, &esplab_experiment::calibration::Particle)> = generations
        .iter()
        .flat_map(|g| g.particles.iter().enumerate().map(move |(i, p)| (g.index, i, p)))
        .collect();
    let mut names: Vec<String> = ["generation", "particle", "proposal", "weight", "distance"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut columns = vec![
        Column::Count(rows.iter().map(|r| r.0 as u32).collect()),
        Column::Count(rows.iter().map(|r| r.1 as u32).collect()),
        Column::Index(rows.iter().map(|r| r.2.proposal).collect()),
        Column::Number(rows.iter().map(|r| r.2.weight).collect()),
        Column::Number(rows.iter().map(|r| r.2.distance).collect()),
    ];
    for (k, name) in parameters.iter().enumerate() {
        names.push(name.clone());
        columns.push(Column::Number(rows.iter().map(|r| r.2.values[k]).collect()));
    }
    for (k, name) in statistics.iter().enumerate() {
        names.push(name.clone());
        columns.push(Column::Number(rows.iter().map(|r| r.2.statistics[k]).collect()));
    }
    Table { names, columns }
}

/// What `write_calibration` needs besides the sampler's result.
pub struct CalibrationFiles<'a> {
    pub calibration: &'a Calibration,
    /// Calibrated keys, in the order of the particles' values.
    pub parameters: Vec<String>,
    /// Targeted statistics, in the order of the particles' statistics.
    pub statistics: Vec<String>,
    /// `calibration.json`: the summary.
    pub summary: Value,
    /// The target file's text, copied as `targets.toml`.
    pub targets_text: &'a str,
    pub scenario: &'a Scenario,
    /// Settings recorded in the manifest.
    pub settings: Value,
}

/// Writes `particles.csv/.parquet`, `posterior.csv/.parquet`, `calibration.json`,
/// `targets.toml`, `scenario.toml` and, last, `manifest.json` into `dir`.
pub fn write_calibration(dir: &Path, files: &CalibrationFiles<'_>) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| crate::OutputError::io(dir, e))?;
    let _ = std::fs::remove_file(dir.join("manifest.json"));
    let all: Vec<&Generation> = files.calibration.generations.iter().collect();
    particles_table(&all, &files.parameters, &files.statistics).write_both(dir, "particles")?;
    let last: Vec<&Generation> = files.calibration.posterior().into_iter().collect();
    particles_table(&last, &files.parameters, &files.statistics).write_both(dir, "posterior")?;
    atomic::write(
        &dir.join("calibration.json"),
        manifest::pretty(&files.summary).as_bytes(),
    )?;
    atomic::write(&dir.join("targets.toml"), files.targets_text.as_bytes())?;
    atomic::write(&dir.join("scenario.toml"), files.scenario.resolved_toml().as_bytes())?;
    let m = manifest::build(
        "calibrate",
        &[("scenario", files.scenario)],
        files.settings.clone(),
        dir,
        &[
            "particles.csv",
            "particles.parquet",
            "posterior.csv",
            "posterior.parquet",
            "calibration.json",
            "targets.toml",
            "scenario.toml",
        ],
    )?;
    atomic::write(&dir.join("manifest.json"), manifest::pretty(&m).as_bytes())
}
