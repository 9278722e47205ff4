//! Calibration: fitting parameters to statistics of real incident history by approximate
//! Bayesian computation, and summarising the posterior.

pub mod job;
pub mod posterior;
pub mod replicates;
pub mod smc;
pub mod statistics;
pub mod target;

pub use job::{CalibrationFailure, CalibrationJob, CalibrationResult, DEFAULT_USERS, MAX_REPLICATES};
pub use replicates::{median_of_defined, replicate_medians, Tolerance};
pub use smc::{calibrate, Calibration, Ending, Generation, Particle, Progress, Settings};
pub use statistics::{run_measures, run_statistics, statistic_index, statistic_names, Statistic, SHARE, STATISTICS};
pub use target::{Measure, Target};
