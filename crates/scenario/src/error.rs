//! Errors of reading a scenario. Each names where the value came from, the field, the value and
//! what is allowed.

use crate::value::Origin;
use thiserror::Error;

/// Why a scenario could not be read.
#[derive(Debug, Error)]
pub enum ScenarioError {
    #[error("{source_name}: cannot read the file: {message}")]
    Io { source_name: String, message: String },

    #[error("{origin}: invalid TOML: {message}")]
    Syntax { origin: Origin, message: String },

    #[error("{origin}: unknown key `{path}`{}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownKey {
        origin: Origin,
        path: String,
        suggestion: Option<String>,
    },

    #[error("{origin}: {path}: expected {expected}, found {found}")]
    WrongType {
        origin: Origin,
        path: String,
        expected: String,
        found: String,
    },

    #[error("{origin}: {path}: value {value} is out of range; allowed: {allowed}")]
    OutOfRange {
        origin: Origin,
        path: String,
        value: String,
        allowed: String,
    },

    #[error("{origin}: {path}: missing; {hint}")]
    Missing { origin: Origin, path: String, hint: String },

    #[error("{text}: {reason}")]
    BadOverride { text: String, reason: String },

    #[error("{source_name}: {message}")]
    Plan { source_name: String, message: String },

    #[error("{source_name}:{line}: column `{column}`: {problem}; allowed: {allowed}")]
    Row {
        source_name: String,
        line: u64,
        column: String,
        problem: String,
        allowed: String,
    },

    #[error("`{name}` is neither a scenario file nor a preset; presets: {available}")]
    UnknownScenario { name: String, available: String },
}

/// Result of scenario operations.
pub type Result<T> = std::result::Result<T, ScenarioError>;
