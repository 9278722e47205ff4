//! A technology's own observations: dated shares of deployments meeting a security control (a
//! series file) and the incidents, disclosures, fixes, spec revisions, regulations and mandates
//! around them (an events file), in the formats of `data/security_series.csv` and
//! `data/security_events.csv` (docs/observations.md).
//!
//! Series file: `series_id,technology,control,date,share` are required, `sample` (deployments
//! observed) is optional, any other column is provenance, kept and never read. Events file:
//! `technology,date,kind` required, `description`, `magnitude` (records, for incidents) and
//! `source_url` optional. Dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a month stands for its
//! 15th and a year for its 1 July, as in the target files. Every bad row is refused with its
//! file:line, the column, the value and what is allowed.

use crate::error::{Result, ScenarioError};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// The columns a series file must have.
pub const SERIES_COLUMNS: [&str; 5] = ["series_id", "technology", "control", "date", "share"];
/// The columns an events file must have.
pub const EVENT_COLUMNS: [&str; 3] = ["technology", "date", "kind"];

/// What an event record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecordKind {
    Incident,
    Disclosure,
    Fix,
    Spec,
    Regulation,
    Mandate,
    Other,
}

impl RecordKind {
    /// Every kind, in the order of their declaration.
    pub const ALL: [RecordKind; 7] = [
        Self::Incident,
        Self::Disclosure,
        Self::Fix,
        Self::Spec,
        Self::Regulation,
        Self::Mandate,
        Self::Other,
    ];

    /// Its spelling in an events file.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Incident => "incident",
            Self::Disclosure => "disclosure",
            Self::Fix => "fix",
            Self::Spec => "spec",
            Self::Regulation => "regulation",
            Self::Mandate => "mandate",
            Self::Other => "other",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == text)
    }
}

/// A date as a file gives it, with the day it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordDate {
    /// As written: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub text: String,
    /// The day it stands for: the date itself, a month's 15th, a year's 1 July.
    pub day: NaiveDate,
}

impl RecordDate {
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (years 1900 to 2199).
    pub fn parse(text: &str) -> Option<Self> {
        let day = match text.len() {
            4 => NaiveDate::from_ymd_opt(text.parse().ok()?, 7, 1),
            7 => NaiveDate::parse_from_str(&format!("{text}-15"), "%Y-%m-%d").ok(),
            10 => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
            _ => None,
        }?;
        let written = match text.len() {
            4 => day.format("%Y").to_string(),
            7 => day.format("%Y-%m").to_string(),
            _ => day.format("%Y-%m-%d").to_string(),
        };
        (written == text && (1900..=2199).contains(&day.year())).then(|| Self {
            text: text.to_string(),
            day,
        })
    }
}

/// The allowed forms of a date, for errors.
pub const DATE_FORMS: &str = "YYYY, YYYY-MM or YYYY-MM-DD (years 1900 to 2199)";

/// One observed share.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub series_id: String,
    pub technology: String,
    pub control: String,
    pub date: RecordDate,
    /// Fraction of the observed deployments meeting the control, in [0, 1].
    pub share: f64,
    /// Deployments observed, when the source says.
    pub sample: Option<u64>,
    /// The file's line of the row (1-based, the header is line 1).
    pub line: u64,
    /// The row's other columns, by name.
    pub provenance: BTreeMap<String, String>,
}

/// One dated event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub technology: String,
    pub date: RecordDate,
    pub kind: RecordKind,
    pub description: String,
    /// Records harmed: the `magnitude` cell when it is a number, or begins with a whole one
    /// ("40000000", "1,899 servers"); `None` for prose ("~1,000 customers", "CVSS 9.4").
    pub magnitude: Option<f64>,
    /// The `magnitude` cell as written.
    pub magnitude_text: String,
    pub source_url: String,
    pub line: u64,
}

/// A technology's name without a trailing parenthesis, lower-cased: how a series' technology
/// and an event's are matched ("US card payments (in-store)" meets "US card payments").
pub fn technology_key(name: &str) -> String {
    let trimmed = name.trim();
    let stem = match (trimmed.ends_with(')'), trimmed.rfind(" (")) {
        (true, Some(at)) => &trimmed[..at],
        _ => trimmed,
    };
    stem.trim().to_lowercase()
}

