//! Excitement, capability and the terms of a user's choice.
//!
//! A user with risk-to-value ratio `x` gets net utility `v (A_j − x B_j)` from offering `j`, with
//! `A_j = c_j(t) E(t) (1 − tax s_j)` (value, taxed by security) and
//! `B_j = (1 − s_j)(r0 + F(t))(1 + advocacy)` (perceived risk). The user adopts the offering of
//! highest utility if it is positive, and an adopter leaves when `x > T_j = A_j / B_j`.
//!
//! With taste (`users.taste_spread > 0`) user `i` also values offering `j` by its own factor
//! `e_ij`: utility `v (A_j e_ij − x B_j)`, and it leaves `j` when `x / e_ij > T_j`. Tastes make
//! competitors imperfect substitutes, so a market can share out instead of tipping to one.

use crate::parameters::ExcitementParameters;
use crate::random::mix;

/// Excitement on a day: base, plus the Gaussian hype bump, plus adoption momentum
/// (`growth` is the annualised rise of the adoption share over the momentum window).
pub fn excitement(parameters: &ExcitementParameters, day: u32, growth: f64) -> f64 {
    let z = (day as f64 - parameters.hype_peak_day) / parameters.hype_width_days;
    parameters.base + parameters.hype_peak * (-0.5 * z * z).exp() + parameters.momentum * growth.max(0.0)
}

/// Capability of an offering on `day`: `capability (1 + growth)^(day / 365)`.
pub fn capability(initial: f64, growth: f64, day: u32) -> f64 {
    initial * (1.0 + growth).powf(day as f64 / 365.0)
}

/// The value and risk terms of one offering on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Terms {
    /// Value term `A_j`.
    pub value: f64,
    /// Risk term `B_j`.
    pub risk: f64,
    /// Security `s_j` behind them (what procurement rules look at).
    pub security: f64,
}

impl Terms {
    /// The terms for security `s`, capability `c`, excitement `e`, effective tax, public fear
    /// plus awareness `r`, and advocacy multiplier `m`.
    pub fn new(s: f64, c: f64, e: f64, tax: f64, r: f64, m: f64) -> Self {
        Self {
            value: c * e * (1.0 - tax * s),
            risk: (1.0 - s) * r * m,
            security: s,
        }
    }

    /// The largest tolerable ratio `T_j = A_j / B_j` (infinite when nothing is feared).
    pub fn tolerable_ratio(&self) -> f32 {
        if self.risk > 0.0 {
            (self.value / self.risk) as f32
        } else {
            f32::INFINITY
        }
    }

    /// Net utility per unit of value for a user of ratio `x`.
    pub fn utility(&self, x: f32) -> f64 {
        self.value - x as f64 * self.risk
    }

    /// Net utility per unit of value for a user of ratio `x` and taste `taste` for the offering.
    pub fn utility_tasted(&self, x: f32, taste: f64) -> f64 {
        self.value * taste - x as f64 * self.risk
    }
}

/// Procurement rules in force: a `share` of users, the enterprise buyers, use only offerings of
/// security `minimum` or more. Who is a buyer is fixed by a hash of the user, so a larger share
/// keeps every buyer of a smaller one.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Procurement {
    /// Share of users bound by the rules, in [0, 1].
    pub share: f64,
    /// Least security they accept.
    pub minimum: f64,
}

impl Procurement {
    /// Whether any user is bound.
    pub fn active(&self) -> bool {
        self.share > 0.0
    }

    /// Whether `user` is bound by the rules in a run of `seed`.
    pub fn binds(&self, seed: u64, user: u32) -> bool {
        self.active() && {
            let h = mix(mix(seed ^ 0xB0E5_0C1A_5E00_0002) ^ u64::from(user));
            ((h >> 11) as f64) / ((1u64 << 53) as f64) < self.share
        }
    }

    /// Whether a buyer may use an offering of security `s`.
    pub fn admits(&self, s: f64) -> bool {
        s >= self.minimum
    }

    /// Rules combined with `other`: the larger share and the higher minimum.
    pub fn joined(self, other: Procurement) -> Procurement {
        Procurement {
            share: self.share.max(other.share),
            minimum: self.minimum.max(other.minimum),
        }
    }
}

/// User `user`'s taste for `offering`: `exp(spread z)`, `z` a standard normal drawn from a hash
/// of `(seed, user, offering)`, so it is fixed for the run whatever else is drawn. Exactly 1
/// when `spread` is 0.
pub fn taste(seed: u64, user: u32, offering: usize, spread: f64) -> f64 {
    if spread == 0.0 {
        return 1.0;
    }
    let h = mix(mix(seed ^ 0x7A57_E5EE_D000_0001) ^ ((u64::from(user) << 8) | offering as u64));
    let u1 = ((h >> 32) as f64 + 0.5) / 4_294_967_296.0;
    let u2 = (h & 0xFFFF_FFFF) as f64 / 4_294_967_296.0;
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    (spread * z).exp()
}

/// Users in a vendor's sample of tastes ([`taste_sample`]).
pub const TASTE_SAMPLE: usize = 64;

/// A vendor's picture of how users' tastes spread: [`TASTE_SAMPLE`] rows of one taste per
/// offering, user-major, drawn as [`taste`] draws them for sampled users of a fixed seed, in
/// antithetic pairs (a row's tastes, then their inverses) so that the sample's log-tastes have
/// mean zero. A single row of ones when `spread` is 0 (no tastes).
pub fn taste_sample(spread: f64, offerings: usize) -> Vec<f64> {
    if spread == 0.0 {
        return vec![1.0; offerings];
    }
    let mut sample = Vec::with_capacity(TASTE_SAMPLE * offerings);
    for user in 0..TASTE_SAMPLE as u32 / 2 {
        let row: Vec<f64> = (0..offerings)
            .map(|j| taste(0x7A57_E5A3_91E0_0003, user, j, spread))
            .collect();
        sample.extend(&row);
        sample.extend(row.iter().map(|t| 1.0 / t));
    }
    sample
}

