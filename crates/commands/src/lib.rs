//! esplab commands: each command of the library once, for every front end.
//!
//! A command is a module with a typed `Request` that declares its limits ([`limits::Limit`];
//! errors name the request's field and each front end spells it, [`error::CommandError`]), a
//! `prepare` step that loads its sources, checks memory ([`machine_memory::ensure`]) and
//! chooses its folder ([`destination::Destination`]), and a `run(&Executor, &dyn Progress,
//! &Stop)` whose outcome is written through one journal ([`journaled`]), so that every front
//! end can resume it. The command line turns arguments into requests and outcomes into text;
//! Python turns keywords into requests and outcomes into Arrow tables; neither reaches past
//! this crate into the experiment crate.

pub mod analyze;
pub mod backtest;
pub mod calibrate;
pub mod compare;
pub mod destination;
pub mod discover;
pub mod draws;
pub mod ensemble;
pub mod error;
pub mod fit;
pub mod folder_files;
pub mod forecast;
pub mod format;
pub mod journaled;
pub mod leverage;
pub mod leverage_draws;
pub mod limits;
pub mod machine_memory;
pub mod merge;
pub mod observed_series;
pub mod outlooks;
pub mod plan_source;
pub mod progress;
pub mod replicates;
pub mod run;
pub mod sensitivity;
pub mod shards;
pub mod source;
pub mod stop;
pub mod story;
pub mod sweep;
pub mod threads;
pub mod validate;
pub mod verify;

pub use destination::Destination;
pub use error::{CommandError, Resumable};
pub use esplab_experiment::Executor;
pub use progress::{Progress, Silent};
pub use source::{Named, Source};
pub use stop::Stop;

use std::path::PathBuf;

/// How a command that writes a folder ended.
#[derive(Debug)]
pub enum Finished<T> {
    /// It ran (or finished what an interruption left) and wrote its folder, if it had one.
    Done(T),
    /// Resuming found the folder holding the complete result already; nothing was run.
    AlreadyComplete { dir: PathBuf, what: &'static str },
}
