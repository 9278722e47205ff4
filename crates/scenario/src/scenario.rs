//! A validated scenario: the model's parameters with where they came from.

use crate::entries::{self, Entry, Override};
use crate::error::{Result, ScenarioError};
use crate::fields::{
    intervention_fields, intervention_kinds, known_paths, offering_fields, parameter_fields, quoted, Field, Kind,
};
use crate::presets;
use crate::readers::{self, Reader};
use crate::value::{Origin, Value};
use esplab_model::{Intervention, InterventionKind, NetworkKind, OfferingParameters, Parameters, MAX_OFFERINGS};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The scenario format version this build reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

/// A scenario read, overridden and validated.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// The file path, or `preset:NAME`.
    pub source: String,
    /// The scenario text as read.
    pub text: String,
    /// The overrides applied, as written by the user.
    pub overrides: Vec<String>,
    pub parameters: Parameters,
    /// Things that are valid but probably not meant (e.g. an intervention after the horizon, an
    /// override of a key no mechanism of the scenario reads).
    pub warnings: Vec<String>,
    /// The keys the scenario's text sets that none of its mechanisms reads, with their reader
    /// (presets keep the reactive rule's parameters for `--set vendors.strategy=reactive`).
    pub unread: Vec<(String, Reader)>,
}

impl Scenario {
    /// Reads a scenario file, or a preset by name when no such file exists, and applies overrides.
    pub fn load(spec: &str, overrides: &[Override]) -> Result<Self> {
        let path = std::path::Path::new(spec);
        if path.is_file() {
            let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::Io {
                source_name: spec.to_string(),
                message: e.to_string(),
            })?;
            return Self::from_text(&text, spec, overrides);
        }
        if let Some(text) = presets::text(spec) {
            return Self::from_text(text, &format!("preset:{spec}"), overrides);
        }
        if path.exists() {
            return Err(ScenarioError::Io {
                source_name: spec.to_string(),
                message: "not a regular file".into(),
            });
        }
        Err(ScenarioError::UnknownScenario {
            name: spec.to_string(),
            available: presets::names().join(", "),
        })
    }

    /// Reads a scenario from its text; `source` names it in messages.
    pub fn from_text(text: &str, source: &str, overrides: &[Override]) -> Result<Self> {
        let mut entries = entries::from_toml(text, source)?;
        entries::apply(&mut entries, overrides);
        let mut builder = Builder {
            parameters: Parameters::default(),
            name: String::new(),
            description: String::new(),
            warnings: Vec::new(),
        };
        builder.build(&entries, source)?;
        // An override of a key that no mechanism of this scenario reads would change nothing.
        for o in overrides {
            if let Some(why) = readers::unread(&o.path, &builder.parameters) {
                builder.warnings.push(format!("{}: {why}", o.label));
            }
        }
        let unread = entries
            .iter()
            .filter(|e| !overrides.iter().any(|o| o.path == e.path))
            .map(|e| (e.path.clone(), readers::reader_at(&e.path)))
            .filter(|(_, reader)| !reader.reads(&builder.parameters))
            .collect();
        Ok(Self {
            name: builder.name,
            description: builder.description,
            source: source.to_string(),
            text: text.to_string(),
            overrides: overrides.iter().map(|o| o.label.clone()).collect(),
            parameters: builder.parameters,
            warnings: builder.warnings,
            unread,
        })
    }

    /// [`Scenario::unread`] grouped by reader: (who reads them, in words; the keys).
    pub fn unread_by_reader(&self) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(Reader, Vec<String>)> = Vec::new();
        for (path, reader) in &self.unread {
            match groups.iter_mut().find(|(r, _)| r == reader) {
                Some((_, keys)) => keys.push(path.clone()),
                None => groups.push((*reader, vec![path.clone()])),
            }
        }
        groups.into_iter().map(|(r, keys)| (r.describe(), keys)).collect()
    }

    /// Every resolved parameter as a complete scenario file: running it reproduces this scenario.
    pub fn resolved_toml(&self) -> String {
        let mut out = format!(
            "schema = {SCHEMA_VERSION}\nname = {}\ndescription = {}\n",
            Value::Text(self.name.clone()).to_toml(),
            Value::Text(self.description.clone()).to_toml()
        );
        let mut section = "";
        for f in parameter_fields() {
            let (head, key) = f.path.split_once('.').unwrap_or(("", f.path));
            if head != section {
                out.push_str(&format!("\n[{head}]\n"));
                section = head;
            }
            out.push_str(&format!("{key} = {}\n", (f.get)(&self.parameters).to_toml()));
        }
        for o in &self.parameters.offerings {
            out.push_str("\n[[offerings]]\n");
            for f in offering_fields() {
                out.push_str(&format!("{} = {}\n", f.path, (f.get)(o).to_toml()));
            }
        }
        for i in &self.parameters.interventions {
            out.push_str("\n[[interventions]]\n");
            for (key, value) in intervention_values(i, &self.parameters.offerings) {
                out.push_str(&format!("{key} = {}\n", value.to_toml()));
            }
        }
        out
    }

    /// Every resolved parameter as JSON, nested by section.
    pub fn resolved_json(&self) -> serde_json::Value {
        let mut root = serde_json::Map::new();
        root.insert("schema".into(), SCHEMA_VERSION.into());
        root.insert("name".into(), self.name.clone().into());
        root.insert("description".into(), self.description.clone().into());
        for f in parameter_fields() {
            let (head, key) = f.path.split_once('.').unwrap_or(("", f.path));
            let section = root
                .entry(head.to_string())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let serde_json::Value::Object(map) = section {
                map.insert(key.to_string(), (f.get)(&self.parameters).to_json());
            }
        }
        let offerings: Vec<serde_json::Value> = self
            .parameters
            .offerings
            .iter()
            .map(|o| {
                let map: serde_json::Map<String, serde_json::Value> = offering_fields()
                    .iter()
                    .map(|f| (f.path.to_string(), (f.get)(o).to_json()))
                    .collect();
                serde_json::Value::Object(map)
            })
            .collect();
        root.insert("offerings".into(), offerings.into());
        let interventions: Vec<serde_json::Value> = self
            .parameters
            .interventions
            .iter()
            .map(|i| {
                let map: serde_json::Map<String, serde_json::Value> =
                    intervention_values(i, &self.parameters.offerings)
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v.to_json()))
                        .collect();
                serde_json::Value::Object(map)
            })
            .collect();
        root.insert("interventions".into(), interventions.into());
        serde_json::Value::Object(root)
    }

    /// SHA-256 of the resolved scenario: equal hashes mean identical runs for the same seed.
    pub fn hash(&self) -> String {
        sha256_hex(self.resolved_toml().as_bytes())
    }
}

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The key/value pairs of an intervention as written in a scenario file.
pub fn intervention_values(i: &Intervention, offerings: &[OfferingParameters]) -> Vec<(&'static str, Value)> {
    let name = |j: usize| Value::Text(offerings.get(j).map(|o| o.name.clone()).unwrap_or_default());
    let day = |d: u32| Value::Integer(d as i64);
    let mut values = vec![("kind", Value::Text(i.kind().name().to_string()))];
    match *i {
        Intervention::Shock {
            day: d,
            size,
            offering,
            harmed,
        } => {
            values.extend([("day", day(d)), ("size", Value::Float(size))]);
            if let Some(j) = offering {
                values.push(("offering", name(j)));
            }
            if let Some(people) = harmed {
                values.push(("harmed", Value::Float(people)));
            }
        }
        Intervention::Regulation { day: d, floor } => values.extend([("day", day(d)), ("floor", Value::Float(floor))]),
        Intervention::Advocacy { start, end, strength } => values.extend([
            ("start", day(start)),
            ("end", day(end)),
            ("strength", Value::Float(strength)),
        ]),
        Intervention::HeroicVendor {
            start,
            offering,
            security,
        } => values.extend([
            ("start", day(start)),
            ("offering", name(offering)),
            ("security", Value::Float(security)),
        ]),
        Intervention::CheaperSecurity { day: d, tax_factor } => {
            values.extend([("day", day(d)), ("tax_factor", Value::Float(tax_factor))])
        }
        Intervention::Disclosure { day: d, threshold_drop } => {
            values.extend([("day", day(d)), ("threshold_drop", Value::Float(threshold_drop))])
        }
        Intervention::Liability { day: d, share } => values.extend([("day", day(d)), ("share", Value::Float(share))]),
        Intervention::Procurement { day: d, share, minimum } => values.extend([
            ("day", day(d)),
            ("share", Value::Float(share)),
            ("minimum", Value::Float(minimum)),
        ]),
    }
    values
}

