//! Which mechanism of the model reads each scenario field, and when a scenario's mechanisms do
//! not read it at all (`vendors.tolerance` under economic vendors, `regulator.lag_days` with the
//! regulator disabled): setting such a key has no effect, and esplab says so.
//!
//! Part of the field registry ([`crate::fields`]): the schema, docs/parameters.md, `esplab
//! check`, the warnings on overrides and the explorer's sliders all read it from here. A test
//! over the whole registry (tests/readers.rs) changes every field in turn and checks that the
//! model's output changes exactly when [`Reader::reads`] says it is read.

use esplab_model::{InterventionKind, NetworkKind, Parameters, VendorStrategy};

/// The mechanism that reads a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Every run's dynamics.
    Dynamics,
    /// No mechanism: a name or date that outputs and reports show.
    Label,
    /// Only vendors of these strategies.
    Vendors(&'static [VendorStrategy]),
    /// Only the regulator (`regulator.enabled = true`).
    Regulator,
    /// Only the regulator's agenda of losses (`regulator.enabled` and `agenda_threshold > 0`).
    Agenda,
    /// Rules' transitions: the regulator's, or a regulation intervention's.
    Compliance,
    /// Only the standards body (`standard.enabled = true`).
    Standard,
    /// Only a network of links (`network.kind` other than "none").
    Network,
    /// Only the small-world network (`network.kind = "watts-strogatz"`).
    SmallWorld,
    /// The roll-out of a decided level: economic and random vendors' raises, and the standard's
    /// revisions (reactive vendors raise at once).
    RollOut,
}

const REACTIVE: &[VendorStrategy] = &[VendorStrategy::Reactive];
const ECONOMIC: &[VendorStrategy] = &[VendorStrategy::Economic];
const RANDOM: &[VendorStrategy] = &[VendorStrategy::Random];
const WATCHING: &[VendorStrategy] = &[VendorStrategy::Reactive, VendorStrategy::Economic];
const DEPRECIATING: &[VendorStrategy] = &[VendorStrategy::Economic, VendorStrategy::Random];

/// The fields of the sections `run` ... `standard` that not every run reads; every other field
/// is read by [`Reader::Dynamics`].
pub const CONDITIONAL: &[(&str, Reader)] = &[
    ("run.start_date", Reader::Label),
    ("security.control", Reader::Label),
    ("vendors.tolerance", Reader::Vendors(REACTIVE)),
    ("vendors.erosion", Reader::Vendors(REACTIVE)),
    ("vendors.excitement_erosion", Reader::Vendors(REACTIVE)),
    ("vendors.reliance_erosion", Reader::Vendors(REACTIVE)),
    ("vendors.raise_gain", Reader::Vendors(REACTIVE)),
    ("vendors.raise_max", Reader::Vendors(REACTIVE)),
    ("vendors.institutional_erosion", Reader::Vendors(REACTIVE)),
    // Random vendors never watch churn (economic ones report it with each raise).
    ("vendors.churn_window_days", Reader::Vendors(WATCHING)),
    // Other vendors let both parts of security depreciate alike: the split changes nothing.
    ("vendors.institutional_share", Reader::Vendors(REACTIVE)),
    ("vendors.price", Reader::Vendors(ECONOMIC)),
    ("vendors.security_cost", Reader::Vendors(ECONOMIC)),
    ("vendors.programme_cost", Reader::Vendors(ECONOMIC)),
    ("vendors.review_days", Reader::Vendors(ECONOMIC)),
    ("vendors.planning_years", Reader::Vendors(ECONOMIC)),
    ("vendors.memory_days", Reader::Vendors(ECONOMIC)),
    ("vendors.liability", Reader::Vendors(ECONOMIC)),
    ("vendors.cost_decline", Reader::Vendors(ECONOMIC)),
    ("vendors.fix_cost", Reader::Vendors(ECONOMIC)),
    ("vendors.fix_days", Reader::Vendors(ECONOMIC)),
    // Only economic vendors fix a disclosed flaw, so only their fixes are patched.
    ("attack.patch_half_life_days", Reader::Vendors(ECONOMIC)),
    ("attack.never_patched", Reader::Vendors(ECONOMIC)),
    ("vendors.depreciation", Reader::Vendors(DEPRECIATING)),
    ("vendors.random_raise_rate", Reader::Vendors(RANDOM)),
    ("regulator.outcry_threshold", Reader::Regulator),
    ("regulator.outcry_days", Reader::Regulator),
    ("regulator.lag_days", Reader::Regulator),
    ("regulator.coverage", Reader::Regulator),
    ("regulator.agenda_threshold", Reader::Regulator),
    ("regulator.agenda_half_life_days", Reader::Agenda),
    ("regulator.compliance_days", Reader::Compliance),
    ("standard.pressure_threshold", Reader::Standard),
    ("standard.pressure_half_life_days", Reader::Standard),
    ("standard.lag_days", Reader::Standard),
    ("standard.uptake", Reader::Standard),
    ("network.degree", Reader::Network),
    ("users.word_of_mouth_fear", Reader::Network),
    ("network.rewiring", Reader::SmallWorld),
];

