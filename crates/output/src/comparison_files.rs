//! Files of `compare` and `leverage`: per-metric (or per-lever) statistics with intervals, as
//! JSON and CSV, and the manifest.

use crate::atomic;
use crate::error::Result;
use crate::journal::PairedJournal;
use crate::manifest;
use crate::table::{Column, Table};
use esplab_experiment::compare::{MetricComparison, CONFIDENCE};
use esplab_experiment::leverage::{verdict, Lever, LeverEffect, NEGLIGIBLE_EFFECT};
use esplab_experiment::levers::LeverSetup;
use esplab_experiment::statistics::Interval;
use esplab_scenario::Scenario;
use serde_json::{json, Value};
use std::path::Path;

fn interval_json(i: &Interval) -> Value {
    json!({"estimate": i.estimate, "standard_error": i.standard_error, "low": i.low, "high": i.high, "df": i.df})
}

/// JSON of a comparison.
pub fn comparison_json(rows: &[MetricComparison]) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                json!({
                    "metric": r.metric,
                    "base_mean": r.base_mean,
                    "variant_mean": r.variant_mean,
                    "paired_difference": interval_json(&r.paired),
                    "unpaired_difference": interval_json(&r.unpaired),
                    "distinguishable_from_zero": !r.paired.contains_zero(),
                })
            })
            .collect(),
    )
}

/// The comparison as a table.
pub fn comparison_table(rows: &[MetricComparison]) -> Table {
    let number = |f: fn(&MetricComparison) -> f64| Column::Number(rows.iter().map(f).collect());
    Table {
        names: [
            "metric",
            "base_mean",
            "variant_mean",
            "paired_difference",
            "paired_low",
            "paired_high",
            "paired_se",
            "unpaired_low",
            "unpaired_high",
            "unpaired_se",
            "distinguishable_from_zero",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        columns: vec![
            Column::Text(rows.iter().map(|r| r.metric.clone()).collect()),
            number(|r| r.base_mean),
            number(|r| r.variant_mean),
            number(|r| r.paired.estimate),
            number(|r| r.paired.low),
            number(|r| r.paired.high),
            number(|r| r.paired.standard_error),
            number(|r| r.unpaired.low),
            number(|r| r.unpaired.high),
            number(|r| r.unpaired.standard_error),
            Column::Text(rows.iter().map(|r| (!r.paired.contains_zero()).to_string()).collect()),
        ],
    }
}

/// Writes `compare.json`, `compare.csv` and the manifest into `dir`.
pub fn write_comparison(
    dir: &Path,
    rows: &[MetricComparison],
    base: &Scenario,
    variant: &Scenario,
    settings: Value,
    journal: Option<PairedJournal>,
) -> Result<()> {
    write_experiment(
        dir,
        "compare",
        &[("base", base), ("variant", variant)],
        settings,
        ("compare.json", &comparison_json(rows)),
        &[("compare.csv", &comparison_table(rows))],
        journal,
    )
}

/// Writes the JSON `document` and the CSV `tables` of a paired experiment, then the manifest of
/// `command` into `dir`. The journal of the runs, if any, goes just before the manifest comes:
/// a complete folder never holds one.
pub(crate) fn write_experiment(
    dir: &Path,
    command: &str,
    scenarios: &[(&str, &Scenario)],
    settings: Value,
    document: (&str, &Value),
    tables: &[(&str, &Table)],
    journal: Option<PairedJournal>,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| crate::OutputError::io(dir, e))?;
    let _ = std::fs::remove_file(dir.join("manifest.json"));
    atomic::write(&dir.join(document.0), manifest::pretty(document.1).as_bytes())?;
    for (name, table) in tables {
        table.write_csv(&dir.join(name))?;
    }
    let files: Vec<&str> = std::iter::once(document.0).chain(tables.iter().map(|t| t.0)).collect();
    let m = manifest::build(command, scenarios, settings, dir, &files)?;
    if let Some(journal) = journal {
        journal.remove();
    }
    atomic::write(&dir.join("manifest.json"), manifest::pretty(&m).as_bytes())
}

/// How an effect is split into its three parts, in words (leverage.json, docs).
pub const DECOMPOSITION: &str = "effect = mechanical_part + vendors_part + shares_part. mechanical_part: the lever's own writes (a regulation's floor, a heroic vendor's commitment, procurement rules' moves of bound buyers) applied to the base run's last year with no one responding, less the base's long-run baseline; zero for levers that write nothing. shares_part: the change of each offering's long-run share of adopters from the mechanical trajectory's to the lever run's, times the lever run's security (the users' flows). vendors_part: the rest, the vendors' security against the mechanical trajectory's at its shares plus covariation_in_vendors_part (covariation of shares and security within the last year, and the floor)";

