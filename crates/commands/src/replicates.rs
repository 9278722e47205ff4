//! Runs of a scenario on consecutive indices, and paired runs of several arms on the same
//! indices (common random numbers), handed over in index order.

use esplab_experiment::compare::paired_metrics;
use esplab_experiment::run::{simulate, RunOutcome};
use esplab_experiment::{Executor, Interrupted};
use esplab_model::Parameters;
use std::sync::atomic::AtomicBool;

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
    executor.in_order(indices, stop, |i| simulate(parameters, master, i, keep_series), tick)
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
    let by_run = executor.in_order(indices, stop, |i| paired_metrics(arms, master, i), tick)?;
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
    use esplab_experiment::compare::paired_width;

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