/// The reader of a field of the sections `run` ... `standard` (its dotted path).
pub fn reader(path: &str) -> Reader {
    CONDITIONAL
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(Reader::Dynamics, |(_, r)| *r)
}

/// The reader of an offering's field (its key within the offering).
pub fn offering_reader(key: &str) -> Reader {
    match key {
        "name" | "deployments" => Reader::Label,
        "rollout_days" => Reader::RollOut,
        _ => Reader::Dynamics,
    }
}

/// The reader of the field at `path` as a scenario names it (`offerings.2.rollout_days`,
/// `interventions.0.day`); an intervention's fields are read by its intervention.
pub fn reader_at(path: &str) -> Reader {
    match path.split_once('.') {
        Some(("offerings", rest)) => offering_reader(rest.split_once('.').map_or(rest, |(_, key)| key)),
        Some(("interventions", _)) => Reader::Dynamics,
        _ => reader(path),
    }
}

impl Reader {
    /// Whether a run of `parameters` reads a field of this reader (labels count as read: outputs
    /// show them).
    pub fn reads(&self, parameters: &Parameters) -> bool {
        let p = parameters;
        match self {
            Self::Dynamics | Self::Label => true,
            Self::Vendors(strategies) => strategies.contains(&p.vendors.strategy),
            Self::Regulator => p.regulator.enabled,
            Self::Agenda => p.regulator.enabled && p.regulator.agenda_threshold > 0.0,
            Self::Compliance => {
                p.regulator.enabled || p.interventions.iter().any(|i| i.kind() == InterventionKind::Regulation)
            }
            Self::Standard => p.standard.enabled,
            Self::Network => p.network.kind != NetworkKind::None,
            Self::SmallWorld => p.network.kind == NetworkKind::WattsStrogatz,
            Self::RollOut => p.vendors.strategy != VendorStrategy::Reactive || p.standard.enabled,
        }
    }

    /// Who reads it, in words: "reactive vendors (vendors.strategy = \"reactive\")".
    pub fn describe(&self) -> String {
        match self {
            Self::Dynamics => "every run".into(),
            Self::Label => "no mechanism: outputs and reports show it".into(),
            Self::Vendors(strategies) => {
                let names: Vec<&str> = strategies.iter().map(|s| s.name()).collect();
                let settings: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
                format!("{} vendors (vendors.strategy = {})", names.join(" and "), settings.join(" or "))
            }
            Self::Regulator => "the regulator (regulator.enabled = true)".into(),
            Self::Agenda => {
                "the regulator's agenda of losses (regulator.enabled = true and regulator.agenda_threshold > 0)".into()
            }
            Self::Compliance => "rules' transitions (regulator.enabled = true, or a regulation intervention)".into(),
            Self::Standard => "the standards body (standard.enabled = true)".into(),
            Self::Network => "the network of links (network.kind other than \"none\")".into(),
            Self::SmallWorld => "the small-world network (network.kind = \"watts-strogatz\")".into(),
            Self::RollOut => {
                "roll-outs: economic and random vendors' raises and the standard's revisions (vendors.strategy other than \"reactive\", or standard.enabled = true)".into()
            }
        }
    }

    /// The short name of the reader, for tables: "reactive vendors", "regulator".
    pub fn short(&self) -> String {
        match self {
            Self::Dynamics => "all".into(),
            Self::Label => "outputs only".into(),
            Self::Vendors(strategies) => {
                let names: Vec<&str> = strategies.iter().map(|s| s.name()).collect();
                format!("{} vendors", names.join(", "))
            }
            Self::Regulator => "regulator".into(),
            Self::Agenda => "regulator's agenda".into(),
            Self::Compliance => "rules' transitions".into(),
            Self::Standard => "standards body".into(),
            Self::Network => "network of links".into(),
            Self::SmallWorld => "small-world network".into(),
            Self::RollOut => "roll-outs".into(),
        }
    }
}

