//! esplab for Python (`import esplab`): the commands of the command line, returning
//! `pyarrow.Table`s through the Arrow C data interface. The GIL is released while simulating.
//! Each command is `esplab_commands`' request, prepared and run as the command line runs it;
//! this crate turns keywords into requests and outcomes into tables ([`convert`]), and errors
//! into exceptions ([`bridge`]).

mod bridge;
mod convert;
mod interrupt;

use bridge::{settings as bad_setting, Failure, ScenarioError};
use convert::{overrides_from, source, to_pyarrow, Options};
use esplab_commands::analyze::{self as analysis, Subject};
use esplab_commands::discover::{PointOutcome, Points, PointsFrom};
use esplab_commands::plan_source::PlanSource;
use esplab_commands::threads::executor;
use esplab_commands::{backtest as backtesting, fit as fitting, forecast as forecasting};
use esplab_commands::{calibrate as calibration, compare as comparison, ensemble as runs, leverage as levers};
use esplab_commands::{leverage_draws, run as single, sensitivity as indices, sweep as rows};
use esplab_commands::{CommandError, Destination, Finished, Silent};
use esplab_scenario::plan::Plan;
use esplab_scenario::{presets, Spelling};
use interrupt::interruptible;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;

/// A command's error as a Python exception.
fn fail(e: CommandError) -> PyErr {
    Failure::from(e).into()
}

/// The folder `out` with `force` and `resume`; `None` without `out`.
fn destination(out: Option<PathBuf>, force: bool, resume: bool) -> PyResult<Option<Destination>> {
    match out {
        Some(out) => Ok(Some(Destination {
            out: Some(out),
            force,
            resume,
            keep: Vec::new(),
        })),
        None if force || resume => Err(bad_setting("force and resume need out: give the folder").into()),
        None => Ok(None),
    }
}

/// A table the folder `dir` holds complete already (resuming found it finished).
fn read_table(py: Python<'_>, dir: &std::path::Path, name: &str) -> PyResult<Py<PyAny>> {
    let parquet = py.import("pyarrow.parquet")?;
    Ok(parquet
        .call_method1("read_table", (dir.join(name).to_string_lossy().to_string(),))?
        .unbind())
}

/// The shipped presets: (name, description) pairs.
#[pyfunction]
fn scenarios() -> Vec<(String, String)> {
    presets::list().into_iter().map(|(n, d)| (n.to_string(), d)).collect()
}

/// One run: a table of one row per day (day and every daily series), as `esplab run` writes
/// to timeseries.csv. `threads` share the run's per-user work (0: one per core); the table
/// does not depend on it.
#[pyfunction]
#[pyo3(signature = (scenario, *, threads=0, users=None, years=None, seed=None, set=None))]
fn run<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyAny>,
    threads: usize,
    users: Option<u64>,
    years: Option<f64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let request = single::Request {
        source: source(scenario, &Options::new(users, years, seed, set.as_ref())?)?,
        destination: None,
    };
    let executor = executor(threads).map_err(fail)?;
    let prepared = request.prepare(Spelling::Python).map_err(fail)?;
    let outcome = interruptible(py, |stop| prepared.run(&executor, &Silent, stop))?;
    to_pyarrow(py, &outcome.table.unwrap_or_default())
}

