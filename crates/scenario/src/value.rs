//! Scalar values of scenario fields, where each value came from, and the allowed ranges.

use std::fmt;

/// A scalar value of a scenario field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Float(f64),
    Integer(i64),
    Bool(bool),
    Text(String),
}

impl Value {
    /// The TOML type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Float(_) => "a float",
            Self::Integer(_) => "an integer",
            Self::Bool(_) => "a boolean",
            Self::Text(_) => "a string",
        }
    }

    /// The value as TOML source text.
    pub fn to_toml(&self) -> String {
        match self {
            Self::Float(f) => {
                let s = format!("{f:?}");
                if s.contains(['.', 'e', 'E']) || !f.is_finite() {
                    s
                } else {
                    format!("{s}.0")
                }
            }
            Self::Integer(i) => i.to_string(),
            Self::Bool(b) => b.to_string(),
            Self::Text(t) => format!("{t:?}"),
        }
    }

    /// The value as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Float(f) => serde_json::json!(f),
            Self::Integer(i) => serde_json::json!(i),
            Self::Bool(b) => serde_json::json!(b),
            Self::Text(t) => serde_json::json!(t),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Float(x) => write!(f, "{x}"),
            Self::Integer(i) => write!(f, "{i}"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Text(t) => write!(f, "{t:?}"),
        }
    }
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A scenario file (or preset), 1-based line and column.
    File { source: String, line: usize, column: usize },
    /// A command-line override, as the user wrote it (`--set path=value`, `--users N`).
    Override { text: String },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File { source, line, column } => write!(f, "{source}:{line}:{column}"),
            Self::Override { text } => write!(f, "{text}"),
        }
    }
}

/// An interval of allowed numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub low: f64,
    pub low_inclusive: bool,
    pub high: f64,
    pub high_inclusive: bool,
}

impl Range {
    /// `[low, high]`.
    pub const fn closed(low: f64, high: f64) -> Self {
        Self {
            low,
            low_inclusive: true,
            high,
            high_inclusive: true,
        }
    }

    /// `(low, high]`.
    pub const fn above(low: f64, high: f64) -> Self {
        Self {
            low,
            low_inclusive: false,
            high,
            high_inclusive: true,
        }
    }

    /// Whether `x` lies in the range (NaN never does).
    pub fn contains(&self, x: f64) -> bool {
        let above = if self.low_inclusive {
            x >= self.low
        } else {
            x > self.low
        };
        let below = if self.high_inclusive {
            x <= self.high
        } else {
            x < self.high
        };
        above && below
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let open = if self.low_inclusive { '[' } else { '(' };
        let close = if self.high_inclusive { ']' } else { ')' };
        write!(f, "{open}{}, {}{close}", self.low, self.high)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_respect_their_bounds() {
        let r = Range::above(0.0, 1.0);
        assert!(!r.contains(0.0));
        assert!(r.contains(1.0));
        assert!(!r.contains(f64::NAN));
        assert_eq!(r.to_string(), "(0, 1]");
        assert_eq!(Range::closed(0.0, 2.5).to_string(), "[0, 2.5]");
    }

    #[test]
    fn values_render_as_toml() {
        assert_eq!(Value::Float(2.0).to_toml(), "2.0");
        assert_eq!(Value::Float(1e-5).to_toml(), "1e-5");
        assert_eq!(Value::Integer(3).to_toml(), "3");
        assert_eq!(Value::Text("a\"b".into()).to_toml(), "\"a\\\"b\"");
    }
}
