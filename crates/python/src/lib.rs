//! esplab for Python (`import esplab`): the simulations and experiments of the command line,
//! returning `pyarrow.Table`s through the Arrow C data interface. The GIL is released while
//! simulating; errors are `esplab.ScenarioError` (bad settings) with the CLI's messages.

use arrow::pyarrow::ToPyArrow;
use esplab_experiment::analysis::{analyze as analyze_run, RunData};
use esplab_experiment::compare::compare as compare_metrics;
use esplab_experiment::leverage::{rank, standard_levers, verdict, LeverEffect};
use esplab_experiment::sensitivity::{indices as sensitivity_indices, Method};
use esplab_experiment::{metric_names, simulate, Executor};
use esplab_model::footprint::peak_bytes;
use esplab_model::{EventKind, Recorder};
use esplab_output::analysis_files::{analysis_json, read_run};
use esplab_output::comparison_files::comparison_table;
use esplab_output::run_folder::timeseries_table;
use esplab_output::sensitivity_files::sensitivity_table;
use esplab_output::sweep_folder::INDEX_COLUMNS;
use esplab_output::table::{Column, Table};
use esplab_scenario::plan::Plan;
use esplab_scenario::{presets, Override, Scenario};
use pyo3::create_exception;
use pyo3::exceptions::{PyMemoryError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};
use std::sync::atomic::AtomicBool;

create_exception!(
    _esplab,
    ScenarioError,
    PyValueError,
    "A scenario, plan or setting esplab cannot use."
);

fn scenario_error(e: impl std::fmt::Display) -> PyErr {
    ScenarioError::new_err(e.to_string())
}

/// A Python value as the TOML text of an override.
fn toml_value(key: &str, value: &Bound<PyAny>) -> PyResult<String> {
    if value.is_instance_of::<PyBool>() {
        Ok(value.extract::<bool>()?.to_string())
    } else if value.is_instance_of::<PyInt>() {
        Ok(value.extract::<i64>()?.to_string())
    } else if value.is_instance_of::<PyFloat>() {
        let v: f64 = value.extract()?;
        Ok(format!("{v:?}"))
    } else if value.is_instance_of::<PyString>() {
        Ok(format!("{:?}", value.extract::<String>()?))
    } else {
        Err(ScenarioError::new_err(format!(
            "set {key}: expected a number, boolean or string, found {}",
            value.get_type().name()?
        )))
    }
}

/// Overrides from a dict of `key: value`, labelled `label key` in errors.
fn overrides_from(dict: Option<&Bound<PyDict>>, label: &str) -> PyResult<Vec<Override>> {
    let mut out = Vec::new();
    if let Some(dict) = dict {
        for (key, value) in dict.iter() {
            let key: String = key.extract()?;
            let text = toml_value(&key, &value)?;
            out.push(Override {
                label: format!("{label} {key}={text}"),
                path: key,
                value: text,
            });
        }
    }
    Ok(out)
}

/// The common keyword settings of every function.
struct Settings<'py> {
    users: Option<u64>,
    years: Option<f64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
}

impl Settings<'_> {
    fn overrides(&self) -> PyResult<Vec<Override>> {
        let mut o = overrides_from(self.set.as_ref(), "set")?;
        if let Some(u) = self.users {
            o.push(Override {
                label: format!("users={u}"),
                path: "run.users".into(),
                value: u.to_string(),
            });
        }
        if let Some(y) = self.years {
            o.push(Override {
                label: format!("years={y}"),
                path: "run.years".into(),
                value: y.to_string(),
            });
        }
        if let Some(s) = self.seed {
            o.push(Override {
                label: format!("seed={s}"),
                path: "run.seed".into(),
                value: s.to_string(),
            });
        }
        Ok(o)
    }
}

/// Reads a scenario given as a preset name, a TOML path, TOML text, or a dict of overrides of
/// the defaults.
fn load(scenario: &Bound<PyAny>, settings: &Settings, extra: &[Override]) -> PyResult<Scenario> {
    let mut overrides = Vec::new();
    let text: Option<String> = if let Ok(dict) = scenario.downcast::<PyDict>() {
        overrides.extend(overrides_from(Some(dict), "scenario")?);
        Some("schema = 1\n".into())
    } else {
        let s: String = scenario.extract().map_err(|_| {
            ScenarioError::new_err("scenario: expected a preset name, a TOML path, TOML text or a dict")
        })?;
        (s.contains('\n') || (s.contains('=') && !std::path::Path::new(&s).is_file())).then_some(s)
    };
    overrides.extend(settings.overrides()?);
    overrides.extend_from_slice(extra);
    let result = match &text {
        Some(t) => Scenario::from_text(t, "<scenario>", &overrides),
        None => Scenario::load(&scenario.extract::<String>()?, &overrides),
    };
    result.map_err(scenario_error)
}