/// The offering of highest positive utility for ratio `x`, skipping `except`.
pub fn best_offering(terms: &[Terms], x: f32, except: Option<usize>) -> Option<usize> {
    best_offering_tasted(terms, x, except, |_| 1.0)
}

/// The offering of highest positive utility `A_j taste(j) − x B_j`, skipping `except`.
pub fn best_offering_tasted(
    terms: &[Terms],
    x: f32,
    except: Option<usize>,
    taste: impl Fn(usize) -> f64,
) -> Option<usize> {
    let mut best = None;
    let mut best_utility = 0.0;
    for (j, t) in terms.iter().enumerate() {
        if Some(j) == except {
            continue;
        }
        let u = t.utility_tasted(x, taste(j));
        if u > best_utility {
            best_utility = u;
            best = Some(j);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hype_peaks_on_its_day() {
        let p = ExcitementParameters {
            base: 1.0,
            hype_peak: 2.0,
            hype_peak_day: 100.0,
            hype_width_days: 50.0,
            momentum: 0.5,
            momentum_window_days: 30,
        };
        assert!((excitement(&p, 100, 0.0) - 3.0).abs() < 1e-12);
        assert!(excitement(&p, 50, 0.0) < 3.0);
        assert!((excitement(&p, 100, 1.0) - 3.5).abs() < 1e-12);
        assert!((excitement(&p, 100, -1.0) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn tastes_are_fixed_lognormal_and_off_at_zero_spread() {
        assert_eq!(taste(1, 5, 2, 0.0), 1.0);
        assert_eq!(taste(1, 5, 2, 0.3), taste(1, 5, 2, 0.3));
        assert_ne!(taste(1, 5, 2, 0.3), taste(1, 5, 1, 0.3));
        let logs: Vec<f64> = (0..20_000).map(|u| taste(9, u, 0, 0.5).ln()).collect();
        let mean = logs.iter().sum::<f64>() / logs.len() as f64;
        let sd = (logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / logs.len() as f64).sqrt();
        assert!(mean.abs() < 0.02 && (sd - 0.5).abs() < 0.02, "{mean} {sd}");
        // With tastes, equal offerings share the users.
        let same = [Terms::new(0.2, 1.0, 1.0, 0.5, 1.0, 1.0); 2];
        let first = (0..1000)
            .filter(|&u| best_offering_tasted(&same, 0.1, None, |j| taste(3, u, j, 0.3)) == Some(0))
            .count();
        assert!((400..600).contains(&first), "{first}");
    }

    #[test]
    fn a_taste_sample_is_ones_without_tastes_and_centred_with_them() {
        assert_eq!(taste_sample(0.0, 3), vec![1.0; 3]);
        let sample = taste_sample(0.3, 3);
        assert_eq!(sample.len(), TASTE_SAMPLE * 3);
        for j in 0..3 {
            let logs: Vec<f64> = sample.iter().skip(j).step_by(3).map(|t| t.ln()).collect();
            let mean = logs.iter().sum::<f64>() / logs.len() as f64;
            let sd = (logs.iter().map(|l| l * l).sum::<f64>() / logs.len() as f64).sqrt();
            assert!(mean.abs() < 1e-12, "antithetic pairs centre the log-tastes: {mean}");
            assert!((0.2..0.4).contains(&sd), "spread 0.3: {sd}");
        }
    }

    #[test]
    fn procurement_binds_a_stable_share_of_users() {
        let rules = Procurement {
            share: 0.3,
            minimum: 0.5,
        };
        let bound = (0..20_000u32).filter(|&u| rules.binds(4, u)).count();
        assert!((5_600..6_400).contains(&bound), "{bound}");
        let wider = rules.joined(Procurement {
            share: 0.6,
            minimum: 0.2,
        });
        assert_eq!((wider.share, wider.minimum), (0.6, 0.5));
        assert!((0..5_000u32).all(|u| !rules.binds(4, u) || wider.binds(4, u)));
        assert!(!Procurement::default().binds(4, 1));
        assert!(rules.admits(0.5) && !rules.admits(0.49));
    }

    #[test]
    fn capability_compounds_yearly() {
        assert!((capability(2.0, 0.5, 365) - 3.0).abs() < 1e-12);
        assert!((capability(2.0, 0.5, 730) - 4.5).abs() < 1e-12);
    }

    #[test]
    fn users_prefer_the_less_secure_offering_unless_afraid() {
        // ESP (1): security taxes value, so a user with little fear picks the less secure one.
        let lax = Terms::new(0.1, 1.0, 1.0, 0.5, 1.0, 1.0);
        let strict = Terms::new(0.6, 1.0, 1.0, 0.5, 1.0, 1.0);
        let terms = [lax, strict];
        assert_eq!(best_offering(&terms, 0.01, None), Some(0));
        // A fearful user prefers security...
        assert_eq!(best_offering(&terms, 0.9, None), Some(1));
        // ...and someone who fears too much uses neither.
        assert_eq!(best_offering(&terms, 5.0, None), None);
        assert_eq!(best_offering(&terms, 0.01, Some(0)), Some(1));
        assert!(strict.tolerable_ratio() > lax.tolerable_ratio());
    }
}