/// A CSV file read whole: its header and records, each with its line.
struct Rows {
    source: String,
    header: Vec<String>,
    records: Vec<(u64, csv::StringRecord)>,
}

impl Rows {
    fn read(path: &str) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| ScenarioError::Io {
            source_name: path.to_string(),
            message: e.to_string(),
        })?;
        Self::parse(&bytes, path)
    }

    fn parse(bytes: &[u8], source: &str) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
        let csv_error = |e: csv::Error| {
            let line = e.position().map_or(1, |p| p.line());
            ScenarioError::Row {
                source_name: source.to_string(),
                line,
                column: "(row)".into(),
                problem: format!("not valid CSV: {e}"),
                allowed: "comma-separated values with one cell per header column, quoted where a cell holds a comma"
                    .into(),
            }
        };
        let header: Vec<String> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut records = Vec::new();
        // The reader's own line count skips blank lines; count the newlines before the record.
        let mut counted = (0usize, 1u64);
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            let mut byte = record.position().map_or(0, |p| p.byte() as usize).min(bytes.len());
            while byte < bytes.len() && (bytes[byte] == b'\n' || bytes[byte] == b'\r') {
                byte += 1;
            }
            counted.1 += bytes[counted.0..byte].iter().filter(|&&b| b == b'\n').count() as u64;
            counted.0 = byte;
            let line = counted.1;
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            records.push((line, record));
        }
        Ok(Self {
            source: source.to_string(),
            header,
            records,
        })
    }

    fn require(&self, columns: &[&str]) -> Result<Vec<usize>> {
        columns
            .iter()
            .map(|c| {
                self.header
                    .iter()
                    .position(|h| h == c)
                    .ok_or_else(|| ScenarioError::Row {
                        source_name: self.source.clone(),
                        line: 1,
                        column: c.to_string(),
                        problem: format!("missing from the header ({})", self.header.join(",")),
                        allowed: format!("a header naming at least {}", columns.join(",")),
                    })
            })
            .collect()
    }

    fn optional(&self, column: &str) -> Option<usize> {
        self.header.iter().position(|h| h == column)
    }

    fn error(&self, line: u64, column: &str, value: &str, allowed: &str) -> ScenarioError {
        ScenarioError::Row {
            source_name: self.source.clone(),
            line,
            column: column.to_string(),
            problem: format!("value `{value}`"),
            allowed: allowed.to_string(),
        }
    }

    fn date(&self, line: u64, column: &str, text: &str) -> Result<RecordDate> {
        RecordDate::parse(text.trim()).ok_or_else(|| self.error(line, column, text, DATE_FORMS))
    }

    fn text(&self, line: u64, column: &str, text: &str) -> Result<String> {
        let t = text.trim();
        if t.is_empty() {
            Err(self.error(line, column, text, "a non-empty text"))
        } else {
            Ok(t.to_string())
        }
    }
}

/// What a `sample` cell may hold, for errors.
pub const SAMPLE_FORMS: &str =
    "empty, a whole number of deployments >= 1, or a description that begins with one (`525 servers`; other \
     descriptions are kept as provenance)";

/// A `sample` cell's count: a whole number, alone or followed by a space and words ("525
/// servers", "1,234 sites"); `None` for an empty cell or other prose ("Visa: 392,000 of 4.6
/// million", "1,000+ servers", kept as provenance); an error for a number alone that is not a
/// count (`12.5`, `0`, `-3`).
fn sample_count(text: &str) -> std::result::Result<Option<u64>, ()> {
    if text.starts_with('-') || text.parse::<f64>().is_ok() {
        return match text.parse::<u64>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(()),
        };
    }
    Ok(leading_count(text).filter(|&n| n >= 1))
}

/// The whole number a text begins with when a space or the end follows it ("525 servers",
/// "1,234 sites"), thousands separated by commas; `None` for other text.
fn leading_count(text: &str) -> Option<u64> {
    let first = text.split(' ').next().unwrap_or_default();
    let grouped = !first.starts_with(',') && first.split(',').skip(1).all(|g| g.len() == 3);
    first.replace(',', "").parse::<u64>().ok().filter(|_| grouped)
}

