//! `ensemble`, `compare` and `leverage` journal their finished runs: killed (SIGKILL) at random
//! moments many times over and resumed with `--resume`, they give the bytes of an uninterrupted
//! run; Ctrl-C stops them, and every other long command, within a second with status 130, a way
//! to finish and nothing half-written.

mod common;

use common::{kill_until_complete, names, ok, read, temp};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Four draws of the cost of security in a small mcp market.
const DRAWS_PLAN: &str = r#"
schema = 1
scenario = "mcp"
sampler = "latin-hypercube"
points = 4
replicates = 1
metrics = ["long_run_baseline"]

[set]
"run.users" = 5000

[[factors]]
key = "vendors.security_cost"
distribution = "log-uniform"
low = 30.0
high = 480.0
"#;

#[test]
fn killed_experiments_resume_to_the_bytes_of_uninterrupted_ones() {
    let dir = temp("resume-experiments");
    let seed: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    println!("kill delays drawn with seed {seed}");
    let plan = dir.join("draws.toml");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&plan, DRAWS_PLAN).unwrap();
    let plan = plan.to_str().unwrap();
    let cases: [(&str, Vec<&str>); 4] = [
        (
            "ensemble",
            vec!["ensemble", "mcp", "--users", "20000", "--years", "3", "--runs", "80"],
        ),
        (
            "compare",
            vec![
                "compare",
                "mcp",
                "--vary",
                "vendors.tolerance=0.05",
                "--users",
                "10000",
                "--years",
                "2",
                "--runs",
                "160",
            ],
        ),
        (
            "leverage",
            vec!["leverage", "mcp", "--users", "5000", "--years", "2", "--runs", "60"],
        ),
        (
            "leverage over draws",
            vec!["leverage", "mcp", "--draws", plan, "--years", "2", "--runs", "20"],
        ),
    ];
    for (i, (what, args)) in cases.iter().enumerate() {
        let reference = dir.join(format!("{what}-reference"));
        let mut all = args.clone();
        all.extend(["-q", "--out", reference.to_str().unwrap()]);
        ok(&all);
        let out = dir.join(format!("{what}-killed"));
        let kills = kill_until_complete(args, &out, seed.wrapping_add(i as u64));
        println!("{what}: {kills} SIGKILLs survived");
        assert!(
            kills >= 5,
            "{what} finished too fast to be interrupted often ({kills} kills)"
        );
        assert_eq!(names(&out), names(&reference), "{what}: no journal is left behind");
        for name in names(&reference) {
            assert!(read(&out, &name) == read(&reference, &name), "{what}: {name} differs");
        }
        // Resuming complete work does nothing.
        let mut again = args.clone();
        again.extend(["--out", out.to_str().unwrap(), "--resume"]);
        let o = ok(&again);
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("already holds the complete"),
            "{what}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ctrl_c_stops_an_ensemble_resumably_with_status_130() {
    let dir = temp("resume-sigint");
    let out = dir.join("run");
    let args = ["ensemble", "mcp", "--users", "50000", "--years", "3", "--runs", "60"];
    let child = Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args(args)
        .args(["-q", "--threads", "1", "--out", out.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once runs are being journaled.
    let journal = out.join(".ensemble.journal");
    let started = std::time::Instant::now();
    while !journal.exists() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("Run the same command with --resume to finish"), "{err}");
    assert!(!out.join("manifest.json").exists());
    // Without --resume or --force, the interrupted ensemble is not replaced.
    let o = common::esplab(&[&args[..], &["-q", "--out", out.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds an interrupted ensemble: add --resume"));
    ok(&[&args[..], &["-q", "--out", out.to_str().unwrap(), "--resume"]].concat());
    let reference = dir.join("reference");
    ok(&[&args[..], &["-q", "--out", reference.to_str().unwrap()]].concat());
    for name in names(&reference) {
        assert!(read(&out, &name) == read(&reference, &name), "{name} differs");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every file under `dir`, as paths relative to it.
fn every_file(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_string_lossy().to_string());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn ctrl_c_stops_every_long_command_within_a_second_leaving_nothing_half_written() {
    let dir = temp("ctrl-c");
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("sweep.toml");
    std::fs::write(
        &plan,
        DRAWS_PLAN
            .replace("points = 4", "points = 40")
            .replace("5000", "200000"),
    )
    .unwrap();
    let targets = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/targets/mcp.toml");
    // Each would run for minutes; none has finished when it is interrupted.
    let cases: [(&str, Vec<&str>); 5] = [
        ("run", vec!["run", "mcp", "--users", "300000", "--years", "100"]),
        (
            "ensemble",
            vec!["ensemble", "mcp", "--users", "100000", "--years", "10", "--runs", "40"],
        ),
        ("leverage", vec!["leverage", "mcp", "--users", "50000", "--runs", "40"]),
        ("sweep", vec!["sweep", plan.to_str().unwrap()]),
        (
            "calibrate",
            vec!["calibrate", "mcp", "--targets", targets, "--users", "50000"],
        ),
    ];
    for (what, args) in cases {
        let out = dir.join(what);
        let child = Command::new(env!("CARGO_BIN_EXE_esplab"))
            .args(&args)
            .args(["-q", "--out", out.to_str().unwrap()])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        let sent = std::time::Instant::now();
        // SAFETY: sending a signal to our own child process.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
        let o = child.wait_with_output().unwrap();
        let stopped = sent.elapsed();
        let err = String::from_utf8_lossy(&o.stderr);
        println!("{what}: stopped {} ms after Ctrl-C", stopped.as_millis());
        assert_eq!(o.status.code(), Some(130), "{what}: {err}");
        assert!(stopped < Duration::from_secs(1), "{what}: {} ms", stopped.as_millis());
        let written = every_file(&out);
        assert!(!written.iter().any(|f| f.ends_with(".partial")), "{what}: {written:?}");
        assert!(
            !written.iter().any(|f| f.ends_with("manifest.json")),
            "{what}: {written:?}"
        );
        if ["ensemble", "leverage", "sweep"].contains(&what) {
            assert!(err.contains("with --resume to finish"), "{what}: {err}");
        } else {
            assert!(
                err.contains("interrupted: no complete result was written"),
                "{what}: {err}"
            );
            assert!(written.is_empty(), "{what}: {written:?}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_kill_after_the_journal_went_and_before_the_manifest_came_starts_afresh() {
    let dir = temp("resume-window");
    let out = dir.join("run");
    let out_text = out.to_str().unwrap();
    let args = [
        "ensemble", "mcp", "-q", "--users", "2000", "--years", "1", "--runs", "6",
    ];
    ok(&[&args[..], &["--out", out_text]].concat());
    let reference: Vec<(String, Vec<u8>)> = names(&out).into_iter().map(|f| (f.clone(), read(&out, &f))).collect();
    // The state a kill leaves between the journal's removal and the manifest.
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    ok(&[&args[..], &["--out", out_text, "--resume"]].concat());
    let again: Vec<(String, Vec<u8>)> = names(&out).into_iter().map(|f| (f.clone(), read(&out, &f))).collect();
    assert!(again == reference, "the same files, byte for byte, and no journal");
    std::fs::remove_dir_all(&dir).unwrap();
}