impl Reader {
    /// The settings of `parameters` that keep this reader from reading, in words.
    fn switched_off_by(&self, parameters: &Parameters) -> String {
        let p = parameters;
        let strategy = format!("vendors.strategy = \"{}\"", p.vendors.strategy.name());
        match self {
            Self::Dynamics | Self::Label => String::new(),
            Self::Vendors(_) => strategy,
            Self::Regulator => "regulator.enabled = false".into(),
            Self::Agenda if !p.regulator.enabled => "regulator.enabled = false".into(),
            Self::Agenda => "regulator.agenda_threshold = 0".into(),
            Self::Compliance => "regulator.enabled = false and no regulation intervention".into(),
            Self::Standard => "standard.enabled = false".into(),
            Self::Network | Self::SmallWorld => format!("network.kind = \"{}\"", p.network.kind.name()),
            Self::RollOut => format!("{strategy} and standard.enabled = false"),
        }
    }
}

/// Why `path`, set in a scenario of `parameters`, has no effect; `None` when it is read.
pub fn unread(path: &str, parameters: &Parameters) -> Option<String> {
    let reader = reader_at(path);
    (!reader.reads(parameters)).then(|| {
        format!(
            "{path} is read only by {}; this scenario has {}, so it has no effect",
            reader.describe(),
            reader.switched_off_by(parameters)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{known_paths, offering_fields, parameter_fields};
    use crate::{Override, Scenario};

    #[test]
    fn every_path_the_readers_name_is_a_field_of_the_registry_once() {
        let known = known_paths();
        for (i, (path, _)) in CONDITIONAL.iter().enumerate() {
            assert!(known.iter().any(|k| k == path), "{path} is not a field");
            assert!(
                !CONDITIONAL[..i].iter().any(|(p, _)| p == path),
                "{path} is named twice"
            );
        }
        for f in offering_fields() {
            assert!(known.contains(&format!("offerings.0.{}", f.path)));
        }
    }

    #[test]
    fn a_reactive_key_is_unread_under_economic_vendors_and_read_under_reactive() {
        let mut p = Parameters::default();
        p.vendors.strategy = VendorStrategy::Economic;
        let why = unread("vendors.tolerance", &p).unwrap();
        assert!(
            why.contains("reactive vendors (vendors.strategy = \"reactive\")"),
            "{why}"
        );
        p.vendors.strategy = VendorStrategy::Reactive;
        assert_eq!(unread("vendors.tolerance", &p), None);
        assert_eq!(unread("offerings.3.name", &p), None);
        p.standard.enabled = false;
        assert!(unread("offerings.1.rollout_days", &p).is_some());
        assert!(parameter_fields().iter().any(|f| reader(f.path) == Reader::Regulator));
    }

    #[test]
    fn an_override_no_mechanism_reads_is_a_warning_naming_it_its_reader_and_what_switches_it_off() {
        let tolerance = Override::parse("vendors.tolerance=0.2").unwrap();
        let s = Scenario::load("mcp", std::slice::from_ref(&tolerance)).unwrap();
        assert_eq!(
            s.warnings,
            ["--set vendors.tolerance=0.2: vendors.tolerance is read only by reactive vendors \
              (vendors.strategy = \"reactive\"); this scenario has vendors.strategy = \"economic\", so it has no effect"]
        );
        let reactive = Override::parse("vendors.strategy=\"reactive\"").unwrap();
        let s = Scenario::load("mcp", &[tolerance, reactive]).unwrap();
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        // A key the file sets is not warned about: presets keep the reactive rule's parameters
        // for `--set vendors.strategy=reactive`, and `esplab check` lists them.
        assert!(Scenario::load("mcp", &[]).unwrap().warnings.is_empty());
        let off = [
            Override::parse("regulator.enabled=false").unwrap(),
            Override::parse("regulator.lag_days=30").unwrap(),
        ];
        let s = Scenario::load("mcp", &off).unwrap();
        assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
        assert!(
            s.warnings[0].contains("this scenario has regulator.enabled = false"),
            "{}",
            s.warnings[0]
        );
    }

    #[test]
    fn a_plan_factor_no_mechanism_reads_is_a_warning() {
        let plan = |key: &str| {
            let text = format!(
                "schema = 1\nscenario = \"mcp\"\n[[factors]]\nkey = \"{key}\"\ndistribution = \"uniform\"\nlow = 0.01\nhigh = 0.1\n"
            );
            crate::plan::Plan::from_text(&text, "p.toml", std::path::Path::new("."), &[]).unwrap()
        };
        let warnings = plan("vendors.erosion").scenario.warnings;
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("p.toml: factor vendors.erosion: vendors.erosion is read only by reactive vendors"),
            "{}",
            warnings[0]
        );
        assert!(plan("vendors.liability").scenario.warnings.is_empty());
    }
}
