//! `esplab analyze` on real runs: the mega-incident of `iot-botnets` is named as the trigger of
//! the jump that follows it, regulation follows its outcry by the regulator's lag and is complied
//! with over its transition, and the statistics are written to analysis.json.

mod common;

use common::{esplab, ok, temp};

#[test]
fn analyze_traces_the_mirai_jump_and_regulation_back_to_their_events() {
    let dir = temp("analyze");
    let mut regulations = 0;
    for seed in 1..=5 {
        let out = dir.join(format!("iot-{seed}"));
        let out = out.to_str().unwrap();
        // The shock harms as many of the devices' users as it has records (the preset harms only
        // the infected devices' owners, whom vendors do not answer), so that a vendor raise
        // follows it for analyze to trace.
        ok(&[
            "run",
            "iot-botnets",
            "--set",
            "interventions.0.harmed=1e8",
            "--users",
            "20000",
            "--seed",
            &seed.to_string(),
            "-q",
            "--out",
            out,
        ]);
        let o = ok(&["analyze", out]);
        let table = String::from_utf8_lossy(&o.stdout).to_string();
        assert!(
            table.contains("change points: PELT") && table.contains("penalty"),
            "{table}"
        );
        let a: serde_json::Value =
            serde_json::from_slice(&std::fs::read(format!("{out}/analysis.json")).unwrap()).unwrap();
        let jumps = a["jumps"].as_array().unwrap();
        // The Mirai shock (1e8 records on day 659) starts the chain of a jump on that day.
        let mirai = jumps
            .iter()
            .find(|j| j["day"] == 659)
            .unwrap_or_else(|| panic!("seed {seed}: no jump on day 659: {table}"));
        let first = &mirai["chain"][0];
        assert_eq!(first["day"], 659);
        assert!(
            first["event"]
                .as_str()
                .unwrap()
                .starts_with("incident of 1.000e8 records"),
            "{mirai}"
        );
        assert_eq!(mirai["cause"], "vendor raise");
        // Every regulation comes the regulator's lag (700 days) after an outcry, and the floor
        // rises in a straight line to its required share by the deadline (460 days later).
        let events = std::fs::read_to_string(format!("{out}/events.csv")).unwrap();
        let floors: Vec<f64> = std::fs::read_to_string(format!("{out}/timeseries.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(4).unwrap().parse().unwrap())
            .collect();
        let mut outcries = vec![];
        let header: Vec<&str> = events.lines().next().unwrap().split(',').collect();
        let deadline_column = header.iter().position(|c| *c == "deadline").unwrap();
        for line in events.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let day: usize = f[0].parse().unwrap();
            if f[2] == "outcry" {
                outcries.push(day);
            }
            if f[2] == "regulation" {
                assert!(outcries.contains(&(day - 700)), "{line}");
                let required: f64 = f[4].parse().unwrap();
                let deadline: usize = f[deadline_column].parse().unwrap();
                assert_eq!(deadline, day + 460, "{line}");
                if deadline < floors.len() {
                    assert!(
                        (floors[deadline] - required).abs() < 1e-9,
                        "{line}: {}",
                        floors[deadline]
                    );
                    let (before, middle) = (floors[day], floors[day + 230]);
                    assert!(before < required - 0.05, "{line}: complied with over time, not at once");
                    assert!((middle - (before + required) / 2.0).abs() < 0.01, "{line}: {middle}");
                }
                regulations += 1;
            }
        }
        // A jump caused by a regulation goes back to an outcry exactly the lag earlier.
        for j in jumps.iter().filter(|j| j["cause"] == "regulation") {
            let chain = j["chain"].as_array().unwrap();
            let outcry = chain
                .iter()
                .find(|l| l["event"].as_str().unwrap().starts_with("outcry"))
                .expect("outcry in chain");
            assert_eq!(j["day"].as_u64().unwrap() - outcry["day"].as_u64().unwrap(), 700, "{j}");
        }
        let changes = &a["baseline_changes"];
        assert!(changes["daily_kurtosis"].as_f64().unwrap() > 10.0);
        assert!(changes["daily_l_kurtosis"].as_f64().unwrap() > 0.1226);
        assert!(a["incidents"]["count"].as_u64().unwrap() > 0);
        assert_eq!(
            a["incidents"]["abandonment_within_90_days_by_size_decile"]
                .as_array()
                .unwrap()
                .len(),
            10
        );
    }
    assert!(
        regulations >= 5,
        "every iot run has a regulation after Mirai ({regulations} in 5 runs)"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn analyze_refuses_folders_it_cannot_read() {
    let dir = temp("analyze-bad");
    let o = esplab(&["analyze", dir.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a complete run folder (no manifest.json)"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn analyze_summarises_an_ensemble_identically_for_any_threads() {
    let dir = temp("analyze-ensemble");
    let out = dir.join("iot");
    let out = out.to_str().unwrap();
    ok(&[
        "ensemble",
        "iot-botnets",
        "--set",
        "interventions.0.harmed=1e8",
        "--runs",
        "8",
        "--users",
        "5000",
        "-q",
        "--out",
        out,
    ]);
    ok(&["analyze", out, "--threads", "1", "-q"]);
    let one = std::fs::read(format!("{out}/analysis.json")).unwrap();
    let o = ok(&["analyze", out, "--threads", "2"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("8 runs recomputed from scenario.toml"));
    let two = std::fs::read(format!("{out}/analysis.json")).unwrap();
    assert_eq!(one, two);
    let a: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(a["runs"], 8);
    assert!(
        a["jump_causes"]["vendor raise"].as_u64().unwrap() >= 8,
        "a shock that harms its size makes every run jump: {a}"
    );
    assert!(a["jumps_per_run"]["median"].as_f64().unwrap() >= 1.0);
    assert!(a["daily_kurtosis"]["low"].as_f64().unwrap() > 3.0);
    assert_eq!(
        a["abandonment_within_90_days_by_size_decile_pooled"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
