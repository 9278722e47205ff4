//! The folder of a sweep (or one shard of it): `sweep.csv` and `sweep.parquet`, one row per
//! (design point, replicate), and `manifest.json`.
//!
//! Rows are appended to a journal (`.sweep.journal`) as batches finish, each batch flushed to
//! disk. An interrupted sweep (Ctrl-C, `kill -9`, power loss) keeps every finished row. `--resume`
//! drops a torn last line, checks that the plan is the same, and goes on from the next row, so
//! nothing is redone and nothing is duplicated. When every row is in, the final files are
//! written from the journal and it is removed.

use crate::atomic;
use crate::error::{OutputError, Result};
use crate::manifest;
use crate::table::{Column, Table};
use esplab_scenario::{sha256_hex, Scenario};
use serde_json::Value;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

const JOURNAL: &str = ".sweep.journal";
const PLAN: &str = ".sweep.plan";
/// Leading whole-number columns of every sweep row.
pub const INDEX_COLUMNS: [&str; 4] = ["row", "point", "replicate", "seed"];

/// Why a sweep folder cannot be used as asked.
fn conflict(dir: &Path, message: String) -> OutputError {
    OutputError::io(dir, std::io::Error::other(message))
}

/// An open sweep journal.
pub struct SweepJournal {
    dir: PathBuf,
    journal: File,
    next: u64,
    rows: Range<u64>,
}

/// What opening a sweep folder found.
pub enum Opened {
    /// Ready to append from [`SweepJournal::next_row`].
    Journal(SweepJournal),
    /// The folder already holds the complete result.
    Complete,
}

impl SweepJournal {
    /// Opens `dir` for the rows `rows` of a plan with hash `plan`. Without `resume`, an earlier
    /// interrupted sweep in `dir` is an error; with it, that sweep goes on.
    pub fn open(dir: &Path, plan: &str, rows: Range<u64>, resume: bool) -> Result<Opened> {
        std::fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
        let journal_path = dir.join(JOURNAL);
        let plan_path = dir.join(PLAN);
        let identity = format!("{plan} {}..{}\n", rows.start, rows.end);
        if journal_path.exists() {
            if !resume {
                return Err(conflict(
                    dir,
                    "holds an interrupted sweep: add --resume to finish it, or choose another --out".into(),
                ));
            }
            let recorded = std::fs::read_to_string(&plan_path).unwrap_or_default();
            if recorded != identity {
                return Err(conflict(
                    dir,
                    "holds an interrupted sweep of another plan or shard; choose another --out".into(),
                ));
            }
            let text = std::fs::read_to_string(&journal_path).map_err(|e| OutputError::io(&journal_path, e))?;
            // Keep whole lines only: a kill can tear the last one.
            let complete = text.rfind('\n').map(|i| i + 1).unwrap_or(0);
            let mut next = rows.start;
            for line in text[..complete].lines() {
                let row: u64 = line.split(',').next().and_then(|c| c.parse().ok()).unwrap_or(u64::MAX);
                if row != next {
                    return Err(conflict(
                        &journal_path,
                        format!("is damaged: row {row} found where row {next} belongs"),
                    ));
                }
                next += 1;
            }
            let journal = OpenOptions::new()
                .write(true)
                .open(&journal_path)
                .map_err(|e| OutputError::io(&journal_path, e))?;
            journal
                .set_len(complete as u64)
                .map_err(|e| OutputError::io(&journal_path, e))?;
            let mut journal = journal;
            use std::io::Seek;
            journal
                .seek(std::io::SeekFrom::End(0))
                .map_err(|e| OutputError::io(&journal_path, e))?;
            return Ok(Opened::Journal(Self {
                dir: dir.to_path_buf(),
                journal,
                next,
                rows,
            }));
        }
        if resume && dir.join("manifest.json").exists() {
            return Ok(Opened::Complete);
        }
        let _ = std::fs::remove_file(dir.join("manifest.json"));
        std::fs::write(&plan_path, identity).map_err(|e| OutputError::io(&plan_path, e))?;
        let journal = File::create(&journal_path).map_err(|e| OutputError::io(&journal_path, e))?;
        Ok(Opened::Journal(Self {
            dir: dir.to_path_buf(),
            journal,
            next: rows.start,
            rows,
        }))
    }

    /// The first row not yet in the journal.
    pub fn next_row(&self) -> u64 {
        self.next
    }

    /// Appends finished rows (CSV lines, in row order) and flushes them to disk.
    pub fn append(&mut self, lines: &[String]) -> Result<()> {
        let path = self.dir.join(JOURNAL);
        let mut text = String::new();
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        self.journal
            .write_all(text.as_bytes())
            .map_err(|e| OutputError::io(&path, e))?;
        self.journal.sync_data().map_err(|e| OutputError::io(&path, e))?;
        self.next += lines.len() as u64;
        Ok(())
    }

    /// Writes the final files and the manifest once every row is in; removes the journal.
    pub fn finish(self, header: &[String], scenario: &Scenario, settings: Value) -> Result<()> {
        if self.next != self.rows.end {
            return Err(conflict(
                &self.dir,
                format!(
                    "sweep incomplete: {} of {} rows",
                    self.next - self.rows.start,
                    self.rows.end - self.rows.start
                ),
            ));
        }
        let path = self.dir.join(JOURNAL);
        let text = std::fs::read_to_string(&path).map_err(|e| OutputError::io(&path, e))?;
        let lines: Vec<&str> = text.lines().collect();
        write_sweep_files(&self.dir, header, &lines)?;
        let m = manifest::build("sweep", &[("scenario", scenario)], settings, &self.dir, &SWEEP_FILES)?;
        atomic::write(&self.dir.join("manifest.json"), manifest::pretty(&m).as_bytes())?;
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(self.dir.join(PLAN));
        Ok(())
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
