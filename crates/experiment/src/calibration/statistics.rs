//! The statistics a calibration compares with its targets, computed from one run.
//!
//! Each statistic is the model's analogue of a figure that can be read from the real case table
//! (`data/cases.csv`): how long after a salient incident the vendors, the industry and the
//! regulator responded, how often nobody did, and how spread incident sizes are. A response that
//! does not come within the run counts as a lag of the whole horizon ("at least the run"), so a
//! late first incident cannot look like a fast response.
//!
//! Besides these, a run gives the share of deployments meeting the control on any day (an
//! offering's security, or the baseline over the market), the model's analogue of a dated survey
//! (`data/shares.csv`): see [`RunStatistics::measure`].

use super::target::Measure;
use crate::run::replicate;
use esplab_model::{DayRecord, Detail, Event, EventKind, Observer, OfferingDay, Parameters, VendorStrategy};

/// Days per month in every lag (a mean Gregorian month).
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// Days after a news incident within which a vendor raise or an outcry counts as a response.
pub const RESPONSE_WINDOW_DAYS: u32 = 180;

/// A calibration statistic: its name in target files and outputs, and what it measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statistic {
    pub name: &'static str,
    pub description: &'static str,
    /// The parameters that drive it, with the wide priors `calibrate` fits them over when no
    /// `--param` is given (`KEY=uniform|log-uniform:LOW:HIGH`).
    pub drivers: &'static [&'static str],
}

/// Priors of the parameters behind reactive vendors' responses.
const TOLERANCE: &str = "vendors.tolerance=log-uniform:0.002:0.2";
/// What stands for [`TOLERANCE`] under economic vendors: the cost of security and how long
/// they remember churn and losses.
const ECONOMIC_VENDORS: [&str; 2] = [
    "vendors.security_cost=log-uniform:10:1000",
    "vendors.memory_days=log-uniform:30:1000",
];
/// Priors of the parameters behind regulation.
const REGULATOR: [&str; 2] = [
    "regulator.lag_days=uniform:30:3000",
    "regulator.outcry_threshold=log-uniform:0.02:2",
];

/// Priors of the parameters behind how users answer harm: how much they weigh risk and how much
/// fear being harmed adds.
const VICTIMS: [&str; 2] = [
    "users.risk_sensitivity_median=log-uniform:0.1:5",
    "users.harm_fear=log-uniform:0.5:20",
];

/// Every statistic, in the order of [`RunStatistics::values`].
pub const STATISTICS: [Statistic; 7] = [
    Statistic {
        name: "vendor_lag_months",
        description:
            "median over news (incidents and disclosed flaws) of the months to the next vendor raise or shipped \
                      fix",
        drivers: &[TOLERANCE],
    },
    Statistic {
        name: "standard_lag_months",
        description: "months from the first news until every offering has raised its security (or a regulation \
                      lifted the floor for all, or the standards body published a revision)",
        drivers: &[TOLERANCE, "attention.threshold=uniform:2:8"],
    },
    Statistic {
        name: "regulation_lag_months",
        description: "months from the first news to the first regulation",
        drivers: &REGULATOR,
    },
    Statistic {
        name: "chronic_regulation_lag_months",
        description: "months from the first loss to the first regulation",
        drivers: &REGULATOR,
    },
    Statistic {
        name: "no_response_share",
        description:
            "share of news followed by no vendor raise or fix, no outcry and no revision of the standard within \
                      180 days",
        drivers: &[TOLERANCE],
    },
    Statistic {
        name: "incident_log10_sd",
        description: "standard deviation of log10(records) over all incidents",
        drivers: &["attack.size_log10_sd=uniform:0.2:3"],
    },
    Statistic {
        name: "victim_leave_share",
        description: "share of all incidents' victims who abandoned the technology within 90 days of being harmed \
                      (pooled over incidents whose 90 days end within the run)",
        drivers: &VICTIMS,
    },
];

/// The share of deployments meeting the control on a date: not one statistic but one per
/// offering and day, so it is not in [`STATISTICS`]; a target file names it `share`.
pub const SHARE: Statistic = Statistic {
    name: "share",
    description: "share of an offering's deployments meeting the control on a date (its security), or with no \
                  offering the adoption-weighted share over the market (the baseline)",
    drivers: &[TOLERANCE, STANDARD_UPTAKE, STANDARD_PRESSURE],
};

