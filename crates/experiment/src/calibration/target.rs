//! What a calibration fits: a measure of one run, the observed figure, and the band of
//! simulated values that match it.
//!
//! A statistic of the case table is a point: its band is the figure alone. An observed share of
//! deployments meeting a control comes from a survey of `sample` deployments, so its band is the
//! survey's Wilson 95% interval: a simulated share inside it matches the survey as well as the
//! survey can tell, and one outside it is as far off as its distance to the nearer end. When the
//! survey measured a stricter control than the preset's, the observed share is a lower bound and
//! the band reaches up to 1.

use crate::facts::wilson;

/// What a target measures in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A statistic of [`super::STATISTICS`], by index.
    Statistic(usize),
    /// The share of deployments meeting the control on `day`: an offering's (its security), or
    /// with `offering` `None` the adoption-weighted share over the market (the baseline).
    Share { offering: Option<usize>, day: u32 },
}

/// One calibration target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub measure: Measure,
    /// The observed figure.
    pub value: f64,
    /// The band of simulated values that match it: `low <= value <= high`.
    pub low: f64,
    pub high: f64,
}

impl Target {
    /// A figure read without sampling error: its band is the figure alone.
    pub fn point(measure: Measure, value: f64) -> Self {
        Self {
            measure,
            value,
            low: value,
            high: value,
        }
    }

    /// An observed share of `sample` surveyed deployments: the band is its Wilson 95% interval,
    /// reaching up to 1 when the share is only a `lower_bound` of the preset's.
    pub fn surveyed(measure: Measure, share: f64, sample: u64, lower_bound: bool) -> Self {
        let successes = (share * sample as f64).round() as usize;
        let (_, low, high) = wilson(successes, sample.max(1) as usize);
        // Rounding can leave a share of 0 or 1 a hair outside its own interval.
        Self {
            measure,
            value: share,
            low: low.min(share),
            high: if lower_bound { 1.0 } else { high.max(share) },
        }
    }

    /// A simulated value `x` as the distance sees it: the observed figure when `x` lies in the
    /// band, else the figure moved by as far as `x` lies outside it. The map never decreases, so
    /// the median of folded values is the folded median and early rejection stays exact.
    pub fn fold(&self, x: f64) -> f64 {
        if !x.is_finite() {
            x
        } else if x < self.low {
            self.value - (self.low - x)
        } else if x > self.high {
            self.value + (x - self.high)
        } else {
            self.value
        }
    }

    /// Whether the range `[low, high]` of simulated values meets the band.
    pub fn met_by(&self, low: f64, high: f64) -> bool {
        low <= self.high && high >= self.low
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_folds_to_itself_and_a_survey_forgives_its_sampling_error() {
        let point = Target::point(Measure::Statistic(0), 3.0);
        for x in [0.0, 2.5, 3.0, 7.0] {
            assert_eq!(point.fold(x), x);
        }
        // 304 of 518: 0.587 with a Wilson interval of about ±0.042.
        let survey = Target::surveyed(
            Measure::Share {
                offering: Some(1),
                day: 400,
            },
            0.587,
            518,
            false,
        );
        assert!((survey.low - 0.544).abs() < 0.002 && (survey.high - 0.628).abs() < 0.002);
        assert_eq!(survey.fold(0.60), 0.587);
        assert_eq!(survey.fold(survey.low), 0.587);
        assert!((survey.fold(0.5) - (0.587 - (survey.low - 0.5))).abs() < 1e-12);
        assert!((survey.fold(0.9) - (0.587 + (0.9 - survey.high))).abs() < 1e-12);
        assert!(survey.fold(f64::NAN).is_nan());
        // None of 119: the band starts at zero and ends near 3%.
        let none = Target::surveyed(
            Measure::Share {
                offering: Some(0),
                day: 200,
            },
            0.0,
            119,
            false,
        );
        assert_eq!(none.low, 0.0);
        assert!(none.high > 0.02 && none.high < 0.04);
    }

    #[test]
    fn a_lower_bound_matches_any_higher_share_and_folding_never_decreases() {
        let bound = Target::surveyed(Measure::Share { offering: None, day: 0 }, 0.4, 1000, true);
        assert_eq!(bound.high, 1.0);
        assert_eq!(bound.fold(0.99), 0.4);
        assert!(bound.fold(0.2) < 0.4);
        let mut last = f64::NEG_INFINITY;
        for i in 0..=100 {
            let y = bound.fold(i as f64 / 100.0);
            assert!(y >= last);
            last = y;
        }
        assert!(bound.met_by(0.38, 0.39) && !bound.met_by(0.1, 0.3));
    }
}
