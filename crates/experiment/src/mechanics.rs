//! The mechanical part of an effect: what the interventions a lever adds write themselves onto
//! the quantity measured (the share of deployments meeting the control), applied to the base
//! run's own last year with no one responding.
//!
//! Three interventions write it. A regulation raises the floor every offering is held at, on
//! the regulator's own transition line (from the base's floor on the rule's first day); a heroic vendor holds its offering at its commitment;
//! procurement rules move the bound share of each non-complying offering's users to the
//! offerings that comply (in proportion to their users), or out of the technology when none
//! does, as the rules make bound buyers do at their next reconsideration. Every other lever
//! (advocacy, cheaper security, liability, disclosure, a shock) writes nothing on the share
//! itself: its whole effect is the agents' response, and its mechanical part is exactly zero.
//!
//! The rest of an effect is the response: the vendors' (their security against the mechanical
//! trajectory's, at its shares) and the users' flows (shifted shares). See
//! [`crate::leverage::effect_parts`].

use crate::run::LONG_RUN_DAYS;
use esplab_model::regulator::transition_floor;
use esplab_model::vendors::MAX_SECURITY;
use esplab_model::{Intervention, Parameters};

/// One day of a run as the mechanics read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    /// The day of the run.
    pub day: u32,
    /// Per offering: share of adopters and security (the share of its deployments meeting the
    /// control).
    pub offerings: Vec<(f64, f64)>,
    /// The regulatory floor of the day.
    pub floor: f64,
}

/// The baseline of a day: offerings' security weighted by their share of adopters (their
/// plain mean when no one adopts), never below the floor, as the simulation reports it.
pub fn baseline(offerings: &[(f64, f64)], floor: f64) -> f64 {
    let adopters: f64 = offerings.iter().map(|o| o.0).sum();
    let weighted = if adopters > 0.0 {
        offerings.iter().map(|&(w, s)| w * s).sum::<f64>() / adopters
    } else {
        offerings.iter().map(|o| o.1).sum::<f64>() / offerings.len().max(1) as f64
    };
    weighted.max(floor)
}

/// `day` with the writes of `added` (interventions of `parameters`' kind) applied: the floor
/// and held security of regulations and heroic vendors, then the moves of procurement rules.
/// Shares of adopters are renormalised over those who stay. `floor_on(d)` is the base's floor
/// on day `d`, where a rule's transition starts.
pub fn written(added: &[Intervention], parameters: &Parameters, day: &Day, floor_on: &dyn Fn(u32) -> f64) -> Day {
    let t = day.day;
    let mut floor = day.floor;
    let mut held = vec![0.0_f64; day.offerings.len()];
    let mut procurement: Option<(f64, f64)> = None;
    for intervention in added {
        match *intervention {
            Intervention::Regulation {
                day: start,
                floor: level,
            } if t >= start => {
                let deadline = start + parameters.regulator.compliance_days;
                let from = floor_on(start);
                floor = floor.max(transition_floor(
                    from,
                    level.min(MAX_SECURITY).max(from),
                    start,
                    deadline,
                    t,
                ));
            }
            Intervention::HeroicVendor {
                start,
                offering,
                security,
            } if t >= start => {
                if let Some(h) = held.get_mut(offering) {
                    *h = h.max(security);
                }
            }
            Intervention::Procurement {
                day: start,
                share,
                minimum,
            } if t >= start => {
                let (s, m) = procurement.unwrap_or((0.0, 0.0));
                procurement = Some((s.max(share), m.max(minimum)));
            }
            _ => {}
        }
    }
    let mut offerings: Vec<(f64, f64)> = day
        .offerings
        .iter()
        .zip(&held)
        .map(|(&(w, s), &h)| (w, s.max(floor.max(h).min(MAX_SECURITY))))
        .collect();
    if let Some((share, minimum)) = procurement {
        offerings = procured(&offerings, share, minimum);
    }
    Day {
        day: t,
        offerings,
        floor,
    }
}

/// Shares of adopters after `share` of every offering below `minimum` leave it: for the
/// complying offerings in proportion to their users (equally when they have none), or out of
/// the technology when none complies.
fn procured(offerings: &[(f64, f64)], share: f64, minimum: f64) -> Vec<(f64, f64)> {
    let complies = |s: f64| s >= minimum;
    let moved: f64 = offerings.iter().filter(|o| !complies(o.1)).map(|o| o.0 * share).sum();
    let compliant: Vec<usize> = (0..offerings.len()).filter(|&j| complies(offerings[j].1)).collect();
    let their_users: f64 = compliant.iter().map(|&j| offerings[j].0).sum();
    let mut after: Vec<(f64, f64)> = offerings
        .iter()
        .map(|&(w, s)| if complies(s) { (w, s) } else { (w * (1.0 - share), s) })
        .collect();
    for &j in &compliant {
        after[j].0 += if their_users > 0.0 {
            moved * offerings[j].0 / their_users
        } else {
            moved / compliant.len() as f64
        };
    }
    let total: f64 = after.iter().map(|o| o.0).sum();
    if total > 0.0 {
        for o in &mut after {
            o.0 /= total;
        }
    }
    after
}

