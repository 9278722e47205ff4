//! User state as structure-of-arrays, and the membership lists of each offering.
//!
//! A user is either an adopter of one offering or a non-adopter. Membership lists allow a
//! uniform draw among an offering's users (incident victims) or among non-adopters (innovators)
//! and O(1) moves between them.

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
    fear_day: Vec<u32>,
    /// Offering used, or [`NO_OFFERING`].
    pub offering: Vec<u8>,
    /// Day the user adopted the technology (tenure starts there).
    pub adopted_day: Vec<u32>,
    /// Number of adopting neighbours, kept up to date on every flip.
    pub adopting_neighbours: Vec<u32>,
    /// Members of each offering, the last list being the non-adopters.
    members: Vec<Vec<u32>>,
    member_position: Vec<u32>,
}

impl Population {
    /// A population of non-adopters with the given ratios, for `offerings` offerings.
    pub fn new(ratio: Vec<f32>, offerings: usize) -> Self {
        let n = ratio.len();
        let mut members = vec![Vec::new(); offerings + 1];
        members[offerings] = (0..n as u32).collect();
        Self {
            ratio,
            fear: vec![0.0; n],
            fear_day: vec![0; n],
            offering: vec![NO_OFFERING; n],
            adopted_day: vec![0; n],
            adopting_neighbours: vec![0; n],
            members,
            member_position: (0..n as u32).collect(),
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

    /// Prefetches the state of `user` that fear and ratio updates read.
    #[inline]
    pub fn prefetch(&self, user: u32) {
        let u = user as usize;
        prefetch_at(&self.ratio, u);
        prefetch_at(&self.fear, u);
        prefetch_at(&self.fear_day, u);
        prefetch_at(&self.offering, u);
        prefetch_at(&self.adopted_day, u);
    }

    /// Prefetches the membership of `user`: its position (`deep = false`), or its slot in its
    /// offering's member list (`deep`, from the possibly stale position).
    #[inline]
    pub fn prefetch_membership(&self, user: u32, deep: bool) {
        let u = user as usize;
        if !deep {
            prefetch_at(&self.member_position, u);
            return;
        }
        if let (Some(&o), Some(&p)) = (self.offering.get(u), self.member_position.get(u)) {
            let list = if o == NO_OFFERING {
                self.members.len() - 1
            } else {
                o as usize
            };
            if let Some(members) = self.members.get(list) {
                prefetch_at(members, p as usize);
            }
        }
    }

    /// Prefetches what a neighbour's flip touches of `user`: its count and offering.
    #[inline]
    pub fn prefetch_counts(&self, user: u32) {
        prefetch_at(&self.adopting_neighbours, user as usize);
        prefetch_at(&self.offering, user as usize);
    }

    /// Members of offering `j`.
    pub fn members(&self, j: usize) -> &[u32] {
        &self.members[j]
    }

    /// Non-adopters.
    pub fn non_adopters(&self) -> &[u32] {
        self.members.last().map(Vec::as_slice).unwrap_or(&[])
    }

    /// Personal fear of `user` on `day`, with decay factor per day `decay = exp(-ln2 / half-life)`.
    pub fn fear(&self, user: u32, day: u32, log_decay: f32) -> f32 {
        let u = user as usize;
        let age = day.saturating_sub(self.fear_day[u]) as f32;
        self.fear[u] * (log_decay * age).exp()
    }

    /// Adds `jump` to the personal fear of `user` on `day`.
    pub fn frighten(&mut self, user: u32, day: u32, log_decay: f32, jump: f32) {
        let current = self.fear(user, day, log_decay);
        let u = user as usize;
        self.fear[u] = current + jump;
        self.fear_day[u] = day;
    }

    /// Moves `user` to offering `to` (or [`NO_OFFERING`]).
    pub fn set_offering(&mut self, user: u32, to: u8) {
        let u = user as usize;
        let last = self.members.len() - 1;
        let list_of = |o: u8| if o == NO_OFFERING { last } else { o as usize };
        let from_list = list_of(self.offering[u]);
        let position = self.member_position[u] as usize;
        let list = &mut self.members[from_list];
        list.swap_remove(position);
        if let Some(&moved) = list.get(position) {
            self.member_position[moved as usize] = position as u32;
        }
        let to_list = list_of(to);
        self.member_position[u] = self.members[to_list].len() as u32;
        self.members[to_list].push(user);
        self.offering[u] = to;
    }
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
    fn membership_moves_keep_lists_consistent() {
        let mut p = Population::new(vec![1.0; 6], 2);
        p.set_offering(1, 0);
        p.set_offering(4, 1);
        p.set_offering(2, 0);
        p.set_offering(1, 1);
        p.set_offering(4, NO_OFFERING);
        let mut m0 = p.members(0).to_vec();
        let mut m1 = p.members(1).to_vec();
        let mut none = p.non_adopters().to_vec();
        m0.sort();
        m1.sort();
        none.sort();
        assert_eq!(m0, vec![2]);
        assert_eq!(m1, vec![1]);
        assert_eq!(none, vec![0, 3, 4, 5]);
        for j in 0..3 {
            for (i, &u) in p.members[j].iter().enumerate() {
                assert_eq!(p.member_position[u as usize] as usize, i);
            }
        }
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
