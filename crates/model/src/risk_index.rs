//! Adopters of each offering bucketed by an upper bound of their risk-to-value ratio.
//!
//! An adopter leaves when `x_i = ratio_i (1 + rho_i) / (1 + reliance_i)` exceeds the offering's
//! tolerable ratio `T_j`. Between its own events a user's `x_i` only falls (fear decays, reliance
//! grows), so the `x_i` stored at the last event is an upper bound. Each day only the buckets at
//! or above `T_j` are visited; a visited user is re-evaluated exactly and re-filed. Most users are
//! never touched on most days. A bitmap of the non-empty buckets lets a visit skip the empty
//! ones, so its cost follows the users due, not the number of buckets.

use crate::prefetch::prefetch_at;

/// Lowest and highest `ln x` with a bucket of its own; values outside share the end buckets.
const LN_LOW: f32 = -12.0;
const LN_HIGH: f32 = 12.0;
/// Buckets per offering.
pub const BUCKETS: usize = 3072;
const SCALE: f32 = BUCKETS as f32 / (LN_HIGH - LN_LOW);
/// Words of an offering's bitmap of non-empty buckets.
const WORDS: usize = BUCKETS / 64;
const _: () = assert!(BUCKETS % 64 == 0, "the bitmap needs whole words");

/// Buckets per coarse bin of [`RiskIndex::histogram`].
pub const BIN_WIDTH: usize = 16;
/// Coarse bins of [`RiskIndex::histogram`].
pub const BINS: usize = BUCKETS / BIN_WIDTH;

/// The ratio a coarse bin stands for: its upper edge (users are filed under upper bounds of
/// their ratio, so the bin's users have at most this ratio).
pub fn bin_ratio(bin: usize) -> f32 {
    (LN_LOW + ((bin + 1) * BIN_WIDTH) as f32 / SCALE).exp()
}

/// The bucket of ratio `x`.
pub fn bucket_of(x: f32) -> usize {
    let b = ((x.max(1e-30).ln() - LN_LOW) * SCALE).floor();
    if b.is_nan() || b < 0.0 {
        0
    } else {
        (b as usize).min(BUCKETS - 1)
    }
}

/// Buckets of adopters per offering.
#[derive(Debug, Clone, Default)]
pub struct RiskIndex {
    buckets: Vec<Vec<Vec<u32>>>,
    /// Per offering, bit `b` is set when bucket `b` holds a user.
    occupied: Vec<[u64; WORDS]>,
    bucket: Vec<u16>,
    position: Vec<u32>,
}

impl RiskIndex {
    /// An empty index for `users` users and `offerings` offerings.
    pub fn new(users: usize, offerings: usize) -> Self {
        Self {
            buckets: vec![vec![Vec::new(); BUCKETS]; offerings],
            occupied: vec![[0; WORDS]; offerings],
            bucket: vec![0; users],
            position: vec![0; users],
        }
    }

    /// Files `user` of offering `offering` under ratio `x`.
    pub fn insert(&mut self, offering: usize, user: u32, x: f32) {
        let b = bucket_of(x);
        let list = &mut self.buckets[offering][b];
        self.bucket[user as usize] = b as u16;
        self.position[user as usize] = list.len() as u32;
        list.push(user);
        self.occupied[offering][b / 64] |= 1 << (b % 64);
    }

    /// Prefetches what [`RiskIndex::remove`] of `user` will touch: its bucket and position, and,
    /// when `deep`, its slot in its bucket list (read from the possibly stale bucket and position).
    #[inline]
    pub fn prefetch(&self, offering: usize, user: u32, deep: bool) {
        let u = user as usize;
        if !deep {
            prefetch_at(&self.bucket, u);
            prefetch_at(&self.position, u);
            return;
        }
        let list = self
            .bucket
            .get(u)
            .and_then(|&b| self.buckets.get(offering)?.get(b as usize));
        if let (Some(list), Some(&p)) = (list, self.position.get(u)) {
            prefetch_at(list, p as usize);
        }
    }

    /// Removes `user` of offering `offering`.
    pub fn remove(&mut self, offering: usize, user: u32) {
        let b = self.bucket[user as usize] as usize;
        let p = self.position[user as usize] as usize;
        let list = &mut self.buckets[offering][b];
        list.swap_remove(p);
        if let Some(&moved) = list.get(p) {
            self.position[moved as usize] = p as u32;
        }
        if list.is_empty() {
            self.occupied[offering][b / 64] &= !(1 << (b % 64));
        }
    }

    /// Takes out every user of `offering` filed at or above the bucket of `threshold`, highest
    /// first, into `out` (cleared first). The caller re-files those who stay.
    pub fn drain_at_or_above(&mut self, offering: usize, threshold: f32, out: &mut Vec<u32>) {
        out.clear();
        let low = bucket_of(threshold);
        let occupied = &mut self.occupied[offering];
        for word in (low / 64..WORDS).rev() {
            // The word's buckets at or above `low`.
            let mask = if word == low / 64 {
                u64::MAX << (low % 64)
            } else {
                u64::MAX
            };
            let mut bits = occupied[word] & mask;
            occupied[word] &= !mask;
            while bits != 0 {
                let bit = 63 - bits.leading_zeros() as usize;
                bits &= !(1 << bit);
                out.append(&mut self.buckets[offering][word * 64 + bit]);
            }
        }
    }

