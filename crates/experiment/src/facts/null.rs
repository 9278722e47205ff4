//! Null models for the punctuated-equilibrium claims: is an association between responses and
//! salient news more than chance?
//!
//! **Jumps after news.** A jump day is a day on which the baseline rose by more than
//! [`JUMP_THRESHOLD`]; it *follows news* when some news came on that day or in the
//! [`AFTER_NEWS_DAYS`] days before. Jumps made by a regulation or a revision of the standard
//! taking effect are left out: those take effect a fixed lag after a trigger that news wires
//! (outcry, a draft), and their own checks cover them. What is tested is whether the market
//! (vendors' raises, users shifting) jumps after news. Under the null, a run's jump days are placed at random among
//! its days (a permutation: the same number of jumps, without replacement), so the share of jumps
//! that follow news is, in expectation, the share of days that do. The excess is the observed
//! share of jumps following news (pooled over runs) less that chance share; its 95% interval
//! comes from resampling runs (bootstrap), and its one-sided p-value from permutations.
//!
//! **Responses by salience and by quiet loss.** A response is a vendor raise, a regulation or a
//! revision of the standard, dated by its decision: a raise on its day, a regulation on the day of
//! the outcry or the loss agenda that scheduled it, a revision on the day its draft started (they
//! take effect a fixed lag later, so the day they take effect says nothing of what prompted them). Days are classed as *after news* (news within [`AFTER_NEWS_DAYS`] days) or *quiet*, and quiet
//! days by the loss of the [`QUIET_LOSS_DAYS`] days before (in thirds of the ensemble's quiet
//! days). The hazard of each class is the share of its days with a response.

use super::{check, wilson, Check};
use esplab_model::{Detail, EventKind, Recorder, JUMP_THRESHOLD};
use rand::seq::index;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Days after news within which a jump or response counts as following it.
pub const AFTER_NEWS_DAYS: u32 = 30;
/// Days of loss summed for a quiet day's class.
pub const QUIET_LOSS_DAYS: usize = 365;
/// Draws of the bootstrap and of the permutation test.
pub const DRAWS: usize = 2_000;
/// Seed of the null models' draws (they are part of the check, so fixed).
const SEED: u64 = 0x005E_ED0F_4E55;

/// Per day of `r`: whether news came that day or in the [`AFTER_NEWS_DAYS`] days before.
fn after_news(r: &Recorder) -> Vec<bool> {
    let n = r.days.len();
    let mut flags = vec![false; n];
    for e in r.events.iter().filter(|e| e.kind() == EventKind::News) {
        let from = e.day as usize;
        for flag in flags
            .iter_mut()
            .take((from + AFTER_NEWS_DAYS as usize + 1).min(n))
            .skip(from)
        {
            *flag = true;
        }
    }
    flags
}

/// The day the response `e` was decided (see the module's doc), or `None` if `e` is no response.
fn decision(r: &Recorder, e: &esplab_model::Event) -> Option<u32> {
    match e.detail {
        Detail::VendorRaise { .. } => Some(e.day),
        Detail::Regulation { .. } => r.events.iter().find_map(|scheduling| match scheduling.detail {
            Detail::Outcry { due } | Detail::LossAgenda { due } if due == e.day => Some(scheduling.day),
            _ => None,
        }),
        Detail::Revision { .. } => r.events.iter().find_map(|draft| match draft.detail {
            Detail::Draft { due } if due == e.day => Some(draft.day),
            _ => None,
        }),
        _ => None,
    }
}

/// Whether a rise of the baseline on `day` is an institution's rule taking effect: a regulation
/// or a revision of the standard that day, and no vendor raise.
fn institutional(r: &Recorder, day: u32) -> bool {
    let on_day = || r.events.iter().filter(move |e| e.day == day);
    !on_day().any(|e| e.kind() == EventKind::VendorRaise)
        && on_day().any(|e| matches!(e.kind(), EventKind::Regulation | EventKind::Revision))
}

