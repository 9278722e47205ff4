//! Files that appear whole or not at all: written under a temporary name in the same folder,
//! flushed to disk, then renamed into place.

use crate::error::{OutputError, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written; it takes its final name only on [`AtomicFile::commit`].
pub struct AtomicFile {
    writer: BufWriter<File>,
    partial: PathBuf,
    path: PathBuf,
}

impl AtomicFile {
    /// Starts writing `path` (as `.NAME.partial` beside it).
    pub fn create(path: &Path) -> Result<Self> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let partial = path.with_file_name(format!(".{name}.partial"));
        let file = File::create(&partial).map_err(|e| OutputError::io(&partial, e))?;
        Ok(Self {
            writer: BufWriter::with_capacity(1 << 16, file),
            partial,
            path: path.to_path_buf(),
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.writer
    }

    /// Flushes, syncs and renames into place.
    pub fn commit(self) -> Result<()> {
        let Self { writer, partial, path } = self;
        let file = writer
            .into_inner()
            .map_err(|e| OutputError::io(&partial, e.into_error()))?;
        file.sync_all().map_err(|e| OutputError::io(&partial, e))?;
        drop(file);
        std::fs::rename(&partial, &path).map_err(|e| OutputError::io(&path, e))
    }

    /// Gives up: the partial file is removed.
    pub fn abandon(self) {
        let partial = self.partial.clone();
        drop(self);
        let _ = std::fs::remove_file(partial);
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    match file.writer().write_all(bytes) {
        Ok(()) => file.commit(),
        Err(e) => {
            file.abandon();
            Err(OutputError::io(path, e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_committed_files_take_their_name() {
        let dir = std::env::temp_dir().join(format!("esplab-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.csv");
        let mut f = AtomicFile::create(&path).unwrap();
        f.writer().write_all(b"x,y\n").unwrap();
        assert!(!path.exists());
        f.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x,y\n");
        let mut g = AtomicFile::create(&dir.join("b.csv")).unwrap();
        g.writer().write_all(b"half").unwrap();
        g.abandon();
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.csv")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
