//! Shared helpers of the integration tests: ensembles over seeds, and statistics.
#![allow(dead_code)]

use esplab_model::random::{generator, Stream};
use esplab_model::{run, Recorder};
use esplab_scenario::{Override, Scenario};
use rand::Rng;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// The names of the entries of `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

/// Runs the `esplab` binary.
pub fn esplab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args(args)
        .output()
        .expect("esplab runs")
}

/// Runs the `esplab` binary and requires success.
pub fn ok(args: &[&str]) -> Output {
    let o = esplab(args);
    assert!(
        o.status.success(),
        "esplab {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// A fresh, empty temporary folder for one test.
pub fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("esplab-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The bytes of file `name` in `dir`.
pub fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
}

/// Users per run in the ensemble tests: enough for stable shares, small enough to be quick.
pub const USERS: u32 = 20_000;
/// Seeds per ensemble.
pub const SEEDS: u64 = 24;

/// Loads a preset (or file) with `key=value` overrides.
pub fn scenario(name: &str, overrides: &[&str]) -> Scenario {
    let overrides: Vec<Override> = overrides.iter().map(|o| Override::parse(o).unwrap()).collect();
    Scenario::load(name, &overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `scenario` for seeds 1..=SEEDS at `USERS` users, on two threads, in seed order.
pub fn ensemble(base: &Scenario) -> Vec<Recorder> {
    ensemble_of(base, SEEDS)
}

/// Runs `scenario` for seeds 1..=`seeds` at `USERS` users, on two threads, in seed order.
pub fn ensemble_of(base: &Scenario, seeds: u64) -> Vec<Recorder> {
    let seeds: Vec<u64> = (1..=seeds).collect();
    let half = seeds.len().div_ceil(2);
    std::thread::scope(|scope| {
        let handles: Vec<_> = seeds
            .chunks(half)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|&seed| {
                            let mut p = base.parameters.clone();
                            p.run.seed = seed;
                            p.run.users = USERS;
                            let mut r = Recorder::default();
                            run(&p, &mut r);
                            r
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    })
}

/// An `esplab serve` process on a free loopback port, killed when dropped; `.1` is its address.
pub struct Server(pub Child, pub String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `esplab serve --port 0` with `extra` options.
pub fn start(extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_esplab"))
        .args(["serve", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    Server(child, address)
}

/// Sends one request and returns the connection after the request is written.
pub fn send(address: &str, method: &str, path: &str, body: &[u8]) -> TcpStream {
    let mut s = TcpStream::connect(address).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    s
}

/// Status code and whole body of a request.
pub fn request(address: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = send(address, method, path, body.as_bytes());
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = text.split_once("\r\n\r\n").map(|x| x.1.to_string()).unwrap_or_default();
    (status, body)
}

/// Runs `args` into `out` with `--threads 2`, killing it (SIGKILL) after random delays of 20 to
/// 250 ms drawn from `seed` and resuming with `--resume`, up to 80 times, then resumes it to the
/// end; returns how many kills it survived.
pub fn kill_until_complete(args: &[&str], out: &Path, seed: u64) -> u32 {
    let mut rng = generator(seed, Stream::Traits);
    let mut kills = 0;
    for attempt in 0..80 {
        let mut all = args.to_vec();
        all.extend(["-q", "--threads", "2", "--out", out.to_str().unwrap()]);
        if attempt > 0 {
            all.push("--resume");
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_esplab"))
            .args(&all)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(20..250)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        if out.join("manifest.json").exists() {
            break;
        }
    }
    if !out.join("manifest.json").exists() {
        let mut all = args.to_vec();
        all.extend(["-q", "--out", out.to_str().unwrap(), "--resume"]);
        ok(&all);
    }
    kills
}
