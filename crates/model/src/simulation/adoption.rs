//! Phase 5: adoption. Innovators are picked over user numbers, then the imitators due today
//! come from the calendar, shard by shard of users (`shard`, which also keeps the bookkeeping
//! of flips: neighbours' adopting counts and their next consideration days).

use super::shard::{Shard, Shared};
use super::Simulation;
use crate::parameters::NetworkKind;
use crate::population::NO_OFFERING;
use crate::random::{keyed, Generator, Stream, USER_BLOCK};
use crate::risk_index::{shard_of, SHARD_USERS};
use rand::Rng;

const _: () = assert!(SHARD_USERS % USER_BLOCK == 0, "a shard holds whole blocks of users");

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
        self.run_shards(|shard, shared| shard.innovate(probability, shared));
    }

    /// The non-adopters due today from the imitation calendar consider adopting; those who do
    /// not have their next consideration drawn.
    pub(super) fn imitate(&mut self) {
        self.run_shards(|shard, shared| shard.imitate(shared));
    }

    /// Each of `users` (in increasing order) that does not adopt yet weighs the offerings.
    pub(super) fn consider_all(&mut self, users: &[u32]) {
        let mut lists = vec![Vec::new(); self.population.len().div_ceil(SHARD_USERS)];
        for &user in users {
            lists[shard_of(user)].push(user);
        }
        self.run_shards(|shard, shared| {
            for &user in &lists[shard_of(shard.people.first)] {
                shard.consider(user, shared);
            }
        });
    }

    /// A non-adopter weighs the offerings; returns whether it adopted.
    #[cfg(test)]
    pub(super) fn consider(&mut self, user: u32) -> bool {
        let tallies = self.run_shards(|shard, shared| {
            if shard_of(shard.people.first) == shard_of(user) {
                shard.consider(user, shared);
            }
        });
        tallies.iter().map(|tally| tally.adoptions).sum::<u64>() > 0
    }

    /// Adopter `user` of `j`, already out of the risk index, stops using the technology.
    #[cfg(test)]
    pub(super) fn abandon(&mut self, user: u32, j: usize) {
        self.run_shards(|shard, shared| {
            if shard_of(shard.people.first) == shard_of(user) {
                shard.abandon(user, j, shared);
            }
        });
    }
}

impl Shard<'_> {
    /// Picks this shard's innovators block by block (see [`Simulation::innovate`]); each weighs
    /// the offerings.
    fn innovate(&mut self, probability: f64, shared: &Shared<'_>) {
        let first = self.people.first as usize;
        let end = first + self.people.offering.len();
        let mut chosen = std::mem::take(self.due);
        chosen.clear();
        for block in first / USER_BLOCK..end.div_ceil(USER_BLOCK) {
            let stop = ((block + 1) * USER_BLOCK).min(end);
            let mut rng = keyed(shared.seed, Stream::Innovation, block, shared.day);
            let mut user = block * USER_BLOCK + skip(probability, &mut rng);
            while user < stop {
                if self.people.offering[user - first] == NO_OFFERING {
                    chosen.push(user as u32);
                }
                user = user.saturating_add(1 + skip(probability, &mut rng));
            }
        }
        if shared.reverse {
            chosen.reverse();
        }
        for (k, &user) in chosen.iter().enumerate() {
            self.prefetch(&chosen, k, shared);
            self.consider(user, shared);
        }
        *self.due = chosen;
    }

    /// This shard's non-adopters due today consider adopting; those who do not are marked for
    /// their next consideration.
    fn imitate(&mut self, shared: &Shared<'_>) {
        let mut due = std::mem::take(self.due);
        due.clear();
        self.calendar.take_due(shared.day, &mut due);
        if shared.reverse {
            due.reverse();
        }
        for (k, &user) in due.iter().enumerate() {
            self.prefetch(&due, k, shared);
            if self.people.offering_of(user) == NO_OFFERING && !self.consider(user, shared) {
                self.mark(user);
            }
        }
        *self.due = due;
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
