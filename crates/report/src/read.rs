//! Reading the files of an output folder back: CSV tables by column, JSON documents.

use crate::error::{ReportError, Result};
use esplab_output::read_back::Cells;
use esplab_output::OutputError;
use serde_json::Value;
use std::path::Path;

/// A CSV file held as text cells, with numeric access by column name.
#[derive(Debug, Clone)]
pub struct CsvTable {
    pub path: String,
    pub names: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    /// Reads `name` in `dir` (with `esplab-output`'s reader).
    pub fn read(dir: &Path, name: &str) -> Result<Self> {
        let cells = Cells::read(dir, name).map_err(|e| match e {
            OutputError::Io { path, error } => ReportError::read(&path.display().to_string(), error),
            other => ReportError::read(&dir.join(name).display().to_string(), other),
        })?;
        Ok(Self {
            path: cells.path.display().to_string(),
            names: cells.header,
            rows: cells.rows,
        })
    }

    /// Index of column `name`.
    pub fn index(&self, name: &str) -> Result<usize> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| ReportError::Invalid {
                path: self.path.clone(),
                reason: format!("no column `{name}`"),
            })
    }

    /// Column `name` as numbers (unparsable cells become NaN).
    pub fn numbers(&self, name: &str) -> Result<Vec<f64>> {
        let i = self.index(name)?;
        Ok(self
            .rows
            .iter()
            .map(|r| r.get(i).and_then(|c| c.parse().ok()).unwrap_or(f64::NAN))
            .collect())
    }

    /// Column `name` as text.
    pub fn texts(&self, name: &str) -> Result<Vec<String>> {
        let i = self.index(name)?;
        Ok(self
            .rows
            .iter()
            .map(|r| r.get(i).cloned().unwrap_or_default())
            .collect())
    }
}

/// Reads JSON file `name` in `dir`.
pub fn json(dir: &Path, name: &str) -> Result<Value> {
    let path = dir.join(name);
    let shown = path.display().to_string();
    let bytes = std::fs::read(&path).map_err(|e| ReportError::read(&shown, e))?;
    serde_json::from_slice(&bytes).map_err(|e| ReportError::read(&shown, e))
}

/// A number at a JSON pointer, or NaN.
pub fn number(v: &Value, pointer: &str) -> f64 {
    v.pointer(pointer).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

/// The start date of the scenario in a manifest (at `pointer`, e.g. `/scenario`), if it sets one.
pub fn start_date(manifest: &Value, scenario: &str) -> Option<esplab_model::StartDate> {
    esplab_model::StartDate::parse(&text(manifest, &format!("{scenario}/parameters/run/start_date")))
}

/// A string at a JSON pointer, or "".
pub fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}
