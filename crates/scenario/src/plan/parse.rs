//! Reading plan files: their keys, the base scenario and its overrides, the factors and their
//! distributions, a sampler or an imported design, each error with its file, line and column.

use super::{read_design_csv, DesignSource, Plan, MAX_ROWS};
use crate::entries::{check_keys, locate, Override};
use crate::error::{Result, ScenarioError};
use crate::fields::{numeric_kind, quoted, Kind};
use crate::scenario::Scenario;
use crate::value::Origin;
use esplab_experiment::design::{Distribution, Factor, Sampler};
use std::path::Path;
use toml_edit::{Item, Table};

const KEYS: [&str; 11] = [
    "schema",
    "scenario",
    "sampler",
    "points",
    "replicates",
    "seed",
    "metrics",
    "morris_levels",
    "design",
    "set",
    "factors",
];
const FACTOR_KEYS: [&str; 6] = ["key", "distribution", "low", "high", "values", "levels"];
const DISTRIBUTIONS: [&str; 3] = ["uniform", "log-uniform", "values"];

struct Reader<'a> {
    text: &'a str,
    source: &'a str,
}

impl Reader<'_> {
    fn origin(&self, item: Option<&Item>, key_span: Option<std::ops::Range<usize>>) -> Origin {
        let offset = item.and_then(Item::span).or(key_span).map(|s| s.start).unwrap_or(0);
        locate(self.text, self.source, offset)
    }

    fn check_keys(&self, table: &Table, allowed: &[&str], prefix: &str) -> Result<()> {
        check_keys(self.text, self.source, table, allowed, prefix)
    }

    fn wrong(&self, item: &Item, path: &str, expected: &str) -> ScenarioError {
        let found = match item {
            Item::Value(v) => v.type_name().to_string(),
            Item::Table(_) => "a table".into(),
            Item::ArrayOfTables(_) => "an array of tables".into(),
            Item::None => "nothing".into(),
        };
        ScenarioError::WrongType {
            origin: self.origin(Some(item), None),
            path: path.into(),
            expected: expected.into(),
            found,
        }
    }

    fn integer(&self, table: &Table, key: &str, path: &str, low: i64, high: i64) -> Result<Option<i64>> {
        let Some(item) = table.get(key) else { return Ok(None) };
        let v = item.as_integer().ok_or_else(|| self.wrong(item, path, "an integer"))?;
        if v < low || v > high {
            return Err(ScenarioError::OutOfRange {
                origin: self.origin(Some(item), None),
                path: path.into(),
                value: v.to_string(),
                allowed: format!("[{low}, {high}]"),
            });
        }
        Ok(Some(v))
    }

    fn number(&self, item: &Item, path: &str) -> Result<f64> {
        item.as_float()
            .or_else(|| item.as_integer().map(|i| i as f64))
            .filter(|x| x.is_finite())
            .ok_or_else(|| self.wrong(item, path, "a number"))
    }

    fn string<'t>(&self, table: &'t Table, key: &str, path: &str) -> Result<Option<&'t str>> {
        let Some(item) = table.get(key) else { return Ok(None) };
        item.as_str()
            .map(Some)
            .ok_or_else(|| self.wrong(item, path, "a string"))
    }

    fn choice(&self, table: &Table, key: &str, path: &str, options: &[&str]) -> Result<Option<String>> {
        let Some(value) = self.string(table, key, path)? else {
            return Ok(None);
        };
        if options.contains(&value) {
            Ok(Some(value.to_string()))
        } else {
            Err(ScenarioError::OutOfRange {
                origin: self.origin(table.get(key), None),
                path: path.into(),
                value: format!("{value:?}"),
                allowed: quoted(options),
            })
        }
    }

    fn missing(&self, origin: Origin, path: &str, hint: &str) -> ScenarioError {
        ScenarioError::Missing {
            origin,
            path: path.into(),
            hint: hint.into(),
        }
    }
}