struct Builder {
    parameters: Parameters,
    name: String,
    description: String,
    warnings: Vec<String>,
}

/// Checks a value against a field kind; returns the value to store.
fn check(kind: &Kind, path: &str, entry: &Entry) -> Result<Value> {
    let wrong = |found: String| ScenarioError::WrongType {
        origin: entry.origin.clone(),
        path: path.to_string(),
        expected: kind.expected(),
        found,
    };
    let value = entry.value.clone().map_err(|t| wrong(t.to_string()))?;
    let out_of_range = |shown: String| ScenarioError::OutOfRange {
        origin: entry.origin.clone(),
        path: path.to_string(),
        value: shown,
        allowed: kind.allowed(),
    };
    match (kind, &value) {
        (Kind::Float(r), Value::Float(_) | Value::Integer(_)) => {
            let x = match value {
                Value::Float(x) => x,
                Value::Integer(i) => i as f64,
                _ => unreachable!(),
            };
            if r.contains(x) {
                Ok(Value::Float(x))
            } else {
                Err(out_of_range(value.to_string()))
            }
        }
        (Kind::Integer(r), Value::Integer(i)) => {
            if r.contains(*i as f64) {
                Ok(value)
            } else {
                Err(out_of_range(value.to_string()))
            }
        }
        (Kind::Integer(r), Value::Float(x)) if x.fract() == 0.0 && x.is_finite() => {
            if r.contains(*x) {
                Ok(Value::Integer(*x as i64))
            } else {
                Err(out_of_range(value.to_string()))
            }
        }
        (Kind::Bool, Value::Bool(_)) | (Kind::Text, Value::Text(_)) => Ok(value),
        (Kind::Date, Value::Text(t)) => {
            if t.is_empty() || esplab_model::StartDate::parse(t).is_some() {
                Ok(value)
            } else {
                Err(out_of_range(value.to_string()))
            }
        }
        (Kind::Choice(options), Value::Text(t)) => {
            if options.contains(&t.as_str()) {
                Ok(value)
            } else {
                Err(out_of_range(value.to_string()))
            }
        }
        _ => Err(wrong(format!("{} {value}", value.type_name()))),
    }
}

