//! Flattening a scenario into leaf entries (`offerings.0.security = 0.2`), each with the place it
//! came from: a line and column of the file, or a command-line override.

use crate::error::{Result, ScenarioError};
use crate::value::{Origin, Value};
use toml_edit::{Item, Table};

/// A leaf of the scenario: a dotted path with a value, or a value of a type no field has.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: String,
    pub value: std::result::Result<Value, &'static str>,
    /// Where the value is.
    pub origin: Origin,
    /// Where the key is (the value's place for overrides).
    pub key_origin: Origin,
}

/// The leaves of a TOML document, in document order.
pub fn from_toml(text: &str, source: &str) -> Result<Vec<Entry>> {
    let document = toml_edit::Document::parse(text).map_err(|e| ScenarioError::Syntax {
        origin: locate(text, source, e.span().map(|s| s.start).unwrap_or(0)),
        message: e.message().trim().to_string(),
    })?;
    let mut entries = Vec::new();
    walk_table(document.as_table(), "", text, source, &mut entries);
    Ok(entries)
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk_table(table: &Table, prefix: &str, text: &str, source: &str, out: &mut Vec<Entry>) {
    for (key, item) in table.iter() {
        let key_offset = table.get_key_value(key).and_then(|(k, _)| k.span()).map(|s| s.start);
        walk_item(item, &join(prefix, key), key_offset, text, source, out);
    }
}

fn walk_item(item: &Item, path: &str, key_offset: Option<usize>, text: &str, source: &str, out: &mut Vec<Entry>) {
    match item {
        Item::None => {}
        Item::Table(t) => walk_table(t, path, text, source, out),
        Item::ArrayOfTables(array) => {
            for (i, t) in array.iter().enumerate() {
                walk_table(t, &format!("{path}.{i}"), text, source, out);
            }
        }
        Item::Value(v) => walk_value(v, path, key_offset, text, source, out),
    }
}

fn walk_value(
    v: &toml_edit::Value,
    path: &str,
    key_offset: Option<usize>,
    text: &str,
    source: &str,
    out: &mut Vec<Entry>,
) {
    use toml_edit::Value as T;
    let offset = v.span().map(|s| s.start).or(key_offset).unwrap_or(0);
    let value = match v {
        T::InlineTable(t) => {
            for (key, item) in t.iter() {
                let key_offset = t.get_key_value(key).and_then(|(k, _)| k.span()).map(|s| s.start);
                walk_value(item, &join(path, key), key_offset, text, source, out);
            }
            return;
        }
        T::Array(a) if !a.is_empty() && a.iter().all(|x| x.is_inline_table()) => {
            for (i, x) in a.iter().enumerate() {
                walk_value(x, &format!("{path}.{i}"), x.span().map(|s| s.start), text, source, out);
            }
            return;
        }
        T::Array(_) => Err("an array"),
        T::Datetime(d) => date_value(d.value()),
        T::String(s) => Ok(Value::Text(s.value().clone())),
        T::Integer(i) => Ok(Value::Integer(*i.value())),
        T::Float(f) => Ok(Value::Float(*f.value())),
        T::Boolean(b) => Ok(Value::Bool(*b.value())),
    };
    out.push(Entry {
        path: path.to_string(),
        value,
        origin: locate(text, source, offset),
        key_origin: locate(text, source, key_offset.unwrap_or(offset)),
    });
}

/// A bare TOML date (`start_date = 2024-11-25`) is read as its text; a time or offset is not
/// accepted.
fn date_value(d: &toml_edit::Datetime) -> std::result::Result<Value, &'static str> {
    match d {
        toml_edit::Datetime {
            date: Some(date),
            time: None,
            offset: None,
        } => Ok(Value::Text(date.to_string())),
        _ => Err("a date-time"),
    }
}

/// Line and column (1-based, in characters) of a byte offset.
pub fn locate(text: &str, source: &str, offset: usize) -> Origin {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    Origin::File {
        source: source.to_string(),
        line,
        column: before[line_start..].chars().count() + 1,
    }
}

/// A command-line override of one field: `path=value`, shown as `label` in messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// How the user wrote it, e.g. `--set run.users=1000` or `--users 1000`.
    pub label: String,
    pub path: String,
    pub value: String,
}

