//! User state as structure-of-arrays, and the number of users of each offering.
//!
//! A user is either an adopter of one offering or a non-adopter. No list of an offering's users
//! is kept: draws among them (incident victims, innovators) are made over user numbers, so they
//! do not depend on the order in which users joined (`simulation/attacks.rs`,
//! `simulation/adoption.rs`).

use crate::prefetch::prefetch_at;

/// Marker of a non-adopter in [`Population::offering`].
pub const NO_OFFERING: u8 = u8::MAX;

/// Per-user state.
#[derive(Debug, Clone, Default)]
pub struct Population {
    /// Risk sensitivity over value, `k_i / v_i` (the only combination decisions depend on).
    pub ratio: Vec<f32>,
    /// Personal fear `rho_i` as of `fear_day`.
    fear: Vec<f32>,
    /// Days are kept in 16 bits: no horizon reaches day 65,535 (150 years at most).
    fear_day: Vec<u16>,
    /// Offering used, or [`NO_OFFERING`].
    pub offering: Vec<u8>,
    /// Day the user adopted the technology (tenure starts there).
    adopted_day: Vec<u16>,
    /// Number of adopting neighbours, kept up to date on every flip.
    pub adopting_neighbours: Vec<u32>,
    /// Users of each offering, the last count being the non-adopters.
    counts: Vec<usize>,
}

impl Population {
    /// A population of non-adopters with the given ratios, for `offerings` offerings.
    pub fn new(ratio: Vec<f32>, offerings: usize) -> Self {
        let n = ratio.len();
        let mut counts = vec![0; offerings + 1];
        counts[offerings] = n;
        Self {
            ratio,
            fear: vec![0.0; n],
            fear_day: vec![0; n],
            offering: vec![NO_OFFERING; n],
            adopted_day: vec![0; n],
            adopting_neighbours: vec![0; n],
            counts,
        }
    }

    /// Number of users.
    pub fn len(&self) -> usize {
        self.ratio.len()
    }

    /// Whether there are no users.
    pub fn is_empty(&self) -> bool {
        self.ratio.is_empty()
    }

    /// Number of users of offering `j`.
    pub fn count(&self, j: usize) -> usize {
        self.counts[j]
    }

    /// Number of non-adopters.
    pub fn non_adopters(&self) -> usize {
        self.counts.last().copied().unwrap_or(0)
    }

    /// The users of offering `j` in increasing order (a scan of every user, for tests).
    #[cfg(test)]
    pub fn users_of(&self, j: usize) -> Vec<u32> {
        (0..self.len() as u32)
            .filter(|&u| self.offering[u as usize] as usize == j)
            .collect()
    }

    /// Personal fear of `user` on `day`, with decay factor per day `decay = exp(-ln2 / half-life)`.
    pub fn fear(&self, user: u32, day: u32, log_decay: f32) -> f32 {
        let u = user as usize;
        fear_at(self.fear[u], self.fear_day[u], day, log_decay)
    }

    /// Adds `jump` to the personal fear of `user` on `day`.
    #[cfg(test)]
    pub fn frighten(&mut self, user: u32, day: u32, log_decay: f32, jump: f32) {
        let u = user as usize;
        frighten_at(&mut self.fear[u], &mut self.fear_day[u], day, log_decay, jump);
    }

    /// The users' state cut into shards of `users` users in user order, for work on the thread
    /// pool. A shard moves its users between offerings on its own count of flows, added to the
    /// counts by [`Population::add_flows`].
    pub fn shards(&mut self, users: usize) -> Vec<PeopleShard<'_>> {
        let users = users.max(1);
        let offerings = self.counts.len();
        self.ratio
            .chunks(users)
            .zip(self.fear.chunks_mut(users))
            .zip(self.fear_day.chunks_mut(users))
            .zip(self.offering.chunks_mut(users))
            .zip(self.adopted_day.chunks_mut(users))
            .zip(self.adopting_neighbours.chunks_mut(users))
            .enumerate()
            .map(
                |(s, (((((ratio, fear), fear_day), offering), adopted_day), adopting_neighbours))| PeopleShard {
                    first: (s * users) as u32,
                    ratio,
                    fear,
                    fear_day,
                    offering,
                    adopted_day,
                    adopting_neighbours,
                    states: offerings,
                    flows: Vec::new(),
                },
            )
            .collect()
    }

    /// Adds a shard's flows between offerings ([`PeopleShard::flows`]) to the counts.
    pub fn add_flows(&mut self, flows: &[u64]) {
        let states = self.counts.len();
        // Modular arithmetic: a count may dip below zero halfway (a user who came to an
        // offering and left it again, its leaving added first); the sum is right.
        for (k, &moved) in flows.iter().enumerate().filter(|&(_, &moved)| moved > 0) {
            let (from, to) = (k / states, k % states);
            self.counts[from] = self.counts[from].wrapping_sub(moved as usize);
            self.counts[to] = self.counts[to].wrapping_add(moved as usize);
        }
    }

    /// Day `user` adopted the technology.
    #[inline]
    pub fn adopted_day(&self, user: u32) -> u32 {
        u32::from(self.adopted_day[user as usize])
    }

    /// Records that `user` adopted the technology on `day`.
    pub fn set_adopted_day(&mut self, user: u32, day: u32) {
        self.adopted_day[user as usize] = short_day(day);
    }

    /// Moves `user` to offering `to` (or [`NO_OFFERING`]).
    pub fn set_offering(&mut self, user: u32, to: u8) {
        let u = user as usize;
        let last = self.counts.len() - 1;
        let count_of = |o: u8| if o == NO_OFFERING { last } else { o as usize };
        self.counts[count_of(self.offering[u])] -= 1;
        self.counts[count_of(to)] += 1;
        self.offering[u] = to;
    }
}

