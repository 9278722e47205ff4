//! Seeds of runs: each run's seed is a pure function of the master seed and the run's index, so
//! a run's random streams never depend on which thread, shard or machine computes it.

use esplab_model::random::mix;

/// The seed of run `index` of an experiment with master seed `master`.
pub fn run_seed(master: u64, index: u64) -> u64 {
    mix(mix(master) ^ mix(index.wrapping_add(0xA076_1D64_78BD_642F)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_distinct_and_stable() {
        let seeds: Vec<u64> = (0..1000).map(|i| run_seed(1, i)).collect();
        let mut sorted = seeds.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 1000);
        assert_eq!(run_seed(1, 5), seeds[5]);
        assert_ne!(run_seed(2, 5), seeds[5]);
    }
}
