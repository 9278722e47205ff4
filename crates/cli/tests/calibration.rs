//! Defaults that come from the real case table are recomputed from `data/cases.csv`.

use esplab_model::Parameters;

/// Parses CSV text with quoted fields into rows of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn cases() -> (Vec<String>, Vec<Vec<String>>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/cases.csv");
    let mut rows = parse_csv(&std::fs::read_to_string(path).unwrap());
    let header = rows.remove(0);
    for r in &rows {
        assert_eq!(r.len(), header.len(), "malformed row {r:?}");
    }
    (header, rows)
}

#[test]
fn default_regulation_lag_is_the_median_lag_of_acute_regulation_cases() {
    let (header, rows) = cases();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (kind, acute, lag) = (
        column("response_type"),
        column("chronic_or_acute"),
        column("lag_months"),
    );
    let mut lags: Vec<f64> = rows
        .iter()
        .filter(|r| r[kind] == "regulation" && r[acute] == "acute" && !r[lag].is_empty())
        .map(|r| r[lag].parse().unwrap())
        .collect();
    lags.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert!(lags.len() >= 5, "too few cases: {lags:?}");
    let median_days = lags[lags.len() / 2] * 365.25 / 12.0;
    let default = Parameters::default().regulator.lag_days as f64;
    eprintln!("median acute regulation lag {median_days:.0} days; default {default}");
    assert!((default - median_days).abs() / median_days < 0.05);
}

#[test]
fn the_case_table_has_chronic_and_acute_rows_and_an_unanswered_case() {
    let (header, rows) = cases();
    let acute = header.iter().position(|h| h == "chronic_or_acute").unwrap();
    let kind = header.iter().position(|h| h == "response_type").unwrap();
    assert!(rows.iter().any(|r| r[acute] == "chronic"));
    assert!(rows.iter().any(|r| r[acute] == "acute"));
    assert!(rows.iter().any(|r| r[kind] == "none"));
}
