//! `esplab sweep`, `merge` and `sensitivity` end to end: identical results whatever the threads,
//! shards or interruptions; corrupted shards named; designs round-tripped; bad plans rejected.

mod common;

use common::{esplab, kill_until_complete, ok, read as bytes, temp};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A small plan in `dir`; `users` and `points` set its cost.
fn plan(dir: &Path, users: u32, points: u32, extra: &str) -> String {
    let path = dir.join("plan.toml");
    std::fs::write(
        &path,
        format!(
            "schema = 1\nscenario = \"mcp\"\nsampler = \"latin-hypercube\"\npoints = {points}\nreplicates = 2\n\
             metrics = [\"long_run_baseline\", \"regulations\"]\n{extra}\n[set]\n\"run.users\" = {users}\n\"run.years\" = 2\n\n\
             [[factors]]\nkey = \"vendors.tolerance\"\ndistribution = \"log-uniform\"\nlow = 0.005\nhigh = 0.1\n\n\
             [[factors]]\nkey = \"network.degree\"\ndistribution = \"values\"\nvalues = [4, 8]\n"
        ),
    )
    .unwrap();
    path.to_string_lossy().to_string()
}

fn same_result(a: &Path, b: &Path) {
    for f in ["sweep.csv", "sweep.parquet", "manifest.json"] {
        assert!(
            bytes(a, f) == bytes(b, f),
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn sweeps_are_identical_for_any_threads_and_any_sharding() {
    let dir = temp("shards");
    let plan = plan(&dir, 1500, 10, "");
    let out = |name: &str| dir.join(name).to_string_lossy().to_string();
    ok(&["sweep", &plan, "--threads", "1", "-q", "--out", &out("one")]);
    ok(&["sweep", &plan, "--threads", "2", "-q", "--out", &out("two")]);
    same_result(&dir.join("one"), &dir.join("two"));
    let csv = String::from_utf8(bytes(&dir.join("one"), "sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 20);
    assert!(
        csv.starts_with("row,point,replicate,seed,vendors.tolerance,network.degree,long_run_baseline,regulations\n")
    );
    for shards in [2u32, 3] {
        let mut dirs = Vec::new();
        for i in (0..shards).rev() {
            let d = out(&format!("shard-{shards}-{i}"));
            ok(&["sweep", &plan, "--shard", &format!("{i}/{shards}"), "-q", "--out", &d]);
            dirs.push(d);
        }
        let merged = out(&format!("merged-{shards}"));
        let mut args = vec!["merge", "--out", merged.as_str()];
        args.extend(dirs.iter().map(String::as_str));
        ok(&args);
        same_result(&dir.join("one"), Path::new(&merged));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn killed_sweeps_resume_to_exactly_the_rows_of_an_uninterrupted_run() {
    let dir = temp("resume");
    let plan = plan(&dir, 40000, 160, "");
    let reference = dir.join("reference");
    ok(&["sweep", &plan, "-q", "--out", reference.to_str().unwrap()]);
    let out = dir.join("killed");
    let out_text = out.to_str().unwrap();
    // Kill at random points of the run, many times over, each time resuming what is there.
    let seed: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    println!("kill delays drawn with seed {seed}");
    let kills = kill_until_complete(&["sweep", plan.as_str()], &out, seed);
    println!("{kills} SIGKILLs survived");
    assert!(
        kills >= 10,
        "the sweep finished too fast to be interrupted often ({kills} kills)"
    );
    same_result(&reference, &out);
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 3, "journal files must be gone: {leftovers:?}");
    // Resuming a complete sweep does nothing; starting over an interrupted one needs --resume.
    let o = ok(&["sweep", &plan, "--out", out_text, "--resume"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("already holds the complete sweep"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ctrl_c_stops_a_sweep_cleanly_and_resumably() {
    let dir = temp("sigint");
    let plan = plan(&dir, 40000, 12, "");
    let out = dir.join("run");
    let child = Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args([
            "sweep",
            plan.as_str(),
            "-q",
            "--threads",
            "1",
            "--out",
            out.to_str().unwrap(),
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: sending a signal to our own child process.
    let signalled = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(signalled, 0);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    eprintln!("exit status after SIGINT: {:?}", o.status.code());
    if o.status.code() == Some(130) {
        assert!(err.contains("Run the same command with --resume to finish"), "{err}");
        assert!(!out.join("manifest.json").exists());
        ok(&["sweep", &plan, "-q", "--out", out.to_str().unwrap(), "--resume"]);
    } else {
        assert!(o.status.success(), "{err}");
    }
    let reference = dir.join("reference");
    ok(&["sweep", &plan, "-q", "--out", reference.to_str().unwrap()]);
    same_result(&reference, &out);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_interrupted_sweep_is_not_overwritten_without_resume() {
    let dir = temp("noresume");
    let plan = plan(&dir, 20000, 12, "");
    let out = dir.join("run");
    let mut child = Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args(["sweep", plan.as_str(), "-q", "--out", out.to_str().unwrap()])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(150));
    let _ = child.kill();
    child.wait().unwrap();
    if !out.join("manifest.json").exists() {
        let o = esplab(&["sweep", &plan, "-q", "--out", out.to_str().unwrap()]);
        assert!(!o.status.success());
        assert!(String::from_utf8_lossy(&o.stderr).contains("holds an interrupted sweep: add --resume"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn merge_names_corrupted_missing_and_foreign_shards() {
    let dir = temp("merge");
    let plan = plan(&dir, 1000, 6, "");
    let shard = |i: u32| {
        let d = dir.join(format!("s{i}"));
        ok(&[
            "sweep",
            &plan,
            "--shard",
            &format!("{i}/3"),
            "-q",
            "--out",
            d.to_str().unwrap(),
        ]);
        d
    };
    let (s0, s1, s2) = (shard(0), shard(1), shard(2));
    let merged = dir.join("m");
    let m = merged.to_str().unwrap();
    let o = esplab(&["merge", "--out", m, s0.to_str().unwrap(), s2.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("shard 2/3 where shard 1/3 was expected"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let csv = s1.join("sweep.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.truncate(text.len() - 10);
    std::fs::write(&csv, text).unwrap();
    let o = esplab(&[
        "merge",
        "--out",
        m,
        s0.to_str().unwrap(),
        s1.to_str().unwrap(),
        s2.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("s1/sweep.csv") && err.contains("is corrupted"), "{err}");
    assert!(!merged.join("manifest.json").exists());
    let o = esplab(&["merge", "--out", m, dir.join("nothing").to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a finished sweep shard"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn designs_export_to_and_import_from_csv() {
    let dir = temp("design");
    let plan_path = plan(&dir, 1000, 5, "");
    let design = dir.join("design.csv");
    ok(&["sweep", &plan_path, "--export-design", design.to_str().unwrap(), "-q"]);
    let exported = std::fs::read_to_string(&design).unwrap();
    assert!(exported.starts_with("vendors.tolerance,network.degree\n"));
    assert_eq!(exported.lines().count(), 6);
    // Reorder the columns, as another tool might, and import.
    let reordered: String = exported
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            format!("{},{}\n", c[1], c[0])
        })
        .collect();
    std::fs::write(&design, reordered).unwrap();
    let imported = plan(&dir, 1000, 5, "design = \"design.csv\"");
    ok(&[
        "sweep",
        &imported,
        "-q",
        "--out",
        dir.join("imported").to_str().unwrap(),
    ]);
    ok(&[
        "sweep",
        &plan_path,
        "-q",
        "--out",
        dir.join("sampled").to_str().unwrap(),
    ]);
    let rows = |d: &str| -> Vec<String> {
        String::from_utf8(bytes(&dir.join(d), "sweep.csv"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(rows("imported"), rows("sampled"));
    // A value outside the factor's range is refused with its place.
    std::fs::write(&design, "network.degree,vendors.tolerance\n4,0.5\n").unwrap();
    let o = esplab(&["sweep", &imported, "-q", "--out", dir.join("bad").to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("design.csv:2:2: vendors.tolerance: value 0.5 is out of range"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_plans_are_rejected_with_their_place() {
    let dir = temp("badplans");
    let cases = [
        ("schema = 1\nscenario = \"mcp\"\npoinst = 3\n", "plan.toml:3:1: unknown key `poinst`; did you mean `points`?"),
        (
            "schema = 1\nscenario = \"mcp\"\n[[factors]]\nkey = \"network.kind\"\ndistribution = \"uniform\"\nlow = 0\nhigh = 1\n",
            "plan.toml:4:7: factors.0.key: value \"network.kind\" is out of range; allowed: a numeric scenario key",
        ),
        (
            "schema = 1\nscenario = \"mcp\"\n[[factors]]\nkey = \"vendors.tolerance\"\ndistribution = \"uniform\"\nlow = 0.1\nhigh = 2\n",
            "plan.toml:7:8: factors.0.high: value 2 is out of range; allowed: (0, 1] (the range of vendors.tolerance)",
        ),
        (
            "schema = 1\nscenario = \"mcp\"\nmetrics = [\"happiness\"]\n[[factors]]\nkey = \"vendors.tolerance\"\ndistribution = \"uniform\"\nlow = 0.1\nhigh = 0.2\n",
            "plan.toml:3:12: metrics: value \"happiness\" is out of range; allowed: \"final_baseline\"",
        ),
        ("schema = 1\nscenario = \"mcp\"\n", "factors: missing"),
    ];
    for (text, expected) in cases {
        let path = dir.join("plan.toml");
        std::fs::write(&path, text).unwrap();
        let o = esplab(&[
            "sweep",
            path.to_str().unwrap(),
            "-q",
            "--out",
            dir.join("x").to_str().unwrap(),
        ]);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr).replace(path.to_str().unwrap(), "plan.toml");
        assert!(err.contains(expected), "expected {expected:?} in {err}");
    }
    let o = esplab(&["sweep", "nope.toml", "--shard", "3/3"]);
    assert!(!o.status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sensitivity_writes_indices_for_both_methods_identically_for_any_threads() {
    let dir = temp("sensitivity");
    let plan = plan(&dir, 800, 8, "");
    for method in ["sobol", "morris"] {
        let run = |threads: &str| {
            let out = dir.join(format!("{method}-{threads}"));
            ok(&[
                "sensitivity",
                &plan,
                "--method",
                method,
                "--threads",
                threads,
                "-q",
                "--out",
                out.to_str().unwrap(),
            ]);
            out
        };
        let (a, b) = (run("1"), run("2"));
        for f in ["sensitivity.json", "sensitivity.csv", "design.csv", "manifest.json"] {
            assert_eq!(bytes(&a, f), bytes(&b, f), "{method}: {f}");
        }
        let csv = String::from_utf8(bytes(&a, "sensitivity.csv")).unwrap();
        let header = if method == "sobol" {
            "metric,factor,S1,S1_conf,ST,ST_conf"
        } else {
            "metric,factor,mu,mu_star,sigma,mu_star_conf"
        };
        assert!(csv.starts_with(header), "{csv}");
        assert_eq!(csv.lines().count(), 1 + 2 * 2, "two metrics x two factors");
        let design_rows = String::from_utf8(bytes(&a, "design.csv")).unwrap().lines().count() - 1;
        assert_eq!(design_rows, if method == "sobol" { 8 * 4 } else { 8 * 3 });
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_example_plans_are_valid() {
    let dir = temp("examples");
    let plans = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plans");
    let mut count = 0;
    for entry in std::fs::read_dir(plans).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let design = dir.join("design.csv");
            ok(&[
                "sweep",
                path.to_str().unwrap(),
                "--export-design",
                design.to_str().unwrap(),
                "-q",
            ]);
            assert!(std::fs::read_to_string(&design).unwrap().lines().count() > 1);
            count += 1;
        }
    }
    assert!(count >= 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn discover_finds_a_box_whose_statistics_match_its_points_and_reports_it() {
    let dir = temp("discover");
    let plan = plan(&dir, 1500, 40, "");
    let sweep = dir.join("sweep").to_string_lossy().to_string();
    ok(&["sweep", &plan, "-q", "--out", &sweep]);
    // The condition splits the design points at the median of their mean long-run baseline.
    let csv = String::from_utf8(bytes(Path::new(&sweep), "sweep.csv")).unwrap();
    let mut means = vec![0.0f64; 40];
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        means[cells[1].parse::<usize>().unwrap()] += cells[6].parse::<f64>().unwrap() / 2.0;
    }
    let mut sorted = means.clone();
    sorted.sort_by(f64::total_cmp);
    let cut = (sorted[19] + sorted[20]) / 2.0;
    let out = dir.join("found").to_string_lossy().to_string();
    let condition = format!("long_run_baseline > {cut}");
    let o = ok(&["discover", &sweep, "--where", &condition, "--out", &out]);
    let printed = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(printed.contains("20 of 40 design points of mcp meet"), "{printed}");
    let doc: serde_json::Value = serde_json::from_slice(&bytes(Path::new(&out), "discovery.json")).unwrap();
    assert_eq!(doc["of_interest"], 20);
    assert_eq!(doc["points"], 40);
    // points.csv holds each design point's mean and whether it meets the condition.
    let points = String::from_utf8(bytes(Path::new(&out), "points.csv")).unwrap();
    assert!(points.starts_with("point,vendors.tolerance,network.degree,long_run_baseline,of_interest\n"));
    let rows: Vec<Vec<f64>> = points
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|c| c.parse().unwrap()).collect())
        .collect();
    for r in &rows {
        assert!((r[3] - means[r[0] as usize]).abs() < 1e-12);
        assert_eq!(r[4] == 1.0, r[3] > cut);
    }
    // The chosen box's figures are those of the points inside its limits.
    let chosen = &doc["chosen"];
    let (mut inside, mut hits) = (0, 0);
    for r in &rows {
        let within = chosen["restrictions"].as_array().unwrap().iter().all(|q| {
            let j = if q["factor"] == "vendors.tolerance" { 1 } else { 2 };
            q["lower"].as_f64().unwrap() <= r[j] && r[j] <= q["upper"].as_f64().unwrap()
        });
        inside += within as u32;
        hits += (within && r[4] == 1.0) as u32;
    }
    assert_eq!(chosen["points"], inside);
    assert_eq!(chosen["of_interest"], hits);
    assert!((chosen["density"].as_f64().unwrap() - hits as f64 / inside as f64).abs() < 1e-12);
    assert!((chosen["coverage"].as_f64().unwrap() - hits as f64 / 20.0).abs() < 1e-12);
    // The trajectory starts with all points and only gains density while peeling.
    let trajectory = String::from_utf8(bytes(Path::new(&out), "trajectory.csv")).unwrap();
    assert!(trajectory.starts_with("step,coverage,density,mass,restricted,points,of_interest\n0,1,"));
    assert_eq!(trajectory.lines().count() as u64, 1 + doc["steps"].as_u64().unwrap());
    // The same folder and condition give the same bytes; a report is made of it.
    let again = dir.join("again").to_string_lossy().to_string();
    ok(&["discover", &sweep, "--where", &condition, "-q", "--out", &again]);
    for f in ["discovery.json", "trajectory.csv", "restrictions.csv", "points.csv"] {
        assert_eq!(bytes(Path::new(&out), f), bytes(Path::new(&again), f), "{f}");
    }
    let o = ok(&["report", &out]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("esplab discover"));
    let html = String::from_utf8(bytes(Path::new(&out), "report.html")).unwrap();
    assert!(html.contains("Peeling trajectory") && html.contains("quasi-p"));
    // Bad conditions, outcomes and folders are named.
    for (args, message) in [
        (vec!["--where", "long_run_baseline >> 1"], "is not a condition"),
        (
            vec!["--where", "nothing > 1"],
            "has no outcome `nothing`; choose one of: long_run_baseline, regulations",
        ),
        (
            vec!["--where", "long_run_baseline > 5"],
            "0 of the 40 design points meet it",
        ),
        (
            vec!["--where", "long_run_baseline > 0.1", "--peel-alpha", "0"],
            "--peel-alpha 0: must lie in (0, 1)",
        ),
        (
            vec!["--where", condition.as_str(), "--step", "999"],
            "--step 999: the trajectory has steps 0 to",
        ),
    ] {
        let mut full = vec!["discover", sweep.as_str()];
        full.extend(args);
        let o = esplab(&full);
        assert_eq!(o.status.code(), Some(2), "{full:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(message),
            "{full:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = esplab(&["discover", &out, "--where", "x > 1"]);
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("is a `discover` folder; discover works on the folders of `sweep` and `leverage --draws`"));
    std::fs::remove_dir_all(&dir).unwrap();
}
