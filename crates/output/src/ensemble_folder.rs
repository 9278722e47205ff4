//! The folder of an ensemble: `runs.{csv,parquet}` (one row per run), `bands.{csv,parquet}`
//! (quantiles of each daily series across runs), `scenario.toml` (every resolved parameter; with
//! the master seed it reproduces any run) and, last, `manifest.json`.
//!
//! Memory stays bounded whatever the number of runs: each run's daily series is appended to a
//! side file of the journal as it arrives, and the bands are computed from that file a block of
//! days at a time, with exact quantiles.
//!
//! Runs are journaled ([`crate::journal`]) as batches finish, so an interrupted ensemble keeps
//! every finished run and `--resume` completes it with the bytes of an uninterrupted one.

use crate::atomic;
use crate::error::{OutputError, Result};
use crate::journal::{self, Journal, Kind};
use crate::manifest;
use crate::table::{Column, Table};
use esplab_experiment::statistics::quantile_sorted;
use esplab_experiment::RunOutcome;
use esplab_scenario::Scenario;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Quantiles written in `bands.*`, with their column names.
pub const BAND_QUANTILES: [(&str, f64); 5] = [("p05", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95)];

/// Largest block of trajectory values held in memory while computing bands (bytes).
const BLOCK_BYTES: usize = 128 << 20;

/// The per-run table of runs.csv: run, seed, then each of `metric_names`, from (run, seed,
/// metrics) in run order.
pub fn runs_table(metric_names: &[String], runs: &[(u64, u64, Vec<f64>)]) -> Table {
    let mut names = vec!["run".to_string(), "seed".to_string()];
    names.extend(metric_names.iter().cloned());
    let mut columns = vec![
        Column::Index(runs.iter().map(|r| r.0).collect()),
        Column::Index(runs.iter().map(|r| r.1).collect()),
    ];
    for m in 0..metric_names.len() {
        columns.push(Column::Number(runs.iter().map(|r| r.2[m]).collect()));
    }
    Table { names, columns }
}

/// Writes an ensemble folder as runs arrive in index order.
pub struct EnsembleFolder {
    dir: PathBuf,
    metric_names: Vec<String>,
    /// Names of the daily series of each run ([`esplab_experiment::band_series`]).
    series_names: Vec<String>,
    days: usize,
    runs: Vec<(u64, u64, Vec<f64>)>,
    journal: Journal,
    /// Journal lines of the runs pushed since the last commit.
    pending: Vec<String>,
    trajectories: BufWriter<File>,
    trajectories_path: PathBuf,
}

/// The side file of the journal: each journaled run's daily series, in run order.
const TRAJECTORIES: &str = ".ensemble.trajectories";

impl EnsembleFolder {
    /// Opens `dir` for runs `0..runs` of `days` days with the given metrics, of the ensemble
    /// identified by `identity` (what determines its runs). With `resume`, the runs an earlier
    /// interrupted ensemble journaled there are kept and the next run follows them. `None`
    /// when resuming finds the ensemble complete.
    pub fn open(
        dir: &Path,
        metric_names: &[&str],
        series_names: &[String],
        days: usize,
        identity: &str,
        runs: u64,
        resume: bool,
    ) -> Result<Option<Self>> {
        let journal = match Journal::open(dir, Kind::Ensemble, identity, 0..runs, resume)? {
            journal::Opened::Journal(j) => j,
            journal::Opened::Complete => return Ok(None),
        };
        let trajectories_path = dir.join(TRAJECTORIES);
        let run_bytes = (days * series_names.len() * 4) as u64;
        let done = journal.next_row();
        let mut restored = Vec::with_capacity(done as usize);
        let file = if done > 0 {
            let journal_path = dir.join(format!(".{}.journal", Kind::Ensemble.name()));
            let text = std::fs::read_to_string(&journal_path).map_err(|e| OutputError::io(&journal_path, e))?;
            let damaged =
                |what: &str| OutputError::io(&journal_path, std::io::Error::other(format!("is damaged: {what}")));
            for line in text.lines().take(done as usize) {
                let mut cells = line.splitn(3, ',');
                let mut whole = || cells.next().and_then(|c| c.parse::<u64>().ok());
                let (Some(index), Some(seed)) = (whole(), whole()) else {
                    return Err(damaged("a run has no index or seed"));
                };
                let metrics = journal::numbers(line, 2, &journal_path)?;
                if metrics.len() != metric_names.len() {
                    return Err(damaged("a run has the wrong number of metrics"));
                }
                restored.push((index, seed, metrics));
            }
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .open(&trajectories_path)
                .map_err(|e| OutputError::io(&trajectories_path, e))?;
            let length = file
                .metadata()
                .map_err(|e| OutputError::io(&trajectories_path, e))?
                .len();
            if length < done * run_bytes {
                return Err(OutputError::io(
                    &trajectories_path,
                    std::io::Error::other(format!("is damaged: it holds fewer than the {done} journaled runs")),
                ));
            }
            file.set_len(done * run_bytes)
                .map_err(|e| OutputError::io(&trajectories_path, e))?;
            file.seek(SeekFrom::End(0))
                .map_err(|e| OutputError::io(&trajectories_path, e))?;
            file
        } else {
            File::create(&trajectories_path).map_err(|e| OutputError::io(&trajectories_path, e))?
        };
        Ok(Some(Self {
            dir: dir.to_path_buf(),
            metric_names: metric_names.iter().map(|s| s.to_string()).collect(),
            series_names: series_names.to_vec(),
            days,
            runs: restored,
            journal,
            pending: Vec::new(),
            trajectories: BufWriter::with_capacity(1 << 20, file),
            trajectories_path,
        }))
    }

