//! The `esplab` command end to end: outputs, determinism, and clear errors for bad input.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn esplab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args(args)
        .output()
        .expect("esplab runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn ok(args: &[&str]) -> Output {
    let o = esplab(args);
    assert!(o.status.success(), "esplab {args:?} failed: {}", stderr(&o));
    o
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("esplab-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a scenario file and checks it; returns the error text (the check must fail). Each call
/// has its own folder: tests run in parallel in one process.
fn check_error(text: &str, extra: &[&str]) -> String {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = temp(&format!("check-{call}"));
    let file = dir.join("bad.toml");
    std::fs::write(&file, text).unwrap();
    let mut args = vec!["check", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = esplab(&args);
    assert!(!o.status.success(), "check accepted: {text}");
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    err.replace(file.to_str().unwrap(), "bad.toml")
}

#[test]
fn run_writes_every_output_with_the_documented_columns() {
    let dir = temp("run");
    let out = dir.join("mcp");
    let o = esplab(&[
        "run",
        "mcp",
        "--users",
        "5000",
        "--years",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("baseline: final"));
    for f in [
        "timeseries.parquet",
        "timeseries.csv",
        "offerings.csv",
        "flows.csv",
        "events.csv",
        "summary.json",
        "manifest.json",
        "scenario.toml",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let series = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let header = series.lines().next().unwrap();
    for column in [
        "day",
        "excitement",
        "adoption",
        "baseline",
        "floor",
        "fear",
        "attention_threshold",
        "incidents",
        "news",
        "security_churn",
        "loss",
    ] {
        assert!(header.split(',').any(|c| c == column), "{column} missing from {header}");
    }
    assert_eq!(series.lines().count(), 1 + 730);
    for line in series.lines().skip(1) {
        let baseline: f64 = line.split(',').nth(3).unwrap().parse().unwrap();
        assert!((0.0..=1.0).contains(&baseline));
    }
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    for key in [
        "final_baseline",
        "mean_baseline",
        "baseline_jumps",
        "incidents",
        "news",
        "regulations",
        "total_loss",
        "peak_adoption",
        "final_adoption",
    ] {
        assert!(summary[key].is_number(), "summary lacks {key}");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["settings"]["seed"], 1);
    assert_eq!(manifest["scenario"]["parameters"]["run"]["users"], 5000);
    assert_eq!(manifest["scenario"]["overrides"][0], "--users 5000");
    assert_eq!(manifest["files"].as_array().unwrap().len(), 7);
    let flows = std::fs::read_to_string(out.join("flows.csv")).unwrap();
    assert!(flows.starts_with("day,date,from,to,users\n"));
    assert!(
        flows.contains("\n0,2024-11-25,,hosted-agents,"),
        "day 0: users adopting"
    );
    let events = std::fs::read_to_string(out.join("events.csv")).unwrap();
    let header = format!(
        "day,date,kind,offering,size,{},detail\n",
        esplab_model::DETAIL_COLUMNS.join(",")
    );
    assert!(
        events.starts_with(&header),
        "the typed fields in columns of their own, the sentence last"
    );
    // mcp starts on 2024-11-25: each event's date is its day's.
    let start = esplab_model::StartDate::parse("2024-11-25").unwrap();
    for line in events.lines().skip(1) {
        let mut cells = line.split(',');
        let day: u32 = cells.next().unwrap().parse().unwrap();
        assert_eq!(cells.next().unwrap(), start.label(day), "{line}");
    }
    assert!(events.lines().skip(1).all(|l| l.split(',').nth(2).is_some_and(|k| {
        [
            "incident",
            "news",
            "vendor_raise",
            "outcry",
            "regulation",
            "intervention",
            "incident_outcome",
            "loss_agenda",
            "vulnerability",
            "vendor_fix",
            "draft",
            "revision",
        ]
        .contains(&k)
    })));
    // The resolved scenario reproduces the run.
    let again = dir.join("again");
    let o = esplab(&[
        "run",
        out.join("scenario.toml").to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(out.join("timeseries.csv")).unwrap(),
        std::fs::read(again.join("timeseries.csv")).unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn same_scenario_and_seed_give_byte_identical_folders_and_other_seeds_differ() {
    let dir = temp("determinism");
    let run = |name: &str, seed: &str| {
        let out = dir.join(name);
        let o = esplab(&[
            "run",
            "iot-botnets",
            "--users",
            "4000",
            "--seed",
            seed,
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).is_empty(), "--quiet prints nothing");
        files(&out)
    };
    let a = run("a", "7");
    let b = run("b", "7");
    let c = run("c", "8");
    assert_eq!(a.len(), 8);
    assert_eq!(a, b);
    let series = |f: &[(String, Vec<u8>)]| f.iter().find(|(n, _)| n == "timeseries.csv").unwrap().1.clone();
    assert_ne!(series(&a), series(&c));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_run_gives_byte_identical_folders_for_any_threads() {
    // Three shards of users (131,072 each), so that a run has per-user work to share.
    let dir = temp("threads");
    let run = |threads: &str| {
        let out = dir.join(threads);
        ok(&[
            "run",
            "mcp",
            "--users",
            "300000",
            "--years",
            "1",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        files(&out)
    };
    let alone = run("1");
    assert_eq!(alone.len(), 8);
    for threads in ["2", "3", "8"] {
        assert!(alone == run(threads), "--threads {threads} wrote other bytes");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn extreme_but_valid_scenarios_run_and_give_sane_outputs() {
    let dir = temp("extreme");
    let all_harmed: &[&str] = &[
        "--users",
        "400",
        "--set",
        "attack.rate=1000",
        "--set",
        "attack.size_log10_mean=12",
        "--set",
        "attack.size_log10_sd=0",
    ];
    let cases: [&[&str]; 7] = [
        all_harmed,
        &[
            "--users",
            "50",
            "--set",
            "network.degree=0",
            "--set",
            "users.reliance_max=0",
        ],
        &["--users", "1"],
        &["--users", "2", "--set", "network.kind=barabasi-albert"],
        &["--users", "500", "--set", "network.kind=none"],
        &["--users", "300", "--years", "0.001"],
        &["--users", "200", "--years", "100"],
    ];
    for (i, extra) in cases.iter().enumerate() {
        let out = dir.join(i.to_string());
        let mut args = vec!["run", "loud", "-q", "--out", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        let o = esplab(&args);
        assert!(o.status.success(), "{extra:?}: {}", stderr(&o));
        let series = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
        assert!(series.lines().count() >= 2, "{extra:?}");
        let header: Vec<&str> = series.lines().next().unwrap().split(',').collect();
        for line in series.lines().skip(1) {
            for (name, cell) in header.iter().zip(line.split(',')) {
                let x: f64 = cell.parse().unwrap();
                assert!(x.is_finite() && x >= 0.0, "{extra:?}: {name} = {x} in {line}");
                if matches!(*name, "adoption" | "baseline" | "floor") {
                    assert!(x <= 1.0, "{extra:?}: {name} = {x} in {line}");
                }
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn scenarios_lists_every_preset_with_a_description_and_shows_its_text() {
    let o = esplab(&["scenarios"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for name in [
        "mcp",
        "online-banking",
        "iot-botnets",
        "web-https",
        "us-chip-cards",
        "quiet",
        "loud",
        "heroic-effort",
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} not listed"));
        assert!(line.len() > name.len() + 20, "{line}");
    }
    let shown = stdout(&esplab(&["scenarios", "--show", "loud"]));
    assert!(shown.contains("name = \"loud\""));
    let missing = esplab(&["scenarios", "--show", "nope"]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("presets: mcp, online-banking"));
}

#[test]
fn check_accepts_presets_and_files() {
    let o = esplab(&["check", "mcp"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("ok: scenario \"mcp\""));
    let resolved = stdout(&esplab(&["check", "mcp", "--resolved", "--set", "users.harm_fear=2"]));
    assert!(resolved.contains("harm_fear = 2.0"));
}

#[test]
fn a_key_no_mechanism_reads_is_a_warning_and_with_strict_an_error_before_any_work() {
    let dir = temp("strict");
    let out = dir.join("run");
    let out = out.to_str().unwrap();
    let dead = ["--users", "500", "--years", "0.1", "--set", "vendors.tolerance=0.2"];
    let o = ok(&[&["run", "mcp", "--quiet", "--out", out], &dead[..]].concat());
    assert!(
        stderr(&o).contains(
            "warning: --set vendors.tolerance=0.2: vendors.tolerance is read only by reactive vendors \
             (vendors.strategy = \"reactive\"); this scenario has vendors.strategy = \"economic\", so it has no effect"
        ),
        "{}",
        stderr(&o)
    );
    let strict_out = dir.join("strict");
    let o = esplab(
        &[
            &["run", "mcp", "--strict", "--out", strict_out.to_str().unwrap()],
            &dead[..],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--strict: the scenario has warnings"),
        "{}",
        stderr(&o)
    );
    assert!(!strict_out.exists(), "nothing is written");
    // Read once the strategy reads it: no warning, even with --strict.
    let o = ok(&[
        "--strict",
        "check",
        "mcp",
        "--set",
        "vendors.strategy=\"reactive\"",
        "--set",
        "vendors.tolerance=0.2",
    ]);
    assert_eq!(stderr(&o), "");
    // What the file sets and its mechanisms do not read, check lists with its reader.
    let o = ok(&["check", "mcp"]);
    assert!(
        stdout(&o).contains("not read by this scenario's mechanisms, only by reactive vendors (vendors.strategy = \"reactive\"): vendors.tolerance, "),
        "{}",
        stdout(&o)
    );
}

#[test]
fn unknown_keys_are_rejected_with_the_closest_valid_key() {
    let err = check_error("schema = 1\n[users]\nharm_fearr = 2\n", &[]);
    assert!(
        err.contains("bad.toml:3:1: unknown key `users.harm_fearr`; did you mean `users.harm_fear`?"),
        "{err}"
    );
    let err = check_error("schema = 1\n[[offerings]]\nname = \"a\"\ncapabilty = 2\n", &[]);
    assert!(
        err.contains("bad.toml:4:1: unknown key `offerings.0.capabilty`; did you mean `offerings.0.capability`?"),
        "{err}"
    );
    let err = check_error("schema = 1\n[atack]\nrate = 2\n", &[]);
    assert!(err.contains("did you mean `attack.rate`?"), "{err}");
}

#[test]
fn wrong_types_and_ranges_name_file_line_column_field_value_and_range() {
    let err = check_error("schema = 1\n[run]\nyears = \"five\"\n", &[]);
    assert!(
        err.contains("bad.toml:3:9: run.years: expected a number, found a string \"five\""),
        "{err}"
    );
    let err = check_error("schema = 1\n[vendors]\ntolerance = 0\n", &[]);
    assert!(
        err.contains("bad.toml:3:13: vendors.tolerance: value 0 is out of range; allowed: (0, 1]"),
        "{err}"
    );
    let err = check_error("schema = 1\n[run]\nusers = 2.5\n", &[]);
    assert!(
        err.contains("run.users: expected an integer, found a float 2.5"),
        "{err}"
    );
    let err = check_error("schema = 1\n[network]\nkind = \"ring\"\n", &[]);
    assert!(
        err.contains(
            "network.kind: value \"ring\" is out of range; allowed: \"watts-strogatz\", \"barabasi-albert\", \"none\""
        ),
        "{err}"
    );
    let err = check_error("schema = 1\n[network]\ndegree = 7\n", &[]);
    assert!(
        err.contains("bad.toml:3:10: network.degree: value 7 is out of range; allowed: an even number"),
        "{err}"
    );
    let err = check_error("schema = 2\n", &[]);
    assert!(
        err.contains("bad.toml:1:10: schema: value 2 is out of range; allowed: [1, 1]"),
        "{err}"
    );
    let err = check_error("[run]\nusers = 5\n", &[]);
    assert!(err.contains("bad.toml:1:1: schema: missing"), "{err}");
    let err = check_error("schema = 1\n[run\n", &[]);
    assert!(err.contains("bad.toml:2:") && err.contains("invalid TOML"), "{err}");
}

#[test]
fn interventions_are_validated_by_kind() {
    let err = check_error("schema = 1\n[[interventions]]\nkind = \"shock\"\nday = 5\n", &[]);
    assert!(
        err.contains("interventions.0.size: missing; a \"shock\" intervention needs `size`"),
        "{err}"
    );
    let err = check_error("schema = 1\n[[interventions]]\nkind = \"meteor\"\nday = 5\n", &[]);
    assert!(
        err.contains("interventions.0.kind: value \"meteor\" is out of range; allowed: \"shock\""),
        "{err}"
    );
    let err = check_error(
        "schema = 1\n[[offerings]]\nname = \"a\"\n[[interventions]]\nkind = \"heroic-vendor\"\nstart = 1\noffering = \"b\"\nsecurity = 0.5\n",
        &[],
    );
    assert!(
        err.contains(
            "bad.toml:7:12: interventions.0.offering: value \"b\" is out of range; allowed: an offering name: \"a\""
        ),
        "{err}"
    );
    let err = check_error(
        "schema = 1\n[[interventions]]\nkind = \"shock\"\nday = 5\nsize = 1e6\nfloor = 0.3\n",
        &[],
    );
    assert!(
        err.contains("unknown key `interventions.0.floor (for kind \"shock\")`"),
        "{err}"
    );
}

#[test]
fn overrides_are_validated_the_same_way() {
    let err = check_error("schema = 1\n", &["--set", "run.years=0"]);
    assert!(
        err.contains("--set run.years=0: run.years: value 0 is out of range; allowed: (0, 150]"),
        "{err}"
    );
    let err = check_error("schema = 1\n", &["--set", "users.harm_fearr=1"]);
    assert!(
        err.contains("--set users.harm_fearr=1: unknown key `users.harm_fearr`; did you mean `users.harm_fear`?"),
        "{err}"
    );
    let err = check_error("schema = 1\n", &["--set", "novalue"]);
    assert!(err.contains("--set novalue: expected path.to.key=value"), "{err}");
    let err = check_error("schema = 1\n", &["--users", "300000000"]);
    assert!(
        err.contains("--users 300000000: run.users: value 300000000 is out of range"),
        "{err}"
    );
    // A valid override adds an intervention.
    let o = esplab(&[
        "check",
        "mcp",
        "--set",
        "interventions.0.kind=disclosure",
        "--set",
        "interventions.0.day=100",
        "--set",
        "interventions.0.threshold_drop=1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("1 interventions"));
}

#[test]
fn unknown_scenarios_and_unwritable_outputs_fail_cleanly() {
    let o = esplab(&["run", "no-such-thing"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("`no-such-thing` is neither a scenario file nor a preset; presets: mcp"),
        "{}",
        stderr(&o)
    );
    let dir = temp("unwritable");
    let blocker = dir.join("file");
    std::fs::write(&blocker, "x").unwrap();
    let o = esplab(&[
        "run",
        "mcp",
        "--users",
        "100",
        "--out",
        blocker.join("sub").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cannot write into"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn impossible_settings_are_refused_and_exit_statuses_say_why() {
    let dir = temp("edges");
    let out = dir.join("run");
    let out_text = out.to_str().unwrap();
    // Settings that cannot be simulated: status 1, naming the option, the field and the range.
    let o = esplab(&["run", "mcp", "--users", "0", "--out", out_text]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--users 0: run.users: value 0 is out of range; allowed: [1, "),
        "{}",
        stderr(&o)
    );
    let o = esplab(&["check", "mcp", "--seed", "18446744073709551615"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--seed 18446744073709551615: run.seed:") && stderr(&o).contains("9223372036854775807"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "a refused run creates nothing");
    // A wrong command line: status 2, from clap or from esplab's own checks.
    assert_eq!(esplab(&["run"]).status.code(), Some(2));
    assert_eq!(esplab(&["run", "mcp", "--bogus"]).status.code(), Some(2));
    let o = esplab(&["compare", "mcp", "--runs", "2"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let plan = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plans/mcp-lhs.toml");
    let o = esplab(&["sweep", plan, "--shard", "4/4"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--shard 4/4"), "{}", stderr(&o));
    // --out onto a folder that holds files needs --force; an empty one does not.
    std::fs::create_dir_all(&out).unwrap();
    ok(&[
        "run", "loud", "-q", "--users", "300", "--years", "0.2", "--out", out_text,
    ]);
    let first = read(&out, "timeseries.csv");
    let o = esplab(&[
        "run", "loud", "-q", "--users", "400", "--years", "0.2", "--out", out_text,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(
        read(&out, "timeseries.csv"),
        first,
        "a refused run leaves the folder alone"
    );
    ok(&[
        "run", "loud", "-q", "--users", "400", "--years", "0.2", "--out", out_text, "--force",
    ]);
    assert_ne!(read(&out, "timeseries.csv"), first);
    // --force over a folder of another command's files leaves only the new command's files.
    let names = common::names;
    let run_files = names(&out);
    let ensemble = [
        "ensemble", "loud", "-q", "--users", "300", "--years", "0.2", "--runs", "2",
    ];
    ok(&[&ensemble[..], &["--out", out_text, "--force"]].concat());
    let ensemble_files = names(&out);
    assert!(ensemble_files.contains(&"runs.csv".to_string()), "{ensemble_files:?}");
    assert!(
        !ensemble_files.contains(&"timeseries.csv".to_string()),
        "{ensemble_files:?}"
    );
    ok(&["report", out_text, "-q"]);
    ok(&[
        "run", "loud", "-q", "--users", "300", "--years", "0.2", "--out", out_text, "--force",
    ]);
    assert_eq!(names(&out), run_files, "no file of the ensemble or its report is left");
    // It removes only what esplab wrote: a folder holding anything else is refused, untouched.
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let o = esplab(&[&ensemble[..], &["--out", out_text, "--force"]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--force replaces only what esplab wrote, and the folder also holds notes.txt"),
        "{}",
        stderr(&o)
    );
    let mut kept = run_files.clone();
    kept.push("notes.txt".into());
    kept.sort();
    assert_eq!(names(&out), kept);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn automatic_folders_are_new_each_time() {
    let dir = temp("numbered");
    let run = |dir: &Path| {
        let o = Command::new(env!("CARGO_BIN_EXE_esplab"))
            .args(["run", "loud", "--users", "300", "--years", "0.1"])
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    std::fs::create_dir_all(dir.join("runs/loud-1")).unwrap();
    std::fs::write(dir.join("runs/loud-1/keep.txt"), "mine").unwrap();
    let first = run(&dir);
    let second = run(&dir);
    assert!(first.contains("runs/loud-2/"), "{first}");
    assert!(second.contains("runs/loud-3/"), "{second}");
    assert_eq!(
        std::fs::read_to_string(dir.join("runs/loud-1/keep.txt")).unwrap(),
        "mine"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_closed_standard_output_is_not_an_error() {
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::ExitStatusExt;
    // A pipe whose reading end is closed before esplab starts: its first write fails.
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: the reading end is ours and closed once; the writing end is owned below.
    let writer = unsafe {
        libc::close(fds[0]);
        OwnedFd::from_raw_fd(fds[1])
    };
    let o = Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args(["scenarios"])
        .stdout(std::process::Stdio::from(writer))
        .output()
        .unwrap();
    assert!(stderr(&o).is_empty(), "nothing is said on stderr: {}", stderr(&o));
    assert_eq!(
        o.status.signal(),
        Some(libc::SIGPIPE),
        "ends as any filter does: {:?}",
        o.status
    );
}
