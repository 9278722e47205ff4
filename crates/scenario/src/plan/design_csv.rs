//! Designs as CSV in the layout of SALib and the EMA Workbench: written for editing, read back
//! with each error's line and column.

use crate::error::{Result, ScenarioError};
use crate::value::{Origin, Value};
use esplab_experiment::design::{Distribution, Factor};

/// The design as CSV in the layout of SALib and the EMA Workbench: a header of factor keys, then
/// one row of values per point.
pub fn design_csv(factors: &[Factor], points: &[Vec<f64>]) -> String {
    let mut out = factors.iter().map(|f| f.key.as_str()).collect::<Vec<_>>().join(",");
    out.push('\n');
    for p in points {
        out.push_str(&p.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// Reads a design CSV: a header naming every factor key (any order), one row per point.
pub fn read_design_csv(path: &str, factors: &[Factor]) -> Result<Vec<Vec<f64>>> {
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::Io {
        source_name: path.into(),
        message: e.to_string(),
    })?;
    let at = |line: usize, column: usize| Origin::File {
        source: path.into(),
        line,
        column,
    };
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(ScenarioError::Missing {
            origin: at(1, 1),
            path: "header".into(),
            hint: "the first line names the factor keys".into(),
        });
    };
    let columns: Vec<&str> = header.split(',').map(|c| c.trim().trim_matches('"')).collect();
    let mut order = Vec::new();
    for f in factors {
        let position = columns
            .iter()
            .position(|c| *c == f.key)
            .ok_or_else(|| ScenarioError::Missing {
                origin: at(1, 1),
                path: f.key.clone(),
                hint: format!(
                    "the design has no column for factor {}; columns: {}",
                    f.key,
                    columns.join(", ")
                ),
            })?;
        order.push(position);
    }
    if let Some(extra) = columns.iter().find(|c| !factors.iter().any(|f| f.key == **c)) {
        return Err(ScenarioError::UnknownKey {
            origin: at(1, 1),
            path: extra.to_string(),
            suggestion: None,
        });
    }
    let mut points = Vec::new();
    for (n, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != columns.len() {
            return Err(ScenarioError::WrongType {
                origin: at(n + 1, 1),
                path: "row".into(),
                expected: format!("{} values", columns.len()),
                found: format!("{} values", cells.len()),
            });
        }
        let mut point = Vec::with_capacity(factors.len());
        for (f, &c) in factors.iter().zip(&order) {
            let x: f64 = cells[c].parse().map_err(|_| ScenarioError::WrongType {
                origin: at(n + 1, c + 1),
                path: f.key.clone(),
                expected: "a number".into(),
                found: format!("{:?}", cells[c]),
            })?;
            let bad = match &f.distribution {
                Distribution::Uniform { low, high } | Distribution::LogUniform { low, high } => {
                    !(x >= *low && x <= *high)
                }
                Distribution::Values(v) => !v.contains(&x),
            };
            if bad || (f.integer && x.fract() != 0.0) {
                return Err(ScenarioError::OutOfRange {
                    origin: at(n + 1, c + 1),
                    path: f.key.clone(),
                    value: Value::Float(x).to_string(),
                    allowed: match &f.distribution {
                        Distribution::Uniform { low, high } | Distribution::LogUniform { low, high } => {
                            format!("[{low}, {high}] (the factor's range in the plan)")
                        }
                        Distribution::Values(v) => format!("one of the factor's values {v:?}"),
                    },
                });
            }
            point.push(x);
        }
        points.push(point);
    }
    Ok(points)
}
