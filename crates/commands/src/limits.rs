//! The limits of a request's numbers, declared once beside the request: every front end takes
//! them from here (the command line no longer checks ranges of its own), and an error names the
//! field, the value and what is allowed.

use crate::error::CommandError;

/// The inclusive range a whole number of a request must lie in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The request's field.
    pub field: &'static str,
    pub low: u64,
    pub high: u64,
}

impl Limit {
    /// `value`, or an error naming the field, the value and the range.
    pub fn check(&self, value: u64) -> Result<u64, CommandError> {
        if (self.low..=self.high).contains(&value) {
            Ok(value)
        } else {
            Err(CommandError::field(self.field, value, self.allowed()))
        }
    }

    /// The range in words.
    pub fn allowed(&self) -> String {
        if self.high == u64::MAX {
            format!("allowed: at least {}", self.low)
        } else {
            format!("allowed: {}..={}", self.low, self.high)
        }
    }
}

/// The open interval (0, 1) a fraction of a request must lie in.
pub fn fraction(field: &'static str, value: f64) -> Result<f64, CommandError> {
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(CommandError::field(field, value, "allowed: (0, 1)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_outside_its_limit_names_the_field_and_the_range() {
        let runs = Limit {
            field: "runs",
            low: 2,
            high: 100,
        };
        assert_eq!(runs.check(2).unwrap(), 2);
        assert_eq!(runs.check(100).unwrap(), 100);
        let e = runs.check(1).unwrap_err();
        assert_eq!(e.to_string(), "runs 1: allowed: 2..=100");
        assert!(runs.check(101).is_err());
        assert!(fraction("quantile", 1.0).is_err() && fraction("quantile", 0.0).is_err());
        assert_eq!(fraction("quantile", 0.5).unwrap(), 0.5);
    }
}