/// One run's jumps against its news.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RunJumps {
    /// Jump days.
    jumps: usize,
    /// Jump days following news.
    following: usize,
    /// Days that follow news, among the days a jump can fall on (all but day 0).
    covered: usize,
    /// Days a jump can fall on.
    days: usize,
}

impl RunJumps {
    fn of(r: &Recorder) -> Self {
        let days = r.days.len().saturating_sub(1);
        let after_news = after_news(r);
        let jump_days: Vec<usize> = (1..r.days.len())
            .filter(|&t| r.days[t].baseline - r.days[t - 1].baseline > JUMP_THRESHOLD)
            .filter(|&t| !institutional(r, t as u32))
            .collect();
        Self {
            jumps: jump_days.len(),
            following: jump_days.iter().filter(|&&t| after_news[t]).count(),
            covered: (1..r.days.len()).filter(|&t| after_news[t]).count(),
            days,
        }
    }

    /// Expected jumps following news when the jump days are placed at random.
    fn chance(&self) -> f64 {
        if self.days == 0 {
            0.0
        } else {
            self.jumps as f64 * self.covered as f64 / self.days as f64
        }
    }
}

/// Jumps after news against chance, over an ensemble.
#[derive(Debug, Clone, PartialEq)]
pub struct JumpsAfterNews {
    /// Jumps in all runs.
    pub jumps: usize,
    /// Share of them that follow news.
    pub observed: f64,
    /// The share expected if jump days were placed at random.
    pub chance: f64,
    /// `observed − chance`, with its 95% bootstrap interval over runs.
    pub excess: (f64, f64, f64),
    /// One-sided permutation p-value of the observed share.
    pub p_value: f64,
    /// Permutations (of [`DRAWS`]) whose share reached the observed one.
    pub reaching: usize,
}

/// Pooled (share of jumps following news, chance share) over `runs`.
fn pooled<'a>(runs: impl Iterator<Item = &'a RunJumps>) -> (f64, f64) {
    let (mut jumps, mut following, mut chance) = (0usize, 0usize, 0.0);
    for r in runs {
        jumps += r.jumps;
        following += r.following;
        chance += r.chance();
    }
    if jumps == 0 {
        (0.0, 0.0)
    } else {
        (following as f64 / jumps as f64, chance / jumps as f64)
    }
}

/// Pooled excess over chance of the runs at `indices`.
fn excess(runs: &[RunJumps], indices: &[usize]) -> f64 {
    let (observed, chance) = pooled(indices.iter().map(|&i| &runs[i]));
    observed - chance
}

/// [`DRAWS`] bootstrap samples of run indices (with replacement) among `runs` runs.
fn bootstrap_samples(runs: usize) -> Vec<Vec<usize>> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
    (0..DRAWS)
        .map(|_| (0..runs).map(|_| rng.random_range(0..runs.max(1))).collect())
        .collect()
}

/// The 2.5% and 97.5% quantiles of `values`.
fn interval(mut values: Vec<f64>) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let quantile = |q: f64| values[((q * (values.len() - 1) as f64).round() as usize).min(values.len() - 1)];
    (quantile(0.025), quantile(0.975))
}

/// The share of jumps following news, its chance level, the excess and its uncertainty.
pub fn jumps_after_news(runs: &[Recorder]) -> JumpsAfterNews {
    let per_run: Vec<RunJumps> = runs.iter().map(RunJumps::of).collect();
    let (observed, chance) = pooled(per_run.iter());
    let jumps: usize = per_run.iter().map(|r| r.jumps).sum();
    let (low, high) = if per_run.is_empty() {
        (0.0, 0.0)
    } else {
        interval(
            bootstrap_samples(per_run.len())
                .iter()
                .map(|s| excess(&per_run, s))
                .collect(),
        )
    };
    // Permutations: each run's jump days drawn at random among its days.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED ^ 1);
    let at_least = (0..DRAWS)
        .filter(|_| {
            let following: usize = per_run
                .iter()
                .filter(|r| r.jumps > 0 && r.days >= r.jumps)
                .map(|r| {
                    index::sample(&mut rng, r.days, r.jumps)
                        .into_iter()
                        .filter(|&d| d < r.covered)
                        .count()
                })
                .sum();
            jumps > 0 && following as f64 / jumps as f64 >= observed
        })
        .count();
    JumpsAfterNews {
        jumps,
        observed,
        chance,
        excess: (observed - chance, low, high),
        p_value: (1 + at_least) as f64 / (1 + DRAWS) as f64,
        reaching: at_least,
    }
}

