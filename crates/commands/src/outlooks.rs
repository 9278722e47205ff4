//! Runs of posterior draws carried to a day: each draw a particle of the posterior picked by
//! its weight, run once with a seed of its own, recording the observed share and the events a
//! forecast asks about ([`Outlook`]).

use crate::error::CommandError;
use crate::progress::Progress;
use crate::stop::Stop;
use esplab_experiment::calibration::posterior::resample_weights;
use esplab_experiment::forecast::paths::{quantiles, Outlook};
use esplab_experiment::Executor;
use esplab_model::Parameters;

/// The run index of draw `i` of a set of outlooks tagged `tag`: generation bits 0xFFFE, which
/// no sampler generation reaches (nor the predictive's 0xFFFF), the tag in bits 32..40.
pub fn draw_index(tag: u8, i: u64) -> u64 {
    debug_assert!(i < 1 << 32);
    (0xFFFE << 40) | (u64::from(tag) << 32) | i
}

/// The tags of the outlooks of a fit's paths and of a forecast.
pub const FIT_PATHS: u8 = 1;
pub const FORECAST: u8 = 2;

/// A posterior as draws see it: the base parameters, the calibrated keys and each particle's
/// values and weight.
pub struct Posterior<'a> {
    pub base: &'a Parameters,
    pub keys: &'a [String],
    pub values: &'a [Vec<f64>],
    pub weights: &'a [f64],
    pub set: fn(&mut Parameters, &str, f64),
}

/// The quantiles a fan shows: 5%, 25%, 50%, 75%, 95%.
pub const FAN_LEVELS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

impl Posterior<'_> {
    /// The parameters of particle `k`.
    pub fn parameters(&self, k: usize) -> Parameters {
        let mut p = self.base.clone();
        for (key, v) in self.keys.iter().zip(&self.values[k]) {
            (self.set)(&mut p, key, *v);
        }
        p
    }

    /// `count` draws by weight, each run with its own seed, recording `offering`'s share.
    pub fn outlooks(
        &self,
        count: usize,
        tag: u8,
        offering: Option<usize>,
        executor: &Executor,
        progress: &dyn Progress,
        stop: &Stop,
    ) -> Result<Vec<Outlook>, CommandError> {
        let master = self.base.run.seed;
        let picks = resample_weights(self.weights, count, master ^ u64::from(tag));
        let parameters: Vec<Parameters> = picks.iter().map(|&k| self.parameters(k)).collect();
        let indices: Vec<u64> = (0..count as u64).collect();
        progress.begin("posterior runs", count as u64, 0);
        let out = executor.in_order(
            &indices,
            stop.flag(),
            |i| Outlook::run(&parameters[i as usize], master, draw_index(tag, i), offering),
            || progress.advance(1),
        );
        progress.end();
        Ok(out?)
    }
}

/// The fan of `outlooks` on each of `days`: the [`FAN_LEVELS`] quantiles.
pub fn fan(outlooks: &[Outlook], days: &[u32]) -> Vec<[f64; 5]> {
    days.iter()
        .map(|&d| {
            let q = quantiles(outlooks, d, &FAN_LEVELS);
            [q[0], q[1], q[2], q[3], q[4]]
        })
        .collect()
}

/// Every `step`th day from `first` to `last`, and `last`.
pub fn days_every(first: u32, last: u32, step: u32) -> Vec<u32> {
    let mut days: Vec<u32> = (first..=last).step_by(step.max(1) as usize).collect();
    if days.last() != Some(&last) {
        days.push(last);
    }
    days
}
