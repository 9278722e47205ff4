//! The rows of designs: a sweep row is one simulation of a design point and replicate; a
//! sensitivity row is the mean over the replicates of a design point. Both are pure functions
//! of (design, row), whichever front end or machine runs them.

use crate::run::{metric_names, simulate};
use esplab_model::footprint::peak_bytes;
use esplab_model::Parameters;

/// A metric a design asks for that runs do not report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("metric {name:?} is not a run metric; metrics: {known}")]
pub struct UnknownMetric {
    pub name: String,
    pub known: String,
}

/// The positions in [`metric_names`] of `metrics`.
pub fn metric_columns(metrics: &[String]) -> Result<Vec<usize>, UnknownMetric> {
    let names = metric_names();
    metrics
        .iter()
        .map(|m| {
            names.iter().position(|n| n == m).ok_or_else(|| UnknownMetric {
                name: m.clone(),
                known: names.join(", "),
            })
        })
        .collect()
}

/// Design points run under one master seed, each `replicates` times.
pub struct DesignRuns<'a, F> {
    /// Factor values of each point.
    pub points: &'a [Vec<f64>],
    pub replicates: u64,
    pub master: u64,
    /// Positions of the kept metrics in [`metric_names`].
    pub columns: Vec<usize>,
    /// The parameters of a point.
    pub parameters_for: F,
}

/// One row of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    pub row: u64,
    pub point: usize,
    pub replicate: u64,
    pub seed: u64,
    /// The kept metrics.
    pub metrics: Vec<f64>,
}

impl<F: Fn(&[f64]) -> Parameters + Sync> DesignRuns<'_, F> {
    /// Rows of the sweep: points × replicates.
    pub fn sweep_rows(&self) -> u64 {
        self.points.len() as u64 * self.replicates
    }

    /// The largest point's parameters (by peak memory), for the memory check.
    pub fn largest(&self) -> Option<Parameters> {
        self.points
            .iter()
            .map(|x| (self.parameters_for)(x))
            .max_by_key(peak_bytes)
    }

    /// Sweep row `row`: replicate `row % replicates` of point `row / replicates`.
    pub fn sweep_row(&self, row: u64) -> SweepRow {
        let (point, replicate) = ((row / self.replicates) as usize, row % self.replicates);
        let outcome = simulate(
            &(self.parameters_for)(&self.points[point]),
            self.master,
            replicate,
            false,
        );
        SweepRow {
            row,
            point,
            replicate,
            seed: outcome.seed,
            metrics: self.columns.iter().map(|&m| outcome.metrics[m]).collect(),
        }
    }

    /// Sensitivity row `point`: the mean of the kept metrics over the replicates.
    pub fn replicate_means(&self, point: usize) -> Vec<f64> {
        let p = (self.parameters_for)(&self.points[point]);
        let mut sums = vec![0.0; self.columns.len()];
        for r in 0..self.replicates {
            let metrics = simulate(&p, self.master, r, false).metrics;
            for (s, &m) in sums.iter_mut().zip(&self.columns) {
                *s += metrics[m];
            }
        }
        sums.iter().map(|s| s / self.replicates as f64).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_points_by_replicates_and_means_average_them() {
        let points = vec![vec![1_000.0], vec![1_500.0]];
        let design = DesignRuns {
            points: &points,
            replicates: 3,
            master: 5,
            columns: metric_columns(&["final_baseline".into(), "days".into()]).unwrap(),
            parameters_for: |x: &[f64]| {
                let mut p = Parameters::default();
                p.run.users = x[0] as u32;
                p.run.years = 0.25;
                p
            },
        };
        assert_eq!(design.sweep_rows(), 6);
        let rows: Vec<SweepRow> = (0..6).map(|r| design.sweep_row(r)).collect();
        assert_eq!(rows[4].point, 1);
        assert_eq!(rows[4].replicate, 1);
        assert_eq!(rows[4].seed, crate::run_seed(5, 1));
        let mean = design.replicate_means(1);
        let expected = rows[3..].iter().map(|r| r.metrics[0]).sum::<f64>() / 3.0;
        assert!((mean[0] - expected).abs() < 1e-12);
        assert_eq!(mean[1], rows[3].metrics[1]);
        assert_eq!(design.largest().unwrap().run.users, 1_500);
        assert!(metric_columns(&["nope".into()])
            .unwrap_err()
            .to_string()
            .contains("long_run_baseline"));
    }
}
