//! Punctuation analysis of one run: change points of the baseline, the jumps and the chain of
//! events behind each, erosion between jumps, the shape of baseline changes, incident statistics
//! and response lags.
//!
//! Change points come from PELT (optimal partitioning with pruning) on the daily baseline changes
//! under a Normal mean-shift cost (sum of squared deviations from each segment's mean), with the
//! penalty per change point `max(2 sigma^2 ln n, JUMP_THRESHOLD^2 / 2)`, and
//! `sigma` estimated robustly as 1.4826 × the median absolute deviation of the changes. A
//! segment of at most [`JUMP_DAYS`] days whose total change exceeds [`JUMP_THRESHOLD`] is a jump;
//! the segments between jumps are equilibria, described by their erosion rate.

use esplab_model::{Detail, EventKind, JUMP_THRESHOLD};

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
                    // As written to events.csv, so that a run analysed in memory and read back
                    // from its folder give the same analysis.
                    detail: Detail::parse(e.kind(), &e.detail.to_string()).unwrap_or(e.detail),
                })
                .collect(),
        }
    }
}

/// A segment of the baseline between change points: days `[start, end)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    /// Change of the baseline over the segment.
    pub change: f64,
    /// Mean daily change × 365.
    pub rate_per_year: f64,
    pub is_jump: bool,
}

/// One link of the chain of events behind a jump.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub day: u32,
    pub what: String,
}

/// A jump of the baseline and the events that led to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Jump {
    pub day: u32,
    pub size: f64,
    /// `vendor raise`, `regulation`, `intervention` or `shift of users between offerings`.
    pub cause: String,
    /// Earliest first; the last link is the cause.
    pub chain: Vec<Link>,
}

/// Sums of `y` and `y^2` up to each index, for O(1) segment costs.
struct Prefix {
    sum: Vec<f64>,
    squares: Vec<f64>,
}

impl Prefix {
    fn new(y: &[f64]) -> Self {
        let mut sum = vec![0.0; y.len() + 1];
        let mut squares = vec![0.0; y.len() + 1];
        for (i, v) in y.iter().enumerate() {
            sum[i + 1] = sum[i] + v;
            squares[i + 1] = squares[i] + v * v;
        }
        Self { sum, squares }
    }

    fn cost(&self, a: usize, b: usize) -> f64 {
        let n = (b - a) as f64;
        let s = self.sum[b] - self.sum[a];
        ((self.squares[b] - self.squares[a]) - s * s / n).max(0.0)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The penalty of a split for the daily changes `changes`.
pub fn penalty(changes: &[f64]) -> f64 {
    let m = median(changes.to_vec());
    let mad = median(changes.iter().map(|c| (c - m).abs()).collect());
    let sigma = 1.4826 * mad;
    (2.0 * sigma * sigma * (changes.len().max(2) as f64).ln()).max(JUMP_THRESHOLD * JUMP_THRESHOLD / 2.0)
}

/// Optimal change points of the daily changes for penalty `beta` by PELT (Killick, Fearnhead &
/// Eckley 2012): the partition minimising the sum of segment costs plus `beta` per segment.
/// Returns sorted segment boundaries including 0 and `n`.
pub fn pelt(changes: &[f64], beta: f64) -> Vec<usize> {
    let n = changes.len();
    let prefix = Prefix::new(changes);
    let mut best = vec![0.0; n + 1];
    let mut previous = vec![0usize; n + 1];
    best[0] = -beta;
    let mut candidates: Vec<usize> = vec![0];
    for t in 1..=n {
        let (tau, value) = candidates
            .iter()
            .map(|&tau| (tau, best[tau] + prefix.cost(tau, t) + beta))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .unwrap_or((0, 0.0));
        best[t] = value;
        previous[t] = tau;
        candidates.retain(|&tau| best[tau] + prefix.cost(tau, t) <= best[t]);
        candidates.push(t);
    }
    let mut bounds = vec![n];
    let mut t = n;
    while t > 0 {
        t = previous[t];
        bounds.push(t);
    }
    bounds.reverse();
    bounds.dedup();
    bounds
}

/// Segments of the baseline (day `i` of the changes is the move from day `i` to `i + 1`).
pub fn segments(baseline: &[f64]) -> (Vec<Segment>, f64) {
    let changes: Vec<f64> = baseline.windows(2).map(|w| w[1] - w[0]).collect();
    let beta = penalty(&changes);
    let bounds = pelt(&changes, beta);
    let segments = bounds
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let change: f64 = changes[a..b].iter().sum();
            Segment {
                start: a + 1,
                end: b + 1,
                change,
                rate_per_year: change / (b - a).max(1) as f64 * 365.0,
                is_jump: b - a <= JUMP_DAYS && change > JUMP_THRESHOLD,
            }
        })
        .collect();
    (segments, beta)
}

