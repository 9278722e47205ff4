//! `esplab analyze` on an ensemble folder: every run is recomputed exactly from the folder's
//! resolved scenario and master seed, analysed, and the analyses are summarised across runs.

use crate::error::CommandError;
use crate::machine_memory;
use crate::progress::Progress;
use crate::stop::Stop;
use esplab_experiment::analysis::{analyze, Analysis, RunData};
use esplab_experiment::facts::median_interval;
use esplab_experiment::run::record;
use esplab_experiment::Executor;
use esplab_model::EventKind;
use esplab_output::{atomic, manifest};
use esplab_scenario::{Scenario, Spelling};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The statistics printed of an ensemble's analysis, in order (keys of its document).
pub const PRINTED: [&str; 17] = [
    "jumps_per_run",
    "jump_size",
    "erosion_rate_per_year",
    "daily_kurtosis",
    "weekly_kurtosis",
    "daily_l_kurtosis",
    "weekly_l_kurtosis",
    "top5_share_of_weekly_increase",
    "top5_share_of_weekly_decrease",
    "incident_log10_records_mean",
    "incident_log10_records_sd",
    "incident_tail_exponent",
    "monthly_count_variance_to_mean",
    "news_to_first_vendor_raise_days",
    "news_to_first_regulation_days",
    "losses_to_first_vendor_raise_days",
    "losses_to_first_regulation_days",
];

/// An ensemble folder's runs ready to be re-simulated and analysed.
pub struct Prepared {
    dir: PathBuf,
    scenario: Scenario,
    master: u64,
    runs: u64,
}

/// The analyses summarised across runs.
pub struct Outcome {
    pub dir: PathBuf,
    pub runs: u64,
    pub master: u64,
    /// analysis.json.
    pub document: Value,
    /// How many jumps each cause explains across runs.
    pub causes: BTreeMap<String, usize>,
}

fn summary(values: &[f64]) -> Value {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return json!({"n": 0});
    }
    let (median, low, high) = median_interval(&finite);
    json!({"median": median, "low": low, "high": high, "n": finite.len()})
}

/// Reads the ensemble folder `dir` (its manifest and resolved scenario) and checks memory.
pub fn prepare(dir: &Path, executor: &Executor, spelling: Spelling) -> Result<Prepared, CommandError> {
    let manifest_path = dir.join("manifest.json");
    let bytes = std::fs::read(&manifest_path).map_err(|_| {
        CommandError::Failed(format!(
            "{}: not a complete ensemble folder (no manifest.json)",
            dir.display()
        ))
    })?;
    let m: Value = serde_json::from_slice(&bytes)
        .map_err(|e| CommandError::Failed(format!("{}: unreadable: {e}", manifest_path.display())))?;
    let (Some(master), Some(runs)) = (m["settings"]["master_seed"].as_u64(), m["settings"]["runs"].as_u64()) else {
        return Err(CommandError::Failed(format!(
            "{}: no master seed or run count in the manifest",
            manifest_path.display()
        )));
    };
    let scenario_path = dir.join("scenario.toml");
    if !scenario_path.exists() {
        return Err(CommandError::Failed(format!(
            "{}: the ensemble folder has no scenario.toml (written by esplab 0.1 ensembles); run the ensemble again",
            dir.display()
        )));
    }
    let scenario = Scenario::load(scenario_path.to_str().unwrap_or_default(), &[])?;
    machine_memory::ensure(
        &format!("the runs of {}", dir.display()),
        [&scenario.parameters],
        executor,
        runs,
        spelling,
    )?;
    Ok(Prepared {
        dir: dir.to_path_buf(),
        scenario,
        master,
        runs,
    })
}

