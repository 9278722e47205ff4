//! Memory prefetch hints for the loops over possible flips. A prefetch
//! changes no result (the golden test checks this).

use super::{Simulation, PREFETCH_FAR, PREFETCH_MID, PREFETCH_NEAR};

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
}
