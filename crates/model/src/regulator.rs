//! Outcry-driven regulation that requires the control.
//!
//! Outcry is public fear times the adoption share (how many are exposed). When it stays above
//! `outcry_threshold` for `outcry_days` consecutive days, a regulation is scheduled `lag_days`
//! later. A regulation requires the technology's control of the deployments a rule reaches:
//! it brings `coverage` of the deployments not yet required to meet it under the requirement, so
//! the required share rises from `r` to `r + coverage (1 − r)` ([`crate::standard::revised`],
//! the law of a revision of the standard), whatever the market's security that day. Deployments
//! comply over a transition: the floor (the share every offering must meet today) rises in a
//! straight line from where it stood to the required share over `compliance_days`, the rule's
//! deadline. The required share never falls, and one regulation is pending at a time.
//!
//! Losses build an agenda as well: each day's loss per real person is added to it, and it fades
//! with a half-life. When it passes `agenda_threshold` a regulation is scheduled in the same
//! way, so quiet, chronic losses are answered too, after years rather than months.

use crate::parameters::RegulatorParameters;
use crate::standard::revised;
use crate::vendors::MAX_SECURITY;

/// The regulator's state.
#[derive(Debug, Clone, Default)]
pub struct Regulator {
    /// Share of each offering's deployments that must meet the control today.
    pub floor: f64,
    /// Share the rules in force require once their deadlines have passed.
    pub required: f64,
    /// Losses per real person on the agenda (currency units).
    pub agenda: f64,
    /// The transition under way: the floor on its first day, that day and the deadline.
    transition: Option<Transition>,
    days_above: u32,
    /// Day a scheduled regulation falls due, and whether losses on the agenda scheduled it.
    pending: Option<(u32, bool)>,
}

/// Deployments complying with the required share between a rule's start and its deadline.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Transition {
    from: f64,
    start: u32,
    deadline: u32,
}

/// What the regulator did today.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Outcry held long enough: a regulation is due on the given day.
    Outcry { due: u32 },
    /// Losses on the agenda passed the threshold: a regulation is due on the given day.
    Agenda { due: u32, agenda: f64 },
    /// A regulation took effect, raising the required share from `from` to `to` by `deadline`;
    /// `agenda` when losses on the agenda scheduled it rather than outcry.
    Regulation {
        from: f64,
        to: f64,
        deadline: u32,
        agenda: bool,
    },
}

