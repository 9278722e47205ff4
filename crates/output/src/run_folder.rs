//! The folder of one run: `timeseries.{csv,parquet}`, `offerings.csv`, `flows.csv`,
//! `events.csv`, `summary.json`, `scenario.toml` and, written last, `manifest.json`.
//!
//! A folder is complete exactly when `manifest.json` exists: every other file is written under a
//! temporary name and renamed into place, and an earlier manifest is removed before writing starts.

use crate::atomic::{self, AtomicFile};
use crate::error::{OutputError, Result};
use crate::manifest;
use crate::table::{csv_field, Column, Table};
use esplab_model::{DayRecord, Event, Flows, Observer, OfferingDay, Parameters, StartDate, Summary, DETAIL_COLUMNS};
use esplab_scenario::Scenario;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Columns of `timeseries.*`, in order: the day, every daily series of the model, and the
/// regulations taking effect that day.
pub fn timeseries_columns() -> Vec<String> {
    let mut names = vec!["day".to_string()];
    names.extend(DayRecord::SERIES.iter().map(|s| s.to_string()));
    names.push("regulations".to_string());
    names
}

/// The table of `timeseries.*` from a run's days and the regulations taking effect each day.
pub fn timeseries_table(days: &[DayRecord], regulations_per_day: &[u32]) -> Table {
    let mut columns = vec![Column::Count(days.iter().map(|r| r.day).collect())];
    for (k, name) in DayRecord::SERIES.iter().enumerate() {
        let values = days.iter().map(|r| r.series()[k]);
        columns.push(if matches!(*name, "incidents" | "news") {
            Column::Count(values.map(|v| v as u32).collect())
        } else {
            Column::Number(values.collect())
        });
    }
    columns.push(Column::Count(regulations_per_day.to_vec()));
    Table {
        names: timeseries_columns(),
        columns,
    }
}

/// Writes a run folder while the run goes on.
pub struct RunFolder {
    dir: PathBuf,
    offering_names: Vec<String>,
    start_date: Option<StartDate>,
    days: Vec<DayRecord>,
    regulations_per_day: Vec<u32>,
    regulations_today: u32,
    /// Users of the run (flows are written as shares of them).
    users: f64,
    offerings: Option<AtomicFile>,
    flows: Option<AtomicFile>,
    events: Option<AtomicFile>,
    error: Option<OutputError>,
    /// The summary of what has been observed so far.
    pub summary: Summary,
}

/// The files of a run folder, named once: what [`RunFolder`] writes, and what readers, reports
/// and `verify` read.
pub mod files {
    pub const TIMESERIES_CSV: &str = "timeseries.csv";
    pub const TIMESERIES_PARQUET: &str = "timeseries.parquet";
    pub const OFFERINGS: &str = "offerings.csv";
    pub const FLOWS: &str = "flows.csv";
    pub const EVENTS: &str = "events.csv";
    pub const SUMMARY: &str = "summary.json";
    pub const SCENARIO: &str = "scenario.toml";
    pub const MANIFEST: &str = "manifest.json";
    /// The data files a re-run must reproduce byte for byte (the others record where the
    /// scenario came from).
    pub const DATA: [&str; 5] = [TIMESERIES_CSV, TIMESERIES_PARQUET, OFFERINGS, FLOWS, EVENTS];
    /// Every file but the manifest, as printed after a run.
    pub const ALL: [&str; 7] = [
        TIMESERIES_CSV,
        TIMESERIES_PARQUET,
        OFFERINGS,
        FLOWS,
        EVENTS,
        SUMMARY,
        SCENARIO,
    ];
}

