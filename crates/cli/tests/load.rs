//! A bounded load test of `esplab serve` on loopback: many concurrent clients start runs and
//! abandon them mid-stream, send oversized and malformed bodies, and try to reach files. The
//! server must keep answering with the right status, its memory must stay bounded, abandoned
//! simulations must be cancelled, and it must never open a file. The test stops by itself.

mod common;

use common::{request, send, start};
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Clients sending requests at once.
const CLIENTS: usize = 32;
/// How long the load lasts.
const LOAD: Duration = Duration::from_secs(12);

/// Resident memory of process `pid` in bytes.
fn resident_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kib * 1024
}

/// Regular files process `pid` has open beyond the standard streams it inherited (its sockets,
/// pipes and the like are not files).
fn open_files(pid: u32) -> Vec<String> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| {
                    e.file_name()
                        .to_str()
                        .and_then(|n| n.parse::<u32>().ok())
                        .is_some_and(|fd| fd > 2)
                })
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .map(|p| p.to_string_lossy().to_string())
                .filter(|p| p.starts_with('/') && !p.starts_with("/dev/"))
                .collect()
        })
        .unwrap_or_default()
}

/// The kinds of request each client picks from, in turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    ShortRun,
    Abandoned,
    Oversized,
    Malformed,
    Limits,
    FileByPath,
    FileByScenario,
}

const KINDS: [Kind; 7] = [
    Kind::ShortRun,
    Kind::Abandoned,
    Kind::Oversized,
    Kind::Malformed,
    Kind::Limits,
    Kind::FileByPath,
    Kind::FileByScenario,
];

/// Sends one request of `kind` and returns its status.
fn one(address: &str, kind: Kind, turn: usize) -> u16 {
    match kind {
        Kind::ShortRun => {
            let body = format!(r#"{{"scenario":"mcp","users":2000,"years":0.5,"seed":{turn}}}"#);
            let (status, text) = request(address, "POST", "/api/run", &body);
            if status == 200 {
                assert!(text.contains("event: done"), "a short run did not finish: {text}");
            }
            status
        }
        Kind::Abandoned => {
            let body = r#"{"scenario":"iot-botnets","mode":"ensemble","runs":200,"users":200000,"years":20}"#;
            let mut s = send(address, "POST", "/api/run", body.as_bytes());
            let mut head = [0u8; 12];
            s.read_exact(&mut head).unwrap();
            let status: u16 = String::from_utf8_lossy(&head[9..12]).parse().unwrap();
            if status == 200 {
                let mut some = [0u8; 256];
                s.read_exact(&mut some).unwrap();
            }
            status // the connection is dropped here, mid-stream
        }
        Kind::Oversized => {
            let body = format!(r#"{{"scenario":"mcp","pad":"{}"}}"#, "x".repeat(40_000));
            request(address, "POST", "/api/run", &body).0
        }
        Kind::Malformed => request(address, "POST", "/api/run", r#"{"scenario": "mcp", "users": "#).0,
        Kind::Limits => request(address, "GET", "/api/limits", "").0,
        Kind::FileByPath => {
            let paths = [
                "/../../../../etc/passwd",
                "/%2e%2e/%2e%2e/etc/passwd",
                "/api/../Cargo.toml",
                "/scenarios/mcp.toml",
            ];
            let (status, text) = request(address, "GET", paths[turn % paths.len()], "");
            assert!(
                !text.contains("root:") && !text.contains("[workspace]"),
                "a file leaked: {text}"
            );
            status
        }
        Kind::FileByScenario => {
            let names = ["/etc/passwd", "../scenarios/mcp.toml", "scenarios/mcp.toml", "mcp.toml"];
            let body = format!(r#"{{"scenario":"{}"}}"#, names[turn % names.len()]);
            request(address, "POST", "/api/run", &body).0
        }
    }
}

/// The statuses each kind may get.
fn allowed(kind: Kind) -> &'static [u16] {
    match kind {
        Kind::ShortRun | Kind::Abandoned => &[200, 429],
        Kind::Oversized => &[413],
        Kind::Malformed | Kind::FileByScenario => &[400],
        Kind::Limits => &[200],
        Kind::FileByPath => &[404],
    }
}

#[test]
fn the_server_holds_a_bounded_load_and_cancels_what_is_abandoned() {
    let server = start(&["--max-concurrent", "2"]);
    let (pid, address) = (server.0.id(), server.1.clone());
    let idle = resident_bytes(pid);
    let counts: Mutex<BTreeMap<(Kind, u16), u64>> = Mutex::new(BTreeMap::new());
    let peak = AtomicU64::new(idle);
    let deadline = Instant::now() + LOAD;
    std::thread::scope(|scope| {
        for client in 0..CLIENTS {
            let (address, counts) = (&address, &counts);
            scope.spawn(move || {
                let mut turn = client;
                while Instant::now() < deadline {
                    let kind = KINDS[turn % KINDS.len()];
                    let status = one(address, kind, turn);
                    assert!(allowed(kind).contains(&status), "{kind:?} got {status}");
                    *counts.lock().unwrap().entry((kind, status)).or_default() += 1;
                    turn += CLIENTS / 4 + 1;
                }
            });
        }
        let peak = &peak;
        scope.spawn(move || {
            while Instant::now() < deadline {
                peak.fetch_max(resident_bytes(pid), Ordering::Relaxed);
                let files = open_files(pid);
                assert!(files.is_empty(), "the server opened files: {files:?}");
                std::thread::sleep(Duration::from_millis(50));
            }
        });
    });
    let counts = counts.into_inner().unwrap();
    let total: u64 = counts.values().sum();
    let peak = peak.into_inner();
    println!(
        "{CLIENTS} clients for {} s: {total} requests; idle {} MiB, peak {} MiB resident",
        LOAD.as_secs(),
        idle >> 20,
        peak >> 20
    );
    for ((kind, status), n) in &counts {
        println!("  {kind:?} -> {status}: {n}");
    }
    // Every kind was exercised, and simulations both ran and were turned away.
    for kind in KINDS {
        assert!(counts.keys().any(|(k, _)| *k == kind), "{kind:?} was never sent");
    }
    assert!(counts.contains_key(&(Kind::ShortRun, 200)) || counts.contains_key(&(Kind::Abandoned, 200)));
    assert!(
        counts.keys().any(|(_, s)| *s == 429),
        "the concurrency cap was never reached"
    );
    // Two simulations of at most 200,000 users at a time, plus the server: well under 512 MiB.
    assert!(peak < 512 << 20, "peak resident memory {peak} bytes");
    // Every abandoned ensemble (each hours of work) was cancelled: the slots are free within
    // seconds and the server answers as it did before the load.
    let free_by = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, text) = request(
            &address,
            "POST",
            "/api/run",
            r#"{"scenario":"mcp","users":1000,"years":0.1}"#,
        );
        if status == 200 {
            assert!(text.contains("event: done"));
            break;
        }
        assert_eq!(status, 429);
        assert!(Instant::now() < free_by, "abandoned simulations still hold the slots");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (status, _) = request(
        &address,
        "POST",
        "/api/run",
        r#"{"scenario":"mcp","users":1000,"years":0.1}"#,
    );
    assert_eq!(status, 200, "both slots are free again");
}
