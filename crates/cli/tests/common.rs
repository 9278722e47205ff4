//! Shared helpers of the integration tests: ensembles over seeds, and statistics.
#![allow(dead_code)]

use esplab_model::{run, Recorder};
use esplab_scenario::{Override, Scenario};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
    let seeds: Vec<u64> = (1..=SEEDS).collect();
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

pub fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Standard error of the mean.
pub fn standard_error(x: &[f64]) -> f64 {
    let m = mean(x);
    let var = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() as f64 - 1.0);
    (var / x.len() as f64).sqrt()
}

pub fn median(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Kurtosis (not excess: 3 for a Normal) of a sample.
pub fn kurtosis(x: &[f64]) -> f64 {
    let m = mean(x);
    let v = x.iter().map(|a| (a - m).powi(2)).sum::<f64>() / x.len() as f64;
    let k = x.iter().map(|a| (a - m).powi(4)).sum::<f64>() / x.len() as f64;
    k / (v * v)
}

/// Changes of the baseline over steps of `step` days.
pub fn baseline_changes(r: &Recorder, step: usize) -> Vec<f64> {
    let b: Vec<f64> = r.days.iter().map(|d| d.baseline).collect();
    (0..b.len().saturating_sub(step))
        .step_by(step)
        .map(|i| b[i + step] - b[i])
        .collect()
}

/// Share of the total of positive changes carried by the largest `share` of all changes; `None`
/// when the baseline never rose.
pub fn top_share_of_increase(changes: &[f64], share: f64) -> Option<f64> {
    let total: f64 = changes.iter().filter(|c| **c > 0.0).sum();
    if total <= 0.0 {
        return None;
    }
    let mut sorted = changes.to_vec();
    sorted.sort_by(|a, b| b.partial_cmp(a).unwrap());
    let k = ((changes.len() as f64 * share).ceil() as usize).max(1);
    Some(sorted[..k].iter().filter(|c| **c > 0.0).sum::<f64>() / total)
}

/// Paired differences `a - b` of a metric over two ensembles run with the same seeds.
pub fn paired(a: &[Recorder], b: &[Recorder], metric: fn(&Recorder) -> f64) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| metric(x) - metric(y)).collect()
}
