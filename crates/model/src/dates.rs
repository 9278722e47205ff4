//! Calendar dates of simulated days. A scenario may name the date of day 0; day `d` then falls
//! `d` days later. Dates only label outputs (tables, charts, stories): the dynamics never read
//! them, so a start date changes no simulated number.

use chrono::{Datelike, Days, Months, NaiveDate};
use std::fmt;

/// The calendar date of day 0 of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartDate(NaiveDate);

impl StartDate {
    /// Earliest start date a scenario may name.
    pub const EARLIEST: &'static str = "1900-01-01";
    /// Latest start date a scenario may name (with the 150-year horizon, every day stays a date).
    pub const LATEST: &'static str = "2199-12-31";

    /// Parses `YYYY-MM-DD` (exactly that form) between [`Self::EARLIEST`] and [`Self::LATEST`].
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 10 {
            return None;
        }
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        let in_range = (1900..=2199).contains(&date.year());
        (in_range && date.format("%Y-%m-%d").to_string() == text).then_some(Self(date))
    }

    /// Days from this date to `later` (negative when `later` comes first).
    pub fn days_to(&self, later: StartDate) -> i64 {
        (later.0 - self.0).num_days()
    }

    /// The date of day `day` of the run.
    pub fn date_of(&self, day: u32) -> NaiveDate {
        self.0 + Days::new(u64::from(day))
    }

    /// The date of day `day` as `YYYY-MM-DD`.
    pub fn label(&self, day: u32) -> String {
        self.date_of(day).format("%Y-%m-%d").to_string()
    }

    /// The day number of `date` (negative before the start).
    pub fn day_of(&self, date: NaiveDate) -> i64 {
        (date - self.0).num_days()
    }

    /// Axis ticks between days `first` and `last`: the first days of months, every 1, 3, 6, 12,
    /// 24, 60 or 120 months (the smallest step giving at most `count` ticks, aligned to quarters
    /// or years), as (day, label): `YYYY` for steps of a year or more, else `YYYY-MM`.
    pub fn month_ticks(&self, first: f64, last: f64, count: usize) -> Vec<(f64, String)> {
        if !(first.is_finite() && last.is_finite()) || last < first {
            return Vec::new();
        }
        let span_months = (last - first) / 30.44;
        let step = [1u32, 3, 6, 12, 24, 60, 120]
            .into_iter()
            .find(|m| span_months / f64::from(*m) <= count.max(1) as f64)
            .unwrap_or(240);
        let from = self.0 + Days::new(first.max(0.0).ceil() as u64);
        // The first month start on or after `from` that is aligned to the step.
        let mut month = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
        if month < from {
            month = month + Months::new(1);
        }
        let index = |d: NaiveDate| d.year() as i64 * 12 + i64::from(d.month0());
        while index(month).rem_euclid(i64::from(step)) != 0 {
            month = month + Months::new(1);
        }
        let mut ticks = Vec::new();
        while (self.day_of(month) as f64) <= last {
            let label = if step >= 12 {
                month.format("%Y").to_string()
            } else {
                month.format("%Y-%m").to_string()
            };
            ticks.push((self.day_of(month) as f64, label));
            month = month + Months::new(step);
        }
        ticks
    }

    /// The date of day `day` as `YYYY-MM-DD`, or an empty string without a start date.
    pub fn label_or_empty(start: Option<Self>, day: u32) -> String {
        start.map(|s| s.label(day)).unwrap_or_default()
    }
}

impl fmt::Display for StartDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_count_from_the_start_date() {
        let mcp = StartDate::parse("2024-11-25").unwrap();
        assert_eq!(mcp.label(0), "2024-11-25");
        assert_eq!(mcp.label(36), "2024-12-31");
        assert_eq!(mcp.label(37), "2025-01-01");
        // 2028 is a leap year: 2028-02-29 exists.
        let leap = StartDate::parse("2028-02-28").unwrap();
        assert_eq!(leap.label(1), "2028-02-29");
        assert_eq!(mcp.to_string(), "2024-11-25");
        assert_eq!(StartDate::label_or_empty(None, 5), "");
    }

    #[test]
    fn month_ticks_fall_on_month_starts_with_round_steps() {
        let mcp = StartDate::parse("2024-11-25").unwrap();
        // Five years: yearly ticks at each 1 January.
        let ticks = mcp.month_ticks(0.0, 1825.0, 8);
        let labels: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["2025", "2026", "2027", "2028", "2029"]);
        assert_eq!(ticks[0].0, 37.0, "2025-01-01 is day 37");
        // One year: quarters.
        let labels: Vec<String> = mcp.month_ticks(0.0, 365.0, 8).into_iter().map(|t| t.1).collect();
        assert_eq!(labels, ["2025-01", "2025-04", "2025-07", "2025-10"]);
        // A month: none or one tick, never one outside the range.
        for (day, _) in mcp.month_ticks(10.0, 40.0, 8) {
            assert!((10.0..=40.0).contains(&day));
        }
        // A hundred years: at most eight ticks.
        assert!(mcp.month_ticks(0.0, 36_500.0, 8).len() <= 8);
    }

    #[test]
    fn only_real_dates_in_range_parse() {
        for bad in [
            "2024-11-31",
            "2024-2-01",
            "24-11-25",
            "2024/11/25",
            "1899-12-31",
            "2200-01-01",
            "",
            "2024-11-25T00:00:00",
        ] {
            assert!(StartDate::parse(bad).is_none(), "{bad}");
        }
        assert!(StartDate::parse(StartDate::EARLIEST).is_some());
        let latest = StartDate::parse(StartDate::LATEST).unwrap();
        // The last day of the longest horizon is still a date.
        assert!(latest.label(54_750).starts_with("2349-"));
    }
}
