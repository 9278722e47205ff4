//! Runs of a scenario on consecutive indices, and paired runs of several arms on the same
//! indices (common random numbers), handed over in index order.

use crate::run::{simulate, RunOutcome};
use crate::Executor;
use esplab_model::Parameters;
use std::sync::atomic::AtomicBool;

/// A job stopped by its stop flag (Ctrl-C) before it was complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("interrupted: no complete result was written")]
pub struct Interrupted;

/// Runs `job` for each of `indices` on `executor`, calling `tick` as each result arrives;
/// returns the results in index order.
pub fn collect<T: Send>(
    executor: &Executor,
    indices: &[u64],
    stop: &AtomicBool,
    job: impl Fn(u64) -> T + Sync,
    mut tick: impl FnMut(),
) -> Result<Vec<T>, Interrupted> {
    let mut out = Vec::with_capacity(indices.len());
    let outcome = executor.run(indices, stop, job, |_, result| {
        tick();
        out.push(result);
        Ok::<(), Interrupted>(())
    })?;
    match outcome {
        None => Ok(out),
        Some(_) => Err(Interrupted),
    }
}

/// Runs `indices` of `parameters` under master seed `master` (with daily series when
/// `keep_series`), calling `tick` as each result arrives; returns them in index order.
pub fn runs(
    executor: &Executor,
    parameters: &Parameters,
    master: u64,
    indices: &[u64],
    keep_series: bool,
    stop: &AtomicBool,
    tick: impl FnMut(),
) -> Result<Vec<RunOutcome>, Interrupted> {
    collect(
        executor,
        indices,
        stop,
        |i| simulate(parameters, master, i, keep_series),
        tick,
    )
}

/// Values per arm of a paired run: the [`crate::metric_names`] metrics, then for each of the
/// arms' most offerings its long-run share of adopters and security (zeros for an offering an
/// arm lacks).
pub fn paired_width(arms: &[&Parameters]) -> usize {
    crate::metric_names().len() + 2 * arms.iter().map(|p| p.offerings.len()).max().unwrap_or(0)
}

/// The values of every arm at run `index` ([`paired_width`] each): `arms[a]` with the seed of
/// run `index` under master seed `master`, the same seed for every arm.
pub fn paired_metrics(arms: &[&Parameters], master: u64, index: u64) -> Vec<Vec<f64>> {
    let width = paired_width(arms);
    arms.iter()
        .map(|p| {
            let outcome = simulate(p, master, index, false);
            let mut values = outcome.metrics;
            values.extend(
                outcome
                    .offerings
                    .iter()
                    .flat_map(|&(share, security)| [share, security]),
            );
            values.resize(width, 0.0);
            values
        })
        .collect()
}

/// Runs every arm on each of `indices` (common random numbers), calling `tick` per index;
/// returns, per arm, the metrics of each run in index order.
pub fn paired_runs(
    executor: &Executor,
    arms: &[&Parameters],
    master: u64,
    indices: &[u64],
    stop: &AtomicBool,
    tick: impl FnMut(),
) -> Result<Vec<Vec<Vec<f64>>>, Interrupted> {
    let by_run = collect(executor, indices, stop, |i| paired_metrics(arms, master, i), tick)?;
    let mut results: Vec<Vec<Vec<f64>>> = vec![Vec::with_capacity(indices.len()); arms.len()];
    for metrics in by_run {
        for (arm, m) in metrics.into_iter().enumerate() {
            results[arm].push(m);
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Parameters {
        let mut p = Parameters::default();
        p.run.users = 1_000;
        p.run.years = 0.5;
        p
    }

    #[test]
    fn paired_arms_share_seeds_and_runs_arrive_in_order() {
        let base = small();
        let mut variant = small();
        variant.vendors.tolerance *= 2.0;
        let stop = AtomicBool::new(false);
        let indices = [0, 1, 2, 3, 4];
        let mut ticks = 0;
        let arms = paired_runs(&Executor::new(2), &[&base, &variant], 7, &indices, &stop, || ticks += 1).unwrap();
        assert_eq!(ticks, 5);
        assert_eq!(arms.len(), 2);
        let alone = runs(&Executor::new(3), &base, 7, &indices, false, &stop, || {}).unwrap();
        let metrics: Vec<Vec<f64>> = alone
            .iter()
            .map(|r| {
                let mut values = r.metrics.clone();
                values.extend(r.offerings.iter().flat_map(|&(w, s)| [w, s]));
                values
            })
            .collect();
        assert_eq!(arms[0], metrics, "the base arm is the ensemble of the base");
        assert_eq!(metrics[0].len(), paired_width(&[&base, &variant]));
        assert_eq!(alone.iter().map(|r| r.index).collect::<Vec<_>>(), indices);
    }

    #[test]
    fn a_raised_stop_flag_is_an_interruption() {
        let stop = AtomicBool::new(true);
        let p = small();
        assert_eq!(
            runs(&Executor::new(1), &p, 1, &[0], false, &stop, || {}),
            Err(Interrupted)
        );
        assert_eq!(
            paired_runs(&Executor::new(1), &[&p], 1, &[0], &stop, || {}),
            Err(Interrupted)
        );
    }
}
