//! Where a command writes: a folder the caller names, which must not hold files unless the
//! caller says to replace them or to resume the work it journals; or a new folder `runs/STEM-N`.
//!
//! Replacing (`--force`, `force=True`) removes what the folder held before anything is written,
//! so no stale file of an earlier command survives beside the new ones; and it removes only what
//! esplab wrote ([`folder_files::foreign`]): a folder that also holds anything else is refused
//! with the names of what it holds, never emptied.

use crate::error::CommandError;
use crate::folder_files;
use esplab_output::journal;
use std::path::{Path, PathBuf};

/// The output folder a caller asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Destination {
    /// The folder; `None`: a new `runs/STEM-N`.
    pub out: Option<PathBuf>,
    /// Replace what the folder holds.
    pub force: bool,
    /// Finish the work an earlier interruption journaled in the folder.
    pub resume: bool,
    /// Entries of the folder this same command wrote before (the fit inside a forecast's
    /// folder): neither counted as files it holds nor removed.
    pub keep: Vec<String>,
}

impl Destination {
    /// Into `out`, replacing nothing and resuming nothing.
    pub fn at(out: impl Into<PathBuf>) -> Self {
        Self {
            out: Some(out.into()),
            ..Self::default()
        }
    }

    /// The folder to write into: `out`, which must not hold files unless `force` (what it held
    /// is removed now) or `resume` (its journal says what is left); or a new folder
    /// `runs/STEM-N`, created now with the first N not taken (so it never replaces anything).
    pub fn folder(&self, stem: &str) -> Result<PathBuf, CommandError> {
        match &self.out {
            Some(dir) if self.resume || !holds_files_beside(dir, &self.keep) => Ok(dir.clone()),
            Some(dir) if self.force => {
                clear(dir, &self.keep)?;
                Ok(dir.clone())
            }
            Some(dir) => Err(CommandError::Occupied {
                dir: dir.clone(),
                interrupted: journal::interrupted(dir),
            }),
            None => new_folder(stem),
        }
    }
}

/// The folder a command writes, when the caller asked for one (`None`: it writes nothing), and
/// whether it resumes the work journaled there.
pub fn choose(destination: &Option<Destination>, stem: &str) -> Result<(Option<PathBuf>, bool), CommandError> {
    match destination {
        Some(d) => Ok((Some(d.folder(stem)?), d.resume)),
        None => Ok((None, false)),
    }
}

/// Whether `dir` exists and holds anything.
pub fn holds_files(dir: &Path) -> bool {
    holds_files_beside(dir, &[])
}

/// Whether `entry` is one of the entries named in `keep`.
fn kept(entry: &std::fs::DirEntry, keep: &[String]) -> bool {
    keep.iter().any(|k| entry.file_name().to_string_lossy() == k.as_str())
}

/// Whether `dir` exists and holds anything but the entries named in `keep`.
fn holds_files_beside(dir: &Path, keep: &[String]) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| entries.flatten().any(|e| !kept(&e, keep)))
}

/// Removes what `dir` holds (but the entries named in `keep`), once it is sure that esplab
/// wrote all of it; otherwise removes nothing and names what esplab did not write.
pub fn clear(dir: &Path, keep: &[String]) -> Result<(), CommandError> {
    let foreign = folder_files::foreign(dir, keep);
    if !foreign.is_empty() {
        return Err(CommandError::Foreign {
            dir: dir.to_path_buf(),
            names: foreign,
        });
    }
    let cannot =
        |path: &Path, e: std::io::Error| CommandError::Failed(format!("cannot remove {}: {e}", path.display()));
    let entries = std::fs::read_dir(dir).map_err(|e| cannot(dir, e))?;
    for entry in entries.flatten() {
        if kept(&entry, keep) {
            continue;
        }
        let path = entry.path();
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| cannot(&path, e))?;
    }
    Ok(())
}

/// Creates `runs/STEM-N` for the first N not taken, and returns it.
pub fn new_folder(stem: &str) -> Result<PathBuf, CommandError> {
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = if stem.is_empty() { "run".to_string() } else { stem };
    let cannot = |dir: &Path, e: std::io::Error| CommandError::Failed(format!("cannot create {}: {e}", dir.display()));
    let runs = Path::new("runs");
    std::fs::create_dir_all(runs).map_err(|e| cannot(runs, e))?;
    for n in 1u64.. {
        let dir = runs.join(format!("{stem}-{n}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(cannot(&dir, e)),
        }
    }
    unreachable!("some folder name is free")
}

/// The stem of output folders of a plan file.
pub fn stem(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "plan".into())
}