fn to_pyarrow(py: Python<'_>, table: &Table) -> PyResult<Py<PyAny>> {
    let batch = table
        .record_batch()
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    let batch = batch.to_pyarrow(py)?;
    let pyarrow = py.import("pyarrow")?;
    Ok(pyarrow
        .getattr("Table")?
        .call_method1("from_batches", (vec![batch],))?
        .unbind())
}

/// Refuses, before anything is allocated, `runs` runs of the largest of `parameters` that
/// would not fit in memory `threads` at a time (`MemoryError` with the estimate).
fn ensure_memory<'a>(
    parameters: impl IntoIterator<Item = &'a esplab_model::Parameters>,
    threads: usize,
    runs: u64,
) -> PyResult<()> {
    let threads = if threads == 0 { rayon_threads() } else { threads };
    let at_once = (threads as u64).min(runs).max(1) as usize;
    esplab_experiment::memory::check("these settings", parameters, at_once)
        .map_err(|e| PyMemoryError::new_err(e.replace("(--users)", "(users=)").replace("(--threads)", "(threads=)")))
}

/// Worker threads of an executor with `threads = 0`.
fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn interrupted() -> PyErr {
    PyRuntimeError::new_err("interrupted")
}

/// The shipped presets: (name, description) pairs.
#[pyfunction]
fn scenarios() -> Vec<(String, String)> {
    presets::list().into_iter().map(|(n, d)| (n.to_string(), d)).collect()
}

/// One run: a table of one row per day (day and every daily series), as `esplab run` writes
/// to timeseries.csv.
#[pyfunction]
#[pyo3(signature = (scenario, *, users=None, years=None, seed=None, set=None))]
fn run<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyAny>,
    users: Option<u64>,
    years: Option<f64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let s = load(
        scenario,
        &Settings {
            users,
            years,
            seed,
            set,
        },
        &[],
    )?;
    let p = s.parameters;
    ensure_memory([&p], 1, 1)?;
    let recorder = py.detach(|| {
        let mut r = Recorder::default();
        esplab_model::run(&p, &mut r);
        r
    });
    let mut regulations = vec![0u32; recorder.days.len()];
    for e in recorder.events.iter().filter(|e| e.kind() == EventKind::Regulation) {
        if let Some(r) = regulations.get_mut(e.day as usize) {
            *r += 1;
        }
    }
    to_pyarrow(py, &timeseries_table(&recorder.days, &regulations))
}

/// Runs `job` for every index on `threads` workers (0: one per core), results in index order.
fn run_all<T: Send>(indices: &[u64], threads: usize, job: impl Fn(u64) -> T + Sync) -> PyResult<Vec<T>> {
    let stop = AtomicBool::new(false);
    let mut out = Vec::with_capacity(indices.len());
    let outcome = Executor::new(threads).run(indices, &stop, job, |_, r| {
        out.push(r);
        Ok::<(), ()>(())
    });
    match outcome {
        Ok(None) => Ok(out),
        _ => Err(interrupted()),
    }
}

fn metrics_of(
    p: &esplab_model::Parameters,
    start: u64,
    runs: u64,
    threads: usize,
) -> PyResult<Vec<esplab_experiment::RunOutcome>> {
    ensure_memory([p], threads, runs)?;
    let indices: Vec<u64> = (start..start + runs).collect();
    run_all(&indices, threads, |i| simulate(p, p.run.seed, i, false))
}

/// Replicates across seeds: one row per run (run, seed, every metric), as `esplab ensemble`
/// writes to runs.csv. `start` is the index of the first run (runs `start..start + runs`), so
/// an ensemble can be split across workers.
#[pyfunction]
#[pyo3(signature = (scenario, *, runs=100, start=0, threads=0, users=None, years=None, seed=None, set=None))]
#[allow(clippy::too_many_arguments)]
fn ensemble<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyAny>,
    runs: u64,
    start: u64,
    threads: usize,
    users: Option<u64>,
    years: Option<f64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let s = load(
        scenario,
        &Settings {
            users,
            years,
            seed,
            set,
        },
        &[],
    )?;
    let p = s.parameters;
    let outcomes = py.detach(|| metrics_of(&p, start, runs, threads))?;
    let mut names = vec!["run".to_string(), "seed".to_string()];
    names.extend(metric_names().iter().map(|s| s.to_string()));
    let mut columns = vec![
        Column::Index(outcomes.iter().map(|o| o.index).collect()),
        Column::Index(outcomes.iter().map(|o| o.seed).collect()),
    ];
    for k in 0..metric_names().len() {
        columns.push(Column::Number(outcomes.iter().map(|o| o.metrics[k]).collect()));
    }
    to_pyarrow(py, &Table { names, columns })
}

