//! Files of `esplab calibrate`: every particle of every generation and the posterior (CSV and
//! Parquet), the summary as JSON (the posterior, its predictive check, held-out figures), the
//! targets and the scenario, and the manifest; and a posterior read back for draws.

use crate::atomic;
use crate::error::Result;
use crate::manifest;
use crate::read_back::{self, Cells};
use crate::table::{Column, Table};
use esplab_experiment::calibration::posterior::{resample_weights, Marginal, Predictive};
use esplab_experiment::calibration::{Calibration, Generation};
use esplab_experiment::calibration::{CalibrationJob, CalibrationResult};
use esplab_experiment::design::{Distribution, Factor};
use esplab_model::Parameters;
use esplab_scenario::fields::set_numeric;
use esplab_scenario::targets::{Target, TargetSet};
use esplab_scenario::{Override, Scenario};
use serde_json::{json, Value};
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
    /// The held-out target file's text, copied as `holdout.toml`, if any.
    pub holdout_text: Option<&'a str>,
    pub scenario: &'a Scenario,
    /// Settings recorded in the manifest.
    pub settings: Value,
    /// The manifest's command: `calibrate`, or `fit` for a fit's folder.
    pub command: &'static str,
    /// More files of the folder, by name (a fit's observations and paths), written before the
    /// manifest, which lists them.
    pub extra: Vec<(&'static str, Vec<u8>)>,
}

/// Writes `particles.csv/.parquet`, `posterior.csv/.parquet`, `calibration.json`,
/// `targets.toml`, `holdout.toml` (with held-out targets), `scenario.toml` and, last,
/// `manifest.json` into `dir`.
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
    let mut written = vec![
        "particles.csv",
        "particles.parquet",
        "posterior.csv",
        "posterior.parquet",
        "calibration.json",
        "targets.toml",
        "scenario.toml",
    ];
    let _ = std::fs::remove_file(dir.join("holdout.toml"));
    if let Some(text) = files.holdout_text {
        atomic::write(&dir.join("holdout.toml"), text.as_bytes())?;
        written.push("holdout.toml");
    }
    for (name, bytes) in &files.extra {
        atomic::write(&dir.join(name), bytes)?;
        written.push(name);
    }
    let m = manifest::build(
        files.command,
        &[("scenario", files.scenario)],
        files.settings.clone(),
        dir,
        &written,
    )?;
    atomic::write(&dir.join("manifest.json"), manifest::pretty(&m).as_bytes())
}

/// A finished calibration with what it was run on, for its files.
#[derive(Clone, Copy)]
pub struct Calibrated<'a> {
    pub scenario: &'a Scenario,
    pub targets: &'a TargetSet,
    /// Held-out figures, if any.
    pub holdout: Option<&'a TargetSet>,
    pub factors: &'a [Factor],
    pub result: &'a CalibrationResult,
    pub job: &'a CalibrationJob,
}

pub fn prior_json(f: &Factor) -> Value {
    match &f.distribution {
        Distribution::Uniform { low, high } => {
            json!({"key": f.key, "distribution": "uniform", "low": low, "high": high})
        }
        Distribution::LogUniform { low, high } => {
            json!({"key": f.key, "distribution": "log-uniform", "low": low, "high": high})
        }
        Distribution::Values(v) => json!({"key": f.key, "distribution": "values", "values": v}),
    }
}

pub fn marginal_json(key: &str, m: &Marginal, prior: &Factor) -> Value {
    json!({
        "key": key, "mean": m.mean, "sd": m.sd, "median": m.median,
        "credible_95": [m.low95, m.high95], "credible_50": [m.low50, m.high50],
        "prior": prior_json(prior),
    })
}

fn predictive_json(name: &str, p: &Predictive) -> Value {
    json!({
        "statistic": name, "target": p.target, "band": [p.low, p.high], "draws_defined": p.defined,
        "mean": p.mean, "p05": p.p05, "p50": p.p50, "p95": p.p95, "share_below_target": p.share_below_target,
        "target_within_90": p.covers_target(),
    })
}

/// A target as `calibration.json` lists it; `scale` is its distance scale, if fitted.
fn target_json(t: &Target, scale: Option<f64>) -> Value {
    let mut row = json!({
        "statistic": t.statistic, "label": t.label(), "value": t.value, "rows": t.rows,
        "derivation": t.derivation, "description": t.definition().description,
    });
    if let Some(scale) = scale {
        row["distance_scale"] = json!(scale);
    }
    if let Some(s) = &t.share {
        row["offering"] = json!(s.offering);
        row["date"] = json!(s.date);
        row["sample"] = json!(s.sample);
        row["relation"] = json!(if s.lower_bound { "lower bound" } else { "same" });
        row["series"] = json!(s.series);
    }
    row
}

