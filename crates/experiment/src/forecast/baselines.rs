//! The naive rivals of a forecast, each fitted to the same observed points as the model and
//! giving a predictive sample of the share on a later day:
//!
//! - **persistence**: the last observed value, spread as a random walk in logit whose variance
//!   per day is estimated from the observed steps (a single point gives no spread);
//! - **trend**: a straight line in logit fitted by least squares, with its prediction interval
//!   (normal in logit, residual variance and the line's own uncertainty); needs three points on
//!   distinct days;
//! - **random timing**: persistence between jumps, and jumps that come at the fitted rate at
//!   random times (a Poisson process): the rate is (jumps seen + 1/2) / days observed, a jump
//!   the mean rise of the jumps seen (the threshold if none was seen). A jump between two
//!   observations is a rise of more than the threshold between points at most a month apart.

use super::{inverse_logit, logit, Point};
use rand::Rng;
use rand_distr::{Distribution, Normal, Poisson};

/// A naive method, in the order the tables list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    Persistence,
    Trend,
    RandomTiming,
}

impl Baseline {
    pub const ALL: [Baseline; 3] = [Self::Persistence, Self::Trend, Self::RandomTiming];

    /// Its name in tables.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Persistence => "persistence",
            Self::Trend => "logit trend",
            Self::RandomTiming => "random timing",
        }
    }
}

/// Days apart two observations may be for a rise between them to count as a jump.
const JUMP_SPACING_DAYS: f64 = 31.0;

/// A baseline fitted to observed points.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub baseline: Baseline,
    /// The day predictions start from (the last observation's).
    pub from_day: f64,
    /// Logit of the level predictions start from; for the trend, its intercept at `from_day`.
    pub level: f64,
    /// Logit change per day (the trend's slope; 0 for the others).
    pub slope: f64,
    /// Variance of the logit per day of horizon (random walk) or the residual variance (trend).
    pub variance: f64,
    /// Jumps per day and the rise of one (random timing).
    pub jump_rate: f64,
    pub jump_size: f64,
    /// The trend's points: their count, mean day and sum of squared deviations of the days.
    trend_points: (f64, f64, f64),
}

/// Points sorted by day, the later of two on one day kept last (file order).
fn ordered(points: &[Point]) -> Vec<Point> {
    let mut p = points.to_vec();
    p.sort_by(|a, b| a.day.total_cmp(&b.day));
    p
}

/// Random-walk variance per day from consecutive points on distinct days, leaving out steps
/// `skip` says are jumps.
fn walk_variance(points: &[Point], skip: impl Fn(&Point, &Point) -> bool) -> f64 {
    let steps: Vec<f64> = points
        .windows(2)
        .filter(|w| w[1].day > w[0].day && !skip(&w[0], &w[1]))
        .map(|w| (logit(w[1].share) - logit(w[0].share)).powi(2) / (w[1].day - w[0].day))
        .collect();
    if steps.is_empty() {
        0.0
    } else {
        steps.iter().sum::<f64>() / steps.len() as f64
    }
}

/// Why a baseline cannot be fitted to the points.
pub fn unfit_reason(baseline: Baseline, points: &[Point]) -> Option<&'static str> {
    let mut days: Vec<f64> = points.iter().map(|p| p.day).collect();
    days.sort_by(f64::total_cmp);
    days.dedup();
    match baseline {
        _ if points.is_empty() => Some("no observed point"),
        Baseline::Trend if days.len() < 3 => Some("a line in logit needs points on three distinct days"),
        _ => None,
    }
}

/// Fits `baseline` to `points` (see [`unfit_reason`] for when it cannot be), with jumps larger
/// than `jump` (a rise of the share).
pub fn fit(baseline: Baseline, points: &[Point], jump: f64) -> Option<Fitted> {
    if unfit_reason(baseline, points).is_some() {
        return None;
    }
    let p = ordered(points);
    let last = *p.last()?;
    let mut fitted = Fitted {
        baseline,
        from_day: last.day,
        level: logit(last.share),
        slope: 0.0,
        variance: 0.0,
        jump_rate: 0.0,
        jump_size: 0.0,
        trend_points: (0.0, 0.0, 0.0),
    };
    let is_jump = |a: &Point, b: &Point| b.day - a.day <= JUMP_SPACING_DAYS && b.share - a.share > jump;
    match baseline {
        Baseline::Persistence => fitted.variance = walk_variance(&p, |_, _| false),
        Baseline::RandomTiming => {
            let rises: Vec<f64> = p
                .windows(2)
                .filter(|w| w[1].day > w[0].day && is_jump(&w[0], &w[1]))
                .map(|w| w[1].share - w[0].share)
                .collect();
            let span = last.day - p[0].day;
            fitted.jump_rate = if span > 0.0 {
                (rises.len() as f64 + 0.5) / span
            } else {
                0.0
            };
            fitted.jump_size = if rises.is_empty() {
                jump
            } else {
                rises.iter().sum::<f64>() / rises.len() as f64
            };
            fitted.variance = walk_variance(&p, is_jump);
        }
        Baseline::Trend => {
            let n = p.len() as f64;
            let mean_day = p.iter().map(|q| q.day).sum::<f64>() / n;
            let mean_y = p.iter().map(|q| logit(q.share)).sum::<f64>() / n;
            let sxx: f64 = p.iter().map(|q| (q.day - mean_day).powi(2)).sum();
            let sxy: f64 = p.iter().map(|q| (q.day - mean_day) * (logit(q.share) - mean_y)).sum();
            let slope = sxy / sxx;
            let rss: f64 = p
                .iter()
                .map(|q| (logit(q.share) - mean_y - slope * (q.day - mean_day)).powi(2))
                .sum();
            fitted.slope = slope;
            fitted.level = mean_y + slope * (last.day - mean_day);
            fitted.variance = rss / (n - 2.0);
            fitted.trend_points = (n, mean_day, sxx);
        }
    }
    Some(fitted)
}