impl Override {
    /// Parses `path.to.key=value` as given to `--set`. `offerings[0].security` is accepted for
    /// `offerings.0.security`.
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_as("--set", text)
    }

    /// Parses `path.to.key=value` given to command-line option `option` (e.g. `--vary`).
    pub fn parse_as(option: &str, text: &str) -> Result<Self> {
        let label = format!("{option} {text}");
        let (path, value) = text.split_once('=').ok_or_else(|| ScenarioError::BadOverride {
            text: label.clone(),
            reason: "expected path.to.key=value".into(),
        })?;
        let path = path.trim().replace('[', ".").replace(']', "");
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(ScenarioError::BadOverride {
                text: text.to_string(),
                reason: "the key path is empty or has an empty segment".into(),
            });
        }
        Ok(Self {
            label,
            path,
            value: value.trim().to_string(),
        })
    }

    /// An override coming from a dedicated option such as `--users`.
    pub fn option(option: &str, path: &str, value: impl ToString) -> Self {
        let value = value.to_string();
        Self {
            label: format!("{option} {value}"),
            path: path.to_string(),
            value,
        }
    }

    /// The override as an entry. The value is read as TOML; a bare word is taken as a string.
    pub fn entry(&self) -> Entry {
        use toml_edit::Value as T;
        let value = match self.value.parse::<T>() {
            Ok(T::String(s)) => Ok(Value::Text(s.value().clone())),
            Ok(T::Integer(i)) => Ok(Value::Integer(*i.value())),
            Ok(T::Float(f)) => Ok(Value::Float(*f.value())),
            Ok(T::Boolean(b)) => Ok(Value::Bool(*b.value())),
            Ok(T::Array(_)) => Err("an array"),
            Ok(T::InlineTable(_)) => Err("a table"),
            Ok(T::Datetime(d)) => date_value(d.value()),
            Err(_) if is_integer_literal(&self.value) => Err(INTEGER_TOO_LARGE),
            Err(_) => Ok(Value::Text(self.value.clone())),
        };
        let origin = Origin::Override {
            text: self.label.clone(),
        };
        Entry {
            path: self.path.clone(),
            value,
            key_origin: origin.clone(),
            origin,
        }
    }
}

/// What an integer beyond the range of 64-bit signed integers is called in errors.
const INTEGER_TOO_LARGE: &str = "an integer beyond the largest allowed, 9223372036854775807";

/// Whether `text` is a decimal integer (TOML reads it as one unless it is too large).
fn is_integer_literal(text: &str) -> bool {
    let digits = text.trim().trim_start_matches(['+', '-']);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '_')
}

/// Applies overrides: each replaces the entry of the same path or adds one.
pub fn apply(entries: &mut Vec<Entry>, overrides: &[Override]) {
    for o in overrides {
        let entry = o.entry();
        match entries.iter_mut().find(|e| e.path == entry.path) {
            Some(existing) => *existing = entry,
            None => entries.push(entry),
        }
    }
}

/// Rejects the first key of `table` not in `allowed`, suggesting the closest allowed one.
pub fn check_keys(text: &str, source: &str, table: &Table, allowed: &[&str], prefix: &str) -> Result<()> {
    for (key, _) in table.iter() {
        if !allowed.contains(&key) {
            let span = table.get_key_value(key).and_then(|(k, _)| k.span());
            let best = allowed
                .iter()
                .min_by_key(|a| strsim::damerau_levenshtein(key, a))
                .filter(|b| strsim::damerau_levenshtein(key, b) <= 3);
            return Err(ScenarioError::UnknownKey {
                origin: locate(text, source, span.map_or(0, |s| s.start)),
                path: format!("{prefix}{key}"),
                suggestion: best.map(|b| format!("{prefix}{b}")),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_tables_arrays_of_tables_and_inline_tables() {
        let text = "schema = 1\n[users]\nharm_fear = 2\n[[offerings]]\nname = \"a\"\n[[offerings]]\nname = \"b\"\nnetwork = { degree = 4 }\n";
        let entries = from_toml(text, "x.toml").unwrap();
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "schema",
                "users.harm_fear",
                "offerings.0.name",
                "offerings.1.name",
                "offerings.1.network.degree"
            ]
        );
        assert_eq!(
            entries[1].origin,
            Origin::File {
                source: "x.toml".into(),
                line: 3,
                column: 13
            }
        );
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = from_toml("schema = 1\n[users\n", "bad.toml").unwrap_err().to_string();
        assert!(err.starts_with("bad.toml:2:"), "{err}");
        assert!(err.contains("invalid TOML"), "{err}");
    }

    #[test]
    fn overrides_parse_values_as_toml_or_bare_words() {
        let o = Override::parse("offerings[1].security=0.5").unwrap();
        assert_eq!(o.path, "offerings.1.security");
        assert_eq!(o.entry().value, Ok(Value::Float(0.5)));
        assert_eq!(
            Override::parse("network.kind=none").unwrap().entry().value,
            Ok(Value::Text("none".into()))
        );
        assert_eq!(
            Override::parse("a=\"x y\"").unwrap().entry().value,
            Ok(Value::Text("x y".into()))
        );
        assert!(Override::parse("novalue").is_err());
        assert!(Override::parse("a..b=1").is_err());
        let mut entries = from_toml("schema = 1\n[run]\nusers = 5\n", "f").unwrap();
        apply(&mut entries, &[Override::option("--users", "run.users", 9)]);
        assert_eq!(entries[1].value, Ok(Value::Integer(9)));
        assert_eq!(entries[1].origin.to_string(), "--users 9");
    }
}