/// `calibration.json`: targets, priors, the generations, the posterior and its predictive check.
pub fn summary_json(calibrated: &Calibrated<'_>) -> Value {
    let Calibrated {
        scenario,
        targets,
        holdout,
        factors,
        result,
        job,
    } = *calibrated;
    let mut summary = json!({
        "scenario": scenario.name,
        "targets": {
            "source": targets.source, "name": targets.name, "description": targets.description,
            "targets": targets.targets.iter().zip(&result.calibration.scales)
                .map(|(t, &s)| target_json(t, Some(s))).collect::<Vec<_>>(),
        },
        "priors": factors.iter().map(prior_json).collect::<Vec<_>>(),
        "users": scenario.parameters.run.users,
        "replicates": job.replicates,
        "days": scenario.parameters.run.days(),
        "ending": result.calibration.ending.describe(),
        "simulations": result.calibration.simulations(),
        "generations": result.calibration.generations.iter().map(|g| json!({
            "generation": g.index, "epsilon": if g.epsilon.is_finite() { json!(g.epsilon) } else { Value::Null },
            "simulations": g.simulations, "acceptance_rate": g.acceptance_rate(),
            "effective_sample_size": g.effective_sample_size(),
        })).collect::<Vec<_>>(),
        "posterior": factors.iter().zip(&result.marginals).zip(&result.narrowing).map(|((f, m), &n)| {
            let mut row = marginal_json(&f.key, m, f);
            row["narrowing"] = json!(n);
            row
        }).collect::<Vec<_>>(),
        "posterior_predictive": {
            "draws": result.draws,
            "statistics": targets.targets.iter().zip(&result.predictives)
                .map(|(t, p)| predictive_json(&t.label(), p)).collect::<Vec<_>>(),
        },
    });
    if let Some(holdout) = holdout {
        let predictives = &result.held_out;
        summary["holdout"] = json!({
            "source": holdout.source, "name": holdout.name, "description": holdout.description,
            "covered": predictives.iter().filter(|p| p.covers_target()).count(),
            "statistics": holdout.targets.iter().zip(predictives).map(|(t, p)| {
                let mut row = predictive_json(&t.label(), p);
                for (key, value) in target_json(t, None).as_object().into_iter().flatten() {
                    if row.get(key).is_none() {
                        row[key] = value.clone();
                    }
                }
                row["predicted_over_observed"] = ratio_json(p.p50, t.value);
                row
            }).collect::<Vec<_>>(),
        });
    }
    summary
}

/// `predicted / observed`, or null when the observed figure is zero.
fn ratio_json(predicted: f64, observed: f64) -> Value {
    let ratio = predicted / observed;
    if ratio.is_finite() {
        json!(ratio)
    } else {
        Value::Null
    }
}

/// The settings a calibration's manifest records.
pub fn manifest_settings(job: &CalibrationJob, prior_texts: &[String]) -> Value {
    let s = &job.settings;
    json!({
        "master_seed": s.seed, "particles": s.particles, "generations": s.generations,
        "quantile": s.quantile, "min_acceptance": s.min_acceptance,
        "max_simulations": s.max_simulations, "predictive_draws": job.predictive_draws,
        "replicates": job.replicates,
        "priors": prior_texts,
        "run_seeds": "esplab_experiment::run_seed(master_seed, replicate << 56 | generation << 40 | proposal)",
    })
}

/// Writes every file of `calibrated` into `dir` (see [`write_calibration`]).
pub fn write_calibrated(dir: &Path, calibrated: &Calibrated<'_>, prior_texts: &[String]) -> Result<()> {
    write_calibration(
        dir,
        &CalibrationFiles {
            calibration: &calibrated.result.calibration,
            parameters: calibrated.factors.iter().map(|f| f.key.clone()).collect(),
            statistics: calibrated.targets.targets.iter().map(Target::label).collect(),
            summary: summary_json(calibrated),
            targets_text: &calibrated.targets.text,
            holdout_text: calibrated.holdout.map(|h| h.text.as_str()),
            scenario: calibrated.scenario,
            settings: manifest_settings(calibrated.job, prior_texts),
            command: "calibrate",
            extra: Vec::new(),
        },
    )
}