/// The leverage document (`leverage.json`): the base's long-run baseline and each lever's
/// paired effects, ranked.
pub fn leverage_document(setup: &LeverSetup, ranked: &[LeverEffect], base_long_run: &Interval, runs: u64) -> Value {
    let levers = &setup.levers;
    let json_rows: Vec<Value> = ranked
        .iter()
        .enumerate()
        .map(|(rank, r)| {
            let l = &levers[r.lever];
            json!({
                "rank": rank + 1,
                "lever": l.name(),
                "meaning": l.meaning,
                "size": l.size,
                "unit": l.unit,
                "effect_on_long_run_baseline": {"estimate": r.effect.estimate, "low": r.effect.low, "high": r.effect.high, "standard_error": r.effect.standard_error},
                "effect_per_unit": r.effect.estimate / l.size,
                "mechanical_part": {"estimate": r.mechanical.estimate, "low": r.mechanical.low, "high": r.mechanical.high},
                "vendors_part": {"estimate": r.vendors.estimate, "low": r.vendors.low, "high": r.vendors.high},
                "shares_part": {"estimate": r.shares.estimate, "low": r.shares.low, "high": r.shares.high},
                "covariation_in_vendors_part": {"estimate": r.covariation.estimate, "low": r.covariation.low, "high": r.covariation.high},
                "effect_on_final_adoption": {"estimate": r.adoption.estimate, "low": r.adoption.low, "high": r.adoption.high},
                "effect_on_total_loss": {"estimate": r.loss.estimate, "low": r.loss.low, "high": r.loss.high},
                "verdict": verdict(&r.effect),
            })
        })
        .collect();
    json!({
        "metric": "long_run_baseline",
        "metric_meaning": "mean baseline over the last 365 days of the horizon",
        "confidence": CONFIDENCE,
        "negligible_effect": NEGLIGIBLE_EFFECT,
        "runs_per_lever": runs,
        "start_day": setup.start,
        "base_long_run_baseline": {"estimate": base_long_run.estimate, "low": base_long_run.low, "high": base_long_run.high},
        "decomposition": DECOMPOSITION,
        "levers": json_rows,
    })
}

/// The leverage table (`leverage.csv`, and Python's `leverage`): one row per lever, ranked.
pub fn leverage_table(levers: &[Lever], ranked: &[LeverEffect]) -> Table {
    let text = |f: &dyn Fn(&LeverEffect) -> String| Column::Text(ranked.iter().map(f).collect());
    let number = |f: &dyn Fn(&LeverEffect) -> f64| Column::Number(ranked.iter().map(f).collect());
    Table {
        names: [
            "rank",
            "lever",
            "size",
            "unit",
            "effect",
            "low",
            "high",
            "effect_per_unit",
            "mechanical_part",
            "mechanical_low",
            "mechanical_high",
            "vendors_part",
            "vendors_low",
            "vendors_high",
            "shares_part",
            "shares_low",
            "shares_high",
            "adoption_effect",
            "loss_effect",
            "verdict",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        columns: vec![
            Column::Count((1..=ranked.len() as u32).collect()),
            text(&|r| levers[r.lever].name().to_string()),
            number(&|r| levers[r.lever].size),
            text(&|r| levers[r.lever].unit.to_string()),
            number(&|r| r.effect.estimate),
            number(&|r| r.effect.low),
            number(&|r| r.effect.high),
            number(&|r| r.effect.estimate / levers[r.lever].size),
            number(&|r| r.mechanical.estimate),
            number(&|r| r.mechanical.low),
            number(&|r| r.mechanical.high),
            number(&|r| r.vendors.estimate),
            number(&|r| r.vendors.low),
            number(&|r| r.vendors.high),
            number(&|r| r.shares.estimate),
            number(&|r| r.shares.low),
            number(&|r| r.shares.high),
            number(&|r| r.adoption.estimate),
            number(&|r| r.loss.estimate),
            text(&|r| verdict(&r.effect).to_string()),
        ],
    }
}

/// Writes `leverage.json`, `leverage.csv` (from `table`) and the manifest into `dir`; the
/// journal of the runs, if any, is removed just before the manifest is written.
pub fn write_leverage(
    dir: &Path,
    json: &Value,
    table: &Table,
    scenario: &Scenario,
    settings: Value,
    journal: Option<PairedJournal>,
) -> Result<()> {
    write_experiment(
        dir,
        "leverage",
        &[("scenario", scenario)],
        settings,
        ("leverage.json", json),
        &[("leverage.csv", table)],
        journal,
    )
}
