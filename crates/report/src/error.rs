//! Errors of building a report: a file that cannot be read, or holds what a report cannot use.

use thiserror::Error;

/// Why a report could not be made.
#[derive(Debug, Error)]
pub enum ReportError {
    #[error("{path}: cannot read: {message}")]
    Read { path: String, message: String },
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
}

impl ReportError {
    /// A read error of `path`.
    pub fn read(path: &str, e: impl std::fmt::Display) -> Self {
        Self::Read {
            path: path.into(),
            message: e.to_string(),
        }
    }
}

/// Result of report operations.
pub type Result<T> = std::result::Result<T, ReportError>;