    /// Appends every user filed for `offering` to `out`, lowest bucket first.
    pub fn collect(&self, offering: usize, out: &mut Vec<u32>) {
        for (word, &bits) in self.occupied[offering].iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                out.extend_from_slice(&self.buckets[offering][word * 64 + bit]);
            }
        }
    }

    /// The users of `offering` per coarse bin of [`BIN_WIDTH`] buckets, into `out` (resized to
    /// [`BINS`]). A vendor's view of how tolerant its users are (docs/model.md §7).
    pub fn histogram(&self, offering: usize, out: &mut Vec<f64>) {
        out.clear();
        out.extend(
            self.buckets[offering]
                .chunks(BIN_WIDTH)
                .map(|chunk| chunk.iter().map(Vec::len).sum::<usize>() as f64),
        );
    }

    /// Number of users filed for `offering`.
    pub fn count(&self, offering: usize) -> usize {
        self.buckets[offering].iter().map(Vec::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_monotone_and_clamped() {
        assert_eq!(bucket_of(0.0), 0);
        assert_eq!(bucket_of(f32::NAN), 0);
        assert_eq!(bucket_of(f32::INFINITY), BUCKETS - 1);
        let mut last = 0;
        for k in -200..200 {
            let b = bucket_of((k as f32 * 0.1).exp());
            assert!(b >= last);
            last = b;
        }
    }

    #[test]
    fn drain_and_collect_match_a_scan_of_every_bucket_after_random_edits() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let users = 400;
        let mut index = RiskIndex::new(users, 2);
        // Where each user is filed (offering), if anywhere, and the bucket it is under.
        let mut filed: Vec<Option<(usize, usize)>> = vec![None; users];
        let mut out = Vec::new();
        for step in 0..20_000 {
            let user = rng.random_range(0..users);
            match filed[user] {
                Some((offering, _)) if rng.random_bool(0.5) => {
                    index.remove(offering, user as u32);
                    filed[user] = None;
                }
                Some(_) => {}
                None => {
                    let offering = rng.random_range(0..2);
                    let x = (rng.random_range(-14.0f32..14.0)).exp();
                    index.insert(offering, user as u32, x);
                    filed[user] = Some((offering, bucket_of(x)));
                }
            }
            if step % 89 == 0 {
                let offering = rng.random_range(0..2);
                let mut collected = Vec::new();
                index.collect(offering, &mut collected);
                collected.sort_unstable();
                let expected: Vec<u32> = (0..users as u32)
                    .filter(|&u| matches!(filed[u as usize], Some((o, _)) if o == offering))
                    .collect();
                assert_eq!(collected, expected, "collect lists every filed user once");
            }
            if step % 97 == 0 {
                let offering = rng.random_range(0..2);
                let threshold = (rng.random_range(-14.0f32..14.0)).exp();
                let low = bucket_of(threshold);
                index.drain_at_or_above(offering, threshold, &mut out);
                // Highest bucket first; within a bucket the order is the list's.
                let buckets: Vec<usize> = out.iter().map(|&u| filed[u as usize].unwrap().1).collect();
                assert!(buckets.windows(2).all(|w| w[0] >= w[1]), "highest first");
                let mut expected: Vec<u32> = (0..users as u32)
                    .filter(|&u| matches!(filed[u as usize], Some((o, b)) if o == offering && b >= low))
                    .collect();
                let mut got = out.clone();
                got.sort_unstable();
                expected.sort_unstable();
                assert_eq!(got, expected, "step {step}");
                for &u in &out {
                    filed[u as usize] = None;
                }
                let left = filed
                    .iter()
                    .filter(|f| matches!(f, Some((o, _)) if *o == offering))
                    .count();
                assert_eq!(index.count(offering), left);
            }
        }
    }

    #[test]
    fn drain_returns_exactly_the_users_at_or_above_the_threshold_bucket() {
        let mut index = RiskIndex::new(5, 1);
        for (user, x) in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 1.0)] {
            index.insert(0, user, x);
        }
        index.remove(0, 4);
        let mut out = Vec::new();
        index.drain_at_or_above(0, 1.5, &mut out);
        assert_eq!(out, vec![3, 2]);
        assert_eq!(index.count(0), 2);
        index.insert(0, 2, 2.0);
        index.remove(0, 2);
        index.remove(0, 0);
        assert_eq!(index.count(0), 1);
        let mut histogram = Vec::new();
        index.histogram(0, &mut histogram);
        assert_eq!(histogram.len(), BINS);
        assert_eq!(histogram.iter().sum::<f64>(), 1.0);
        let bin = histogram.iter().position(|&c| c > 0.0).unwrap();
        // User 1, filed under 1.0, is left.
        assert!(bin_ratio(bin) >= 1.0 && bin_ratio(bin) < 1.2, "{}", bin_ratio(bin));
    }
}