/// Two arms on common random numbers: per metric, the paired and unpaired differences with
/// 95% intervals, as `esplab compare` writes to compare.csv. The variant is `variant`, or the
/// base with the `vary` overrides.
#[pyfunction]
#[pyo3(signature = (base, variant=None, *, vary=None, runs=100, threads=0, users=None, years=None, seed=None, set=None))]
#[allow(clippy::too_many_arguments)]
fn compare<'py>(
    py: Python<'py>,
    base: &Bound<'py, PyAny>,
    variant: Option<&Bound<'py, PyAny>>,
    vary: Option<Bound<'py, PyDict>>,
    runs: u64,
    threads: usize,
    users: Option<u64>,
    years: Option<f64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let settings = Settings {
        users,
        years,
        seed,
        set,
    };
    let a = load(base, &settings, &[])?;
    let varied = overrides_from(vary.as_ref(), "vary")?;
    let mut b = match variant {
        Some(v) => load(v, &settings, &varied)?,
        None => load(base, &settings, &varied)?,
    };
    // Both arms run on the base's seeds (common random numbers).
    b.parameters.run.seed = a.parameters.run.seed;
    let (pa, pb) = (a.parameters, b.parameters);
    let (ra, rb) =
        py.detach(|| -> PyResult<_> { Ok((metrics_of(&pa, 0, runs, threads)?, metrics_of(&pb, 0, runs, threads)?)) })?;
    let names = metric_names();
    let rows = compare_metrics(
        &names,
        &ra.into_iter().map(|r| r.metrics).collect::<Vec<_>>(),
        &rb.into_iter().map(|r| r.metrics).collect::<Vec<_>>(),
    );
    to_pyarrow(py, &comparison_table(&rows))
}

/// The standard levers ranked by their paired effect on the long-run baseline (95% intervals),
/// as `esplab leverage` reports them: rank, lever, meaning, size, unit, effect, low, high,
/// verdict.
#[pyfunction]
#[pyo3(signature = (scenario, *, runs=100, start_day=None, threads=0, users=None, years=None, seed=None, set=None))]
#[allow(clippy::too_many_arguments)]
fn leverage<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyAny>,
    runs: u64,
    start_day: Option<u32>,
    threads: usize,
    users: Option<u64>,
    years: Option<f64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let s = load(
        scenario,
        &Settings {
            users,
            years,
            seed,
            set,
        },
        &[],
    )?;
    let p = s.parameters;
    let days = p.run.days();
    let start = start_day.unwrap_or(days / 5);
    if start >= days {
        return Err(ScenarioError::new_err(format!(
            "start_day {start}: must be before the end of the horizon ({days} days)"
        )));
    }
    let heroic = p.offerings.first().map(|o| o.name.clone()).unwrap_or_default();
    let levers = standard_levers(start, &heroic);
    let arms = py.detach(|| -> PyResult<Vec<Vec<Vec<f64>>>> {
        std::iter::once(p.clone())
            .chain(levers.iter().map(|l| l.apply(&p, start, 0)))
            .map(|arm| {
                Ok(metrics_of(&arm, 0, runs, threads)?
                    .into_iter()
                    .map(|r| r.metrics)
                    .collect())
            })
            .collect()
    })?;
    let ranked = rank(&arms);
    let text = |f: &dyn Fn(&LeverEffect) -> String| Column::Text(ranked.iter().map(f).collect());
    let number = |f: &dyn Fn(&LeverEffect) -> f64| Column::Number(ranked.iter().map(f).collect());
    let table = Table {
        names: [
            "rank", "lever", "meaning", "size", "unit", "effect", "low", "high", "verdict",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        columns: vec![
            Column::Count((1..=ranked.len() as u32).collect()),
            text(&|r| levers[r.lever].name().to_string()),
            text(&|r| levers[r.lever].meaning.clone()),
            number(&|r| levers[r.lever].size),
            text(&|r| levers[r.lever].unit.to_string()),
            number(&|r| r.effect.estimate),
            number(&|r| r.effect.low),
            number(&|r| r.effect.high),
            text(&|r| verdict(&r.effect).to_string()),
        ],
    };
    to_pyarrow(py, &table)
}