/// Replicates across seeds: one row per run (run, seed, every metric), as `esplab ensemble`
/// writes to runs.csv. `start` is the index of the first run (runs `start..start + runs`), so
/// an ensemble can be split across workers. With `out`, the folder `esplab ensemble --out`
/// writes is written there, its runs journaled as they finish: `resume=True` finishes an
/// interrupted one, `force=True` replaces what the folder held.
#[pyfunction]
#[pyo3(signature = (scenario, *, runs=100, start=0, threads=0, users=None, years=None, seed=None, set=None, out=None, force=false, resume=false))]
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
    out: Option<PathBuf>,
    force: bool,
    resume: bool,
) -> PyResult<Py<PyAny>> {
    let request = runs::Request {
        source: source(scenario, &Options::new(users, years, seed, set.as_ref())?)?,
        runs,
        start,
        destination: destination(out, force, resume)?,
    };
    let executor = executor(threads).map_err(fail)?;
    let prepared = request.prepare(&executor, Spelling::Python).map_err(fail)?;
    match interruptible(py, |stop| prepared.run(&executor, &Silent, stop))? {
        Finished::Done(outcome) => to_pyarrow(py, &outcome.table),
        Finished::AlreadyComplete { dir, .. } => read_table(py, &dir, "runs.parquet"),
    }
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
    let request = comparison::Request {
        base: source(base, &options)?,
        variant: variant.map(|v| source(v, &options)).transpose()?.map(|s| s.scenario),
        vary: overrides_from(vary.as_ref(), "vary")?,
        runs,
        destination: None,
    };
    let executor = executor(threads).map_err(fail)?;
    let prepared = request.prepare(&executor, Spelling::Python).map_err(fail)?;
    match interruptible(py, |stop| prepared.run(&executor, &Silent, stop))? {
        Finished::Done(outcome) => to_pyarrow(py, &outcome.table),
        Finished::AlreadyComplete { .. } => unreachable!("a comparison in memory is never complete before it runs"),
    }
}

/// The standard levers ranked by their paired effect on the long-run baseline (95% intervals),
/// as `esplab leverage` writes to leverage.csv: rank, lever, size, unit, effect, low, high,
/// effect_per_unit, the mechanical, vendors' and shares' parts of the effect with their
/// intervals (they add up to it), adoption_effect, loss_effect, verdict. `heroic` names the
/// heroic vendor's offering (default: the minority offering on the start day of the base's
/// first run); `levers` pulls only those named. With `doses=True`, each lever is pulled at five
/// or more intensities with the ends of its real range, as `esplab leverage --doses` writes to
/// doses.csv: lever, dose, unit, in_real_range, effect, low, high, the three parts,
/// adoption_effect, loss_effect, verdict. With `out`, the folder the CLI writes is written there
/// too (for `esplab.report(out)`), its paired runs journaled as they finish: `resume=True`
/// finishes an interrupted one, `force=True` replaces what the folder held.
#[pyfunction]
#[pyo3(signature = (scenario, *, runs=100, start_day=None, heroic=None, levers=None, doses=false, threads=0, users=None, years=None, seed=None, set=None, out=None, force=false, resume=false))]
#[allow(clippy::too_many_arguments)]
fn leverage<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyAny>,
    runs: u64,
    start_day: Option<u32>,
    heroic: Option<String>,
    levers: Option<Vec<String>>,
    doses: bool,
    threads: usize,
    users: Option<u64>,
    years: Option<f64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
    out: Option<PathBuf>,
    force: bool,
    resume: bool,
) -> PyResult<Py<PyAny>> {
    let request = levers::Request {
        source: source(scenario, &Options::new(users, years, seed, set.as_ref())?)?,
        runs,
        start_day,
        heroic,
        levers: levers.unwrap_or_default(),
        doses,
        destination: destination(out, force, resume)?,
    };
    let executor = executor(threads).map_err(fail)?;
    let prepared = request.prepare(&executor, Spelling::Python).map_err(fail)?;
    match interruptible(py, |stop| prepared.run(&executor, &Silent, stop))? {
        Finished::Done(outcome) => to_pyarrow(py, &outcome.table),
        Finished::AlreadyComplete { dir, .. } => {
            let csv = py.import("pyarrow.csv")?;
            let file = if doses { "doses.csv" } else { "leverage.csv" };
            Ok(csv
                .call_method1("read_csv", (dir.join(file).to_string_lossy().to_string(),))?
                .unbind())
        }
    }
}

