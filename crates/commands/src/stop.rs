//! The stop flag of a command: raised by Ctrl-C (the command line) or by the caller (Python,
//! the explorer), checked between batches of work.

use std::sync::atomic::{AtomicBool, Ordering};

/// Raised to stop a command between batches; everything finished before it is kept.
#[derive(Debug, Default)]
pub struct Stop(AtomicBool);

impl Stop {
    /// A stop flag not raised.
    pub const fn new() -> Self {
        Self(AtomicBool::new(false))
    }

    /// Asks the command to stop at its next batch.
    pub fn raise(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`Stop::raise`] was called.
    pub fn is_raised(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// The flag itself, as the executor checks it.
    pub fn flag(&self) -> &AtomicBool {
        &self.0
    }
}
