//! Jobs: the orchestration every front end shares. The command line, the explorer and Python
//! call these and only convert their arguments and results.
//!
//! - [`replicates`]: runs of one scenario on consecutive indices, in index order, and paired
//!   runs of several arms on common random numbers;
//! - [`levers`]: the setup of a leverage experiment (the day levers are pulled, the heroic
//!   offering, the arms);
//! - [`designs`]: the rows of sweeps and sensitivity designs (one simulation per sweep row;
//!   replicate means per sensitivity row), and the metrics a plan keeps;
//! - [`shards`]: contiguous slices of a design's rows;
//! - [`calibration`]: ABC-SMC against targets, then the posterior predictive of the targets and
//!   of held-out figures;
//! - [`ensure_memory`]: the up-front memory check of any of them.

pub mod calibration;
pub mod designs;
pub mod draws;
pub mod levers;
pub mod replicates;
pub mod shards;

use crate::memory::{self, MemoryError, Spelling};
use crate::Executor;
use esplab_model::Parameters;

pub use designs::{metric_columns, DesignRuns, SweepRow};
pub use levers::{LeverError, LeverSetup};
pub use replicates::{collect, paired_runs, runs, Interrupted};
pub use shards::{parse_shard, shard_rows, ShardError};

/// Refuses, before anything is allocated, `runs` simulations of the largest of `parameters`
/// that would not fit in memory with as many at once as `executor` has threads.
pub fn ensure_memory<'a>(
    what: &str,
    parameters: impl IntoIterator<Item = &'a Parameters>,
    executor: &Executor,
    runs: u64,
    spelling: Spelling,
) -> Result<(), MemoryError> {
    let at_once = (executor.threads() as u64).min(runs).max(1) as usize;
    memory::check(what, parameters, at_once, spelling)
}
