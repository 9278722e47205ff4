//! The folder of a sweep (or one shard of it): `sweep.csv` and `sweep.parquet`, one row per
//! (design point, replicate), and `manifest.json`.
//!
//! Rows are appended to a [`Journal`] (`.sweep.journal`) as batches finish, each batch flushed
//! to disk. An interrupted sweep (Ctrl-C, `kill -9`, power loss) keeps every finished row.
//! `--resume` drops a torn last line, checks that the plan is the same, and goes on from the
//! next row, so nothing is redone and nothing is duplicated. When every row is in, the final
//! files are written from the journal and it is removed.

use crate::atomic;
use crate::error::{OutputError, Result};
use crate::journal::{self, Journal, Kind};
use crate::manifest;
use crate::shards::{conflict, merged_manifest, read_shards, Shard};
use crate::table::{Column, Table};
use esplab_scenario::Scenario;
use serde_json::Value;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Leading whole-number columns of every sweep row.
pub const INDEX_COLUMNS: [&str; 4] = ["row", "point", "replicate", "seed"];

/// Why a sweep folder cannot be used as asked.
/// An open sweep journal.
pub struct SweepJournal {
    journal: Journal,
}

/// What opening a sweep folder found.
pub enum Opened {
    /// Ready to append from [`SweepJournal::next_row`].
    Journal(SweepJournal),
    /// The folder already holds the complete result.
    Complete,
}

impl SweepJournal {
    /// Opens `dir` for the rows `rows` of a plan with hash `plan`. With `resume`, an earlier
    /// interrupted sweep of the same plan and rows in `dir` goes on; without it, it is replaced.
    pub fn open(dir: &Path, plan: &str, rows: Range<u64>, resume: bool) -> Result<Opened> {
        Ok(match Journal::open(dir, Kind::Sweep, plan, rows, resume)? {
            journal::Opened::Journal(journal) => Opened::Journal(Self { journal }),
            journal::Opened::Complete => Opened::Complete,
        })
    }

    /// The first row not yet in the journal.
    pub fn next_row(&self) -> u64 {
        self.journal.next_row()
    }

    /// Appends finished rows (CSV lines, in row order) and flushes them to disk.
    pub fn append(&mut self, lines: &[String]) -> Result<()> {
        self.journal.append(lines)
    }

    /// Writes the final files and the manifest once every row is in; removes the journal.
    pub fn finish(self, header: &[String], scenario: &Scenario, settings: Value) -> Result<()> {
        let lines = self.journal.complete_lines()?;
        let dir = self.journal.dir().to_path_buf();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        write_sweep_files(&dir, header, &lines)?;
        let m = manifest::build("sweep", &[("scenario", scenario)], settings, &dir, &SWEEP_FILES)?;
        // The journal goes before the manifest comes: a complete folder never holds one.
        self.journal.remove();
        atomic::write(&dir.join("manifest.json"), manifest::pretty(&m).as_bytes())
    }
}

/// Files of a finished sweep, besides the manifest.
pub const SWEEP_FILES: [&str; 2] = ["sweep.parquet", "sweep.csv"];

/// Writes `sweep.csv` and `sweep.parquet` from row lines.
pub fn write_sweep_files(dir: &Path, header: &[String], lines: &[&str]) -> Result<()> {
    let mut columns: Vec<Column> = header
        .iter()
        .enumerate()
        .map(|(i, _)| {
            if i < INDEX_COLUMNS.len() {
                Column::Index(Vec::new())
            } else {
                Column::Number(Vec::new())
            }
        })
        .collect();
    for (n, line) in lines.iter().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != header.len() {
            return Err(conflict(
                dir,
                format!("row {n} has {} values, not {}", cells.len(), header.len()),
            ));
        }
        for (column, cell) in columns.iter_mut().zip(cells) {
            let bad = || conflict(dir, format!("row {n}: {cell:?} is not a number"));
            match column {
                Column::Index(v) => v.push(cell.parse().map_err(|_| bad())?),
                Column::Number(v) => v.push(cell.parse().map_err(|_| bad())?),
                _ => {}
            }
        }
    }
    Table {
        names: header.to_vec(),
        columns,
    }
    .write_both(dir, "sweep")
}

/// Joins the folders of shards `0/n … (n-1)/n` of one sweep into `out`, byte-identical to the
/// unsharded sweep. Checks that every shard is complete, intact (checksums) and of the same plan.
pub fn merge(out: &Path, shards: &[PathBuf]) -> Result<usize> {
    let found = read_shards(out, shards, "sweep", "sweep", |m| m["settings"]["plan_sha256"].clone())?;
    let mut header: Option<String> = None;
    let mut lines: Vec<String> = Vec::new();
    for Shard { dir, .. } in &found {
        let text =
            std::fs::read_to_string(dir.join("sweep.csv")).map_err(|e| OutputError::io(&dir.join("sweep.csv"), e))?;
        let mut it = text.lines();
        let h = it.next().unwrap_or_default().to_string();
        if header.get_or_insert_with(|| h.clone()) != &h {
            return Err(conflict(dir, "has other columns than the first shard".into()));
        }
        lines.extend(it.map(str::to_string));
    }
    let header: Vec<String> = header.unwrap_or_default().split(',').map(str::to_string).collect();
    std::fs::create_dir_all(out).map_err(|e| OutputError::io(out, e))?;
    let _ = std::fs::remove_file(out.join("manifest.json"));
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    write_sweep_files(out, &header, &refs)?;
    let m = merged_manifest(&found[0].manifest, out, &SWEEP_FILES)?;
    atomic::write(&out.join("manifest.json"), manifest::pretty(&m).as_bytes())?;
    Ok(lines.len())
}
