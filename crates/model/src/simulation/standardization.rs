//! Phase 7, after the regulator: the standards body counts today's salient security events
//! (incidents in the news, and every disclosed flaw, which reaches it in the news or not) and
//! publishes a revision that falls due: each offering's decided level rises by the revision's
//! uptake of its deployments without the control, adopted over its roll-out time.

use super::Simulation;
use crate::events::{Detail, Event};
use crate::observer::Observer;
use crate::standard;

impl Simulation<'_> {
    /// `salient` is today's count of salient security events.
    pub(super) fn standardize(&mut self, salient: u32, observer: &mut impl Observer) {
        let p = self.parameters;
        if !p.standard.enabled {
            return;
        }
        let today = self.steward.step(&p.standard, self.day, salient);
        if let Some(due) = today.drafted {
            observer.event(&Event {
                day: self.day,
                offering: None,
                size: f64::from(salient),
                detail: Detail::Draft { due },
            });
        }
        let Some(revision) = today.published else {
            return;
        };
        observer.event(&Event {
            day: self.day,
            offering: None,
            size: revision.uptake,
            detail: Detail::Revision {
                number: revision.number,
                uptake: revision.uptake,
            },
        });
        for j in 0..self.vendors.len() {
            let users = self.population.count(j);
            let vendor = &mut self.vendors[j];
            let level = standard::revised(vendor.security(), revision.uptake);
            // A level already decided (or being rolled out) at least as high stays.
            let _ = vendor.raise_to(level, users);
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
    fn a_revision_raises_each_offering_by_its_uptake_over_its_roll_out() {
        let mut p = small(2_000);
        p.standard.enabled = true;
        p.standard.pressure_threshold = 2.0;
        p.standard.lag_days = 5;
        p.standard.uptake = 0.5;
        p.offerings[0].rollout_days = 0.0;
        let mut slow = p.offerings[0].clone();
        slow.name = "slow".into();
        slow.rollout_days = 10.0;
        p.offerings.push(slow);
        for o in &mut p.offerings {
            o.security = 0.0;
        }
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        for day in 0..6 {
            s.day = day;
            s.standardize(if day == 0 { 2 } else { 0 }, &mut recorder);
        }
        let kinds: Vec<(u32, EventKind)> = recorder.events.iter().map(|e| (e.day, e.kind())).collect();
        assert_eq!(kinds, vec![(0, EventKind::Draft), (5, EventKind::Revision)]);
        assert!(
            (s.vendors[0].security() - 0.5).abs() < 1e-12,
            "a platform adopts at once"
        );
        let slow = s.vendors[1].security();
        assert!((slow - 0.5 * (1.0 - (-0.1f64).exp())).abs() < 1e-12, "{slow}");
        for _ in 6..16 {
            s.vendors[1].advance_roll_out();
        }
        let slow = s.vendors[1].security();
        assert!((slow - 0.5 * (1.0 - (-1.1f64).exp())).abs() < 1e-9, "{slow}");
    }

    #[test]
    fn no_standards_body_changes_nothing() {
        let p = small(2_000);
        assert!(!p.standard.enabled);
        let mut s = Simulation::new(&p);
        let before = s.vendors[0].security();
        let mut recorder = Recorder::default();
        for day in 0..50 {
            s.day = day;
            s.standardize(10, &mut recorder);
        }
        assert!(recorder.events.is_empty());
        assert_eq!(s.vendors[0].security(), before);
    }
}
