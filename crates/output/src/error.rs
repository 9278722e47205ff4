//! Errors of writing outputs; each names the file.

use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why an output could not be written.
#[derive(Debug, Error)]
pub enum OutputError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: {message}", path.display())]
    Parquet { path: PathBuf, message: String },
}

impl OutputError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Result of output operations.
pub type Result<T> = std::result::Result<T, OutputError>;