/// The excess over chance of jumps after news in `base` less that in `variant`, runs paired by
/// index (the same seeds), with a 95% paired-bootstrap interval.
pub fn excess_difference(base: &[Recorder], variant: &[Recorder]) -> (f64, f64, f64) {
    let b: Vec<RunJumps> = base.iter().map(RunJumps::of).collect();
    let v: Vec<RunJumps> = variant.iter().map(RunJumps::of).collect();
    let n = b.len().min(v.len());
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    let all: Vec<usize> = (0..n).collect();
    let (low, high) = interval(
        bootstrap_samples(n)
            .iter()
            .map(|s| excess(&b, s) - excess(&v, s))
            .collect(),
    );
    (excess(&b, &all) - excess(&v, &all), low, high)
}

/// Vendor raises per offering per year in `runs` (the rate random vendors get to match them).
pub fn raise_rate(runs: &[Recorder]) -> f64 {
    let raises = runs
        .iter()
        .flat_map(|r| &r.events)
        .filter(|e| e.kind() == EventKind::VendorRaise)
        .count() as f64;
    let offering_years: f64 = runs
        .iter()
        .map(|r| r.offerings.last().map_or(0, Vec::len) as f64 * r.days.len() as f64 / 365.0)
        .sum();
    if offering_years > 0.0 {
        raises / offering_years
    } else {
        0.0
    }
}

/// The check that jumps follow news more with `base`'s vendors than with raises at random times
/// at the same rate (`variant`).
pub fn news_beyond_random_raises(base: &[Recorder], variant: &[Recorder], ensemble: &str, rate: f64) -> Check {
    let (v, b) = (jumps_after_news(variant), jumps_after_news(base));
    let difference = excess_difference(base, variant);
    check(
        &format!("Jumps follow news more than with raises at random times ({ensemble})"),
        &format!(
            "excess over chance of market jumps within {AFTER_NEWS_DAYS} days after news ({:.3}), less that when vendors \
             raise at random times at the same rate, {rate:.2} a year ({:.3}: {:.3} of {} jumps against {:.3} by chance)",
            b.excess.0, v.excess.0, v.observed, v.jumps, v.chance
        ),
        "lower 95% bound > 0 (paired bootstrap over runs)",
        "null model: the same market with raises whose timing ignores everything",
        difference,
        difference.1 > 0.0,
    )
    .partly("economic vendors also review on a day their offering makes the news (a wired trigger); how often a review after news raises emerges")
}

/// The check that baseline jumps follow news more often than chance.
pub fn jumps_follow_news(runs: &[Recorder], ensemble: &str) -> Check {
    let j = jumps_after_news(runs);
    check(
        &format!("Jumps follow salient news more often than chance ({ensemble})"),
        &format!(
            "share of {} market jumps (no regulation or revision taking effect that day) within {AFTER_NEWS_DAYS} \
             days after news ({:.3}) less the share of days there ({:.3}); {} of {DRAWS} permutations reach the \
             observed share (p = {:.4})",
            j.jumps, j.observed, j.chance, j.reaching, j.p_value
        ),
        "lower 95% bound > 0 (bootstrap over runs)",
        "null model: jump days placed at random; the timing of decisions is partly wired (economic vendors also \
         review on a day their offering makes the news; reactive ones count churn in windows)",
        j.excess,
        j.excess.1 > 0.0,
    )
    .partly("vendors review on a day their offering makes the news (economic) or count churn in windows after it (reactive): a wired trigger; the excess emerges")
}

