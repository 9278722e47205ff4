//! Errors of writing outputs; each names the file.

use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why an output could not be written.
#[derive(Debug, Error)]
pub enum OutputError {
    /// The I/O error is part of the message (not a separate cause, so it is printed once).
    #[error("{}: {error}", path.display())]
    Io { path: PathBuf, error: std::io::Error },
    #[error("{}: {message}", path.display())]
    Parquet { path: PathBuf, message: String },
}

impl OutputError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, error: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            error,
        }
    }
}

/// Result of output operations.
pub type Result<T> = std::result::Result<T, OutputError>;