impl Regulator {
    /// One day: the transition's progress, any regulation due today, then the agenda and the
    /// outcry streak. While a regulation is pending the streak stays at zero (one regulation at a
    /// time); it counts again from the day that regulation takes effect, whose enactment is that
    /// day's action. `loss` is today's loss per real person.
    pub fn step(&mut self, parameters: &RegulatorParameters, day: u32, outcry: f64, loss: f64) -> Option<Action> {
        self.comply(day);
        let enacted = match self.pending {
            Some((due, agenda)) if due == day => {
                self.pending = None;
                let level = revised(self.required, parameters.coverage);
                let (from, to, deadline) = self.require(level, day, parameters.compliance_days);
                Some(Action::Regulation {
                    from,
                    to,
                    deadline,
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

    /// A rule from `day` requiring `level` of the deployments, complied with over
    /// `compliance_days` (at once when 0): returns the required share before and after, and the
    /// deadline. A lower level than already required changes nothing but is still a rule.
    pub fn require(&mut self, level: f64, day: u32, compliance_days: u32) -> (f64, f64, u32) {
        let from = self.required;
        self.required = self.required.max(level.min(MAX_SECURITY));
        let deadline = day + compliance_days;
        if self.required > self.floor {
            self.transition = Some(Transition {
                from: self.floor,
                start: day,
                deadline,
            });
            self.comply(day);
        }
        (from, self.required, deadline)
    }

    /// The floor on `day`: a straight line from the transition's start to the required share at
    /// its deadline.
    fn comply(&mut self, day: u32) {
        let Some(t) = self.transition else {
            return;
        };
        if day >= t.deadline {
            self.floor = self.required;
            self.transition = None;
        } else {
            let line = transition_floor(t.from, self.required, t.start, t.deadline, day);
            self.floor = self.floor.max(line);
        }
    }
}

/// The floor on `day` of a rule from `start` requiring `to` by `deadline`, complied with in a
/// straight line from `from`: `from` before `start`, `to` from the deadline on.
pub fn transition_floor(from: f64, to: f64, start: u32, deadline: u32, day: u32) -> f64 {
    if day < start {
        from
    } else if day >= deadline {
        to
    } else {
        let progress = f64::from(day - start) / f64::from(deadline - start);
        from + (to - from) * progress
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
            coverage: 0.5,
            compliance_days: 0,
            agenda_threshold: 0.0,
            agenda_half_life_days: 100.0,
        }
    }

    #[test]
    fn regulation_follows_sustained_outcry_after_the_lag() {
        let p = parameters();
        let mut r = Regulator::default();
        assert_eq!(r.step(&p, 0, 2.0, 0.0), None);
        assert_eq!(r.step(&p, 1, 0.5, 0.0), None, "interrupted");
        assert_eq!(r.step(&p, 2, 2.0, 0.0), None);
        assert_eq!(r.step(&p, 3, 2.0, 0.0), None);
        assert_eq!(r.step(&p, 4, 2.0, 0.0), Some(Action::Outcry { due: 14 }));
        for day in 5..14 {
            assert_eq!(r.step(&p, day, 0.0, 0.0), None);
        }
        let action = r.step(&p, 14, 0.0, 0.0);
        assert_eq!(
            action,
            Some(Action::Regulation {
                from: 0.0,
                to: 0.5,
                deadline: 14,
                agenda: false
            })
        );
        assert_eq!(r.floor, 0.5, "complied with at once without a transition");
    }

    #[test]
    fn each_regulation_brings_its_coverage_of_the_deployments_not_yet_required() {
        let p = parameters();
        let mut r = Regulator::default();
        let mut required = vec![];
        for day in 0..200 {
            if let Some(Action::Regulation { to, .. }) = r.step(&p, day, 2.0, 0.0) {
                required.push(to);
            }
        }
        // Outcry all along: a regulation every 13 days (3 days of outcry, 10 of lag).
        assert!(required.len() >= 10, "{required:?}");
        for (k, level) in required.iter().enumerate() {
            let expected = (1.0 - 0.5f64.powi(k as i32 + 1)).min(MAX_SECURITY);
            assert!(
                (level - expected).abs() < 1e-12,
                "regulation {k}: {level} against {expected}"
            );
        }
        assert!(r.floor <= MAX_SECURITY);
    }

    #[test]
    fn deployments_comply_in_a_straight_line_until_the_deadline() {
        let mut p = parameters();
        p.compliance_days = 100;
        let mut r = Regulator::default();
        r.require(0.2, 0, 0);
        assert_eq!(r.floor, 0.2);
        let (from, to, deadline) = r.require(0.6, 50, p.compliance_days);
        assert_eq!((from, to, deadline), (0.2, 0.6, 150));
        assert_eq!(r.floor, 0.2, "nothing complied on the first day");
        for day in 51..=150 {
            r.step(&p, day, 0.0, 0.0);
            let expected = 0.2 + 0.4 * f64::from(day - 50) / 100.0;
            assert!((r.floor - expected).abs() < 1e-12, "day {day}: {}", r.floor);
        }
        r.step(&p, 151, 0.0, 0.0);
        assert_eq!(r.floor, 0.6, "at the required share after the deadline");
        // A lower requirement is still a rule, and leaves the floor where it is.
        assert_eq!(r.require(0.3, 200, 100), (0.6, 0.6, 300));
        r.step(&p, 250, 0.0, 0.0);
        assert_eq!(r.floor, 0.6);
    }

    #[test]
    fn outcry_while_pending_does_not_count_and_the_enactment_day_does() {
        let p = parameters();
        let mut r = Regulator::default();
        for day in 0..3 {
            r.step(&p, day, 2.0, 0.0);
        }
        assert!(r.pending.is_some());
        // Outcry all through the lag: no streak builds up while the regulation is pending.
        for day in 3..12 {
            assert_eq!(r.step(&p, day, 2.0, 0.0), None);
            assert_eq!(r.days_above, 0);
        }
        assert!(matches!(r.step(&p, 12, 2.0, 0.0), Some(Action::Regulation { .. })));
        assert_eq!(r.days_above, 1, "the enactment day counts");
        assert_eq!(r.step(&p, 13, 2.0, 0.0), None);
        assert_eq!(r.step(&p, 14, 2.0, 0.0), Some(Action::Outcry { due: 24 }));
    }

    #[test]
    fn quiet_losses_build_an_agenda_that_fades_and_is_answered_after_the_lag() {
        let mut p = parameters();
        p.agenda_threshold = 50.0;
        let mut r = Regulator::default();
        // One unit a day against a half-life of 100 days: the agenda levels off near 144.
        let crossed = (0..1000)
            .find_map(|day| match r.step(&p, day, 0.0, 1.0) {
                Some(Action::Agenda { due, agenda }) => Some((day, due, agenda)),
                _ => None,
            })
            .expect("the agenda passes 50");
        assert!((55..70).contains(&crossed.0), "{crossed:?}");
        assert_eq!(crossed.1, crossed.0 + 10);
        assert!(crossed.2 > 50.0);
        let enacted = (crossed.0 + 1..=crossed.1)
            .filter_map(|day| r.step(&p, day, 0.0, 1.0))
            .collect::<Vec<_>>();
        assert!(matches!(enacted[..], [Action::Regulation { agenda: true, .. }]));
        // A loss that stops fades from the agenda and starts nothing.
        let mut fading = Regulator::default();
        let none = (0..2000).all(|day| fading.step(&p, day, 0.0, if day < 30 { 1.0 } else { 0.0 }).is_none());
        assert!(none && fading.agenda < 1.0);
    }

    #[test]
    fn the_required_share_is_a_ratchet_and_quiet_brings_no_regulation() {
        let p = parameters();
        let mut r = Regulator::default();
        for day in 0..1000 {
            assert_eq!(r.step(&p, day, 0.9, 0.0), None);
        }
        r.require(0.5, 1000, 0);
        r.require(0.3, 1001, 0);
        assert_eq!((r.floor, r.required), (0.5, 0.5));
    }
}