/// The hazard of a response (vendor raise or regulation) on a day, by class of day.
#[derive(Debug, Clone, PartialEq)]
pub struct Hazards {
    /// Days after news: (days, days with a response).
    pub after_news: (usize, usize),
    /// Quiet days by thirds of the loss of the year before, lowest first.
    pub quiet: [(usize, usize); 3],
    /// The loss (currency units over [`QUIET_LOSS_DAYS`]) between the thirds.
    pub cuts: [f64; 2],
}

/// Response hazards by salience and by quiet loss.
pub fn hazards(runs: &[Recorder]) -> Hazards {
    // (after news, loss of the year before, responded) per day.
    let mut days: Vec<(bool, f64, bool)> = Vec::new();
    for r in runs {
        let n = r.days.len();
        let after_news = after_news(r);
        let mut responded = vec![false; n];
        for e in &r.events {
            if let Some(d) = decision(r, e).map(|d| d as usize).filter(|&d| d < n) {
                responded[d] = true;
            }
        }
        let mut year_loss = 0.0;
        for t in 0..n {
            // Loss of the days before t, not t itself.
            days.push((after_news[t], year_loss, responded[t]));
            year_loss += r.days[t].loss;
            if t >= QUIET_LOSS_DAYS {
                year_loss -= r.days[t - QUIET_LOSS_DAYS].loss;
            }
        }
    }
    let count = |days: &mut dyn Iterator<Item = &(bool, f64, bool)>| {
        days.fold((0, 0), |(n, k), d| (n + 1, k + usize::from(d.2)))
    };
    let after_news = count(&mut days.iter().filter(|d| d.0));
    let mut losses: Vec<f64> = days.iter().filter(|d| !d.0).map(|d| d.1).collect();
    losses.sort_by(f64::total_cmp);
    let cut = |q: f64| {
        losses
            .get(((losses.len() as f64 * q) as usize).min(losses.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    let cuts = [cut(1.0 / 3.0), cut(2.0 / 3.0)];
    let third = |d: &(bool, f64, bool)| usize::from(d.1 >= cuts[0]) + usize::from(d.1 >= cuts[1]);
    let quiet = [0, 1, 2].map(|k| count(&mut days.iter().filter(|d| !d.0 && third(d) == k)));
    Hazards {
        after_news,
        quiet,
        cuts,
    }
}

/// The check that a day after news is likelier to bring a response than a quiet day in the
/// third of highest recent losses.
pub fn salience_beats_quiet_loss(runs: &[Recorder], ensemble: &str) -> Check {
    let h = hazards(runs);
    let (news_days, news_responses) = h.after_news;
    let (quiet_days, quiet_responses) = h.quiet[2];
    let news = wilson(news_responses, news_days);
    let quiet = wilson(quiet_responses, quiet_days);
    check(
        &format!("Responses follow salience, not quiet losses ({ensemble})"),
        &format!(
            "share of days with a response within {AFTER_NEWS_DAYS} days after news ({news_responses} of {news_days}), \
             against quiet days in the top third of the year's losses: {:.4} [{:.4}, {:.4}] ({quiet_responses} of {quiet_days})",
            quiet.0, quiet.1, quiet.2
        ),
        "lower 95% bound after news > upper 95% bound of the quiet top third",
        "ESP: quiet losses are not answered; salient ones are",
        news,
        news.1 > quiet.2,
    )
    .partly("only news (incidents over attention.threshold) raises fear, churn and outcry; quiet losses reach the regulator only through its loss agenda; the size emerges")
}

#[cfg(test)]
mod tests {
    use super::*;
    use esplab_model::{DayRecord, Detail, Event};

    /// A run of `days` days whose baseline jumps on `jumps` and with news on `news`.
    fn run(days: usize, jumps: &[usize], news: &[u32]) -> Recorder {
        let mut r = Recorder::default();
        let mut baseline = 0.1;
        for t in 0..days {
            if jumps.contains(&t) {
                baseline += 0.05;
            }
            r.days.push(DayRecord {
                day: t as u32,
                baseline,
                loss: if t % 2 == 0 { 10.0 } else { 0.0 },
                ..DayRecord::default()
            });
        }
        for &day in news {
            r.events.push(Event {
                day,
                offering: None,
                size: 1.0,
                detail: Detail::News {
                    records: 1e8,
                    fear: 1.0,
                    disclosed: false,
                },
            });
        }
        r
    }

    #[test]
    fn jumps_right_after_news_are_far_above_chance() {
        let runs: Vec<Recorder> = (0..20).map(|k| run(1000, &[100 + k, 600 + k], &[100, 600])).collect();
        let j = jumps_after_news(&runs);
        assert_eq!((j.jumps, j.observed), (40, 1.0));
        // 2 windows of 31 days among 999.
        assert!((j.chance - 62.0 / 999.0).abs() < 1e-12, "{}", j.chance);
        assert!(j.excess.1 > 0.8 && j.p_value < 0.001, "{j:?}");
        assert!(jumps_follow_news(&runs, "test").pass);
    }

    #[test]
    fn jumps_unrelated_to_news_are_at_chance() {
        // Jumps spread evenly over the run: about as many follow news as chance says.
        let runs: Vec<Recorder> = (0..40)
            .map(|k| {
                run(
                    1000,
                    &(0..20).map(|i| 1 + 50 * i + k).collect::<Vec<_>>(),
                    &[100 + 7 * k as u32, 500],
                )
            })
            .collect();
        let j = jumps_after_news(&runs);
        assert!(j.excess.1 < 0.0 && j.excess.2 > 0.0, "{j:?}");
        assert!(j.p_value > 0.05, "{j:?}");
        assert!(!jumps_follow_news(&runs, "test").pass);
    }

    #[test]
    fn the_excess_is_compared_with_a_variant_run_for_run() {
        let news = [100, 600];
        let following: Vec<Recorder> = (0..20).map(|k| run(1000, &[100 + k, 600 + k], &news)).collect();
        let random: Vec<Recorder> = (0..20)
            .map(|k| run(1000, &[300 + 13 * k, 850 - 7 * k], &news))
            .collect();
        let (d, low, high) = excess_difference(&following, &random);
        assert!(low > 0.5 && low <= d && d <= high, "{d} [{low}, {high}]");
        assert!(news_beyond_random_raises(&following, &random, "test", 2.0).pass);
        assert!(!news_beyond_random_raises(&random, &following, "test", 2.0).pass);
    }

    #[test]
    fn hazards_count_responses_by_class_of_day() {
        let mut r = run(800, &[], &[400]);
        r.events.push(Event {
            day: 410,
            offering: Some(0),
            size: 0.1,
            detail: Detail::VendorRaise {
                from: 0.1,
                to: 0.2,
                churn: 0.1,
                reason: esplab_model::RaiseReason::Churn,
            },
        });
        let h = hazards(&[r.clone()]);
        assert_eq!(h.after_news, (31, 1));
        assert_eq!(h.quiet.iter().map(|q| q.0).sum::<usize>(), 800 - 31);
        assert_eq!(h.quiet.iter().map(|q| q.1).sum::<usize>(), 0);
        // A regulation that takes effect on a quiet day (700) is dated by the outcry that
        // scheduled it (day 405, after the news of day 400); one scheduled by the loss agenda on
        // a quiet day (200) is a quiet response.
        let event = |day: u32, detail: Detail| Event {
            day,
            offering: None,
            size: 0.0,
            detail,
        };
        r.events.push(event(405, Detail::Outcry { due: 700 }));
        r.events.push(event(200, Detail::LossAgenda { due: 300 }));
        for (day, agenda) in [(300, true), (700, false)] {
            r.events.push(event(
                day,
                Detail::Regulation {
                    from: 0.0,
                    to: 0.1,
                    deadline: day,
                    agenda,
                },
            ));
        }
        let h = hazards(&[r]);
        assert_eq!(h.after_news, (31, 2));
        assert_eq!(h.quiet.iter().map(|q| q.1).sum::<usize>(), 1);
    }
}