/// The HTML report of an output folder, as `esplab report` writes it: `(title, html)`.
#[pyfunction]
fn report_html(folder: PathBuf) -> PyResult<(String, String)> {
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
    posterior_draws: u64,
    shard: Option<(u64, u64)>,
) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
    let request = leverage_draws::Request {
        scenario: None,
        draws: plan.to_string(),
        overrides: overrides_from(set.as_ref(), "set")?,
        posterior_draws,
        runs,
        start_day,
        heroic,
        shard,
        destination: None,
    };
    let executor = executor(threads).map_err(fail)?;
    let prepared = request.prepare(&executor, Spelling::Python).map_err(fail)?;
    match interruptible(py, |stop| prepared.run(&executor, &Silent, stop))? {
        Finished::Done(outcome) => Ok((to_pyarrow(py, &outcome.tables.0)?, to_pyarrow(py, &outcome.tables.1)?)),
        Finished::AlreadyComplete { .. } => unreachable!("leverage in memory is never complete before it runs"),
    }
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
    let rows: Vec<(u64, String, f64, f64)> = numbers
        .into_iter()
        .zip(names)
        .zip(effects.into_iter().zip(errors))
        .map(|((d, name), (effect, error))| (d, name, effect, error))
        .collect();
    to_pyarrow(py, &leverage_draws::summarize_rows(&rows).map_err(fail)?)
}

/// Calibrates `scenario` against the target file `targets` by ABC-SMC, as `esplab calibrate`
/// does: `only` keeps some of its statistics, `params` gives priors (`"KEY=uniform:LOW:HIGH"`;
/// default: the drivers of the targeted statistics), `holdout` a target file of figures to
/// predict, not fit. Runs use 10,000 users unless `users` is given. With `out`, writes the same
/// folder as the command line (`force=True` replaces what the folder held). Returns a dict: `summary` (what calibration.json holds: the
/// posterior, its predictive check and the held-out figures), `posterior` and `particles`
/// (the tables of posterior.csv and particles.csv).
#[pyfunction]
#[pyo3(signature = (
    scenario, targets, *, holdout=None, only=None, params=None, particles=200, generations=5,
    quantile=0.5, min_acceptance=0.02, max_simulations=20_000, replicates=5, predictive=100,
    users=None, years=None, seed=None, set=None, threads=0, out=None, force=false
))]
#[allow(clippy::too_many_arguments)]
fn calibrate<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyAny>,
    targets: &str,
    holdout: Option<&str>,
    only: Option<Vec<String>>,
    params: Option<Vec<String>>,
    particles: u64,
    generations: u64,
    quantile: f64,
    min_acceptance: f64,
    max_simulations: u64,
    replicates: u64,
    predictive: u64,
    users: Option<u64>,
    years: Option<f64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
    threads: usize,
    out: Option<std::path::PathBuf>,
    force: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let request = calibration::Request {
        source: source(scenario, &Options::new(users, years, seed, set.as_ref())?)?,
        targets: targets.to_string(),
        only: only.unwrap_or_default(),
        holdout: holdout.map(str::to_string),
        params: params.unwrap_or_default(),
        sampler: calibration::Sampler {
            particles,
            generations,
            quantile,
            min_acceptance,
            max_simulations,
            replicates,
            predictive,
        },
        destination: destination(out, force, false)?,
    };
    let executor = executor(threads).map_err(fail)?;
    let prepared = request.prepare(&executor, Spelling::Python).map_err(fail)?;
    let outcome = interruptible(py, |stop| prepared.run(&executor, &Silent, stop))?;
    let (posterior, particles) = outcome.particles();
    let dict = PyDict::new(py);
    let json = py.import("json")?;
    dict.set_item("summary", json.call_method1("loads", (outcome.summary().to_string(),))?)?;
    dict.set_item("posterior", to_pyarrow(py, &posterior)?)?;
    dict.set_item("particles", to_pyarrow(py, &particles)?)?;
    Ok(dict)
}

