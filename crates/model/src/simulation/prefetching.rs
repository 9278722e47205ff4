//! Memory prefetch hints for the loops over possible flips and reconsiderations. A prefetch
//! changes no result (the golden test checks this).

use super::{Simulation, PREFETCH_FAR, PREFETCH_MID, PREFETCH_NEAR};
use crate::population::NO_OFFERING;
use crate::prefetch::prefetch_at;

impl Simulation<'_> {
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
