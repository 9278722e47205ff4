//! The protocol steward: a standards body (a spec's maintainers, an industry scheme) that revises
//! the standard after salient security events, each revision asking every offering's deployments
//! for the control.
//!
//! Pressure is the number of salient security events (incidents in the news, and disclosed flaws,
//! which reach the body from their reporters whether or not they make the news), fading with a
//! half-life. When it reaches `pressure_threshold`, a revision is drafted and published
//! `lag_days` later (one at a time; events during a draft add nothing). A revision brings `uptake`
//! of each offering's deployments that do not yet meet the control under it: the offering's
//! decided level rises from `s` to `s + uptake (1 − s)`, and its deployments adopt it over the
//! offering's roll-out time (`offerings.rollout_days`, at once when 0), as they adopt a vendor's
//! raise. Nothing holds them there: afterwards security depreciates and vendors decide as before,
//! so a revision is a punctuation, not a floor. Revision dates are outcomes to compare with a
//! spec's history, never inputs.

use crate::parameters::StandardParameters;
use crate::vendors::MAX_SECURITY;

/// The steward's state.
#[derive(Debug, Clone, Default)]
pub struct Steward {
    /// Salient security events, faded.
    pub pressure: f64,
    /// Revisions published so far.
    pub revisions: u32,
    /// Day a drafted revision is published.
    pending: Option<u32>,
}

/// What the standards body did today.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StewardDay {
    /// A revision published today.
    pub published: Option<Revision>,
    /// The day a draft started today falls due.
    pub drafted: Option<u32>,
}

/// A revision published today.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Revision {
    /// Its number (1 for the first).
    pub number: u32,
    /// Share of the deployments without the control that it brings under it.
    pub uptake: f64,
}

impl Steward {
    /// One day, with `salient` salient security events today: publishes a revision that falls
    /// due, fades the pressure and adds today's events, and drafts a revision when the pressure
    /// reaches the threshold. While a draft is pending, events add nothing: the draft answers them.
    pub fn step(&mut self, parameters: &StandardParameters, day: u32, salient: u32) -> StewardDay {
        if !parameters.enabled {
            return StewardDay::default();
        }
        let published = match self.pending {
            Some(due) if due == day => {
                self.pending = None;
                self.revisions += 1;
                Some(Revision {
                    number: self.revisions,
                    uptake: parameters.uptake,
                })
            }
            _ => None,
        };
        let mut today = StewardDay {
            published,
            drafted: None,
        };
        if self.pending.is_some() {
            // The draft under way answers today's events.
            return today;
        }
        self.pressure =
            self.pressure * 0.5f64.powf(1.0 / parameters.pressure_half_life_days.max(1e-9)) + f64::from(salient);
        if self.pressure >= parameters.pressure_threshold {
            self.pressure = 0.0;
            let due = day + parameters.lag_days.max(1);
            self.pending = Some(due);
            today.drafted = Some(due);
        }
        today
    }
}

/// The level a revision of `uptake` asks of an offering whose deployments meet the control at
/// share `security`: `security + uptake (1 − security)`, at most [`MAX_SECURITY`].
pub fn revised(security: f64, uptake: f64) -> f64 {
    (security + uptake * (1.0 - security)).min(MAX_SECURITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameters() -> StandardParameters {
        StandardParameters {
            enabled: true,
            pressure_threshold: 3.0,
            pressure_half_life_days: f64::INFINITY,
            lag_days: 10,
            uptake: 0.5,
        }
    }

    #[test]
    fn a_revision_follows_enough_salient_events_after_the_drafting_lag() {
        let p = parameters();
        let mut s = Steward::default();
        assert_eq!(s.step(&p, 0, 2), StewardDay::default());
        assert_eq!(s.step(&p, 1, 0), StewardDay::default());
        assert_eq!(
            s.step(&p, 2, 1),
            StewardDay {
                published: None,
                drafted: Some(12)
            },
            "the third event starts a draft"
        );
        for day in 3..12 {
            assert_eq!(
                s.step(&p, day, 5),
                StewardDay::default(),
                "one draft at a time; day {day}"
            );
        }
        let r = s.step(&p, 12, 0).published.expect("published on day 2 + 10");
        assert_eq!((r.number, r.uptake), (1, 0.5));
        // Events while the draft was pending do not count toward the next.
        assert_eq!(s.pressure, 0.0);
        assert_eq!(s.step(&p, 13, 3).drafted, Some(23));
        let r = s.step(&p, 23, 0).published.expect("a second revision");
        assert_eq!(r.number, 2);
    }

    #[test]
    fn pressure_fades_with_its_half_life_and_a_disabled_steward_never_revises() {
        let mut p = parameters();
        p.pressure_half_life_days = 10.0;
        let mut s = Steward::default();
        s.step(&p, 0, 2);
        for day in 1..=10 {
            s.step(&p, day, 0);
        }
        assert!((s.pressure - 1.0).abs() < 1e-9, "{}", s.pressure);
        p.enabled = false;
        let mut off = Steward::default();
        for day in 0..100 {
            assert_eq!(off.step(&p, day, 10), StewardDay::default());
        }
        assert_eq!(off.revisions, 0);
    }

    #[test]
    fn a_revision_brings_its_uptake_of_the_deployments_without_the_control() {
        assert!((revised(0.2, 0.5) - 0.6).abs() < 1e-12);
        assert_eq!(revised(0.0, 0.0), 0.0);
        assert_eq!(revised(0.99, 1.0), MAX_SECURITY);
    }
}
