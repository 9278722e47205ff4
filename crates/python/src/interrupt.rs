//! Calls that Ctrl-C stops: a command runs on a thread of its own while the calling thread waits
//! for it without the GIL, checking Python's signals every [`POLL`]. A `KeyboardInterrupt`
//! raises the command's stop flag; the command ends within a day of simulated time (journaled
//! work keeps what it finished), and the call raises `KeyboardInterrupt` (with where to resume,
//! when the command says so).

use crate::fail;
use esplab_commands::{CommandError, Stop};
use pyo3::prelude::*;
use std::sync::mpsc;
use std::time::Duration;

/// How often the waiting thread checks for signals.
pub const POLL: Duration = Duration::from_millis(50);

/// Runs `work` with a stop flag that a `KeyboardInterrupt` (Ctrl-C, or any signal handler that
/// raises) raises; its error becomes a Python exception.
pub fn interruptible<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(&Stop) -> Result<T, CommandError> + Send,
) -> PyResult<T> {
    let stop = &Stop::new();
    std::thread::scope(|scope| {
        let (sender, mut receiver) = mpsc::sync_channel(1);
        let worker = scope.spawn(move || {
            // The receiver outlives the worker: nothing can fail here.
            let _ = sender.send(work(stop));
        });
        let mut signal: Option<PyErr> = None;
        let outcome = loop {
            // A receiver is Send but not Sync: lend it whole to the thread without the GIL.
            let waiting = &mut receiver;
            match py.detach(move || waiting.recv_timeout(POLL)) {
                Ok(outcome) => break Some(outcome),
                Err(mpsc::RecvTimeoutError::Disconnected) => break None,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if signal.is_none() {
                        if let Err(e) = py.check_signals() {
                            stop.raise();
                            signal = Some(e);
                        }
                    }
                }
            }
        };
        let joined = py.detach(|| worker.join());
        let Some(outcome) = outcome else {
            // The worker panicked before it sent: carry its panic on.
            match joined {
                Err(panic) => std::panic::resume_unwind(panic),
                Ok(()) => unreachable!("a worker that returned has sent its outcome"),
            }
        };
        match (outcome, signal) {
            (Err(e @ CommandError::Interrupted(_)), _) => Err(fail(e)),
            (_, Some(signal)) => Err(signal),
            (outcome, None) => outcome.map_err(fail),
        }
    })
}