/// Priors of the standards body: how much of the gap to full security a revision closes, and
/// how many salient events it takes to draft one. Drivers only where the scenario has a
/// standards body.
const STANDARD_UPTAKE: &str = "standard.uptake=uniform:0.05:0.6";
const STANDARD_PRESSURE: &str = "standard.pressure_threshold=log-uniform:1:10";

/// Index of statistic `name` in [`STATISTICS`].
pub fn statistic_index(name: &str) -> Option<usize> {
    STATISTICS.iter().position(|s| s.name == name)
}

/// The random vendors' rate of raises, which stands for the tolerance under that strategy.
const RANDOM_RAISES: &str = "vendors.random_raise_rate";

/// The priors `calibrate` uses when none is given: the drivers of `statistics`, each once, in
/// the order of first mention. The reactive rule's tolerance has no effect on economic or random
/// vendors, so for them it stands for their cost of security and memory, or their rate of
/// raises; the standard's uptake drives nothing without a standards body (`standard`).
pub fn default_priors(statistics: &[&Statistic], strategy: VendorStrategy, standard: bool) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for s in statistics {
        for &driver in s.drivers {
            let drivers: &[&'static str] = match strategy {
                _ if (driver == STANDARD_UPTAKE || driver == STANDARD_PRESSURE) && !standard => &[],
                VendorStrategy::Economic if driver == TOLERANCE => &ECONOMIC_VENDORS,
                VendorStrategy::Random if driver == TOLERANCE => &[RANDOM_RAISES],
                VendorStrategy::Reactive | VendorStrategy::Economic | VendorStrategy::Random => {
                    std::slice::from_ref(&driver)
                }
            };
            for &d in drivers {
                if !out.contains(&d) {
                    out.push(d);
                }
            }
        }
    }
    out
}

/// Names of all statistics a target may name, in order, `share` last.
pub fn statistic_names() -> Vec<&'static str> {
    STATISTICS.iter().chain([&SHARE]).map(|s| s.name).collect()
}

/// Collects what the statistics need while a run goes (a few events, not the whole log).
#[derive(Debug, Clone, Default)]
pub struct RunStatistics {
    days: u32,
    offerings: usize,
    first_loss_day: Option<u32>,
    news_days: Vec<u32>,
    raises: Vec<(u32, usize)>,
    /// Days a vendor shipped the fix of a disclosed flaw.
    fixes: Vec<u32>,
    outcry_days: Vec<u32>,
    regulation_days: Vec<u32>,
    revision_days: Vec<u32>,
    draft_days: Vec<u32>,
    incidents: u64,
    log_mean: f64,
    log_sum_of_squares: f64,
    victims: u64,
    victims_left: u64,
    /// Per day: the baseline, then each offering's security.
    shares: Vec<f64>,
}

impl Observer for RunStatistics {
    fn day(&mut self, record: &DayRecord, offerings: &[OfferingDay]) {
        self.offerings = offerings.len();
        self.shares.push(record.baseline);
        self.shares.extend(offerings.iter().map(|o| o.security));
        if self.first_loss_day.is_none() && record.loss > 0.0 {
            self.first_loss_day = Some(self.days);
        }
        self.days += 1;
    }

    fn event(&mut self, event: &Event) {
        match event.kind() {
            EventKind::News => self.news_days.push(event.day),
            EventKind::VendorRaise => self.raises.push((event.day, event.offering.unwrap_or(0))),
            EventKind::Outcry => self.outcry_days.push(event.day),
            EventKind::Regulation => self.regulation_days.push(event.day),
            EventKind::Revision => self.revision_days.push(event.day),
            EventKind::Draft => self.draft_days.push(event.day),
            EventKind::Incident => {
                let x = event.size.max(1.0).log10();
                self.incidents += 1;
                let delta = x - self.log_mean;
                self.log_mean += delta / self.incidents as f64;
                self.log_sum_of_squares += delta * (x - self.log_mean);
            }
            EventKind::IncidentOutcome => {
                if let Detail::IncidentOutcome { victims, abandoned, .. } = event.detail {
                    self.victims += victims as u64;
                    self.victims_left += abandoned as u64;
                }
            }
            EventKind::VendorFix => self.fixes.push(event.day),
            EventKind::LossAgenda | EventKind::Intervention | EventKind::Vulnerability => {}
        }
    }
}

