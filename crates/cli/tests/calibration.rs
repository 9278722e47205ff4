//! Defaults that come from the real case table are recomputed from `data/cases.csv`.

mod common;
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

mod recovery {
    use super::common::{ok, temp};
    use esplab_experiment::calibration::{run_statistics, statistic_index};
    use esplab_scenario::{Override, Scenario};

    /// Synthetic data from the model itself: the median over 9 seeds of each statistic at the
    /// true parameters (as a real target is a median over cases). `calibrate`, also with 9
    /// replicates per particle, must put the truth inside its 95% credible interval, and that
    /// interval must be much narrower than the prior.
    #[test]
    fn calibrate_recovers_known_parameters_from_synthetic_data() {
        let truth = [
            ("attack.size_log10_sd", 0.8, 0.2, 2.0),
            ("regulator.lag_days", 400.0, 60.0, 1200.0),
        ];
        let statistics = ["incident_log10_sd", "regulation_lag_months"];
        let base = [
            Override::option("--users", "run.users", 3000),
            Override::option("--years", "run.years", 4),
        ];
        let mut overrides = base.to_vec();
        for (key, value, _, _) in truth {
            overrides.push(Override::option("--set", key, value));
        }
        let p = Scenario::load("iot-botnets", &overrides).unwrap().parameters;
        let runs: Vec<Vec<f64>> = (0..9).map(|i| run_statistics(&p, 999, i)).collect();
        let mut text = String::from("schema = 1\nname = \"synthetic\"\n");
        for s in statistics {
            let k = statistic_index(s).unwrap();
            let mut x: Vec<f64> = runs.iter().map(|r| r[k]).collect();
            assert!(x.iter().all(|v| v.is_finite()), "{s} is defined in every synthetic run");
            x.sort_by(f64::total_cmp);
            text += &format!("\n[[targets]]\nstatistic = \"{s}\"\nvalue = {}\n", x[4]);
        }
        let dir = temp("calibrate-recovery");
        let targets = dir.join("targets.toml");
        std::fs::write(&targets, text).unwrap();
        let out = dir.join("out");
        let mut args: Vec<String> = [
            "calibrate",
            "iot-botnets",
            "--targets",
            targets.to_str().unwrap(),
            "--users",
            "3000",
            "--years",
            "4",
            "--particles",
            "100",
            "--generations",
            "4",
            "--predictive",
            "20",
            "--replicates",
            "9",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for (key, _, low, high) in truth {
            args.push("--param".into());
            args.push(format!("{key}=uniform:{low}:{high}"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&args);
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("calibration.json")).unwrap()).unwrap();
        for (k, (key, value, low, high)) in truth.iter().enumerate() {
            let post = &summary["posterior"][k];
            assert_eq!(post["key"], *key);
            let ci = [
                post["credible_95"][0].as_f64().unwrap(),
                post["credible_95"][1].as_f64().unwrap(),
            ];
            assert!(
                ci[0] <= *value && *value <= ci[1],
                "{key}: truth {value} outside {ci:?}"
            );
            assert!(
                ci[1] - ci[0] < 0.35 * (high - low),
                "{key}: credible interval {ci:?} is not much narrower than the prior [{low}, {high}]"
            );
        }
        for f in [
            "particles.parquet",
            "posterior.parquet",
            "posterior.csv",
            "manifest.json",
        ] {
            assert!(out.join(f).is_file(), "{f} written");
        }
    }
}

mod calibrate_command {
    use super::common::{esplab, ok, read, temp};

