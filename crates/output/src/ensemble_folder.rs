//! The folder of an ensemble: `runs.{csv,parquet}` (one row per run), `bands.{csv,parquet}`
//! (quantiles of each daily series across runs), `scenario.toml` (every resolved parameter; with
//! the master seed it reproduces any run) and, last, `manifest.json`.
//!
//! Memory stays bounded whatever the number of runs: each run's daily series is appended to a
//! temporary file as it arrives, and the bands are computed from that file a block of days at a
//! time, with exact quantiles.

use crate::atomic;
use crate::error::{OutputError, Result};
use crate::manifest;
use crate::table::{Column, Table};
use esplab_experiment::statistics::quantile_sorted;
use esplab_experiment::{RunOutcome, BAND_SERIES};
use esplab_scenario::Scenario;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Quantiles written in `bands.*`, with their column names.
pub const BAND_QUANTILES: [(&str, f64); 5] = [("p05", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95)];

/// Largest block of trajectory values held in memory while computing bands (bytes).
const BLOCK_BYTES: usize = 128 << 20;

/// Writes an ensemble folder as runs arrive in index order.
pub struct EnsembleFolder {
    dir: PathBuf,
    metric_names: Vec<String>,
    days: usize,
    runs: Vec<(u64, u64, Vec<f64>)>,
    trajectories: BufWriter<File>,
    trajectories_path: PathBuf,
}

impl EnsembleFolder {
    /// Creates `dir` for runs of `days` days with the given metrics.
    pub fn create(dir: &Path, metric_names: &[&str], days: usize) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
        let manifest = dir.join("manifest.json");
        if manifest.exists() {
            std::fs::remove_file(&manifest).map_err(|e| OutputError::io(&manifest, e))?;
        }
        let trajectories_path = dir.join(".trajectories.partial");
        let file = File::create(&trajectories_path).map_err(|e| OutputError::io(&trajectories_path, e))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            metric_names: metric_names.iter().map(|s| s.to_string()).collect(),
            days,
            runs: Vec::new(),
            trajectories: BufWriter::with_capacity(1 << 20, file),
            trajectories_path,
        })
    }

    /// Adds a run (in index order).
    pub fn push(&mut self, run: &RunOutcome) -> Result<()> {
        self.runs.push((run.index, run.seed, run.metrics.clone()));
        let expected = self.days * BAND_SERIES.len();
        let mut bytes = Vec::with_capacity(expected * 4);
        for i in 0..expected {
            bytes.extend_from_slice(&run.series.get(i).copied().unwrap_or(f32::NAN).to_le_bytes());
        }
        self.trajectories
            .write_all(&bytes)
            .map_err(|e| OutputError::io(&self.trajectories_path, e))
    }

    /// Number of runs pushed.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// The per-run table.
    pub fn runs_table(&self) -> Table {
        let mut names = vec!["run".to_string(), "seed".to_string()];
        names.extend(self.metric_names.iter().cloned());
        let mut columns = vec![
            Column::Index(self.runs.iter().map(|r| r.0).collect()),
            Column::Index(self.runs.iter().map(|r| r.1).collect()),
        ];
        for m in 0..self.metric_names.len() {
            columns.push(Column::Number(self.runs.iter().map(|r| r.2[m]).collect()));
        }
        Table { names, columns }
    }

    /// Computes the bands from the trajectory file.
    fn bands(&mut self) -> Result<Table> {
        let path = self.trajectories_path.clone();
        self.trajectories.flush().map_err(|e| OutputError::io(&path, e))?;
        let k = BAND_SERIES.len();
        let runs = self.runs.len();
        let run_bytes = self.days * k * 4;
        let block_days = (BLOCK_BYTES / (runs.max(1) * k * 4)).clamp(1, self.days.max(1));
        let mut reader = BufReader::new(File::open(&path).map_err(|e| OutputError::io(&path, e))?);
        let (mut day_col, mut metric_col) = (Vec::new(), Vec::new());
        let mut mean_col = Vec::new();
        let mut quantile_cols: Vec<Vec<f64>> = vec![Vec::new(); BAND_QUANTILES.len()];
        let mut start = 0;
        while start < self.days {
            let end = (start + block_days).min(self.days);
            let width = (end - start) * k;
            let mut block = vec![0f32; runs * width];
            let mut buffer = vec![0u8; width * 4];
            for r in 0..runs {
                let offset = (r * run_bytes + start * k * 4) as u64;
                reader
                    .seek(SeekFrom::Start(offset))
                    .map_err(|e| OutputError::io(&path, e))?;
                reader.read_exact(&mut buffer).map_err(|e| OutputError::io(&path, e))?;
                for (i, chunk) in buffer.chunks_exact(4).enumerate() {
                    block[r * width + i] = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
                }
            }
            let mut values = Vec::with_capacity(runs);
            for d in 0..(end - start) {
                for (s, name) in BAND_SERIES.iter().enumerate() {
                    values.clear();
                    values.extend((0..runs).map(|r| block[r * width + d * k + s] as f64));
                    values.sort_by(f64::total_cmp);
                    day_col.push((start + d) as u32);
                    metric_col.push(name.to_string());
                    mean_col.push(values.iter().sum::<f64>() / runs.max(1) as f64);
                    for (q, (_, level)) in BAND_QUANTILES.iter().enumerate() {
                        quantile_cols[q].push(quantile_sorted(&values, *level));
                    }
                }
            }
            start = end;
        }
        let mut names = vec!["day".to_string(), "metric".to_string(), "mean".to_string()];
        names.extend(BAND_QUANTILES.iter().map(|(n, _)| n.to_string()));
        let mut columns = vec![
            Column::Count(day_col),
            Column::Text(metric_col),
            Column::Number(mean_col),
        ];
        columns.extend(quantile_cols.into_iter().map(Column::Number));
        Ok(Table { names, columns })
    }

    /// Writes runs, bands and, last, the manifest; removes the temporary trajectory file.
    pub fn finish(mut self, scenario: &Scenario, settings: serde_json::Value) -> Result<()> {
        let dir = self.dir.clone();
        self.runs_table().write_both(&dir, "runs")?;
        let bands = self.bands()?;
        bands.write_both(&dir, "bands")?;
        let _ = std::fs::remove_file(&self.trajectories_path);
        atomic::write(&dir.join("scenario.toml"), scenario.resolved_toml().as_bytes())?;
        let files = [
            "runs.parquet",
            "runs.csv",
            "bands.parquet",
            "bands.csv",
            "scenario.toml",
        ];
        let m = manifest::build("ensemble", &[("scenario", scenario)], settings, &dir, &files)?;
        atomic::write(&dir.join("manifest.json"), manifest::pretty(&m).as_bytes())
    }

    /// Stops, removing the temporary trajectory file.
    pub fn abandon(self) {
        let path = self.trajectories_path.clone();
        drop(self);
        let _ = std::fs::remove_file(path);
    }
}