/// The state of one shard of users: what their ratio is computed from, and their offering,
/// written with a count of the moves between offerings.
pub struct PeopleShard<'a> {
    /// First user of the shard.
    pub first: u32,
    pub ratio: &'a [f32],
    fear: &'a mut [f32],
    fear_day: &'a mut [u16],
    pub offering: &'a mut [u8],
    adopted_day: &'a mut [u16],
    /// Number of adopting neighbours of each user of the shard.
    pub adopting_neighbours: &'a mut [u32],
    /// States a user can be in: each offering, then not using the technology.
    states: usize,
    /// Users moved from each state to each, `from * states + to`; empty until the first move.
    pub flows: Vec<u64>,
}

impl PeopleShard<'_> {
    #[inline]
    fn local(&self, user: u32) -> usize {
        (user - self.first) as usize
    }

    /// Number of adopting neighbours of `user` (of this shard).
    #[inline]
    pub fn adopting_neighbours(&self, user: u32) -> u32 {
        self.adopting_neighbours[self.local(user)]
    }

    /// Offering of `user` (of this shard), or [`NO_OFFERING`].
    #[inline]
    pub fn offering_of(&self, user: u32) -> u8 {
        self.offering[self.local(user)]
    }

    /// Personal fear of `user` (of this shard) on `day`.
    #[inline]
    pub fn fear(&self, user: u32, day: u32, log_decay: f32) -> f32 {
        let u = self.local(user);
        fear_at(self.fear[u], self.fear_day[u], day, log_decay)
    }

    /// Adds `jump` to the personal fear of `user` (of this shard) on `day`; returns it.
    #[inline]
    pub fn frighten(&mut self, user: u32, day: u32, log_decay: f32, jump: f32) -> f32 {
        let u = self.local(user);
        frighten_at(&mut self.fear[u], &mut self.fear_day[u], day, log_decay, jump)
    }

    /// Day `user` (of this shard) adopted the technology.
    #[inline]
    pub fn adopted_day(&self, user: u32) -> u32 {
        u32::from(self.adopted_day[self.local(user)])
    }

    /// Records that `user` (of this shard) adopted the technology on `day`.
    pub fn set_adopted_day(&mut self, user: u32, day: u32) {
        let u = self.local(user);
        self.adopted_day[u] = short_day(day);
    }

    /// Moves `user` (of this shard) to offering `to` (or [`NO_OFFERING`]), counting the move.
    pub fn set_offering(&mut self, user: u32, to: u8) {
        let u = self.local(user);
        let states = self.states;
        let state = |o: u8| if o == NO_OFFERING { states - 1 } else { o as usize };
        if self.flows.is_empty() {
            self.flows = vec![0; states * states];
        }
        self.flows[state(self.offering[u]) * states + state(to)] += 1;
        self.offering[u] = to;
    }

    /// Current risk-to-value ratio of `user` (of this shard) on `day` (reliance counts only for
    /// adopters).
    #[inline]
    pub fn ratio_now(&self, user: u32, day: u32, log_decay: f32, reliance: Reliance) -> f32 {
        let u = self.local(user);
        let fear = self.fear(user, day, log_decay);
        let tenure = (self.offering[u] != NO_OFFERING).then(|| (day - u32::from(self.adopted_day[u])) as f32);
        current_ratio(self.ratio[u], fear, tenure, reliance)
    }

    /// Prefetches the state of `user` (of this shard) that its ratio reads.
    #[inline]
    pub fn prefetch(&self, user: u32) {
        let u = self.local(user);
        prefetch_at(self.ratio, u);
        prefetch_at(self.fear, u);
        prefetch_at(self.fear_day, u);
        prefetch_at(self.offering, u);
        prefetch_at(self.adopted_day, u);
    }

    /// Prefetches what a neighbour's flip touches of `user` (of this shard): its count and
    /// offering.
    #[inline]
    pub fn prefetch_counts(&self, user: u32) {
        let u = self.local(user);
        prefetch_at(self.adopting_neighbours, u);
        prefetch_at(self.offering, u);
    }
}