impl RunStatistics {
    fn horizon_months(&self) -> f64 {
        self.days as f64 / DAYS_PER_MONTH
    }

    /// Months from `start` to the first of `days` on or after it, or the horizon if none.
    fn lag(&self, start: u32, days: impl Iterator<Item = u32>) -> f64 {
        days.filter(|&d| d >= start)
            .min()
            .map(|d| (d - start) as f64 / DAYS_PER_MONTH)
            .unwrap_or_else(|| self.horizon_months())
    }

    fn vendor_lag(&self) -> f64 {
        let mut lags: Vec<f64> = self
            .news_days
            .iter()
            .map(|&n| self.lag(n, self.raises.iter().map(|r| r.0).chain(self.fixes.iter().copied())))
            .collect();
        if lags.is_empty() {
            return f64::NAN;
        }
        lags.sort_by(f64::total_cmp);
        crate::statistics::quantile_sorted(&lags, 0.5)
    }

    fn standard_lag(&self) -> f64 {
        let Some(&first) = self.news_days.first() else {
            return f64::NAN;
        };
        let every_offering = (0..self.offerings.max(1))
            .map(|j| self.raises.iter().find(|r| r.1 == j && r.0 >= first).map(|r| r.0))
            .try_fold(first, |latest, day| day.map(|d| latest.max(d)));
        let regulation = self
            .regulation_days
            .iter()
            .chain(&self.revision_days)
            .copied()
            .filter(|&d| d >= first)
            .min();
        match (every_offering, regulation) {
            (Some(a), Some(b)) => (a.min(b) - first) as f64 / DAYS_PER_MONTH,
            (Some(d), None) | (None, Some(d)) => (d - first) as f64 / DAYS_PER_MONTH,
            (None, None) => self.horizon_months(),
        }
    }

    fn no_response_share(&self) -> f64 {
        let eligible: Vec<u32> = self
            .news_days
            .iter()
            .copied()
            .filter(|&d| d + RESPONSE_WINDOW_DAYS <= self.days)
            .collect();
        if eligible.is_empty() {
            return f64::NAN;
        }
        let responded = |d: u32| {
            let within = |x: u32| x >= d && x <= d + RESPONSE_WINDOW_DAYS;
            self.raises.iter().any(|r| within(r.0))
                || self.fixes.iter().any(|&f| within(f))
                || self
                    .outcry_days
                    .iter()
                    .chain(&self.draft_days)
                    .chain(&self.revision_days)
                    .any(|&o| within(o))
        };
        eligible.iter().filter(|&&d| !responded(d)).count() as f64 / eligible.len() as f64
    }

    /// The value of `measure`: a statistic, or a share on a day (NaN for a day or an offering
    /// the run does not have).
    pub fn measure(&self, measure: Measure, values: &[f64]) -> f64 {
        match measure {
            Measure::Statistic(i) => values.get(i).copied().unwrap_or(f64::NAN),
            Measure::Share { offering, day } => {
                let width = self.offerings + 1;
                let column = offering.map_or(0, |j| j + 1);
                if column >= width {
                    return f64::NAN;
                }
                self.shares
                    .get(day as usize * width + column)
                    .copied()
                    .unwrap_or(f64::NAN)
            }
        }
    }

    /// The statistics, in the order of [`STATISTICS`]; NaN where a statistic is undefined (no
    /// news for the lags from news, no loss, fewer than two incidents, no victims).
    pub fn values(&self) -> Vec<f64> {
        let first_news = self.news_days.first().copied();
        vec![
            self.vendor_lag(),
            self.standard_lag(),
            first_news.map_or(f64::NAN, |n| self.lag(n, self.regulation_days.iter().copied())),
            self.first_loss_day
                .map_or(f64::NAN, |l| self.lag(l, self.regulation_days.iter().copied())),
            self.no_response_share(),
            if self.incidents >= 2 {
                (self.log_sum_of_squares / (self.incidents - 1) as f64).sqrt()
            } else {
                f64::NAN
            },
            if self.victims > 0 {
                self.victims_left as f64 / self.victims as f64
            } else {
                f64::NAN
            },
        ]
    }
}

