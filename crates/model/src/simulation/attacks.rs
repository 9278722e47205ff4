//! Phase 3: incidents. Scheduled shocks first, then the Poisson attacks of each offering in
//! offering order. Each incident harms users, spreads fear by word of mouth, causes its loss and
//! is tested for news. The attacks on an offering on a day, their sizes and their victims come
//! from that (offering, day)'s own random stream (common random numbers across arms).

use super::{IncidentRecord, Simulation, PREFETCH_FAR};
use crate::events::{Detail, Event};
use crate::incidents;
use crate::observer::{DayRecord, Observer};
use crate::prefetch::prefetch_at;
use crate::random::{keyed, Generator, Stream};
use rand::seq::index;
use rand::Rng;

/// An offering with at least `1 / DENSE_OFFERING` of the users has its victims drawn over user
/// numbers (at most `DENSE_OFFERING` draws per victim on average).
const DENSE_OFFERING: usize = 32;

impl Simulation<'_> {
    /// Strikes today's shocks, then each offering's Poisson attacks in offering order; returns
    /// the simulated users harmed.
    pub(super) fn attacks(
        &mut self,
        shocks: Vec<super::interventions::Shock>,
        record: &mut DayRecord,
        observer: &mut impl Observer,
    ) -> usize {
        let p = self.parameters;
        let seed = p.run.seed;
        let n = self.population.len().max(1) as f64 / incidents::reach(&p.attack, p.run.population);
        let mut harmed = 0usize;
        self.losses_today.iter_mut().for_each(|l| *l = 0.0);
        self.salient_today = 0;
        for (k, (records, target, people)) in shocks.into_iter().enumerate() {
            let target = target.unwrap_or_else(|| self.largest_offering());
            let mut rng = keyed(seed, Stream::Shocks, k, self.day);
            harmed += self.incident_harming(records, people.unwrap_or(records), target, &mut rng, record, observer);
        }
        for j in 0..self.vendors.len() {
            // The offering's users as a share of the reference population.
            // At most the reference population: the rates never exceed what they are at it.
            let share = (self.population.count(j) as f64 / n).min(1.0);
            let rate = incidents::daily_rate(&p.attack, share, self.vendors[j].security());
            if rate <= 0.0 || !rate.is_finite() {
                continue;
            }
            let mut rng = keyed(seed, Stream::Incidents, j, self.day);
            for _ in 0..incidents::draw_count(rate, &mut rng) {
                let records = incidents::draw_size(&p.attack, &mut rng);
                harmed += self.incident(records, j, &mut rng, record, observer);
            }
        }
        harmed
    }

    /// An incident of `records` on offering `target`, harming one real person per record, its
    /// victims drawn from `rng`; returns the simulated users harmed.
    pub(super) fn incident(
        &mut self,
        records: f64,
        target: usize,
        rng: &mut Generator,
        record: &mut DayRecord,
        observer: &mut impl Observer,
    ) -> usize {
        self.incident_harming(records, records, target, rng, record, observer)
    }

    /// An incident of `records` on offering `target` that harms `people` real people among its
    /// users (its size, loss and news follow `records`), its victims drawn from `rng`; returns the
    /// simulated users harmed.
    pub(super) fn incident_harming(
        &mut self,
        records: f64,
        people: f64,
        target: usize,
        rng: &mut Generator,
        record: &mut DayRecord,
        observer: &mut impl Observer,
    ) -> usize {
        let p = self.parameters;
        let day = self.day;
        let target = target.min(self.vendors.len() - 1);
        let scale = self.population.len() as f64 / p.run.population;
        let members = self.population.count(target);
        let harmed = incidents::harmed_users(people, scale, members, rng);
        let mut victims = std::mem::take(&mut self.victims);
        let incident_id = self.incident_log.len() as u32 + 1;
        self.choose_victims(target, harmed, incident_id, rng, &mut victims);
        self.incident_log.push(IncidentRecord {
            day,
            offering: target,
            records,
            victims: victims.len() as u32,
            abandoned: 0,
        });
        self.spread_fear(&victims, p.users.harm_fear as f32, p.users.word_of_mouth_fear as f32);
        self.victims = victims;
        let loss = records * p.attack.loss_per_record;
        self.losses_today[target] += loss;
        record.incidents += 1;
        record.loss += loss;
        observer.event(&Event {
            day,
            offering: Some(target),
            size: records,
            detail: Detail::Incident {
                harmed: harmed as u64,
                loss,
            },
        });
        if let Some(excess) = self.attention.notice(&p.attention, records) {
            record.news += 1;
            self.salient_today += 1;
            self.review_now[target] = true;
            observer.event(&Event {
                day,
                offering: Some(target),
                size: excess,
                detail: Detail::News {
                    records,
                    fear: self.attention.fear,
                    disclosed: false,
                },
            });
        }
        harmed
    }

    /// Draws `harmed` distinct users of `target`, each set of them equally likely, into `out` in
    /// increasing order, and marks them as victims of incident `id`. The draw is over user
    /// numbers (rejecting users of other offerings) while `target` holds at least 1/32 of the
    /// users and twice the victims; otherwise over its users gathered from the risk index in
    /// increasing order. Either way it depends on who uses `target`, never on the order in
    /// which they came.
    fn choose_victims(&mut self, target: usize, harmed: usize, id: u32, rng: &mut Generator, out: &mut Vec<u32>) {
        out.clear();
        let n = self.population.len();
        let members = self.population.count(target);
        if harmed == 0 || members == 0 {
            return;
        }
        if harmed * 2 <= members && members * DENSE_OFFERING >= n {
            while out.len() < harmed {
                let user = rng.random_range(0..n as u32);
                let u = user as usize;
                if self.population.offering[u] as usize == target && self.victim_of[u] != id {
                    self.victim_of[u] = id;
                    out.push(user);
                }
            }
            out.sort_unstable();
            return;
        }
        self.index.collect(target, out);
        out.sort_unstable();
        debug_assert_eq!(out.len(), members, "every user of an offering is filed in phase 3");
        let mut picked: Vec<u32> = index::sample(rng, out.len(), harmed.min(out.len()))
            .into_iter()
            .map(|i| out[i])
            .collect();
        picked.sort_unstable();
        *out = picked;
        for (k, &victim) in out.iter().enumerate() {
            if let Some(&ahead) = out.get(k + PREFETCH_FAR) {
                prefetch_at(&self.victim_of, ahead as usize);
            }
            self.victim_of[victim as usize] = id;
        }
    }

    /// Raises `user`'s fear, re-filing an adopter under its new ratio (no word of mouth).
    #[cfg(test)]
    pub(super) fn frighten(&mut self, user: u32, jump: f32) {
        self.spread_fear(&[user], jump, 0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::small;
    use super::*;
    use crate::events::EventKind;
    use crate::random::generator;
    use crate::Recorder;

    fn rng() -> Generator {
        generator(1, Stream::Shocks)
    }

    #[test]
    fn an_incident_harms_members_frightens_them_and_makes_the_news_when_salient() {
        let p = small(20_000);
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        let mut record = DayRecord::default();
        let target = s.largest_offering();
        let members = s.population.count(target);
        assert!(members > 100);
        // As many records as the real population: every simulated member is harmed.
        let harmed = s.incident(p.run.population, target, &mut rng(), &mut record, &mut recorder);
        assert_eq!(
            harmed, members,
            "an incident as large as the population harms every member"
        );
        assert_eq!(record.incidents, 1);
        assert!((record.loss - p.run.population * p.attack.loss_per_record).abs() < 1e-6);
        let kinds: Vec<EventKind> = recorder.events.iter().map(|e| e.kind()).collect();
        assert_eq!(kinds, vec![EventKind::Incident, EventKind::News]);
        assert_eq!(record.news, 1);
        assert!(s.attention.fear > 0.0, "news raises public fear");
        for m in s.population.users_of(target) {
            assert_eq!(s.victim_of[m as usize], 1, "every member is a victim of incident 1");
            assert!(s.population.fear(m, 0, s.log_fear_decay) > 0.0);
        }
    }

    #[test]
    fn victims_are_distinct_users_of_the_offering_each_equally_likely_on_both_paths() {
        let p = small(4_000);
        let mut s = Simulation::new(&p);
        let target = s.largest_offering();
        let members = s.population.users_of(target);
        let m = members.len();
        assert!(m * DENSE_OFFERING >= 4_000 && m > 200, "{m}");
        let mut rng = rng();
        // A few victims (rejection over user numbers), then most of the users (drawn from the
        // users gathered from the risk index).
        for harmed in [m / 10, m * 3 / 4] {
            let mut hits = vec![0.0; 4_000];
            let mut victims = Vec::new();
            let rounds = 400;
            for round in 0..rounds {
                s.choose_victims(target, harmed, 1_000 + round, &mut rng, &mut victims);
                assert_eq!(victims.len(), harmed);
                assert!(victims.windows(2).all(|w| w[0] < w[1]), "distinct, increasing");
                for &v in &victims {
                    assert_eq!(s.population.offering[v as usize] as usize, target);
                    assert_eq!(s.victim_of[v as usize], 1_000 + round);
                    hits[v as usize] += 1.0;
                }
            }
            // Each user is hit Binomial(rounds, harmed / m) times: chi-square over the users
            // with m - 1 degrees of freedom, within 5 standard deviations of its mean.
            let q = harmed as f64 / m as f64;
            let expected = rounds as f64 * q;
            let statistic: f64 = members
                .iter()
                .map(|&u| (hits[u as usize] - expected).powi(2) / (expected * (1.0 - q)))
                .sum();
            let dof = (m - 1) as f64;
            assert!(
                (statistic - dof).abs() < 5.0 * (2.0 * dof).sqrt(),
                "{harmed} victims: chi-square {statistic} on {dof} degrees of freedom"
            );
        }
    }

    #[test]
    fn small_incidents_stay_below_the_news() {
        let p = small(20_000);
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        let mut record = DayRecord::default();
        s.incident(10.0, 0, &mut rng(), &mut record, &mut recorder);
        assert_eq!(record.news, 0);
        assert_eq!(recorder.events.len(), 1);
        assert_eq!(s.attention.fear, 0.0);
    }

    #[test]
    fn attacks_scale_with_the_real_population_not_the_simulated_one() {
        let incidents = |population: f64, users: u32| {
            let mut p = small(users);
            p.attack.rate = 5.0;
            p.attack.size_log10_mean = 0.0;
            p.run.population = population;
            let mut s = Simulation::new(&p);
            let mut recorder = Recorder::default();
            let mut record = DayRecord::default();
            for day in 0..300 {
                s.day = day;
                s.attacks(vec![], &mut record, &mut recorder);
            }
            record.incidents
        };
        let reference = small(1).attack.reference_population;
        let at_reference = incidents(reference, 20_000);
        assert!(at_reference > 100, "{at_reference}");
        // A hundredth of the people: about a hundredth of the attacks (adoption elasticity 1).
        let fewer = incidents(reference / 100.0, 20_000);
        assert!(fewer * 20 < at_reference, "{fewer} against {at_reference}");
        // Twice the simulated users for the same people: about as many attacks.
        let finer = incidents(reference, 40_000);
        let ratio = finer as f64 / at_reference as f64;
        assert!((0.8..1.25).contains(&ratio), "{finer} against {at_reference}");
    }

    #[test]
    fn an_outage_makes_news_by_its_size_but_harms_only_the_people_it_names() {
        let mut p = small(20_000);
        p.attack.rate = 0.0;
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        let mut record = DayRecord::default();
        let target = s.largest_offering();
        let members = s.population.count(target);
        // As many records as the real population, harming a thousandth of it.
        let people = p.run.population / 1000.0;
        let harmed = s.attacks(
            vec![(p.run.population, Some(target), Some(people))],
            &mut record,
            &mut recorder,
        );
        let expected = people * 20_000.0 / p.run.population;
        assert!(members as f64 > 10.0 * expected);
        assert!((harmed as f64 - expected).abs() <= 1.0, "{harmed} against {expected}");
        assert_eq!(record.news, 1, "its size makes the news");
        assert!((record.loss - p.run.population * p.attack.loss_per_record).abs() < 1e-6);
    }

    #[test]
    fn shocks_strike_the_largest_offering_unless_one_is_named() {
        let mut p = small(20_000);
        p.attack.rate = 0.0;
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        let mut record = DayRecord::default();
        let largest = s.largest_offering();
        let other = (largest + 1) % s.vendors.len();
        s.attacks(
            vec![(1e6, None, None), (1e6, Some(other), None)],
            &mut record,
            &mut recorder,
        );
        let targets: Vec<Option<usize>> = recorder
            .events
            .iter()
            .filter(|e| e.kind() == EventKind::Incident)
            .map(|e| e.offering)
            .collect();
        assert_eq!(targets, vec![Some(largest), Some(other)]);
    }
}
