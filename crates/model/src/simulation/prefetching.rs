//! Memory prefetch hints for the loops over incident victims and possible flips. A prefetch
//! changes no result (the golden test checks this).

use super::{Simulation, PREFETCH_FAR, PREFETCH_MID, PREFETCH_NEAR, PREFETCH_NEAREST};
use crate::population::NO_OFFERING;
use crate::prefetch::prefetch_at;

impl Simulation<'_> {
    /// Prefetches, in stages, what frightening the victims ahead of victim `k` will touch: the
    /// victims' state and rows first, then their bucket slots and neighbour lists, then their
    /// neighbours' state, then the neighbours' bucket slots. Changes no result.
    #[inline]
    pub(super) fn prefetch_victim(&self, victims: &[u32], k: usize, target: usize, neighbours: bool) {
        if let Some(&v) = victims.get(k + PREFETCH_FAR) {
            self.population.prefetch(v);
            self.index.prefetch(target, v, false);
            self.network.prefetch(v, false);
        }
        if let Some(&v) = victims.get(k + PREFETCH_MID) {
            self.index.prefetch(target, v, true);
            self.network.prefetch(v, true);
        }
        if !neighbours {
            return;
        }
        if let Some(&v) = victims.get(k + PREFETCH_NEAR) {
            for &n in self.network.neighbours(v) {
                self.population.prefetch(n);
                self.index.prefetch(target, n, false);
            }
        }
        if let Some(&v) = victims.get(k + PREFETCH_NEAREST) {
            for &n in self.network.neighbours(v) {
                let o = self.population.offering[n as usize];
                if o != NO_OFFERING {
                    self.index.prefetch(o as usize, n, true);
                }
            }
        }
    }

    /// Prefetches, in stages, what a possible flip (adoption, switch, abandonment) of the users
    /// ahead of user `k` will touch: their state and rows first, then their neighbour lists,
    /// then their neighbours' counts. Changes no result.
    #[inline]
    pub(super) fn prefetch_flip(&self, users: &[u32], k: usize) {
        if let Some(&v) = users.get(k + PREFETCH_FAR) {
            self.population.prefetch(v);
            self.network.prefetch(v, false);
        }
        if let Some(&v) = users.get(k + PREFETCH_MID) {
            self.network.prefetch(v, true);
        }
        if let Some(&v) = users.get(k + PREFETCH_NEAR) {
            for &n in self.network.neighbours(v) {
                self.population.prefetch_counts(n);
                self.calendar.prefetch(n);
            }
        }
    }

    /// Prefetches, in stages, what reconsidering the users ahead of user `k` will touch: their
    /// state and tastes first, then their slots in the risk index. Changes no result.
    #[inline]
    pub(super) fn prefetch_rechoice(&self, users: &[u32], k: usize) {
        if let Some(&v) = users.get(k + PREFETCH_FAR) {
            self.population.prefetch(v);
            if !self.tastes.is_empty() {
                prefetch_at(&self.tastes, v as usize * self.vendors.len());
            }
        }
        if let Some(&v) = users.get(k + PREFETCH_MID) {
            let o = self.population.offering[v as usize];
            if o != NO_OFFERING {
                self.index.prefetch(o as usize, v, false);
            }
        }
        if let Some(&v) = users.get(k + PREFETCH_NEAR) {
            let o = self.population.offering[v as usize];
            if o != NO_OFFERING {
                self.index.prefetch(o as usize, v, true);
            }
        }
    }
}
