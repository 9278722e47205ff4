//! Numbers for people on a terminal: `esplab-output`'s one formatter ([`number`]), signed, and
//! with intervals.

use esplab_experiment::statistics::Interval;

pub use esplab_output::format::number;

/// A signed number for a table.
pub fn signed(v: f64) -> String {
    if v >= 0.0 {
        format!("+{}", number(v))
    } else {
        number(v)
    }
}

/// An estimate and its interval, signed.
pub fn interval(i: &Interval) -> String {
    format!("{} [{}, {}]", signed(i.estimate), signed(i.low), signed(i.high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_are_written() {
        assert_eq!(signed(0.5), "+0.5000");
        assert_eq!(signed(-0.5), "-0.5000");
    }
}
