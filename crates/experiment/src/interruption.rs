//! Abandoning runs in flight when their command is stopped (Ctrl-C), so a stop takes effect
//! within a day of simulated time rather than at the end of a batch of whole runs.
//!
//! The [`crate::Executor`] lends each job its stop flag for as long as the job runs, on the
//! thread that runs it; [`crate::run::replicate_while`] asks [`raised`] after every day and
//! abandons the run when it says yes. An abandoned run's outcome is partial, so the executor
//! discards the whole batch it belonged to: no partial result ever reaches a sink. Outside a job
//! (a run of the explorer, a test) no flag is lent and nothing is abandoned.

use std::sync::atomic::{AtomicBool, Ordering};

scoped_tls::scoped_thread_local!(static STOP: AtomicBool);

/// Runs `work` with `stop` lent to this thread: [`raised`] reads it until `work` returns.
pub(crate) fn lending<R>(stop: &AtomicBool, work: impl FnOnce() -> R) -> R {
    STOP.set(stop, work)
}

/// Whether the stop flag lent to this thread, if any, was raised.
pub fn raised() -> bool {
    STOP.is_set() && STOP.with(|stop| stop.load(Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_is_read_only_while_it_is_lent() {
        let stop = AtomicBool::new(true);
        assert!(!raised(), "no flag lent");
        assert!(lending(&stop, raised));
        let calm = AtomicBool::new(false);
        assert!(!lending(&calm, raised));
        // Nested lending (a worker stealing another job) restores the outer flag.
        lending(&calm, || {
            assert!(lending(&stop, raised));
            assert!(!raised());
        });
        assert!(!raised(), "the flag is returned");
    }
}
