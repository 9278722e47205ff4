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
use crate::table::{Column, Table};
use esplab_scenario::{sha256_hex, Scenario};
use serde_json::Value;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Leading whole-number columns of every sweep row.
pub const INDEX_COLUMNS: [&str; 4] = ["row", "point", "replicate", "seed"];

/// Why a sweep folder cannot be used as asked.
fn conflict(dir: &Path, message: String) -> OutputError {
    OutputError::io(dir, std::io::Error::other(message))
}

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
    let mut found: Vec<(u64, Value, PathBuf)> = Vec::new();
    for dir in shards {
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(|_| {
            conflict(
                dir,
                "is not a finished sweep shard (no manifest.json): finish it with --resume".into(),
            )
        })?;
        let m: Value = serde_json::from_str(&text).map_err(|e| conflict(&path, format!("unreadable: {e}")))?;
        if m["command"] != "sweep" || m["settings"]["shard"].is_null() {
            return Err(conflict(dir, "is not a sweep shard (its manifest has no shard)".into()));
        }
        for file in m["files"].as_array().into_iter().flatten() {
            let name = file["name"].as_str().unwrap_or_default();
            let bytes = std::fs::read(dir.join(name)).map_err(|e| OutputError::io(&dir.join(name), e))?;
            if Some(sha256_hex(&bytes).as_str()) != file["sha256"].as_str() {
                return Err(conflict(
                    &dir.join(name),
                    "is corrupted: its checksum differs from the manifest's".into(),
                ));
            }
        }
        let index = m["settings"]["shard"]["index"].as_u64().unwrap_or(u64::MAX);
        found.push((index, m, dir.clone()));
    }
    found.sort_by_key(|(i, _, _)| *i);
    let Some((_, first, _)) = found.first() else {
        return Err(conflict(out, "no shard folders given".into()));
    };
    let count = first["settings"]["shard"]["count"].as_u64().unwrap_or(0);
    let plan = first["settings"]["plan_sha256"].clone();
    for (position, (index, m, dir)) in found.iter().enumerate() {
        if m["settings"]["plan_sha256"] != plan || m["settings"]["shard"]["count"].as_u64() != Some(count) {
            return Err(conflict(
                dir,
                "belongs to another sweep (plan or shard count differs)".into(),
            ));
        }
        if *index != position as u64 {
            return Err(conflict(
                dir,
                format!("shard {index}/{count} where shard {position}/{count} was expected"),
            ));
        }
    }
    if found.len() as u64 != count {
        return Err(conflict(
            out,
            format!(
                "{} of {count} shards given; missing: {}",
                found.len(),
                (found.len() as u64..count)
                    .map(|i| format!("{i}/{count}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let mut header: Option<String> = None;
    let mut lines: Vec<String> = Vec::new();
    for (_, _, dir) in &found {
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
    let mut m = first.clone();
    if let Some(settings) = m["settings"].as_object_mut() {
        settings.shift_remove("shard");
    }
    let mut listed = Vec::new();
    for name in SWEEP_FILES {
        let bytes = std::fs::read(out.join(name)).map_err(|e| OutputError::io(&out.join(name), e))?;
        listed.push(serde_json::json!({"name": name, "bytes": bytes.len(), "sha256": sha256_hex(&bytes)}));
    }
    m["files"] = Value::Array(listed);
    atomic::write(&out.join("manifest.json"), manifest::pretty(&m).as_bytes())?;
    Ok(lines.len())
}
