//! Observed shares: dated surveys of the share of deployments meeting a preset's control
//! (`data/shares.csv`, derived from `data/security_series.csv` by `data/derive_targets.py`), and
//! whether an ensemble of runs covers them.
//!
//! Each point ties one survey to the offering whose deployments it measured (or to the whole
//! market, the adoption-weighted baseline) and carries its sample size, so its uncertainty is a
//! binomial one: a Wilson 95% interval. An ensemble covers a point when the 5–95% range of its
//! runs' shares on the point's day overlaps that interval; a point whose survey measured a
//! stricter control is a lower bound, covered when the runs' 95th percentile reaches the
//! interval's low end.
//!
//! The revisions of a standard (`data/revisions.csv`) are compared the same way: how many the
//! runs' standards body published by the last observed revision's date, and when the first came.

use crate::facts::wilson;
use crate::statistics::quantile_sorted;
use chrono::NaiveDate;
use esplab_model::{Parameters, Recorder};
use std::fmt;

/// The shipped points (`data/shares.csv`).
pub const SHIPPED: &str = include_str!("../../../data/shares.csv");

/// Name of the shipped points' file in errors.
pub const SHIPPED_SOURCE: &str = "data/shares.csv";

/// The columns of a shares file, in order.
pub const COLUMNS: [&str; 11] = [
    "preset",
    "offering",
    "series_id",
    "observed",
    "date",
    "share",
    "sample",
    "relation",
    "control",
    "note",
    "source_url",
];

/// How a survey's control relates to the preset's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The survey measured the preset's control.
    Same,
    /// The survey measured a stricter control: the preset's share is at least the point's.
    LowerBound,
}

impl Relation {
    /// Its spelling in a shares file.
    pub fn name(self) -> &'static str {
        match self {
            Self::Same => "same",
            Self::LowerBound => "lower bound",
        }
    }
}

/// One observed share.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedShare {
    /// The preset whose control it observes.
    pub preset: String,
    /// The offering whose deployments it surveyed; `None`: the whole market.
    pub offering: Option<String>,
    /// The series of `data/security_series.csv` it comes from.
    pub series: String,
    /// The day it stands for (a month's 15th, a year's 1 July).
    pub observed: NaiveDate,
    /// The date as the survey gives it.
    pub date: String,
    /// Share of the surveyed deployments meeting the control.
    pub share: f64,
    /// Deployments surveyed.
    pub sample: u64,
    pub relation: Relation,
    /// The control as the survey states it.
    pub control: String,
    /// Why the point stands for that offering.
    pub note: String,
    pub source_url: String,
}

/// A row of a shares file that cannot be read: where, which column, the value and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedError {
    pub source: String,
    pub line: u64,
    pub column: String,
    pub value: String,
    pub allowed: String,
}

impl fmt::Display for ObservedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: value \"{}\" is out of range; allowed: {}",
            self.source, self.line, self.column, self.value, self.allowed
        )
    }
}

impl std::error::Error for ObservedError {}

impl ObservedError {
    fn new(source: &str, line: u64, column: &str, value: &str, allowed: &str) -> Self {
        Self {
            source: source.to_string(),
            line,
            column: column.to_string(),
            value: value.to_string(),
            allowed: allowed.to_string(),
        }
    }
}

/// A date written exactly `YYYY-MM-DD`.
fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| d.format("%Y-%m-%d").to_string() == text)
}

/// Reads a shares file's text; `source` names it in errors.
pub fn parse(text: &str, source: &str) -> Result<Vec<ObservedShare>, ObservedError> {
    let error =
        |line: u64, column: &str, value: &str, allowed: &str| ObservedError::new(source, line, column, value, allowed);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| error(1, "header", "", &e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    if header != COLUMNS {
        return Err(error(1, "header", &header.join(","), &COLUMNS.join(",")));
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            error(line, "row", "", &format!("a row of {} columns ({e})", COLUMNS.len()))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let observed = date(field(3)).ok_or_else(|| error(line, "observed", field(3), "a date YYYY-MM-DD"))?;
        let share = field(5)
            .parse::<f64>()
            .ok()
            .filter(|s| (0.0..=1.0).contains(s))
            .ok_or_else(|| error(line, "share", field(5), "a number in [0, 1]"))?;
        let sample = field(6)
            .parse::<u64>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| error(line, "sample", field(6), "a whole number >= 1"))?;
        let relation = match field(7) {
            "same" => Relation::Same,
            "lower bound" => Relation::LowerBound,
            other => return Err(error(line, "relation", other, "\"same\" or \"lower bound\"")),
        };
        if field(0).is_empty() {
            return Err(error(line, "preset", "", "a preset's name"));
        }
        out.push(ObservedShare {
            preset: field(0).to_string(),
            offering: Some(field(1)).filter(|o| !o.is_empty()).map(str::to_string),
            series: field(2).to_string(),
            observed,
            date: field(4).to_string(),
            share,
            sample,
            relation,
            control: field(8).to_string(),
            note: field(9).to_string(),
            source_url: field(10).to_string(),
        });
    }
    Ok(out)
}

