//! Python arguments to esplab's: values to the TOML text of overrides, keyword settings to
//! [`Settings`], a scenario given as a preset, path, text or dict; tables to `pyarrow.Table`.

use crate::bridge::{settings as bad_setting, ScenarioWarning};
use arrow::pyarrow::ToPyArrow;
use esplab_commands::{Named, Source};
use esplab_output::table::Table;
use esplab_scenario::{Override, Settings, Spelling};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};

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
        Err(bad_setting(format!(
            "set {key}: expected a number, boolean or string, found {}",
            value.get_type().name()?
        ))
        .into())
    }
}

/// Overrides from a dict of `key: value`, labelled `label key=value` in errors.
pub fn overrides_from(dict: Option<&Bound<PyDict>>, label: &str) -> PyResult<Vec<Override>> {
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

/// The keyword settings every function takes.
pub struct Options(Settings);

impl Options {
    pub fn new(
        users: Option<u64>,
        years: Option<f64>,
        seed: Option<u64>,
        set: Option<&Bound<PyDict>>,
    ) -> PyResult<Self> {
        Ok(Self(Settings {
            set: overrides_from(set, "set")?,
            seed,
            users,
            years,
        }))
    }

    /// The overrides, for a request that takes them without a scenario (`fit`, `backtest`).
    pub fn overrides(&self) -> Vec<Override> {
        self.0.overrides(Spelling::Python)
    }
}

/// A scenario given as a preset name, a TOML path, TOML text, or a dict of overrides of the
/// defaults, with the keyword settings: the source of a command's request.
pub fn source(scenario: &Bound<PyAny>, options: &Options) -> PyResult<Source> {
    let mut overrides = Vec::new();
    let named = if let Ok(dict) = scenario.cast::<PyDict>() {
        overrides.extend(overrides_from(Some(dict), "scenario")?);
        Named::Text("schema = 1\n".into())
    } else {
        let s: String = scenario
            .extract()
            .map_err(|_| bad_setting("scenario: expected a preset name, a TOML path, TOML text or a dict"))?;
        if s.contains('\n') || (s.contains('=') && !std::path::Path::new(&s).is_file()) {
            Named::Text(s)
        } else {
            Named::Name(s)
        }
    };
    overrides.extend(options.0.overrides(Spelling::Python));
    let source = Source {
        scenario: named,
        overrides,
    };
    warn(scenario.py(), &source)?;
    Ok(source)
}

/// Issues the scenario's warnings (an override of a key no mechanism of it reads, an
/// intervention after the horizon) as `esplab.ScenarioWarning`s, which Python's warning filters
/// can turn into errors: `warnings.simplefilter("error", esplab.ScenarioWarning)` is the CLI's
/// `--strict`. A scenario that does not load says nothing here: the command reports why.
fn warn(py: Python<'_>, source: &Source) -> PyResult<()> {
    let Ok(scenario) = source.load(&[]) else {
        return Ok(());
    };
    for warning in &scenario.warnings {
        let category = py.get_type::<ScenarioWarning>();
        let message = std::ffi::CString::new(warning.as_str()).unwrap_or_default();
        PyErr::warn(py, &category, &message, 2)?;
    }
    Ok(())
}

/// A table as a `pyarrow.Table`.
pub fn to_pyarrow(py: Python<'_>, table: &Table) -> PyResult<Py<PyAny>> {
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
