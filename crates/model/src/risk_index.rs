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

/// Users per shard of the index (and of every per-user phase run on the thread pool): a
/// fixed number, never derived from the thread count, so the work is cut the same way on any
/// machine.
pub const SHARD_USERS: usize = 1 << 17;

/// The shard holding `user`.
#[inline]
pub fn shard_of(user: u32) -> usize {
    user as usize / SHARD_USERS
}

/// Buckets of adopters per offering, one [`IndexShard`] per [`SHARD_USERS`] users.
#[derive(Debug, Clone, Default)]
pub struct RiskIndex {
    shards: Vec<IndexShard>,
}

/// The buckets of the adopters of one shard of users.
#[derive(Debug, Clone, Default)]
pub struct IndexShard {
    /// First user of the shard.
    first: u32,
    buckets: Vec<Vec<Vec<u32>>>,
    /// Per offering, bit `b` is set when bucket `b` holds a user.
    occupied: Vec<[u64; WORDS]>,
    /// Per user of the shard (from `first`), its bucket and its position in the bucket's list.
    bucket: Vec<u16>,
    position: Vec<u32>,
}

impl RiskIndex {
    /// An empty index for `users` users and `offerings` offerings.
    pub fn new(users: usize, offerings: usize) -> Self {
        Self {
            shards: (0..users.div_ceil(SHARD_USERS))
                .map(|s| {
                    let first = s * SHARD_USERS;
                    IndexShard::new(first as u32, (users - first).min(SHARD_USERS), offerings)
                })
                .collect(),
        }
    }

    /// The shards, in user order, for work on the thread pool.
    pub fn shards_mut(&mut self) -> &mut [IndexShard] {
        &mut self.shards
    }

    /// Files `user` of offering `offering` under ratio `x`.
    pub fn insert(&mut self, offering: usize, user: u32, x: f32) {
        self.shards[shard_of(user)].insert(offering, user, x);
    }

    /// Prefetches what [`RiskIndex::remove`] of `user` will touch: its bucket and position, and,
    /// when `deep`, its slot in its bucket list (read from the possibly stale bucket and position).
    #[inline]
    pub fn prefetch(&self, offering: usize, user: u32, deep: bool) {
        if let Some(shard) = self.shards.get(shard_of(user)) {
            shard.prefetch(offering, user, deep);
        }
    }

    /// Removes `user` of offering `offering`.
    pub fn remove(&mut self, offering: usize, user: u32) {
        self.shards[shard_of(user)].remove(offering, user);
    }

    /// Takes out every user of `offering` filed at or above the bucket of `threshold` into `out`
    /// (cleared first): shard by shard, highest bucket first within a shard. The caller re-files
    /// those who stay.
    pub fn drain_at_or_above(&mut self, offering: usize, threshold: f32, out: &mut Vec<u32>) {
        out.clear();
        for shard in &mut self.shards {
            shard.drain_at_or_above(offering, threshold, out);
        }
    }

    /// Appends every user filed for `offering` to `out`: shard by shard, lowest bucket first
    /// within a shard.
    pub fn collect(&self, offering: usize, out: &mut Vec<u32>) {
        for shard in &self.shards {
            shard.collect(offering, out);
        }
    }

    /// The users of `offering` per coarse bin of [`BIN_WIDTH`] buckets, into `out` (resized to
    /// [`BINS`]). A vendor's view of how tolerant its users are (docs/model.md §7).
    pub fn histogram(&self, offering: usize, out: &mut Vec<f64>) {
        out.clear();
        out.resize(BINS, 0.0);
        for shard in &self.shards {
            for (bin, chunk) in out.iter_mut().zip(shard.buckets[offering].chunks(BIN_WIDTH)) {
                *bin += chunk.iter().map(Vec::len).sum::<usize>() as f64;
            }
        }
    }

    /// Number of users filed for `offering`.
    pub fn count(&self, offering: usize) -> usize {
        self.shards
            .iter()
            .map(|shard| shard.buckets[offering].iter().map(Vec::len).sum::<usize>())
            .sum()
    }
}

impl IndexShard {
    fn new(first: u32, users: usize, offerings: usize) -> Self {
        Self {
            first,
            buckets: vec![vec![Vec::new(); BUCKETS]; offerings],
            occupied: vec![[0; WORDS]; offerings],
            bucket: vec![0; users],
            position: vec![0; users],
        }
    }

