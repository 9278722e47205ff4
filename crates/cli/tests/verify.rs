//! `esplab verify`: whole folders pass; a changed file, or a result whose manifest was made to
//! match but that the model does not give, is named.

mod common;

use common::{esplab, ok, temp};
use esplab_scenario::sha256_hex;
use std::path::Path;

fn verify(dir: &Path) -> (bool, String) {
    let o = esplab(&["verify", dir.to_str().unwrap(), "--sample", "3"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.success(), text)
}

/// Rewrites `name` in `dir` and its size and checksum in the manifest, as a forger would.
fn forge(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
    let path = dir.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for f in m["files"].as_array_mut().unwrap() {
        if f["name"] == name {
            f["bytes"] = text.len().into();
            f["sha256"] = sha256_hex(text.as_bytes()).into();
        }
    }
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
}

#[test]
fn whole_folders_verify_and_changes_are_named() {
    let dir = temp("verify");
    let run = dir.join("run");
    let small = ["--users", "2000", "--years", "1", "--quiet", "--out"];
    ok(&[&["run", "mcp"], &small[..], &[run.to_str().unwrap()]].concat());
    let (passed, text) = verify(&run);
    assert!(passed, "{text}");
    assert!(text.contains("1 re-run compared and identical"), "{text}");

    let ensemble = dir.join("ensemble");
    ok(&[
        &["ensemble", "mcp", "--runs", "6"],
        &small[..],
        &[ensemble.to_str().unwrap()],
    ]
    .concat());
    let (passed, text) = verify(&ensemble);
    assert!(passed, "{text}");
    assert!(text.contains("3 re-runs compared and identical"), "{text}");

    // Files the commands add later are not stray; a file or folder the manifest does not list is.
    ok(&["report", run.to_str().unwrap(), "--quiet"]);
    let (passed, text) = verify(&run);
    assert!(passed, "the report is added later, not stray: {text}");
    std::fs::write(ensemble.join("bands-old.csv"), "left over\n").unwrap();
    std::fs::create_dir(ensemble.join("leftovers")).unwrap();
    let (passed, text) = verify(&ensemble);
    assert!(!passed);
    assert!(
        text.contains("bands-old.csv: not listed in the manifest") && text.contains("leftovers/: a folder"),
        "{text}"
    );
    std::fs::remove_file(ensemble.join("bands-old.csv")).unwrap();
    std::fs::remove_dir(ensemble.join("leftovers")).unwrap();

    // A file changed after the fact.
    let events = std::fs::read_to_string(run.join("events.csv")).unwrap();
    std::fs::write(run.join("events.csv"), format!("{events}1,news,,1,forged\n")).unwrap();
    let (passed, text) = verify(&run);
    assert!(!passed);
    assert!(
        text.contains("events.csv:") && text.contains("the manifest says"),
        "{text}"
    );

    // A forged result with a matching manifest: the re-run tells.
    let series = std::fs::read_to_string(run.join("timeseries.csv")).unwrap();
    forge(&run, "events.csv", &events);
    forge(&run, "timeseries.csv", &series.replacen(",0,", ",1,", 1));
    let (passed, text) = verify(&run);
    assert!(!passed);
    assert!(text.contains("timeseries.csv: the re-run gives other bytes"), "{text}");

    let runs = std::fs::read_to_string(ensemble.join("runs.csv")).unwrap();
    let mut lines: Vec<String> = runs.lines().map(str::to_string).collect();
    lines[1] = lines[1].replacen(",0.", ",0.9", 1);
    forge(&ensemble, "runs.csv", &(lines.join("\n") + "\n"));
    let (passed, text) = verify(&ensemble);
    assert!(!passed);
    assert!(
        text.contains("runs.csv row of run 0: the re-run gives other values"),
        "{text}"
    );
}
