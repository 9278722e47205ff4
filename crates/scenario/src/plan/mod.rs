//! Plan files of sweeps and sensitivity analyses (`schema = 1`): a base scenario, factors with
//! their ranges, a sampler or an imported design, replicates and metrics.
//!
//! ```toml
//! schema = 1
//! scenario = "mcp"              # a preset, or a path relative to the plan file
//! sampler = "latin-hypercube"   # grid | latin-hypercube | sobol
//! points = 64                   # design points (Sobol' base samples / Morris trajectories)
//! replicates = 2                # runs per point; seeds are shared across points
//! metrics = ["long_run_baseline", "final_adoption"]
//!
//! [set]                         # overrides of the base scenario
//! "run.users" = 20000
//!
//! [[factors]]
//! key = "vendors.tolerance"
//! distribution = "uniform"      # uniform | log-uniform | values
//! low = 0.01
//! high = 0.05
//! ```
//!
//! This module holds a validated plan and what it yields (design points, runs, the sensitivity
//! design, its hash); `parse` reads plan files, [`design_csv()`] writes and reads designs as CSV.

mod design_csv;
mod parse;

pub use design_csv::{design_csv, read_design_csv};

use crate::error::{Result, ScenarioError};
use crate::fields::set_numeric;
use crate::scenario::{sha256_hex, Scenario};
use esplab_experiment::design::{Factor, Sampler};
use esplab_experiment::design_runs::{metric_columns, DesignRuns};
use esplab_experiment::sensitivity::Method;
use esplab_model::Parameters;

/// Most simulations (design points × replicates) one plan may ask for.
pub const MAX_ROWS: u64 = 100_000_000;

/// Where a plan's design points come from.
#[derive(Debug, Clone, PartialEq)]
pub enum DesignSource {
    Sampler(Sampler),
    /// Points read from a design CSV (one row per point, one column per factor key).
    Imported {
        path: String,
        points: Vec<Vec<f64>>,
    },
}

/// A validated plan.
#[derive(Debug, Clone)]
pub struct Plan {
    pub source: String,
    pub text: String,
    /// The base scenario with the plan's `[set]` and the command-line overrides applied.
    pub scenario: Scenario,
    pub design: DesignSource,
    pub points: usize,
    pub replicates: usize,
    pub seed: u64,
    pub metrics: Vec<String>,
    pub morris_levels: usize,
    pub factors: Vec<Factor>,
}

impl Plan {
    /// Factor values of every design point (the sampler's, or the imported design).
    pub fn design_points(&self) -> Vec<Vec<f64>> {
        match &self.design {
            DesignSource::Sampler(sampler) => {
                esplab_experiment::design::design(*sampler, &self.factors, self.points, self.seed)
            }
            DesignSource::Imported { points, .. } => points.clone(),
        }
    }

    /// The base parameters with one design point's factor values set.
    pub fn parameters_for(&self, values: &[f64]) -> Parameters {
        let mut p = self.scenario.parameters.clone();
        for (f, &v) in self.factors.iter().zip(values) {
            set_numeric(&mut p, &f.key, v);
        }
        p
    }

    /// `points` of this plan as runs: its replicates under its seed, keeping its metrics.
    pub fn runs<'a>(&'a self, points: &'a [Vec<f64>]) -> DesignRuns<'a, impl Fn(&[f64]) -> Parameters + Sync + 'a> {
        DesignRuns {
            points,
            replicates: self.replicates as u64,
            master: self.seed,
            columns: metric_columns(&self.metrics).expect("a plan's metrics are checked when it is read"),
            parameters_for: move |x: &[f64]| self.parameters_for(x),
        }
    }

    /// The design of a sensitivity analysis of this plan by `method`: points in the unit cube
    /// and their factor values. Refused for a plan with an imported design, or one asking for
    /// more than [`MAX_ROWS`] simulations.
    pub fn sensitivity_design(&self, method: Method) -> Result<SensitivityDesign> {
        let refuse = |message: String| ScenarioError::Plan {
            source_name: self.source.clone(),
            message,
        };
        if matches!(self.design, DesignSource::Imported { .. }) {
            return Err(refuse(
                "sensitivity builds its own design; remove `design` from the plan".into(),
            ));
        }
        let (d, n) = (self.factors.len(), self.points);
        let rows = method.rows(d, n);
        let simulations = rows.saturating_mul(self.replicates as u64);
        if simulations > MAX_ROWS {
            return Err(refuse(format!(
                "points = {n} gives {rows} design rows x {} replicates = {simulations} simulations; at most {MAX_ROWS} per plan: lower `points`",
                self.replicates
            )));
        }
        let mut warnings = Vec::new();
        if method == Method::Sobol && !n.is_power_of_two() {
            warnings.push(format!(
                "points = {n} is not a power of two; Sobol' estimates converge best with 2^k base samples"
            ));
        }
        let unit = method.design(d, n, self.morris_levels, self.seed);
        let values = unit
            .iter()
            .map(|u| self.factors.iter().zip(u).map(|(f, &x)| f.value(x)).collect())
            .collect();
        Ok(SensitivityDesign {
            method,
            unit,
            values,
            warnings,
        })
    }

    /// SHA-256 of what determines the rows: plan text, resolved base scenario, overrides, design.
    pub fn hash(&self) -> String {
        let design: String = self
            .design_points()
            .iter()
            .map(|p| p.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
            .join("\n");
        sha256_hex(format!("{}\n--\n{}\n--\n{}", self.text, self.scenario.resolved_toml(), design).as_bytes())
    }
}

/// The design of a sensitivity analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityDesign {
    pub method: Method,
    /// Points in the unit cube.
    pub unit: Vec<Vec<f64>>,
    /// Their factor values.
    pub values: Vec<Vec<f64>>,
    /// What the user should know (e.g. a Sobol' design whose size is not a power of two).
    pub warnings: Vec<String>,
}
