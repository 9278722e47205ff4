//! Phase 6: vendors apply the ESP rule with today's security churn (raise above tolerance,
//! erode below it under excitement and their users' reliance), then are held at the floor.

use super::Simulation;
use crate::events::{Detail, Event};
use crate::observer::Observer;

impl Simulation<'_> {
    /// Each vendor, in offering order, steps its security given `churned[j]` users lost to risk
    /// today; raises are logged.
    pub(super) fn vendor_decisions(&mut self, excitement: f64, churned: &[usize], observer: &mut impl Observer) {
        let p = self.parameters;
        let day = self.day;
        for (j, &churn) in churned.iter().enumerate() {
            let users = self.population.members(j).len();
            let tenure = if users > 0 {
                day as f64 - self.vendors[j].tenure_sum / users as f64
            } else {
                0.0
            };
            let reliance = self.reliance.at(tenure as f32) as f64;
            let pressure =
                excitement.max(0.0).powf(p.vendors.excitement_erosion) * (1.0 + p.vendors.reliance_erosion * reliance);
            if let Some(raise) = self.vendors[j].step(&p.vendors, churn, users, pressure, self.regulator.floor) {
                observer.event(&Event {
                    day,
                    offering: Some(j),
                    size: raise.to - raise.from,
                    detail: Detail::VendorRaise {
                        from: raise.from,
                        to: raise.to,
                        churn: raise.churn,
                    },
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::small;
    use super::*;
    use crate::events::EventKind;
    use crate::Recorder;

    #[test]
    fn without_churn_security_erodes_and_nothing_is_logged() {
        let p = small(5_000);
        let mut s = Simulation::new(&p);
        let before: Vec<f64> = s.vendors.iter().map(|v| v.security()).collect();
        let mut recorder = Recorder::default();
        let quiet = vec![0; s.vendors.len()];
        s.vendor_decisions(1.0, &quiet, &mut recorder);
        assert!(recorder.events.is_empty());
        for (v, b) in s.vendors.iter().zip(before) {
            assert!(v.security() < b, "excitement erodes security");
        }
    }

    #[test]
    fn churn_above_tolerance_raises_security_and_is_logged() {
        let p = small(5_000);
        let mut s = Simulation::new(&p);
        let j = s.largest_offering();
        let before = s.vendors[j].security();
        let mut churned = vec![0; s.vendors.len()];
        churned[j] = s.population.members(j).len() / 2;
        let mut recorder = Recorder::default();
        s.vendor_decisions(1.0, &churned, &mut recorder);
        assert_eq!(recorder.events.len(), 1);
        let e = &recorder.events[0];
        assert_eq!((e.kind(), e.offering), (EventKind::VendorRaise, Some(j)));
        assert!(s.vendors[j].security() > before);
        assert!((e.size - (s.vendors[j].security() - before)).abs() < 1e-12);
    }
}
