//! `esplab ensemble`, `compare` and `leverage` end to end: determinism across thread counts,
//! exact bands, the benefit of pairing, and plain verdicts.

mod common;

use common::{esplab, ok, read, temp};
use esplab_experiment::{band_series, simulate};
use std::path::Path;
use std::process::Command;

#[test]
fn ensemble_outputs_are_byte_identical_for_one_and_two_threads() {
    let dir = temp("threads");
    let run = |threads: &str| {
        let out = dir.join(threads);
        ok(&[
            "ensemble",
            "iot-botnets",
            "--runs",
            "12",
            "--users",
            "3000",
            "--years",
            "3",
            "--threads",
            threads,
            "-q",
            "--out",
            out.to_str().unwrap(),
        ]);
        out
    };
    let (one, two) = (run("1"), run("2"));
    for f in [
        "runs.csv",
        "runs.parquet",
        "bands.csv",
        "bands.parquet",
        "manifest.json",
    ] {
        assert_eq!(read(&one, f), read(&two, f), "{f} differs between 1 and 2 threads");
    }
    let names: Vec<String> = std::fs::read_dir(&one)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("partial")),
        "temporary files left: {names:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bands_are_the_exact_quantiles_of_the_runs() {
    let dir = temp("bands");
    let runs = 9u64;
    ok(&[
        "ensemble",
        "loud",
        "--runs",
        "9",
        "--users",
        "2000",
        "--years",
        "2",
        "-q",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let scenario = common::scenario("loud", &["run.users=2000", "run.years=2"]);
    let outcomes: Vec<_> = (0..runs)
        .map(|i| simulate(&scenario.parameters, scenario.parameters.run.seed, i, true))
        .collect();
    let bands = String::from_utf8(read(&dir, "bands.csv")).unwrap();
    let mut lines = bands.lines();
    assert_eq!(lines.next().unwrap(), "day,metric,mean,p05,p25,p50,p75,p95");
    let rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(str::to_string).collect()).collect();
    let series = band_series(&scenario.parameters);
    assert!(
        series.iter().any(|n| n.starts_with("users:")),
        "market shares have bands"
    );
    assert_eq!(rows.len(), 730 * series.len());
    for row in rows.iter().step_by(37) {
        let day: usize = row[0].parse().unwrap();
        let s = series.iter().position(|n| *n == row[1]).unwrap();
        let mut values: Vec<f64> = outcomes
            .iter()
            .map(|o| o.series[day * series.len() + s] as f64)
            .collect();
        values.sort_by(f64::total_cmp);
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let parsed: Vec<f64> = row[2..].iter().map(|v| v.parse().unwrap()).collect();
        assert!((parsed[0] - mean).abs() <= 1e-9 * mean.abs().max(1.0), "{row:?}");
        // p50 of 9 values is the 5th order statistic; p25 interpolates between the 3rd and 4th.
        assert_eq!(parsed[3], values[4], "{row:?}");
        assert!((parsed[2] - (values[2] + 0.0 * (values[3] - values[2]))).abs() <= 1e-12 * values[2].abs().max(1.0));
        assert!(
            parsed.windows(2).skip(1).all(|w| w[0] <= w[1]),
            "quantiles not ordered: {row:?}"
        );
    }
    let runs_csv = String::from_utf8(read(&dir, "runs.csv")).unwrap();
    assert_eq!(runs_csv.lines().count(), 1 + runs as usize);
    assert!(runs_csv.starts_with("run,seed,final_baseline,"));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn json(dir: &Path, name: &str) -> serde_json::Value {
    serde_json::from_slice(&read(dir, name)).unwrap()
}

#[test]
fn pairing_shrinks_the_interval_of_a_small_change() {
    // A small change of the economic vendors' cost of security (120 in mcp): most of the
    // run-to-run spread is shared by both arms, so the paired interval is much narrower than the
    // unpaired one. (A key mcp's vendors do not read would pass trivially: both widths 0.)
    let dir = temp("pairing");
    ok(&[
        "compare",
        "mcp",
        "--vary",
        "vendors.security_cost=130",
        "--runs",
        "40",
        "--users",
        "5000",
        "-q",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let rows = json(&dir, "compare.json");
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == "mean_baseline")
        .unwrap();
    let width = |k: &str| row[k]["high"].as_f64().unwrap() - row[k]["low"].as_f64().unwrap();
    let (paired, unpaired) = (width("paired_difference"), width("unpaired_difference"));
    eprintln!("paired width {paired:.5}, unpaired width {unpaired:.5}");
    assert!(paired > 0.0, "the change must change the runs");
    assert!(
        paired < 0.7 * unpaired,
        "pairing must shrink the interval: {paired} vs {unpaired}"
    );
    let estimate = |k: &str| row[k]["estimate"].as_f64().unwrap();
    assert!((estimate("paired_difference") - estimate("unpaired_difference")).abs() < 1e-12);
    let csv = String::from_utf8(read(&dir, "compare.csv")).unwrap();
    assert!(csv.starts_with("metric,base_mean,variant_mean,paired_difference,paired_low,paired_high"));
    let manifest = json(&dir, "manifest.json");
    assert_eq!(manifest["variant"]["overrides"][1], "--vary vendors.security_cost=130");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn leverage_ranks_levers_and_says_plainly_when_an_effect_is_indistinguishable_from_zero() {
    // Without attacks nothing is ever news and nothing is lost, so neither disclosure nor
    // liability can matter; a regulation floor must (complied with at once here, so that the
    // last year sees all of it).
    let dir = temp("leverage");
    let o = ok(&[
        "leverage",
        "quiet",
        "--set",
        "attack.rate=0",
        "--set",
        "regulator.compliance_days=0",
        "--runs",
        "12",
        "--users",
        "3000",
        "--years",
        "3",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let table = String::from_utf8_lossy(&o.stdout).to_string();
    let line = |lever: &str| {
        table
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(lever))
            .unwrap()
            .to_string()
    };
    assert!(line("disclosure").ends_with("indistinguishable from zero"), "{table}");
    assert!(line("regulation").ends_with("raises it"), "{table}");
    assert!(line("liability").ends_with("indistinguishable from zero"), "{table}");
    let doc = json(&dir, "leverage.json");
    let levers = doc["levers"].as_array().unwrap();
    assert_eq!(levers.len(), esplab_model::InterventionKind::ALL.len());
    let disclosure = levers.iter().find(|l| l["lever"] == "disclosure").unwrap();
    assert_eq!(disclosure["effect_on_long_run_baseline"]["estimate"], 0.0);
    // The three parts of every effect add up to it; only levers that write the share have a
    // mechanical part.
    for lever in levers {
        let part = |key: &str| lever[key]["estimate"].as_f64().unwrap();
        let total = part("effect_on_long_run_baseline");
        let sum = part("mechanical_part") + part("vendors_part") + part("shares_part");
        assert!((sum - total).abs() < 1e-9, "{lever}");
        let name = lever["lever"].as_str().unwrap();
        if name == "regulation" {
            assert!(
                part("mechanical_part") > 0.0,
                "the rule's floor is written on the base runs: {lever}"
            );
        } else if !["heroic-vendor", "procurement"].contains(&name) {
            assert_eq!(
                part("mechanical_part"),
                0.0,
                "{name} writes nothing on the share: {lever}"
            );
        }
    }
    let regulation = levers.iter().find(|l| l["lever"] == "regulation").unwrap();
    let base = doc["base_long_run_baseline"]["estimate"].as_f64().unwrap();
    let effect = regulation["effect_on_long_run_baseline"]["estimate"].as_f64().unwrap();
    assert!(
        base + effect > 0.5 - 1e-9 && base < 0.5,
        "a floor of 0.5 holds the baseline at 0.5 or above: {base} + {effect}"
    );
    let effects: Vec<f64> = levers
        .iter()
        .map(|l| l["effect_on_long_run_baseline"]["estimate"].as_f64().unwrap())
        .collect();
    assert!(
        effects.windows(2).all(|w| w[0] >= w[1]),
        "ranked by effect: {effects:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A plan in `dir` of `points` Latin-hypercube draws of `excitement.base` in the `quiet` preset.
fn excitement_plan(dir: &Path, points: u32, users: u32, years: u32) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let plan = dir.join("plan.toml");
    std::fs::write(
        &plan,
        format!(
            "schema = 1\nscenario = \"quiet\"\nsampler = \"latin-hypercube\"\npoints = {points}\nreplicates = 1\n\
             metrics = [\"long_run_baseline\"]\n[set]\n\"run.users\" = {users}\n\"run.years\" = {years}\n\
             [[factors]]\nkey = \"excitement.base\"\ndistribution = \"uniform\"\nlow = 0.8\nhigh = 2.0\n"
        ),
    )
    .unwrap();
    plan
}

#[test]
fn leverage_over_draws_summarises_each_lever_across_the_plans_design() {
    let dir = temp("robust-leverage");
    let plan = excitement_plan(&dir, 4, 3000, 3);
    let out = dir.join("out");
    let o = ok(&[
        "leverage",
        "quiet",
        "--draws",
        plan.to_str().unwrap(),
        "--runs",
        "8",
        "--out",
        out.to_str().unwrap(),
    ]);
    let table = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(table.contains("over 4 draws"), "{table}");
    let doc = json(&out, "robust-leverage.json");
    let levers = doc["levers"].as_array().unwrap();
    assert_eq!(levers.len(), esplab_model::InterventionKind::ALL.len());
    let first: f64 = levers
        .iter()
        .map(|l| l["share_of_draws_ranked_first"].as_f64().unwrap())
        .sum();
    assert!(
        (first - 1.0).abs() < 1e-12,
        "one lever ranks first in each draw: {first}"
    );
    // A floor of 0.5 far above the quiet baseline raises it in every draw, beyond seed noise.
    let regulation = levers.iter().find(|l| l["lever"] == "regulation").unwrap();
    let interval = regulation["effect_90_interval_across_draws"].as_array().unwrap();
    assert!(interval[0].as_f64().unwrap() > 0.1, "{regulation}");
    assert!(regulation["probability_raises_by_margin"].as_f64().unwrap() > 0.99);
    // Each draw's rows, with its factor value.
    let draws = String::from_utf8(read(&out, "leverage-draws.csv")).unwrap();
    assert!(draws.starts_with("draw,excitement.base,lever,effect,standard_error\n"));
    assert_eq!(draws.lines().count(), 1 + 4 * levers.len());
    let manifest = json(&out, "manifest.json");
    assert_eq!(manifest["settings"]["draws"], 4);
    // A plan of another scenario is refused.
    let o = Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args(["leverage", "mcp", "--draws", plan.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("the plan varies scenario \"quiet\", not \"mcp\""));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Shards of `leverage --draws` merge into the unsharded folder byte for byte; a missing or
/// foreign shard is named.
#[test]
fn sharded_leverage_over_draws_merges_into_the_unsharded_result() {
    let dir = temp("robust-shards");
    let plan = excitement_plan(&dir, 5, 1500, 2);
    let plan = plan.to_str().unwrap();
    let run = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "leverage",
            "quiet",
            "--draws",
            plan,
            "--runs",
            "3",
            "-q",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        ok(&args);
    };
    let whole = dir.join("whole");
    run(&whole, &[]);
    let shards: Vec<std::path::PathBuf> = (0..3).map(|i| dir.join(format!("shard-{i}"))).collect();
    for (i, shard) in shards.iter().enumerate() {
        run(shard, &["--shard", &format!("{i}/3")]);
    }
    let shard_draws = String::from_utf8(read(&shards[2], "leverage-draws.csv")).unwrap();
    assert!(
        shard_draws.lines().nth(1).unwrap().starts_with("3,"),
        "shard 2/3 holds draws 3 and 4: {shard_draws}"
    );
    let merged = dir.join("merged");
    let paths: Vec<&str> = shards.iter().rev().map(|p| p.to_str().unwrap()).collect();
    let mut args = vec!["merge", "--out", merged.to_str().unwrap()];
    args.extend(&paths);
    let o = ok(&args);
    assert!(String::from_utf8_lossy(&o.stdout).contains("merged 3 shards (5 draws)"));
    for f in [
        "robust-leverage.json",
        "robust-leverage.csv",
        "leverage-draws.csv",
        "manifest.json",
    ] {
        assert!(
            read(&whole, f) == read(&merged, f),
            "{f} differs from the unsharded run's"
        );
    }
    // Two of three shards: the missing one is named.
    let partial = dir.join("partial");
    let o = esplab(&["merge", "--out", partial.to_str().unwrap(), paths[2], paths[1]]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("missing: 2/3"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A shard of other settings is refused.
    let foreign = dir.join("foreign");
    run(&foreign, &["--shard", "1/3", "--seed", "9"]);
    let o = esplab(&[
        "merge",
        "--out",
        partial.to_str().unwrap(),
        paths[2],
        foreign.to_str().unwrap(),
        paths[0],
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("belongs to another leverage --draws"));
    assert!(!partial.join("manifest.json").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn leverage_over_a_calibration_posterior_draws_its_particles_by_weight() {
    let dir = temp("posterior-leverage");
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let small = ["--users", "2000", "--years", "2", "--quiet"];
    let mut calibrate = vec![
        "calibrate",
        "mcp",
        "--targets",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/targets/mcp.toml"),
        "--particles",
        "20",
        "--generations",
        "2",
        "--replicates",
        "1",
        "--predictive",
        "5",
    ];
    let out = path("calibration");
    calibrate.extend(["--out", out.as_str()]);
    calibrate.extend(small);
    ok(&calibrate);
    let robust = path("robust");
    let mut leverage = vec![
        "leverage",
        "mcp",
        "--draws",
        out.as_str(),
        "--posterior-draws",
        "6",
        "--runs",
        "3",
    ];
    leverage.extend(["--out", robust.as_str()]);
    leverage.extend(small);
    ok(&leverage);
    // Each draw is a particle of the posterior: its values are one of posterior.csv's rows.
    let posterior = String::from_utf8(read(Path::new(&out), "posterior.csv")).unwrap();
    let header: Vec<&str> = posterior.lines().next().unwrap().split(',').collect();
    let keys = [
        "vendors.security_cost",
        "vendors.memory_days",
        "attention.threshold",
        "users.risk_sensitivity_median",
        "users.harm_fear",
        "standard.uptake",
        "standard.pressure_threshold",
    ];
    let at: Vec<usize> = keys
        .iter()
        .map(|k| header.iter().position(|h| h == k).unwrap())
        .collect();
    let particles: Vec<Vec<f64>> = posterior
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            at.iter().map(|&c| cells[c].parse().unwrap()).collect()
        })
        .collect();
    let draws = String::from_utf8(read(Path::new(&robust), "leverage-draws.csv")).unwrap();
    assert!(draws.starts_with(&format!("draw,{},lever,effect,standard_error\n", keys.join(","))));
    let mut seen = std::collections::BTreeSet::new();
    for line in draws.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let values: Vec<f64> = cells[1..=keys.len()].iter().map(|c| c.parse().unwrap()).collect();
        assert!(particles.contains(&values), "draw {values:?} is not a particle");
        seen.insert(cells[0].to_string());
    }
    assert_eq!(seen.len(), 6);
    let manifest = json(Path::new(&robust), "manifest.json");
    assert_eq!(manifest["settings"]["draws_from"], "posterior");
    assert_eq!(manifest["settings"]["draws"], 6);
    assert_eq!(
        manifest["settings"]["posterior_sha256"].as_str().unwrap().len(),
        64,
        "{manifest}"
    );
    // The posterior of another scenario, and a folder that is not a calibration, are refused.
    let o = Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args(["leverage", "quiet", "--draws", out.as_str()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("the calibration is of scenario \"mcp\", not \"quiet\""));
    let o = Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args(["leverage", "mcp", "--draws", robust.as_str()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a `leverage` folder, not a calibration or fit folder"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_experiment_options_fail_with_clear_messages() {
    let o = Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args(["leverage", "mcp", "--heroic", "nobody"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("--heroic nobody: not an offering of mcp; offerings: hosted-agents"));
    let o = Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args(["compare", "mcp"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("give a VARIANT scenario or at least one --vary"));
    let o = Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args(["ensemble", "mcp", "--runs", "1"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--runs"));
}

#[test]
fn leverage_doses_draw_each_levers_curve_over_its_real_range_and_say_who_can_pull_it() {
    let dir = temp("doses");
    let o = ok(&[
        "leverage",
        "quiet",
        "--doses",
        "--lever",
        "regulation",
        "--lever",
        "advocacy",
        "--set",
        "regulator.compliance_days=0",
        "--runs",
        "3",
        "--users",
        "2000",
        "--years",
        "2",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let printed = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(printed.contains("needed for a rise of 0.05"), "{printed}");
    assert!(printed.contains("advocacy (real range not sourced"), "{printed}");
    let doc = json(&dir, "doses.json");
    let levers = doc["levers"].as_array().unwrap();
    assert_eq!(
        levers.iter().map(|l| l["lever"].as_str().unwrap()).collect::<Vec<_>>(),
        ["advocacy", "regulation"],
        "the levers asked for, in the standard order"
    );
    let regulation = &levers[1];
    let doses = regulation["doses"].as_array().unwrap();
    assert!(doses.len() >= 5, "{regulation}");
    let real_low = regulation["real_range"]["low"].as_f64().unwrap();
    assert!(
        doses
            .iter()
            .any(|d| d["dose"].as_f64() == Some(real_low) && d["in_real_range"] == true),
        "the real range's low end is one of the doses: {regulation}"
    );
    let effect = |d: &serde_json::Value| d["effect"]["estimate"].as_f64().unwrap();
    assert!(
        effect(&doses[doses.len() - 1]) > effect(&doses[0]),
        "a rule requiring every deployment does more than one requiring a tenth: {regulation}"
    );
    for d in doses {
        let part = |key: &str| d[key]["estimate"].as_f64().unwrap();
        let sum = part("mechanical_part") + part("vendors_part") + part("shares_part");
        assert!((sum - effect(d)).abs() < 1e-9, "the parts add up: {d}");
    }
    assert!(levers[0]["real_range"]["low"].is_null() && levers[0]["at_real_high"].is_null());
    assert!(doc["actors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["actor"] == "a regulator or legislature"));
    let rows = std::fs::read_to_string(dir.join("doses.csv")).unwrap();
    assert_eq!(
        rows.lines().count(),
        1 + levers
            .iter()
            .map(|l| l["doses"].as_array().unwrap().len())
            .sum::<usize>()
    );
    ok(&["report", dir.to_str().unwrap()]);
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        page.contains("Who can move the baseline") && page.contains("dose-regulation"),
        "the doses report"
    );
    let o = esplab(&[
        "leverage", "quiet", "--lever", "prayer", "--runs", "2", "--users", "500", "--years", "1",
    ]);
    let e = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        !o.status.success() && e.contains("prayer") && e.contains("not a lever"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