    fn small(out: &std::path::Path, threads: &str) -> Vec<String> {
        [
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
            "2",
            "--replicates",
            "1",
            "--predictive",
            "5",
            "--quiet",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    #[test]
    fn output_is_byte_identical_whatever_the_threads() {
        let dir = temp("calibrate-threads");
        let (a, b) = (dir.join("a"), dir.join("b"));
        for (out, threads) in [(&a, "1"), (&b, "2")] {
            let args = small(out, threads);
            ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        }
        for f in [
            "particles.parquet",
            "posterior.csv",
            "calibration.json",
            "manifest.json",
        ] {
            assert_eq!(read(&a, f), read(&b, f), "{f}");
        }
        let posterior = String::from_utf8(read(&a, "posterior.csv")).unwrap();
        assert!(posterior.starts_with(
            "generation,particle,proposal,weight,distance,vendors.security_cost,vendors.memory_days,attention.threshold,\
             users.risk_sensitivity_median,users.harm_fear,standard.uptake,standard.pressure_threshold,vendor_lag_months"
        ));
        assert!(
            posterior.lines().next().unwrap().ends_with(
                "share:open-servers@2025-07-15,share:hosted-agents@2026-02-15,share:hosted-agents@2026-02-23"
            ),
            "each observed share has a column of its own"
        );
        assert_eq!(posterior.lines().count(), 21, "a header and 20 particles");
    }

    /// Held-out figures are predicted from the same runs as the fitted ones and leave the fit
    /// itself unchanged.
    #[test]
    fn held_out_figures_are_predicted_without_changing_the_fit() {
        let dir = temp("calibrate-holdout");
        let (plain, held) = (dir.join("plain"), dir.join("held"));
        ok(&small(&plain, "2").iter().map(String::as_str).collect::<Vec<_>>());
        let mut args = small(&held, "2");
        args.push("--holdout".into());
        args.push(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/targets/holdout-mcp.toml").into());
        ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        for f in ["particles.csv", "posterior.csv"] {
            assert_eq!(read(&plain, f), read(&held, f), "{f}");
        }
        let json = |d: &std::path::Path| -> serde_json::Value {
            serde_json::from_slice(&read(d, "calibration.json")).unwrap()
        };
        let (plain, summary) = (json(&plain), json(&held));
        assert_eq!(plain["posterior_predictive"], summary["posterior_predictive"]);
        assert!(plain.get("holdout").is_none());
        let holdout = &summary["holdout"];
        let rows = holdout["statistics"].as_array().unwrap();
        let names: Vec<&str> = rows.iter().map(|r| r["statistic"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "vendor_lag_months",
                "standard_lag_months",
                "no_response_share",
                "share:open-servers@2025-07-15",
                "share:hosted-agents@2026-02-15",
                "share:hosted-agents@2026-02-23"
            ]
        );
        let fitted = summary["posterior_predictive"]["statistics"].as_array().unwrap();
        let mut covered = 0;
        for row in rows {
            // mcp.toml fits the same statistics as holdout-mcp.toml holds out, with the same
            // values, so both predictives come from the same runs and must agree.
            let twin = fitted.iter().find(|f| f["statistic"] == row["statistic"]).unwrap();
            for key in ["target", "band", "p05", "p50", "p95", "target_within_90"] {
                assert_eq!(row[key], twin[key], "{key} of {}", row["statistic"]);
            }
            let number = |key: &str| row[key].as_f64().unwrap();
            let (p05, p95, observed) = (number("p05"), number("p95"), number("target"));
            let (low, high) = (row["band"][0].as_f64().unwrap(), row["band"][1].as_f64().unwrap());
            let share = row["statistic"].as_str().unwrap().starts_with("share");
            if share {
                // A survey's Wilson interval around its share.
                assert!(low <= observed && observed <= high && high > low, "{row}");
                assert!(row["sample"].as_u64().unwrap() >= 100);
            } else {
                assert_eq!((low, high), (observed, observed), "a case figure is a point");
                assert!(!row["rows"].as_array().unwrap().is_empty());
            }
            let inside = p05 <= high && low <= p95;
            assert_eq!(row["target_within_90"], inside);
            covered += usize::from(inside);
            if observed > 0.0 {
                assert_eq!(row["predicted_over_observed"].as_f64(), Some(number("p50") / observed));
            }
        }
        assert_eq!(holdout["covered"], covered);
        let manifest = String::from_utf8(read(&held, "manifest.json")).unwrap();
        assert!(
            manifest.contains("holdout.toml"),
            "the held-out file is kept and checksummed"
        );
        ok(&["report", held.to_str().unwrap(), "--quiet"]);
        let html = String::from_utf8(read(&held, "report.html")).unwrap();
        assert!(
            html.contains("Held-out figures (out of sample)"),
            "the report has the check"
        );
        assert!(html.contains(&format!("{covered} of 6 lie within")), "and its count");
        assert!(
            html.contains("narrowed by the data"),
            "and how much the data narrowed each prior"
        );
    }

    /// A lever's number is a parameter like any other: `web-https` fits how much free
    /// certificates cut the cost of security, and its posterior stays in the prior.
    #[test]
    fn an_intervention_s_number_is_calibrated() {
        let dir = temp("calibrate-intervention");
        let out = dir.join("out");
        ok(&[
            "calibrate",
            "web-https",
            "--targets",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/targets/web.toml"),
            "--param",
            "interventions.0.tax_factor=uniform:0.5:1",
            "--users",
            "1000",
            "--particles",
            "10",
            "--generations",
            "1",
            "--replicates",
            "1",
            "--predictive",
            "2",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        let posterior = String::from_utf8(read(&out, "posterior.csv")).unwrap();
        let mut lines = posterior.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let column = header
            .iter()
            .position(|h| *h == "interventions.0.tax_factor")
            .expect("a column");
        let values: Vec<f64> = lines
            .map(|l| l.split(',').nth(column).unwrap().parse().unwrap())
            .collect();
        assert_eq!(values.len(), 10);
        assert!(values.iter().all(|v| (0.5..=1.0).contains(v)), "{values:?}");
        assert!(values.windows(2).any(|w| w[0] != w[1]), "the factor varies: {values:?}");

        // A number of another kind of intervention is no key of this scenario.
        let o = esplab(&[
            "calibrate",
            "web-https",
            "--targets",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/targets/web.toml"),
            "--param",
            "interventions.0.share=uniform:0:1",
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("`interventions.0.share` is not a numeric scenario key"),
            "{err}"
        );
    }

    #[test]
    fn bad_input_is_named() {
        let dir = temp("calibrate-errors");
        let missing = dir.join("nope.toml");
        let o = esplab(&["calibrate", "mcp", "--targets", missing.to_str().unwrap()]);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("nope.toml: cannot read the file"), "{err}");

        let bad = dir.join("bad.toml");
        std::fs::write(&bad, "schema = 1\n[[targets]]\nstatistic = \"lag\"\nvalue = 1\n").unwrap();
        let o = esplab(&["calibrate", "mcp", "--targets", bad.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("bad.toml:3:13: targets.0.statistic: value \"lag\" is out of range"),
            "{err}"
        );

        let targets = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/targets/mcp.toml");
        let o = esplab(&[
            "calibrate",
            "mcp",
            "--targets",
            targets,
            "--param",
            "vendors.tolerance=uniform:0:2",
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("--param vendors.tolerance=uniform:0:2: low 0 is out of range; allowed: (0, 1]"),
            "{err}"
        );
        let o = esplab(&["calibrate", "mcp", "--targets", targets, "--quantile", "1.5"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--quantile 1.5: allowed: (0, 1)"), "{err}");
        assert_eq!(o.status.code(), Some(2), "a wrong setting is a wrong command line");
        // Each replicate of a particle has a seed of its own up to 256 replicates.
        let o = esplab(&["calibrate", "mcp", "--targets", targets, "--replicates", "257"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--replicates 257: allowed: 1..=256"), "{err}");
        assert_eq!(o.status.code(), Some(2));
        let o = esplab(&[
            "calibrate",
            "mcp",
            "--targets",
            targets,
            "--only",
            "regulation_lag_months",
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--only regulation_lag_months:"), "{err}");
        assert!(
            err.contains("it has: vendor_lag_months, standard_lag_months, no_response_share"),
            "{err}"
        );
        assert!(!dir.join("out").exists());
    }
}
