//! Journals of finished work, so that long experiments survive Ctrl-C, `kill -9` and power
//! loss. A journal is a text file of one line per finished row (`.KIND.journal`) next to the
//! identity of the work (`.KIND.plan`: a hash of what determines the rows, and the rows).
//!
//! Rows are appended in order and each batch is flushed to disk. Resuming checks the identity,
//! drops a torn last line and goes on from the next row, so nothing is redone and nothing is
//! duplicated. When the work is complete its final files are written from the journal, which is
//! then removed just before the manifest is written: a complete folder never holds a journal.
//! (A kill between the two leaves neither; the next run starts afresh, and gives the same bytes.)

use crate::error::{OutputError, Result};
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The kinds of journaled work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sweep,
    Ensemble,
    Comparison,
    Leverage,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 4] = [Self::Sweep, Self::Ensemble, Self::Comparison, Self::Leverage];

    /// What it is called in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Leverage => "leverage experiment",
            Self::Sweep | Self::Ensemble | Self::Comparison => self.name(),
        }
    }

    /// The stem of its files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sweep => "sweep",
            Self::Ensemble => "ensemble",
            Self::Comparison => "comparison",
            Self::Leverage => "leverage",
        }
    }

    fn journal(self, dir: &Path) -> PathBuf {
        dir.join(format!(".{}.journal", self.name()))
    }

    fn identity(self, dir: &Path) -> PathBuf {
        dir.join(format!(".{}.plan", self.name()))
    }
}

/// The kind of unfinished work `dir` holds, if any.
pub fn interrupted(dir: &Path) -> Option<&'static str> {
    Kind::ALL.into_iter().find(|k| k.journal(dir).exists()).map(Kind::name)
}

fn conflict(path: &Path, message: String) -> OutputError {
    OutputError::io(path, std::io::Error::other(message))
}

/// An open journal.
pub struct Journal {
    kind: Kind,
    dir: PathBuf,
    file: File,
    next: u64,
    rows: Range<u64>,
}

/// What opening a journaled folder found.
pub enum Opened {
    /// Ready to append from [`Journal::next_row`].
    Journal(Journal),
    /// The folder already holds the complete result (only when resuming).
    Complete,
}

