//! Where a command's scenario comes from: a preset or a TOML path, or TOML text (Python takes a
//! dict of settings as the defaults' text with overrides), with the front end's overrides.

use crate::error::CommandError;
use esplab_scenario::{Override, Scenario};

/// The scenario as the caller named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// A preset's name or a TOML file's path.
    Name(String),
    /// The text of a scenario file.
    Text(String),
}

/// A scenario and the overrides that apply to it, in order (the caller's `set`, then seed,
/// users and years, spelled as the caller takes them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub scenario: Named,
    pub overrides: Vec<Override>,
}

impl Source {
    /// The preset or file `name` with `overrides`.
    pub fn named(name: impl Into<String>, overrides: Vec<Override>) -> Self {
        Self {
            scenario: Named::Name(name.into()),
            overrides,
        }
    }

    /// How the scenario is named (its name or path; `<scenario>` for text).
    pub fn name(&self) -> &str {
        match &self.scenario {
            Named::Name(name) => name,
            Named::Text(_) => "<scenario>",
        }
    }

    /// Reads the scenario with its overrides, then `extra`.
    pub fn load(&self, extra: &[Override]) -> Result<Scenario, CommandError> {
        let mut all = self.overrides.clone();
        all.extend_from_slice(extra);
        Ok(match &self.scenario {
            Named::Name(name) => Scenario::load(name, &all)?,
            Named::Text(text) => Scenario::from_text(text, "<scenario>", &all)?,
        })
    }
}