/// A sampler's keywords as the request takes them.
fn sampler(
    particles: u64,
    generations: u64,
    quantile: f64,
    min_acceptance: f64,
    max_simulations: u64,
    replicates: u64,
    predictive: u64,
) -> calibration::Sampler {
    calibration::Sampler {
        particles,
        generations,
        quantile,
        min_acceptance,
        max_simulations,
        replicates,
        predictive,
    }
}

/// A JSON value as a Python object.
fn python_json<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (value.to_string(),))
}

/// Fits a scenario to one series of a series file (`esplab fit`): `series` the file's path,
/// `series_id` the series, `events` an events file, `as_of` the last date seen (default: the
/// last point), `base` a preset or scenario file (default: the series' own), `offering` the
/// offering it measured or `"market"`, `params` priors (default: the preset's). With `out`,
/// writes the folder `forecast` takes. Returns a dict: `summary` (fit.json), `posterior`,
/// `observations` and `paths` (the fitted fan).
#[pyfunction]
#[pyo3(signature = (
    series, series_id, *, events=None, as_of=None, base=None, offering=None, params=None,
    keep_scheduled=false, particles=100, generations=4, quantile=0.5, min_acceptance=0.02,
    max_simulations=3000, replicates=1, predictive=50, draws=200, users=None, seed=None, set=None,
    threads=0, out=None, force=false
))]
#[allow(clippy::too_many_arguments)]
fn fit<'py>(
    py: Python<'py>,
    series: &str,
    series_id: &str,
    events: Option<String>,
    as_of: Option<String>,
    base: Option<String>,
    offering: Option<String>,
    params: Option<Vec<String>>,
    keep_scheduled: bool,
    particles: u64,
    generations: u64,
    quantile: f64,
    min_acceptance: f64,
    max_simulations: u64,
    replicates: u64,
    predictive: u64,
    draws: u64,
    users: Option<u64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
    threads: usize,
    out: Option<PathBuf>,
    force: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let request = fitting::Request {
        series: series.to_string(),
        events,
        series_id: series_id.to_string(),
        as_of,
        base,
        offering,
        overrides: Options::new(users, None, seed, set.as_ref())?.overrides(),
        params: params.unwrap_or_default(),
        keep_scheduled,
        sampler: sampler(
            particles,
            generations,
            quantile,
            min_acceptance,
            max_simulations,
            replicates,
            predictive,
        ),
        draws,
        destination: destination(out, force, false)?,
    };
    let executor = executor(threads).map_err(fail)?;
    let prepared = request.prepare(&executor, Spelling::Python).map_err(fail)?;
    let outcome = interruptible(py, |stop| prepared.run(&executor, &Silent, stop))?;
    let dict = PyDict::new(py);
    dict.set_item("summary", python_json(py, &outcome.summary())?)?;
    dict.set_item("posterior", to_pyarrow(py, &outcome.posterior())?)?;
    dict.set_item("observations", to_pyarrow(py, &outcome.observations())?)?;
    dict.set_item("paths", to_pyarrow(py, &outcome.paths())?)?;
    Ok(dict)
}

/// Runs the posterior of the fit folder `fit` (written by `fit(..., out=...)`) past its as-of
/// date (`esplab forecast`): `horizon` like `"24mo"`, `"2y"` or `"90d"`. Returns a dict:
/// `summary` (forecast.json), `fan` (the share's 5/25/50/75/95% every seventh day) and
/// `chances` (a jump, a regulation, a revision, a mega-incident, with Wilson intervals).
#[pyfunction]
#[pyo3(signature = (
    fit, *, horizon="24mo", draws=200, jump=0.05, mega_records=1e8, threads=0, out=None, force=false
))]
#[allow(clippy::too_many_arguments)]
fn forecast<'py>(
    py: Python<'py>,
    fit: PathBuf,
    horizon: &str,
    draws: u64,
    jump: f64,
    mega_records: f64,
    threads: usize,
    out: Option<PathBuf>,
    force: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let request = forecasting::Request {
        fit,
        horizon: horizon.to_string(),
        draws,
        jump,
        mega_records,
        destination: destination(out, force, false)?,
    };
    let executor = executor(threads).map_err(fail)?;
    let prepared = request.prepare(&executor, Spelling::Python).map_err(fail)?;
    let outcome = interruptible(py, |stop| prepared.run(&executor, &Silent, stop))?;
    let dict = PyDict::new(py);
    dict.set_item("summary", python_json(py, &outcome.summary())?)?;
    dict.set_item("fan", to_pyarrow(py, &outcome.fan())?)?;
    dict.set_item("chances", to_pyarrow(py, &outcome.chances_table())?)?;
    Ok(dict)
}

