//! Phase 4, second part: adopters reconsider their offering for value. Each adopter reconsiders
//! at `users.rechoice` per year, on days drawn from its own calendar (a geometric wait from its
//! adoption, exact by memorylessness), never by a scan of all users. A reconsidering adopter of
//! `j` switches to the best other offering `k` when `A_k e_k − x B_k` beats `A_j e_j − x B_j` by
//! more than `switching_cost A_j e_j` (`e` its tastes, 1 without them). A reconsidering adopter
//! bound by procurement rules its offering no longer meets moves to the best offering that meets
//! them, or stops using the technology when none does. Neither is security churn: the user was
//! not driven out by its own fear.

use super::shard::{Shard, Shared};
use super::{Simulation, PREFETCH_FAR, PREFETCH_MID, PREFETCH_NEAR};
use crate::population::NO_OFFERING;
use crate::prefetch::prefetch_at;
use crate::risk_index::shard_of;

impl Simulation<'_> {
    /// The adopters due to reconsider today switch when a rival is worth the switching cost,
    /// shard by shard; then the users who stop using the technology leave.
    pub(super) fn rechoose(&mut self) {
        if self.rechoice_per_day <= 0.0 {
            return;
        }
        let tallies = self.run_shards(|shard, shared| shard.rechoose(shared));
        let leaving: Vec<Vec<(u32, usize)>> = tallies.into_iter().map(|tally| tally.leaving).collect();
        if leaving.iter().any(|users| !users.is_empty()) {
            self.run_shards(|shard, shared| {
                for &(user, j) in &leaving[shard_of(shard.people.first)] {
                    shard.abandon(user, j, shared);
                }
            });
        }
    }
}

impl Shard<'_> {
    /// Reconsiders the users of this shard due today (see [`Simulation::rechoose`]).
    fn rechoose(&mut self, shared: &Shared<'_>) {
        let chooser = &shared.chooser;
        let terms = chooser.terms;
        let offerings = terms.len();
        let mut due = std::mem::take(self.due);
        due.clear();
        if let Some(rechoice) = self.rechoice.as_deref_mut() {
            rechoice.take_due(shared.day, &mut due);
        }
        if shared.reverse {
            due.reverse();
        }
        for (k, &user) in due.iter().enumerate() {
            if let Some(&ahead) = due.get(k + PREFETCH_FAR) {
                self.people.prefetch(ahead);
                if !chooser.tastes.is_empty() {
                    prefetch_at(chooser.tastes, ahead as usize * offerings);
                }
            }
            for (distance, deep) in [(PREFETCH_MID, false), (PREFETCH_NEAR, true)] {
                if let Some(&ahead) = due.get(k + distance) {
                    let o = self.people.offering_of(ahead);
                    if o != NO_OFFERING {
                        self.index.prefetch(o as usize, ahead, deep);
                    }
                }
            }
            let j = self.people.offering_of(user);
            if j == NO_OFFERING {
                continue;
            }
            let j = j as usize;
            let x = self.ratio(user, shared);
            if chooser.bound(user) && !chooser.procurement.admits(terms[j].security) {
                // Its offering no longer meets the rules: it moves to one that does, or stops.
                match chooser.best_for(user, x, Some(j)) {
                    Some(k) => {
                        self.index.remove(j, user);
                        self.switch(user, j, k, x, shared);
                        self.schedule_rechoice(user, shared);
                    }
                    None => {
                        self.index.remove(j, user);
                        self.tally.leaving.push((user, j));
                    }
                }
                continue;
            }
            let here = terms[j].utility_tasted(x, chooser.taste(user, j));
            if let Some(k) = chooser.best_for(user, x, Some(j)) {
                let there = terms[k].utility_tasted(x, chooser.taste(user, k));
                if there - here > shared.switching_cost * terms[j].value * chooser.taste(user, j) {
                    self.index.remove(j, user);
                    self.switch(user, j, k, x, shared);
                }
            }
            self.schedule_rechoice(user, shared);
        }
        *self.due = due;
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{small, step_to};
    use super::*;
    use crate::Recorder;

    #[test]
    fn reconsidering_users_leave_a_secure_offering_for_a_lax_rival() {
        let mut p = small(20_000);
        p.attack.rate = 0.0;
        p.offerings = vec![
            crate::OfferingParameters::default(),
            crate::OfferingParameters {
                name: "lax".into(),
                security: 0.05,
                ..crate::OfferingParameters::default()
            },
        ];
        p.users.rechoice = 0.0;
        let mut q = p.clone();
        q.users.rechoice = 4.0;
        let mut still = Simulation::new(&p);
        let mut fickle = Simulation::new(&q);
        // Offering 0 becomes far more secure (and taxed) than the others.
        for s in [&mut still, &mut fickle] {
            s.vendors[0].heroic = 0.9;
            s.vendors[0].hold(0.0);
        }
        let before = fickle.population.count(0);
        step_to(&mut still, 200, &mut Recorder::default());
        step_to(&mut fickle, 200, &mut Recorder::default());
        let (kept_still, kept_fickle) = (still.population.count(0), fickle.population.count(0));
        assert!(before > 500);
        assert!(
            (kept_fickle as f64) < 0.9 * kept_still as f64,
            "{kept_fickle} of the secure offering's users stay when they reconsider, {kept_still} when they never do"
        );
    }

    #[test]
    fn buyers_bound_by_procurement_leave_an_offering_below_the_minimum_when_they_reconsider() {
        let mut p = small(20_000);
        p.attack.rate = 0.0;
        p.users.rechoice = 2.0;
        p.offerings = vec![
            crate::OfferingParameters {
                name: "strict".into(),
                security: 0.6,
                ..crate::OfferingParameters::default()
            },
            crate::OfferingParameters {
                name: "lax".into(),
                security: 0.05,
                ..crate::OfferingParameters::default()
            },
        ];
        p.interventions = vec![crate::Intervention::Procurement {
            day: 0,
            share: 0.5,
            minimum: 0.5,
        }];
        let mut s = Simulation::new(&p);
        s.vendors[0].heroic = 0.6;
        let bound_on_lax = |s: &Simulation<'_>| -> Vec<u32> {
            s.population
                .users_of(1)
                .into_iter()
                .filter(|&u| s.procurement.binds(p.run.seed, u))
                .collect()
        };
        let mut recorder = Recorder::default();
        step_to(&mut s, 1, &mut recorder);
        let before = bound_on_lax(&s).len();
        step_to(&mut s, 200, &mut recorder);
        let after = bound_on_lax(&s);
        assert!(before > 500, "{before}");
        // Two reconsiderations a year: about 1 − e^(−2 · 199/365) = 66% have reconsidered.
        let kept = after.len() as f64 / before as f64;
        assert!(
            (0.25..0.45).contains(&kept),
            "{kept} of the bound users on the lax offering stay"
        );
        assert!(
            after.iter().all(|&u| s.population.adopted_day(u) == 0),
            "bound users only ever came to the lax offering before the rules"
        );
        let unbound_lax = s.population.count(1) - after.len();
        assert!(
            unbound_lax > 2 * after.len(),
            "users not bound stay on the lax offering"
        );
    }
}
