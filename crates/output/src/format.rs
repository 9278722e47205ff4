//! The one way numbers are written for people (tables on a terminal, reports' cells): fixed
//! point, or scientific when very large or very small; `-` for a figure that is not defined.

/// A number for a table.
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        "-".into()
    } else if v != 0.0 && (v.abs() >= 1e5 || v.abs() < 1e-3) {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_fixed_or_scientific_by_size() {
        assert_eq!(number(0.25), "0.2500");
        assert_eq!(number(0.0), "0.0000");
        assert_eq!(number(123_456.0), "1.235e5");
        assert_eq!(number(0.0001), "1.000e-4");
        assert_eq!(number(f64::NAN), "-");
    }
}