/// What a `magnitude` cell may hold, for errors.
pub const MAGNITUDE_FORMS: &str =
    "empty, a number of records >= 0, or a description (read as records when it begins with a whole number)";

/// Reads a series file.
pub fn read_series(path: &str) -> Result<Vec<Observation>> {
    series_from_rows(&Rows::read(path)?)
}

/// Reads series text (`source` names it in errors).
pub fn series_from_text(text: &str, source: &str) -> Result<Vec<Observation>> {
    series_from_rows(&Rows::parse(text.as_bytes(), source)?)
}

fn series_from_rows(rows: &Rows) -> Result<Vec<Observation>> {
    let at = rows.require(&SERIES_COLUMNS)?;
    let sample_at = rows.optional("sample");
    let mut out = Vec::with_capacity(rows.records.len());
    for (line, record) in &rows.records {
        let line = *line;
        let cell = |i: usize| record.get(i).unwrap_or("");
        let share_text = cell(at[4]).trim();
        let share = share_text
            .parse::<f64>()
            .ok()
            .filter(|s| (0.0..=1.0).contains(s))
            .ok_or_else(|| {
                rows.error(
                    line,
                    "share",
                    share_text,
                    "a number in [0, 1]: the fraction meeting the control",
                )
            })?;
        let sample_text = sample_at.map_or("", |i| cell(i).trim());
        let sample = sample_count(sample_text).map_err(|()| rows.error(line, "sample", sample_text, SAMPLE_FORMS))?;
        let provenance = rows
            .header
            .iter()
            .enumerate()
            .filter(|(i, name)| !at.contains(i) && Some(*i) != sample_at && !name.is_empty())
            .map(|(i, name)| (name.clone(), cell(i).to_string()))
            .collect();
        out.push(Observation {
            series_id: rows.text(line, "series_id", cell(at[0]))?,
            technology: rows.text(line, "technology", cell(at[1]))?,
            control: cell(at[2]).trim().to_string(),
            date: rows.date(line, "date", cell(at[3]))?,
            share,
            sample,
            line,
            provenance,
        });
    }
    Ok(out)
}

/// Reads an events file.
pub fn read_events(path: &str) -> Result<Vec<EventRecord>> {
    events_from_rows(&Rows::read(path)?)
}

/// Reads events text (`source` names it in errors).
pub fn events_from_text(text: &str, source: &str) -> Result<Vec<EventRecord>> {
    events_from_rows(&Rows::parse(text.as_bytes(), source)?)
}