/// The shipped points.
pub fn shipped() -> Vec<ObservedShare> {
    parse(SHIPPED, SHIPPED_SOURCE).expect("data/shares.csv reads (a test checks it)")
}

/// The shipped revisions of standards (`data/revisions.csv`).
pub const SHIPPED_REVISIONS: &str = include_str!("../../../data/revisions.csv");

/// The dated revisions of the standard a preset's standards body stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedRevisions {
    pub preset: String,
    /// Their dates, in order.
    pub dates: Vec<NaiveDate>,
}

/// Reads a revisions file's text (`preset,date,description,source_url`), grouped by preset in
/// the order of first mention; `source` names it in errors.
pub fn parse_revisions(text: &str, source: &str) -> Result<Vec<ObservedRevisions>, ObservedError> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut out: Vec<ObservedRevisions> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            ObservedError::new(source, line, "row", "", &format!("a row of 4 columns ({e})"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let (preset, text) = (record.get(0).unwrap_or(""), record.get(1).unwrap_or(""));
        let date = date(text).ok_or_else(|| ObservedError::new(source, line, "date", text, "a date YYYY-MM-DD"))?;
        match out.iter_mut().find(|r| r.preset == preset) {
            Some(r) => r.dates.push(date),
            None => out.push(ObservedRevisions {
                preset: preset.to_string(),
                dates: vec![date],
            }),
        }
    }
    for r in &mut out {
        r.dates.sort();
    }
    Ok(out)
}

/// The shipped revisions.
pub fn shipped_revisions() -> Vec<ObservedRevisions> {
    parse_revisions(SHIPPED_REVISIONS, "data/revisions.csv").expect("data/revisions.csv reads (a test checks it)")
}

/// How an ensemble's standards body compares with the observed revisions.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionCoverage {
    /// The last observed revision's day of the runs.
    pub by_day: u32,
    /// Revisions the runs published by then: median and 5–95% range.
    pub count_median: f64,
    pub count_low: f64,
    pub count_high: f64,
    /// Day of the runs' first revision (runs without one count as their last day): median and
    /// 5–95% range.
    pub first_median: f64,
    pub first_low: f64,
    pub first_high: f64,
    /// The observed first revision's day.
    pub observed_first: u32,
    /// Whether the observed count lies in the runs' range.
    pub count_covered: bool,
    /// Whether the observed first revision's day lies in the runs' range.
    pub first_covered: bool,
}

/// Compares the runs of one scenario with the observed revisions.
pub fn revision_coverage(
    observed: &ObservedRevisions,
    parameters: &Parameters,
    runs: &[Recorder],
) -> Result<RevisionCoverage, Uncomparable> {
    let start = parameters.run.start_date.ok_or(Uncomparable::NoStartDate)?;
    let days = runs.iter().map(|r| r.days.len()).min().unwrap_or(0);
    let day_of = |date: &NaiveDate| start.day_of(*date);
    let (Some(first), Some(last)) = (observed.dates.first(), observed.dates.last()) else {
        return Err(Uncomparable::OutsideTheRuns { day: -1, days });
    };
    let by = day_of(last);
    if day_of(first) < 0 || by >= days as i64 {
        return Err(Uncomparable::OutsideTheRuns { day: by, days });
    }
    let by = by as u32;
    let revision_days = |r: &Recorder| -> Vec<u32> {
        r.events
            .iter()
            .filter(|e| e.kind() == esplab_model::EventKind::Revision)
            .map(|e| e.day)
            .collect()
    };
    let mut counts: Vec<f64> = runs
        .iter()
        .map(|r| revision_days(r).iter().filter(|&&d| d <= by).count() as f64)
        .collect();
    let mut firsts: Vec<f64> = runs
        .iter()
        .map(|r| revision_days(r).first().map_or(days as f64 - 1.0, |&d| f64::from(d)))
        .collect();
    counts.sort_by(f64::total_cmp);
    firsts.sort_by(f64::total_cmp);
    let observed_count = observed.dates.len() as f64;
    let observed_first = day_of(first) as u32;
    let range = |v: &[f64]| {
        (
            quantile_sorted(v, 0.5),
            quantile_sorted(v, 0.05),
            quantile_sorted(v, 0.95),
        )
    };
    let (count_median, count_low, count_high) = range(&counts);
    let (first_median, first_low, first_high) = range(&firsts);
    Ok(RevisionCoverage {
        by_day: by,
        count_median,
        count_low,
        count_high,
        first_median,
        first_low,
        first_high,
        observed_first,
        count_covered: count_low <= observed_count && observed_count <= count_high,
        first_covered: first_low <= f64::from(observed_first) && f64::from(observed_first) <= first_high,
    })
}

