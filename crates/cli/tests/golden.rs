//! Golden outputs: fixed scenarios and seeds whose summaries and output files must not change,
//! whatever is done to make the engine faster. The committed file
//! `tests/golden/runs.json` holds, per case, the summary and the SHA-256 of `timeseries.csv`,
//! `offerings.csv`, `events.csv` and `flows.csv`. The scenarios are frozen copies of the version-1 presets
//! under `tests/golden/scenarios/` (the reactive vendor rule), and of the `mcp` preset of the
//! economic model (`mcp-market.toml`), so that later changes to the shipped presets leave them
//! alone. A deliberate change of the model regenerates it with
//! `ESPLAB_BLESS=1 cargo test --release -p esplab --test golden` (and says why in its commit).

mod common;

use common::{ok, temp};
use esplab_scenario::sha256_hex;
use serde_json::{json, Value};

/// (preset, users, years, seed, extra `--set`).
const CASES: [(&str, &str, &str, &str, &str); 12] = [
    ("mcp", "30000", "5", "1", ""),
    ("mcp", "30000", "5", "7", ""),
    ("mcp", "200000", "5", "1", ""),
    ("online-banking", "30000", "10", "1", ""),
    ("iot-botnets", "30000", "8", "2", ""),
    ("iot-botnets", "30000", "8", "3", "network.kind=barabasi-albert"),
    ("quiet", "30000", "10", "1", ""),
    ("loud", "30000", "10", "4", ""),
    ("loud", "30000", "10", "5", "network.kind=none"),
    ("heroic-effort", "30000", "10", "1", ""),
    ("mcp-market", "100000", "5", "1", ""),
    ("mcp-market", "30000", "5", "3", "network.kind=barabasi-albert"),
];

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/runs.json");

fn outputs() -> Vec<Value> {
    let dir = temp("golden");
    let cases = CASES
        .iter()
        .enumerate()
        .map(|(i, (preset, users, years, seed, set))| {
            let out = dir.join(i.to_string());
            let scenario = format!("{}/tests/golden/scenarios/{preset}.toml", env!("CARGO_MANIFEST_DIR"));
            let mut args = vec![
                "run",
                &scenario,
                "-q",
                "--users",
                users,
                "--years",
                years,
                "--seed",
                seed,
                "--out",
                out.to_str().unwrap(),
            ];
            if !set.is_empty() {
                args.extend(["--set", set]);
            }
            ok(&args);
            let file = |name: &str| std::fs::read(out.join(name)).unwrap();
            let summary: Value = serde_json::from_slice(&file("summary.json")).unwrap();
            json!({
                "case": format!("{preset} --users {users} --years {years} --seed {seed} {set}").trim_end().to_string(),
                "summary": summary,
                "timeseries.csv": sha256_hex(&file("timeseries.csv")),
                "offerings.csv": sha256_hex(&file("offerings.csv")),
                "events.csv": sha256_hex(&file("events.csv")),
                "flows.csv": sha256_hex(&file("flows.csv")),
            })
        })
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    cases
}

#[test]
fn fixed_seeds_give_the_committed_outputs() {
    let now = outputs();
    if std::env::var_os("ESPLAB_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&now).unwrap() + "\n";
        std::fs::create_dir_all(std::path::Path::new(GOLDEN).parent().unwrap()).unwrap();
        std::fs::write(GOLDEN, text).unwrap();
        return;
    }
    let text = std::fs::read_to_string(GOLDEN).expect("tests/golden/runs.json is committed");
    let golden: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(
        golden.len(),
        now.len(),
        "cases were added or removed: bless the golden file"
    );
    for (g, n) in golden.iter().zip(&now) {
        assert_eq!(g["case"], n["case"]);
        assert_eq!(g["summary"], n["summary"], "{}: the summary changed", n["case"]);
        for file in ["timeseries.csv", "offerings.csv", "events.csv", "flows.csv"] {
            assert_eq!(g[file], n[file], "{}: {file} changed", n["case"]);
        }
    }
}
