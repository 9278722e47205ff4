//! Punctuation analysis of one run: change points of the baseline, the jumps and the chain of
//! events behind each, erosion between jumps, the shape of baseline changes, incident statistics
//! and response lags.
//!
//! Change points come from PELT (optimal partitioning with pruning) on the daily baseline changes
//! under a Normal mean-shift cost (sum of squared deviations from each segment's mean), with the
//! penalty per change point `max(2 sigma^2 ln n, JUMP_THRESHOLD^2 / 2)`, and
//! `sigma` estimated robustly as 1.4826 × the median absolute deviation of the changes. A
//! segment of at most [`JUMP_DAYS`] days whose total change exceeds [`JUMP_THRESHOLD`](esplab_model::JUMP_THRESHOLD) is a jump;
//! the segments between jumps are equilibria, described by their erosion rate.

use esplab_model::{Detail, EventKind};

/// Longest segment counted as a jump rather than an equilibrium (days).
pub const JUMP_DAYS: usize = 7;
/// How far back a jump's chain of events is searched (days).
pub const LOOKBACK_DAYS: u32 = 120;

/// The daily series and events of a run, as read back from its folder.
#[derive(Debug, Clone, Default)]
pub struct RunData {
    pub baseline: Vec<f64>,
    pub adoption: Vec<f64>,
    pub security_churn: Vec<f64>,
    pub incidents: Vec<f64>,
    pub loss: Vec<f64>,
    pub events: Vec<EventRow>,
    /// Each offering's name and its users per day as a share of the population (offerings.csv).
    pub offerings: Vec<(String, Vec<f64>)>,
    /// Users' moves between offerings (flows.csv), when known: folders written before
    /// flows.csv, and runs analysed in memory, have none.
    pub flows: Option<Vec<FlowRow>>,
}

/// One row of `flows.csv`: users who moved between two offerings on a day.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRow {
    pub day: u32,
    /// The offering left, or empty for users who were not using the technology.
    pub from: String,
    /// The offering joined, or empty for users who stopped using the technology.
    pub to: String,
    /// Users who moved, as a share of the population.
    pub users: f64,
}

/// One row of `events.csv`: an event with its offering's name.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub day: u32,
    pub kind: EventKind,
    /// The offering's name, or empty.
    pub offering: String,
    pub size: f64,
    pub detail: Detail,
}

impl RunData {
    /// The data of a run kept by a [`esplab_model::Recorder`]; `offerings` names the offerings.
    pub fn from_recorder(r: &esplab_model::Recorder, offerings: &[String]) -> Self {
        let series = |f: fn(&esplab_model::DayRecord) -> f64| r.days.iter().map(f).collect::<Vec<f64>>();
        Self {
            baseline: series(|d| d.baseline),
            adoption: series(|d| d.adoption),
            security_churn: series(|d| d.security_churn),
            incidents: series(|d| d.incidents as f64),
            loss: series(|d| d.loss),
            events: r
                .events
                .iter()
                .map(|e| EventRow {
                    day: e.day,
                    kind: e.kind(),
                    offering: e.offering.and_then(|j| offerings.get(j)).cloned().unwrap_or_default(),
                    size: e.size,
                    detail: e.detail,
                })
                .collect(),
            offerings: offerings
                .iter()
                .enumerate()
                .map(|(j, name)| {
                    let users = r
                        .offerings
                        .iter()
                        .map(|day| day.get(j).map_or(0.0, |o| o.users))
                        .collect();
                    (name.clone(), users)
                })
                .collect(),
            flows: None,
        }
    }
}

mod incidents;
mod jumps;
mod segments;
mod shape;
pub mod story;

use incidents::incident_statistics;
pub use incidents::{Decile, IncidentStatistics};
pub use jumps::{jumps, Jump, Link};
pub use segments::{pelt, penalty, segments, Segment};
pub use shape::{changes, hill_tail_exponent, kurtosis, l_kurtosis, top_share};

