//! Phase 7: the regulator counts today's outcry (public fear × adoption share) and puts today's
//! losses on its agenda, enacts a regulation that falls due today, and holds every vendor at
//! the floor of the day (the share deployments must meet while they comply).

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
        let loss = self.losses_today.iter().sum::<f64>() / self.parameters.run.population;
        let floor = self.regulator.floor;
        let action = self.regulator.step(&self.parameters.regulator, day, outcry, loss);
        if self.regulator.floor > floor {
            self.hold_floor();
        }
        match action {
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
            Some(Action::Regulation {
                from,
                to,
                deadline,
                agenda,
            }) => observer.event(&Event {
                day,
                offering: None,
                size: to,
                detail: Detail::Regulation {
                    from,
                    to,
                    deadline,
                    agenda,
                },
            }),
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
        p.regulator.compliance_days = 4;
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        let mut floors = vec![];
        for day in 0..9 {
            s.day = day;
            // Two days of outcry schedule the regulation; quiet after them.
            s.attention.fear = if day < 2 { 10.0 } else { 0.0 };
            let (adoption, outcry) = s.regulate(&mut recorder);
            assert!((outcry - s.attention.fear * adoption).abs() < 1e-12);
            floors.push(s.regulator.floor);
            let floor = s.regulator.floor;
            assert!(
                s.vendors.iter().all(|v| v.security() >= floor - 1e-12),
                "day {day}: vendors are held at the floor of the day"
            );
        }
        let kinds: Vec<(u32, EventKind)> = recorder.events.iter().map(|e| (e.day, e.kind())).collect();
        assert_eq!(kinds, vec![(1, EventKind::Outcry), (4, EventKind::Regulation)]);
        assert!(matches!(
            recorder.events[1].detail,
            Detail::Regulation {
                from: 0.0,
                to: 0.5,
                deadline: 8,
                agenda: false
            }
        ));
        // Deployments comply over the four days to the deadline.
        assert_eq!(floors, vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.125, 0.25, 0.375, 0.5]);
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
