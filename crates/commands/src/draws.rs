//! Leverage over draws of the parameters: the standard levers pulled in each draw, the arms of
//! each draw run in pairs on the same seeds as every other draw's, and each lever's paired effect
//! in each draw, for [`esplab_experiment::robust::summarize`]. Index `i` of the job is run `i % runs` of draw
//! `i / runs`, so the work can be journaled, sharded and resumed like any paired job.

use esplab_experiment::leverage::{lever_metrics, lever_width, rank};
use esplab_experiment::levers::{LeverError, LeverSetup};
use esplab_experiment::robust::DrawEffect;
use esplab_experiment::{Executor, Interrupted};
use esplab_model::Parameters;
use std::sync::atomic::AtomicBool;

/// The standard levers over draws of the parameters.
#[derive(Debug, Clone)]
pub struct LeverDraws {
    /// One lever setup per draw, all with the same start day and heroic offering.
    pub setups: Vec<LeverSetup>,
    /// Paired runs per draw.
    pub runs: u64,
    /// Master seed of every draw's runs.
    pub master: u64,
    /// Values per arm, the same for every draw.
    width: usize,
}

impl LeverDraws {
    /// The levers of `base` pulled on `start` in each of `draws` (parameters of the same
    /// scenario). The heroic vendor is `heroic`, or the minority offering of `base`, in every
    /// draw, so that the lever means the same in each.
    pub fn new(
        base: &Parameters,
        draws: &[Parameters],
        start: Option<u32>,
        heroic: Option<&str>,
        runs: u64,
        master: u64,
    ) -> Result<Self, LeverError> {
        let reference = LeverSetup::new(base, start, heroic)?;
        let setups = draws
            .iter()
            .map(|p| LeverSetup::new(p, Some(reference.start), Some(&reference.heroic_name)))
            .collect::<Result<Vec<_>, _>>()?;
        let width = lever_width(base.offerings.len());
        Ok(Self {
            setups,
            runs,
            master,
            width,
        })
    }

    /// Indices of the job: draws × runs.
    pub fn indices(&self) -> u64 {
        self.setups.len() as u64 * self.runs
    }

    /// Arms per index (the base and each lever).
    pub fn arms(&self) -> usize {
        self.setups.first().map_or(0, |s| s.arms.len())
    }

    /// Values per arm, the same for every draw: [`lever_width`] of the base's offerings.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The values of every arm at index `index` ([`Self::width`] each).
    pub fn metrics(&self, index: u64) -> Vec<Vec<f64>> {
        let setup = &self.setups[(index / self.runs.max(1)) as usize];
        lever_metrics(&setup.arm_refs(), self.master, index % self.runs.max(1))
    }

    /// Every index run on `executor` (unjournaled), as `by_arm[arm][index]` for
    /// [`Self::effects`].
    pub fn run(
        &self,
        executor: &Executor,
        stop: &AtomicBool,
        tick: impl FnMut(),
    ) -> Result<Vec<Vec<Vec<f64>>>, Interrupted> {
        let indices: Vec<u64> = (0..self.indices()).collect();
        let by_index = executor.in_order(&indices, stop, |i| self.metrics(i), tick)?;
        let mut by_arm: Vec<Vec<Vec<f64>>> = vec![Vec::with_capacity(indices.len()); self.arms()];
        for arms in by_index {
            for (arm, values) in arms.into_iter().enumerate() {
                by_arm[arm].push(values);
            }
        }
        Ok(by_arm)
    }

    /// Each draw's paired effect of each lever, `[draw][lever]`, from the values of every arm at
    /// every index, `by_arm[arm][index]` (as a paired journal reads them back).
    pub fn effects(&self, by_arm: &[Vec<Vec<f64>>]) -> Vec<Vec<DrawEffect>> {
        let runs = self.runs.max(1) as usize;
        (0..self.setups.len())
            .map(|d| {
                let arms: Vec<Vec<Vec<f64>>> = by_arm
                    .iter()
                    .map(|values| values[d * runs..(d + 1) * runs].to_vec())
                    .collect();
                let mut rows = rank(&arms);
                rows.sort_by_key(|r| r.lever);
                rows.iter()
                    .map(|r| DrawEffect {
                        estimate: r.effect.estimate,
                        standard_error: r.effect.standard_error,
                    })
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use esplab_experiment::leverage::standard_levers;

    #[test]
    fn each_draw_is_its_own_paired_leverage_on_the_same_seeds() {
        let mut base = Parameters::default();
        base.run.users = 1_500;
        base.run.years = 1.0;
        let draws: Vec<Parameters> = [0.5, 2.0]
            .iter()
            .map(|&e| {
                let mut p = base.clone();
                p.excitement.base = e;
                p
            })
            .collect();
        let job = LeverDraws::new(&base, &draws, Some(100), None, 3, 7).unwrap();
        assert_eq!((job.indices(), job.arms()), (6, standard_levers(100, "").len() + 1));
        let by_index: Vec<Vec<Vec<f64>>> = (0..job.indices()).map(|i| job.metrics(i)).collect();
        // Index 4 is run 1 of draw 1: the second draw's arms on the seed of run 1.
        assert_eq!(by_index[4], lever_metrics(&job.setups[1].arm_refs(), 7, 1));
        let by_arm = job.run(&Executor::new(2), &AtomicBool::new(false), || {}).unwrap();
        assert_eq!(by_arm[3][4], by_index[4][3], "indices in order, arms apart");
        let effects = job.effects(&by_arm);
        assert_eq!(effects.len(), 2);
        // Each draw's effects are those of a leverage experiment on that draw alone.
        for (d, setup) in job.setups.iter().enumerate() {
            let alone: Vec<Vec<Vec<f64>>> = (0..job.arms())
                .map(|a| {
                    (0..3)
                        .map(|r| lever_metrics(&setup.arm_refs(), 7, r)[a].clone())
                        .collect()
                })
                .collect();
            let mut rows = rank(&alone);
            rows.sort_by_key(|r| r.lever);
            for (l, row) in rows.iter().enumerate() {
                assert_eq!(effects[d][l].estimate, row.effect.estimate);
            }
        }
        assert!(LeverDraws::new(&base, &draws, Some(10_000), None, 3, 7).is_err());
    }
}