/// The closest known path to `path`, if any is close enough.
fn suggest(path: &str, candidates: &[String]) -> Option<String> {
    let normalised: String = path
        .split('.')
        .map(|s| if s.parse::<usize>().is_ok() { "0" } else { s })
        .collect::<Vec<_>>()
        .join(".");
    let (best, distance) = candidates
        .iter()
        .map(|c| (c, strsim::damerau_levenshtein(&normalised, c)))
        .min_by_key(|(_, d)| *d)?;
    if distance > 3.max(normalised.len() / 3) {
        return None;
    }
    // Put the user's own index back into the suggestion.
    let index = path.split('.').find(|s| s.parse::<usize>().is_ok());
    Some(match index {
        Some(i) => best.replacen(".0.", &format!(".{i}."), 1),
        None => best.clone(),
    })
}

/// Splits `offerings.3.name` into (3, "name").
fn indexed<'a>(path: &'a str, prefix: &str) -> Option<(usize, &'a str)> {
    let rest = path.strip_prefix(prefix)?.strip_prefix('.')?;
    let (index, key) = rest.split_once('.')?;
    Some((index.parse().ok()?, key))
}

impl Builder {
    fn build(&mut self, entries: &[Entry], source: &str) -> Result<()> {
        let known = known_paths();
        let unknown = |e: &Entry| ScenarioError::UnknownKey {
            origin: e.key_origin.clone(),
            path: e.path.clone(),
            suggestion: suggest(&e.path, &known),
        };
        let mut schema_seen = false;
        let mut offerings: BTreeMap<usize, Vec<&Entry>> = BTreeMap::new();
        let mut interventions: BTreeMap<usize, Vec<&Entry>> = BTreeMap::new();
        for e in entries {
            match e.path.as_str() {
                "schema" => {
                    let kind = Kind::Integer(crate::value::Range::closed(
                        SCHEMA_VERSION as f64,
                        SCHEMA_VERSION as f64,
                    ));
                    check(&kind, "schema", e)?;
                    schema_seen = true;
                }
                "name" => self.name = text(&check(&Kind::Text, "name", e)?),
                "description" => self.description = text(&check(&Kind::Text, "description", e)?),
                path => {
                    if let Some(f) = parameter_fields().iter().find(|f| f.path == path) {
                        let v = check(&f.kind, path, e)?;
                        (f.set)(&mut self.parameters, &v);
                    } else if let Some((i, _)) = indexed(path, "offerings") {
                        offerings.entry(i).or_default().push(e);
                    } else if let Some((i, _)) = indexed(path, "interventions") {
                        interventions.entry(i).or_default().push(e);
                    } else {
                        return Err(unknown(e));
                    }
                }
            }
        }
        if !schema_seen {
            return Err(ScenarioError::Missing {
                origin: Origin::File {
                    source: source.to_string(),
                    line: 1,
                    column: 1,
                },
                path: "schema".into(),
                hint: format!("every scenario starts with `schema = {SCHEMA_VERSION}`"),
            });
        }
        self.build_offerings(&offerings, &known)?;
        self.check_network(entries)?;
        self.build_interventions(&interventions)?;
        Ok(())
    }

