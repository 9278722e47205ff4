//! Outcry-driven regulation.
//!
//! Outcry is public fear times the adoption share (how many are exposed). When it stays above
//! `outcry_threshold` for `outcry_days` consecutive days, a regulation is scheduled `lag_days`
//! later; on that day the floor rises to the baseline plus `step`. The floor never falls, and one
//! regulation is pending at a time.
//!
//! Losses build an agenda as well: each day's loss per real person is added to it, and it fades
//! with a half-life. When it passes `agenda_threshold` a regulation is scheduled in the same
//! way, so quiet, chronic losses are answered too, after years rather than months.

use crate::parameters::RegulatorParameters;
use crate::vendors::MAX_SECURITY;

/// The regulator's state.
#[derive(Debug, Clone, Default)]
pub struct Regulator {
    /// Security floor in force.
    pub floor: f64,
    /// Losses per real person on the agenda (currency units).
    pub agenda: f64,
    days_above: u32,
    /// Day a scheduled regulation falls due, and whether losses on the agenda scheduled it.
    pending: Option<(u32, bool)>,
}

/// What the regulator did today.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Outcry held long enough: a regulation is due on the given day.
    Outcry { due: u32 },
    /// Losses on the agenda passed the threshold: a regulation is due on the given day.
    Agenda { due: u32, agenda: f64 },
    /// A regulation took effect, raising the floor from `from` to `to`; `agenda` when losses on
    /// the agenda scheduled it rather than outcry.
    Regulation { from: f64, to: f64, agenda: bool },
}

impl Regulator {
    /// One day: any regulation due today, then the agenda and the outcry streak. While a
    /// regulation is pending the streak stays at zero (one regulation at a time); it counts again
    /// from the day that regulation takes effect, whose enactment is that day's action.
    /// `loss` is today's loss per real person.
    pub fn step(
        &mut self,
        parameters: &RegulatorParameters,
        day: u32,
        outcry: f64,
        loss: f64,
        baseline: f64,
    ) -> Option<Action> {
        let enacted = match self.pending {
            Some((due, agenda)) if due == day => {
                self.pending = None;
                let from = self.floor;
                self.floor = self.floor.max((baseline + parameters.step).min(MAX_SECURITY));
                Some(Action::Regulation {
                    from,
                    to: self.floor,
                    agenda,
                })
            }
            _ => None,
        };
        self.agenda = self.agenda * 0.5f64.powf(1.0 / parameters.agenda_half_life_days.max(1e-9)) + loss;
        if !parameters.enabled || self.pending.is_some() {
            self.days_above = 0;
            return enacted;
        }
        if outcry > parameters.outcry_threshold {
            self.days_above += 1;
        } else {
            self.days_above = 0;
        }
        if enacted.is_some() {
            return enacted;
        }
        let due = day + parameters.lag_days.max(1);
        if self.days_above >= parameters.outcry_days {
            self.days_above = 0;
            self.pending = Some((due, false));
            return Some(Action::Outcry { due });
        }
        if parameters.agenda_threshold > 0.0 && self.agenda > parameters.agenda_threshold {
            let agenda = std::mem::take(&mut self.agenda);
            self.pending = Some((due, true));
            return Some(Action::Agenda { due, agenda });
        }
        None
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
            agenda_threshold: 0.0,
            agenda_half_life_days: 100.0,
        }
    }

    #[test]
    fn regulation_follows_sustained_outcry_after_the_lag() {
        let p = parameters();
        let mut r = Regulator::default();
        assert_eq!(r.step(&p, 0, 2.0, 0.0, 0.2), None);
        assert_eq!(r.step(&p, 1, 0.5, 0.0, 0.2), None, "interrupted");
        assert_eq!(r.step(&p, 2, 2.0, 0.0, 0.2), None);
        assert_eq!(r.step(&p, 3, 2.0, 0.0, 0.2), None);
        assert_eq!(r.step(&p, 4, 2.0, 0.0, 0.2), Some(Action::Outcry { due: 14 }));
        for day in 5..14 {
            assert_eq!(r.step(&p, day, 0.0, 0.0, 0.2), None);
        }
        let action = r.step(&p, 14, 0.0, 0.0, 0.25);
        assert_eq!(
            action,
            Some(Action::Regulation {
                from: 0.0,
                to: 0.35,
                agenda: false
            })
        );
    }

    #[test]
    fn outcry_while_pending_does_not_count_and_the_enactment_day_does() {
        let p = parameters();
        let mut r = Regulator::default();
        for day in 0..3 {
            r.step(&p, day, 2.0, 0.0, 0.2);
        }
        assert!(r.pending.is_some());
        // Outcry all through the lag: no streak builds up while the regulation is pending.
        for day in 3..12 {
            assert_eq!(r.step(&p, day, 2.0, 0.0, 0.2), None);
            assert_eq!(r.days_above, 0);
        }
        assert!(matches!(r.step(&p, 12, 2.0, 0.0, 0.2), Some(Action::Regulation { .. })));
        assert_eq!(r.days_above, 1, "the enactment day counts");
        assert_eq!(r.step(&p, 13, 2.0, 0.0, 0.3), None);
        assert_eq!(r.step(&p, 14, 2.0, 0.0, 0.3), Some(Action::Outcry { due: 24 }));
    }

    #[test]
    fn quiet_losses_build_an_agenda_that_fades_and_is_answered_after_the_lag() {
        let mut p = parameters();
        p.agenda_threshold = 50.0;
        let mut r = Regulator::default();
        // One unit a day against a half-life of 100 days: the agenda levels off near 144.
        let crossed = (0..1000)
            .find_map(|day| match r.step(&p, day, 0.0, 1.0, 0.2) {
                Some(Action::Agenda { due, agenda }) => Some((day, due, agenda)),
                _ => None,
            })
            .expect("the agenda passes 50");
        assert!((55..70).contains(&crossed.0), "{crossed:?}");
        assert_eq!(crossed.1, crossed.0 + 10);
        assert!(crossed.2 > 50.0);
        let enacted = (crossed.0 + 1..=crossed.1)
            .filter_map(|day| r.step(&p, day, 0.0, 1.0, 0.2))
            .collect::<Vec<_>>();
        assert!(matches!(enacted[..], [Action::Regulation { agenda: true, .. }]));
        // A loss that stops fades from the agenda and starts nothing.
        let mut fading = Regulator::default();
        let none = (0..2000).all(|day| {
            fading
                .step(&p, day, 0.0, if day < 30 { 1.0 } else { 0.0 }, 0.2)
                .is_none()
        });
        assert!(none && fading.agenda < 1.0);
    }

    #[test]
    fn floor_is_a_ratchet_and_quiet_brings_no_regulation() {
        let p = parameters();
        let mut r = Regulator::default();
        for day in 0..1000 {
            assert_eq!(r.step(&p, day, 0.9, 0.0, 0.2), None);
        }
        r.impose(0.5);
        r.impose(0.3);
        assert_eq!(r.floor, 0.5);
    }
}
