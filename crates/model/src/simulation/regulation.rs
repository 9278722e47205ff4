//! Phase 7: the regulator counts today's outcry (public fear × adoption share) and puts today's
//! losses on its agenda, and enacts a regulation that falls due today, holding every vendor at
//! the new floor.

use super::Simulation;
use crate::events::{Detail, Event};
use crate::observer::Observer;
use crate::regulator::Action;

impl Simulation<'_> {
    /// Returns today's adoption share and outcry.
    pub(super) fn regulate(&mut self, observer: &mut impl Observer) -> (f64, f64) {
        let day = self.day;
        let adoption = self.adoption_share();
        let outcry = self.attention.fear * adoption;
        let baseline = self.baseline();
        let loss = self.losses_today.iter().sum::<f64>() / self.parameters.run.population;
        match self
            .regulator
            .step(&self.parameters.regulator, day, outcry, loss, baseline)
        {
            Some(Action::Outcry { due }) => observer.event(&Event {
                day,
                offering: None,
                size: outcry,
                detail: Detail::Outcry { due },
            }),
            Some(Action::Agenda { due, agenda }) => observer.event(&Event {
                day,
                offering: None,
                size: agenda,
                detail: Detail::LossAgenda { due },
            }),
            Some(Action::Regulation { from, to, agenda }) => {
                self.hold_floor();
                observer.event(&Event {
                    day,
                    offering: None,
                    size: to,
                    detail: Detail::Regulation { from, to, agenda },
                });
            }
            None => {}
        }
        (adoption, outcry)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::small;
    use super::*;
    use crate::events::EventKind;
    use crate::Recorder;

    #[test]
    fn sustained_outcry_enacts_a_floor_after_the_lag() {
        let mut p = small(5_000);
        p.regulator.enabled = true;
        p.regulator.outcry_threshold = 1e-9;
        p.regulator.outcry_days = 2;
        p.regulator.lag_days = 3;
        let mut s = Simulation::new(&p);
        s.attention.fear = 10.0;
        let mut recorder = Recorder::default();
        for day in 0..5 {
            s.day = day;
            let (adoption, outcry) = s.regulate(&mut recorder);
            assert!((outcry - 10.0 * adoption).abs() < 1e-12);
        }
        let kinds: Vec<(u32, EventKind)> = recorder.events.iter().map(|e| (e.day, e.kind())).collect();
        assert_eq!(kinds, vec![(1, EventKind::Outcry), (4, EventKind::Regulation)]);
        let floor = s.regulator.floor;
        assert!(floor > 0.0);
        assert!(
            s.vendors.iter().all(|v| v.security() >= floor),
            "vendors are held at the floor"
        );
    }

    #[test]
    fn no_regulation_without_outcry() {
        let p = small(5_000);
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        for day in 0..400 {
            s.day = day;
            s.regulate(&mut recorder);
        }
        assert!(recorder.events.is_empty());
        assert_eq!(s.regulator.floor, 0.0);
    }
}
