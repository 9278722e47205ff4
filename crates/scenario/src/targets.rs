//! Target files of `esplab calibrate` (`schema = 1`): statistics of real incident history that
//! a calibration fits, each with its value, the case rows it comes from and how it was derived.
//!
//! ```toml
//! schema = 1
//! name = "mcp"
//! description = "the MCP rows of data/cases.csv"
//!
//! [[targets]]
//! statistic = "vendor_lag_months"   # one of the calibration statistics
//! value = 0.05
//! rows = ["C30", "C31"]             # optional: the case rows behind the value
//! derivation = "median lag_months"  # optional: how the value was read from them
//!
//! [[targets]]
//! statistic = "share"               # an observed share of deployments meeting the control
//! offering = "hosted-agents"        # optional: the offering surveyed; absent: the whole market
//! date = "2026-02-15"               # the day it stands for (the scenario needs run.start_date)
//! value = 0.587
//! sample = 518                      # deployments surveyed: the target's uncertainty (absent: none)
//! relation = "same"                 # or "lower bound": the survey measured a stricter control
//! series = "mcp-remote-auth-kai"    # optional: its series in data/security_series.csv
//! ```

use crate::entries::{check_keys, locate};
use crate::error::{Result, ScenarioError};
use crate::fields::quoted;
use crate::value::Origin;
use esplab_experiment::calibration::{self, statistic_index, statistic_names, Measure, Statistic, SHARE, STATISTICS};
use esplab_model::{Parameters, StartDate};
use toml_edit::{Item, Table};

/// One target statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Name of the statistic (see `esplab_experiment::calibration::STATISTICS`), or `share`.
    pub statistic: String,
    /// Index of the statistic in `STATISTICS`; `None` for an observed share.
    pub index: Option<usize>,
    pub value: f64,
    pub rows: Vec<String>,
    pub derivation: String,
    /// What an observed share surveyed (for `statistic = "share"`).
    pub share: Option<SurveyedShare>,
}

/// An observed share's survey: which deployments, when, how many, and of which control.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyedShare {
    /// The offering whose deployments were surveyed; `None`: the whole market.
    pub offering: Option<String>,
    /// The day it stands for, as written.
    pub date: String,
    /// Deployments surveyed; `None`: a figure without sampling error (a census, or telemetry
    /// too large for it to matter), whose band is the figure alone.
    pub sample: Option<u64>,
    /// The survey measured a stricter control than the preset's, so the share is a lower bound.
    pub lower_bound: bool,
    /// Its series in `data/security_series.csv`, if given.
    pub series: String,
    /// Where the target's date is written, and the target's path in the file
    /// (`targets.N`), for errors that need a scenario to find.
    pub origin: Origin,
    pub path: String,
}

impl Target {
    /// The statistic's definition.
    pub fn definition(&self) -> &'static Statistic {
        self.index.map_or(&SHARE, |i| &STATISTICS[i])
    }

    /// A name unique within a target file: the statistic's, or for a share
    /// `share:OFFERING@DATE` (`share@DATE` for the whole market).
    pub fn label(&self) -> String {
        match &self.share {
            None => self.statistic.clone(),
            Some(s) => match &s.offering {
                Some(o) => format!("share:{o}@{}", s.date),
                None => format!("share@{}", s.date),
            },
        }
    }
}

/// A validated target file.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSet {
    pub source: String,
    pub text: String,
    pub name: String,
    pub description: String,
    pub targets: Vec<Target>,
}

const KEYS: [&str; 4] = ["schema", "name", "description", "targets"];
const TARGET_KEYS: [&str; 9] = [
    "statistic",
    "value",
    "rows",
    "derivation",
    "offering",
    "date",
    "sample",
    "relation",
    "series",
];
/// Keys only an observed share has.
const SHARE_KEYS: [&str; 5] = ["offering", "date", "sample", "relation", "series"];

fn origin(text: &str, source: &str, item: Option<&Item>, fallback: Option<std::ops::Range<usize>>) -> Origin {
    locate(
        text,
        source,
        item.and_then(Item::span).or(fallback).map_or(0, |s| s.start),
    )
}

