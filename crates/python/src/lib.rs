//! esplab for Python (`import esplab`): the simulations and experiments of the command line,
//! returning `pyarrow.Table`s through the Arrow C data interface. The GIL is released while
//! simulating. The work itself is `esplab_experiment::jobs`, shared with the command line and
//! the explorer; this crate converts Python arguments and results, and errors ([`bridge`]).

mod bridge;
mod convert;

use bridge::{settings as bad_setting, Failure, ScenarioError};
use convert::{load, overrides_from, to_pyarrow, Options};
use esplab_experiment::analysis::{analyze as analyze_run, RunData};
use esplab_experiment::calibration::{Generation, Settings as CalibrationSettings};
use esplab_experiment::compare::{compare as compare_metrics, paired_names};
use esplab_experiment::discovery::{Condition, PrimSettings};
use esplab_experiment::jobs::calibration::{CalibrationFailure, CalibrationJob, DEFAULT_USERS};
use esplab_experiment::jobs::draws::LeverDraws;
use esplab_experiment::jobs::{self, shard_rows, LeverSetup};
use esplab_experiment::leverage::{base_long_run, rank, standard_levers, Lever};
use esplab_experiment::memory::Spelling;
use esplab_experiment::robust::{pivot, summarize, DrawEffect};
use esplab_experiment::sensitivity::{indices as sensitivity_indices, Method};
use esplab_experiment::{metric_names, Executor};
use esplab_model::{EventKind, Parameters, Recorder};
use esplab_output::analysis_files::{analysis_json, read_run};
use esplab_output::calibration_files::posterior_draws as draws_from_posterior;
use esplab_output::calibration_files::{particles_table, summary_json, write_calibrated, Calibrated};
use esplab_output::comparison_files::{comparison_table, leverage_document, leverage_table, write_leverage};
use esplab_output::discovery_files::{discover as find, read_points, Outcome, Points};
use esplab_output::robust_files::{draws_table, robust_table};
use esplab_output::run_folder::timeseries_table;
use esplab_output::sensitivity_files::sensitivity_table;
use esplab_output::sweep_folder::INDEX_COLUMNS;
use esplab_output::table::{Column, Table};
use esplab_scenario::fields::set_numeric;
use esplab_scenario::plan::Plan;
use esplab_scenario::presets;
use esplab_scenario::priors::calibration_priors;
use esplab_scenario::targets::TargetSet;
use esplab_scenario::Override;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::atomic::AtomicBool;

/// Never raised: Python calls are not interrupted between batches.
static NO_STOP: AtomicBool = AtomicBool::new(false);

/// Refuses work that would not fit in memory (`MemoryError` with the estimate).
fn ensure_memory<'a>(
    parameters: impl IntoIterator<Item = &'a Parameters>,
    executor: &Executor,
    runs: u64,
) -> Result<(), Failure> {
    Ok(jobs::ensure_memory(
        "these settings",
        parameters,
        executor,
        runs,
        Spelling::PYTHON,
    )?)
}

/// Runs `start..start + runs` of `p`: their metrics, in index order.
fn metrics_of(
    p: &Parameters,
    start: u64,
    runs: u64,
    threads: usize,
) -> Result<Vec<esplab_experiment::RunOutcome>, Failure> {
    let executor = Executor::new(threads);
    ensure_memory([p], &executor, runs)?;
    let indices: Vec<u64> = (start..start + runs).collect();
    Ok(jobs::runs(&executor, p, p.run.seed, &indices, false, &NO_STOP, || {})?)
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
    let options = Options::new(users, years, seed, set.as_ref())?;
    let p = load(scenario, &options, &[])?.parameters;
    ensure_memory([&p], &Executor::new(1), 1)?;
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
    let options = Options::new(users, years, seed, set.as_ref())?;
    let p = load(scenario, &options, &[])?.parameters;
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
    let options = Options::new(users, years, seed, set.as_ref())?;
    let a = load(base, &options, &[])?;
    let varied = overrides_from(vary.as_ref(), "vary")?;
    let b = load(variant.unwrap_or(base), &options, &varied)?;
    let (pa, pb) = (a.parameters, b.parameters);
    let arms = [&pa, &pb];
    let results = py.detach(|| -> Result<_, Failure> {
        let executor = Executor::new(threads);
        ensure_memory(arms, &executor, runs)?;
        let indices: Vec<u64> = (0..runs).collect();
        // Both arms run on the base's seeds (common random numbers).
        Ok(jobs::paired_runs(
            &executor,
            &arms,
            pa.run.seed,
            &indices,
            &NO_STOP,
            || {},
        )?)
    })?;
    let rows = compare_metrics(&paired_names(&arms), &results[0], &results[1]);
    to_pyarrow(py, &comparison_table(&rows))
}