fn latest(events: &[EventRow], kind: EventKind, from: u32, to: u32) -> Option<&EventRow> {
    events
        .iter()
        .rev()
        .find(|e| e.kind == kind && e.day >= from && e.day <= to)
}

fn largest(events: &[EventRow], kind: EventKind, from: u32, to: u32) -> Option<&EventRow> {
    events
        .iter()
        .filter(|e| e.kind == kind && e.day >= from && e.day <= to)
        .max_by(|a, b| a.size.total_cmp(&b.size))
}

/// The incident behind a news item: the largest incident of the same day and offering.
fn incident_of<'e>(events: &'e [EventRow], news: &EventRow) -> Option<&'e EventRow> {
    events
        .iter()
        .filter(|e| e.kind == EventKind::Incident && e.day == news.day && e.offering == news.offering)
        .max_by(|a, b| a.size.total_cmp(&b.size))
}

fn incident_link(incident: &EventRow) -> Link {
    Link {
        day: incident.day,
        what: format!("incident of {:.3e} records on {}", incident.size, incident.offering),
    }
}

fn news_link(news: &EventRow) -> Link {
    Link {
        day: news.day,
        what: format!("news ({:.2} log10 above the attention threshold)", news.size),
    }
}

/// The jumps of a run with the chain of events behind each.
pub fn jumps(data: &RunData, segments: &[Segment]) -> Vec<Jump> {
    let events = &data.events;
    let mut out = Vec::new();
    for s in segments.iter().filter(|s| s.is_jump) {
        let (first, last) = (s.start as u32, (s.end - 1) as u32);
        let mut chain = Vec::new();
        let cause = if let Some(raise) = latest(events, EventKind::VendorRaise, first, last) {
            let from = raise.day.saturating_sub(LOOKBACK_DAYS);
            if let Some(news) = largest(events, EventKind::News, from, raise.day) {
                if let Some(incident) = incident_of(events, news) {
                    chain.push(incident_link(incident));
                }
                chain.push(news_link(news));
                let churn_day = (news.day as usize..=raise.day as usize)
                    .filter(|&d| d < data.security_churn.len())
                    .max_by(|&a, &b| {
                        data.security_churn[a]
                            .total_cmp(&data.security_churn[b])
                            .then(b.cmp(&a))
                    });
                if let Some(d) = churn_day {
                    chain.push(Link {
                        day: d as u32,
                        what: format!(
                            "security churn peaks ({:.3}% of users leave that day)",
                            100.0 * data.security_churn[d]
                        ),
                    });
                }
            } else {
                if let Some(incident) =
                    largest(events, EventKind::Incident, from, raise.day).filter(|i| i.offering == raise.offering)
                {
                    chain.push(incident_link(incident));
                }
                chain.push(Link {
                    day: raise.day,
                    what: "security churn without news (harm and word of mouth)".into(),
                });
            }
            chain.push(Link {
                day: raise.day,
                what: format!("vendor raise by {} ({})", raise.offering, raise.detail),
            });
            "vendor raise"
        } else if let Some(regulation) = latest(events, EventKind::Regulation, first, last) {
            if let Some(outcry) = latest(events, EventKind::Outcry, 0, regulation.day) {
                if let Some(news) = largest(
                    events,
                    EventKind::News,
                    outcry.day.saturating_sub(LOOKBACK_DAYS),
                    outcry.day,
                ) {
                    if let Some(incident) = incident_of(events, news) {
                        chain.push(incident_link(incident));
                    }
                    chain.push(news_link(news));
                }
                chain.push(Link {
                    day: outcry.day,
                    what: format!("outcry ({:.3})", outcry.size),
                });
            }
            chain.push(Link {
                day: regulation.day,
                what: format!("regulation ({})", regulation.detail),
            });
            "regulation"
        } else if let Some(intervention) = latest(events, EventKind::Intervention, first, last) {
            chain.push(Link {
                day: intervention.day,
                what: intervention.detail.to_string(),
            });
            "intervention"
        } else {
            "shift of users between offerings"
        };
        out.push(Jump {
            day: chain.last().map(|l| l.day).unwrap_or(first),
            size: s.change,
            cause: cause.into(),
            chain,
        });
    }
    out
}

