//! Phase 5: adoption. Innovators are drawn in aggregate (one binomial draw), then the imitators
//! due today come from the calendar. Also the bookkeeping of flips: neighbours' adopting counts
//! and their next consideration days.

use super::Simulation;
use crate::calendar::geometric_wait;
use crate::observer::OUTCOME_DAYS;
use crate::parameters::NetworkKind;
use crate::population::NO_OFFERING;
use rand::seq::index;
use rand::Rng;
use rand_distr::{Binomial, Distribution};

impl Simulation<'_> {
    pub(super) fn innovate(&mut self) {
        let non_adopters = self.population.non_adopters().len();
        if non_adopters == 0 {
            return;
        }
        let mut rate = self.innovation_per_day;
        if self.parameters.network.kind == NetworkKind::None {
            let n = self.population.len() as f64;
            rate += self.imitation_per_day * (n - non_adopters as f64) / n;
        }
        let probability = 1.0 - (-rate).exp();
        let count = Binomial::new(non_adopters as u64, probability)
            .map(|d| d.sample(&mut self.adoption_rng))
            .unwrap_or(0) as usize;
        if count == 0 {
            return;
        }
        let mut chosen = std::mem::take(&mut self.scratch);
        chosen.clear();
        let pool = self.population.non_adopters();
        chosen.extend(
            index::sample(&mut self.adoption_rng, non_adopters, count)
                .into_iter()
                .map(|i| pool[i]),
        );
        for (k, &user) in chosen.iter().enumerate() {
            self.prefetch_flip(&chosen, k);
            self.consider(user);
        }
        self.scratch = chosen;
    }

    pub(super) fn imitate(&mut self) {
        let mut due = std::mem::take(&mut self.scratch);
        self.calendar.take_due(self.day, &mut due);
        for (k, &user) in due.iter().enumerate() {
            self.prefetch_flip(&due, k);
            if self.population.offering[user as usize] == NO_OFFERING && !self.consider(user) {
                self.reschedule(user);
            }
        }
        self.scratch = due;
    }

    /// A non-adopter weighs the offerings; returns whether it adopted.
    pub(super) fn consider(&mut self, user: u32) -> bool {
        if self.population.offering[user as usize] != NO_OFFERING {
            return false;
        }
        let x = self.ratio(user);
        match self.best_for(user, x, None) {
            Some(j) => {
                self.adopt(user, j, x);
                true
            }
            None => false,
        }
    }

    fn adopt(&mut self, user: u32, j: usize, x: f32) {
        let day = self.day;
        self.population.set_offering(user, j as u8);
        self.population.adopted_day[user as usize] = day;
        self.vendors[j].tenure_sum += day as f64;
        self.file(j, user, x);
        self.calendar.cancel(user);
        self.adoptions_since_review += 1;
        self.schedule_rechoice(user);
        self.tell_neighbours(user, true);
    }

    pub(super) fn abandon(&mut self, user: u32, j: usize) {
        let harmed_by = std::mem::take(&mut self.victim_of[user as usize]);
        if let Some(incident) = harmed_by
            .checked_sub(1)
            .and_then(|i| self.incident_log.get_mut(i as usize))
        {
            if self.day < incident.day + OUTCOME_DAYS {
                incident.abandoned += 1;
            }
        }
        self.vendors[j].tenure_sum -= self.population.adopted_day[user as usize] as f64;
        self.population.set_offering(user, NO_OFFERING);
        self.cancel_rechoice(user);
        self.tell_neighbours(user, false);
        self.reschedule(user);
    }

    /// Keeps neighbours' adopting counts current and redraws their consideration days.
    fn tell_neighbours(&mut self, user: u32, adopted: bool) {
        for k in 0..self.network.neighbours(user).len() {
            let neighbour = self.network.neighbours(user)[k];
            let count = &mut self.population.adopting_neighbours[neighbour as usize];
            if adopted {
                *count += 1;
            } else {
                *count = count.saturating_sub(1);
            }
            if self.population.offering[neighbour as usize] == NO_OFFERING {
                self.reschedule(neighbour);
            }
        }
    }

    /// Draws the next imitation consideration of a non-adopter from its current rate.
    fn reschedule(&mut self, user: u32) {
        let adopting = self.population.adopting_neighbours[user as usize];
        let degree = self.network.degree(user);
        if adopting == 0 || degree == 0 || self.imitation_per_day <= 0.0 {
            self.calendar.cancel(user);
            return;
        }
        let rate = self.imitation_per_day * adopting as f64 / degree as f64;
        let u: f64 = 1.0 - self.adoption_rng.random::<f64>();
        let wait = geometric_wait(rate, u);
        self.calendar
            .schedule(user, self.day.saturating_add(1).saturating_add(wait));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{recount_adopting_neighbours, small, step_to};
    use super::*;
    use crate::Recorder;

    #[test]
    fn innovators_adopt_at_the_innovation_rate() {
        let mut p = small(20_000);
        p.users.initial_adoption = 0.0;
        p.adoption.innovation = 365.0 * 0.01;
        p.adoption.imitation = 0.0;
        let mut s = Simulation::new(&p);
        s.update_terms(1.0);
        s.innovate();
        let adopters = 20_000 - s.population.non_adopters().len();
        // Binomial(20,000, 1 − e^−0.01) among those who find an offering worth it.
        assert!(adopters > 0 && adopters < 400, "{adopters}");
        assert_eq!(s.population.adopting_neighbours, recount_adopting_neighbours(&s));
    }

    #[test]
    fn flips_keep_neighbour_counts_and_the_calendar_current() {
        let p = small(5_000);
        let mut s = Simulation::new(&p);
        step_to(&mut s, 60, &mut Recorder::default());
        assert_eq!(s.population.adopting_neighbours, recount_adopting_neighbours(&s));
        let j = s.largest_offering();
        let leaving: Vec<u32> = s.population.members(j).iter().take(50).copied().collect();
        for &u in &leaving {
            s.index.remove(j, u);
            s.abandon(u, j);
        }
        assert_eq!(s.population.adopting_neighbours, recount_adopting_neighbours(&s));
        for &u in &leaving {
            assert_eq!(s.population.offering[u as usize], NO_OFFERING);
        }
    }

    #[test]
    fn an_adopter_does_not_consider_again() {
        let p = small(2_000);
        let mut s = Simulation::new(&p);
        let adopter = s
            .population
            .members(0)
            .first()
            .copied()
            .or_else(|| s.population.members(1).first().copied())
            .unwrap();
        assert!(!s.consider(adopter));
    }
}
