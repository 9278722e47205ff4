//! Phase 4, second part: adopters reconsider their offering for value. Each adopter reconsiders
//! at `users.rechoice` per year, on days drawn from its own calendar (a geometric wait from its
//! adoption, exact by memorylessness), never by a scan of all users. A reconsidering adopter of
//! `j` switches to the best other offering `k` when `A_k e_k − x B_k` beats `A_j e_j − x B_j` by
//! more than `switching_cost A_j e_j` (`e` its tastes, 1 without them). A reconsidering adopter
//! bound by procurement rules its offering no longer meets moves to the best offering that meets
//! them, or stops using the technology when none does. Neither is security churn: the user was
//! not driven out by its own fear.

use super::{Chooser, Simulation, PREFETCH_FAR, PREFETCH_MID, PREFETCH_NEAR};
use crate::calendar::{geometric_wait, CalendarShard};
use crate::population::{PeopleShard, Reliance, NO_OFFERING};
use crate::prefetch::prefetch_at;
use crate::random::UserDraws;
use crate::risk_index::{IndexShard, SHARD_USERS};
use rayon::prelude::*;

/// What reconsidering reads besides the user's own state.
struct Context<'s> {
    day: u32,
    log_fear_decay: f32,
    reliance: Reliance,
    per_day: f64,
    switching_cost: f64,
    draws: UserDraws,
    chooser: Chooser<'s>,
    /// Visit each shard's users in reverse (tests of order-freedom).
    reverse: bool,
}

/// What a shard's reconsiderations change outside the shard.
#[derive(Default)]
struct Tally {
    /// Users gained or lost by each offering (the last entry: non-adopters).
    moves: Vec<i64>,
    /// Change of each offering's sum of adoption days.
    tenure: Vec<f64>,
    /// Users who stop using the technology (bound by rules no offering meets), with the
    /// offering they leave, already out of the risk index.
    leaving: Vec<(u32, usize)>,
}

impl Simulation<'_> {
    /// The adopters due to reconsider today switch when a rival is worth the switching cost:
    /// shard by shard, on the thread pool in a parallel run; then the users who stop using the
    /// technology leave, in user order.
    pub(super) fn rechoose(&mut self) {
        if self.rechoice_per_day <= 0.0 {
            return;
        }
        let context = Context {
            day: self.day,
            log_fear_decay: self.log_fear_decay,
            reliance: self.reliance,
            per_day: self.rechoice_per_day,
            switching_cost: self.parameters.users.switching_cost,
            draws: self.rechoice_draws,
            chooser: Chooser {
                terms: &self.terms,
                tastes: &self.tastes,
                procurement: self.procurement,
                seed: self.parameters.run.seed,
            },
            reverse: self.reversed(),
        };
        let mut due = std::mem::take(&mut self.due);
        due.resize_with(self.population.len().div_ceil(SHARD_USERS), Vec::new);
        let work: Vec<_> = self
            .population
            .shards(SHARD_USERS)
            .into_iter()
            .zip(self.index.shards_mut())
            .zip(self.rechoice.shards_mut())
            .zip(&mut due)
            .collect();
        let run = |(((people, index), calendar), due)| rechoose_shard(people, index, calendar, due, &context);
        let tallies: Vec<Tally> = if self.parallel {
            work.into_par_iter().map(run).collect()
        } else {
            work.into_iter().map(run).collect()
        };
        self.due = due;
        for tally in &tallies {
            self.population.add_moves(&tally.moves);
            for (vendor, change) in self.vendors.iter_mut().zip(&tally.tenure) {
                vendor.tenure_sum += change;
            }
        }
        for &(user, j) in tallies.iter().flat_map(|tally| &tally.leaving) {
            self.abandon(user, j);
        }
    }

    /// Draws the next day `user` reconsiders its offering (nothing when users never do).
    pub(super) fn schedule_rechoice(&mut self, user: u32) {
        if self.rechoice_per_day <= 0.0 {
            return;
        }
        let u = self.rechoice_draws.uniform(self.day, user);
        let wait = geometric_wait(self.rechoice_per_day, u);
        self.rechoice
            .schedule(user, self.day.saturating_add(1).saturating_add(wait));
    }

    /// Cancels `user`'s next reconsideration (it left the technology).
    pub(super) fn cancel_rechoice(&mut self, user: u32) {
        if self.rechoice_per_day > 0.0 {
            self.rechoice.cancel(user);
        }
    }
}

/// Reconsiders the users of one shard due today (see [`Simulation::rechoose`]).
fn rechoose_shard(
    mut people: PeopleShard<'_>,
    index: &mut IndexShard,
    calendar: &mut CalendarShard,
    due: &mut Vec<u32>,
    context: &Context<'_>,
) -> Tally {
    let chooser = &context.chooser;
    let terms = chooser.terms;
    let offerings = terms.len();
    let mut tally = Tally {
        tenure: vec![0.0; offerings],
        ..Tally::default()
    };
    due.clear();
    calendar.take_due(context.day, due);
    if context.reverse {
        due.reverse();
    }
    let schedule = |calendar: &mut CalendarShard, user: u32| {
        let wait = geometric_wait(context.per_day, context.draws.uniform(context.day, user));
        calendar.schedule(user, context.day.saturating_add(1).saturating_add(wait));
    };
    for (k, &user) in due.iter().enumerate() {
        if let Some(&ahead) = due.get(k + PREFETCH_FAR) {
            people.prefetch(ahead);
            if !chooser.tastes.is_empty() {
                prefetch_at(chooser.tastes, ahead as usize * offerings);
            }
        }
        for (distance, deep) in [(PREFETCH_MID, false), (PREFETCH_NEAR, true)] {
            if let Some(&ahead) = due.get(k + distance) {
                let o = people.offering_of(ahead);
                if o != NO_OFFERING {
                    index.prefetch(o as usize, ahead, deep);
                }
            }
        }
        let j = people.offering_of(user);
        if j == NO_OFFERING {
            continue;
        }
        let j = j as usize;
        let x = people.ratio_now(user, context.day, context.log_fear_decay, context.reliance);
        let mut switch = |people: &mut PeopleShard<'_>, index: &mut IndexShard, k: usize| {
            let adopted = f64::from(people.adopted_day(user));
            tally.tenure[j] -= adopted;
            tally.tenure[k] += adopted;
            index.remove(j, user);
            people.set_offering(user, k as u8);
            index.insert(k, user, chooser.tasted_ratio(user, k, x));
        };
        if chooser.bound(user) && !chooser.procurement.admits(terms[j].security) {
            // Its offering no longer meets the rules: it moves to one that does, or stops.
            match chooser.best_for(user, x, Some(j)) {
                Some(k) => {
                    switch(&mut people, index, k);
                    schedule(calendar, user);
                }
                None => {
                    index.remove(j, user);
                    tally.leaving.push((user, j));
                }
            }
            continue;
        }
        let here = terms[j].utility_tasted(x, chooser.taste(user, j));
        if let Some(k) = chooser.best_for(user, x, Some(j)) {
            let there = terms[k].utility_tasted(x, chooser.taste(user, k));
            if there - here > context.switching_cost * terms[j].value * chooser.taste(user, j) {
                switch(&mut people, index, k);
            }
        }
        schedule(calendar, user);
    }
    tally.moves = std::mem::take(&mut people.moves);
    tally
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