impl Fitted {
    /// `draws` predictive shares for `day`.
    pub fn sample(&self, day: f64, draws: usize, rng: &mut impl Rng) -> Vec<f64> {
        let ahead = (day - self.from_day).max(0.0);
        let normal = |sd: f64| Normal::new(0.0, sd.max(0.0)).unwrap_or_else(|_| Normal::new(0.0, 0.0).unwrap());
        match self.baseline {
            Baseline::Persistence => {
                let noise = normal((self.variance * ahead).sqrt());
                (0..draws)
                    .map(|_| inverse_logit(self.level + noise.sample(rng)))
                    .collect()
            }
            Baseline::Trend => {
                let (n, mean_day, sxx) = self.trend_points;
                let sd = (self.variance * (1.0 + 1.0 / n + (day - mean_day).powi(2) / sxx)).sqrt();
                let noise = normal(sd);
                (0..draws)
                    .map(|_| inverse_logit(self.level + self.slope * ahead + noise.sample(rng)))
                    .collect()
            }
            Baseline::RandomTiming => {
                let noise = normal((self.variance * ahead).sqrt());
                let jumps = Poisson::new(self.jump_rate * ahead).ok();
                (0..draws)
                    .map(|_| {
                        let k = jumps.as_ref().map_or(0.0, |j| j.sample(rng));
                        (inverse_logit(self.level + noise.sample(rng)) + k * self.jump_size).clamp(0.0, 1.0)
                    })
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn points(shares: &[f64]) -> Vec<Point> {
        shares
            .iter()
            .enumerate()
            .map(|(i, &s)| Point {
                day: 30.0 * i as f64,
                share: s,
                sample: None,
            })
            .collect()
    }

    fn median(mut x: Vec<f64>) -> f64 {
        x.sort_by(f64::total_cmp);
        x[x.len() / 2]
    }

    #[test]
    fn persistence_stays_at_the_last_value_and_spreads_with_the_horizon() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let f = fit(Baseline::Persistence, &points(&[0.3, 0.32, 0.31, 0.35]), 0.05).unwrap();
        let near = f.sample(120.0, 4000, &mut rng);
        let far = f.sample(900.0, 4000, &mut rng);
        assert!((median(near.clone()) - 0.35).abs() < 0.005);
        let spread = |x: &[f64]| x.iter().map(|v| (v - 0.35).abs()).sum::<f64>() / x.len() as f64;
        assert!(spread(&far) > 2.0 * spread(&near), "{} {}", spread(&far), spread(&near));
        let one = fit(Baseline::Persistence, &points(&[0.4]), 0.05).unwrap();
        assert!(one.sample(400.0, 10, &mut rng).iter().all(|&x| (x - 0.4).abs() < 1e-9));
    }

    #[test]
    fn a_trend_in_logit_carries_a_steady_rise_forward() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
        let rising: Vec<f64> = (0..12).map(|i| inverse_logit(-1.0 + 0.1 * i as f64)).collect();
        let f = fit(Baseline::Trend, &points(&rising), 0.05).unwrap();
        let ahead = median(f.sample(30.0 * 20.0, 2001, &mut rng));
        assert!((ahead - inverse_logit(1.0)).abs() < 1e-6, "{ahead}");
        assert!(fit(Baseline::Trend, &points(&[0.1, 0.2]), 0.05).is_none());
        assert!(unfit_reason(Baseline::Trend, &points(&[0.1, 0.2])).is_some());
    }

    #[test]
    fn random_timing_jumps_at_the_rate_it_saw() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        // Two jumps of 0.1 in 11 months of otherwise flat points.
        let seen = [0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.4, 0.4, 0.4, 0.4];
        let f = fit(Baseline::RandomTiming, &points(&seen), 0.05).unwrap();
        assert!((f.jump_rate - 2.5 / 330.0).abs() < 1e-12 && (f.jump_size - 0.1).abs() < 1e-9);
        let draws = f.sample(330.0 + 365.0, 20000, &mut rng);
        let mean_rise = draws.iter().map(|x| x - 0.4).sum::<f64>() / draws.len() as f64;
        let expected = 2.5 / 330.0 * 365.0 * 0.1;
        assert!(
            (mean_rise - expected).abs() < 0.02 * expected.max(0.1),
            "{mean_rise} {expected}"
        );
    }
}