/// The standard levers ranked by their paired effect on the long-run baseline (95% intervals),
/// as `esplab leverage` writes to leverage.csv: rank, lever, size, unit, effect, low, high,
/// effect_per_unit, the vendors' and the shares' parts of the effect with their intervals,
/// adoption_effect, loss_effect, verdict. `heroic` names the heroic vendor's offering (default:
/// the minority offering on the start day of the base's first run). With `out`, the folder
/// `esplab leverage --out` writes is written there too (for `esplab.report(out)`).
#[pyfunction]
#[pyo3(signature = (scenario, *, runs=100, start_day=None, heroic=None, threads=0, users=None, years=None, seed=None, set=None, out=None))]
#[allow(clippy::too_many_arguments)]
fn leverage<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyAny>,
    runs: u64,
    start_day: Option<u32>,
    heroic: Option<String>,
    threads: usize,
    users: Option<u64>,
    years: Option<f64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
    out: Option<std::path::PathBuf>,
) -> PyResult<Py<PyAny>> {
    let options = Options::new(users, years, seed, set.as_ref())?;
    let scenario = load(scenario, &options, &[])?;
    let p = scenario.parameters.clone();
    let setup = LeverSetup::new(&p, start_day, heroic.as_deref()).map_err(Failure::from)?;
    let results = py.detach(|| -> Result<_, Failure> {
        let arms = setup.arm_refs();
        let executor = Executor::new(threads);
        ensure_memory(arms.iter().copied(), &executor, runs)?;
        let indices: Vec<u64> = (0..runs).collect();
        Ok(jobs::paired_runs(
            &executor,
            &arms,
            p.run.seed,
            &indices,
            &NO_STOP,
            || {},
        )?)
    })?;
    let ranked = rank(&results);
    let table = leverage_table(&setup.levers, &ranked);
    if let Some(dir) = out {
        let document = leverage_document(&setup, &ranked, &base_long_run(&results), runs);
        let settings = serde_json::json!({
            "master_seed": p.run.seed, "runs": runs, "start_day": setup.start, "heroic_offering": setup.heroic_name,
        });
        write_leverage(&dir, &document, &table, &scenario, settings, None).map_err(Failure::from)?;
    }
    to_pyarrow(py, &table)
}

/// The HTML report of an output folder, as `esplab report` writes it: `(title, html)`.
#[pyfunction]
fn report_html(folder: std::path::PathBuf) -> PyResult<(String, String)> {
    let report = esplab_report::report(&folder).map_err(|e| Failure::Other(e.to_string()))?;
    Ok((report.title.clone(), report.html()))
}

