//! Reference material generated from the field registry: the JSON Schema of the scenario format
//! and the parameter table of the docs. Both are committed and a test keeps them current.

use crate::fields::{intervention_kinds, offering_fields, parameter_fields, Kind};
use crate::readers::{offering_reader, reader, Reader};
use crate::scenario::SCHEMA_VERSION;
use crate::value::Value;
use esplab_model::{OfferingParameters, Parameters};
use serde_json::{json, Map, Value as Json};

fn kind_schema(kind: &Kind, doc: &str, unit: &str, reader: Reader, default: Option<Value>) -> Json {
    let mut s = Map::new();
    let mut description = if unit.is_empty() {
        doc.to_string()
    } else {
        format!("{doc} Unit: {unit}.")
    };
    if !matches!(reader, Reader::Dynamics | Reader::Label) {
        description.push_str(&format!(" Read only by {}.", reader.describe()));
    }
    s.insert("description".into(), description.into());
    match kind {
        Kind::Float(r) | Kind::Integer(r) => {
            s.insert(
                "type".into(),
                if matches!(kind, Kind::Float(_)) {
                    "number"
                } else {
                    "integer"
                }
                .into(),
            );
            s.insert(
                if r.low_inclusive { "minimum" } else { "exclusiveMinimum" }.into(),
                json!(r.low),
            );
            s.insert(
                if r.high_inclusive {
                    "maximum"
                } else {
                    "exclusiveMaximum"
                }
                .into(),
                json!(r.high),
            );
        }
        Kind::Bool => {
            s.insert("type".into(), "boolean".into());
        }
        Kind::Text => {
            s.insert("type".into(), "string".into());
        }
        Kind::Date => {
            // A TOML date literal reaches a JSON validator as a string too.
            s.insert("type".into(), "string".into());
            s.insert("pattern".into(), r"^(\d{4}-\d{2}-\d{2})?$".into());
        }
        Kind::Choice(options) => {
            s.insert("type".into(), "string".into());
            s.insert("enum".into(), json!(options));
        }
    }
    if let Some(d) = default {
        s.insert("default".into(), d.to_json());
    }
    Json::Object(s)
}

fn object(properties: Map<String, Json>, required: &[&str]) -> Json {
    json!({"type": "object", "additionalProperties": false, "required": required, "properties": properties})
}

/// The JSON Schema (draft 2020-12) of scenario files.
pub fn json_schema() -> Json {
    let defaults = Parameters::default();
    let mut sections: Map<String, Json> = Map::new();
    for f in parameter_fields() {
        let (head, key) = f.path.split_once('.').unwrap_or(("", f.path));
        let section = sections
            .entry(head.to_string())
            .or_insert_with(|| Json::Object(Map::new()));
        if let Json::Object(m) = section {
            m.insert(
                key.into(),
                kind_schema(&f.kind, f.doc, f.unit, reader(f.path), Some((f.get)(&defaults))),
            );
        }
    }
    let mut properties = Map::new();
    properties.insert(
        "schema".into(),
        json!({"const": SCHEMA_VERSION, "description": "Version of the scenario format."}),
    );
    properties.insert(
        "name".into(),
        json!({"type": "string", "description": "Name of the scenario."}),
    );
    properties.insert(
        "description".into(),
        json!({"type": "string", "description": "One-line description."}),
    );
    for (name, fields) in sections {
        if let Json::Object(m) = fields {
            properties.insert(name, object(m, &[]));
        }
    }
    let offering_default = OfferingParameters::default();
    let offering: Map<String, Json> = offering_fields()
        .iter()
        .map(|f| {
            let default = (f.path != "name").then(|| (f.get)(&offering_default));
            (
                f.path.to_string(),
                kind_schema(&f.kind, f.doc, f.unit, offering_reader(f.path), default),
            )
        })
        .collect();
    properties.insert(
        "offerings".into(),
        json!({"type": "array", "minItems": 1, "maxItems": esplab_model::MAX_OFFERINGS, "items": object(offering, &[]),
               "description": "Competing offerings of the technology."}),
    );
    let variants: Vec<Json> = intervention_kinds()
        .iter()
        .map(|(kind, doc, fields)| {
            let mut m = Map::new();
            m.insert("kind".into(), json!({"const": kind, "description": doc}));
            for f in fields.iter() {
                m.insert(
                    f.key.into(),
                    kind_schema(&f.kind, f.doc, f.unit, Reader::Dynamics, None),
                );
            }
            let mut required = vec!["kind"];
            required.extend(fields.iter().filter(|f| f.required).map(|f| f.key));
            object(m, &required)
        })
        .collect();
    properties.insert(
        "interventions".into(),
        json!({"type": "array", "items": {"oneOf": variants}, "description": "Scheduled interventions."}),
    );
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "esplab-scenario-1.schema.json",
        "title": "esplab scenario",
        "description": "A scenario file of esplab, format version 1 (TOML). Generated by `esplab schema`.",
    });
    if let Json::Object(m) = &mut schema {
        if let Json::Object(o) = object(properties, &["schema"]) {
            m.extend(o);
        }
    }
    schema
}