/// Scores forecasts of one series made at `as_of` dates (default: up to four of its own)
/// against its later points within `horizon`, beside persistence, a logit trend and random
/// timing (`esplab backtest`). Returns a dict: `summary` (backtest.json), `scores` (one row per
/// as-of date and method) and `points` (one per scored point).
#[pyfunction]
#[pyo3(signature = (
    series, series_id, *, events=None, as_of=None, horizon="12mo", base=None, offering=None,
    params=None, keep_scheduled=false, particles=100, generations=4, quantile=0.5,
    min_acceptance=0.02, max_simulations=3000, replicates=1, predictive=50, draws=200, jump=0.05,
    users=None, seed=None, set=None, threads=0, out=None, force=false
))]
#[allow(clippy::too_many_arguments)]
fn backtest<'py>(
    py: Python<'py>,
    series: &str,
    series_id: &str,
    events: Option<String>,
    as_of: Option<Vec<String>>,
    horizon: &str,
    base: Option<String>,
    offering: Option<String>,
    params: Option<Vec<String>>,
    keep_scheduled: bool,
    particles: u64,
    generations: u64,
    quantile: f64,
    min_acceptance: f64,
    max_simulations: u64,
    replicates: u64,
    predictive: u64,
    draws: u64,
    jump: f64,
    users: Option<u64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
    threads: usize,
    out: Option<PathBuf>,
    force: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let request = backtesting::Request {
        series: series.to_string(),
        events,
        series_id: series_id.to_string(),
        as_of: as_of.unwrap_or_default(),
        horizon: horizon.to_string(),
        base,
        offering,
        overrides: Options::new(users, None, seed, set.as_ref())?.overrides(),
        params: params.unwrap_or_default(),
        keep_scheduled,
        sampler: sampler(
            particles,
            generations,
            quantile,
            min_acceptance,
            max_simulations,
            replicates,
            predictive,
        ),
        draws,
        jump,
        destination: destination(out, force, false)?,
    };
    let executor = executor(threads).map_err(fail)?;
    let prepared = request.prepare(&executor, Spelling::Python).map_err(fail)?;
    let outcome = interruptible(py, |stop| prepared.run(&executor, &Silent, stop))?;
    let dict = PyDict::new(py);
    dict.set_item("summary", python_json(py, &outcome.summary())?)?;
    dict.set_item("scores", to_pyarrow(py, &outcome.scores())?)?;
    dict.set_item("points", to_pyarrow(py, &outcome.points())?)?;
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
    let request = rows::Request {
        plan: PlanSource {
            path: plan.to_string(),
            overrides: overrides_from(set.as_ref(), "set")?,
            seed: None,
        },
        shard,
        destination: None,
    };
    let executor = executor(threads).map_err(fail)?;
    let prepared = request.prepare(&executor, Spelling::Python).map_err(fail)?;
    match interruptible(py, |stop| prepared.run(&executor, &Silent, stop))? {
        Finished::Done(outcome) => to_pyarrow(py, &outcome.table.unwrap_or_default()),
        Finished::AlreadyComplete { .. } => unreachable!("a sweep in memory is never complete before it runs"),
    }
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
    resamples: u64,
    threads: usize,
    set: Option<Bound<'py, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let request = indices::Request {
        plan: PlanSource {
            path: plan.to_string(),
            overrides: overrides_from(set.as_ref(), "set")?,
            seed: None,
        },
        method: method.to_string(),
        resamples,
        destination: None,
    };
    let executor = executor(threads).map_err(fail)?;
    let prepared = request.prepare(&executor, Spelling::Python).map_err(fail)?;
    let outcome = interruptible(py, |stop| prepared.run(&executor, &Silent, stop))?;
    to_pyarrow(py, &outcome.table)
}