impl Journal {
    /// Opens the journal of `kind` in `dir` for rows `rows` of work identified by `identity`.
    /// With `resume`, an earlier journal of the same work goes on (one of other work is an
    /// error); without it, any earlier journal is replaced.
    pub fn open(dir: &Path, kind: Kind, identity: &str, rows: Range<u64>, resume: bool) -> Result<Opened> {
        std::fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
        let journal_path = kind.journal(dir);
        let identity_path = kind.identity(dir);
        let identity = format!("{identity} {}..{}\n", rows.start, rows.end);
        let what = kind.describe();
        if resume && journal_path.exists() {
            let recorded = std::fs::read_to_string(&identity_path).unwrap_or_default();
            if recorded != identity {
                return Err(conflict(
                    dir,
                    format!("holds an interrupted {what} of other settings or rows; choose another --out"),
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
            let mut file = OpenOptions::new()
                .write(true)
                .open(&journal_path)
                .map_err(|e| OutputError::io(&journal_path, e))?;
            file.set_len(complete as u64)
                .map_err(|e| OutputError::io(&journal_path, e))?;
            file.seek(SeekFrom::End(0))
                .map_err(|e| OutputError::io(&journal_path, e))?;
            return Ok(Opened::Journal(Self {
                kind,
                dir: dir.to_path_buf(),
                file,
                next,
                rows,
            }));
        }
        if resume && dir.join("manifest.json").exists() {
            return Ok(Opened::Complete);
        }
        let _ = std::fs::remove_file(dir.join("manifest.json"));
        std::fs::write(&identity_path, identity).map_err(|e| OutputError::io(&identity_path, e))?;
        let file = File::create(&journal_path).map_err(|e| OutputError::io(&journal_path, e))?;
        Ok(Opened::Journal(Self {
            kind,
            dir: dir.to_path_buf(),
            file,
            next: rows.start,
            rows,
        }))
    }

    /// The first row not yet in the journal.
    pub fn next_row(&self) -> u64 {
        self.next
    }

    /// The rows the journal is for.
    pub fn rows(&self) -> Range<u64> {
        self.rows.clone()
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Appends finished rows (lines starting with their row number, in row order) and flushes
    /// them to disk.
    pub fn append(&mut self, lines: &[String]) -> Result<()> {
        let path = self.kind.journal(&self.dir);
        let mut text = String::new();
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        self.file
            .write_all(text.as_bytes())
            .map_err(|e| OutputError::io(&path, e))?;
        self.file.sync_data().map_err(|e| OutputError::io(&path, e))?;
        self.next += lines.len() as u64;
        Ok(())
    }

    /// Every row once all are in; an error naming how many are missing otherwise.
    pub fn complete_lines(&self) -> Result<Vec<String>> {
        if self.next != self.rows.end {
            return Err(conflict(
                &self.dir,
                format!(
                    "{} incomplete: {} of {} rows",
                    self.kind.describe(),
                    self.next - self.rows.start,
                    self.rows.end - self.rows.start
                ),
            ));
        }
        let path = self.kind.journal(&self.dir);
        let text = std::fs::read_to_string(&path).map_err(|e| OutputError::io(&path, e))?;
        Ok(text.lines().map(str::to_string).collect())
    }

    /// Removes the journal (once the final files are written).
    pub fn remove(self) {
        let _ = std::fs::remove_file(self.kind.journal(&self.dir));
        let _ = std::fs::remove_file(self.kind.identity(&self.dir));
    }
}

/// The numbers of a journal line after its first `skip` cells.
pub fn numbers(line: &str, skip: usize, path: &Path) -> Result<Vec<f64>> {
    line.split(',')
        .skip(skip)
        .map(|cell| {
            cell.parse::<f64>()
                .map_err(|_| conflict(path, format!("is damaged: {cell:?} is not a number")))
        })
        .collect()
}

/// The journal of paired runs (`compare`, `leverage`): one line per run index with the
/// metrics of every arm.
pub struct PairedJournal {
    journal: Journal,
    arms: usize,
    metrics: usize,
}

impl PairedJournal {
    /// Opens the journal of runs `0..runs` of `arms` arms of `metrics` metrics each; `None`
    /// when resuming finds the work complete.
    pub fn open(
        dir: &Path,
        kind: Kind,
        identity: &str,
        runs: u64,
        (arms, metrics): (usize, usize),
        resume: bool,
    ) -> Result<Option<Self>> {
        Ok(match Journal::open(dir, kind, identity, 0..runs, resume)? {
            Opened::Journal(journal) => Some(Self { journal, arms, metrics }),
            Opened::Complete => None,
        })
    }

    /// The first run not yet journaled.
    pub fn next_run(&self) -> u64 {
        self.journal.next_row()
    }

    /// Journals finished runs: (index, metrics of each arm), in index order.
    pub fn append(&mut self, runs: &[(u64, Vec<Vec<f64>>)]) -> Result<()> {
        let lines: Vec<String> = runs
            .iter()
            .map(|(index, arms)| {
                let mut line = index.to_string();
                for value in arms.iter().flatten() {
                    line.push(',');
                    line.push_str(&value.to_string());
                }
                line
            })
            .collect();
        self.journal.append(&lines)
    }

    /// Once every run is in: per arm, the metrics of each run in index order.
    pub fn results(&self) -> Result<Vec<Vec<Vec<f64>>>> {
        let path = self
            .journal
            .dir()
            .join(format!(".{}.journal", self.journal.kind.name()));
        let mut out = vec![Vec::new(); self.arms];
        for line in self.journal.complete_lines()? {
            let values = numbers(&line, 1, &path)?;
            if values.len() != self.arms * self.metrics {
                return Err(conflict(
                    &path,
                    "is damaged: a run has the wrong number of metrics".into(),
                ));
            }
            for (arm, chunk) in values.chunks(self.metrics).enumerate() {
                out[arm].push(chunk.to_vec());
            }
        }
        Ok(out)
    }

    /// Removes the journal (once the final files are written).
    pub fn remove(self) {
        self.journal.remove();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("esplab-journal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn journal(opened: Opened) -> Journal {
        match opened {
            Opened::Journal(j) => j,
            Opened::Complete => panic!("expected a journal"),
        }
    }

    #[test]
    fn a_resumed_journal_goes_on_after_its_last_whole_line() {
        let d = dir("resume");
        let mut j = journal(Journal::open(&d, Kind::Ensemble, "abc", 0..4, false).unwrap());
        j.append(&["0,1.5".into(), "1,2.5".into()]).unwrap();
        assert_eq!(interrupted(&d), Some("ensemble"));
        drop(j);
        // A kill in the middle of a line.
        let path = Kind::Ensemble.journal(&d);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"2,3.").unwrap();
        let mut j = journal(Journal::open(&d, Kind::Ensemble, "abc", 0..4, true).unwrap());
        assert_eq!(j.next_row(), 2);
        assert!(j.complete_lines().unwrap_err().to_string().contains("2 of 4 rows"));
        j.append(&["2,3.5".into(), "3,4.5".into()]).unwrap();
        let lines = j.complete_lines().unwrap();
        assert_eq!(lines, ["0,1.5", "1,2.5", "2,3.5", "3,4.5"]);
        assert_eq!(numbers(&lines[3], 1, &path).unwrap(), [4.5]);
        j.remove();
        assert_eq!(interrupted(&d), None);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn other_work_is_not_resumed_and_a_fresh_start_replaces_the_journal() {
        let d = dir("other");
        let mut j = journal(Journal::open(&d, Kind::Comparison, "abc", 0..4, false).unwrap());
        j.append(&["0,1".into()]).unwrap();
        drop(j);
        let e = Journal::open(&d, Kind::Comparison, "xyz", 0..4, true).err().unwrap();
        assert!(e.to_string().contains("other settings"), "{e}");
        let j = journal(Journal::open(&d, Kind::Comparison, "xyz", 0..4, false).unwrap());
        assert_eq!(j.next_row(), 0);
        j.remove();
        std::fs::write(d.join("manifest.json"), "{}").unwrap();
        assert!(matches!(
            Journal::open(&d, Kind::Comparison, "xyz", 0..4, true).unwrap(),
            Opened::Complete
        ));
        std::fs::remove_dir_all(&d).unwrap();
    }
}
