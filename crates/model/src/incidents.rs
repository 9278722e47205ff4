//! Attack pressure and incident sizes.
//!
//! Offering `j` suffers incidents as a Poisson process of daily rate
//! `rate share_j^adoption_elasticity (1 − s_j)^security_elasticity`, where `share_j` is its share
//! of the population. Sizes are log-normal in records: `log10(records) ~ Normal(mean, sd)`.

use crate::parameters::AttackParameters;
use crate::random::Generator;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// Expected incidents per day on an offering with population share `share` and security `s`.
pub fn daily_rate(parameters: &AttackParameters, share: f64, security: f64) -> f64 {
    if share <= 0.0 {
        return 0.0;
    }
    parameters.rate * share.powf(parameters.adoption_elasticity) * (1.0 - security).powf(parameters.security_elasticity)
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
            adoption_elasticity: 1.0,
            security_elasticity: 2.0,
            size_log10_mean: 3.5,
            size_log10_sd: 1.2,
            loss_per_record: 165.0,
        }
    }

    #[test]
    fn attackers_go_where_users_are_and_security_deters() {
        let p = parameters();
        assert_eq!(daily_rate(&p, 0.0, 0.0), 0.0);
        assert!((daily_rate(&p, 0.5, 0.0) - 1.0).abs() < 1e-12);
        assert!((daily_rate(&p, 0.5, 0.5) - 0.25).abs() < 1e-12);
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
        let mut rng = generator(2, Stream::Harm);
        let n = 20_000;
        let total: usize = (0..n).map(|_| harmed_users(250.0, 0.01, 100, &mut rng)).sum();
        let mean = total as f64 / n as f64;
        assert!((mean - 2.5).abs() < 0.03, "mean {mean}");
        assert_eq!(harmed_users(1e9, 0.01, 100, &mut rng), 100);
    }
}