/// The mechanical long-run figures of `added` on a run's days: the long-run baseline, and each
/// offering's long-run share of adopters and security, over the last [`LONG_RUN_DAYS`] of
/// `days` (the base run's own, every day from day 0).
pub fn long_run(added: &[Intervention], parameters: &Parameters, days: &[Day]) -> (f64, Vec<(f64, f64)>) {
    let floor_on = |d: u32| days.get(d as usize).map_or(0.0, |day| day.floor);
    let window = &days[days.len().saturating_sub(LONG_RUN_DAYS)..];
    let count = window.first().map_or(0, |d| d.offerings.len());
    let mut baseline_sum = 0.0;
    let mut sums = vec![(0.0, 0.0); count];
    for day in window {
        let after = written(added, parameters, day, &floor_on);
        baseline_sum += baseline(&after.offerings, after.floor);
        for (sum, &(w, s)) in sums.iter_mut().zip(&after.offerings) {
            sum.0 += w;
            sum.1 += s;
        }
    }
    let n = window.len().max(1) as f64;
    (
        baseline_sum / n,
        sums.into_iter().map(|(w, s)| (w / n, s / n)).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_floor(_: u32) -> f64 {
        0.0
    }

    fn written_on(added: &[Intervention], p: &Parameters, d: &Day) -> Day {
        written(added, p, d, &no_floor)
    }

    fn day(t: u32, offerings: Vec<(f64, f64)>, floor: f64) -> Day {
        Day {
            day: t,
            offerings,
            floor,
        }
    }

    #[test]
    fn levers_that_write_nothing_leave_the_day_as_it_was() {
        let p = Parameters::default();
        let d = day(400, vec![(0.7, 0.1), (0.3, 0.6)], 0.05);
        for intervention in [
            Intervention::Advocacy {
                start: 10,
                end: 900,
                strength: 2.0,
            },
            Intervention::CheaperSecurity {
                day: 10,
                tax_factor: 0.0,
            },
            Intervention::Liability { day: 10, share: 1.0 },
            Intervention::Disclosure {
                day: 10,
                threshold_drop: 3.0,
            },
            Intervention::Shock {
                day: 10,
                size: 1e10,
                offering: None,
                harmed: None,
            },
        ] {
            assert_eq!(
                written(std::slice::from_ref(&intervention), &p, &d, &no_floor),
                d,
                "{intervention:?}"
            );
        }
    }

    #[test]
    fn regulation_holds_every_offering_on_the_regulators_transition_line() {
        let mut p = Parameters::default();
        p.regulator.compliance_days = 100;
        let rule = [Intervention::Regulation { day: 200, floor: 0.5 }];
        let before = day(199, vec![(0.5, 0.1), (0.5, 0.8)], 0.0);
        assert_eq!(written(&rule, &p, &before, &no_floor), before);
        let halfway = written_on(&rule, &p, &day(250, vec![(0.5, 0.1), (0.5, 0.8)], 0.0));
        assert_eq!(halfway.floor, 0.25);
        assert_eq!(halfway.offerings, vec![(0.5, 0.25), (0.5, 0.8)]);
        let after = written_on(&rule, &p, &day(400, vec![(0.5, 0.1), (0.5, 0.8)], 0.6));
        assert_eq!(after.floor, 0.6, "a higher floor of the base stands");
        assert!((baseline(&after.offerings, after.floor) - 0.7).abs() < 1e-12);
    }

    #[test]
    fn a_heroic_vendor_holds_only_its_own_offering() {
        let p = Parameters::default();
        let heroic = [Intervention::HeroicVendor {
            start: 5,
            offering: 1,
            security: 0.6,
        }];
        let after = written_on(&heroic, &p, &day(9, vec![(0.8, 0.1), (0.2, 0.3)], 0.0));
        assert_eq!(after.offerings, vec![(0.8, 0.1), (0.2, 0.6)]);
        assert!((baseline(&after.offerings, 0.0) - 0.2).abs() < 1e-12);
    }

    #[test]
    fn procurement_moves_the_bound_share_to_complying_offerings_or_out() {
        let p = Parameters::default();
        let rules = [Intervention::Procurement {
            day: 0,
            share: 0.3,
            minimum: 0.5,
        }];
        let after = written_on(&rules, &p, &day(1, vec![(0.6, 0.1), (0.2, 0.7), (0.2, 0.9)], 0.0));
        let shares: Vec<f64> = after.offerings.iter().map(|o| o.0).collect();
        for (got, want) in shares.iter().zip([0.42, 0.29, 0.29]) {
            assert!((got - want).abs() < 1e-12, "{shares:?}");
        }
        // No offering complies: the bound users leave, and the shares are of those who stay.
        let after = written_on(&rules, &p, &day(1, vec![(0.5, 0.1), (0.5, 0.3)], 0.0));
        for (got, want) in after.offerings.iter().zip([(0.5, 0.1), (0.5, 0.3)]) {
            assert!(
                (got.0 - want.0).abs() < 1e-12 && got.1 == want.1,
                "{:?}",
                after.offerings
            );
        }
    }

    #[test]
    fn the_long_run_is_the_mean_of_the_written_last_year() {
        let p = Parameters::default();
        let days: Vec<Day> = (0..500).map(|t| day(t, vec![(1.0, 0.2)], 0.0)).collect();
        let heroic = [Intervention::HeroicVendor {
            start: 0,
            offering: 0,
            security: 0.5,
        }];
        let (long_run_baseline, offerings) = long_run(&heroic, &p, &days);
        assert!((long_run_baseline - 0.5).abs() < 1e-12);
        assert!((offerings[0].0 - 1.0).abs() < 1e-12 && (offerings[0].1 - 0.5).abs() < 1e-12);
        let (untouched, _) = long_run(&[], &p, &days);
        assert!((untouched - 0.2).abs() < 1e-12);
    }
}
