//! One report builder per kind of output folder.

pub mod calibration;
pub mod comparison;
pub mod design;
pub mod discovery;
pub mod doses;
pub mod ensemble;
pub mod forecasting;
pub mod run;