fn out_of_range(origin: Origin, path: &str, value: f64, allowed: String) -> ScenarioError {
    ScenarioError::OutOfRange {
        origin,
        path: path.into(),
        value: value.to_string(),
        allowed,
    }
}

impl Plan {
    /// Reads a plan file; `overrides` apply to its base scenario after the plan's `[set]`.
    pub fn load(path: &str, overrides: &[Override]) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::Io {
            source_name: path.to_string(),
            message: e.to_string(),
        })?;
        let folder = Path::new(path).parent().unwrap_or(Path::new("."));
        Self::from_text(&text, path, folder, overrides)
    }

    /// Reads a plan from its text; relative paths are resolved from `folder`.
    pub fn from_text(text: &str, source: &str, folder: &Path, overrides: &[Override]) -> Result<Self> {
        let r = Reader { text, source };
        let document = toml_edit::Document::parse(text).map_err(|e| ScenarioError::Syntax {
            origin: locate(text, source, e.span().map(|s| s.start).unwrap_or(0)),
            message: e.message().trim().to_string(),
        })?;
        let top = document.as_table();
        r.check_keys(top, &KEYS, "")?;
        let start = Origin::File {
            source: source.into(),
            line: 1,
            column: 1,
        };
        match r.integer(top, "schema", "schema", 1, 1)? {
            Some(_) => {}
            None => return Err(r.missing(start, "schema", "every plan starts with `schema = 1`")),
        }
        let scenario_name = r.string(top, "scenario", "scenario")?.ok_or_else(|| {
            r.missing(
                start.clone(),
                "scenario",
                "name a preset or a scenario file: scenario = \"mcp\"",
            )
        })?;
        let scenario_path = folder.join(scenario_name);
        let scenario_spec = if scenario_path.is_file() {
            scenario_path.to_string_lossy().to_string()
        } else {
            scenario_name.to_string()
        };
        let mut all = Vec::new();
        if let Some(item) = top.get("set") {
            let set = item
                .as_table_like()
                .ok_or_else(|| r.wrong(item, "set", "a table of key = value"))?;
            for (key, value) in set.iter() {
                let value = value
                    .as_value()
                    .and_then(|v| v.span())
                    .map(|span| text[span].trim().to_string())
                    .ok_or_else(|| r.wrong(value, &format!("set.{key}"), "a value"))?;
                all.push(Override {
                    label: format!("{source} [set] {key}"),
                    path: key.to_string(),
                    value,
                });
            }
        }
        all.extend_from_slice(overrides);
        let scenario = Scenario::load(&scenario_spec, &all).map_err(|e| match e {
            ScenarioError::UnknownScenario { name, available } => ScenarioError::OutOfRange {
                origin: r.origin(top.get("scenario"), None),
                path: "scenario".into(),
                value: format!("{name:?}"),
                allowed: format!("a preset ({available}) or a scenario file beside the plan"),
            },
            other => other,
        })?;
        let sampler = r
            .choice(top, "sampler", "sampler", &Sampler::NAMES)?
            .unwrap_or_else(|| "latin-hypercube".into());
        let points = r.integer(top, "points", "points", 1, 10_000_000)?.unwrap_or(16) as usize;
        let replicates = r.integer(top, "replicates", "replicates", 1, 1_000_000)?.unwrap_or(1) as usize;
        let seed = r
            .integer(top, "seed", "seed", 0, i64::MAX)?
            .map(|s| s as u64)
            .unwrap_or(scenario.parameters.run.seed);
        let morris_levels = r.integer(top, "morris_levels", "morris_levels", 2, 100)?.unwrap_or(4) as usize;
        if morris_levels % 2 == 1 {
            return Err(out_of_range(
                r.origin(top.get("morris_levels"), None),
                "morris_levels",
                morris_levels as f64,
                "an even number".into(),
            ));
        }
        let known_metrics = esplab_experiment::metric_names();
        let metrics = match top.get("metrics") {
            None => known_metrics.iter().map(|s| s.to_string()).collect(),
            Some(item) => {
                let array = item
                    .as_array()
                    .ok_or_else(|| r.wrong(item, "metrics", "an array of metric names"))?;
                let mut metrics = Vec::new();
                for v in array.iter() {
                    let origin = locate(text, source, v.span().map(|s| s.start).unwrap_or(0));
                    let name = v.as_str().ok_or_else(|| ScenarioError::WrongType {
                        origin: origin.clone(),
                        path: "metrics".into(),
                        expected: "a metric name".into(),
                        found: v.type_name().into(),
                    })?;
                    if !known_metrics.contains(&name) {
                        return Err(ScenarioError::OutOfRange {
                            origin,
                            path: "metrics".into(),
                            value: format!("{name:?}"),
                            allowed: quoted(&known_metrics),
                        });
                    }
                    metrics.push(name.to_string());
                }
                if metrics.is_empty() {
                    return Err(r.wrong(item, "metrics", "at least one metric name"));
                }
                metrics
            }
        };
        let factors = Self::read_factors(&r, top, &scenario, &start)?;
        let mut scenario = scenario;
        // A factor no mechanism of the scenario reads would vary nothing.
        for factor in &factors {
            if let Some(why) = crate::readers::unread(&factor.key, &scenario.parameters) {
                scenario
                    .warnings
                    .push(format!("{source}: factor {}: {why}", factor.key));
            }
        }
        let design = match r.string(top, "design", "design")? {
            None => DesignSource::Sampler(Sampler::from_name(&sampler).unwrap_or(Sampler::LatinHypercube)),
            Some(file) => {
                let path = folder.join(file).to_string_lossy().to_string();
                let points = read_design_csv(&path, &factors)?;
                DesignSource::Imported { path, points }
            }
        };
        let design_points = match &design {
            DesignSource::Sampler(Sampler::Grid) => factors
                .iter()
                .try_fold(1u64, |n, f| n.checked_mul(f.grid_levels() as u64))
                .unwrap_or(u64::MAX),
            DesignSource::Sampler(_) => points as u64,
            DesignSource::Imported { points, .. } => points.len() as u64,
        };
        let rows = design_points.saturating_mul(replicates as u64);
        if rows > MAX_ROWS {
            let (path, what) = match &design {
                DesignSource::Sampler(Sampler::Grid) => ("factors.levels", "grid points (the product of the levels)"),
                _ => ("points", "design points"),
            };
            return Err(ScenarioError::OutOfRange {
                origin: r.origin(None, None),
                path: path.into(),
                value: format!("{design_points} {what} x {replicates} replicates = {rows} rows"),
                allowed: format!("at most {MAX_ROWS} rows (simulations) per plan; split the study into several plans"),
            });
        }
        Ok(Self {
            source: source.into(),
            text: text.into(),
            scenario,
            design,
            points,
            replicates,
            seed,
            metrics,
            morris_levels,
            factors,
        })
    }

    fn read_factors(r: &Reader<'_>, top: &Table, scenario: &Scenario, start: &Origin) -> Result<Vec<Factor>> {
        let Some(item) = top.get("factors") else {
            return Err(r.missing(
                start.clone(),
                "factors",
                "add [[factors]] tables with key, distribution and range",
            ));
        };
        let tables = item
            .as_array_of_tables()
            .ok_or_else(|| r.wrong(item, "factors", "[[factors]] tables"))?;
        let mut factors: Vec<Factor> = Vec::new();
        for (i, t) in tables.iter().enumerate() {
            let prefix = format!("factors.{i}.");
            r.check_keys(t, &FACTOR_KEYS, &prefix)?;
            let here = r.origin(None, t.span());
            let key = r
                .string(t, "key", &format!("{prefix}key"))?
                .ok_or_else(|| r.missing(here.clone(), &format!("{prefix}key"), "name the scenario key to vary"))?;
            let key_origin = r.origin(t.get("key"), None);
            let Some(kind) = numeric_kind(key, &scenario.parameters) else {
                return Err(ScenarioError::OutOfRange {
                    origin: key_origin,
                    path: format!("{prefix}key"),
                    value: format!("{key:?}"),
                    allowed: "a numeric scenario key (see docs/parameters.md), or offerings.N.capability, \
                              offerings.N.capability_growth, offerings.N.security or a number of an intervention \
                              (interventions.N.tax_factor)"
                        .into(),
                });
            };
            if factors.iter().any(|f| f.key == key) {
                return Err(ScenarioError::OutOfRange {
                    origin: key_origin,
                    path: format!("{prefix}key"),
                    value: format!("{key:?}"),
                    allowed: "a key not already varied by another factor".into(),
                });
            }
            let (range, integer) = match kind {
                Kind::Float(range) => (range, false),
                Kind::Integer(range) => (range, true),
                _ => unreachable!("numeric"),
            };
            let distribution_name = r
                .choice(t, "distribution", &format!("{prefix}distribution"), &DISTRIBUTIONS)?
                .ok_or_else(|| {
                    r.missing(
                        here.clone(),
                        &format!("{prefix}distribution"),
                        "uniform, log-uniform or values",
                    )
                })?;
            let in_range = |item: &Item, path: &str, x: f64| -> Result<f64> {
                if range.contains(x) {
                    Ok(x)
                } else {
                    Err(out_of_range(
                        r.origin(Some(item), None),
                        path,
                        x,
                        format!("{range} (the range of {key})"),
                    ))
                }
            };
            let distribution = if distribution_name == "values" {
                let item = t.get("values").ok_or_else(|| {
                    r.missing(
                        here.clone(),
                        &format!("{prefix}values"),
                        "list the values: values = [1, 2, 3]",
                    )
                })?;
                let array = item
                    .as_array()
                    .ok_or_else(|| r.wrong(item, &format!("{prefix}values"), "an array of numbers"))?;
                let mut values = Vec::new();
                for v in array.iter() {
                    let x = v
                        .as_float()
                        .or_else(|| v.as_integer().map(|i| i as f64))
                        .ok_or_else(|| r.wrong(item, &format!("{prefix}values"), "an array of numbers"))?;
                    values.push(in_range(item, &format!("{prefix}values"), x)?);
                }
                if values.is_empty() {
                    return Err(r.wrong(item, &format!("{prefix}values"), "at least one number"));
                }
                Distribution::Values(values)
            } else {
                let bound = |name: &str| -> Result<f64> {
                    let path = format!("{prefix}{name}");
                    let item = t.get(name).ok_or_else(|| {
                        r.missing(
                            here.clone(),
                            &path,
                            &format!("a {distribution_name} factor needs low and high"),
                        )
                    })?;
                    let x = r.number(item, &path)?;
                    in_range(item, &path, x)
                };
                let (low, high) = (bound("low")?, bound("high")?);
                if high <= low {
                    return Err(out_of_range(
                        r.origin(t.get("high"), None),
                        &format!("{prefix}high"),
                        high,
                        format!("a number above low ({low})"),
                    ));
                }
                if distribution_name == "log-uniform" && low <= 0.0 {
                    return Err(out_of_range(
                        r.origin(t.get("low"), None),
                        &format!("{prefix}low"),
                        low,
                        "a positive number for log-uniform".into(),
                    ));
                }
                if distribution_name == "uniform" {
                    Distribution::Uniform { low, high }
                } else {
                    Distribution::LogUniform { low, high }
                }
            };
            let levels = r
                .integer(t, "levels", &format!("{prefix}levels"), 1, 10_000)?
                .unwrap_or(3) as usize;
            factors.push(Factor {
                key: key.to_string(),
                distribution,
                integer,
                levels,
            });
        }
        if factors.is_empty() {
            return Err(r.missing(start.clone(), "factors", "add at least one [[factors]] table"));
        }
        Ok(factors)
    }
}
