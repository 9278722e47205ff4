//! Phase 1: interventions starting today take effect, and are logged; advocacy in force scales
//! perceived risk.

use super::Simulation;
use crate::events::{Detail, Event, Started};
use crate::market::Procurement;
use crate::observer::Observer;
use crate::parameters::Intervention;

/// A scheduled incident: its records, the offering it hits (`None`: the largest), and the real
/// people it harms among that offering's users (`None`: one per record).
pub(super) type Shock = (f64, Option<usize>, Option<f64>);

impl Simulation<'_> {
    /// Starts every intervention whose first day is today, in scenario order; returns the
    /// shocks to strike in phase 3.
    pub(super) fn start_interventions(&mut self, observer: &mut impl Observer) -> Vec<Shock> {
        let mut shocks = Vec::new();
        for intervention in &self.parameters.interventions {
            if intervention.start() == self.day {
                self.start_intervention(intervention, &mut shocks, observer);
            }
        }
        shocks
    }

    /// The factor on perceived risk of the advocacy campaigns in force today.
    pub(super) fn advocacy(&self) -> f64 {
        let day = self.day;
        self.parameters
            .interventions
            .iter()
            .map(|i| match *i {
                Intervention::Advocacy { start, end, strength } if start <= day && day < end => 1.0 + strength,
                _ => 1.0,
            })
            .product()
    }

    fn start_intervention(
        &mut self,
        intervention: &Intervention,
        shocks: &mut Vec<Shock>,
        observer: &mut impl Observer,
    ) {
        let (offering, size, started) = match *intervention {
            Intervention::Shock {
                size, offering, harmed, ..
            } => {
                shocks.push((size, offering, harmed));
                (offering, size, Started::Shock { records: size })
            }
            Intervention::Regulation { floor, .. } => {
                let compliance_days = self.parameters.regulator.compliance_days;
                let (from, to, deadline) = self.regulator.require(floor, self.day, compliance_days);
                self.hold_floor();
                (None, floor, Started::Regulation { from, to, deadline })
            }
            Intervention::Advocacy { end, strength, .. } => (
                None,
                strength,
                Started::Advocacy {
                    end,
                    risk_factor: 1.0 + strength,
                },
            ),
            Intervention::HeroicVendor { offering, security, .. } => {
                if let Some(v) = self.vendors.get_mut(offering) {
                    v.heroic = v.heroic.max(security);
                    v.hold(self.regulator.floor);
                }
                (Some(offering), security, Started::HeroicVendor { security })
            }
            Intervention::CheaperSecurity { tax_factor, .. } => {
                self.tax_factor *= tax_factor;
                (None, tax_factor, Started::CheaperSecurity { tax_factor })
            }
            Intervention::Disclosure { threshold_drop, .. } => {
                self.attention.disclosure += threshold_drop;
                (None, threshold_drop, Started::Disclosure { threshold_drop })
            }
            Intervention::Liability { share, .. } => {
                let from = self.liability;
                self.liability = from.max(share);
                (
                    None,
                    share,
                    Started::Liability {
                        from,
                        to: self.liability,
                    },
                )
            }
            Intervention::Procurement { share, minimum, .. } => {
                self.procurement = self.procurement.joined(Procurement { share, minimum });
                let rules = self.procurement;
                (
                    None,
                    share,
                    Started::Procurement {
                        share: rules.share,
                        minimum: rules.minimum,
                    },
                )
            }
        };
        observer.event(&Event {
            day: self.day,
            offering,
            size,
            detail: Detail::Intervention(started),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{small, step_to};
    use super::*;
    use crate::events::EventKind;
    use crate::parameters::InterventionKind;
    use crate::Recorder;

    fn with(interventions: Vec<Intervention>) -> crate::Parameters {
        let mut p = small(3_000);
        p.interventions = interventions;
        p
    }

    #[test]
    fn every_kind_acts_on_its_day_and_is_logged_once() {
        let p = with(vec![
            Intervention::Shock {
                day: 5,
                size: 1e7,
                offering: None,
                harmed: None,
            },
            Intervention::Regulation { day: 5, floor: 0.4 },
            Intervention::Advocacy {
                start: 5,
                end: 9,
                strength: 0.5,
            },
            Intervention::HeroicVendor {
                start: 5,
                offering: 0,
                security: 0.7,
            },
            Intervention::CheaperSecurity {
                day: 5,
                tax_factor: 0.5,
            },
            Intervention::Disclosure {
                day: 5,
                threshold_drop: 1.0,
            },
            Intervention::Liability { day: 5, share: 0.3 },
            Intervention::Procurement {
                day: 5,
                share: 0.2,
                minimum: 0.45,
            },
        ]);
        // Deployments comply with the regulation at once here (the transition is the
        // regulator's own test).
        let p = crate::Parameters {
            regulator: crate::parameters::RegulatorParameters {
                compliance_days: 0,
                ..p.regulator.clone()
            },
            ..p
        };
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        step_to(&mut s, 5, &mut recorder);
        assert!(recorder.events.iter().all(|e| e.kind() != EventKind::Intervention));
        s.day = 4;
        assert_eq!(s.advocacy(), 1.0, "advocacy starts on day 5");
        s.day = 5;
        let shocks = s.start_interventions(&mut recorder);
        assert_eq!(shocks, vec![(1e7, None, None)]);
        let started: Vec<InterventionKind> = recorder
            .events
            .iter()
            .filter_map(|e| match e.detail {
                Detail::Intervention(started) => Some(started.kind()),
                _ => None,
            })
            .collect();
        assert_eq!(started, InterventionKind::ALL.to_vec());
        assert_eq!(s.regulator.floor, 0.4);
        assert!(s.vendors[0].security() >= 0.7);
        assert!(
            s.vendors.iter().all(|v| v.security() >= 0.4),
            "vendors held at the floor"
        );
        assert_eq!(s.tax_factor, 0.5);
        assert_eq!(s.attention.disclosure, 1.0);
        assert_eq!(s.liability, 0.3);
        assert_eq!(
            s.procurement,
            Procurement {
                share: 0.2,
                minimum: 0.45
            }
        );
        assert_eq!(s.advocacy(), 1.5);
        s.day = 9;
        assert_eq!(s.advocacy(), 1.0, "advocacy ends before day 9");
    }

    #[test]
    fn overlapping_campaigns_multiply() {
        let campaign = |strength| Intervention::Advocacy {
            start: 0,
            end: 10,
            strength,
        };
        let p = with(vec![campaign(0.5), campaign(1.0)]);
        let s = Simulation::new(&p);
        assert!((s.advocacy() - 3.0).abs() < 1e-12);
    }
}
