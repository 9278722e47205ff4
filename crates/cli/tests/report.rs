//! `esplab report` on every kind of output folder: one self-contained HTML file whose charts
//! carry the numbers of the folder's files.

mod common;

use common::{esplab, ok, temp};
use std::path::Path;

fn html(dir: &Path) -> String {
    ok(&["report", dir.to_str().unwrap(), "--quiet"]);
    std::fs::read_to_string(dir.join("report.html")).unwrap()
}

/// Self-contained: no script, no external resource, no undefined numbers.
fn assert_self_contained(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("<script"), "no script");
    let without_namespace = page.replace("http://www.w3.org/2000/svg", "");
    assert!(!without_namespace.contains("http://") && !without_namespace.contains("https://"));
    assert!(
        !page.contains("NaN") && !page.contains("inf\""),
        "no undefined coordinates"
    );
}

#[test]
fn reports_of_every_kind_of_folder() {
    let dir = temp("report-kinds");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let small = ["--users", "2000", "--years", "2", "--quiet"];
    let with = |mut args: Vec<String>| {
        args.extend(small.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&args);
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    // The shock harms its size in users, so that vendors answer it with a jump to report.
    with(s(&[
        "run",
        "iot-botnets",
        "--set",
        "interventions.0.harmed=1e8",
        "--out",
        &path("run"),
    ]));
    ok(&["analyze", &path("run"), "--quiet"]);
    with(s(&["ensemble", "mcp", "--runs", "6", "--out", &path("ensemble")]));
    with(s(&[
        "compare",
        "mcp",
        "heroic-effort",
        "--runs",
        "6",
        "--out",
        &path("compare"),
    ]));
    with(s(&["leverage", "mcp", "--runs", "4", "--out", &path("leverage")]));
    ok(&[
        "calibrate",
        "mcp",
        "--targets",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/targets/mcp.toml"),
        "--users",
        "2000",
        "--years",
        "2",
        "--particles",
        "20",
        "--generations",
        "1",
        "--replicates",
        "1",
        "--predictive",
        "5",
        "--quiet",
        "--out",
        &path("calibrate"),
    ]);
    let plans = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plans");
    ok(&[
        "sweep",
        &format!("{plans}/mcp-lhs.toml"),
        "--set",
        "run.users=2000",
        "--set",
        "run.years=1",
        "--quiet",
        "--out",
        &path("sweep"),
    ]);
    with(s(&[
        "leverage",
        "mcp",
        "--draws",
        &format!("{plans}/mcp-lhs.toml"),
        "--runs",
        "2",
        "--out",
        &path("robust-leverage"),
    ]));
    // Discovery on the draws: where regulation's effect is at least its median.
    let robust: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("robust-leverage/robust-leverage.json")).unwrap())
            .unwrap();
    let regulation = robust["levers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lever"] == "regulation")
        .unwrap();
    let condition = format!("regulation >= {}", regulation["median_effect"]);
    ok(&[
        "discover",
        &path("robust-leverage"),
        "--where",
        &condition,
        "--quiet",
        "--out",
        &path("discover"),
    ]);
    ok(&[
        "sensitivity",
        &format!("{plans}/mcp-sensitivity.toml"),
        "--set",
        "run.years=1",
        "--quiet",
        "--out",
        &path("sensitivity"),
    ]);

    let run = html(&dir.join("run"));
    assert_self_contained(&run);
    for title in [
        "Security baseline",
        "Adoption",
        "Public fear and outcry",
        "attention threshold",
        "Jumps and what triggered them",
        "What happened",
        "Market shares",
        "date (day 0 = 2015-01-01)",
    ] {
        assert!(run.contains(title), "run report has {title}");
    }
    // The Mirai shock (day 659, 10^8 records) is the first link of a listed jump.
    assert!(
        run.contains("2016-10-21 (day 659): incident of 1.000e8 records"),
        "the jump's chain names the shock"
    );

    ok(&["analyze", &path("ensemble"), "--quiet"]);
    let ensemble = html(&dir.join("ensemble"));
    assert_self_contained(&ensemble);
    assert!(ensemble.contains("p05–p95") && ensemble.contains("median"));
    assert!(ensemble.contains("Market shares (mean across runs)") && ensemble.contains("share across runs"));
    assert!(ensemble.contains("date (day 0 = 2024-11-25)"));
    assert!(ensemble.contains("Punctuations (esplab analyze)") && ensemble.contains("daily kurtosis"));

    let compare = html(&dir.join("compare"));
    assert_self_contained(&compare);
    assert!(compare.contains("Paired difference"));
    assert!(compare.contains("long-run market share") && compare.contains("hosted-agents ("));

    let leverage = html(&dir.join("leverage"));
    assert_self_contained(&leverage);
    for lever in ["regulation", "advocacy", "disclosure", "shock"] {
        assert!(leverage.contains(lever), "{lever}");
    }
    assert!(leverage.contains("Where each lever") && leverage.matches(r#"class="part""#).count() >= 8);

    let robust = html(&dir.join("robust-leverage"));
    assert_self_contained(&robust);
    assert!(robust.contains("Which levers move the baseline, over the draws"));
    assert!(robust.contains("32 draws of") && robust.contains("share of draws ranked first"));
    for lever in ["regulation", "procurement", "heroic-vendor"] {
        assert!(robust.contains(lever), "{lever}");
    }

    let discovery = html(&dir.join("discover"));
    assert_self_contained(&discovery);
    assert!(discovery.contains("Peeling trajectory") && discovery.contains("Where regulation &gt;="));
    assert!(discovery.contains("16 of 32 draws") || discovery.contains("17 of 32 draws"));

    let sweep = html(&dir.join("sweep"));
    assert_self_contained(&sweep);
    assert!(sweep.contains("long_run_baseline against vendors.security_cost"));

    let sensitivity = html(&dir.join("sensitivity"));
    assert_self_contained(&sensitivity);
    assert!(sensitivity.contains("Sobol&#x27; indices") || sensitivity.contains("Sobol' indices"));

    let calibration = html(&dir.join("calibrate"));
    assert_self_contained(&calibration);
    assert!(calibration.contains("Posterior of vendors.security_cost"));
    assert!(calibration.contains("predictive vs target"));

    // --format svg writes each chart as a standalone SVG file.
    ok(&[
        "report",
        &path("leverage"),
        "-o",
        &path("slides/leverage.html"),
        "--format",
        "svg",
        "--quiet",
    ]);
    let svg = std::fs::read_to_string(dir.join("slides/figures/levers.svg")).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(dir.join("slides/leverage.html").is_file());
    ok(&["report", &path("leverage"), "--format", "png", "--quiet"]);
    let png = std::fs::read(dir.join("leverage/figures/levers.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}

#[test]
fn the_baseline_chart_holds_the_numbers_of_the_run() {
    let dir = temp("report-numbers");
    let out = dir.join("run");
    ok(&[
        "run",
        "mcp",
        "--users",
        "2000",
        "--years",
        "1",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let page = html(&out);
    // The chart maps day d to x = 70 + d / 364 * 630 and baseline b to y = 40 + 270 (1 - b).
    let series = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let header: Vec<&str> = series.lines().next().unwrap().split(',').collect();
    let b = header.iter().position(|h| *h == "baseline").unwrap();
    let last: Vec<f64> = series
        .lines()
        .last()
        .unwrap()
        .split(',')
        .map(|c| c.parse().unwrap())
        .collect();
    let y = 40.0 + 270.0 * (1.0 - last[b]);
    assert!(
        page.contains(&format!("L700.0,{y:.1}")),
        "the last baseline point ({y:.1}) is drawn"
    );
}

#[test]
fn the_market_share_chart_stacks_to_adoption() {
    let dir = temp("report-shares");
    let out = dir.join("run");
    ok(&[
        "run",
        "mcp",
        "--users",
        "2000",
        "--years",
        "1",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let page = html(&out);
    // offerings.csv's shares on the last day, stacked: the top edge of the last layer is their
    // sum, drawn at y = 40 + 270 (1 - sum); it is adoption as timeseries.csv gives it.
    let offerings = std::fs::read_to_string(out.join("offerings.csv")).unwrap();
    let last_day = offerings.lines().last().unwrap().split(',').next().unwrap().to_string();
    let total: f64 = offerings
        .lines()
        .skip(1)
        .filter(|l| l.split(',').next() == Some(last_day.as_str()))
        .map(|l| l.split(',').nth(2).unwrap().parse::<f64>().unwrap())
        .sum();
    let series = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let header: Vec<&str> = series.lines().next().unwrap().split(',').collect();
    let a = header.iter().position(|h| *h == "adoption").unwrap();
    let adoption: f64 = series
        .lines()
        .last()
        .unwrap()
        .split(',')
        .nth(a)
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (total - adoption).abs() < 1e-9,
        "shares add up to adoption: {total} vs {adoption}"
    );
    let y = 40.0 + 270.0 * (1.0 - total);
    let chart = &page[page.find("<title>Market shares</title>").expect("a market-share chart")..];
    assert!(
        chart.contains(&format!("L700.0,{y:.1}")),
        "the stack's top ({y:.1}) is drawn"
    );
}

#[test]
fn folders_without_a_report_are_named() {
    let dir = temp("report-errors");
    let o = esplab(&["report", dir.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("it has no manifest.json"), "{err}");
    assert!(!dir.join("report.html").exists());
}
