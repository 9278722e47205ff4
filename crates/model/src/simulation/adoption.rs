//! Phase 5: adoption. Innovators are drawn in aggregate (one binomial draw), then the imitators
//! due today come from the calendar. Also the bookkeeping of flips: neighbours' adopting counts
//! and their next consideration days.

use super::Simulation;
use crate::calendar::geometric_wait;
use crate::observer::OUTCOME_DAYS;
use crate::parameters::NetworkKind;
use crate::population::NO_OFFERING;
use crate::random::{keyed, Generator, Stream, USER_BLOCK};
use rand::Rng;

/// Users passed over before the next one picked, each picked with `probability`: the number of
/// failures before a success, `floor(ln u / ln(1 − p))`.
fn skip(probability: f64, rng: &mut Generator) -> usize {
    if probability >= 1.0 {
        return 0;
    }
    let u: f64 = 1.0 - rng.random::<f64>();
    let gap = u.ln() / (-probability).ln_1p();
    if gap.is_finite() && gap < usize::MAX as f64 / 2.0 {
        gap as usize
    } else {
        usize::MAX / 2
    }
}

impl Simulation<'_> {
    /// Each non-adopter considers adopting today with probability `1 − e^(−p/365)`: users are
    /// picked over user numbers, block by block, each block from its own (block, day) stream,
    /// and the adopters among them skipped, so the choice does not depend on any list's order.
    pub(super) fn innovate(&mut self) {
        let non_adopters = self.population.non_adopters();
        if non_adopters == 0 {
            return;
        }
        let n = self.population.len();
        let mut rate = self.innovation_per_day;
        if self.parameters.network.kind == NetworkKind::None {
            rate += self.imitation_per_day * (n - non_adopters) as f64 / n as f64;
        }
        let probability = 1.0 - (-rate).exp();
        if probability <= 0.0 || probability.is_nan() {
            return;
        }
        let mut chosen = std::mem::take(&mut self.scratch);
        chosen.clear();
        let seed = self.parameters.run.seed;
        for (block, start) in (0..n).step_by(USER_BLOCK).enumerate() {
            let end = (start + USER_BLOCK).min(n);
            let mut rng = keyed(seed, Stream::Innovation, block, self.day);
            let mut user = start + skip(probability, &mut rng);
            while user < end {
                if self.population.offering[user] == NO_OFFERING {
                    chosen.push(user as u32);
                }
                user = user.saturating_add(1 + skip(probability, &mut rng));
            }
        }
        self.arrange(&mut chosen);
        for (k, &user) in chosen.iter().enumerate() {
            self.prefetch_flip(&chosen, k);
            self.consider(user);
        }
        self.scratch = chosen;
    }

    pub(super) fn imitate(&mut self) {
        let mut due = std::mem::take(&mut self.scratch);
        self.calendar.take_due(self.day, &mut due);
        self.arrange(&mut due);
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
        self.population.set_adopted_day(user, day);
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
        self.vendors[j].tenure_sum -= f64::from(self.population.adopted_day(user));
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
        let u = self.imitation_draws.uniform(self.day, user);
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
        let adopters = 20_000 - s.population.non_adopters();
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
        let leaving: Vec<u32> = s.population.users_of(j).into_iter().take(50).collect();
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
            .users_of(0)
            .first()
            .copied()
            .or_else(|| s.population.users_of(1).first().copied())
            .unwrap();
        assert!(!s.consider(adopter));
    }
}