impl RunFolder {
    /// Creates `dir` (and parents) and starts the streamed files of a run of `parameters`. With
    /// a start date, events.csv gives each event's date beside its day (empty without one).
    pub fn create(dir: &Path, parameters: &Parameters) -> Result<Self> {
        let offering_names = parameters.offerings.iter().map(|o| o.name.clone()).collect();
        let start_date = parameters.run.start_date;
        std::fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
        let manifest = dir.join(files::MANIFEST);
        if manifest.exists() {
            std::fs::remove_file(&manifest).map_err(|e| OutputError::io(&manifest, e))?;
        }
        let mut offerings = AtomicFile::create(&dir.join(files::OFFERINGS))?;
        writeln!(offerings.writer(), "day,offering,users,security,security_churn")
            .map_err(|e| OutputError::io(dir, e))?;
        let mut flows = AtomicFile::create(&dir.join(files::FLOWS))?;
        writeln!(flows.writer(), "day,date,from,to,users").map_err(|e| OutputError::io(dir, e))?;
        let mut events = AtomicFile::create(&dir.join(files::EVENTS))?;
        writeln!(
            events.writer(),
            "day,date,kind,offering,size,{},detail",
            DETAIL_COLUMNS.join(",")
        )
        .map_err(|e| OutputError::io(dir, e))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            offering_names,
            start_date,
            days: Vec::new(),
            regulations_per_day: Vec::new(),
            regulations_today: 0,
            users: f64::from(parameters.run.users.max(1)),
            offerings: Some(offerings),
            flows: Some(flows),
            events: Some(events),
            error: None,
            summary: Summary::default(),
        })
    }

    fn keep_error(&mut self, result: std::io::Result<()>, name: &str) {
        if let Err(e) = result {
            if self.error.is_none() {
                self.error = Some(OutputError::io(&self.dir.join(name), e));
            }
        }
    }

    /// The daily series as a table.
    pub fn timeseries(&self) -> Table {
        timeseries_table(&self.days, &self.regulations_per_day)
    }

    /// Writes the remaining files and, last, the manifest. Returns the run's summary.
    pub fn finish(mut self, scenario: &Scenario) -> Result<Summary> {
        if let Some(e) = self.error.take() {
            self.abandon();
            return Err(e);
        }
        for f in [self.offerings.take(), self.flows.take(), self.events.take()]
            .into_iter()
            .flatten()
        {
            f.commit()?;
        }
        let dir = self.dir.clone();
        let table = self.timeseries();
        table.write_csv(&dir.join(files::TIMESERIES_CSV))?;
        table.write_parquet(&dir.join(files::TIMESERIES_PARQUET))?;
        let summary = manifest::summary_json(&self.summary, scenario);
        atomic::write(&dir.join(files::SUMMARY), manifest::pretty(&summary).as_bytes())?;
        atomic::write(&dir.join(files::SCENARIO), scenario.resolved_toml().as_bytes())?;
        let written = [
            files::TIMESERIES_PARQUET,
            files::TIMESERIES_CSV,
            files::OFFERINGS,
            files::FLOWS,
            files::EVENTS,
            files::SUMMARY,
            files::SCENARIO,
        ];
        let settings = serde_json::json!({"seed": scenario.parameters.run.seed});
        let m = manifest::build("run", &[("scenario", scenario)], settings, &dir, &written)?;
        atomic::write(&dir.join(files::MANIFEST), manifest::pretty(&m).as_bytes())?;
        Ok(self.summary)
    }

    /// Stops, removing the partial streamed files.
    pub fn abandon(mut self) {
        for f in [self.offerings.take(), self.flows.take(), self.events.take()]
            .into_iter()
            .flatten()
        {
            f.abandon();
        }
    }
}

impl Observer for RunFolder {
    fn day(&mut self, record: &DayRecord, offerings: &[OfferingDay]) {
        self.summary.day(record, offerings);
        self.days.push(*record);
        self.regulations_per_day
            .push(std::mem::take(&mut self.regulations_today));
        let mut text = String::new();
        for (o, name) in offerings.iter().zip(&self.offering_names) {
            text.push_str(&format!(
                "{},{},{},{},{}\n",
                record.day,
                csv_field(name),
                o.users,
                o.security,
                o.security_churn
            ));
        }
        if let Some(f) = self.offerings.as_mut() {
            let result = f.writer().write_all(text.as_bytes());
            self.keep_error(result, files::OFFERINGS);
        }
    }

    fn flows(&mut self, day: u32, flows: Flows<'_>) {
        let name = |state: Option<usize>| {
            state
                .and_then(|j| self.offering_names.get(j))
                .map(|n| csv_field(n))
                .unwrap_or_default()
        };
        let date = StartDate::label_or_empty(self.start_date, day);
        let mut text = String::new();
        for (from, to, users) in flows.moves() {
            if from != to {
                let share = users as f64 / self.users;
                text.push_str(&format!("{day},{date},{},{},{share}\n", name(from), name(to)));
            }
        }
        if let Some(f) = self.flows.as_mut() {
            let result = f.writer().write_all(text.as_bytes());
            self.keep_error(result, files::FLOWS);
        }
    }

    fn event(&mut self, event: &Event) {
        self.summary.event(event);
        if event.kind() == esplab_model::EventKind::Regulation {
            self.regulations_today += 1;
        }
        let offering = event
            .offering
            .and_then(|j| self.offering_names.get(j))
            .map(|n| csv_field(n))
            .unwrap_or_default();
        let mut cells = [const { String::new() }; DETAIL_COLUMNS.len()];
        for (column, value) in event.detail.cells() {
            if let Some(k) = DETAIL_COLUMNS.iter().position(|c| *c == column) {
                cells[k] = value.to_string();
            }
        }
        let line = format!(
            "{},{},{},{},{},{},{}\n",
            event.day,
            StartDate::label_or_empty(self.start_date, event.day),
            event.kind().name(),
            offering,
            event.size,
            cells.join(","),
            csv_field(&event.detail.to_string())
        );
        if let Some(f) = self.events.as_mut() {
            let result = f.writer().write_all(line.as_bytes());
            self.keep_error(result, files::EVENTS);
        }
    }
}