/// Rows of a sweep plan (or of shard `shard = (i, n)` of it), as `esplab sweep` writes to
/// sweep.csv: row, point, replicate, seed, the factors, the plan's metrics.
#[pyfunction]
#[pyo3(signature = (plan, *, shard=None, threads=0, set=None))]
fn sweep<'py>(
    py: Python<'py>,
    plan: &str,
    shard: Option<(u64, u64)>,
    threads: usize,
    set: Option<Bound<'py, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let overrides = overrides_from(set.as_ref(), "set")?;
    let plan = Plan::load(plan, &overrides).map_err(scenario_error)?;
    let points = plan.design_points();
    let replicates = plan.replicates as u64;
    let total = points.len() as u64 * replicates;
    let rows = match shard {
        None => 0..total,
        Some((i, n)) if n >= 1 && i < n => i * total / n..(i + 1) * total / n,
        Some((i, n)) => {
            return Err(ScenarioError::new_err(format!(
                "shard ({i}, {n}): out of range; allowed: (i, n) with 0 <= i < n"
            )))
        }
    };
    let all = metric_names();
    let kept: Vec<usize> = plan
        .metrics
        .iter()
        .map(|m| all.iter().position(|n| n == m).unwrap_or(0))
        .collect();
    let largest = points.iter().map(|x| plan.parameters_for(x)).max_by_key(peak_bytes);
    ensure_memory(largest.iter(), threads, rows.end - rows.start)?;
    let indices: Vec<u64> = rows.collect();
    let results = py.detach(|| {
        run_all(&indices, threads, |row| {
            let (point, replicate) = ((row / replicates) as usize, row % replicates);
            let outcome = simulate(&plan.parameters_for(&points[point]), plan.seed, replicate, false);
            (row, point, replicate, outcome)
        })
    })?;
    let mut names: Vec<String> = INDEX_COLUMNS.iter().map(|s| s.to_string()).collect();
    names.extend(plan.factors.iter().map(|f| f.key.clone()));
    names.extend(plan.metrics.iter().cloned());
    let mut columns = vec![
        Column::Index(results.iter().map(|r| r.0).collect()),
        Column::Index(results.iter().map(|r| r.1 as u64).collect()),
        Column::Index(results.iter().map(|r| r.2).collect()),
        Column::Index(results.iter().map(|r| r.3.seed).collect()),
    ];
    for (k, _) in plan.factors.iter().enumerate() {
        columns.push(Column::Number(results.iter().map(|r| points[r.1][k]).collect()));
    }
    for &m in &kept {
        columns.push(Column::Number(results.iter().map(|r| r.3.metrics[m]).collect()));
    }
    to_pyarrow(py, &Table { names, columns })
}

/// Global sensitivity of a plan's metrics to its factors, as `esplab sensitivity` writes to
/// sensitivity.csv: metric, factor, and S1, S1_conf, ST, ST_conf (`method="sobol"`) or mu,
/// mu_star, sigma, mu_star_conf (`method="morris"`).
#[pyfunction]
#[pyo3(signature = (plan, *, method="sobol", resamples=100, threads=0, set=None))]
fn sensitivity<'py>(
    py: Python<'py>,
    plan: &str,
    method: &str,
    resamples: usize,
    threads: usize,
    set: Option<Bound<'py, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let Some(method) = Method::from_name(method) else {
        return Err(ScenarioError::new_err(format!(
            "method {method:?}: allowed: {}",
            Method::NAMES.join(", ")
        )));
    };
    let overrides = overrides_from(set.as_ref(), "set")?;
    let plan = Plan::load(plan, &overrides).map_err(scenario_error)?;
    let (d, n) = (plan.factors.len(), plan.points);
    let simulations = method.rows(d, n).saturating_mul(plan.replicates as u64);
    if simulations > esplab_scenario::plan::MAX_ROWS {
        return Err(ScenarioError::new_err(format!(
            "{}: points = {n} gives {simulations} simulations; at most {} per plan: lower `points`",
            plan.source,
            esplab_scenario::plan::MAX_ROWS
        )));
    }
    let unit = method.design(d, n, plan.morris_levels, plan.seed);
    let all = metric_names();
    let kept: Vec<usize> = plan
        .metrics
        .iter()
        .map(|m| all.iter().position(|x| x == m).unwrap_or(0))
        .collect();
    let rows: Vec<u64> = (0..unit.len() as u64).collect();
    let outputs = py.detach(|| {
        run_all(&rows, threads, |row| {
            let values: Vec<f64> = plan
                .factors
                .iter()
                .zip(&unit[row as usize])
                .map(|(f, &u)| f.value(u))
                .collect();
            let p = plan.parameters_for(&values);
            let mut sums = vec![0.0; kept.len()];
            for r in 0..plan.replicates as u64 {
                let metrics = simulate(&p, plan.seed, r, false).metrics;
                for (s, &m) in sums.iter_mut().zip(&kept) {
                    *s += metrics[m];
                }
            }
            sums.iter().map(|s| s / plan.replicates as f64).collect::<Vec<f64>>()
        })
    })?;
    let keys: Vec<String> = plan.factors.iter().map(|f| f.key.clone()).collect();
    let indices = sensitivity_indices(method, &unit, &outputs, (d, n), resamples, plan.seed);
    to_pyarrow(py, &sensitivity_table(method, &plan.metrics, &keys, &indices))
}

