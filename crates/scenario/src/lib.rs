//! esplab scenario files: the versioned TOML format (`schema = 1`), validation with precise
//! errors, `--set` overrides, the shipped presets and the generated JSON Schema.
//!
//! Every field is declared once in [`fields`]; reading, overriding, defaults, the schema and the
//! docs all follow from that registry.
//!
//! ```
//! use esplab_scenario::{Override, Scenario};
//! let s = Scenario::load("mcp", &[Override::parse("run.users=5000").unwrap()]).unwrap();
//! assert_eq!(s.parameters.run.users, 5000);
//! let err = Scenario::from_text("schema = 1\n[users]\nharm_fear = -1\n", "x.toml", &[]).unwrap_err();
//! assert_eq!(err.to_string(), "x.toml:3:13: users.harm_fear: value -1 is out of range; allowed: [0, 1000]");
//! ```

pub mod entries;
pub mod error;
pub mod fields;
pub mod observations;
pub mod plan;
pub mod presets;
pub mod priors;
pub mod readers;
pub mod reference;
pub mod scenario;
pub mod settings;
pub mod targets;
pub mod value;

pub use entries::Override;
pub use error::{Result, ScenarioError};
pub use scenario::{sha256_hex, Scenario, SCHEMA_VERSION};
pub use settings::{Settings, Spelling};