/// The text of a value as written.
fn raw(text: &str, item: &Item) -> String {
    item.span().map_or_else(String::new, |s| text[s].trim().to_string())
}

fn wrong(text: &str, source: &str, item: &Item, path: &str, expected: &str) -> ScenarioError {
    ScenarioError::WrongType {
        origin: origin(text, source, Some(item), None),
        path: path.into(),
        expected: expected.into(),
        found: item.type_name().into(),
    }
}

impl TargetSet {
    /// Each target in the form a calibration job of `parameters` takes: a share's offering
    /// found by name and its date made a day of the run. Errors name the target's file, line,
    /// field and value.
    pub fn resolve(&self, parameters: &Parameters) -> Result<Vec<calibration::Target>> {
        self.targets
            .iter()
            .map(|t| {
                let Some(share) = &t.share else {
                    return Ok(calibration::Target::point(
                        Measure::Statistic(t.index.unwrap_or_default()),
                        t.value,
                    ));
                };
                let out_of_range = |path: &str, value: String, allowed: String| ScenarioError::OutOfRange {
                    origin: share.origin.clone(),
                    path: format!("{}.{path}", share.path),
                    value,
                    allowed,
                };
                let offering =
                    match &share.offering {
                        None => None,
                        Some(name) => Some(parameters.offerings.iter().position(|o| &o.name == name).ok_or_else(
                            || {
                                let names: Vec<&str> = parameters.offerings.iter().map(|o| o.name.as_str()).collect();
                                out_of_range("offering", format!("{name:?}"), quoted(&names))
                            },
                        )?),
                    };
                let start = parameters.run.start_date.ok_or_else(|| {
                    out_of_range(
                        "date",
                        format!("{:?}", share.date),
                        "a date within the run, which needs a scenario that sets run.start_date".into(),
                    )
                })?;
                let date = StartDate::parse(&share.date).unwrap_or(start);
                let days = parameters.run.days();
                let day = start.days_to(date);
                if day < 0 || day >= i64::from(days) {
                    return Err(out_of_range(
                        "date",
                        format!("{:?}", share.date),
                        format!(
                            "a date within the run, {} to {}",
                            start.label(0),
                            start.label(days.saturating_sub(1))
                        ),
                    ));
                }
                let measure = Measure::Share {
                    offering,
                    day: day as u32,
                };
                Ok(match share.sample {
                    Some(sample) => calibration::Target::surveyed(measure, t.value, sample, share.lower_bound),
                    None => calibration::Target {
                        high: if share.lower_bound { 1.0 } else { t.value },
                        ..calibration::Target::point(measure, t.value)
                    },
                })
            })
            .collect()
    }

