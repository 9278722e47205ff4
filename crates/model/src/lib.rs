//! The esplab model: how the market of human behaviour sets a technology's security baseline.
//!
//! A population of users on a social graph adopts, keeps, switches or abandons competing
//! offerings by weighing perceived value (capability × excitement, taxed by security, grown by
//! reliance) against perceived risk (sensitivity × personal and public fear). Incidents arrive
//! where users are, harm users and, when salient, make the news. Vendors either follow the
//! reactive ESP rule (erode security while security churn stays under their tolerance, raise it
//! when it does not) or weigh revenue, the cost of security, remembered churn and losses, and
//! rivals ([`economics`]); a regulator follows sustained outcry with a lag.
//!
//! The crate is pure: no files, environment, clock, threads, printing or serde. It takes typed
//! [`Parameters`] and reports through an [`Observer`]. All randomness comes from named
//! Xoshiro256++ streams derived from the run's seed ([`random`]).
//!
//! ```
//! use esplab_model::{run, Parameters, Recorder};
//! let mut parameters = Parameters::default();
//! parameters.run.users = 2_000;
//! parameters.run.years = 1.0;
//! let mut recorder = Recorder::default();
//! run(&parameters, &mut recorder);
//! assert_eq!(recorder.days.len(), 365);
//! assert!(recorder.summary.final_baseline > 0.0);
//! ```

pub mod attention;
pub mod calendar;
pub mod dates;
pub mod economics;
pub mod events;
pub mod footprint;
pub mod incidents;
pub mod market;
pub mod network;
pub mod observer;
pub mod parallel;
pub mod parameters;
pub mod population;
pub mod prefetch;
pub mod random;
pub mod regulator;
pub mod risk_index;
pub mod simulation;
pub mod standard;
pub mod vendors;

pub use dates::StartDate;
pub use events::{Cell, Detail, Event, EventKind, RaiseReason, Started, DETAIL_COLUMNS};
pub use observer::{DayRecord, Flows, Observer, OfferingDay, Recorder, Summary, JUMP_THRESHOLD, OUTCOME_DAYS};
pub use parameters::*;
pub use simulation::{run, Simulation, UserLook, MAX_OFFERINGS};
