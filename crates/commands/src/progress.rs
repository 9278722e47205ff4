//! How a command tells its front end how far it is: a progress bar on the command line,
//! nothing in Python.

/// What a command reports while it works.
pub trait Progress: Sync {
    /// Work of `total` units called `what` begins, `done` of them finished already (resumed).
    fn begin(&self, what: &str, total: u64, done: u64);
    /// `units` more units are finished.
    fn advance(&self, units: u64);
    /// The units finished so far, and a word on where the work stands.
    fn at(&self, done: u64, note: &str);
    /// The work is over (finished or stopped).
    fn end(&self);
}

/// Progress nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn begin(&self, _: &str, _: u64, _: u64) {}
    fn advance(&self, _: u64) {}
    fn at(&self, _: u64, _: &str) {}
    fn end(&self) {}
}