/// Kurtosis (3 for a Normal).
pub fn kurtosis(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|a| (a - m).powi(2)).sum::<f64>() / n;
    x.iter().map(|a| (a - m).powi(4)).sum::<f64>() / n / (v * v)
}

/// Sample L-kurtosis tau4 = lambda4 / lambda2 from unbiased probability-weighted moments
/// (0.1226 for a Normal).
pub fn l_kurtosis(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    let (mut b0, mut b1, mut b2, mut b3) = (0.0, 0.0, 0.0, 0.0);
    for (i, x) in v.iter().enumerate() {
        let j = i as f64;
        b0 += x;
        b1 += x * j / (n - 1.0);
        b2 += x * j * (j - 1.0) / ((n - 1.0) * (n - 2.0));
        b3 += x * j * (j - 1.0) * (j - 2.0) / ((n - 1.0) * (n - 2.0) * (n - 3.0));
    }
    let (b0, b1, b2, b3) = (b0 / n, b1 / n, b2 / n, b3 / n);
    let l2 = 2.0 * b1 - b0;
    let l4 = 20.0 * b3 - 30.0 * b2 + 12.0 * b1 - b0;
    l4 / l2
}

/// Share of the total of changes of one sign carried by the largest 5% of changes of that sign
/// (by magnitude, among all changes); `None` when there is no change of that sign.
pub fn top_share(changes: &[f64], increases: bool) -> Option<f64> {
    let signed: Vec<f64> = changes.iter().map(|c| if increases { *c } else { -*c }).collect();
    let total: f64 = signed.iter().filter(|c| **c > 0.0).sum();
    if total <= 0.0 {
        return None;
    }
    let mut sorted = signed;
    sorted.sort_by(|a, b| b.total_cmp(a));
    let k = ((changes.len() as f64 * 0.05).ceil() as usize).max(1);
    Some(sorted[..k].iter().filter(|c| **c > 0.0).sum::<f64>() / total)
}

/// Changes over steps of `step` days.
pub fn changes(series: &[f64], step: usize) -> Vec<f64> {
    (0..series.len().saturating_sub(step))
        .step_by(step)
        .map(|i| series[i + step] - series[i])
        .collect()
}

/// Hill estimate of the tail exponent from the largest `k` of `sizes`.
pub fn hill_tail_exponent(sizes: &[f64], k: usize) -> Option<f64> {
    let mut v: Vec<f64> = sizes.iter().copied().filter(|s| *s > 0.0).collect();
    if v.len() <= k || k == 0 {
        return None;
    }
    v.sort_by(|a, b| b.total_cmp(a));
    let threshold = v[k];
    let mean_log = v[..k].iter().map(|x| (x / threshold).ln()).sum::<f64>() / k as f64;
    (mean_log > 0.0).then(|| 1.0 / mean_log)
}

/// Abandonment by the victims of incidents of one size decile.
#[derive(Debug, Clone, PartialEq)]
pub struct Decile {
    /// Smallest and largest incident (records) in the decile.
    pub low: f64,
    pub high: f64,
    pub incidents: usize,
    pub victims: f64,
    /// Share of victims who abandoned within 90 days.
    pub abandoned_share: f64,
}

/// Statistics of the incidents of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentStatistics {
    pub count: usize,
    pub log10_mean: f64,
    pub log10_sd: f64,
    /// Hill estimate of the power-law exponent of sizes over the largest 10% (at least 5).
    pub tail_exponent: Option<f64>,
    /// Variance over mean of incident counts in 30-day months (1 for Poisson).
    pub monthly_variance_to_mean: f64,
    pub abandonment_by_decile: Vec<Decile>,
}

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

