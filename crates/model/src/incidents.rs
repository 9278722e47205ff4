//! Attack pressure and incident sizes.
//!
//! Offering `j` suffers incidents as a Poisson process of daily rate
//! `rate (share_j P / P_ref)^adoption_elasticity (1 − s_j)^security_elasticity`, where `share_j`
//! is its share of the simulated users, `P` the real population they stand for and `P_ref` the
//! population at which `rate` holds ([`reach`]). Sizes are log-normal in records:
//! `log10(records) ~ Normal(mean, sd)`.

use crate::parameters::AttackParameters;
use crate::random::Generator;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// The real population `population` as a multiple of the attack law's reference population: an
/// offering's share of the users times it is the `share` of [`daily_rate`] and
/// [`disclosure_rate`].
pub fn reach(parameters: &AttackParameters, population: f64) -> f64 {
    population / parameters.reference_population.max(f64::MIN_POSITIVE)
}

/// Expected incidents per day on an offering used by `share` of the reference population, at
/// security `s`.
pub fn daily_rate(parameters: &AttackParameters, share: f64, security: f64) -> f64 {
    parameters.rate * exposure(parameters, share, security)
}

/// `share^adoption_elasticity (1 − s)^security_elasticity`: the attack law without its rate.
fn exposure(parameters: &AttackParameters, share: f64, security: f64) -> f64 {
    if share <= 0.0 {
        return 0.0;
    }
    share.powf(parameters.adoption_elasticity) * (1.0 - security).powf(parameters.security_elasticity)
}

/// Expected vulnerabilities disclosed per day on an offering used by `share` of the reference
/// population, at security `s`: the attack law with `disclosure_rate` in place of `rate`.
pub fn disclosure_rate(parameters: &AttackParameters, share: f64, security: f64) -> f64 {
    parameters.disclosure_rate * exposure(parameters, share, security)
}

/// Rates up to which counts are drawn by inversion (one uniform draw, so that nearby rates give
/// the same count from the same draw); above it the count comes from `rand_distr`'s sampler.
const INVERSION_LIMIT: f64 = 30.0;

/// Draws the number of incidents of a day at `rate` (Poisson). Below `INVERSION_LIMIT` (30) the
/// count is the inverse of the Poisson distribution function at one uniform draw: the count is
/// monotone in the rate for a given draw, which keeps two arms of a comparison in step.
pub fn draw_count(rate: f64, rng: &mut Generator) -> u64 {
    if rate <= 0.0 || !rate.is_finite() {
        return 0;
    }
    if rate > INVERSION_LIMIT {
        return rand_distr::Poisson::new(rate).map(|d| d.sample(rng)).unwrap_or(0.0) as u64;
    }
    let u: f64 = rng.random();
    let mut k = 0u64;
    let mut term = (-rate).exp();
    let mut cumulative = term;
    while u >= cumulative && term > 0.0 {
        k += 1;
        term *= rate / k as f64;
        cumulative += term;
    }
    k
}

/// Draws the size of an incident in records.
pub fn draw_size(parameters: &AttackParameters, rng: &mut Generator) -> f64 {
    let z: f64 = StandardNormal.sample(rng);
    10f64.powf(parameters.size_log10_mean + parameters.size_log10_sd * z)
}

/// Simulated users harmed by an incident of `records`, with `scale = users / population`,
/// stochastically rounded and capped at `available`.
pub fn harmed_users(records: f64, scale: f64, available: usize, rng: &mut Generator) -> usize {
    let expected = records * scale;
    if expected >= available as f64 {
        return available;
    }
    let whole = expected.floor();
    let extra = usize::from(rng.random::<f64>() < expected - whole);
    (whole as usize + extra).min(available)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{generator, Stream};

    fn parameters() -> AttackParameters {
        AttackParameters {
            rate: 2.0,
            reference_population: 1e6,
            adoption_elasticity: 1.0,
            security_elasticity: 2.0,
            size_log10_mean: 3.5,
            size_log10_sd: 1.2,
            loss_per_record: 165.0,
            disclosure_rate: 0.5,
            exploit_days: 30,
            patch_half_life_days: 0.0,
            never_patched: 0.0,
        }
    }

    #[test]
    fn counts_have_the_poisson_mean_and_are_monotone_in_the_rate() {
        for rate in [0.05, 1.0, 7.0, 100.0] {
            let mut rng = generator(3, Stream::Incidents);
            let n = 20_000;
            let mean = (0..n).map(|_| draw_count(rate, &mut rng) as f64).sum::<f64>() / n as f64;
            // Five standard errors of the mean.
            assert!((mean - rate).abs() < 5.0 * (rate / n as f64).sqrt(), "{rate}: {mean}");
        }
        for seed in 0..200 {
            let low = draw_count(0.4, &mut generator(seed, Stream::Incidents));
            let high = draw_count(0.5, &mut generator(seed, Stream::Incidents));
            assert!(
                low <= high,
                "the same draw never gives fewer incidents at a higher rate"
            );
        }
        assert_eq!(draw_count(0.0, &mut generator(1, Stream::Incidents)), 0);
        assert_eq!(draw_count(f64::NAN, &mut generator(1, Stream::Incidents)), 0);
    }

    #[test]
    fn attackers_go_where_users_are_and_security_deters() {
        let p = parameters();
        assert_eq!(daily_rate(&p, 0.0, 0.0), 0.0);
        assert!((daily_rate(&p, 0.5, 0.0) - 1.0).abs() < 1e-12);
        assert!((daily_rate(&p, 0.5, 0.5) - 0.25).abs() < 1e-12);
        assert!((disclosure_rate(&p, 0.5, 0.5) - 0.0625).abs() < 1e-12);
    }

    #[test]
    fn sizes_are_log_normal_with_the_given_moments() {
        let p = parameters();
        let mut rng = generator(11, Stream::Incidents);
        let logs: Vec<f64> = (0..40_000).map(|_| draw_size(&p, &mut rng).log10()).collect();
        let mean = logs.iter().sum::<f64>() / logs.len() as f64;
        let sd = (logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / logs.len() as f64).sqrt();
        assert!((mean - 3.5).abs() < 0.03, "mean {mean}");
        assert!((sd - 1.2).abs() < 0.03, "sd {sd}");
    }

    #[test]
    fn harm_scales_with_population_and_is_capped() {
        let mut rng = generator(2, Stream::Shocks);
        let n = 20_000;
        let total: usize = (0..n).map(|_| harmed_users(250.0, 0.01, 100, &mut rng)).sum();
        let mean = total as f64 / n as f64;
        assert!((mean - 2.5).abs() < 0.03, "mean {mean}");
        assert_eq!(harmed_users(1e9, 0.01, 100, &mut rng), 100);
    }
}
