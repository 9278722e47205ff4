//! esplab experiments: from seeds to runs, and from runs to answers with uncertainty.
//!
//! Every run is a pure function of (parameters, master seed, run index) ([`run::simulate`]);
//! the [`executor::Executor`] runs them on a fixed thread pool and hands results over in index
//! order, a bounded batch at a time, so outputs never depend on the number of threads.

pub mod analysis;
pub mod calibration;
pub mod compare;
pub mod design;
pub mod design_runs;
pub mod discovery;
pub mod doses;
pub mod executor;
pub mod facts;
pub mod forecast;
pub mod interruption;
pub mod leverage;
pub mod levers;
pub mod mechanics;
pub mod observed;
pub mod robust;
pub mod run;
pub mod seeds;
pub mod sensitivity;
pub mod statistics;

pub use executor::{Executor, Interrupted, Stopped};
pub use run::{band_series, metric_names, simulate, RunOutcome};
pub use seeds::run_seed;
