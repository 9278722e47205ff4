//! esplab outputs: run folders (time series in CSV and Parquet, offerings, events, summary),
//! ensemble folders (runs and bands), comparison and leverage files, and manifests with
//! checksums. Files appear whole or not at all.

pub mod analysis_files;
pub mod atomic;
pub mod calibration_files;
pub mod comparison_files;
pub mod discovery_files;
pub mod dose_files;
pub mod ensemble_folder;
pub mod error;
pub mod format;
pub mod journal;
pub mod manifest;
pub mod read_back;
pub mod robust_files;
pub mod run_folder;
pub mod sensitivity_files;
pub mod shards;
pub mod sweep_folder;
pub mod table;

pub use ensemble_folder::EnsembleFolder;
pub use error::{OutputError, Result};
pub use run_folder::{timeseries_columns, RunFolder};