/// Re-simulates and analyses every run of the ensemble, and writes analysis.json into its folder.
pub fn run(
    prepared: Prepared,
    executor: &Executor,
    progress: &dyn Progress,
    stop: &Stop,
) -> Result<Outcome, CommandError> {
    let Prepared {
        dir,
        scenario,
        master,
        runs,
    } = prepared;
    let names: Vec<String> = scenario.parameters.offerings.iter().map(|o| o.name.clone()).collect();
    let indices: Vec<u64> = (0..runs).collect();
    progress.begin("runs re-simulated and analysed", runs, 0);
    let mut analyses: Vec<Analysis> = Vec::new();
    let mut pooled = RunData::default();
    let stopped = executor.run(
        &indices,
        stop.flag(),
        |i| {
            let data = RunData::from_recorder(&record(&scenario.parameters, master, i), &names);
            let outcomes = data
                .events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::IncidentOutcome | EventKind::Incident))
                .cloned()
                .collect::<Vec<_>>();
            (analyze(&data), outcomes)
        },
        |_, (a, outcomes)| {
            progress.advance(1);
            analyses.push(a);
            pooled.events.extend(outcomes);
            Ok::<(), CommandError>(())
        },
    );
    progress.end();
    if stopped?.is_some() {
        return Err(CommandError::Interrupted(None));
    }
    let per = |f: &dyn Fn(&Analysis) -> Option<f64>| summary(&analyses.iter().filter_map(f).collect::<Vec<f64>>());
    let mut causes: BTreeMap<String, usize> = BTreeMap::new();
    for a in &analyses {
        for j in &a.jumps {
            *causes.entry(j.cause.clone()).or_default() += 1;
        }
    }
    let pooled_incidents = analyze(&RunData {
        baseline: vec![0.0; 3],
        ..pooled
    })
    .incidents;
    let document = json!({
        "runs": runs,
        "master_seed": master,
        "method": "each run recomputed from scenario.toml and the master seed, analysed as a run, summarised by the median and its 95% order-statistic interval",
        "jumps_per_run": per(&|a| Some(a.jumps.len() as f64)),
        "jump_causes": causes,
        "jump_size": summary(&analyses.iter().flat_map(|a| a.jumps.iter().map(|j| j.size)).collect::<Vec<f64>>()),
        "daily_kurtosis": per(&|a| Some(a.daily_kurtosis)),
        "weekly_kurtosis": per(&|a| Some(a.weekly_kurtosis)),
        "daily_l_kurtosis": per(&|a| Some(a.daily_l_kurtosis)),
        "weekly_l_kurtosis": per(&|a| Some(a.weekly_l_kurtosis)),
        "top5_share_of_weekly_increase": per(&|a| a.top5_share_of_increase),
        "top5_share_of_weekly_decrease": per(&|a| a.top5_share_of_decrease),
        "erosion_rate_per_year": summary(&analyses.iter().flat_map(|a| a.segments.iter().filter(|s| !s.is_jump && s.end - s.start >= 30).map(|s| s.rate_per_year)).collect::<Vec<f64>>()),
        "incident_log10_records_mean": per(&|a| Some(a.incidents.log10_mean)),
        "incident_log10_records_sd": per(&|a| Some(a.incidents.log10_sd)),
        "incident_tail_exponent": per(&|a| a.incidents.tail_exponent),
        "monthly_count_variance_to_mean": per(&|a| Some(a.incidents.monthly_variance_to_mean)),
        "abandonment_within_90_days_by_size_decile_pooled": pooled_incidents.abandonment_by_decile.iter().map(|d| json!({
            "records_low": d.low, "records_high": d.high, "incidents": d.incidents, "victims": d.victims, "abandoned_share": d.abandoned_share,
        })).collect::<Vec<_>>(),
        "news_to_first_vendor_raise_days": per(&|a| a.lags.news_to_first_vendor_raise.map(f64::from)),
        "news_to_first_regulation_days": per(&|a| a.lags.news_to_first_regulation.map(f64::from)),
        "losses_to_first_vendor_raise_days": per(&|a| a.lags.losses_to_first_vendor_raise.map(f64::from)),
        "losses_to_first_regulation_days": per(&|a| a.lags.losses_to_first_regulation.map(f64::from)),
    });
    atomic::write(&dir.join("analysis.json"), manifest::pretty(&document).as_bytes()).map_err(|e| {
        CommandError::Output {
            action: "write into",
            dir: dir.clone(),
            source: e,
        }
    })?;
    Ok(Outcome {
        dir,
        runs,
        master,
        document,
        causes,
    })
}
