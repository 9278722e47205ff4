//! The results of a sensitivity analysis as a table (`sensitivity.csv`) and as JSON
//! (`sensitivity.json`): one row per (metric, factor) with the method's four statistics.

use crate::table::{Column, Table};
use esplab_experiment::sensitivity::Method;
use serde_json::{json, Value};

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
