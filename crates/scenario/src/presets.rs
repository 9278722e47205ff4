//! The shipped scenario presets (`scenarios/*.toml`), embedded in the binary and usable by name.

/// Name and text of every preset, in the order `esplab scenarios` lists them.
const PRESETS: [(&str, &str); 8] = [
    ("mcp", include_str!("../../../scenarios/mcp.toml")),
    ("online-banking", include_str!("../../../scenarios/online-banking.toml")),
    ("iot-botnets", include_str!("../../../scenarios/iot-botnets.toml")),
    ("web-https", include_str!("../../../scenarios/web-https.toml")),
    ("us-chip-cards", include_str!("../../../scenarios/us-chip-cards.toml")),
    ("quiet", include_str!("../../../scenarios/quiet.toml")),
    ("loud", include_str!("../../../scenarios/loud.toml")),
    ("heroic-effort", include_str!("../../../scenarios/heroic-effort.toml")),
];

/// Names of all presets.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|(n, _)| *n).collect()
}

/// The text of a preset.
pub fn text(name: &str) -> Option<&'static str> {
    PRESETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Each preset's name and one-line description (its `description` key).
pub fn list() -> Vec<(&'static str, String)> {
    PRESETS
        .iter()
        .map(|(name, text)| {
            let description = toml_edit::Document::parse(*text)
                .ok()
                .and_then(|d| {
                    d.as_table()
                        .get("description")
                        .and_then(|i| i.as_str())
                        .map(str::to_string)
                })
                .unwrap_or_default();
            (*name, description)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn every_preset_is_valid_named_and_described() {
        for (name, description) in list() {
            let s = Scenario::load(name, &[]).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(s.name, name);
            assert!(!description.is_empty() && !description.contains('\n'), "{name}");
            assert!(s.warnings.is_empty(), "{name}: {:?}", s.warnings);
        }
    }

    /// Presets that are thought experiments about the mechanisms, not a technology: they name
    /// no control.
    const THOUGHT_EXPERIMENTS: [&str; 2] = ["quiet", "loud"];

    #[test]
    fn every_preset_of_a_technology_names_its_control_and_each_offering_its_deployments() {
        for name in names() {
            let p = Scenario::load(name, &[]).unwrap().parameters;
            if THOUGHT_EXPERIMENTS.contains(&name) {
                assert!(p.security.control.is_empty(), "{name} is a thought experiment");
                continue;
            }
            assert!(!p.security.control.is_empty(), "{name} names no control");
            for o in &p.offerings {
                assert!(!o.deployments.is_empty(), "{name}: {} names no deployments", o.name);
            }
        }
    }

    #[test]
    fn resolved_scenarios_reproduce_themselves() {
        for name in names() {
            let s = Scenario::load(name, &[]).unwrap();
            let again = Scenario::from_text(&s.resolved_toml(), "resolved", &[]).unwrap();
            assert_eq!(again.parameters, s.parameters, "{name}");
            assert_eq!(again.hash(), s.hash(), "{name}");
        }
    }
}
