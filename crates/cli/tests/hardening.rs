//! Hardening against the machine: thread counts bounded by the cores, memory refused up front
//! with an estimate that bounds the measured peak, and full disks (a size-limited file and a
//! small tmpfs) that give a clear error and leave no file that looks complete but is not.

mod common;

use common::{ok, scenario, temp};
use esplab_model::footprint::peak_bytes;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn esplab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_esplab"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// Runs `command` and returns its exit success and peak resident memory in bytes.
#[allow(clippy::zombie_processes)] // reaped by wait4, which also gives its resource usage
fn peak_memory(mut command: Command) -> (bool, u64) {
    let child = command.spawn().expect("esplab starts");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid is valid and not yet reaped.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    (success, usage.ru_maxrss as u64 * 1024)
}

#[test]
fn the_memory_estimate_bounds_the_measured_peak_and_is_not_far_above_it() {
    let dir = temp("footprint");
    let cases: [(&str, &[&str]); 4] = [
        ("mcp", &[]),
        ("mcp", &["network.degree=32"]),
        ("loud", &["network.kind=none"]),
        ("iot-botnets", &["network.kind=barabasi-albert"]),
    ];
    for (name, sets) in cases {
        let mut overrides = vec!["run.users=1000000", "run.years=1"];
        overrides.extend_from_slice(sets);
        let estimate = peak_bytes(&scenario(name, &overrides).parameters);
        let mut command = esplab();
        command.args(["run", name, "-q", "--out"]).arg(dir.join(name));
        for o in &overrides {
            command.args(["--set", o]);
        }
        let (success, peak) = peak_memory(command);
        assert!(success, "{name} {sets:?}");
        println!("{name} {sets:?}: peak {peak} bytes, estimate {estimate} bytes");
        assert!(
            peak <= estimate,
            "{name} {sets:?}: peak {peak} above the estimate {estimate}"
        );
        assert!(
            estimate < 2 * peak,
            "{name} {sets:?}: estimate {estimate} is more than twice the peak {peak}"
        );
        std::fs::remove_dir_all(dir.join(name)).unwrap();
    }
}

