//! `esplab fit`, `forecast` and `backtest` end to end on the example files: the folders, their
//! reports, determinism across thread counts, and the errors a user meets first.

mod common;

use common::{esplab, ok, read, temp};

const SERIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/chip-cards-series.csv");
const EVENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/chip-cards-events.csv");
/// Small enough to exercise every step quickly, not to fit well.
const SMALL: [&str; 12] = [
    "--particles",
    "10",
    "--generations",
    "1",
    "--max-simulations",
    "40",
    "--predictive",
    "2",
    "--draws",
    "10",
    "--users",
    "1500",
];

fn fit(out: &std::path::Path, threads: &str) {
    let mut args = vec![
        "fit",
        "--series",
        SERIES,
        "--events",
        EVENTS,
        "--series-id",
        "emv-us-merchants-visa",
        "--as-of",
        "2016-06",
        "--threads",
        threads,
        "-q",
        "--out",
    ];
    args.push(out.to_str().unwrap());
    args.extend(SMALL);
    ok(&args);
}

#[test]
fn a_fit_forecasts_and_reports_identically_on_any_thread_count() {
    let dir = temp("forecasting");
    let (one, two) = (dir.join("fit-1"), dir.join("fit-2"));
    fit(&one, "1");
    fit(&two, "2");
    for name in [
        "posterior.csv",
        "paths.csv",
        "observations.csv",
        "fit.json",
        "manifest.json",
    ] {
        assert_eq!(read(&one, name), read(&two, name), "{name}");
    }
    let summary: serde_json::Value = serde_json::from_slice(&read(&one, "fit.json")).unwrap();
    assert_eq!(summary["base"], "us-chip-cards");
    assert_eq!(summary["offering"], "small-merchants");
    assert_eq!(
        (summary["points_seen"].as_u64(), summary["points_after"].as_u64()),
        (Some(2), Some(2))
    );
    let forecast = dir.join("forecast");
    ok(&[
        "forecast",
        one.to_str().unwrap(),
        "--horizon",
        "6mo",
        "--draws",
        "10",
        "-q",
        "--out",
        forecast.to_str().unwrap(),
    ]);
    let fan = String::from_utf8(read(&forecast, "fan.csv")).unwrap();
    assert!(
        fan.starts_with("day,date,p05,p25,p50,p75,p95,part\n0,2014-01-01,"),
        "{fan}"
    );
    assert!(fan.trim_end().ends_with(",forecast"));
    let chances = String::from_utf8(read(&forecast, "chances.csv")).unwrap();
    assert_eq!(chances.lines().count(), 5, "{chances}");
    for folder in [&one, &forecast] {
        ok(&["report", folder.to_str().unwrap(), "-q"]);
        ok(&["verify", folder.to_str().unwrap()]);
    }
    let html = String::from_utf8(read(&forecast, "report.html")).unwrap();
    assert!(html.contains("Chances within the horizon") && html.contains("<svg"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_backtest_scores_the_model_beside_three_naive_methods() {
    let dir = temp("backtest");
    let mut args = vec![
        "backtest",
        "--series",
        SERIES,
        "--series-id",
        "emv-us-merchants-visa",
        "--horizon",
        "6mo",
        "-q",
        "--out",
    ];
    let out = dir.join("bt");
    args.push(out.to_str().unwrap());
    args.extend(SMALL);
    ok(&args);
    let scores = String::from_utf8(read(&out, "scores.csv")).unwrap();
    let methods: Vec<&str> = scores.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    // The automatic as-of dates: 2016-06 and 2016-10 have a point within 6 months after them.
    assert_eq!(methods.len(), 8, "{scores}");
    assert_eq!(&methods[..4], ["esplab", "persistence", "logit trend", "random timing"]);
    let points = String::from_utf8(read(&out, "points.csv")).unwrap();
    let widths: Vec<usize> = points.lines().map(|l| l.split(',').count()).collect();
    assert!(
        widths.iter().all(|&w| w == widths[0]),
        "every row as wide as the header: {points}"
    );
    assert!(
        points.starts_with("as_of,method,date,day,observed,sample,p05,p25,p50,p75,p95,crps,"),
        "{points}"
    );
    ok(&["report", out.to_str().unwrap(), "-q"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_files_and_settings_are_named() {
    let dir = temp("forecast-errors");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "series_id,technology,control,date,share\na,T,c,2016-01,47%\n").unwrap();
    let run = |args: &[&str]| {
        let o = esplab(args);
        (o.status.code(), String::from_utf8_lossy(&o.stderr).to_string())
    };
    let (code, err) = run(&["fit", "--series", bad.to_str().unwrap(), "--series-id", "a"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("bad.csv:2: column `share`: value `47%`; allowed: a number in [0, 1]"),
        "{err}"
    );
    let (code, err) = run(&[
        "fit",
        "--series",
        SERIES,
        "--series-id",
        "emv-us-merchants-visa",
        "--as-of",
        "June 2016",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--as-of June 2016: YYYY, YYYY-MM or YYYY-MM-DD"), "{err}");
    let (code, err) = run(&["fit", "--series-id", "x"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--series FILE is required"), "{err}");
    let (code, err) = run(&[
        "backtest",
        "--series",
        SERIES,
        "--series-id",
        "emv-us-merchants-visa",
        "--horizon",
        "10d",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("too few points for a backtest within 10d"), "{err}");
    let (code, err) = run(&["forecast", dir.to_str().unwrap(), "--horizon", "24 months"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--horizon 24 months: a length"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
