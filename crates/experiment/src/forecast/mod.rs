//! Forecasts of an observed share and their scores: the posterior's runs carried past the as-of
//! date ([`paths`]), the scores of a predictive sample against a later observation
//! ([`scores`]), and the naive rivals every forecast is scored beside ([`baselines`]).
//!
//! A forecast is a sample of shares for each later day. Every method — the model's runs and the
//! three baselines — gives one, and every sample is scored by the same functions, after the same
//! observation noise is added (a survey of `n` deployments sees a binomial share of the true
//! one), so the methods differ only in what they predict.

pub mod baselines;
pub mod paths;
pub mod scores;

/// Days within which a rise of the share counts as a jump.
pub const JUMP_WINDOW_DAYS: u32 = 30;

/// A dated observation as a forecast sees it: its day (of the run), the observed share, and
/// the deployments observed if known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub day: f64,
    pub share: f64,
    pub sample: Option<u64>,
}

/// `ln(p / (1 - p))`, with `p` held within [1e-4, 1 - 1e-4] so that observed shares of 0 or 1
/// stay finite.
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    (p / (1.0 - p)).ln()
}

/// The inverse of [`logit`].
pub fn inverse_logit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}
