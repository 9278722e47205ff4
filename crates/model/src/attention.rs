//! News, habituation and public fear.
//!
//! An incident is news when `log10(size)` exceeds the attention threshold
//! `threshold + habituation − disclosure`. News raises public fear `F` by `fear_per_news` per log10
//! unit of excess and raises habituation; both decay with their half-lives.

use crate::parameters::AttentionParameters;

/// The public's attention state.
#[derive(Debug, Clone, Default)]
pub struct Attention {
    /// Public fear `F`.
    pub fear: f64,
    /// Habituation added to the threshold (log10 units).
    pub habituation: f64,
    /// Threshold lowered by disclosure interventions (log10 units).
    pub disclosure: f64,
}

/// Per-day decay factor for a half-life in days.
pub fn daily_decay(half_life_days: f64) -> f64 {
    (-std::f64::consts::LN_2 / half_life_days).exp()
}

impl Attention {
    /// The attention threshold today.
    pub fn threshold(&self, parameters: &AttentionParameters) -> f64 {
        parameters.threshold + self.habituation - self.disclosure
    }

    /// One day of decay of fear and habituation.
    pub fn decay(&mut self, parameters: &AttentionParameters) {
        self.fear *= daily_decay(parameters.fear_half_life_days);
        self.habituation *= daily_decay(parameters.habituation_half_life_days);
    }

    /// An incident of `records` reaches the public; returns the excess over the threshold when
    /// it is news, after raising fear and habituation.
    pub fn notice(&mut self, parameters: &AttentionParameters, records: f64) -> Option<f64> {
        let salience = records.max(1.0).log10();
        let excess = salience - self.threshold(parameters);
        if excess > 0.0 {
            self.fear += parameters.fear_per_news * excess;
            self.habituation += parameters.habituation;
            Some(excess)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameters() -> AttentionParameters {
        AttentionParameters {
            threshold: 6.0,
            habituation: 0.5,
            habituation_half_life_days: 100.0,
            fear_per_news: 2.0,
            fear_half_life_days: 7.0,
        }
    }

    #[test]
    fn only_incidents_above_the_threshold_are_news() {
        let p = parameters();
        let mut a = Attention::default();
        assert_eq!(a.notice(&p, 1e5), None);
        assert_eq!(a.fear, 0.0);
        let excess = a.notice(&p, 1e7).unwrap();
        assert!((excess - 1.0).abs() < 1e-12);
        assert!((a.fear - 2.0).abs() < 1e-12);
        assert!((a.threshold(&p) - 6.5).abs() < 1e-12);
    }

    #[test]
    fn habituation_makes_the_same_incident_less_newsworthy() {
        let p = parameters();
        let mut a = Attention::default();
        let mut fear_added = Vec::new();
        for _ in 0..4 {
            let before = a.fear;
            a.notice(&p, 10f64.powf(7.2));
            fear_added.push(a.fear - before);
        }
        assert!(fear_added.windows(2).all(|w| w[1] < w[0]));
        assert_eq!(fear_added[3], 0.0, "fourth repeat is below the raised threshold");
    }

    #[test]
    fn fear_halves_after_its_half_life_and_disclosure_lowers_the_threshold() {
        let p = parameters();
        let mut a = Attention {
            fear: 8.0,
            habituation: 0.0,
            disclosure: 1.0,
        };
        for _ in 0..7 {
            a.decay(&p);
        }
        assert!((a.fear - 4.0).abs() < 1e-9);
        assert!(a.notice(&p, 10f64.powf(5.5)).is_some());
    }
}