/// Punctuation analysis (as `esplab analyze`): `source` is a run folder, an ensemble folder, or
/// a scenario to run first. Of a run, returns a dict: `jumps` (a table: day, size, cause, lag
/// from the first link in days, chain of events), `segments` (a table of the equilibria between
/// change points) and `analysis` (everything `analysis.json` holds); of an ensemble folder (its
/// runs re-simulated and analysed; analysis.json is written into it), `analysis` only.
#[pyfunction]
#[pyo3(signature = (source, *, users=None, years=None, seed=None, set=None, threads=0))]
#[allow(clippy::too_many_arguments)]
fn analyze<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    users: Option<u64>,
    years: Option<f64>,
    seed: Option<u64>,
    set: Option<Bound<'py, PyDict>>,
    threads: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let folder = source
        .extract::<String>()
        .ok()
        .map(PathBuf::from)
        .filter(|p| p.is_dir());
    let subject = match folder {
        Some(dir) => Subject::Folder { dir, write: false },
        None => Subject::Scenario(convert::source(
            source,
            &Options::new(users, years, seed, set.as_ref())?,
        )?),
    };
    let executor = executor(threads).map_err(fail)?;
    let outcome = interruptible(py, |stop| {
        analysis::run(subject, &executor, Spelling::Python, &Silent, stop)
    })?;
    let out = PyDict::new(py);
    let json = py.import("json")?;
    let document = match outcome {
        analysis::Outcome::Run { analysis: a, .. } => {
            out.set_item("jumps", to_pyarrow(py, &analysis::jumps_table(&a))?)?;
            out.set_item("segments", to_pyarrow(py, &analysis::segments_table(&a))?)?;
            analysis::document(&a)
        }
        analysis::Outcome::Ensemble(e) => e.document,
    };
    out.set_item("analysis", json.call_method1("loads", (document.to_string(),))?)?;
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
    let points = match source.extract::<String>() {
        Ok(folder) => PointsFrom::Folder(PathBuf::from(folder)),
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
            PointsFrom::Given(Points {
                command: "python".into(),
                unit: "point",
                factors: factors.iter().map(|f| f.0.clone()).collect(),
                x: factors.into_iter().map(|f| f.1).collect(),
                outcomes: outcomes
                    .into_iter()
                    .map(|(name, values)| PointOutcome {
                        meaning: name.clone(),
                        name,
                        values,
                    })
                    .collect(),
                manifest_sha256: String::new(),
                scenario: String::new(),
            })
        }
    };
    let request = esplab_commands::discover::Request {
        points,
        condition: condition.to_string(),
        threshold,
        peel_alpha,
        paste_alpha,
        mass_min,
        step,
        destination: None,
    };
    let found = py.detach(|| request.run()).map_err(fail)?.discovery;
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
    m.add("ScenarioWarning", m.py().get_type::<bridge::ScenarioWarning>())?;
    m.add_function(wrap_pyfunction!(scenarios, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(ensemble, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(leverage, m)?)?;
    m.add_function(wrap_pyfunction!(leverage_over_draws, m)?)?;
    m.add_function(wrap_pyfunction!(robust_leverage, m)?)?;
    m.add_function(wrap_pyfunction!(discover, m)?)?;
    m.add_function(wrap_pyfunction!(calibrate, m)?)?;
    m.add_function(wrap_pyfunction!(fit, m)?)?;
    m.add_function(wrap_pyfunction!(forecast, m)?)?;
    m.add_function(wrap_pyfunction!(backtest, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_rows, m)?)?;
    m.add_function(wrap_pyfunction!(report_html, m)?)?;
    Ok(())
}