/// Aggregate adoption after a news item.
#[derive(Debug, Clone, PartialEq)]
pub struct NewsResponse {
    pub day: u32,
    /// Adoption the day before the news minus its lowest value in the next 90 days.
    pub drop: f64,
    /// Days until adoption is back at its level before the news (`None`: not within the run).
    pub recovery_days: Option<u32>,
}

/// Lags of the first responses.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResponseLags {
    /// First salient incident (first news).
    pub first_news_day: Option<u32>,
    pub news_to_first_vendor_raise: Option<u32>,
    pub news_to_first_regulation: Option<u32>,
    /// First day with a loss (the start of losses, for chronic scenarios).
    pub losses_start_day: Option<u32>,
    pub losses_to_first_vendor_raise: Option<u32>,
    pub losses_to_first_regulation: Option<u32>,
}

/// Everything `esplab analyze` reports on a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub days: usize,
    pub penalty: f64,
    pub segments: Vec<Segment>,
    pub jumps: Vec<Jump>,
    pub daily_kurtosis: f64,
    pub weekly_kurtosis: f64,
    pub daily_l_kurtosis: f64,
    pub weekly_l_kurtosis: f64,
    /// Share of the total weekly increase carried by the largest 5% of weekly changes.
    pub top5_share_of_increase: Option<f64>,
    /// The same for decreases.
    pub top5_share_of_decrease: Option<f64>,
    pub incidents: IncidentStatistics,
    pub news: Vec<NewsResponse>,
    pub lags: ResponseLags,
}

fn news_responses(data: &RunData) -> Vec<NewsResponse> {
    let a = &data.adoption;
    let mut out: Vec<NewsResponse> = Vec::new();
    for e in data.events.iter().filter(|e| e.kind == EventKind::News) {
        let d = e.day as usize;
        if d == 0 || d >= a.len() || out.last().is_some_and(|n| e.day < n.day + 30) {
            continue;
        }
        let before = a[d - 1];
        let window = &a[d..(d + 90).min(a.len())];
        let low = window.iter().copied().fold(f64::INFINITY, f64::min);
        let low_day = d + window.iter().position(|x| *x == low).unwrap_or(0);
        let recovery_days = (low_day..a.len()).find(|&t| a[t] >= before).map(|t| (t - d) as u32);
        out.push(NewsResponse {
            day: e.day,
            drop: before - low,
            recovery_days,
        });
    }
    out
}

fn first_after(data: &RunData, kind: EventKind, day: Option<u32>) -> Option<u32> {
    let start = day?;
    data.events
        .iter()
        .find(|e| e.kind == kind && e.day >= start)
        .map(|e| e.day - start)
}

/// Analyses one run.
pub fn analyze(data: &RunData) -> Analysis {
    let (segments, penalty) = segments(&data.baseline);
    let jumps = jumps(data, &segments);
    let daily = changes(&data.baseline, 1);
    let weekly = changes(&data.baseline, 7);
    let first_news_day = data.events.iter().find(|e| e.kind == EventKind::News).map(|e| e.day);
    let losses_start_day = data.loss.iter().position(|l| *l > 0.0).map(|d| d as u32);
    Analysis {
        days: data.baseline.len(),
        penalty,
        jumps,
        daily_kurtosis: kurtosis(&daily),
        weekly_kurtosis: kurtosis(&weekly),
        daily_l_kurtosis: l_kurtosis(&daily),
        weekly_l_kurtosis: l_kurtosis(&weekly),
        top5_share_of_increase: top_share(&weekly, true),
        top5_share_of_decrease: top_share(&weekly, false),
        incidents: incident_statistics(data),
        news: news_responses(data),
        lags: ResponseLags {
            first_news_day,
            news_to_first_vendor_raise: first_after(data, EventKind::VendorRaise, first_news_day),
            news_to_first_regulation: first_after(data, EventKind::Regulation, first_news_day),
            losses_start_day,
            losses_to_first_vendor_raise: first_after(data, EventKind::VendorRaise, losses_start_day),
            losses_to_first_regulation: first_after(data, EventKind::Regulation, losses_start_day),
        },
        segments,
    }
}
