//! Property-based fuzzing of every input boundary: scenario files, `--set` overrides, plan files
//! and the explorer's JSON API. Inputs are the shipped presets and plans with random mutations
//! (lines deleted, duplicated, cut short; values replaced by hostile tokens; keys invented), and
//! random override and JSON values.
//!
//! For every input, parsing either fails with an error that names the file (or field), or
//! succeeds; an accepted scenario then runs a few simulated days (users capped for speed) and
//! every daily series and summary metric must be finite. No case may panic.
//!
//! Cases per property: `PROPTEST_CASES` (default 5,000, a few seconds). `scripts/fuzz` runs far more.

use esplab_experiment::simulate;
use esplab_model::{run, Parameters, Recorder};
use esplab_output::run_folder::timeseries_table;
use esplab_output::table::Column;
use esplab_scenario::fields::known_paths;
use esplab_scenario::plan::Plan;
use esplab_scenario::{presets, Override, Scenario};
use esplab_server::request::{parse as parse_request, Limits};
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestCaseError, TestRunner};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

const PLANS: [&str; 2] = [
    include_str!("../../../plans/mcp-lhs.toml"),
    include_str!("../../../plans/mcp-sensitivity.toml"),
];

/// Values that break naive parsers and models.
const HOSTILE: [&str; 36] = [
    "\"grid\"",
    "\"sobol\"",
    "10000",
    "10000000",
    "0",
    "-1",
    "1",
    "0.5",
    "-0.0",
    "1e308",
    "-1e308",
    "1e-320",
    "nan",
    "inf",
    "-inf",
    "+inf",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967295",
    "200000001",
    "1_000",
    "0x10",
    "0o7",
    "true",
    "false",
    "\"\"",
    "\"mcp\"",
    "\"../../etc/passwd\"",
    "[]",
    "[1, 2, 3]",
    "{}",
    "{ a = 1 }",
    "1979-05-27",
    "'''x'''",
    "\"\\u0000\"",
];

/// A mutation of one line of a TOML text.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    /// Replace the value after `=` on a line with a hostile token.
    Value(usize, usize),
    /// Insert `key = token` after a line.
    Insert(usize, String, usize),
    /// Cut the text short at a fraction of its length.
    Truncate(f64),
    /// Insert a raw character at a fraction of the text.
    Character(f64, char),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let key = prop_oneof![
        proptest::sample::select(known_paths()).prop_map(|p| p.rsplit('.').next().unwrap_or("x").to_string()),
        "[a-z_]{1,12}",
        proptest::sample::select(vec!["levels", "points", "replicates", "sampler", "seed", "scenario"])
            .prop_map(String::from),
        Just("[section]".to_string()),
        Just("[[interventions]]".to_string()),
        Just("[[offerings]]".to_string()),
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), 0..HOSTILE.len()).prop_map(|(l, v)| Mutation::Value(l, v)),
        (any::<usize>(), key, 0..HOSTILE.len()).prop_map(|(l, k, v)| Mutation::Insert(l, k, v)),
        (0.0..1.0f64).prop_map(Mutation::Truncate),
        (0.0..1.0f64, any::<char>()).prop_map(|(at, c)| Mutation::Character(at, c)),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for m in mutations {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match m {
            Mutation::Delete(l) => {
                lines.remove(l % n);
            }
            Mutation::Duplicate(l) => {
                let line = lines[l % n].clone();
                lines.insert(l % n, line);
            }
            Mutation::Value(l, v) => {
                let line = &mut lines[l % n];
                if let Some((key, _)) = line.split_once('=') {
                    *line = format!("{key}= {}", HOSTILE[*v]);
                }
            }
            Mutation::Insert(l, key, v) => {
                let line = if key.starts_with('[') {
                    key.clone()
                } else {
                    format!("{key} = {}", HOSTILE[*v])
                };
                lines.insert((l % n) + 1, line);
            }
            Mutation::Truncate(at) => {
                let joined = lines.join("\n");
                let mut cut = (joined.len() as f64 * at) as usize;
                while !joined.is_char_boundary(cut) {
                    cut -= 1;
                }
                lines = joined[..cut].lines().map(String::from).collect();
            }
            Mutation::Character(at, c) => {
                let l = ((n as f64 * at) as usize).min(n - 1);
                let line = &mut lines[l];
                let mut i = (line.len() as f64 * at) as usize;
                while !line.is_char_boundary(i) {
                    i -= 1;
                }
                line.insert(i, *c);
            }
        }
    }
    lines.join("\n")
}

