//! `sensitivity`: Sobol' indices (Saltelli's design, as SALib) or Morris effects of a plan's
//! factors on its metrics, each design row the mean of the plan's replicates.

use crate::destination::{choose, stem, Destination};
use crate::error::CommandError;
use crate::limits::Limit;
use crate::machine_memory;
use crate::plan_source::PlanSource;
use crate::progress::Progress;
use crate::stop::Stop;
use esplab_experiment::sensitivity::indices;
use esplab_experiment::Executor;
use esplab_output::sensitivity_files::{sensitivity_table, write_sensitivity};
use esplab_output::table::Table;
use esplab_scenario::plan::{design_csv, Plan, SensitivityDesign};
use esplab_scenario::Spelling;
use serde_json::json;
use std::path::PathBuf;

pub use esplab_experiment::sensitivity::Method;

/// Bootstrap resamples of the confidence intervals.
pub const RESAMPLES: Limit = Limit {
    field: "resamples",
    low: 1,
    high: 1_000_000,
};

/// A sensitivity analysis of a plan.
#[derive(Debug, Clone)]
pub struct Request {
    pub plan: PlanSource,
    /// `sobol` or `morris`.
    pub method: String,
    pub resamples: u64,
    /// Where to write the folder; `None`: nowhere (the table only).
    pub destination: Option<Destination>,
}

/// An analysis ready to run.
pub struct Prepared {
    pub plan: Plan,
    pub method: Method,
    pub design: SensitivityDesign,
    resamples: usize,
    pub dir: Option<PathBuf>,
}

/// The indices found.
pub struct Outcome {
    /// sensitivity.csv: metric, factor and the method's four statistics.
    pub table: Table,
    pub dir: Option<PathBuf>,
}

impl Request {
    /// Loads the plan, builds its design, checks the limits and memory, and chooses the folder.
    pub fn prepare(self, executor: &Executor, spelling: Spelling) -> Result<Prepared, CommandError> {
        let method = Method::from_name(&self.method).ok_or_else(|| {
            CommandError::field("method", &self.method, format!("allowed: {}", Method::NAMES.join(", ")))
        })?;
        let resamples = RESAMPLES.check(self.resamples)? as usize;
        let plan = self.plan.load()?;
        let design = plan.sensitivity_design(method)?;
        machine_memory::ensure(
            &format!("plan {}", plan.source),
            plan.runs(&design.values).largest().iter(),
            executor,
            design.values.len() as u64,
            spelling,
        )?;
        let (dir, _) = choose(&self.destination, &format!("{}-sensitivity", stem(&plan.source)))?;
        Ok(Prepared {
            plan,
            method,
            design,
            resamples,
            dir,
        })
    }
}

impl Prepared {
    /// Runs the design's rows, computes the indices and writes the folder.
    pub fn run(self, executor: &Executor, progress: &dyn Progress, stop: &Stop) -> Result<Outcome, CommandError> {
        let (plan, design) = (&self.plan, &self.design);
        let values = &design.values;
        let runs = plan.runs(values);
        let rows: Vec<u64> = (0..values.len() as u64).collect();
        progress.begin("design rows", rows.len() as u64, 0);
        let outputs = executor.in_order(
            &rows,
            stop.flag(),
            |row| runs.replicate_means(row as usize),
            || progress.advance(1),
        );
        progress.end();
        let outputs = outputs?;
        let keys: Vec<String> = plan.factors.iter().map(|f| f.key.clone()).collect();
        let (d, n) = (plan.factors.len(), plan.points);
        let found = indices(self.method, &design.unit, &outputs, (d, n), self.resamples, plan.seed);
        let Some(dir) = &self.dir else {
            return Ok(Outcome {
                table: sensitivity_table(self.method, &plan.metrics, &keys, &found),
                dir: None,
            });
        };
        let name = Method::NAMES[self.method as usize];
        let document = json!({"method": name, "base_samples_or_trajectories": n, "rows": values.len(), "replicates": plan.replicates, "confidence": 0.95, "resamples": self.resamples});
        let settings = json!({"plan": plan.source, "plan_sha256": plan.hash(), "plan_text": plan.text, "method": name, "master_seed": plan.seed, "resamples": self.resamples});
        let table = write_sensitivity(
            dir,
            self.method,
            &plan.metrics,
            &keys,
            &found,
            document,
            &design_csv(&plan.factors, values),
            &plan.scenario,
            settings,
        )
        .map_err(|e| CommandError::Output {
            action: "write the results into",
            dir: dir.clone(),
            source: e,
        })?;
        Ok(Outcome {
            table,
            dir: self.dir.clone(),
        })
    }
}
