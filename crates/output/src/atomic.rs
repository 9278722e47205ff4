//! Files that appear whole or not at all: written under a temporary name in the same folder,
//! flushed to disk, then renamed into place.

use crate::error::{OutputError, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written; it takes its final name only on [`AtomicFile::commit`]. Dropped
/// without a commit (an error on the way, a panic), its partial file is removed.
pub struct AtomicFile {
    writer: Option<BufWriter<File>>,
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
            writer: Some(BufWriter::with_capacity(1 << 16, file)),
            partial,
            path: path.to_path_buf(),
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("an uncommitted file has its writer")
    }

    /// Flushes, syncs and renames into place. On failure (a full disk shows up here, when the
    /// last buffer is flushed) the partial file is removed.
    pub fn commit(mut self) -> Result<()> {
        let writer = self.writer.take().expect("an uncommitted file has its writer");
        let outcome = match writer.into_inner() {
            Ok(file) => file
                .sync_all()
                .map_err(|e| OutputError::io(&self.partial, e))
                .and_then(|()| std::fs::rename(&self.partial, &self.path).map_err(|e| OutputError::io(&self.path, e))),
            Err(e) => Err(OutputError::io(&self.partial, e.into_error())),
        };
        if outcome.is_err() {
            let _ = std::fs::remove_file(&self.partial);
        }
        outcome
    }

    /// Gives up: the partial file is removed.
    pub fn abandon(self) {
        drop(self);
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(writer) = self.writer.take() {
            drop(writer);
            let _ = std::fs::remove_file(&self.partial);
        }
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