/// Punctuation analysis of a run (as `esplab analyze`): `source` is a run folder, or a
/// scenario to run first. Returns a dict: `jumps` (a table: day, size, cause, lag from the first
/// link in days, chain of events), `segments` (a table of the equilibria between change points)
/// and `analysis` (everything `analysis.json` holds).
#[pyfunction]
#[pyo3(signature = (source, *, users=None, years=None, seed=None, set=None))]
fn analyze<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    users: Option<u64>,
    years: Option<f64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let folder = source
        .extract::<String>()
        .ok()
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_dir());
    let data = match folder {
        Some(dir) => read_run(&dir).map_err(scenario_error)?,
        None => {
            let s = load(
                source,
                &Settings {
                    users,
                    years,
                    seed,
                    set,
                },
                &[],
            )?;
            let p = s.parameters;
            let names: Vec<String> = p.offerings.iter().map(|o| o.name.clone()).collect();
            py.detach(|| {
                let mut r = Recorder::default();
                esplab_model::run(&p, &mut r);
                RunData::from_recorder(&r, &names)
            })
        }
    };
    let a = py.detach(|| analyze_run(&data));
    let jumps = Table {
        names: ["day", "size", "cause", "lag_from_first_link_days", "chain"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        columns: vec![
            Column::Count(a.jumps.iter().map(|j| j.day).collect()),
            Column::Number(a.jumps.iter().map(|j| j.size).collect()),
            Column::Text(a.jumps.iter().map(|j| j.cause.clone()).collect()),
            Column::Count(
                a.jumps
                    .iter()
                    .map(|j| j.day - j.chain.first().map_or(j.day, |l| l.day))
                    .collect(),
            ),
            Column::Text(
                a.jumps
                    .iter()
                    .map(|j| {
                        j.chain
                            .iter()
                            .map(|l| format!("day {}: {}", l.day, l.what))
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .collect(),
            ),
        ],
    };
    let segments = Table {
        names: ["start", "end", "change", "rate_per_year", "is_jump"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        columns: vec![
            Column::Index(a.segments.iter().map(|x| x.start as u64).collect()),
            Column::Index(a.segments.iter().map(|x| x.end as u64).collect()),
            Column::Number(a.segments.iter().map(|x| x.change).collect()),
            Column::Number(a.segments.iter().map(|x| x.rate_per_year).collect()),
            Column::Text(a.segments.iter().map(|x| x.is_jump.to_string()).collect()),
        ],
    };
    let out = PyDict::new(py);
    out.set_item("jumps", to_pyarrow(py, &jumps)?)?;
    out.set_item("segments", to_pyarrow(py, &segments)?)?;
    let json = py.import("json")?;
    out.set_item(
        "analysis",
        json.call_method1("loads", (analysis_json(&a).to_string(),))?,
    )?;
    Ok(out)
}

/// Rows in a plan's design (points × replicates), for splitting a sweep into shards.
#[pyfunction]
#[pyo3(signature = (plan, *, set=None))]
fn sweep_rows(plan: &str, set: Option<Bound<'_, PyDict>>) -> PyResult<u64> {
    let overrides = overrides_from(set.as_ref(), "set")?;
    let plan = Plan::load(plan, &overrides).map_err(scenario_error)?;
    Ok(plan.design_points().len() as u64 * plan.replicates as u64)
}

#[pymodule]
fn _esplab(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add_function(wrap_pyfunction!(scenarios, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(ensemble, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(leverage, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_rows, m)?)?;
    Ok(())
}