    /// Reads a target file.
    pub fn load(path: &str) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::Io {
            source_name: path.to_string(),
            message: e.to_string(),
        })?;
        Self::from_text(&text, path)
    }

    /// Reads a target file from its text.
    pub fn from_text(text: &str, source: &str) -> Result<Self> {
        let document = toml_edit::Document::parse(text).map_err(|e| ScenarioError::Syntax {
            origin: locate(text, source, e.span().map_or(0, |s| s.start)),
            message: e.message().trim().to_string(),
        })?;
        let top = document.as_table();
        check_keys(text, source, top, &KEYS, "")?;
        let start = locate(text, source, 0);
        match top.get("schema") {
            None => {
                return Err(ScenarioError::Missing {
                    origin: start,
                    path: "schema".into(),
                    hint: "every target file starts with `schema = 1`".into(),
                })
            }
            Some(item) if item.as_integer() != Some(1) => {
                return Err(ScenarioError::OutOfRange {
                    origin: origin(text, source, Some(item), None),
                    path: "schema".into(),
                    value: raw(text, item),
                    allowed: "1".into(),
                })
            }
            Some(_) => {}
        }
        let string = |table: &Table, key: &str, path: &str| -> Result<String> {
            match table.get(key) {
                None => Ok(String::new()),
                Some(item) => item
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| wrong(text, source, item, path, "a string")),
            }
        };
        let name = string(top, "name", "name")?;
        let description = string(top, "description", "description")?;
        let Some(item) = top.get("targets") else {
            return Err(ScenarioError::Missing {
                origin: start,
                path: "targets".into(),
                hint: "add [[targets]] tables with statistic and value".into(),
            });
        };
        let tables = item
            .as_array_of_tables()
            .ok_or_else(|| wrong(text, source, item, "targets", "[[targets]] tables"))?;
        let mut targets: Vec<Target> = Vec::new();
        for (i, t) in tables.iter().enumerate() {
            let prefix = format!("targets.{i}.");
            check_keys(text, source, t, &TARGET_KEYS, &prefix)?;
            let here = origin(text, source, None, t.span());
            let statistic_item = t.get("statistic").ok_or_else(|| ScenarioError::Missing {
                origin: here.clone(),
                path: format!("{prefix}statistic"),
                hint: format!("one of {}", quoted(&statistic_names())),
            })?;
            let statistic = statistic_item
                .as_str()
                .ok_or_else(|| wrong(text, source, statistic_item, &format!("{prefix}statistic"), "a string"))?;
            let index = statistic_index(statistic);
            if index.is_none() && statistic != SHARE.name {
                return Err(ScenarioError::OutOfRange {
                    origin: origin(text, source, Some(statistic_item), None),
                    path: format!("{prefix}statistic"),
                    value: format!("{statistic:?}"),
                    allowed: quoted(&statistic_names()),
                });
            }
            if index.is_some() && targets.iter().any(|x| x.index == index) {
                return Err(ScenarioError::OutOfRange {
                    origin: origin(text, source, Some(statistic_item), None),
                    path: format!("{prefix}statistic"),
                    value: format!("{statistic:?}"),
                    allowed: "a statistic not already targeted".into(),
                });
            }
            let value_item = t.get("value").ok_or_else(|| ScenarioError::Missing {
                origin: here.clone(),
                path: format!("{prefix}value"),
                hint: "the target value of the statistic".into(),
            })?;
            let value = value_item
                .as_float()
                .or_else(|| value_item.as_integer().map(|v| v as f64))
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| ScenarioError::OutOfRange {
                    origin: origin(text, source, Some(value_item), None),
                    path: format!("{prefix}value"),
                    value: raw(text, value_item),
                    allowed: "a finite number >= 0".into(),
                })?;
            let rows = match t.get("rows") {
                None => Vec::new(),
                Some(item) => item
                    .as_array()
                    .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect())
                    .ok_or_else(|| wrong(text, source, item, &format!("{prefix}rows"), "an array of strings"))?,
            };
            let share = match index {
                Some(_) => {
                    if let Some(key) = SHARE_KEYS.iter().find(|k| t.contains_key(k)) {
                        return Err(ScenarioError::OutOfRange {
                            origin: origin(text, source, t.get(key), None),
                            path: format!("{prefix}{key}"),
                            value: raw(text, &t[*key]),
                            allowed: format!("nothing: only a target with statistic = \"{}\" has it", SHARE.name),
                        });
                    }
                    None
                }
                None => Some(surveyed_share(text, source, t, &prefix, value)?),
            };
            let target = Target {
                statistic: statistic.to_string(),
                index,
                value,
                rows,
                derivation: string(t, "derivation", &format!("{prefix}derivation"))?,
                share,
            };
            if share_of_same_day(&targets, &target) {
                return Err(ScenarioError::OutOfRange {
                    origin: origin(text, source, t.get("date"), None),
                    path: format!("{prefix}date"),
                    value: raw(text, &t["date"]),
                    allowed: format!("a day not already targeted for {}", target.label()),
                });
            }
            targets.push(target);
        }
        if targets.is_empty() {
            return Err(ScenarioError::Missing {
                origin: start,
                path: "targets".into(),
                hint: "add at least one [[targets]] table".into(),
            });
        }
        Ok(Self {
            source: source.into(),
            text: text.into(),
            name,
            description,
            targets,
        })
    }
}

/// Whether `targets` already has a share of the same offering on the same day as `target`.
fn share_of_same_day(targets: &[Target], target: &Target) -> bool {
    target.share.is_some() && targets.iter().any(|x| x.share.is_some() && x.label() == target.label())
}

