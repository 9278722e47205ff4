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
//! ```

use crate::entries::{check_keys, locate};
use crate::error::{Result, ScenarioError};
use crate::fields::quoted;
use crate::value::Origin;
use esplab_experiment::calibration::{statistic_index, statistic_names};
use toml_edit::{Item, Table};

/// One target statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Name of the statistic (see `esplab_experiment::calibration::STATISTICS`).
    pub statistic: String,
    /// Index of the statistic in `STATISTICS`.
    pub index: usize,
    pub value: f64,
    pub rows: Vec<String>,
    pub derivation: String,
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
const TARGET_KEYS: [&str; 4] = ["statistic", "value", "rows", "derivation"];

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
    /// Each target as (statistic index, value), the form a calibration job takes.
    pub fn indexed(&self) -> Vec<(usize, f64)> {
        self.targets.iter().map(|t| (t.index, t.value)).collect()
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
            let index = statistic_index(statistic).ok_or_else(|| ScenarioError::OutOfRange {
                origin: origin(text, source, Some(statistic_item), None),
                path: format!("{prefix}statistic"),
                value: format!("{statistic:?}"),
                allowed: quoted(&statistic_names()),
            })?;
            if targets.iter().any(|x| x.index == index) {
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
            targets.push(Target {
                statistic: statistic.to_string(),
                index,
                value,
                rows,
                derivation: string(t, "derivation", &format!("{prefix}derivation"))?,
            });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_target_files_read() {
        for name in ["acute", "chronic", "mcp"] {
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
        assert!(err("schema = 1\n").contains("targets: missing"));
    }
}
