//! Reading finished folders back for later work (discovery, leverage over a posterior, reports):
//! the manifest with its checksum, and CSV tables by column, each error naming the file. The one
//! reader of whole CSV files (run folders' large files are streamed by `analysis_files`).

use crate::error::{OutputError, Result};
use esplab_scenario::sha256_hex;
use serde_json::Value;
use std::path::Path;

/// An error about `path`.
pub(crate) fn invalid(path: &Path, message: String) -> OutputError {
    OutputError::io(path, std::io::Error::other(message))
}

/// The manifest of the finished folder `dir` and the SHA-256 of its bytes; `expected` says what
/// folders the caller reads, for the error when there is none.
pub(crate) fn manifest(dir: &Path, expected: &str) -> Result<(Value, String)> {
    let path = dir.join("manifest.json");
    let bytes = std::fs::read(&path).map_err(|_| {
        invalid(
            dir,
            format!("is not a finished output folder (no manifest.json): {expected}"),
        )
    })?;
    let manifest: Value =
        serde_json::from_slice(&bytes).map_err(|e| invalid(&path, format!("is not valid JSON: {e}")))?;
    Ok((manifest, sha256_hex(&bytes)))
}

/// A CSV file's header and rows of cells.
#[derive(Debug, Clone)]
pub struct Cells {
    pub path: std::path::PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Cells {
    /// Reads `name` in `dir`.
    pub fn read(dir: &Path, name: &str) -> Result<Self> {
        let path = dir.join(name);
        let mut reader = csv::Reader::from_path(&path).map_err(|e| invalid(&path, e.to_string()))?;
        let header = reader
            .headers()
            .map_err(|e| invalid(&path, e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| invalid(&path, e.to_string()))?;
            rows.push(record.iter().map(str::to_string).collect());
        }
        Ok(Self { path, header, rows })
    }

    /// Index of column `name`.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| invalid(&self.path, format!("has no column `{name}`")))
    }

    /// The text in row `r`, column `c`.
    pub fn text(&self, r: usize, c: usize) -> &str {
        self.rows[r].get(c).map(String::as_str).unwrap_or_default()
    }

    /// The number in row `r`, column `c`.
    pub fn number(&self, r: usize, c: usize) -> Result<f64> {
        let cell = self.text(r, c);
        cell.parse()
            .map_err(|_| invalid(&self.path, format!("line {}: {cell:?} is not a number", r + 2)))
    }
}
