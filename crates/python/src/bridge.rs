//! The one bridge from esplab's errors to Python's exceptions: bad settings raise
//! `esplab.ScenarioError`, work that would not fit raises `MemoryError` with the estimate, an
//! interruption raises `KeyboardInterrupt`, anything else `RuntimeError`.

use esplab_commands::machine_memory::MemoryError;
use esplab_commands::CommandError;
use esplab_scenario::{ScenarioError as Scenario, Spelling};
use pyo3::create_exception;
use pyo3::exceptions::{PyKeyboardInterrupt, PyMemoryError, PyRuntimeError, PyUserWarning, PyValueError};
use pyo3::PyErr;

create_exception!(
    _esplab,
    ScenarioError,
    PyValueError,
    "A scenario, plan or setting esplab cannot use."
);

create_exception!(
    _esplab,
    ScenarioWarning,
    PyUserWarning,
    "A setting esplab accepts but that probably does not do what was meant: a key no mechanism of the scenario reads, an intervention after the horizon."
);

/// Why a call failed, before it becomes a Python exception.
#[derive(Debug)]
pub enum Failure {
    /// A scenario, plan or setting that cannot be used.
    Settings(String),
    /// Work that would not fit in memory.
    Memory(String),
    /// Stopped before it was complete (and where what finished is kept).
    Interrupted(String),
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
            Failure::Interrupted(m) => PyKeyboardInterrupt::new_err(m),
            Failure::Other(m) => PyRuntimeError::new_err(m),
        }
    }
}

impl From<Scenario> for Failure {
    fn from(e: Scenario) -> Self {
        Self::Settings(e.to_string())
    }
}

impl From<CommandError> for Failure {
    fn from(e: CommandError) -> Self {
        let message = e.spelled(Spelling::Python);
        match e {
            CommandError::Memory(MemoryError::TooLarge(_)) => Self::Memory(message),
            CommandError::Interrupted(_) => Self::Interrupted(message),
            CommandError::Scenario(_) | CommandError::Memory(MemoryError::Limit(_)) => Self::Settings(message),
            e if e.is_usage() => Self::Settings(message),
            _ => Self::Other(message),
        }
    }
}
