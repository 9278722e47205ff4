//! One shard of users and what a phase may change in it, for work on the thread pool.
//!
//! A [`Shard`] holds the state of [`SHARD_USERS`] users (their slices of the population, the
//! risk index, both calendars and the victim marks) and a [`Tally`] of what its work changes
//! outside the shard: moves between offerings, tenure sums, adoptions, incidents whose victims
//! left, and the neighbours in other shards to tell of a flip, per shard they live in. A flip's
//! neighbours in the shard itself are told at once. Tallies are added in shard order, and the
//! other shards' neighbours told afterwards, shard by shard, so the outcome of a phase is the
//! same on one thread or many (ARCHITECTURE.md, invariant 2): each user's own updates are made
//! by its shard alone, and a non-adopter whose count changed, or whose consideration came, is
//! marked and its next consideration day drawn once, when its shard's part of the phase ends,
//! from its count then and its own keyed draw. Counts only add up, and a redraw is a function
//! of the final count, so neither the order of users nor the shard a flip comes from matters.

use super::{Chooser, Simulation, PREFETCH_FAR, PREFETCH_NEAR};
use crate::calendar::{geometric_wait, CalendarShard};
use crate::network::Network;
use crate::observer::OUTCOME_DAYS;
use crate::population::{PeopleShard, Reliance, NO_OFFERING};
use crate::random::UserDraws;
use crate::risk_index::{shard_of, IndexShard, SHARD_USERS};
use rayon::prelude::*;

/// What every shard of a phase reads: today's terms and rates.
pub(super) struct Shared<'s> {
    pub day: u32,
    pub log_fear_decay: f32,
    pub reliance: Reliance,
    pub chooser: Chooser<'s>,
    pub network: &'s Network,
    pub imitation_per_day: f64,
    pub imitation_draws: UserDraws,
    pub rechoice_per_day: f64,
    pub rechoice_draws: UserDraws,
    pub switching_cost: f64,
    pub seed: u64,
    /// Visit each shard's users in reverse (tests of order-freedom).
    pub reverse: bool,
}

/// The state of one shard of users, and the tally of what its work changes elsewhere.
pub(super) struct Shard<'a> {
    pub people: PeopleShard<'a>,
    pub index: &'a mut IndexShard,
    pub calendar: &'a mut CalendarShard,
    /// The re-choice calendar's shard (`None` when users never reconsider).
    pub rechoice: Option<&'a mut CalendarShard>,
    victim_of: &'a mut [u32],
    /// Scratch list of the users a phase visits.
    pub due: &'a mut Vec<u32>,
    /// Non-adopters whose next consideration is to be drawn when the shard's work ends.
    marked: &'a mut Vec<u32>,
    /// One bit per user of the shard: whether it is in `marked`.
    is_marked: &'a mut [u64],
    pub tally: Tally,
}

/// A shard's scratch lists, kept between phases so no phase allocates them again.
#[derive(Default)]
pub(super) struct Scratch {
    due: Vec<u32>,
    marked: Vec<u32>,
    is_marked: Vec<u64>,
}

/// What a shard's work changes outside the shard.
#[derive(Default)]
pub(super) struct Tally {
    /// Users moved between offerings and out of or into the technology (`PeopleShard::flows`;
    /// empty if none moved).
    pub flows: Vec<u64>,
    /// Change of each offering's sum of adoption days.
    pub tenure: Vec<f64>,
    /// Users who adopted.
    pub adoptions: u64,
    /// Users of each offering who left it over risk (security churn).
    pub churned: Vec<usize>,
    /// Incidents (1 + index) whose victims stopped using the technology.
    pub victims_left: Vec<u32>,
    /// Per other shard, neighbours of users who adopted / stopped, to tell.
    pub joined: Vec<Vec<u32>>,
    pub left: Vec<Vec<u32>>,
    /// Users who are to stop using the technology after the phase (bound by rules no offering
    /// meets), with the offering they leave, already out of the risk index.
    pub leaving: Vec<(u32, usize)>,
}