/// Every standard lever pulled in each draw of `plan`'s design (its `[set]` and `set` apply), or,
/// when `plan` is a calibration folder, in `posterior_draws` draws from its posterior (on its
/// scenario.toml with `set`), each draw run in pairs on the same seeds, as
/// `esplab leverage SCENARIO --draws PLAN|FOLDER` writes:
/// returns (robust-leverage.csv: rank, lever, size, unit, median_effect, low_5, high_95,
/// seed_noise, spread_across_draws, probability_raises_by_0.01, share_of_draws_ranked_first;
/// leverage-draws.csv: draw, the factors, lever, effect, standard_error). With `shard = (i, n)`,
/// only shard `i` of `n` of the draws, numbered as in the whole; `robust_leverage` summarises
/// the joined draws tables of every shard into the unsharded robust table.
#[pyfunction]
#[pyo3(signature = (plan, *, runs=20, start_day=None, heroic=None, threads=0, set=None, posterior_draws=40, shard=None))]
#[allow(clippy::too_many_arguments)]
fn leverage_over_draws<'py>(
    py: Python<'py>,
    plan: &str,
    runs: u64,
    start_day: Option<u32>,
    heroic: Option<String>,
    threads: usize,
    set: Option<Bound<'py, PyDict>>,
    posterior_draws: usize,
    shard: Option<(u64, u64)>,
) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
    let overrides = overrides_from(set.as_ref(), "set")?;
    let folder = std::path::Path::new(plan);
    let (base, factors, points, draws) = if folder.is_dir() {
        let found = draws_from_posterior(folder, &overrides, posterior_draws).map_err(bad_setting)?;
        (
            found.scenario.parameters,
            found.posterior.keys,
            found.points,
            found.parameters,
        )
    } else {
        let plan = Plan::load(plan, &overrides).map_err(Failure::from)?;
        let points = plan.design_points();
        let draws: Vec<Parameters> = points.iter().map(|x| plan.parameters_for(x)).collect();
        let factors: Vec<String> = plan.factors.iter().map(|f| f.key.clone()).collect();
        (plan.scenario.parameters.clone(), factors, points, draws)
    };
    let slice = shard_rows(draws.len() as u64, shard).map_err(Failure::from)?;
    let slice = slice.start as usize..slice.end as usize;
    let (points, draws) = (&points[slice.clone()], &draws[slice.clone()]);
    let base = &base;
    let job = LeverDraws::new(base, draws, start_day, heroic.as_deref(), runs, base.run.seed).map_err(Failure::from)?;
    let by_arm = py.detach(|| -> Result<_, Failure> {
        let executor = Executor::new(threads);
        ensure_memory(job.setups.iter().flat_map(|s| s.arms.iter()), &executor, job.indices())?;
        Ok(job.run(&executor, &NO_STOP, || {})?)
    })?;
    let effects = job.effects(&by_arm);
    let robust = summarize(&effects);
    let levers = &job.setups[0].levers;
    Ok((
        to_pyarrow(py, &robust_table(levers, &robust))?,
        to_pyarrow(py, &draws_table(levers, &factors, slice.start, points, &effects))?,
    ))
}

/// The robust table of `leverage_over_draws` (rank, lever, size, unit, median_effect, ...) from
/// a draws table (columns draw, lever, effect, standard_error, as it returns): the summary of
/// the joined shards' draws tables is that of the unsharded call.
#[pyfunction]
fn robust_leverage(py: Python<'_>, draws: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let column = |name: &str| -> PyResult<Bound<'_, PyAny>> {
        draws
            .call_method1("column", (name,))
            .map_err(|_| {
                PyErr::from(bad_setting(format!(
                    "draws: no column {name:?} (give the draws table of leverage_over_draws)"
                )))
            })?
            .call_method0("to_pylist")
    };
    let numbers: Vec<u64> = column("draw")?.extract()?;
    let names: Vec<String> = column("lever")?.extract()?;
    let effects: Vec<f64> = column("effect")?.extract()?;
    let errors: Vec<f64> = column("standard_error")?.extract()?;
    let levers = standard_levers(0, "");
    let known: Vec<&str> = levers.iter().map(|l| l.name()).collect();
    let rows: Vec<(u64, &str, DrawEffect)> = numbers
        .iter()
        .zip(&names)
        .zip(effects.iter().zip(&errors))
        .map(|((&d, name), (&estimate, &standard_error))| {
            (
                d,
                name.as_str(),
                DrawEffect {
                    estimate,
                    standard_error,
                },
            )
        })
        .collect();
    // The levers present, in the standard order (every draw must hold each of them).
    let present: Vec<&Lever> = levers.iter().filter(|l| names.iter().any(|n| n == l.name())).collect();
    let order: Vec<&str> = present.iter().map(|l| l.name()).collect();
    if let Some(unknown) = names.iter().find(|n| !known.contains(&n.as_str())) {
        return Err(bad_setting(format!("draws: unknown lever {unknown:?}; known: {}", known.join(", "))).into());
    }
    let effects = pivot(&rows, &order).map_err(|e| PyErr::from(bad_setting(format!("draws: {e}"))))?;
    let present: Vec<Lever> = present.into_iter().cloned().collect();
    to_pyarrow(py, &robust_table(&present, &summarize(&effects)))
}

