//! Statistics of the incidents of a run: the spread and tail of their sizes, their monthly
//! dispersion, and abandonment by their victims by size decile.

use super::shape::hill_tail_exponent;
use super::RunData;
use esplab_model::{Detail, EventKind};

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

pub(super) fn incident_statistics(data: &RunData) -> IncidentStatistics {
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
