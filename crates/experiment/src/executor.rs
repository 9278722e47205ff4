//! Running many pure jobs on a fixed number of threads and handing their results over in index
//! order, a bounded batch at a time.
//!
//! The results a sink sees, and their order, do not depend on the number of threads: jobs are
//! pure functions of their index and results are delivered in index order.

use crate::interruption;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Why a batch run stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// The stop flag was raised (Ctrl-C); everything delivered so far is complete.
    Interrupted,
}

/// Work stopped by its stop flag (Ctrl-C) before it was complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("interrupted: no complete result was written")]
pub struct Interrupted;

/// A pool of worker threads.
pub struct Executor {
    pool: rayon::ThreadPool,
    threads: usize,
}

impl Executor {
    /// An executor with `threads` workers (0: one per core).
    pub fn new(threads: usize) -> Self {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool can be built");
        let threads = pool.current_num_threads();
        Self { pool, threads }
    }

    /// Number of worker threads.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `work` inside the pool, so that the parallel steps of one run
    /// (`Simulation::new_parallel`) use its threads.
    pub fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        self.pool.install(work)
    }

    /// Runs `job(i)` for every `i` in `indices`, in batches of a few jobs per thread, and hands
    /// each result to `sink` in the order of `indices`. Checks `stop` between batches, and lends
    /// it to every job ([`crate::interruption`]), so runs in flight are abandoned within a day
    /// of simulated time once it is raised; a batch during which it was raised is discarded
    /// whole, so the sink sees only complete results.
    pub fn run<T, J, S, E>(&self, indices: &[u64], stop: &AtomicBool, job: J, mut sink: S) -> Result<Option<Stopped>, E>
    where
        T: Send,
        J: Fn(u64) -> T + Sync,
        S: FnMut(u64, T) -> Result<(), E>,
    {
        let batch = (4 * self.threads).max(1);
        for chunk in indices.chunks(batch) {
            if stop.load(Ordering::Relaxed) {
                return Ok(Some(Stopped::Interrupted));
            }
            let results: Vec<T> = self.pool.install(|| {
                chunk
                    .par_iter()
                    .map(|&i| interruption::lending(stop, || job(i)))
                    .collect()
            });
            if stop.load(Ordering::Relaxed) {
                return Ok(Some(Stopped::Interrupted));
            }
            for (&i, result) in chunk.iter().zip(results) {
                sink(i, result)?;
            }
        }
        Ok(None)
    }
}

impl Executor {
    /// Runs `job` for each of `indices`, calling `tick` as each result arrives; returns the
    /// results in the order of `indices`, or [`Interrupted`] once `stop` is raised.
    pub fn in_order<T: Send>(
        &self,
        indices: &[u64],
        stop: &AtomicBool,
        job: impl Fn(u64) -> T + Sync,
        mut tick: impl FnMut(),
    ) -> Result<Vec<T>, Interrupted> {
        let mut out = Vec::with_capacity(indices.len());
        let outcome = self.run(indices, stop, job, |_, result| {
            tick();
            out.push(result);
            Ok::<(), Interrupted>(())
        })?;
        match outcome {
            None => Ok(out),
            Some(_) => Err(Interrupted),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_arrive_in_index_order_whatever_the_threads() {
        let indices: Vec<u64> = (0..101).collect();
        let stop = AtomicBool::new(false);
        for threads in [1, 2, 3] {
            let mut seen = Vec::new();
            let outcome = Executor::new(threads)
                .run(
                    &indices,
                    &stop,
                    |i| i * i,
                    |i, r| {
                        seen.push((i, r));
                        Ok::<(), ()>(())
                    },
                )
                .unwrap();
            assert_eq!(outcome, None);
            assert_eq!(seen, indices.iter().map(|&i| (i, i * i)).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_raised_stop_flag_ends_between_batches() {
        let stop = AtomicBool::new(true);
        let mut count = 0;
        let outcome = Executor::new(1)
            .run(
                &[1, 2, 3],
                &stop,
                |i| i,
                |_, _| {
                    count += 1;
                    Ok::<(), ()>(())
                },
            )
            .unwrap();
        assert_eq!(outcome, Some(Stopped::Interrupted));
        assert_eq!(count, 0);
    }

    #[test]
    fn a_stop_raised_during_a_batch_abandons_its_runs_and_discards_it() {
        let mut parameters = esplab_model::Parameters::default();
        parameters.run.users = 2_000;
        parameters.run.years = 1_000.0;
        let stop = AtomicBool::new(false);
        let mut delivered = 0;
        let last_day = std::sync::atomic::AtomicU32::new(0);
        let outcome = Executor::new(2)
            .run(
                &[0, 1, 2, 3],
                &stop,
                |i| {
                    if i == 0 {
                        stop.store(true, Ordering::Relaxed);
                    }
                    crate::run::replicate_while(&parameters, 7, i, &mut esplab_model::Summary::default(), |day| {
                        last_day.fetch_max(day, Ordering::Relaxed);
                        true
                    })
                },
                |_, _| {
                    delivered += 1;
                    Ok::<(), ()>(())
                },
            )
            .unwrap();
        assert_eq!(outcome, Some(Stopped::Interrupted));
        assert_eq!(delivered, 0, "no partial run reaches the sink");
        // Job 0 raised the flag before its first day; every run stops within a day of seeing it.
        let last_day = last_day.load(Ordering::Relaxed);
        assert!(last_day < 365 * 10, "runs went on to day {last_day} after the stop");
    }
}
