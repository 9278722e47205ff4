//! One module per command. Each imports only `crate::options` and `crate::shared` (leaves), so
//! no module of the command imports one that imports it back; `main` dispatches.

pub mod analyze;
pub mod calibrate;
pub mod check;
pub mod compare;
pub mod discover;
pub mod ensemble;
pub mod forecasting;
pub mod leverage;
pub mod merge;
pub mod report;
pub mod robust_leverage;
pub mod run;
pub mod scenarios;
pub mod sensitivity;
pub mod serve;
pub mod story;
pub mod sweep;
pub mod validate;
pub mod verify;