fn events_from_rows(rows: &Rows) -> Result<Vec<EventRecord>> {
    let at = rows.require(&EVENT_COLUMNS)?;
    let [description_at, magnitude_at, url_at] = ["description", "magnitude", "source_url"].map(|c| rows.optional(c));
    let kinds = RecordKind::ALL.map(RecordKind::name).join(", ");
    let mut out = Vec::with_capacity(rows.records.len());
    for (line, record) in &rows.records {
        let line = *line;
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").trim();
        let kind_text = cell(Some(at[2]));
        let kind = RecordKind::parse(kind_text).ok_or_else(|| rows.error(line, "kind", kind_text, &kinds))?;
        let magnitude_text = cell(magnitude_at);
        let magnitude = match magnitude_text.parse::<f64>() {
            Ok(m) if m.is_finite() && m >= 0.0 => Some(m),
            Ok(_) => return Err(rows.error(line, "magnitude", magnitude_text, MAGNITUDE_FORMS)),
            Err(_) => leading_count(magnitude_text).map(|n| n as f64),
        };
        out.push(EventRecord {
            technology: rows.text(line, "technology", cell(Some(at[0])))?,
            date: rows.date(line, "date", cell(Some(at[1])))?,
            kind,
            description: cell(description_at).to_string(),
            magnitude,
            magnitude_text: magnitude_text.to_string(),
            source_url: cell(url_at).to_string(),
            line,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_stand_for_a_day_of_their_precision() {
        assert_eq!(RecordDate::parse("2016").unwrap().day.to_string(), "2016-07-01");
        assert_eq!(RecordDate::parse("2016-02").unwrap().day.to_string(), "2016-02-15");
        assert_eq!(RecordDate::parse("2016-02-29").unwrap().day.to_string(), "2016-02-29");
        for bad in [
            "2015-02-29",
            "2016-2",
            "16-02-01",
            "2016-13",
            "1850",
            "",
            "2016-02-01T00",
        ] {
            assert!(RecordDate::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn technologies_meet_without_their_parenthesis() {
        assert_eq!(
            technology_key("US card payments (in-store)"),
            technology_key("US card payments")
        );
        assert_eq!(technology_key(" Web (HTTP to HTTPS) "), "web");
        assert_ne!(technology_key("Web"), technology_key("Online accounts"));
    }

    #[test]
    fn a_series_keeps_unknown_columns_as_provenance() {
        let text = "series_id,technology,control,date,share,sample,note\n\
                    a,Tech (x),auth,2020-01,0.5,100,\"first, quoted\"\n\n\
                    a,Tech (x),auth,2020-06-30,0.25,,\n";
        let rows = series_from_text(text, "s.csv").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].sample, Some(100));
        assert_eq!(rows[0].provenance["note"], "first, quoted");
        assert_eq!(rows[1].sample, None);
        assert_eq!(rows[1].line, 4, "{rows:?}");
        assert_eq!(rows[1].date.day.to_string(), "2020-06-30");
    }

    #[test]
    fn bad_rows_name_the_file_line_column_value_and_what_is_allowed() {
        let head = "series_id,technology,control,date,share,sample\n";
        let e = series_from_text(&format!("{head}a,T,c,2020-01,1.5,\n"), "s.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.csv:2: column `share`: value `1.5`; allowed: a number in [0, 1]: the fraction meeting the control"
        );
        let e = series_from_text(&format!("{head}a,T,c,2020-01,0.5,\na,T,c,Jan 2020,0.5,\n"), "s.csv").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("s.csv:3: column `date`: value `Jan 2020`; allowed: YYYY"),
            "{e}"
        );
        assert_eq!(sample_count("1,234 sites"), Ok(Some(1234)));
        assert_eq!(sample_count("1.3 million"), Ok(None));
        assert_eq!(sample_count("1,000+ servers"), Ok(None));
        assert_eq!(sample_count("12.5"), Err(()));
        assert_eq!(sample_count("0"), Err(()));
        assert_eq!(sample_count("Visa: 392"), Ok(None));
        let e = series_from_text(&format!("{head}a,T,c,2020-01,0.5,-3\n"), "s.csv").unwrap_err();
        assert!(e.to_string().starts_with("s.csv:2: column `sample`"), "{e}");
        let e = series_from_text("series_id,technology,date,share\n", "s.csv").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("s.csv:1: column `control`: missing from the header"),
            "{e}"
        );
        let e = events_from_text("technology,date,kind\nT,2020-01,breach\n", "e.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "e.csv:2: column `kind`: value `breach`; allowed: incident, disclosure, fix, spec, regulation, mandate, other"
        );
        let e = events_from_text("technology,date,kind,magnitude\nT,2020-01,incident,-5\n", "e.csv").unwrap_err();
        assert!(e.to_string().starts_with("e.csv:2: column `magnitude`"), "{e}");
        let events = events_from_text(
            "technology,date,kind,magnitude\nT,2020-01,incident,~1000 users\nT,2020-02,incident,\"40,000,000 cards\"\n",
            "e.csv",
        )
        .unwrap();
        assert_eq!(events[0].magnitude, None);
        assert_eq!(events[1].magnitude, Some(4e7));
    }

    #[test]
    fn the_shipped_files_read() {
        let series = read_series(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/security_series.csv")).unwrap();
        assert!(series.len() >= 129, "{}", series.len());
        assert!(series.iter().any(|o| o.series_id == "https-firefox-pageloads"));
        let kai: Vec<Option<u64>> = series
            .iter()
            .filter(|o| o.series_id == "mcp-remote-auth-kai")
            .map(|o| o.sample)
            .collect();
        assert_eq!(kai, [Some(90), Some(319), Some(518), Some(112), Some(525)]);
        let events = read_events(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/security_events.csv")).unwrap();
        assert!(events.iter().any(|e| e.kind == RecordKind::Spec));
    }
}