    fn build_offerings(&mut self, offerings: &BTreeMap<usize, Vec<&Entry>>, known: &[String]) -> Result<()> {
        if offerings.is_empty() {
            return Ok(());
        }
        let mut built = Vec::new();
        for (position, (&index, entries)) in offerings.iter().enumerate() {
            let first = entries[0];
            if index != position || index >= MAX_OFFERINGS {
                return Err(ScenarioError::OutOfRange {
                    origin: first.origin.clone(),
                    path: format!("offerings.{index}"),
                    value: index.to_string(),
                    allowed: format!(
                        "indices 0 to {} without gaps (at most {MAX_OFFERINGS} offerings)",
                        position.min(MAX_OFFERINGS - 1)
                    ),
                });
            }
            let mut offering = OfferingParameters {
                name: format!("offering-{}", index + 1),
                ..OfferingParameters::default()
            };
            for e in entries {
                let (_, key) = indexed(&e.path, "offerings").unwrap_or((0, ""));
                let field: &Field<OfferingParameters> =
                    offering_fields()
                        .iter()
                        .find(|f| f.path == key)
                        .ok_or_else(|| ScenarioError::UnknownKey {
                            origin: e.key_origin.clone(),
                            path: e.path.clone(),
                            suggestion: suggest(&e.path, known),
                        })?;
                let v = check(&field.kind, &e.path, e)?;
                if key == "name" {
                    let name = text(&v);
                    let clash = built.iter().any(|o: &OfferingParameters| o.name == name);
                    if name.is_empty() || name.chars().count() > 64 || clash {
                        return Err(ScenarioError::OutOfRange {
                            origin: e.origin.clone(),
                            path: e.path.clone(),
                            value: v.to_string(),
                            allowed: "a unique name of 1 to 64 characters".into(),
                        });
                    }
                }
                (field.set)(&mut offering, &v);
            }
            built.push(offering);
        }
        self.parameters.offerings = built;
        Ok(())
    }

    fn check_network(&self, entries: &[Entry]) -> Result<()> {
        let n = &self.parameters.network;
        if n.kind == NetworkKind::WattsStrogatz && n.degree % 2 == 1 {
            let origin = entries
                .iter()
                .rev()
                .find(|e| e.path == "network.degree")
                .map(|e| e.origin.clone())
                .unwrap_or(Origin::Override {
                    text: "network.degree".into(),
                });
            return Err(ScenarioError::OutOfRange {
                origin,
                path: "network.degree".into(),
                value: n.degree.to_string(),
                allowed: "an even number for network.kind = \"watts-strogatz\"".into(),
            });
        }
        Ok(())
    }

