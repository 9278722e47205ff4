//! Worker threads: a request's thread count, bounded by a stated multiple of the machine's
//! cores where it is read, and the executor built from it. A count past the bound is refused at
//! once, before a thread is spawned, naming the option, the value and the bound.

use crate::error::CommandError;
use esplab_experiment::Executor;

/// Threads allowed per core of the machine.
pub const THREADS_PER_CORE: usize = 4;

/// The machine's cores (1 when it cannot say).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The most threads a request may ask for on this machine.
pub fn most() -> usize {
    THREADS_PER_CORE * cores()
}

/// `threads` (0: one per core), or an error naming the field `threads`, the value and the bound.
pub fn check(threads: usize) -> Result<usize, CommandError> {
    let most = most();
    if threads <= most {
        Ok(threads)
    } else {
        Err(CommandError::field(
            "threads",
            threads,
            format!(
                "allowed: 0 (one per core) to {most} ({THREADS_PER_CORE} per core of this machine's {})",
                cores()
            ),
        ))
    }
}

/// The executor of `threads` worker threads (0: one per core), once [`check`] allows them.
pub fn executor(threads: usize) -> Result<Executor, CommandError> {
    check(threads).map(Executor::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use esplab_scenario::Spelling;

    #[test]
    fn a_thread_count_past_the_bound_is_refused_naming_the_option_and_the_bound() {
        assert_eq!(check(0).unwrap(), 0);
        assert_eq!(check(most()).unwrap(), most());
        let e = check(1_000_000).unwrap_err();
        assert!(
            e.spelled(Spelling::Cli)
                .starts_with("--threads 1000000: allowed: 0 (one per core) to"),
            "{}",
            e.spelled(Spelling::Cli)
        );
        assert!(e.spelled(Spelling::Python).starts_with("threads=1000000: allowed"));
        assert!(executor(most() + 1).is_err());
        assert_eq!(executor(1).unwrap().threads(), 1);
    }
}