    /// First user of the shard.
    pub fn first(&self) -> u32 {
        self.first
    }

    #[inline]
    fn local(&self, user: u32) -> usize {
        (user - self.first) as usize
    }

    /// Files `user` (of this shard) of offering `offering` under ratio `x`.
    pub fn insert(&mut self, offering: usize, user: u32, x: f32) {
        self.insert_at(offering, user, bucket_of(x));
    }

    fn insert_at(&mut self, offering: usize, user: u32, b: usize) {
        let u = self.local(user);
        let list = &mut self.buckets[offering][b];
        self.bucket[u] = b as u16;
        self.position[u] = list.len() as u32;
        list.push(user);
        self.occupied[offering][b / 64] |= 1 << (b % 64);
    }

    /// Files adopter `user` of `offering`, filed now, under ratio `x` instead: moves it only
    /// when its bucket changes (its place within a bucket carries no meaning).
    pub fn refile(&mut self, offering: usize, user: u32, x: f32) {
        let b = bucket_of(x);
        if usize::from(self.bucket[self.local(user)]) != b {
            self.remove(offering, user);
            self.insert_at(offering, user, b);
        }
    }

    /// See [`RiskIndex::prefetch`].
    #[inline]
    pub fn prefetch(&self, offering: usize, user: u32, deep: bool) {
        let Some(u) = user.checked_sub(self.first).map(|u| u as usize) else {
            return;
        };
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

    /// Removes `user` (of this shard) of offering `offering`.
    pub fn remove(&mut self, offering: usize, user: u32) {
        let u = self.local(user);
        let b = self.bucket[u] as usize;
        let p = self.position[u] as usize;
        let list = &mut self.buckets[offering][b];
        list.swap_remove(p);
        if let Some(&moved) = list.get(p) {
            self.position[(moved - self.first) as usize] = p as u32;
        }
        if list.is_empty() {
            self.occupied[offering][b / 64] &= !(1 << (b % 64));
        }
    }

    /// Appends the shard's users of `offering` filed at or above the bucket of `threshold` to
    /// `out`, highest bucket first, taking them out.
    pub fn drain_at_or_above(&mut self, offering: usize, threshold: f32, out: &mut Vec<u32>) {
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

    /// Appends the shard's users of `offering` to `out`, lowest bucket first.
    fn collect(&self, offering: usize, out: &mut Vec<u32>) {
        for (word, &bits) in self.occupied[offering].iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                out.extend_from_slice(&self.buckets[offering][word * 64 + bit]);
            }
        }
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
        // Users spread over three shards.
        let spread = 751;
        let mut index = RiskIndex::new(users * spread, 2);
        // Where each user is filed (offering), if anywhere, and the bucket it is under.
        let mut filed: Vec<Option<(usize, usize)>> = vec![None; users * spread];
        let mut out = Vec::new();
        for step in 0..20_000 {
            let user = rng.random_range(0..users) * spread;
            match filed[user] {
                Some((offering, _)) if rng.random_bool(0.5) => {
                    index.remove(offering, user as u32);
                    filed[user] = None;
                }
                Some((offering, _)) => {
                    let x = (rng.random_range(-14.0f32..14.0)).exp();
                    index.shards_mut()[shard_of(user as u32)].refile(offering, user as u32, x);
                    filed[user] = Some((offering, bucket_of(x)));
                }
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
                let expected: Vec<u32> = (0..(users * spread) as u32)
                    .filter(|&u| matches!(filed[u as usize], Some((o, _)) if o == offering))
                    .collect();
                assert_eq!(collected, expected, "collect lists every filed user once");
            }
            if step % 97 == 0 {
                let offering = rng.random_range(0..2);
                let threshold = (rng.random_range(-14.0f32..14.0)).exp();
                let low = bucket_of(threshold);
                index.drain_at_or_above(offering, threshold, &mut out);
                // Shard by shard, highest bucket first within a shard.
                let keys: Vec<(usize, std::cmp::Reverse<usize>)> = out
                    .iter()
                    .map(|&u| (shard_of(u), std::cmp::Reverse(filed[u as usize].unwrap().1)))
                    .collect();
                assert!(keys.windows(2).all(|w| w[0] <= w[1]), "shard by shard, highest first");
                let mut expected: Vec<u32> = (0..(users * spread) as u32)
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