/// How an ensemble compares with one observed share.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// The run's day the point falls on.
    pub day: u32,
    /// The observed share's Wilson 95% interval.
    pub observed_low: f64,
    pub observed_high: f64,
    /// The runs' median share on that day and their 5–95% range.
    pub median: f64,
    pub low: f64,
    pub high: f64,
    pub covered: bool,
}

/// Why an ensemble cannot be compared with a point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uncomparable {
    /// The scenario names no start date, so no day is dated.
    NoStartDate,
    /// The point falls outside the runs' days.
    OutsideTheRuns { day: i64, days: usize },
    /// The scenario has no offering of that name.
    UnknownOffering(String),
}

impl fmt::Display for Uncomparable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoStartDate => write!(f, "the scenario names no run.start_date"),
            Self::OutsideTheRuns { day, days } => write!(f, "it falls on day {day}, outside the runs' {days} days"),
            Self::UnknownOffering(name) => write!(f, "the scenario has no offering named \"{name}\""),
        }
    }
}

/// Compares the runs of one scenario with an observed share.
pub fn coverage(point: &ObservedShare, parameters: &Parameters, runs: &[Recorder]) -> Result<Coverage, Uncomparable> {
    let start = parameters.run.start_date.ok_or(Uncomparable::NoStartDate)?;
    let days = runs.iter().map(|r| r.days.len()).min().unwrap_or(0);
    let day = start.day_of(point.observed);
    if day < 0 || day >= days as i64 {
        return Err(Uncomparable::OutsideTheRuns { day, days });
    }
    let day = day as usize;
    let offering = match &point.offering {
        None => None,
        Some(name) => Some(
            parameters
                .offerings
                .iter()
                .position(|o| &o.name == name)
                .ok_or_else(|| Uncomparable::UnknownOffering(name.clone()))?,
        ),
    };
    let mut shares: Vec<f64> = runs
        .iter()
        .map(|r| match offering {
            None => r.days[day].baseline,
            Some(i) => r.offerings[day][i].security,
        })
        .collect();
    shares.sort_by(f64::total_cmp);
    let successes = (point.share * point.sample as f64).round() as usize;
    let (_, observed_low, observed_high) = wilson(successes, point.sample as usize);
    let (median, low, high) = (
        quantile_sorted(&shares, 0.5),
        quantile_sorted(&shares, 0.05),
        quantile_sorted(&shares, 0.95),
    );
    let covered = match point.relation {
        Relation::Same => low <= observed_high && high >= observed_low,
        Relation::LowerBound => high >= observed_low,
    };
    Ok(Coverage {
        day: day as u32,
        observed_low,
        observed_high,
        median,
        low,
        high,
        covered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use esplab_model::{DayRecord, OfferingDay};

    #[test]
    fn the_shipped_points_read_and_name_offerings_of_their_presets() {
        let points = shipped();
        assert!(points.len() >= 3);
        assert!(points
            .iter()
            .any(|p| p.preset == "mcp" && p.share == 0.0 && p.sample == 119));
        for p in &points {
            assert!(p.source_url.starts_with("http"), "{} has no source", p.series);
        }
    }

    #[test]
    fn revisions_are_counted_by_the_last_observed_date_and_the_first_is_dated() {
        let revisions = shipped_revisions();
        let mcp = revisions
            .iter()
            .find(|r| r.preset == "mcp")
            .expect("mcp's spec revisions");
        assert!(mcp.dates.len() >= 3);
        let mut parameters = Parameters::default();
        parameters.run.start_date = esplab_model::StartDate::parse("2020-01-01");
        let observed = ObservedRevisions {
            preset: "x".into(),
            dates: ["2020-01-06", "2020-01-11"]
                .iter()
                .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap())
                .collect(),
        };
        let revision = |day: u32| esplab_model::Event {
            day,
            offering: None,
            size: 0.5,
            detail: esplab_model::Detail::Revision { number: 1, uptake: 0.5 },
        };
        let mut ensemble = runs(&[0.1, 0.1, 0.1]);
        ensemble[0].events = vec![revision(4), revision(9)];
        ensemble[1].events = vec![revision(6), revision(15)];
        let c = revision_coverage(&observed, &parameters, &ensemble).unwrap();
        assert_eq!((c.by_day, c.observed_first), (10, 5));
        // Counts by day 10: 2, 1, 0 (the third run never revises, its first counted as day 19).
        assert_eq!((c.count_median, c.first_median), (1.0, 6.0));
        // Two observed lie above the 95th percentile of {0, 1, 2} (1.9); the first, day 5, inside
        // the firsts' range [4.2, 17.7].
        assert!(!c.count_covered && c.first_covered, "{c:?}");
        assert!((c.count_high - 1.9).abs() < 1e-12);
        let err = parse_revisions("preset,date\nmcp,2025-3-1\n", "r.csv")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "r.csv:2: date: value \"2025-3-1\" is out of range; allowed: a date YYYY-MM-DD"
        );
    }

    #[test]
    fn errors_name_the_file_the_line_the_column_and_what_is_allowed() {
        let header = COLUMNS.join(",");
        let err = |row: &str| parse(&format!("{header}\n{row}\n"), "s.csv").unwrap_err().to_string();
        assert_eq!(
            err("mcp,x,id,2025-07-15,2025-07,1.5,119,same,c,n,https://x"),
            "s.csv:2: share: value \"1.5\" is out of range; allowed: a number in [0, 1]"
        );
        assert_eq!(
            err("mcp,x,id,2025-7-45,2025-07,0.5,119,same,c,n,https://x"),
            "s.csv:2: observed: value \"2025-7-45\" is out of range; allowed: a date YYYY-MM-DD"
        );
        assert!(err("mcp,x,id,2025-07-15,2025-07,0.5,0,same,c,n,https://x").contains("sample: value \"0\""));
        assert!(err("mcp,x,id,2025-07-15,2025-07,0.5,9,upper,c,n,https://x").contains("relation: value \"upper\""));
        assert!(parse("a,b\n", "s.csv")
            .unwrap_err()
            .to_string()
            .starts_with("s.csv:1: header"));
    }

    /// Runs whose offering 0 has security `s` on every day, and a point on day 10 observing it.
    fn runs(securities: &[f64]) -> Vec<Recorder> {
        securities
            .iter()
            .map(|&s| Recorder {
                days: vec![
                    DayRecord {
                        baseline: s,
                        ..DayRecord::default()
                    };
                    20
                ],
                offerings: vec![
                    vec![OfferingDay {
                        users: 0.5,
                        security: s,
                        security_churn: 0.0
                    }];
                    20
                ],
                ..Recorder::default()
            })
            .collect()
    }

    fn point(share: f64, sample: u64, relation: Relation, offering: Option<&str>) -> ObservedShare {
        let mut p = shipped()[0].clone();
        p.observed = NaiveDate::from_ymd_opt(2020, 1, 11).unwrap();
        p.share = share;
        p.sample = sample;
        p.relation = relation;
        p.offering = offering.map(str::to_string);
        p
    }

    #[test]
    fn coverage_compares_the_runs_range_with_the_binomial_interval() {
        let mut parameters = Parameters::default();
        parameters.run.start_date = esplab_model::StartDate::parse("2020-01-01");
        let name = parameters.offerings[0].name.clone();
        let ensemble = runs(&[0.30, 0.32, 0.34, 0.36, 0.38]);
        let c = coverage(&point(0.35, 400, Relation::Same, Some(&name)), &parameters, &ensemble).unwrap();
        assert_eq!(c.day, 10);
        assert!((c.median - 0.34).abs() < 1e-12);
        assert!(c.covered);
        // 0 of 119 observed: the Wilson interval ends near 0.031, far below every run.
        let c = coverage(&point(0.0, 119, Relation::Same, Some(&name)), &parameters, &ensemble).unwrap();
        assert!(!c.covered && (c.observed_high - 0.0313).abs() < 1e-3, "{c:?}");
        // A lower bound below the runs is covered; one above them is not.
        assert!(
            coverage(&point(0.2, 1000, Relation::LowerBound, None), &parameters, &ensemble)
                .unwrap()
                .covered
        );
        assert!(
            !coverage(&point(0.6, 1000, Relation::LowerBound, None), &parameters, &ensemble)
                .unwrap()
                .covered
        );
        assert_eq!(
            coverage(&point(0.3, 10, Relation::Same, Some("nobody")), &parameters, &ensemble),
            Err(Uncomparable::UnknownOffering("nobody".into()))
        );
        parameters.run.start_date = esplab_model::StartDate::parse("2019-01-01");
        assert!(matches!(
            coverage(&point(0.3, 10, Relation::Same, None), &parameters, &ensemble),
            Err(Uncomparable::OutsideTheRuns { .. })
        ));
    }
}