#[test]
fn work_beyond_the_memory_is_refused_up_front_with_an_estimate() {
    let dir = temp("refused");
    let out = dir.join("out");
    let refused = |o: &Output, needles: &[&str]| {
        assert!(!o.status.success());
        let e = text(&o.stderr);
        assert!(e.contains("need about") && e.contains("iB of memory per run"), "{e}");
        for n in needles {
            assert!(e.contains(n), "{n} missing from: {e}");
        }
        assert!(!out.exists(), "a refused command created {}", out.display());
    };
    // A smaller machine, by the environment.
    let o = esplab()
        .args(["run", "mcp", "--users", "10000000", "--out"])
        .arg(&out)
        .env("ESPLAB_MEMORY_LIMIT", "256M")
        .output()
        .unwrap();
    refused(&o, &["10000000 users", "ESPLAB_MEMORY_LIMIT=256M", "--users"]);
    // Two runs at once do not fit where one does.
    let ensemble = |threads: &str| {
        esplab()
            .args([
                "ensemble", "mcp", "-q", "--runs", "2", "--users", "2000000", "--years", "0.01",
            ])
            .args(["--threads", threads, "--out"])
            .arg(&out)
            .env("ESPLAB_MEMORY_LIMIT", "400M")
            .output()
            .unwrap()
    };
    refused(&ensemble("2"), &["x 2 runs at once", "--threads"]);
    let o = ensemble("1");
    assert!(o.status.success(), "{}", text(&o.stderr));
    std::fs::remove_dir_all(&out).unwrap();
    // This machine, whatever it is: as many runs of 200 million users as it may have threads
    // (4 per core) need about 96 GiB per core.
    let most = 4 * std::thread::available_parallelism().map_or(1, |n| n.get());
    let o = esplab()
        .args(["ensemble", "mcp", "--users", "200000000", "--runs", &most.to_string()])
        .args(["--threads", &most.to_string(), "--out"])
        .arg(&out)
        .env_remove("ESPLAB_MEMORY_LIMIT")
        .output()
        .unwrap();
    refused(&o, &[&format!("x {most} runs at once"), "of memory per run"]);
    // Sweeps and the comparison of arms are checked the same way.
    let o = esplab()
        .args([
            "compare",
            "mcp",
            "--vary",
            "run.users=50000000",
            "--runs",
            "2",
            "--threads",
            "1",
            "--out",
        ])
        .arg(&out)
        .env("ESPLAB_MEMORY_LIMIT", "1G")
        .output()
        .unwrap();
    refused(&o, &["50000000 users"]);
    let o = esplab()
        .args(["run", "mcp", "--users", "1000"])
        .env("ESPLAB_MEMORY_LIMIT", "lots")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("ESPLAB_MEMORY_LIMIT=\"lots\" is not a size"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The files of `dir` by name (hidden ones too).
fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .map(|p| {
                    (
                        p.file_name().unwrap().to_string_lossy().to_string(),
                        std::fs::read(&p).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// A failed write leaves no manifest, no partial file, and only files equal to those of the
/// complete result.
fn assert_nothing_complete_looking(failed: &Path, complete: &Path, what: &str) {
    let reference = listing(complete);
    for (name, bytes) in listing(failed) {
        assert_ne!(name, "manifest.json", "{what}: a failed write left a manifest");
        assert!(!name.ends_with(".partial"), "{what}: {name} was left behind");
        if name.starts_with('.') {
            continue; // the sweep's journal and plan, which --resume reads and checks
        }
        let same = reference.iter().find(|(n, _)| *n == name).map(|(_, b)| b);
        assert_eq!(same, Some(&bytes), "{what}: {name} looks complete but differs");
    }
}

/// The commands of the full-disk tests, each with an output folder to fill.
fn commands() -> Vec<(&'static str, Vec<String>)> {
    let plan = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plans/mcp-lhs.toml").to_string();
    let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
    vec![
        ("run", words("run mcp -q --users 20000 --years 5")),
        ("ensemble", words("ensemble mcp -q --users 2000 --years 5 --runs 40")),
        ("sweep", [words("sweep"), vec![plan], words("-q")].concat()),
    ]
}

/// Runs `args` without any fault into `DIR/WHAT-complete`, the reference of a fault test.
fn complete_result(dir: &Path, what: &str, args: &[String]) -> PathBuf {
    let complete = dir.join(format!("{what}-complete"));
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend(["--out", complete.to_str().unwrap()]);
    ok(&all);
    complete
}

#[test]
fn a_size_limited_file_gives_a_clear_error_and_nothing_that_looks_complete() {
    let dir = temp("file-size");
    for (what, args) in commands() {
        let complete = complete_result(&dir, what, &args);
        for limit in [4096u64, 8192, 65536] {
            let failed = dir.join(format!("{what}-{limit}"));
            let mut command = esplab();
            command.args(&args).arg("--out").arg(&failed);
            // SAFETY: only async-signal-safe calls between fork and exec.
            unsafe {
                command.pre_exec(move || {
                    libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                    let l = libc::rlimit {
                        rlim_cur: limit,
                        rlim_max: limit,
                    };
                    if libc::setrlimit(libc::RLIMIT_FSIZE, &l) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
            let o = command.output().unwrap();
            let e = text(&o.stderr);
            if o.status.success() {
                // Everything fitted under this limit: the result must then be whole.
                assert_eq!(listing(&failed), listing(&complete), "{what} under {limit} B");
                continue;
            }
            assert!(e.contains("File too large"), "{what} under {limit} B: {e}");
            assert!(
                e.contains(failed.to_str().unwrap()),
                "{what}: the error names no file: {e}"
            );
            assert_nothing_complete_looking(&failed, &complete, &format!("{what} under {limit} B"));
            if what != "run" {
                // Nothing finished is lost: resuming gives the uninterrupted result.
                let mut resume: Vec<&str> = args.iter().map(String::as_str).collect();
                resume.extend(["--resume", "--out", failed.to_str().unwrap()]);
                ok(&resume);
                assert_eq!(listing(&failed), listing(&complete), "{what} resumed after {limit} B");
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Whether `unshare -rm` can mount a tmpfs here (a user and mount namespace).
fn tmpfs_available() -> bool {
    Command::new("unshare")
        .args(["-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt || exit 1"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn a_full_tmpfs_gives_a_clear_error_and_nothing_that_looks_complete() {
    if !tmpfs_available() {
        assert!(
            std::env::var_os("ESPLAB_REQUIRE_TMPFS").is_none(),
            "ESPLAB_REQUIRE_TMPFS is set but unshare cannot mount a tmpfs"
        );
        eprintln!("skipped: `unshare -rm` cannot mount a tmpfs on this machine");
        return;
    }
    let dir = temp("tmpfs");
    let bin = env!("CARGO_BIN_EXE_esplab");
    for (what, args) in commands() {
        let complete = complete_result(&dir, what, &args);
        let mount: PathBuf = dir.join(format!("{what}-mount"));
        let copy = dir.join(format!("{what}-copy"));
        std::fs::create_dir_all(&mount).unwrap();
        std::fs::create_dir_all(&copy).unwrap();
        // The tmpfs lives in the namespace only: what is left on it is copied out.
        let script = format!(
            "mount -t tmpfs -o size=32k tmpfs '{m}' || exit 90; '{bin}' {a} --out '{m}/out'; rc=$?; \
             cp -a '{m}/out/.' '{c}/' 2>/dev/null; exit $rc",
            m = mount.display(),
            c = copy.display(),
            a = args.join(" ")
        );
        let o = Command::new("unshare")
            .args(["-rm", "sh", "-c", &script])
            .output()
            .unwrap();
        let e = text(&o.stderr);
        assert_ne!(o.status.code(), Some(90), "mount failed: {e}");
        assert!(!o.status.success(), "{what} fitted in 32 KiB");
        assert!(e.contains("No space left on device"), "{what}: {e}");
        assert!(e.contains("/out"), "{what}: the error names no file: {e}");
        assert_nothing_complete_looking(&copy, &complete, &format!("{what} on a full tmpfs"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_huge_thread_count_is_refused_at_once_naming_the_option_and_the_bound() {
    for args in [
        vec![
            "ensemble",
            "mcp",
            "--runs",
            "2",
            "--users",
            "200",
            "--years",
            "1",
            "--threads",
            "1000000",
        ],
        vec!["run", "mcp", "--users", "200", "--years", "1", "--threads", "1000000"],
        vec![
            "leverage",
            "mcp",
            "--runs",
            "2",
            "--users",
            "200",
            "--years",
            "1",
            "--threads",
            "4096000",
        ],
    ] {
        let started = std::time::Instant::now();
        let o = esplab().args(&args).output().unwrap();
        let e = text(&o.stderr);
        assert!(!o.status.success(), "{args:?}");
        assert!(
            e.contains("--threads") && e.contains("allowed: 0 (one per core) to") && e.contains("per core"),
            "{args:?}: {e}"
        );
        assert!(started.elapsed().as_secs() < 10, "refused before any work: {args:?}");
    }
}
