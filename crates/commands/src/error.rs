//! Why a command failed, in one type every front end turns into its own words: the command
//! line spells a field `--start-day` and exits 2 for a wrong setting; Python spells it
//! `start_day` and raises `ScenarioError`.

use crate::machine_memory::MemoryError;
use esplab_output::OutputError;
use esplab_scenario::{ScenarioError, Spelling};
use std::path::PathBuf;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// A field of the request outside its limits, or one that does not fit the work.
    #[error("{field} {value}: {reason}")]
    Field {
        /// As the request declares it (`start_day`); front ends spell it.
        field: &'static str,
        value: String,
        reason: String,
    },
    /// Requests that cannot be combined, or a setting missing (in the front ends' words already).
    #[error("{0}")]
    Usage(String),
    /// The output folder holds files (an interrupted journal, or anything else).
    #[error("out {}: the folder is not empty", .dir.display())]
    Occupied {
        dir: PathBuf,
        /// What interrupted work it holds, if it holds a journal.
        interrupted: Option<&'static str>,
    },
    /// Replacing was asked for, but the output folder holds files esplab did not write.
    #[error("out {}: holds files esplab did not write", .dir.display())]
    Foreign {
        dir: PathBuf,
        /// What it holds that esplab did not write (paths within it; folders end in `/`).
        names: Vec<String>,
    },
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Memory(#[from] MemoryError),
    /// Stopped before it was complete; journaled work says where its finished part is kept.
    #[error("interrupted: no complete result was written")]
    Interrupted(Option<Resumable>),
    /// A folder could not be read or written.
    #[error("cannot {action} {}: {source}", .dir.display())]
    Output {
        action: &'static str,
        dir: PathBuf,
        source: OutputError,
    },
    /// The work ran and gave no result (in the front ends' words already).
    #[error("{0}")]
    Failed(String),
}

/// Where journaled work that was stopped keeps what it finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resumable {
    pub done: u64,
    pub total: u64,
    pub what: &'static str,
    pub dir: PathBuf,
}

impl From<esplab_experiment::Interrupted> for CommandError {
    fn from(_: esplab_experiment::Interrupted) -> Self {
        Self::Interrupted(None)
    }
}

/// How `spelling` writes the request field `field` (`start_day`: `--start-day`, `start_day`).
pub fn field_name(field: &str, spelling: Spelling) -> String {
    match spelling {
        Spelling::Cli => format!("--{}", field.replace('_', "-")),
        Spelling::Python | Spelling::Server => field.to_string(),
    }
}

/// How `spelling` writes "set `field` to `value`" (`--resume`, `resume=True`).
fn flag(field: &str, spelling: Spelling) -> String {
    match spelling {
        Spelling::Cli => field_name(field, spelling),
        Spelling::Python | Spelling::Server => format!("{field}=True"),
    }
}

impl CommandError {
    /// A [`CommandError::Field`].
    pub fn field(field: &'static str, value: impl ToString, reason: impl Into<String>) -> Self {
        Self::Field {
            field,
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// Whether the request was wrong (the command line's exit status 2; Python's
    /// `ScenarioError`), as opposed to the work failing.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Self::Field { .. } | Self::Usage(_) | Self::Occupied { .. } | Self::Foreign { .. }
        )
    }

    /// The message in the words of `spelling`.
    pub fn spelled(&self, spelling: Spelling) -> String {
        let out = field_name("out", spelling);
        let separator = if spelling == Spelling::Cli { " " } else { "=" };
        match self {
            Self::Field { field, value, reason } => {
                format!("{}{separator}{value}: {reason}", field_name(field, spelling))
            }
            Self::Occupied {
                dir,
                interrupted: Some(what),
            } => format!(
                "{out}{separator}{}: holds an interrupted {what}: add {} to finish it, {} to start over, or choose another {out}",
                dir.display(),
                flag("resume", spelling),
                flag("force", spelling)
            ),
            Self::Occupied { dir, interrupted: None } => format!(
                "{out}{separator}{}: the folder is not empty; choose another, or add {} to replace what it holds",
                dir.display(),
                flag("force", spelling)
            ),
            Self::Foreign { dir, names } => {
                let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
                let more = match names.len().saturating_sub(shown.len()) {
                    0 => String::new(),
                    n => format!(" and {n} more"),
                };
                format!(
                    "{out}{separator}{}: {} replaces only what esplab wrote, and the folder also holds {}{more}; move them, or choose another {out}",
                    dir.display(),
                    flag("force", spelling),
                    shown.join(", ")
                )
            }
            Self::Interrupted(Some(r)) => format!(
                "interrupted after {} of {} {}; every finished one is kept in {}. Run the same {} with {} to finish.",
                r.done,
                r.total,
                r.what,
                r.dir.display(),
                if spelling == Spelling::Cli { "command" } else { "call" },
                flag("resume", spelling)
            ),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_advice_are_spelled_as_each_front_end_takes_them() {
        let e = CommandError::field("start_day", 900, "must be before the end of the horizon (365 days)");
        assert_eq!(
            e.spelled(Spelling::Cli),
            "--start-day 900: must be before the end of the horizon (365 days)"
        );
        assert_eq!(
            e.spelled(Spelling::Python),
            "start_day=900: must be before the end of the horizon (365 days)"
        );
        let held = CommandError::Occupied {
            dir: "x".into(),
            interrupted: Some("ensemble"),
        };
        assert!(held
            .spelled(Spelling::Cli)
            .contains("add --resume to finish it, --force to start over"));
        assert!(held
            .spelled(Spelling::Python)
            .contains("add resume=True to finish it, force=True"));
        assert!(held.is_usage() && e.is_usage());
        assert!(!CommandError::Interrupted(None).is_usage());
    }
}