/// Runs a few days of an accepted scenario (at most 2,000 users, 40 days) and checks that every
/// output is finite.
fn runs_finitely(p: &Parameters, what: &str) {
    let mut p = p.clone();
    p.run.users = p.run.users.min(2_000);
    p.run.years = p.run.years.min(40.0 / 365.0);
    let mut recorder = Recorder::default();
    run(&p, &mut recorder);
    assert_eq!(recorder.days.len(), p.run.days() as usize, "{what}");
    let table = timeseries_table(&recorder.days, &vec![0; recorder.days.len()]);
    for (name, column) in table.names.iter().zip(&table.columns) {
        if let Column::Number(values) = column {
            assert!(values.iter().all(|x| x.is_finite()), "{what}: {name} is not finite");
        }
    }
    for (name, value) in recorder.summary.metrics() {
        assert!(value.is_finite(), "{what}: summary {name} = {value}");
    }
    let outcome = simulate(&p, p.run.seed, 0, false);
    for (name, value) in esplab_experiment::metric_names().iter().zip(&outcome.metrics) {
        assert!(value.is_finite(), "{what}: metric {name} = {value}");
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        // PROPTEST_CASES overrides this.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(5_000),
        max_shrink_iters: 2_000,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/fuzz.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

/// Runs `property` (which says whether it accepted its input) over `strategy`, prints how many
/// inputs were accepted and rejected, and requires both to be common enough to matter: a fuzzer
/// that only ever reaches the parser's first error tests little.
fn fuzz<S: Strategy>(
    name: &str,
    strategy: S,
    least_accepted: f64,
    property: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let accepted = AtomicU64::new(0);
    let total = AtomicU64::new(0);
    let started = Instant::now();
    let mut runner = TestRunner::new(config());
    let outcome = runner.run(&strategy, |value| {
        let ok = property(value)?;
        total.fetch_add(1, Ordering::Relaxed);
        accepted.fetch_add(u64::from(ok), Ordering::Relaxed);
        Ok(())
    });
    if let Err(e) = outcome {
        panic!("{name}: {e}");
    }
    let (accepted, total) = (accepted.into_inner(), total.into_inner());
    println!(
        "{name}: {total} inputs in {:.1} s, {accepted} accepted and run, {} rejected with a named error",
        started.elapsed().as_secs_f64(),
        total - accepted
    );
    let share = accepted as f64 / total.max(1) as f64;
    assert!(
        (least_accepted..=1.0 - least_accepted).contains(&share),
        "{name}: {accepted} of {total} inputs accepted; the mutations are too mild or too harsh"
    );
}

#[test]
fn mutated_scenarios_are_rejected_clearly_or_run_finitely() {
    let strategy = (
        proptest::sample::select(presets::names()),
        proptest::collection::vec(mutation(), 1..6),
    );
    fuzz("scenario files", strategy, 0.05, |(preset, mutations)| {
        let text = mutate(presets::text(preset).unwrap(), &mutations);
        match Scenario::from_text(&text, "fuzz.toml", &[]) {
            Ok(scenario) => {
                runs_finitely(&scenario.parameters, &text);
                Ok(true)
            }
            Err(e) => {
                let message = e.to_string();
                prop_assert!(
                    message.starts_with("fuzz.toml"),
                    "the error names no file: {message}\n{text}"
                );
                Ok(false)
            }
        }
    });
}

#[test]
fn random_overrides_are_rejected_clearly_or_run_finitely() {
    let key = prop_oneof![3 => proptest::sample::select(known_paths()), 1 => "[a-z.]{1,20}"];
    let value = prop_oneof![
        proptest::sample::select(HOSTILE.to_vec()).prop_map(String::from),
        (0.0..1.0f64).prop_map(|x| x.to_string()),
        any::<f64>().prop_map(|x| x.to_string()),
        any::<i64>().prop_map(|x| x.to_string()),
        ".{0,12}",
    ];
    let strategy = (
        proptest::sample::select(presets::names()),
        proptest::collection::vec((key, value), 1..3),
    );
    fuzz("--set overrides", strategy, 0.05, |(preset, sets)| {
        let mut overrides = Vec::new();
        for (key, value) in &sets {
            match Override::parse(&format!("{key}={value}")) {
                Ok(o) => overrides.push(o),
                Err(e) => {
                    let message = e.to_string();
                    prop_assert!(
                        message.contains(&format!("{key}={value}")),
                        "the error names no input: {message}"
                    );
                }
            }
        }
        match Scenario::load(preset, &overrides) {
            Ok(scenario) => {
                runs_finitely(&scenario.parameters, &format!("{sets:?}"));
                Ok(overrides.len() == sets.len())
            }
            Err(e) => {
                let message = e.to_string();
                let named = overrides.iter().any(|o| message.contains(&o.path));
                prop_assert!(named, "the error names no override: {message}");
                Ok(false)
            }
        }
    });
}

#[test]
fn mutated_plans_are_rejected_clearly_or_give_runnable_points() {
    let strategy = (
        proptest::sample::select(PLANS.to_vec()),
        proptest::collection::vec(mutation(), 1..6),
    );
    fuzz("plan files", strategy, 0.02, |(plan, mutations)| {
        let text = mutate(plan, &mutations);
        match Plan::from_text(&text, "fuzz-plan.toml", Path::new("."), &[]) {
            Ok(plan) => {
                let points = plan.design_points();
                prop_assert!(!points.is_empty());
                for point in points.iter().take(2) {
                    prop_assert!(point.iter().all(|x| x.is_finite()), "{point:?}");
                    runs_finitely(&plan.parameters_for(point), &text);
                }
                Ok(true)
            }
            Err(e) => {
                let message = e.to_string();
                prop_assert!(
                    message.starts_with("fuzz-plan.toml") || message.contains("preset:"),
                    "the error names no file: {message}\n{text}"
                );
                Ok(false)
            }
        }
    });
}

#[test]
fn random_api_requests_are_rejected_with_a_field_or_fit_the_limits() {
    let key = prop_oneof![
        4 => proptest::sample::select(vec![
            "scenario", "mode", "users", "years", "seed", "runs", "set", "lever", "lever_day",
        ])
        .prop_map(String::from),
        1 => "[a-z_]{1,10}",
    ];
    let value = prop_oneof![
        proptest::sample::select(vec![
            "\"mcp\"",
            "\"loud\"",
            "\"run\"",
            "\"ensemble\"",
            "\"ab\"",
            "\"regulation\"",
            "\"/etc/passwd\"",
            "null",
            "true",
            "-1",
            "0",
            "1",
            "2",
            "1e400",
            "4294967296",
            "0.25",
            "{\"vendors.tolerance\": 0.05}",
            "{\"run.users\": 1e12}",
            "{\"x\": [1]}",
            "[]",
        ])
        .prop_map(String::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |x| x.is_finite())
            .prop_map(|x| x.to_string()),
        any::<u64>().prop_map(|x| x.to_string()),
    ];
    // Most bodies name a preset, so that the checks past the first can be reached.
    let strategy = (
        proptest::bool::weighted(0.8),
        proptest::collection::vec((key, value), 0..5),
        proptest::option::weighted(0.1, 0.0..1.0f64),
    );
    fuzz("API requests", strategy, 0.02, |(preset, fields, cut)| {
        let mut fields = fields;
        if preset {
            fields.insert(0, ("scenario".into(), "\"mcp\"".into()));
        }
        let body = format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(k, v)| format!("\"{k}\": {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let body = match cut {
            Some(at) => body[..(body.len() as f64 * at) as usize].to_string(),
            None => body,
        };
        let limits = Limits::default();
        match parse_request(body.as_bytes(), &limits) {
            Ok(job) => {
                prop_assert!(job.base.run.users <= limits.max_users, "{body}");
                prop_assert!(job.base.run.years <= limits.max_years, "{body}");
                prop_assert!(job.runs <= limits.max_runs, "{body}");
                prop_assert!(presets::names().contains(&job.scenario.as_str()), "{body}");
                runs_finitely(&job.base, &body);
                Ok(true)
            }
            Err(rejection) => {
                prop_assert!(!rejection.field.is_empty() && !rejection.message.is_empty(), "{body}");
                Ok(false)
            }
        }
    });
}

/// Found while writing the plan fuzzer (which sizes can a plan ask for?): a grid of three
/// factors with 10,000 levels each asked for 72 TB of design points and aborted; it is now
/// refused as a plan error. The fuzzer's tokens include `"grid"` and `10000` to reach it.
#[test]
fn huge_designs_are_refused_before_anything_is_allocated() {
    let text = PLANS[0]
        .replace("latin-hypercube", "grid")
        .replace(
            "distribution = \"uniform\"",
            "distribution = \"uniform\"\nlevels = 10000",
        )
        .replace(
            "distribution = \"log-uniform\"",
            "distribution = \"log-uniform\"\nlevels = 10000",
        );
    let e = Plan::from_text(&text, "huge.toml", Path::new("."), &[])
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("huge.toml") && e.contains("factors.levels"), "{e}");
    assert!(
        e.contains("3000000000000 grid points") && e.contains("at most 100000000 rows"),
        "{e}"
    );
    let text = PLANS[0]
        .replace("replicates = 2", "replicates = 1000000")
        .replace("points = 32", "points = 1000");
    let e = Plan::from_text(&text, "many.toml", Path::new("."), &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("1000 design points x 1000000 replicates"), "{e}");
}