    /// The first run not yet in the folder.
    pub fn next_run(&self) -> u64 {
        self.journal.next_row()
    }

    /// Adds a run (in index order); it is kept for good at the next [`commit`](Self::commit).
    pub fn push(&mut self, run: &RunOutcome) -> Result<()> {
        let mut line = format!("{},{}", run.index, run.seed);
        for m in &run.metrics {
            line.push(',');
            line.push_str(&m.to_string());
        }
        self.pending.push(line);
        self.runs.push((run.index, run.seed, run.metrics.clone()));
        let expected = self.days * self.series_names.len();
        let mut bytes = Vec::with_capacity(expected * 4);
        for i in 0..expected {
            bytes.extend_from_slice(&run.series.get(i).copied().unwrap_or(f32::NAN).to_le_bytes());
        }
        self.trajectories
            .write_all(&bytes)
            .map_err(|e| OutputError::io(&self.trajectories_path, e))
    }

    /// Flushes the runs pushed so far to disk: their series first, then their journal lines,
    /// so that a journaled run always has its series.
    pub fn commit(&mut self) -> Result<()> {
        let path = &self.trajectories_path;
        self.trajectories.flush().map_err(|e| OutputError::io(path, e))?;
        self.trajectories
            .get_ref()
            .sync_data()
            .map_err(|e| OutputError::io(path, e))?;
        let pending = std::mem::take(&mut self.pending);
        self.journal.append(&pending)
    }

    /// Number of runs pushed.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// The per-run table.
    pub fn runs_table(&self) -> Table {
        runs_table(&self.metric_names, &self.runs)
    }

    /// Computes the bands from the trajectory file.
    fn bands(&mut self) -> Result<Table> {
        let path = self.trajectories_path.clone();
        self.trajectories.flush().map_err(|e| OutputError::io(&path, e))?;
        let k = self.series_names.len();
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
                for (s, name) in self.series_names.iter().enumerate() {
                    values.clear();
                    values.extend((0..runs).map(|r| block[r * width + d * k + s] as f64));
                    values.sort_by(f64::total_cmp);
                    day_col.push((start + d) as u32);
                    metric_col.push(name.clone());
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

    /// Writes runs, bands and, last, the manifest, once every run is in; removes the journal.
    pub fn finish(mut self, scenario: &Scenario, settings: serde_json::Value) -> Result<()> {
        self.commit()?;
        self.journal.complete_lines()?;
        let dir = self.dir.clone();
        self.runs_table().write_both(&dir, "runs")?;
        let bands = self.bands()?;
        bands.write_both(&dir, "bands")?;
        atomic::write(&dir.join("scenario.toml"), scenario.resolved_toml().as_bytes())?;
        let files = [
            "runs.parquet",
            "runs.csv",
            "bands.parquet",
            "bands.csv",
            "scenario.toml",
        ];
        let m = manifest::build("ensemble", &[("scenario", scenario)], settings, &dir, &files)?;
        // The journal, then its side file, go before the manifest comes: a complete folder never
        // holds them, and a kill in between leaves no journal, so a resume starts afresh.
        self.journal.remove();
        let _ = std::fs::remove_file(&self.trajectories_path);
        atomic::write(&dir.join("manifest.json"), manifest::pretty(&m).as_bytes())
    }
}