/// Calibrates `scenario` against the target file `targets` by ABC-SMC, as `esplab calibrate`
/// does: `only` keeps some of its statistics, `params` gives priors (`"KEY=uniform:LOW:HIGH"`;
/// default: the drivers of the targeted statistics), `holdout` a target file of figures to
/// predict, not fit. Runs use 10,000 users unless `users` is given. With `out`, writes the same
/// folder as the command line. Returns a dict: `summary` (what calibration.json holds: the
/// posterior, its predictive check and the held-out figures), `posterior` and `particles`
/// (the tables of posterior.csv and particles.csv).
#[pyfunction]
#[pyo3(signature = (
    scenario, targets, *, holdout=None, only=None, params=None, particles=200, generations=5,
    quantile=0.5, min_acceptance=0.02, max_simulations=20_000, replicates=5, predictive=100,
    users=None, years=None, seed=None, set=None, threads=0, out=None
))]
#[allow(clippy::too_many_arguments)]
fn calibrate<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyAny>,
    targets: &str,
    holdout: Option<&str>,
    only: Option<Vec<String>>,
    params: Option<Vec<String>>,
    particles: usize,
    generations: usize,
    quantile: f64,
    min_acceptance: f64,
    max_simulations: u64,
    replicates: u64,
    predictive: usize,
    users: Option<u64>,
    years: Option<f64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
    threads: usize,
    out: Option<std::path::PathBuf>,
) -> PyResult<Bound<'py, PyDict>> {
    let in_unit = |name: &str, x: f64| {
        if x > 0.0 && x < 1.0 {
            Ok(())
        } else {
            Err(bad_setting(format!("{name} {x}: out of range; allowed: (0, 1)")))
        }
    };
    in_unit("quantile", quantile)?;
    in_unit("min_acceptance", min_acceptance)?;
    if particles < 10 || replicates < 1 || predictive < 1 {
        return Err(bad_setting(format!(
            "particles {particles}, replicates {replicates}, predictive {predictive}: allowed: particles >= 10, \
             replicates >= 1, predictive >= 1"
        ))
        .into());
    }
    let mut target_set = TargetSet::load(targets).map_err(Failure::from)?;
    let only = only.unwrap_or_default();
    if let Some(missing) = only
        .iter()
        .find(|n| !target_set.targets.iter().any(|t| &&t.statistic == n))
    {
        let present: Vec<&str> = target_set.targets.iter().map(|t| t.statistic.as_str()).collect();
        return Err(bad_setting(format!(
            "only {missing}: {targets} has no such target; it has: {}",
            present.join(", ")
        ))
        .into());
    }
    if !only.is_empty() {
        target_set.targets.retain(|t| only.contains(&t.statistic));
    }
    let held = holdout.map(TargetSet::load).transpose().map_err(Failure::from)?;
    let default_users = [Override::option("calibrate default users", "run.users", DEFAULT_USERS)];
    let extra: &[Override] = if users.is_none() { &default_users } else { &[] };
    let scenario = load(scenario, &Options::new(users, years, seed, set.as_ref())?, extra)?;
    let (prior_texts, factors) =
        calibration_priors(&params.unwrap_or_default(), &target_set, &scenario).map_err(Failure::from)?;
    let job = CalibrationJob {
        base: scenario.parameters.clone(),
        factors: factors.clone(),
        set: set_numeric,
        targets: target_set.resolve(&scenario.parameters).map_err(Failure::from)?,
        held_out: match &held {
            Some(h) => h.resolve(&scenario.parameters).map_err(Failure::from)?,
            None => Vec::new(),
        },
        replicates,
        settings: CalibrationSettings {
            particles,
            generations,
            quantile,
            min_acceptance,
            max_simulations,
            seed: scenario.parameters.run.seed,
        },
        predictive_draws: predictive,
    };
    let result = py.detach(|| -> Result<_, Failure> {
        let executor = Executor::new(threads);
        ensure_memory([&job.largest()], &executor, particles as u64)?;
        job.run(&executor, &NO_STOP, |_| {}, || {}).map_err(|e| match e {
            CalibrationFailure::Interrupted => Failure::Interrupted,
            CalibrationFailure::NoGeneration => bad_setting(e),
        })
    })?;
    let calibrated = Calibrated {
        scenario: &scenario,
        targets: &target_set,
        holdout: held.as_ref(),
        factors: &factors,
        result: &result,
        job: &job,
    };
    if let Some(dir) = &out {
        write_calibrated(dir, &calibrated, &prior_texts)
            .map_err(|e| Failure::Other(format!("cannot write the results into {}: {e}", dir.display())))?;
    }
    let keys: Vec<String> = factors.iter().map(|f| f.key.clone()).collect();
    let statistics: Vec<String> = target_set.targets.iter().map(|t| t.label()).collect();
    let all: Vec<&Generation> = result.calibration.generations.iter().collect();
    let last: Vec<&Generation> = result.calibration.posterior().into_iter().collect();
    let dict = PyDict::new(py);
    let json = py.import("json")?;
    dict.set_item(
        "summary",
        json.call_method1("loads", (summary_json(&calibrated).to_string(),))?,
    )?;
    dict.set_item(
        "posterior",
        to_pyarrow(py, &particles_table(&last, &keys, &statistics))?,
    )?;
    dict.set_item("particles", to_pyarrow(py, &particles_table(&all, &keys, &statistics))?)?;
    Ok(dict)
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
    let plan = Plan::load(plan, &overrides).map_err(Failure::from)?;
    let points = plan.design_points();
    let design = plan.runs(&points);
    let rows = shard_rows(design.sweep_rows(), shard).map_err(Failure::from)?;
    let results = py.detach(|| -> Result<_, Failure> {
        let executor = Executor::new(threads);
        ensure_memory(design.largest().iter(), &executor, rows.end - rows.start)?;
        let indices: Vec<u64> = rows.collect();
        Ok(jobs::collect(
            &executor,
            &indices,
            &NO_STOP,
            |row| design.sweep_row(row),
            || {},
        )?)
    })?;
    let mut names: Vec<String> = INDEX_COLUMNS.iter().map(|s| s.to_string()).collect();
    names.extend(plan.factors.iter().map(|f| f.key.clone()));
    names.extend(plan.metrics.iter().cloned());
    let mut columns = vec![
        Column::Index(results.iter().map(|r| r.row).collect()),
        Column::Index(results.iter().map(|r| r.point as u64).collect()),
        Column::Index(results.iter().map(|r| r.replicate).collect()),
        Column::Index(results.iter().map(|r| r.seed).collect()),
    ];
    columns
        .extend((0..plan.factors.len()).map(|k| Column::Number(results.iter().map(|r| points[r.point][k]).collect())));
    for m in 0..plan.metrics.len() {
        columns.push(Column::Number(results.iter().map(|r| r.metrics[m]).collect()));
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
        return Err(bad_setting(format!("method {method:?}: allowed: {}", Method::NAMES.join(", "))).into());
    };
    let overrides = overrides_from(set.as_ref(), "set")?;
    let plan = Plan::load(plan, &overrides).map_err(Failure::from)?;
    let design = plan.sensitivity_design(method).map_err(Failure::from)?;
    let runs = plan.runs(&design.values);
    let outputs = py.detach(|| -> Result<_, Failure> {
        let executor = Executor::new(threads);
        ensure_memory(runs.largest().iter(), &executor, design.values.len() as u64)?;
        let rows: Vec<u64> = (0..design.values.len() as u64).collect();
        Ok(jobs::collect(
            &executor,
            &rows,
            &NO_STOP,
            |row| runs.replicate_means(row as usize),
            || {},
        )?)
    })?;
    let keys: Vec<String> = plan.factors.iter().map(|f| f.key.clone()).collect();
    let (d, n) = (plan.factors.len(), plan.points);
    let indices = sensitivity_indices(method, &design.unit, &outputs, (d, n), resamples, plan.seed);
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
        Some(dir) => read_run(&dir).map_err(Failure::from)?,
        None => {
            let options = Options::new(users, years, seed, set.as_ref())?;
            let p = load(source, &options, &[])?.parameters;
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

/// PRIM scenario discovery, as `esplab discover`: `source` is a sweep or `leverage --draws`
/// folder, or a dict with `factors` and `outcomes` (each a dict of name to list of floats, one
/// entry per point). Returns a dict: `discovery` (what discovery.json holds), `trajectory`,
/// `restrictions` and `points` (the tables of the CSV files).
#[pyfunction]
#[pyo3(signature = (source, condition, *, threshold=0.8, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05, step=None))]
#[allow(clippy::too_many_arguments)]
fn discover<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    condition: &str,
    threshold: f64,
    peel_alpha: f64,
    paste_alpha: f64,
    mass_min: f64,
    step: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let condition: Condition = condition.parse().map_err(bad_setting)?;
    let points = match source.extract::<String>() {
        Ok(folder) => read_points(std::path::Path::new(&folder)).map_err(bad_setting)?,
        Err(_) => {
            let dict = source
                .cast::<PyDict>()
                .map_err(|_| bad_setting("source: give a folder, or a dict with `factors` and `outcomes`"))?;
            let columns = |key: &str| -> PyResult<Vec<(String, Vec<f64>)>> {
                let inner = dict
                    .get_item(key)?
                    .ok_or_else(|| bad_setting(format!("source: no `{key}`")))?;
                let inner = inner
                    .cast::<PyDict>()
                    .map_err(|_| bad_setting(format!("source[{key:?}]: not a dict")))?;
                inner
                    .iter()
                    .map(|(k, v)| Ok((k.extract::<String>()?, v.extract::<Vec<f64>>()?)))
                    .collect()
            };
            let factors = columns("factors")?;
            let outcomes = columns("outcomes")?;
            Points {
                command: "python".into(),
                unit: "point",
                factors: factors.iter().map(|f| f.0.clone()).collect(),
                x: factors.into_iter().map(|f| f.1).collect(),
                outcomes: outcomes
                    .into_iter()
                    .map(|(name, values)| Outcome {
                        meaning: name.clone(),
                        name,
                        values,
                    })
                    .collect(),
                manifest_sha256: String::new(),
                scenario: String::new(),
            }
        }
    };
    let settings = PrimSettings {
        threshold,
        peel_alpha,
        paste_alpha,
        mass_min,
    };
    let found = py
        .detach(|| find(&points, &condition, &settings, step))
        .map_err(bad_setting)?;
    let out = PyDict::new(py);
    let json = py.import("json")?;
    out.set_item("discovery", json.call_method1("loads", (found.document.to_string(),))?)?;
    for (name, table) in ["trajectory", "restrictions", "points"].iter().zip(&found.tables) {
        out.set_item(name, to_pyarrow(py, table)?)?;
    }
    Ok(out)
}

/// Rows in a plan's design (points × replicates), for splitting a sweep into shards.
#[pyfunction]
#[pyo3(signature = (plan, *, set=None))]
fn sweep_rows(plan: &str, set: Option<Bound<'_, PyDict>>) -> PyResult<u64> {
    let overrides = overrides_from(set.as_ref(), "set")?;
    let plan = Plan::load(plan, &overrides).map_err(Failure::from)?;
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
    m.add_function(wrap_pyfunction!(leverage_over_draws, m)?)?;
    m.add_function(wrap_pyfunction!(robust_leverage, m)?)?;
    m.add_function(wrap_pyfunction!(discover, m)?)?;
    m.add_function(wrap_pyfunction!(calibrate, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_rows, m)?)?;
    m.add_function(wrap_pyfunction!(report_html, m)?)?;
    Ok(())
}