/// The survey of a `share` target: offering, date, sample, relation and series.
fn surveyed_share(text: &str, source: &str, t: &Table, prefix: &str, value: f64) -> Result<SurveyedShare> {
    let here = origin(text, source, None, t.span());
    let string = |key: &str| -> Result<Option<(String, &Item)>> {
        match t.get(key) {
            None => Ok(None),
            Some(item) => item
                .as_str()
                .map(|s| Some((s.to_string(), item)))
                .ok_or_else(|| wrong(text, source, item, &format!("{prefix}{key}"), "a string")),
        }
    };
    if value > 1.0 {
        return Err(ScenarioError::OutOfRange {
            origin: origin(text, source, t.get("value"), None),
            path: format!("{prefix}value"),
            value: raw(text, &t["value"]),
            allowed: "a share in [0, 1]".into(),
        });
    }
    let offering = string("offering")?.map(|(s, _)| s);
    let Some((date, date_item)) = string("date")? else {
        return Err(ScenarioError::Missing {
            origin: here,
            path: format!("{prefix}date"),
            hint: "the day the share stands for, as \"YYYY-MM-DD\"".into(),
        });
    };
    let date_origin = origin(text, source, Some(date_item), None);
    if StartDate::parse(&date).is_none() {
        return Err(ScenarioError::OutOfRange {
            origin: date_origin,
            path: format!("{prefix}date"),
            value: raw(text, date_item),
            allowed: format!(
                "a date YYYY-MM-DD from {} to {}",
                StartDate::EARLIEST,
                StartDate::LATEST
            ),
        });
    }
    let sample = match t.get("sample") {
        None => None,
        Some(sample_item) => {
            Some(
                sample_item
                    .as_integer()
                    .filter(|&n| n >= 1)
                    .ok_or_else(|| ScenarioError::OutOfRange {
                        origin: origin(text, source, Some(sample_item), None),
                        path: format!("{prefix}sample"),
                        value: raw(text, sample_item),
                        allowed: "a whole number >= 1".into(),
                    })? as u64,
            )
        }
    };
    let lower_bound = match string("relation")? {
        None => false,
        Some((r, _)) if r == "same" => false,
        Some((r, _)) if r == "lower bound" => true,
        Some((_, item)) => {
            return Err(ScenarioError::OutOfRange {
                origin: origin(text, source, Some(item), None),
                path: format!("{prefix}relation"),
                value: raw(text, item),
                allowed: "\"same\" or \"lower bound\"".into(),
            })
        }
    };
    Ok(SurveyedShare {
        offering,
        date,
        sample,
        lower_bound,
        series: string("series")?.map(|(s, _)| s).unwrap_or_default(),
        origin: date_origin,
        path: prefix.trim_end_matches('.').to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{presets, Scenario};

    #[test]
    fn shares_resolve_to_an_offering_and_a_day_of_the_run_or_say_why_not() {
        let text = "schema = 1\n[[targets]]\nstatistic = \"share\"\noffering = \"hosted-agents\"\ndate = \
                    \"2024-12-25\"\nvalue = 0.5\nsample = 100\n[[targets]]\nstatistic = \"share\"\ndate = \
                    \"2024-11-30\"\nvalue = 0.4\nsample = 1000\nrelation = \"lower bound\"\n";
        let set = TargetSet::from_text(text, "t.toml").unwrap();
        assert_eq!(set.targets[0].label(), "share:hosted-agents@2024-12-25");
        assert_eq!(set.targets[1].label(), "share@2024-11-30");
        let mcp = Scenario::from_text(presets::text("mcp").unwrap(), "mcp", &[])
            .unwrap()
            .parameters;
        let hosted = mcp.offerings.iter().position(|o| o.name == "hosted-agents").unwrap();
        let resolved = set.resolve(&mcp).unwrap();
        // mcp starts on 2024-11-25.
        assert_eq!(
            resolved[0].measure,
            Measure::Share {
                offering: Some(hosted),
                day: 30
            }
        );
        assert!(resolved[0].low < 0.5 && resolved[0].high > 0.5);
        assert_eq!(resolved[1].measure, Measure::Share { offering: None, day: 5 });
        assert_eq!(resolved[1].high, 1.0, "a lower bound");

        let error = |set: &TargetSet, p: &Parameters| set.resolve(p).unwrap_err().to_string();
        let mut no_date = mcp.clone();
        no_date.run.start_date = None;
        assert!(error(&set, &no_date).starts_with("t.toml:5:8: targets.0.date: value \"2024-12-25\" is out of range"));
        assert!(error(&set, &no_date).contains("needs a scenario that sets run.start_date"));
        let mut renamed = mcp.clone();
        renamed.offerings[hosted].name = "hosted".into();
        assert!(error(&set, &renamed).contains("targets.0.offering: value \"hosted-agents\" is out of range; allowed:"));
        let mut short = mcp.clone();
        short.run.years = 10.0 / 365.0;
        assert!(error(&set, &short).contains("allowed: a date within the run, 2024-11-25 to 2024-12-04"));
    }

    #[test]
    fn the_shipped_target_files_read() {
        for name in ["acute", "chronic", "mcp", "iot"] {
            let path = format!("{}/../../data/targets/{name}.toml", env!("CARGO_MANIFEST_DIR"));
            let set = TargetSet::load(&path).unwrap();
            assert_eq!(set.name, name);
            assert!(!set.targets.is_empty());
        }
    }

    #[test]
    fn errors_name_the_file_the_field_the_value_and_what_is_allowed() {
        let err = |text: &str| TargetSet::from_text(text, "t.toml").unwrap_err().to_string();
        assert!(err("schema = 1\n[[targets]]\nstatistic = \"vendor_lag\"\nvalue = 1\n")
            .starts_with("t.toml:3:13: targets.0.statistic: value \"vendor_lag\" is out of range; allowed: \"vendor_lag_months\""));
        assert_eq!(
            err("schema = 1\n[[targets]]\nstatistic = \"vendor_lag_months\"\nvalue = -2\n"),
            "t.toml:4:9: targets.0.value: value -2 is out of range; allowed: a finite number >= 0"
        );
        assert_eq!(
            err("schema = 1\n[[targets]]\nstatistc = \"x\"\n"),
            "t.toml:3:1: unknown key `targets.0.statistc`; did you mean `targets.0.statistic`?"
        );
        assert!(err("name = \"x\"\n").contains("schema: missing"));
        let share = |rest: &str| format!("schema = 1\n[[targets]]\nstatistic = \"share\"\nvalue = 0.5\n{rest}");
        assert_eq!(
            err(&share("date = \"2026-02-30\"\nsample = 10\n")),
            "t.toml:5:8: targets.0.date: value \"2026-02-30\" is out of range; allowed: a date YYYY-MM-DD from 1900-01-01 \
             to 2199-12-31"
        );
        let census = TargetSet::from_text(&share("date = \"2026-02-01\"\n"), "t.toml").unwrap();
        assert_eq!(
            census.targets[0].share.as_ref().unwrap().sample,
            None,
            "no sample: no sampling error"
        );
        assert_eq!(
            err(&share("date = \"2026-02-01\"\nsample = 0\n")),
            "t.toml:6:10: targets.0.sample: value 0 is out of range; allowed: a whole number >= 1"
        );
        assert!(err(&share("date = \"2026-02-01\"\nsample = 9\nrelation = \"upper\"\n"))
            .contains("targets.0.relation: value \"upper\" is out of range; allowed: \"same\" or \"lower bound\""));
        assert!(
            err("schema = 1\n[[targets]]\nstatistic = \"share\"\nvalue = 2\ndate = \"2026-02-01\"\nsample = 9\n")
                .contains("targets.0.value: value 2 is out of range; allowed: a share in [0, 1]")
        );
        assert!(
            err("schema = 1\n[[targets]]\nstatistic = \"vendor_lag_months\"\nvalue = 1\nsample = 9\n").contains(
                "t.toml:5:10: targets.0.sample: value 9 is out of range; allowed: nothing: only a target with statistic = \"share\""
            )
        );
        let twice = share("date = \"2026-02-01\"\nsample = 9\n[[targets]]\nstatistic = \"share\"\nvalue = 0.4\ndate = \"2026-02-01\"\nsample = 5\n");
        assert!(err(&twice).contains("targets.1.date: value \"2026-02-01\" is out of range; allowed: a day not already targeted for share@2026-02-01"));
        assert!(err("schema = 1\n").contains("targets: missing"));
    }
}
