//! Phase 3, the fear an incident spreads: the harm to its victims and the word of mouth to their
//! neighbours, applied shard by shard of users, on the thread pool when the run is parallel
//! ([`Simulation::new_parallel`]). Each user's jumps are added in the order of the victims, as one
//! pass would add them, and a user's place in the risk index depends only on its final ratio, so
//! every thread count gives the same bytes.

use super::{taste_in, Simulation, PREFETCH_FAR, PREFETCH_NEAR};
use crate::population::{current_ratio, PeopleShard, Reliance, NO_OFFERING};
use crate::risk_index::{shard_of, IndexShard, SHARD_USERS};
use rayon::prelude::*;

/// An incident spreads its fear over the thread pool from this many jumps on (fewer cost more
/// to hand over than to add); in tests, always.
const PARALLEL_JUMPS: usize = if cfg!(test) { 1 } else { 1 << 13 };

/// An incident's jumps are gathered and added this many at most at a time (a few more: a
/// victim's jumps are never split), so a mega-breach's word of mouth never needs a list as
/// long as its reach; in tests, a few, so every incident is spread in several passes.
const JUMPS_PER_PASS: usize = if cfg!(test) { 64 } else { 1 << 18 };

/// What a jump's new ratio is computed from, besides the user's own state.
struct Context<'a> {
    day: u32,
    log_fear_decay: f32,
    reliance: Reliance,
    tastes: &'a [u16],
    offerings: usize,
}

impl Simulation<'_> {
    /// Adds `harm` to the fear of each of `victims` and `word_of_mouth` to that of each of their
    /// neighbours (once per victim they neighbour), re-filing adopters under their new ratio.
    /// Victims are taken in passes of at most about [`JUMPS_PER_PASS`] jumps, in order, so each
    /// user's jumps are still added in the order of the victims.
    pub(super) fn spread_fear(&mut self, victims: &[u32], harm: f32, word_of_mouth: f32) {
        let mut jumps = std::mem::take(&mut self.jumps);
        jumps.resize_with(self.population.len().div_ceil(SHARD_USERS), Vec::new);
        let mut total = 0;
        for (k, &victim) in victims.iter().enumerate() {
            if let Some(&ahead) = victims.get(k + PREFETCH_FAR) {
                self.network.prefetch(ahead, false);
            }
            if let Some(&ahead) = victims.get(k + PREFETCH_NEAR) {
                self.network.prefetch(ahead, true);
            }
            jumps[shard_of(victim)].push((victim, harm));
            total += 1;
            if word_of_mouth > 0.0 {
                let neighbours = self.network.neighbours(victim);
                total += neighbours.len();
                for &neighbour in neighbours {
                    jumps[shard_of(neighbour)].push((neighbour, word_of_mouth));
                }
            }
            if total >= JUMPS_PER_PASS {
                self.add_jumps(&mut jumps, total);
                total = 0;
            }
        }
        if total > 0 {
            self.add_jumps(&mut jumps, total);
        }
        self.jumps = jumps;
    }

    /// Adds the `total` gathered `jumps`, shard by shard (on the pool when they are many), and
    /// empties their lists for the next pass.
    fn add_jumps(&mut self, jumps: &mut [Vec<(u32, f32)>], total: usize) {
        let context = Context {
            day: self.day,
            log_fear_decay: self.log_fear_decay,
            reliance: self.reliance,
            tastes: &self.tastes,
            offerings: self.vendors.len(),
        };
        let work: Vec<_> = self
            .population
            .shards(SHARD_USERS)
            .into_iter()
            .zip(self.index.shards_mut())
            .zip(&*jumps)
            .filter(|(_, jumps)| !jumps.is_empty())
            .collect();
        if self.parallel && total >= PARALLEL_JUMPS {
            work.into_par_iter()
                .for_each(|((people, index), jumps)| frighten_shard(people, index, jumps, &context));
        } else {
            for ((people, index), jumps) in work {
                frighten_shard(people, index, jumps, &context);
            }
        }
        jumps.iter_mut().for_each(Vec::clear);
    }
}

/// Adds each of `jumps` (user, jump), all of users of one shard, in order, re-filing adopters.
fn frighten_shard(mut people: PeopleShard<'_>, index: &mut IndexShard, jumps: &[(u32, f32)], context: &Context<'_>) {
    for (k, &(user, jump)) in jumps.iter().enumerate() {
        if let Some(&(ahead, _)) = jumps.get(k + PREFETCH_FAR) {
            people.prefetch(ahead);
            index.prefetch(0, ahead, false);
        }
        if let Some(&(ahead, _)) = jumps.get(k + PREFETCH_NEAR) {
            let o = people.offering_of(ahead);
            if o != NO_OFFERING {
                index.prefetch(o as usize, ahead, true);
            }
        }
        let fear = people.frighten(user, context.day, context.log_fear_decay, jump);
        let u = (user - people.first) as usize;
        let o = people.offering_of(user);
        if o != NO_OFFERING {
            let tenure = (context.day - people.adopted_day(user)) as f32;
            let x = current_ratio(people.ratio[u], fear, Some(tenure), context.reliance);
            let y = (x as f64 / taste_in(context.tastes, context.offerings, user, o as usize)) as f32;
            index.refile(o as usize, user, y);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{small, step_to};
    use super::*;
    use crate::Recorder;

    #[test]
    fn an_incident_spread_in_many_passes_adds_each_jump_once_in_victim_order() {
        let p = small(4_000);
        let mut s = Simulation::new(&p);
        step_to(&mut s, 30, &mut Recorder::default());
        // Victims neighbour each other and repeat, so users take several jumps, over far more
        // than one pass of JUMPS_PER_PASS.
        let victims: Vec<u32> = (0..400u32).map(|k| (k * 7) % 1_500).collect();
        let (harm, word_of_mouth) = (0.3f32, 0.07f32);
        let mut expected = s.population.clone();
        let mut jumps = 0;
        for &victim in &victims {
            expected.frighten(victim, s.day, s.log_fear_decay, harm);
            for &neighbour in s.network.neighbours(victim) {
                expected.frighten(neighbour, s.day, s.log_fear_decay, word_of_mouth);
                jumps += 1;
            }
        }
        assert!(jumps > 20 * JUMPS_PER_PASS, "{jumps} jumps");
        s.spread_fear(&victims, harm, word_of_mouth);
        for user in 0..4_000 {
            let (got, want) = (
                s.population.fear(user, s.day, s.log_fear_decay),
                expected.fear(user, s.day, s.log_fear_decay),
            );
            assert!(
                got.to_bits() == want.to_bits(),
                "user {user}: fear {got}, expected {want}"
            );
        }
        // Adopters are filed under their new ratio: none is left at a stale place.
        for j in 0..s.vendors.len() {
            let mut filed = Vec::new();
            s.index.collect(j, &mut filed);
            filed.sort_unstable();
            assert_eq!(filed, s.population.users_of(j));
        }
    }
}
