//! What one run of a posterior draw says about the future: the daily share of the observed
//! offering (or the market's baseline), and the days of regulations, revisions of the standard
//! and incidents with their sizes; and the chances over many draws that something happens
//! within a window.

use super::JUMP_WINDOW_DAYS;
use crate::facts::wilson;
use crate::run::replicate;
use crate::statistics::quantile_sorted;
use esplab_model::{DayRecord, Event, EventKind, Observer, OfferingDay, Parameters};

/// One run's path and events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outlook {
    /// Which share is recorded: an offering's security, or `None` for the baseline.
    offering: Option<usize>,
    /// The share on each day.
    pub shares: Vec<f32>,
    pub regulations: Vec<u32>,
    pub revisions: Vec<u32>,
    /// Each incident's day and records.
    pub incidents: Vec<(u32, f64)>,
}

impl Observer for Outlook {
    fn day(&mut self, record: &DayRecord, offerings: &[OfferingDay]) {
        let share = match self.offering {
            None => record.baseline,
            Some(j) => offerings.get(j).map_or(f64::NAN, |o| o.security),
        };
        self.shares.push(share as f32);
    }

    fn event(&mut self, event: &Event) {
        match event.kind() {
            EventKind::Regulation => self.regulations.push(event.day),
            EventKind::Revision => self.revisions.push(event.day),
            EventKind::Incident => self.incidents.push((event.day, event.size)),
            _ => {}
        }
    }
}

impl Outlook {
    /// Runs `parameters` with the seed of run `index` under `master`, recording `offering`'s
    /// share (the baseline for `None`).
    pub fn run(parameters: &Parameters, master: u64, index: u64, offering: Option<usize>) -> Self {
        let mut outlook = Self {
            offering,
            ..Self::default()
        };
        replicate(parameters, master, index, &mut outlook);
        outlook
    }

    /// The share on `day` (the last day's past the end).
    pub fn share(&self, day: u32) -> f64 {
        let i = (day as usize).min(self.shares.len().saturating_sub(1));
        self.shares.get(i).map_or(f64::NAN, |&s| f64::from(s))
    }

    /// Whether the share rose by more than `rise` within [`JUMP_WINDOW_DAYS`] days, the jump
    /// starting in `(from, to]`: a day whose share exceeds the least of the window before it by
    /// more than `rise`, when the day before did not.
    pub fn jumped(&self, from: u32, to: u32, rise: f64) -> bool {
        let above = |day: usize| {
            let start = day.saturating_sub(JUMP_WINDOW_DAYS as usize);
            let least = self.shares[start..day]
                .iter()
                .fold(f64::INFINITY, |m, &s| m.min(f64::from(s)));
            day > 0 && f64::from(self.shares[day]) - least > rise
        };
        let last = (to as usize).min(self.shares.len().saturating_sub(1));
        ((from as usize + 1)..=last).any(|day| above(day) && !above(day - 1))
    }

    /// Whether a day of `days` falls in `(from, to]`.
    pub fn within(days: &[u32], from: u32, to: u32) -> bool {
        days.iter().any(|&d| d > from && d <= to)
    }

    /// Whether an incident of at least `records` came in `(from, to]`.
    pub fn incident_at_least(&self, records: f64, from: u32, to: u32) -> bool {
        self.incidents
            .iter()
            .any(|&(d, size)| d > from && d <= to && size >= records)
    }
}

/// The chance that something happens, over draws: the share of draws where it did, with its
/// Wilson 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chance {
    pub happened: usize,
    pub draws: usize,
    pub share: f64,
    pub low: f64,
    pub high: f64,
}

impl Chance {
    pub fn of(outcomes: impl Iterator<Item = bool>) -> Self {
        let (mut happened, mut draws) = (0, 0);
        for o in outcomes {
            happened += usize::from(o);
            draws += 1;
        }
        let (share, low, high) = wilson(happened, draws.max(1));
        Self {
            happened,
            draws,
            share,
            low,
            high,
        }
    }
}

/// The quantiles `levels` of the draws' shares on `day`.
pub fn quantiles(outlooks: &[Outlook], day: u32, levels: &[f64]) -> Vec<f64> {
    let mut shares: Vec<f64> = outlooks
        .iter()
        .map(|o| o.share(day))
        .filter(|s| s.is_finite())
        .collect();
    shares.sort_by(f64::total_cmp);
    levels
        .iter()
        .map(|&q| {
            if shares.is_empty() {
                f64::NAN
            } else {
                quantile_sorted(&shares, q)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outlook(shares: &[f32]) -> Outlook {
        Outlook {
            shares: shares.to_vec(),
            ..Outlook::default()
        }
    }

    #[test]
    fn a_jump_is_a_rise_within_a_month_ending_inside_the_window() {
        let mut s = vec![0.2f32; 100];
        for x in &mut s[60..] {
            *x = 0.3;
        }
        let o = outlook(&s);
        assert!(o.jumped(50, 99, 0.05));
        assert!(!o.jumped(50, 99, 0.15));
        assert!(!o.jumped(61, 99, 0.05), "the rise ended before the window");
        // A slow rise of 0.1 over 100 days is no jump of 0.05 within 30 days.
        let slow: Vec<f32> = (0..100).map(|d| 0.2 + 0.001 * d as f32).collect();
        assert!(!outlook(&slow).jumped(0, 99, 0.05));
    }

    #[test]
    fn chances_count_draws_with_wilson_intervals() {
        let c = Chance::of([true, false, false, true].into_iter());
        assert_eq!((c.happened, c.draws), (2, 4));
        assert!(c.low < 0.5 && c.high > 0.5);
        let o = Outlook {
            regulations: vec![10, 400],
            incidents: vec![(5, 1e9), (50, 10.0)],
            ..outlook(&[0.1; 500])
        };
        assert!(Outlook::within(&o.regulations, 100, 499) && !Outlook::within(&o.regulations, 10, 399));
        assert!(o.incident_at_least(1e8, 0, 10) && !o.incident_at_least(1e8, 5, 499));
    }
}
