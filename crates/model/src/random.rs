//! Named, portable random streams derived from the master seed.
//!
//! Every mechanism draws from its own Xoshiro256++ stream, derived from `(seed, stream)` by
//! SplitMix64 mixing, so adding an intervention or changing one mechanism does not shift the
//! draws of the others (common random numbers across counterfactuals). Incidents and disclosures
//! go further: each (offering, day) has a stream of its own ([`keyed`]), so two arms of a
//! comparison draw the same attacks on an offering on a day whatever happened before, and differ
//! only where their attack rates differ.
//!
//! The draws about one user are keyed too ([`UserDraws`]): a counter-based draw is a hash of
//! `(seed, stream, day, user)`; traits, links and innovators come from per-(block of users, day)
//! streams over user numbers. No draw depends on how many were made before it, so a run's result does not depend
//! on the order in which users are visited (docs/model.md §11; ARCHITECTURE.md, invariant 2).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used everywhere in the model.
pub type Generator = Xoshiro256PlusPlus;

/// The purposes that get their own random stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Network = 1,
    Traits = 2,
    InitialAdoption = 3,
    Incidents = 4,
    /// Experimental designs (sensitivity trajectories), not the model.
    Design = 5,
    Adoption = 6,
    Disclosures = 7,
    Shocks = 8,
    Rechoice = 9,
    /// The random vendors' raises (a null model), keyed by (offering, day).
    RandomRaises = 10,
    /// The innovators of a day, keyed by (block of users, day).
    Innovation = 11,
}

/// SplitMix64 finaliser: a bijective mixer of 64-bit words.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key of `stream` in a run with master seed `seed`.
fn stream_key(seed: u64, stream: Stream) -> u64 {
    mix(seed) ^ (stream as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93)
}

/// The generator of `stream` for a run with master seed `seed`.
pub fn generator(seed: u64, stream: Stream) -> Generator {
    Generator::seed_from_u64(mix(stream_key(seed, stream)))
}

/// Users per block of the draws made user by user (traits, Watts–Strogatz links, innovators):
/// each block has a stream of its own ([`keyed`] with the block as key), so blocks can be drawn
/// in any order, or at once.
pub const USER_BLOCK: usize = 1 << 16;

/// Offering keys below this are offerings; keys from it on are other sources on an offering
/// (exploits of disclosed vulnerabilities use `MAX_STREAM_OFFERINGS + offering`).
pub const MAX_STREAM_OFFERINGS: usize = 1 << 16;

/// The generator of `stream` for one `(key, day)` of a run with master seed `seed`: the key is
/// an offering, or a block of [`USER_BLOCK`] users.
pub fn keyed(seed: u64, stream: Stream, key: usize, day: u32) -> Generator {
    let key = ((key as u64) << 32) | u64::from(day);
    let base = mix(stream_key(seed, stream));
    Generator::seed_from_u64(mix(base ^ mix(key)))
}

/// Counter-based draws about single users: the draw of `(day, user)` is a hash of the run's
/// seed, the stream, the day and the user, whatever was drawn before. Drawing the same key
/// twice gives the same number (a user rescheduled twice in a day redraws the same wait from
/// its new rate, which is still exact: nothing about the draw has been observed yet).
#[derive(Debug, Clone, Copy)]
pub struct UserDraws {
    base: u64,
}

impl UserDraws {
    /// The draws of `stream` in a run with master seed `seed`.
    pub fn new(seed: u64, stream: Stream) -> Self {
        Self {
            base: mix(stream_key(seed, stream)),
        }
    }

    /// A uniform draw in (0, 1] for `user` on `day` (53 random bits).
    #[inline]
    pub fn uniform(&self, day: u32, user: u32) -> f64 {
        let key = (u64::from(day) << 32) | u64::from(user);
        let bits = mix(self.base ^ mix(key)) >> 11;
        (bits + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: u64 = generator(7, Stream::Incidents).random();
        let b: u64 = generator(7, Stream::Incidents).random();
        let c: u64 = generator(7, Stream::Adoption).random();
        let d: u64 = generator(8, Stream::Incidents).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }

    #[test]
    fn keyed_streams_differ_by_offering_and_day() {
        let draw = |o, d| -> u64 { keyed(7, Stream::Incidents, o, d).random() };
        assert_eq!(draw(1, 10), draw(1, 10));
        assert_ne!(draw(1, 10), draw(0, 10));
        assert_ne!(draw(1, 10), draw(1, 11));
        assert_ne!(draw(0, 1), draw(1, 0));
        let other: u64 = keyed(7, Stream::Disclosures, 1, 10).random();
        assert_ne!(draw(1, 10), other);
    }

    #[test]
    fn user_draws_depend_only_on_their_key() {
        let draws = UserDraws::new(7, Stream::Adoption);
        let later = UserDraws::new(7, Stream::Adoption);
        assert_eq!(draws.uniform(3, 11), later.uniform(3, 11));
        assert_ne!(draws.uniform(3, 11), draws.uniform(3, 12));
        assert_ne!(draws.uniform(3, 11), draws.uniform(4, 11));
        assert_ne!(draws.uniform(3, 11), UserDraws::new(7, Stream::Rechoice).uniform(3, 11));
        assert_ne!(draws.uniform(3, 11), UserDraws::new(8, Stream::Adoption).uniform(3, 11));
    }

    /// Chi-square statistic of `values` in (0, 1] over `bins` equal bins.
    fn chi_square(values: &[f64], bins: usize) -> f64 {
        let mut counts = vec![0.0; bins];
        for &v in values {
            assert!(v > 0.0 && v <= 1.0, "{v}");
            counts[((v * bins as f64).ceil() as usize).clamp(1, bins) - 1] += 1.0;
        }
        let expected = values.len() as f64 / bins as f64;
        counts.iter().map(|c| (c - expected).powi(2) / expected).sum()
    }

    #[test]
    fn user_draws_are_uniform_and_uncorrelated_across_neighbouring_keys() {
        let draws = UserDraws::new(1, Stream::Adoption);
        // Consecutive users on one day, and one user over consecutive days: the structured
        // keys a run uses. 100 bins: the chi-square statistic has 99 degrees of freedom, and
        // its 99.99th percentile is about 157.
        let by_user: Vec<f64> = (0..200_000).map(|u| draws.uniform(17, u)).collect();
        let by_day: Vec<f64> = (0..200_000).map(|d| draws.uniform(d, 17)).collect();
        for values in [&by_user, &by_day] {
            let statistic = chi_square(values, 100);
            assert!(statistic < 157.0, "chi-square {statistic}");
            // Lag-one correlation: standard error 1/sqrt(n) = 0.0022.
            let n = values.len() as f64;
            let mean = values.iter().sum::<f64>() / n;
            let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
            let lagged = values.windows(2).map(|w| (w[0] - mean) * (w[1] - mean)).sum::<f64>() / (n - 1.0);
            assert!(
                (lagged / variance).abs() < 0.01,
                "lag-one correlation {}",
                lagged / variance
            );
        }
        // Pairs (user, user + 1) fill the unit square evenly: 10 x 10 cells.
        let pairs: Vec<f64> = by_user
            .windows(2)
            .map(|w| {
                ((w[0] * 10.0).ceil().clamp(1.0, 10.0) - 1.0
                    + 10.0 * ((w[1] * 10.0).ceil().clamp(1.0, 10.0) - 1.0)
                    + 0.5)
                    / 100.0
            })
            .collect();
        let statistic = chi_square(&pairs, 100);
        assert!(statistic < 157.0, "pairs chi-square {statistic}");
    }
}