fn incident_statistics(data: &RunData) -> IncidentStatistics {
    let sizes: Vec<f64> = data
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Incident && e.size > 0.0)
        .map(|e| e.size)
        .collect();
    let logs: Vec<f64> = sizes.iter().map(|s| s.log10()).collect();
    let n = logs.len() as f64;
    let log10_mean = logs.iter().sum::<f64>() / n;
    let log10_sd = (logs.iter().map(|l| (l - log10_mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let months: Vec<f64> = data
        .incidents
        .chunks(30)
        .filter(|c| c.len() == 30)
        .map(|c| c.iter().sum())
        .collect();
    let m = months.iter().sum::<f64>() / months.len() as f64;
    let v = months.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (months.len() as f64 - 1.0);
    let mut outcomes: Vec<(f64, f64, f64)> = data
        .events
        .iter()
        .filter_map(|e| match e.detail {
            Detail::IncidentOutcome {
                records,
                victims,
                abandoned,
                ..
            } => Some((records, victims as f64, abandoned as f64)),
            _ => None,
        })
        .collect();
    outcomes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let abandonment_by_decile = if outcomes.len() >= 10 {
        (0..10)
            .map(|d| {
                let part = &outcomes[d * outcomes.len() / 10..(d + 1) * outcomes.len() / 10];
                let victims: f64 = part.iter().map(|o| o.1).sum();
                Decile {
                    low: part.first().map(|o| o.0).unwrap_or(f64::NAN),
                    high: part.last().map(|o| o.0).unwrap_or(f64::NAN),
                    incidents: part.len(),
                    victims,
                    abandoned_share: part.iter().map(|o| o.2).sum::<f64>() / victims.max(1.0),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    IncidentStatistics {
        count: sizes.len(),
        log10_mean,
        log10_sd,
        tail_exponent: hill_tail_exponent(&sizes, (sizes.len() / 10).max(5)),
        monthly_variance_to_mean: if m > 0.0 { v / m } else { f64::NAN },
        abandonment_by_decile,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segmentation_finds_jumps_in_an_eroding_series() {
        // Erosion by 0.0005 a day with jumps of +0.1 on days 300 and 700.
        let mut b = vec![0.5];
        for d in 1..1000 {
            let jump = if d == 300 || d == 700 { 0.1 } else { 0.0 };
            b.push(b[d - 1] - 0.0005 + jump);
        }
        let (segments, beta) = segments(&b);
        assert!(beta > 0.0);
        let jumps: Vec<&Segment> = segments.iter().filter(|s| s.is_jump).collect();
        assert_eq!(jumps.len(), 2, "{segments:?}");
        assert_eq!(jumps[0].start, 300);
        assert!((jumps[1].change - 0.0995).abs() < 1e-9);
        let erosion: Vec<&Segment> = segments.iter().filter(|s| !s.is_jump).collect();
        assert!(erosion.iter().all(|s| (s.rate_per_year + 0.0005 * 365.0).abs() < 1e-6));
    }

    #[test]
    fn l_kurtosis_of_a_normal_sample_is_near_0_1226_and_of_spikes_higher() {
        // Normal quantiles as a sample.
        let normal: Vec<f64> = (1..2000)
            .map(|i| {
                let p = i as f64 / 2000.0;
                statrs::distribution::ContinuousCDF::inverse_cdf(
                    &statrs::distribution::Normal::new(0.0, 1.0).unwrap(),
                    p,
                )
            })
            .collect();
        assert!((l_kurtosis(&normal) - 0.1226).abs() < 0.005);
        assert!((kurtosis(&normal) - 3.0).abs() < 0.1);
        let mut spiky = vec![0.0; 1000];
        spiky[10] = 1.0;
        spiky[500] = 2.0;
        assert!(l_kurtosis(&spiky) > 0.5);
        assert_eq!(top_share(&spiky, true), Some(1.0));
        assert_eq!(top_share(&spiky, false), None);
    }

    #[test]
    fn hill_recovers_a_pareto_tail() {
        // Pareto(alpha = 1.5) quantiles.
        let sizes: Vec<f64> = (1..10_000)
            .map(|i| (1.0 - i as f64 / 10_000.0).powf(-1.0 / 1.5))
            .collect();
        let alpha = hill_tail_exponent(&sizes, 1000).unwrap();
        assert!((alpha - 1.5).abs() < 0.05, "{alpha}");
    }
}
