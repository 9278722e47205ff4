//! The settings every front end offers besides a scenario — `set` overrides, seed, users and
//! years — turned into overrides in one order (`set` first, in the order given; then seed,
//! users, years), each labelled as its front end spells it, so that errors quote the user.

use crate::entries::Override;

/// How a front end spells its settings in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// `--seed 3`
    Cli,
    /// `seed=3`
    Python,
    /// `seed 3` (fields of an explorer request)
    Server,
}

impl Spelling {
    fn label(self, name: &str, value: &str) -> String {
        match self {
            Self::Cli => format!("--{name} {value}"),
            Self::Python => format!("{name}={value}"),
            Self::Server => format!("{name} {value}"),
        }
    }
}

/// Settings of a simulation besides its scenario.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Overrides of any field, applied in order before the others.
    pub set: Vec<Override>,
    pub seed: Option<u64>,
    pub users: Option<u64>,
    pub years: Option<f64>,
}

impl Settings {
    /// The overrides, labelled in `spelling`.
    pub fn overrides(&self, spelling: Spelling) -> Vec<Override> {
        let mut out = self.set.clone();
        let mut option = |name: &str, path: &str, value: String| {
            out.push(Override {
                label: spelling.label(name, &value),
                path: path.to_string(),
                value,
            })
        };
        if let Some(seed) = self.seed {
            option("seed", "run.seed", seed.to_string());
        }
        if let Some(users) = self.users {
            option("users", "run.users", users.to_string());
        }
        if let Some(years) = self.years {
            option("years", "run.years", years.to_string());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn options_follow_set_and_quote_their_front_end() {
        let settings = Settings {
            set: vec![Override::parse("run.users=5").unwrap()],
            seed: Some(3),
            users: Some(2_000),
            years: Some(0.5),
        };
        let cli = settings.overrides(Spelling::Cli);
        let labels: Vec<&str> = cli.iter().map(|o| o.label.as_str()).collect();
        assert_eq!(labels, ["--set run.users=5", "--seed 3", "--users 2000", "--years 0.5"]);
        assert_eq!(settings.overrides(Spelling::Python)[2].label, "users=2000");
        assert_eq!(settings.overrides(Spelling::Server)[3].label, "years 0.5");
        let s = Scenario::load("mcp", &cli).unwrap();
        assert_eq!(s.parameters.run.users, 2_000, "options come after --set");
    }

    #[test]
    fn impossible_values_are_refused_naming_the_option() {
        let refused = |settings: Settings| {
            Scenario::load("mcp", &settings.overrides(Spelling::Cli))
                .unwrap_err()
                .to_string()
        };
        let e = refused(Settings {
            users: Some(0),
            ..Settings::default()
        });
        assert!(
            e.starts_with("--users 0: run.users: value 0 is out of range; allowed: [1, "),
            "{e}"
        );
        let e = refused(Settings {
            seed: Some(u64::MAX),
            ..Settings::default()
        });
        assert!(
            e.starts_with("--seed 18446744073709551615: run.seed:") && e.contains("9223372036854775807"),
            "{e}"
        );
    }
}