/// The risk-to-value ratio of a user of trait ratio `ratio` and personal fear `fear`, and, for
/// an adopter, of `tenure` days of use.
#[inline]
pub fn current_ratio(ratio: f32, fear: f32, tenure: Option<f32>, reliance: Reliance) -> f32 {
    let base = ratio * (1.0 + fear);
    match tenure {
        None => base,
        Some(tenure) => base / (1.0 + reliance.at(tenure)),
    }
}

/// A fear of `fear` as of `fear_day`, on `day`.
#[inline]
fn fear_at(fear: f32, fear_day: u16, day: u32, log_decay: f32) -> f32 {
    let age = day.saturating_sub(u32::from(fear_day)) as f32;
    fear * (log_decay * age).exp()
}

/// Adds `jump` to a fear of `fear` as of `fear_day`, on `day`; returns the new fear.
#[inline]
fn frighten_at(fear: &mut f32, fear_day: &mut u16, day: u32, log_decay: f32, jump: f32) -> f32 {
    *fear = fear_at(*fear, *fear_day, day, log_decay) + jump;
    *fear_day = short_day(day);
    *fear
}

/// A day number in 16 bits. Horizons end before day 65,535 (`scenario` checks `run.years`).
fn short_day(day: u32) -> u16 {
    debug_assert!(day < u32::from(u16::MAX), "day {day} past any horizon");
    day.min(u32::from(u16::MAX)) as u16
}

/// Reliance as a function of tenure: `reliance_max * (1 - exp(-tenure / reliance_days))`.
#[derive(Debug, Clone, Copy)]
pub struct Reliance {
    pub max: f32,
    pub inverse_days: f32,
}

impl Reliance {
    /// Reliance after `tenure` days of use.
    pub fn at(&self, tenure: f32) -> f32 {
        self.max * (1.0 - (-tenure * self.inverse_days).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_keep_the_counts() {
        let mut p = Population::new(vec![1.0; 6], 2);
        p.set_offering(1, 0);
        p.set_offering(4, 1);
        p.set_offering(2, 0);
        p.set_offering(1, 1);
        p.set_offering(4, NO_OFFERING);
        assert_eq!(p.users_of(0), vec![2]);
        assert_eq!(p.users_of(1), vec![1]);
        assert_eq!((p.count(0), p.count(1), p.non_adopters()), (1, 1, 4));
    }

    #[test]
    fn flows_add_up_in_any_order() {
        // Two offerings: states 0, 1 and 2 (not using). One user came to 0 and went on to 1
        // (0 → 1 is added before 2 → 0), another stopped using 1.
        let mut p = Population::new(vec![1.0; 4], 2);
        p.set_offering(3, 1);
        let mut flows = vec![0; 9];
        flows[1] = 1; // 0 → 1
        flows[2 * 3] = 1; // 2 → 0
        flows[3 + 2] = 1; // 1 → 2
        p.add_flows(&flows);
        assert_eq!((p.count(0), p.count(1), p.non_adopters()), (0, 1, 3));
    }

    #[test]
    fn fear_decays_with_its_half_life() {
        let mut p = Population::new(vec![1.0; 1], 1);
        let log_decay = -(2f32.ln()) / 10.0;
        p.frighten(0, 5, log_decay, 4.0);
        assert!((p.fear(0, 15, log_decay) - 2.0).abs() < 1e-5);
        p.frighten(0, 15, log_decay, 1.0);
        assert!((p.fear(0, 25, log_decay) - 1.5).abs() < 1e-5);
    }

    #[test]
    fn reliance_saturates() {
        let r = Reliance {
            max: 2.0,
            inverse_days: 1.0 / 100.0,
        };
        assert_eq!(r.at(0.0), 0.0);
        assert!((r.at(100.0) - 2.0 * (1.0 - (-1f32).exp())).abs() < 1e-6);
        assert!((r.at(1e6) - 2.0).abs() < 1e-6);
    }
}
