//! `esplab analyze` on an ensemble folder: every run is recomputed exactly from the folder's
//! resolved scenario and master seed, analysed, and the analyses are summarised across runs.

use crate::shared::{interrupted, progress, stop_flag};
use anyhow::{bail, Context, Result};
use esplab_experiment::analysis::{analyze, Analysis, RunData};
use esplab_experiment::facts::median_interval;
use esplab_experiment::run::record;
use esplab_experiment::Executor;
use esplab_model::EventKind;
use esplab_output::{atomic, manifest};
use esplab_scenario::Scenario;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

fn summary(values: &[f64]) -> Value {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return json!({"n": 0});
    }
    let (median, low, high) = median_interval(&finite);
    json!({"median": median, "low": low, "high": high, "n": finite.len()})
}

fn show(name: &str, v: &Value) {
    if v["n"] == 0 {
        println!("  {name:<40} -");
    } else {
        println!(
            "  {name:<40} {:>10.4} [{:.4}, {:.4}]  (n = {})",
            v["median"].as_f64().unwrap_or(f64::NAN),
            v["low"].as_f64().unwrap_or(f64::NAN),
            v["high"].as_f64().unwrap_or(f64::NAN),
            v["n"]
        );
    }
}

/// Analyses every run of the ensemble in `dir`.
pub fn analyze_ensemble(dir: &Path, threads: usize, quiet: bool) -> Result<()> {
    let manifest_path = dir.join("manifest.json");
    let m: Value = serde_json::from_slice(
        &std::fs::read(&manifest_path)
            .with_context(|| format!("{}: not a complete ensemble folder (no manifest.json)", dir.display()))?,
    )
    .with_context(|| format!("{}: unreadable", manifest_path.display()))?;
    let (Some(master), Some(runs)) = (m["settings"]["master_seed"].as_u64(), m["settings"]["runs"].as_u64()) else {
        bail!(
            "{}: no master seed or run count in the manifest",
            manifest_path.display()
        );
    };
    let scenario_path = dir.join("scenario.toml");
    if !scenario_path.exists() {
        bail!(
            "{}: the ensemble folder has no scenario.toml (written by esplab 0.1 ensembles); run the ensemble again",
            dir.display()
        );
    }
    let scenario = Scenario::load(scenario_path.to_str().unwrap_or_default(), &[])?;
    let names: Vec<String> = scenario.parameters.offerings.iter().map(|o| o.name.clone()).collect();
    let executor = Executor::new(threads);
    let indices: Vec<u64> = (0..runs).collect();
    let bar = progress(runs, "runs re-simulated and analysed", quiet);
    let mut analyses: Vec<Analysis> = Vec::new();
    let mut pooled = RunData::default();
    let stopped = executor.run(
        &indices,
        stop_flag(),
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
            bar.inc(1);
            analyses.push(a);
            pooled.events.extend(outcomes);
            Ok::<(), anyhow::Error>(())
        },
    )?;
    bar.finish_and_clear();
    if stopped.is_some() {
        return interrupted();
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
    atomic::write(&dir.join("analysis.json"), manifest::pretty(&document).as_bytes())
        .with_context(|| format!("cannot write into {}", dir.display()))?;
    if quiet {
        return Ok(());
    }
    println!(
        "esplab analyze: ensemble {} ({runs} runs recomputed from scenario.toml and master seed {master})",
        dir.display()
    );
    println!("median [95% interval of the median] over runs (or over all jumps and equilibria of all runs):");
    for key in [
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
    ] {
        show(key, &document[key]);
    }
    println!("causes of jumps across runs:");
    for (cause, count) in &causes {
        println!("  {cause:<48} {count}");
    }
    println!("analysis written to {}/analysis.json", dir.display());
    Ok(())
}
