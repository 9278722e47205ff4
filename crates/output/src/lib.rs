//! esplab outputs: run folders with time series (CSV and Parquet), per-offering series, the
//! event log, the summary and a manifest with checksums. Files appear whole or not at all.

pub mod atomic;
pub mod error;
pub mod manifest;
pub mod run_folder;
pub mod table;

pub use error::{OutputError, Result};
pub use run_folder::{RunFolder, TIMESERIES_COLUMNS};
