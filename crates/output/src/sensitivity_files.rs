//! The results of a sensitivity analysis as a table (`sensitivity.csv`) and as JSON
//! (`sensitivity.json`): one row per (metric, factor) with the method's four statistics; and
//! the sensitivity folder.

use crate::error::{OutputError, Result};
use crate::table::{Column, Table};
use crate::{atomic, manifest};
use esplab_experiment::sensitivity::Method;
use esplab_scenario::Scenario;
use serde_json::{json, Value};
use std::path::Path;

/// One row per (metric, factor): metric, factor, and the method's statistics.
pub fn sensitivity_table(method: Method, metrics: &[String], factors: &[String], indices: &[[Vec<f64>; 4]]) -> Table {
    let mut names = vec!["metric".to_string(), "factor".to_string()];
    names.extend(method.statistics().iter().map(|s| s.to_string()));
    let (mut metric_col, mut factor_col) = (Vec::new(), Vec::new());
    let mut stats: Vec<Vec<f64>> = vec![Vec::new(); 4];
    for (metric, columns) in metrics.iter().zip(indices) {
        for (j, factor) in factors.iter().enumerate() {
            metric_col.push(metric.clone());
            factor_col.push(factor.clone());
            for (k, column) in columns.iter().enumerate() {
                stats[k].push(column[j]);
            }
        }
    }
    let mut columns = vec![Column::Text(metric_col), Column::Text(factor_col)];
    columns.extend(stats.into_iter().map(Column::Number));
    Table { names, columns }
}

/// Per metric, its factors with their statistics (the `results` of `sensitivity.json`).
pub fn sensitivity_results(method: Method, metrics: &[String], factors: &[String], indices: &[[Vec<f64>; 4]]) -> Value {
    let names = method.statistics();
    let results: Vec<Value> = metrics
        .iter()
        .zip(indices)
        .map(|(metric, columns)| {
            let per_factor: Vec<Value> = factors
                .iter()
                .enumerate()
                .map(|(j, key)| {
                    let mut entry = serde_json::Map::new();
                    entry.insert("factor".into(), key.clone().into());
                    for (k, name) in names.iter().enumerate() {
                        entry.insert(name.to_string(), json!(columns[k][j]));
                    }
                    Value::Object(entry)
                })
                .collect();
            json!({"metric": metric, "factors": per_factor, "columns": names})
        })
        .collect();
    Value::Array(results)
}
/// Writes a sensitivity folder: `sensitivity.json` (`document` with the `results` added),
/// `sensitivity.csv`, `design.csv` (the factor values of every design row) and, last, the
/// manifest. Returns the table of `sensitivity.csv`.
#[allow(clippy::too_many_arguments)]
pub fn write_sensitivity(
    dir: &Path,
    method: Method,
    metrics: &[String],
    factors: &[String],
    indices: &[[Vec<f64>; 4]],
    mut document: Value,
    design_csv: &str,
    scenario: &Scenario,
    settings: Value,
) -> Result<Table> {
    std::fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
    let _ = std::fs::remove_file(dir.join("manifest.json"));
    document["results"] = sensitivity_results(method, metrics, factors, indices);
    let table = sensitivity_table(method, metrics, factors, indices);
    atomic::write(&dir.join("sensitivity.json"), manifest::pretty(&document).as_bytes())?;
    table.write_csv(&dir.join("sensitivity.csv"))?;
    atomic::write(&dir.join("design.csv"), design_csv.as_bytes())?;
    let m = manifest::build(
        "sensitivity",
        &[("scenario", scenario)],
        settings,
        dir,
        &["sensitivity.json", "sensitivity.csv", "design.csv"],
    )?;
    atomic::write(&dir.join("manifest.json"), manifest::pretty(&m).as_bytes())?;
    Ok(table)
}
