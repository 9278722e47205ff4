//! Files of `compare` and `leverage`: per-metric (or per-lever) statistics with intervals, as
//! JSON and CSV, and the manifest.

use crate::atomic;
use crate::error::Result;
use crate::manifest;
use crate::table::{Column, Table};
use esplab_experiment::compare::MetricComparison;
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
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| crate::OutputError::io(dir, e))?;
    let _ = std::fs::remove_file(dir.join("manifest.json"));
    atomic::write(
        &dir.join("compare.json"),
        manifest::pretty(&comparison_json(rows)).as_bytes(),
    )?;
    comparison_table(rows).write_csv(&dir.join("compare.csv"))?;
    let m = manifest::build(
        "compare",
        &[("base", base), ("variant", variant)],
        settings,
        dir,
        &["compare.json", "compare.csv"],
    )?;
    atomic::write(&dir.join("manifest.json"), manifest::pretty(&m).as_bytes())
}

/// Writes `leverage.json`, `leverage.csv` (from `table`) and the manifest into `dir`.
pub fn write_leverage(dir: &Path, json: &Value, table: &Table, scenario: &Scenario, settings: Value) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| crate::OutputError::io(dir, e))?;
    let _ = std::fs::remove_file(dir.join("manifest.json"));
    atomic::write(&dir.join("leverage.json"), manifest::pretty(json).as_bytes())?;
    table.write_csv(&dir.join("leverage.csv"))?;
    let m = manifest::build(
        "leverage",
        &[("scenario", scenario)],
        settings,
        dir,
        &["leverage.json", "leverage.csv"],
    )?;
    atomic::write(&dir.join("manifest.json"), manifest::pretty(&m).as_bytes())
}
