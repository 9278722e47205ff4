//! The one bridge from esplab's errors to Python's exceptions: bad settings raise
//! `esplab.ScenarioError`, work that would not fit raises `MemoryError` with the estimate, an
//! interruption raises `KeyboardInterrupt`, anything else `RuntimeError`.

use esplab_experiment::jobs::{Interrupted, LeverError, ShardError};
use esplab_experiment::memory::MemoryError;
use esplab_scenario::ScenarioError as Scenario;
use pyo3::create_exception;
use pyo3::exceptions::{PyKeyboardInterrupt, PyMemoryError, PyRuntimeError, PyValueError};
use pyo3::PyErr;

create_exception!(
    _esplab,
    ScenarioError,
    PyValueError,
    "A scenario, plan or setting esplab cannot use."
);

/// Why a call failed, before it becomes a Python exception.
#[derive(Debug)]
pub enum Failure {
    /// A scenario, plan or setting that cannot be used.
    Settings(String),
    /// Work that would not fit in memory.
    Memory(String),
    /// Stopped before it was complete.
    Interrupted,
    /// Anything else (an unreadable folder).
    Other(String),
}

/// A [`Failure::Settings`] with `message`.
pub fn settings(message: impl std::fmt::Display) -> Failure {
    Failure::Settings(message.to_string())
}

impl From<Failure> for PyErr {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Settings(m) => ScenarioError::new_err(m),
            Failure::Memory(m) => PyMemoryError::new_err(m),
            Failure::Interrupted => PyKeyboardInterrupt::new_err("interrupted"),
            Failure::Other(m) => PyRuntimeError::new_err(m),
        }
    }
}

impl From<Scenario> for Failure {
    fn from(e: Scenario) -> Self {
        Self::Settings(e.to_string())
    }
}

impl From<MemoryError> for Failure {
    fn from(e: MemoryError) -> Self {
        match e {
            MemoryError::TooLarge(_) => Self::Memory(e.to_string()),
            MemoryError::Limit(m) => Self::Settings(m),
        }
    }
}

impl From<Interrupted> for Failure {
    fn from(_: Interrupted) -> Self {
        Self::Interrupted
    }
}

impl From<LeverError> for Failure {
    fn from(e: LeverError) -> Self {
        Self::Settings(e.to_string())
    }
}

impl From<ShardError> for Failure {
    fn from(e: ShardError) -> Self {
        Self::Settings(format!("shard {e}"))
    }
}

impl From<esplab_output::OutputError> for Failure {
    fn from(e: esplab_output::OutputError) -> Self {
        Self::Other(e.to_string())
    }
}