impl Simulation<'_> {
    /// Runs `work` on every shard (on the thread pool in a parallel run) and adds the tallies:
    /// flows, tenure, adoptions, victims who left; then tells the neighbours of every flip in
    /// other shards.
    /// Returns the tallies, in shard order, for what else the phase reads of them.
    pub(super) fn run_shards(&mut self, work: impl Fn(&mut Shard<'_>, &Shared<'_>) + Sync) -> Vec<Tally> {
        let tallies = self.on_shards(|shard, shared| work(shard, shared));
        for tally in &tallies {
            self.population.add_flows(&tally.flows);
            for (total, &moved) in self.flows_today.iter_mut().zip(&tally.flows) {
                *total += moved;
            }
            for (vendor, change) in self.vendors.iter_mut().zip(&tally.tenure) {
                vendor.tenure_sum += change;
            }
            self.adoptions_since_review += tally.adoptions;
            for &harmed_by in &tally.victims_left {
                if let Some(incident) = harmed_by
                    .checked_sub(1)
                    .and_then(|i| self.incident_log.get_mut(i as usize))
                {
                    if self.day < incident.day + OUTCOME_DAYS {
                        incident.abandoned += 1;
                    }
                }
            }
        }
        if tallies
            .iter()
            .any(|t| t.joined.iter().chain(&t.left).any(|told| !told.is_empty()))
        {
            let told = self.on_shards(|shard, _| {
                let target = shard_of(shard.people.first);
                for tally in &tallies {
                    shard.hear(&tally.joined[target], true);
                }
                for tally in &tallies {
                    shard.hear(&tally.left[target], false);
                }
            });
            debug_assert!(told.iter().all(|t| t.flows.iter().all(|&m| m == 0)));
        }
        tallies
    }

    /// Runs `work` on every shard, on the thread pool in a parallel run; returns the tallies.
    fn on_shards(&mut self, work: impl Fn(&mut Shard<'_>, &Shared<'_>) + Sync) -> Vec<Tally> {
        let shards = self.population.len().div_ceil(SHARD_USERS);
        let offerings = self.vendors.len();
        if self.scratch.len() != shards {
            self.scratch = (0..shards)
                .map(|s| Scratch {
                    is_marked: vec![0; (self.population.len() - s * SHARD_USERS).min(SHARD_USERS).div_ceil(64)],
                    ..Scratch::default()
                })
                .collect();
        }
        let reverse = self.reversed();
        let shared = Shared {
            day: self.day,
            log_fear_decay: self.log_fear_decay,
            reliance: self.reliance,
            chooser: Chooser {
                terms: &self.terms,
                tastes: &self.tastes,
                procurement: self.procurement,
                seed: self.parameters.run.seed,
            },
            network: &self.network,
            imitation_per_day: self.imitation_per_day,
            imitation_draws: self.imitation_draws,
            rechoice_per_day: self.rechoice_per_day,
            rechoice_draws: self.rechoice_draws,
            switching_cost: self.parameters.users.switching_cost,
            seed: self.parameters.run.seed,
            reverse,
        };
        let mut rechoice: Vec<Option<&mut CalendarShard>> = self.rechoice.shards_mut().iter_mut().map(Some).collect();
        rechoice.resize_with(shards, || None);
        let work_on = |shard: Shard<'_>| {
            let mut shard = shard;
            shard.tally = Tally {
                tenure: vec![0.0; offerings],
                churned: vec![0; offerings],
                joined: vec![Vec::new(); shards],
                left: vec![Vec::new(); shards],
                ..Tally::default()
            };
            work(&mut shard, &shared);
            shard.redraw_marked(&shared);
            shard.tally.flows = std::mem::take(&mut shard.people.flows);
            shard.tally
        };
        let shards: Vec<Shard<'_>> = self
            .population
            .shards(SHARD_USERS)
            .into_iter()
            .zip(self.index.shards_mut())
            .zip(self.calendar.shards_mut())
            .zip(rechoice)
            .zip(self.victim_of.chunks_mut(SHARD_USERS))
            .zip(self.scratch.iter_mut())
            .map(
                |(((((people, index), calendar), rechoice), victim_of), scratch)| Shard {
                    people,
                    index,
                    calendar,
                    rechoice,
                    victim_of,
                    due: &mut scratch.due,
                    marked: &mut scratch.marked,
                    is_marked: &mut scratch.is_marked,
                    tally: Tally::default(),
                },
            )
            .collect();
        if self.parallel {
            shards.into_par_iter().map(work_on).collect()
        } else {
            shards.into_iter().map(work_on).collect()
        }
    }
}