/// A calibration's posterior read back from its folder: the last generation's particles.
#[derive(Debug, Clone)]
pub struct Posterior {
    /// The calibrated scenario's name.
    pub scenario: String,
    /// The calibrated keys.
    pub keys: Vec<String>,
    /// Each particle's values of the keys.
    pub values: Vec<Vec<f64>>,
    /// Each particle's normalised weight.
    pub weights: Vec<f64>,
    /// SHA-256 of the folder's manifest.
    pub manifest_sha256: String,
}

/// Reads the posterior of the calibration folder `dir` (`posterior.csv`, with the calibrated
/// keys from `calibration.json`).
pub fn read_posterior(dir: &Path) -> Result<Posterior> {
    let (manifest, manifest_sha256) = read_back::manifest(dir, "give a folder written by `esplab calibrate`")?;
    if manifest["command"] != "calibrate" && manifest["command"] != "fit" {
        return Err(read_back::invalid(
            dir,
            format!(
                "is a `{}` folder, not a calibration or fit folder",
                manifest["command"].as_str().unwrap_or_default()
            ),
        ));
    }
    let summary_path = dir.join("calibration.json");
    let summary: Value = std::fs::read(&summary_path)
        .map_err(|e| crate::OutputError::io(&summary_path, e))
        .and_then(|b| {
            serde_json::from_slice(&b).map_err(|e| read_back::invalid(&summary_path, format!("is not valid JSON: {e}")))
        })?;
    let keys: Vec<String> = summary["posterior"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["key"].as_str().map(str::to_string))
        .collect();
    if keys.is_empty() {
        return Err(read_back::invalid(
            &summary_path,
            "names no calibrated parameter".into(),
        ));
    }
    let cells = Cells::read(dir, "posterior.csv")?;
    let weight = cells.column("weight")?;
    let columns: Vec<usize> = keys.iter().map(|k| cells.column(k)).collect::<Result<_>>()?;
    let mut values = Vec::with_capacity(cells.rows.len());
    let mut weights = Vec::with_capacity(cells.rows.len());
    for r in 0..cells.rows.len() {
        weights.push(cells.number(r, weight)?);
        values.push(
            columns
                .iter()
                .map(|&c| cells.number(r, c))
                .collect::<Result<Vec<f64>>>()?,
        );
    }
    let total: f64 = weights.iter().sum();
    if values.is_empty() || total.is_nan() || total <= 0.0 {
        return Err(read_back::invalid(&cells.path, "holds no particle with weight".into()));
    }
    weights.iter_mut().for_each(|w| *w /= total);
    Ok(Posterior {
        scenario: manifest["scenario"]["name"].as_str().unwrap_or_default().to_string(),
        keys,
        values,
        weights,
        manifest_sha256,
    })
}

/// Draws from a calibration's posterior, ready to run: the calibrated scenario and, per draw,
/// the calibrated keys' values and the parameters with them set.
pub struct PosteriorDraws {
    /// The scenario the calibration ran (its `scenario.toml`, with the caller's overrides).
    pub scenario: Scenario,
    pub posterior: Posterior,
    pub points: Vec<Vec<f64>>,
    pub parameters: Vec<Parameters>,
}

/// `count` draws by weight (systematic resampling, seeded by the scenario's `run.seed`) from the
/// posterior of the calibration folder `dir`, on its scenario with `overrides` applied. Shared by
/// `leverage --draws FOLDER` and Python's `leverage_over_draws`.
pub fn posterior_draws(
    dir: &Path,
    overrides: &[Override],
    count: usize,
) -> std::result::Result<PosteriorDraws, String> {
    let posterior = read_posterior(dir).map_err(|e| e.to_string())?;
    let scenario =
        Scenario::load(&dir.join("scenario.toml").display().to_string(), overrides).map_err(|e| e.to_string())?;
    let chosen = resample_weights(&posterior.weights, count, scenario.parameters.run.seed);
    let points: Vec<Vec<f64>> = chosen.iter().map(|&i| posterior.values[i].clone()).collect();
    let parameters = points
        .iter()
        .map(|x| {
            let mut p = scenario.parameters.clone();
            for (key, &v) in posterior.keys.iter().zip(x) {
                set_numeric(&mut p, key, v);
            }
            p
        })
        .collect();
    Ok(PosteriorDraws {
        scenario,
        posterior,
        points,
        parameters,
    })
}