/// The parameter table of `docs/parameters.md`, in Markdown.
pub fn parameters_markdown() -> String {
    let defaults = Parameters::default();
    let mut out = String::from(
        "# Scenario parameters\n\nGenerated from the code by `esplab scenarios --parameters`; a test keeps this file current. \
         Ranges: `[a, b]` includes both ends, `(a, b]` excludes `a`. The meaning of each parameter and the source of \
         its default are in [model.md](model.md). *Read by* names the mechanism that reads a key when not every \
         run does: a key a scenario's mechanisms do not read has no effect, `esplab check` lists those its file sets, \
         and setting one with `--set` is a warning (an error with `--strict`).\n\n\
         | key | default | allowed | unit | read by | meaning |\n|---|---|---|---|---|---|\n",
    );
    let row = |key: &str, default: String, kind: &Kind, unit: &str, reader: Reader, doc: &str| {
        format!(
            "| `{key}` | {default} | {} | {unit} | {} | {doc} |\n",
            kind.allowed().replace('|', "\\|"),
            reader.short()
        )
    };
    for f in parameter_fields() {
        out.push_str(&row(
            f.path,
            format!("`{}`", (f.get)(&defaults).to_toml()),
            &f.kind,
            f.unit,
            reader(f.path),
            f.doc,
        ));
    }
    out.push_str("\n## `[[offerings]]` (one table per offering; default: one offering)\n\n| key | default | allowed | unit | read by | meaning |\n|---|---|---|---|---|---|\n");
    let offering = OfferingParameters::default();
    for f in offering_fields() {
        let default = if f.path == "name" {
            "`\"offering-N\"`".to_string()
        } else {
            format!("`{}`", (f.get)(&offering).to_toml())
        };
        out.push_str(&row(f.path, default, &f.kind, f.unit, offering_reader(f.path), f.doc));
    }
    out.push_str("\n## `[[interventions]]` (none by default)\n");
    for (kind, doc, fields) in intervention_kinds() {
        out.push_str(&format!(
            "\n### `kind = \"{kind}\"`\n\n{doc}\n\n| key | required | allowed | unit | read by | meaning |\n|---|---|---|---|---|---|\n"
        ));
        for f in fields.iter() {
            out.push_str(&row(
                f.key,
                if f.required { "yes" } else { "no" }.into(),
                &f.kind,
                f.unit,
                Reader::Dynamics,
                f.doc,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn repository() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// The committed copy equals the generated one; `ESPLAB_BLESS=1` rewrites it.
    fn assert_current(relative: &str, generated: &str) {
        let path = repository().join(relative);
        if std::env::var_os("ESPLAB_BLESS").is_some() {
            std::fs::write(&path, generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{relative} is out of date: run `ESPLAB_BLESS=1 cargo test -p esplab-scenario` and commit it"
        );
    }

    #[test]
    fn committed_json_schema_is_current() {
        let text = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
        assert_current("schema/scenario.schema.json", &text);
    }

    #[test]
    fn committed_parameter_table_is_current() {
        assert_current("docs/parameters.md", &parameters_markdown());
    }

    #[test]
    fn schema_has_every_field_with_its_range() {
        let s = json_schema();
        assert_eq!(
            s["properties"]["users"]["properties"]["harm_fear"]["maximum"],
            json!(1000.0)
        );
        assert_eq!(
            s["properties"]["run"]["properties"]["years"]["exclusiveMinimum"],
            json!(0.0)
        );
        assert_eq!(
            s["properties"]["interventions"]["items"]["oneOf"]
                .as_array()
                .unwrap()
                .len(),
            esplab_model::InterventionKind::ALL.len()
        );
    }
}
