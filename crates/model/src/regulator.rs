//! Outcry-driven regulation.
//!
//! Outcry is public fear times the adoption share (how many are exposed). When it stays above
//! `outcry_threshold` for `outcry_days` consecutive days, a regulation is scheduled `lag_days`
//! later; on that day the floor rises to the baseline plus `step`. The floor never falls, and one
//! regulation is pending at a time.

use crate::parameters::RegulatorParameters;
use crate::vendors::MAX_SECURITY;

/// The regulator's state.
#[derive(Debug, Clone, Default)]
pub struct Regulator {
    /// Security floor in force.
    pub floor: f64,
    days_above: u32,
    pending: Option<u32>,
}

/// What the regulator did today.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Outcry held long enough: a regulation is due on the given day.
    Outcry { due: u32 },
    /// A regulation took effect, raising the floor from `from` to `to`.
    Regulation { from: f64, to: f64 },
}

impl Regulator {
    /// One day: any regulation due today, then the outcry streak. While a regulation is pending
    /// the streak stays at zero (one regulation at a time); it counts again from the day that
    /// regulation takes effect, whose enactment is that day's action.
    pub fn step(&mut self, parameters: &RegulatorParameters, day: u32, outcry: f64, baseline: f64) -> Option<Action> {
        let enacted = if self.pending == Some(day) {
            self.pending = None;
            let from = self.floor;
            self.floor = self.floor.max((baseline + parameters.step).min(MAX_SECURITY));
            Some(Action::Regulation { from, to: self.floor })
        } else {
            None
        };
        if !parameters.enabled || self.pending.is_some() {
            self.days_above = 0;
            return enacted;
        }
        if outcry > parameters.outcry_threshold {
            self.days_above += 1;
        } else {
            self.days_above = 0;
        }
        if enacted.is_none() && self.days_above >= parameters.outcry_days {
            self.days_above = 0;
            let due = day + parameters.lag_days.max(1);
            self.pending = Some(due);
            return Some(Action::Outcry { due });
        }
        enacted
    }

    /// Exogenous regulation: the floor rises to `level` at least.
    pub fn impose(&mut self, level: f64) -> (f64, f64) {
        let from = self.floor;
        self.floor = self.floor.max(level.min(MAX_SECURITY));
        (from, self.floor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameters() -> RegulatorParameters {
        RegulatorParameters {
            enabled: true,
            outcry_threshold: 1.0,
            outcry_days: 3,
            lag_days: 10,
            step: 0.1,
        }
    }

    #[test]
    fn regulation_follows_sustained_outcry_after_the_lag() {
        let p = parameters();
        let mut r = Regulator::default();
        assert_eq!(r.step(&p, 0, 2.0, 0.2), None);
        assert_eq!(r.step(&p, 1, 0.5, 0.2), None, "interrupted");
        assert_eq!(r.step(&p, 2, 2.0, 0.2), None);
        assert_eq!(r.step(&p, 3, 2.0, 0.2), None);
        assert_eq!(r.step(&p, 4, 2.0, 0.2), Some(Action::Outcry { due: 14 }));
        for day in 5..14 {
            assert_eq!(r.step(&p, day, 0.0, 0.2), None);
        }
        let action = r.step(&p, 14, 0.0, 0.25);
        assert_eq!(action, Some(Action::Regulation { from: 0.0, to: 0.35 }));
    }

    #[test]
    fn outcry_while_pending_does_not_count_and_the_enactment_day_does() {
        let p = parameters();
        let mut r = Regulator::default();
        for day in 0..3 {
            r.step(&p, day, 2.0, 0.2);
        }
        assert!(r.pending.is_some());
        // Outcry all through the lag: no streak builds up while the regulation is pending.
        for day in 3..12 {
            assert_eq!(r.step(&p, day, 2.0, 0.2), None);
            assert_eq!(r.days_above, 0);
        }
        assert!(matches!(r.step(&p, 12, 2.0, 0.2), Some(Action::Regulation { .. })));
        assert_eq!(r.days_above, 1, "the enactment day counts");
        assert_eq!(r.step(&p, 13, 2.0, 0.3), None);
        assert_eq!(r.step(&p, 14, 2.0, 0.3), Some(Action::Outcry { due: 24 }));
    }

    #[test]
    fn floor_is_a_ratchet_and_quiet_brings_no_regulation() {
        let p = parameters();
        let mut r = Regulator::default();
        for day in 0..1000 {
            assert_eq!(r.step(&p, day, 0.9, 0.2), None);
        }
        r.impose(0.5);
        r.impose(0.3);
        assert_eq!(r.floor, 0.5);
    }
}
