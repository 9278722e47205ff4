//! Where a command writes: a folder the caller names, which must not hold files unless the
//! caller says to replace them or to resume the work it journals; or a new folder `runs/STEM-N`.

use crate::error::CommandError;
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
}

impl Destination {
    /// Into `out`, replacing nothing and resuming nothing.
    pub fn at(out: impl Into<PathBuf>) -> Self {
        Self {
            out: Some(out.into()),
            ..Self::default()
        }
    }

    /// The folder to write into: `out`, which must not hold files unless `force` or `resume`
    /// (with `resume` its journal says what is left); or a new folder `runs/STEM-N`, created now
    /// with the first N not taken (so it never replaces anything).
    pub fn folder(&self, stem: &str) -> Result<PathBuf, CommandError> {
        match &self.out {
            Some(dir) if self.resume || self.force || !holds_files(dir) => Ok(dir.clone()),
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
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
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