impl Shard<'_> {
    /// Current risk-to-value ratio of `user` (of this shard).
    #[inline]
    pub fn ratio(&self, user: u32, shared: &Shared<'_>) -> f32 {
        self.people
            .ratio_now(user, shared.day, shared.log_fear_decay, shared.reliance)
    }

    /// A non-adopter weighs the offerings; returns whether it adopted.
    pub fn consider(&mut self, user: u32, shared: &Shared<'_>) -> bool {
        if self.people.offering_of(user) != NO_OFFERING {
            return false;
        }
        let x = self.ratio(user, shared);
        match shared.chooser.best_for(user, x, None) {
            Some(j) => {
                self.adopt(user, j, x, shared);
                true
            }
            None => false,
        }
    }

    fn adopt(&mut self, user: u32, j: usize, x: f32, shared: &Shared<'_>) {
        let day = shared.day;
        self.people.set_offering(user, j as u8);
        self.people.set_adopted_day(user, day);
        self.tally.tenure[j] += f64::from(day);
        self.index.insert(j, user, shared.chooser.tasted_ratio(user, j, x));
        self.calendar.cancel(user);
        self.tally.adoptions += 1;
        self.schedule_rechoice(user, shared);
        self.tell_neighbours(user, true, shared);
    }

    /// Adopter `user` of `j`, already out of the risk index, stops using the technology.
    pub fn abandon(&mut self, user: u32, j: usize, shared: &Shared<'_>) {
        let u = (user - self.people.first) as usize;
        let harmed_by = std::mem::take(&mut self.victim_of[u]);
        if harmed_by > 0 {
            self.tally.victims_left.push(harmed_by);
        }
        self.tally.tenure[j] -= f64::from(self.people.adopted_day(user));
        self.people.set_offering(user, NO_OFFERING);
        if let Some(rechoice) = self.rechoice.as_deref_mut() {
            rechoice.cancel(user);
        }
        self.tell_neighbours(user, false, shared);
        self.mark(user);
    }

    /// Tells the neighbours of `user` that it adopted (`joined`) or stopped: those of this
    /// shard at once, the others through the tally.
    fn tell_neighbours(&mut self, user: u32, joined: bool, shared: &Shared<'_>) {
        let own = shard_of(self.people.first);
        for &neighbour in shared.network.neighbours(user) {
            let target = shard_of(neighbour);
            if target == own {
                self.hear_one(neighbour, joined);
            } else if joined {
                self.tally.joined[target].push(neighbour);
            } else {
                self.tally.left[target].push(neighbour);
            }
        }
    }

    /// Counts a flip of a neighbour of `user` (of this shard) and marks it for a redraw.
    #[inline]
    fn hear_one(&mut self, user: u32, joined: bool) {
        let u = (user - self.people.first) as usize;
        let count = &mut self.people.adopting_neighbours[u];
        *count = if joined { *count + 1 } else { count.saturating_sub(1) };
        if self.people.offering[u] == NO_OFFERING {
            self.mark(user);
        }
    }

    /// Marks `user` (of this shard) to have its next consideration drawn when the shard's
    /// work ends, once however often it is marked.
    #[inline]
    pub fn mark(&mut self, user: u32) {
        let u = (user - self.people.first) as usize;
        let (word, bit) = (u / 64, 1u64 << (u % 64));
        if self.is_marked[word] & bit == 0 {
            self.is_marked[word] |= bit;
            self.marked.push(user);
        }
    }

    /// Draws the next consideration of every marked user that still does not adopt, from its
    /// count now, and clears the marks.
    fn redraw_marked(&mut self, shared: &Shared<'_>) {
        let marked = std::mem::take(self.marked);
        for (k, &user) in marked.iter().enumerate() {
            if let Some(&ahead) = marked.get(k + PREFETCH_FAR) {
                self.calendar.prefetch(ahead);
            }
            let u = (user - self.people.first) as usize;
            self.is_marked[u / 64] &= !(1u64 << (u % 64));
            if self.people.offering[u] == NO_OFFERING {
                self.reschedule(user, shared);
            }
        }
        *self.marked = marked;
        self.marked.clear();
    }

    /// Moves adopter `user` of `j`, already out of the risk index, to `k`, filed under ratio
    /// `x`; its tenure carries over.
    pub fn switch(&mut self, user: u32, j: usize, k: usize, x: f32, shared: &Shared<'_>) {
        let adopted = f64::from(self.people.adopted_day(user));
        self.tally.tenure[j] -= adopted;
        self.tally.tenure[k] += adopted;
        self.people.set_offering(user, k as u8);
        self.index.insert(k, user, shared.chooser.tasted_ratio(user, k, x));
    }

    /// Draws the next imitation consideration of non-adopter `user` from its current rate.
    fn reschedule(&mut self, user: u32, shared: &Shared<'_>) {
        let adopting = self.people.adopting_neighbours(user);
        let degree = shared.network.degree(user);
        if adopting == 0 || degree == 0 || shared.imitation_per_day <= 0.0 {
            self.calendar.cancel(user);
            return;
        }
        let rate = shared.imitation_per_day * f64::from(adopting) / f64::from(degree);
        let wait = geometric_wait(rate, shared.imitation_draws.uniform(shared.day, user));
        self.calendar
            .schedule(user, shared.day.saturating_add(1).saturating_add(wait));
    }

    /// Draws the next day `user` reconsiders its offering (nothing when users never do).
    pub fn schedule_rechoice(&mut self, user: u32, shared: &Shared<'_>) {
        if let Some(rechoice) = self.rechoice.as_deref_mut() {
            let wait = geometric_wait(shared.rechoice_per_day, shared.rechoice_draws.uniform(shared.day, user));
            rechoice.schedule(user, shared.day.saturating_add(1).saturating_add(wait));
        }
    }

    /// Counts the flips of `neighbours` in this shard, told by other shards (`joined`: each
    /// gained an adopting neighbour; otherwise each lost one), and marks each told non-adopter.
    fn hear(&mut self, neighbours: &[u32], joined: bool) {
        for (k, &user) in neighbours.iter().enumerate() {
            if let Some(&ahead) = neighbours.get(k + PREFETCH_FAR) {
                self.people.prefetch_counts(ahead);
            }
            self.hear_one(user, joined);
        }
    }

    /// Prefetches, in stages, what visiting the users ahead of user `k` of `users` reads: their
    /// state first, then their slot in the risk index and their neighbour list. Changes no
    /// result.
    #[inline]
    pub fn prefetch(&self, users: &[u32], k: usize, shared: &Shared<'_>) {
        if let Some(&ahead) = users.get(k + PREFETCH_FAR) {
            self.people.prefetch(ahead);
            shared.network.prefetch(ahead, false);
        }
        if let Some(&ahead) = users.get(k + PREFETCH_NEAR) {
            let o = self.people.offering_of(ahead);
            if o != NO_OFFERING {
                self.index.prefetch(o as usize, ahead, false);
            }
            shared.network.prefetch(ahead, true);
        }
    }
}
