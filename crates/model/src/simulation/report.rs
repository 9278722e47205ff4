//! Phase 8: the day reported — the day's moves between offerings, the day's record and each
//! offering's record — and, at the start of a day, the outcome of every incident
//! [`OUTCOME_DAYS`] after it.

use super::Simulation;
use crate::events::{Detail, Event};
use crate::observer::{DayRecord, Flows, Observer, OfferingDay, OUTCOME_DAYS};

impl Simulation<'_> {
    /// Reports the outcome of every incident that happened `OUTCOME_DAYS` ago or earlier.
    pub(super) fn report_outcomes(&mut self, observer: &mut impl Observer) {
        while let Some(incident) = self.incident_log.get(self.next_outcome) {
            if incident.day + OUTCOME_DAYS > self.day {
                break;
            }
            if incident.victims > 0 {
                observer.event(&Event {
                    day: self.day,
                    offering: Some(incident.offering),
                    size: incident.abandoned as f64 / incident.victims as f64,
                    detail: Detail::IncidentOutcome {
                        incident_day: incident.day,
                        records: incident.records,
                        victims: incident.victims,
                        abandoned: incident.abandoned,
                    },
                });
            }
            self.next_outcome += 1;
        }
    }

    /// Completes today's record (`record` holds excitement, incidents, news and losses) and
    /// reports it with each offering's record.
    pub(super) fn report_day(
        &mut self,
        mut record: DayRecord,
        adoption: f64,
        outcry: f64,
        harmed: usize,
        churned: &[usize],
        observer: &mut impl Observer,
    ) {
        let n = self.population.len().max(1) as f64;
        self.adoption_history.push(adoption);
        record.adoption = adoption;
        record.baseline = self.baseline();
        record.floor = self.regulator.floor;
        record.fear = self.attention.fear;
        record.attention_threshold = self.attention.threshold(&self.parameters.attention);
        record.outcry = outcry;
        record.security_churn = churned.iter().sum::<usize>() as f64 / n;
        record.harmed = harmed as f64 / n;
        let offerings: Vec<OfferingDay> = self
            .vendors
            .iter()
            .enumerate()
            .map(|(j, v)| OfferingDay {
                users: self.population.count(j) as f64 / n,
                security: v.security(),
                security_churn: churned[j] as f64 / n,
            })
            .collect();
        observer.flows(
            record.day,
            Flows {
                offerings: self.vendors.len(),
                users: &self.flows_today,
            },
        );
        self.flows_today.fill(0);
        observer.day(&record, &offerings);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::small;
    use super::*;
    use crate::events::EventKind;
    use crate::Recorder;

    #[test]
    fn an_incident_outcome_comes_exactly_outcome_days_later_with_its_abandonments() {
        let p = small(20_000);
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        let mut record = DayRecord::default();
        let target = s.largest_offering();
        let victims = s.incident(
            p.run.population,
            target,
            &mut crate::random::generator(1, crate::random::Stream::Shocks),
            &mut record,
            &mut recorder,
        );
        let first = s.population.users_of(target)[0];
        s.abandon(first, target);
        recorder.events.clear();
        s.day = OUTCOME_DAYS - 1;
        s.report_outcomes(&mut recorder);
        assert!(recorder.events.is_empty(), "not yet due");
        s.day = OUTCOME_DAYS;
        s.report_outcomes(&mut recorder);
        s.report_outcomes(&mut recorder);
        assert_eq!(recorder.events.len(), 1, "reported once");
        let e = &recorder.events[0];
        assert_eq!(e.kind(), EventKind::IncidentOutcome);
        assert_eq!(
            e.detail,
            Detail::IncidentOutcome {
                incident_day: 0,
                records: p.run.population,
                victims: victims as u32,
                abandoned: 1
            }
        );
        assert!((e.size - 1.0 / victims as f64).abs() < 1e-12);
    }

    #[test]
    fn the_record_holds_shares_of_the_population() {
        let p = small(4_000);
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        let churned = vec![40; s.vendors.len()];
        let adoption = s.adoption_share();
        s.report_day(DayRecord::default(), adoption, 0.5, 400, &churned, &mut recorder);
        let r = recorder.days[0];
        assert_eq!(r.harmed, 0.1);
        assert_eq!(r.security_churn, 0.01 * s.vendors.len() as f64);
        assert_eq!(r.outcry, 0.5);
        let users: f64 = recorder.offerings[0].iter().map(|o| o.users).sum();
        assert!((users - adoption).abs() < 1e-12);
        assert_eq!(s.adoption_history, vec![adoption]);
    }
}