/// Runs `parameters` with the seed of run `index` under master seed `master` and returns its
/// statistics in the order of [`STATISTICS`].
pub fn run_statistics(parameters: &Parameters, master: u64, index: u64) -> Vec<f64> {
    let mut statistics = RunStatistics::default();
    replicate(parameters, master, index, &mut statistics);
    statistics.values()
}

/// Runs `parameters` as [`run_statistics`] does and returns the value of each of `measures`.
pub fn run_measures(parameters: &Parameters, master: u64, index: u64, measures: &[Measure]) -> Vec<f64> {
    let mut statistics = RunStatistics::default();
    replicate(parameters, master, index, &mut statistics);
    let values = statistics.values();
    measures.iter().map(|&m| statistics.measure(m, &values)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use esplab_model::{Detail, Started};

    fn event(day: u32, kind: EventKind, offering: Option<usize>, size: f64) -> Event {
        let detail = match kind {
            EventKind::Incident => Detail::Incident { harmed: 1, loss: size },
            EventKind::News => Detail::News {
                records: 1e6,
                fear: 0.1,
                disclosed: false,
            },
            EventKind::VendorRaise => Detail::VendorRaise {
                from: 0.1,
                to: 0.1 + size,
                churn: 0.01,
                reason: esplab_model::RaiseReason::Churn,
            },
            EventKind::Outcry => Detail::Outcry { due: day + 1 },
            EventKind::LossAgenda => Detail::LossAgenda { due: day + 1 },
            EventKind::Regulation => Detail::Regulation {
                from: 0.0,
                to: size,
                deadline: day,
                agenda: false,
            },
            EventKind::Intervention => Detail::Intervention(Started::Shock { records: size }),
            EventKind::IncidentOutcome => Detail::IncidentOutcome {
                incident_day: day,
                records: size,
                victims: 1,
                abandoned: 0,
            },
            EventKind::Vulnerability => Detail::Vulnerability {
                records: size,
                public: false,
                fixing: true,
            },
            EventKind::VendorFix => Detail::VendorFix {
                records: size,
                disclosed: day,
            },
            EventKind::Draft => Detail::Draft { due: day + 1 },
            EventKind::Revision => Detail::Revision {
                number: 1,
                uptake: size,
            },
        };
        Event {
            day,
            offering,
            size,
            detail,
        }
    }

    fn days(s: &mut RunStatistics, n: u32, offerings: usize, loss_from: u32) {
        let offering_days = vec![OfferingDay::default(); offerings];
        for d in 0..n {
            let record = DayRecord {
                loss: if d >= loss_from { 1.0 } else { 0.0 },
                ..DayRecord::default()
            };
            s.day(&record, &offering_days);
        }
    }

    #[test]
    fn lags_follow_their_definitions() {
        let mut s = RunStatistics::default();
        for e in [
            event(10, EventKind::Incident, Some(0), 100.0),
            event(100, EventKind::Incident, Some(0), 10_000.0),
            event(100, EventKind::News, Some(0), 1.0),
            event(130, EventKind::VendorRaise, Some(0), 0.1),
            event(400, EventKind::News, Some(1), 1.0),
            event(700, EventKind::VendorRaise, Some(1), 0.1),
            event(110, EventKind::Outcry, None, 0.3),
            event(480, EventKind::Regulation, None, 0.1),
        ] {
            s.event(&e);
        }
        days(&mut s, 1000, 2, 10);
        let v = s.values();
        // News on days 100 and 400: next raises after 30 and 300 days; median 165 days.
        assert!((v[0] - 165.0 / DAYS_PER_MONTH).abs() < 1e-12);
        // Both offerings raised by day 700, but the regulation on day 480 came first.
        assert!((v[1] - 380.0 / DAYS_PER_MONTH).abs() < 1e-12);
        assert!((v[2] - 380.0 / DAYS_PER_MONTH).abs() < 1e-12);
        assert!((v[3] - 470.0 / DAYS_PER_MONTH).abs() < 1e-12);
        // Day 100: raise within 180 days; day 400: nothing until day 580.
        assert_eq!(v[4], 0.5);
        // log10 sizes 2 and 4: sd sqrt(2).
        assert!((v[5] - 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn a_revision_of_the_standard_answers_news_for_every_offering() {
        let mut s = RunStatistics::default();
        for e in [
            event(100, EventKind::News, Some(0), 1.0),
            event(190, EventKind::Revision, None, 0.3),
            event(400, EventKind::News, Some(1), 1.0),
            event(700, EventKind::VendorRaise, Some(1), 0.1),
        ] {
            s.event(&e);
        }
        days(&mut s, 1000, 2, 2000);
        let v = s.values();
        // The revision on day 190 lifts both offerings, 90 days after the first news.
        assert!((v[1] - 90.0 / DAYS_PER_MONTH).abs() < 1e-12);
        // Day 100's news is answered by the revision; day 400's by nothing until day 580.
        assert_eq!(v[4], 0.5);
        // A revision is no regulation: none came, a lag of the whole horizon.
        assert_eq!(v[2], 1000.0 / DAYS_PER_MONTH);
    }

    #[test]
    fn a_shipped_fix_answers_news_as_a_raise_does() {
        let mut s = RunStatistics::default();
        for e in [
            event(100, EventKind::News, Some(0), 1.0),
            event(103, EventKind::VendorFix, Some(0), 1e4),
            event(400, EventKind::News, Some(1), 1.0),
        ] {
            s.event(&e);
        }
        days(&mut s, 1000, 2, 2000);
        let v = s.values();
        // Lags of 3 days and, unanswered, of the whole horizon (1000 days): median 501.5 days.
        assert!((v[0] - 501.5 / DAYS_PER_MONTH).abs() < 1e-12);
        // Day 100's news is answered by the fix; day 400's by nothing.
        assert_eq!(v[4], 0.5);
    }

    #[test]
    fn a_share_is_read_on_its_day_for_an_offering_or_the_market() {
        let mut s = RunStatistics::default();
        for d in 0..10u32 {
            let record = DayRecord {
                baseline: d as f64 / 100.0,
                ..DayRecord::default()
            };
            let offerings: Vec<OfferingDay> = (0..2)
                .map(|j| OfferingDay {
                    security: (10 * j + d) as f64 / 100.0,
                    ..OfferingDay::default()
                })
                .collect();
            s.day(&record, &offerings);
        }
        let v = s.values();
        let share = |offering, day| s.measure(Measure::Share { offering, day }, &v);
        assert_eq!(share(None, 7), 0.07);
        assert_eq!(share(Some(0), 3), 0.03);
        assert_eq!(share(Some(1), 3), 0.13);
        assert!(share(Some(2), 3).is_nan(), "no third offering");
        assert!(share(Some(0), 10).is_nan(), "past the run");
        assert_eq!(s.measure(Measure::Statistic(4), &v).is_nan(), v[4].is_nan());
    }

    #[test]
    fn missing_responses_count_as_the_whole_horizon_and_undefined_statistics_are_nan() {
        let mut s = RunStatistics::default();
        s.event(&event(900, EventKind::News, Some(0), 1.0));
        days(&mut s, 1000, 1, 2000);
        let v = s.values();
        let horizon = 1000.0 / DAYS_PER_MONTH;
        assert_eq!(v[0], horizon);
        assert_eq!(v[1], horizon);
        assert_eq!(v[2], horizon);
        assert!(v[3].is_nan(), "no loss");
        assert!(v[4].is_nan(), "the only news is too late to judge");
        assert!(v[5].is_nan(), "no incidents");
        assert!(v[6].is_nan(), "no victims");
    }

    #[test]
    fn the_victims_leave_share_is_pooled_over_incidents() {
        let mut s = RunStatistics::default();
        for (victims, abandoned) in [(10u32, 1u32), (30, 3), (60, 2)] {
            s.event(&Event {
                day: 200,
                offering: Some(0),
                size: abandoned as f64 / victims as f64,
                detail: Detail::IncidentOutcome {
                    incident_day: 110,
                    records: 1e3,
                    victims,
                    abandoned,
                },
            });
        }
        days(&mut s, 300, 1, 10);
        // (1 + 3 + 2) of (10 + 30 + 60): each victim counts once, not each incident.
        assert_eq!(s.values()[6], 0.06);
    }

    #[test]
    fn a_run_gives_one_value_per_statistic_and_is_reproducible() {
        let mut p = Parameters::default();
        p.run.users = 2_000;
        p.run.years = 2.0;
        let a = run_statistics(&p, 5, 0);
        assert_eq!(a.len(), STATISTICS.len());
        let b = run_statistics(&p, 5, 0);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert!(a[5].is_finite() && a[5] > 0.0);
    }
}
