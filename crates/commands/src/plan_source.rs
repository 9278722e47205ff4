//! Where a sweep's or a sensitivity analysis's plan comes from: its file, the caller's
//! overrides of its scenario and, optionally, a master seed replacing the plan's.

use crate::error::CommandError;
use esplab_scenario::plan::Plan;
use esplab_scenario::Override;

/// A plan file and what the caller changes in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSource {
    pub path: String,
    pub overrides: Vec<Override>,
    /// Replaces the plan's master seed.
    pub seed: Option<u64>,
}

impl PlanSource {
    /// Reads the plan.
    pub fn load(&self) -> Result<Plan, CommandError> {
        let mut plan = Plan::load(&self.path, &self.overrides)?;
        if let Some(seed) = self.seed {
            plan.seed = seed;
        }
        Ok(plan)
    }
}