    fn build_interventions(&mut self, interventions: &BTreeMap<usize, Vec<&Entry>>) -> Result<()> {
        let days = self.parameters.run.days();
        for (position, (&index, entries)) in interventions.iter().enumerate() {
            let first = entries[0];
            let prefix = format!("interventions.{index}");
            if index != position {
                return Err(ScenarioError::OutOfRange {
                    origin: first.origin.clone(),
                    path: prefix,
                    value: index.to_string(),
                    allowed: format!("indices 0 to {position} without gaps"),
                });
            }
            let kinds: Vec<&str> = intervention_kinds().iter().map(|(k, _, _)| *k).collect();
            let kind_entry =
                entries
                    .iter()
                    .find(|e| e.path.ends_with(".kind"))
                    .ok_or_else(|| ScenarioError::Missing {
                        origin: first.origin.clone(),
                        path: format!("{prefix}.kind"),
                        hint: format!("every intervention names its kind: {}", quoted(&kinds)),
                    })?;
            let kind = text(&check(
                &Kind::Choice(&InterventionKind::NAMES),
                &kind_entry.path,
                kind_entry,
            )?);
            let Some(kind_of) = InterventionKind::from_name(&kind) else {
                return Err(ScenarioError::OutOfRange {
                    origin: kind_entry.origin.clone(),
                    path: kind_entry.path.clone(),
                    value: format!("{kind:?}"),
                    allowed: quoted(&kinds),
                });
            };
            let (_, fields) = intervention_fields(kind_of);
            let mut values: BTreeMap<&str, (Value, &Entry)> = BTreeMap::new();
            for e in entries.iter().filter(|e| !e.path.ends_with(".kind")) {
                let key = e.path[prefix.len() + 1..].to_string();
                let field = fields.iter().find(|f| f.key == key).ok_or_else(|| {
                    let candidates: Vec<String> = fields.iter().map(|f| format!("{prefix}.{}", f.key)).collect();
                    ScenarioError::UnknownKey {
                        origin: e.key_origin.clone(),
                        path: format!("{} (for kind \"{kind}\")", e.path),
                        suggestion: suggest(&e.path, &candidates).or_else(|| Some(candidates.join("`, `"))),
                    }
                })?;
                values.insert(field.key, (check(&field.kind, &e.path, e)?, e));
            }
            for f in fields.iter().filter(|f| f.required) {
                if !values.contains_key(f.key) {
                    return Err(ScenarioError::Missing {
                        origin: kind_entry.origin.clone(),
                        path: format!("{prefix}.{}", f.key),
                        hint: format!(
                            "a \"{kind}\" intervention needs `{}` ({}; allowed: {})",
                            f.key,
                            if f.unit.is_empty() { "a name" } else { f.unit },
                            f.kind.allowed()
                        ),
                    });
                }
            }
            let float = |k: &str| match values.get(k) {
                Some((Value::Float(x), _)) => *x,
                _ => 0.0,
            };
            let day = |k: &str| match values.get(k) {
                Some((Value::Integer(i), _)) => *i as u32,
                _ => 0,
            };
            let offering = |k: &str| -> Result<Option<usize>> {
                let Some((Value::Text(name), e)) = values.get(k) else {
                    return Ok(None);
                };
                let names: Vec<&str> = self.parameters.offerings.iter().map(|o| o.name.as_str()).collect();
                names
                    .iter()
                    .position(|n| n == name)
                    .map(Some)
                    .ok_or_else(|| ScenarioError::OutOfRange {
                        origin: e.origin.clone(),
                        path: e.path.clone(),
                        value: format!("{name:?}"),
                        allowed: format!("an offering name: {}", quoted(&names)),
                    })
            };
            let intervention = match kind_of {
                InterventionKind::Shock => Intervention::Shock {
                    day: day("day"),
                    size: float("size"),
                    offering: offering("offering")?,
                    harmed: values.contains_key("harmed").then(|| float("harmed")),
                },
                InterventionKind::Regulation => Intervention::Regulation {
                    day: day("day"),
                    floor: float("floor"),
                },
                InterventionKind::Advocacy => {
                    if day("end") <= day("start") {
                        let (v, e) = &values["end"];
                        let start = &values["start"].1;
                        return Err(ScenarioError::OutOfRange {
                            origin: e.origin.clone(),
                            path: e.path.clone(),
                            value: v.to_string(),
                            allowed: format!("a day after {} ({}, set at {})", start.path, day("start"), start.origin),
                        });
                    }
                    Intervention::Advocacy {
                        start: day("start"),
                        end: day("end"),
                        strength: float("strength"),
                    }
                }
                InterventionKind::HeroicVendor => Intervention::HeroicVendor {
                    start: day("start"),
                    offering: offering("offering")?.unwrap_or(0),
                    security: float("security"),
                },
                InterventionKind::CheaperSecurity => Intervention::CheaperSecurity {
                    day: day("day"),
                    tax_factor: float("tax_factor"),
                },
                InterventionKind::Disclosure => Intervention::Disclosure {
                    day: day("day"),
                    threshold_drop: float("threshold_drop"),
                },
                InterventionKind::Liability => Intervention::Liability {
                    day: day("day"),
                    share: float("share"),
                },
                InterventionKind::Procurement => Intervention::Procurement {
                    day: day("day"),
                    share: float("share"),
                    minimum: float("minimum"),
                },
            };
            if intervention.start() >= days {
                self.warnings.push(format!(
                    "{}: {prefix} ({kind}) starts on day {}, after the horizon of {days} days: it has no effect",
                    kind_entry.origin,
                    intervention.start()
                ));
            }
            self.parameters.interventions.push(intervention);
        }
        Ok(())
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Text(t) => t.clone(),
        other => other.to_string(),
    }
}
