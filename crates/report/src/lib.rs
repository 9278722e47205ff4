//! esplab reports: one self-contained HTML page per output folder, with SVG charts that fit the
//! folder's kind (run, ensemble, compare, leverage, sweep, sensitivity, calibrate, fit, forecast,
//! backtest; a run's
//! `analysis.json` is included when present).
//!
//! The kind is read from the folder's `manifest.json`; every figure is also available as a
//! standalone SVG document.

pub mod error;
pub mod kinds;
pub mod page;
pub mod png;
pub mod read;
pub mod svg;

pub use error::{ReportError, Result};
pub use page::{Figure, Report};
use std::path::Path;

/// The kinds of folder a report can be made of (the `command` of their manifest).
pub const KINDS: [&str; 12] = [
    "run",
    "ensemble",
    "compare",
    "leverage",
    "sweep",
    "sensitivity",
    "calibrate",
    "merge",
    "discover",
    "fit",
    "forecast",
    "backtest",
];

/// The report of output folder `dir`.
pub fn report(dir: &Path) -> Result<Report> {
    let manifest_path = dir.join("manifest.json");
    if !manifest_path.is_file() {
        return Err(ReportError::Invalid {
            path: dir.display().to_string(),
            reason: "not an esplab output folder, or an incomplete one: it has no manifest.json".into(),
        });
    }
    let manifest = read::json(dir, "manifest.json")?;
    let command = read::text(&manifest, "/command");
    match command.as_str() {
        "run" => kinds::run::report(dir, &manifest),
        "ensemble" => kinds::ensemble::report(dir, &manifest),
        "compare" => kinds::comparison::compare(dir, &manifest),
        "leverage" if dir.join("robust-leverage.json").is_file() => kinds::comparison::robust_leverage(dir, &manifest),
        "leverage" if dir.join("doses.json").is_file() => kinds::doses::report(dir, &manifest),
        "leverage" => kinds::comparison::leverage(dir, &manifest),
        "sweep" | "merge" => kinds::design::sweep(dir, &manifest),
        "sensitivity" => kinds::design::sensitivity(dir, &manifest),
        "calibrate" => kinds::calibration::report(dir, &manifest),
        "discover" => kinds::discovery::report(dir, &manifest),
        "fit" => kinds::forecasting::fit(dir, &manifest),
        "forecast" => kinds::forecasting::forecast(dir, &manifest),
        "backtest" => kinds::forecasting::backtest(dir, &manifest),
        other => Err(ReportError::Invalid {
            path: manifest_path.display().to_string(),
            reason: format!(
                "command {other:?} has no report; reports exist for: {}",
                KINDS.join(", ")
            ),
        }),
    }
}
