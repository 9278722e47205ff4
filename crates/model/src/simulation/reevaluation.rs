//! Phase 4: adopters re-evaluate. With today's terms, every adopter of an offering whose
//! risk-to-value ratio exceeds the offering's tolerable ratio switches or abandons (security
//! churn). Only users filed at or above the threshold are looked at (ARCHITECTURE.md,
//! invariant 5).

use super::shard::{Shard, Shared};
use super::Simulation;

impl Simulation<'_> {
    /// Computes today's terms (fear, excitement, advocacy) and re-evaluates every offering in
    /// offering order, shard by shard; returns each offering's security churn (users who left
    /// it over risk).
    pub(super) fn reevaluate_all(&mut self, excitement: f64, advocacy: f64) -> Vec<usize> {
        let awareness = self.parameters.security.risk_awareness + self.attention.fear;
        self.update_terms_with(excitement, awareness, advocacy);
        let thresholds: Vec<f32> = self.terms.iter().map(|t| t.tolerable_ratio()).collect();
        let tallies = self.run_shards(|shard, shared| shard.reevaluate(&thresholds, shared));
        (0..thresholds.len())
            .map(|j| tallies.iter().map(|tally| tally.churned[j]).sum())
            .collect()
    }
}

impl Shard<'_> {
    /// For each offering `j` in order, this shard's adopters of `j` above `thresholds[j]` leave
    /// it: to the best other offering, or out of the technology.
    fn reevaluate(&mut self, thresholds: &[f32], shared: &Shared<'_>) {
        let mut due = std::mem::take(self.due);
        for (j, &threshold) in thresholds.iter().enumerate() {
            due.clear();
            self.index.drain_at_or_above(j, threshold, &mut due);
            if shared.reverse {
                due.reverse();
            }
            for (k, &user) in due.iter().enumerate() {
                self.prefetch(&due, k, shared);
                let x = self.ratio(user, shared);
                let y = shared.chooser.tasted_ratio(user, j, x);
                if y <= threshold {
                    self.index.insert(j, user, y);
                    continue;
                }
                self.tally.churned[j] += 1;
                match shared.chooser.best_for(user, x, Some(j)) {
                    Some(k) => self.switch(user, j, k, x, shared),
                    None => self.abandon(user, j, shared),
                }
            }
        }
        *self.due = due;
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{recount_adopting_neighbours, small};
    use super::*;
    use crate::population::NO_OFFERING;

    #[test]
    fn calm_adopters_stay() {
        let p = small(5_000);
        let mut s = Simulation::new(&p);
        let before: Vec<u8> = s.population.offering.clone();
        let churned = s.reevaluate_all(s.excitement(0), 1.0);
        assert_eq!(
            churned.iter().sum::<usize>(),
            0,
            "on day 0 every adopter chose its offering"
        );
        assert_eq!(s.population.offering, before);
    }

    #[test]
    fn frightened_adopters_leave_and_are_counted_as_churn() {
        let p = small(5_000);
        let mut s = Simulation::new(&p);
        let adopters: Vec<u32> = (0..s.vendors.len()).flat_map(|j| s.population.users_of(j)).collect();
        assert!(!adopters.is_empty());
        for &u in &adopters {
            s.frighten(u, 1e6);
        }
        let churned = s.reevaluate_all(1.0, 1.0);
        assert_eq!(
            churned.iter().sum::<usize>(),
            adopters.len(),
            "every terrified adopter leaves"
        );
        for &u in &adopters {
            assert_eq!(
                s.population.offering[u as usize], NO_OFFERING,
                "no offering is worth that risk"
            );
        }
        assert_eq!(s.population.adopting_neighbours, recount_adopting_neighbours(&s));
    }

    #[test]
    fn advocacy_drives_out_only_the_marginal() {
        let p = small(5_000);
        let mut calm = Simulation::new(&p);
        let mut loud = Simulation::new(&p);
        let excitement = calm.excitement(0);
        let quiet: usize = calm.reevaluate_all(excitement, 1.0).iter().sum();
        let churn: usize = loud.reevaluate_all(excitement, 3.0).iter().sum();
        let adopters: usize = (0..loud.vendors.len()).map(|j| calm.population.count(j)).sum();
        assert!(churn > quiet, "tripled perceived risk drives some adopters out");
        assert!(churn < adopters, "but not those who value the technology most");
    }
}
