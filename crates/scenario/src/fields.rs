//! The registry of scenario fields: path, type, allowed range, unit, documentation, and how to
//! read and write the field in the model's parameters.
//!
//! The registry is the single source of truth for validation, `--set` overrides, defaults (read
//! from `Parameters::default()`), the JSON Schema, the resolved scenario and the parameter table
//! of the docs.

use crate::value::{Range, Value};
use esplab_model::{
    Intervention, InterventionKind, NetworkKind, OfferingParameters, Parameters, StartDate, VendorStrategy,
};

/// The type of a field and its allowed values.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Float(Range),
    Integer(Range),
    Bool,
    Text,
    /// A calendar date `YYYY-MM-DD` (a string or a TOML date), or `""` for none.
    Date,
    Choice(&'static [&'static str]),
}

impl Kind {
    /// What the field accepts, for error messages.
    pub fn expected(&self) -> String {
        match self {
            Self::Float(_) => "a number".into(),
            Self::Integer(_) => "an integer".into(),
            Self::Bool => "a boolean".into(),
            Self::Text => "a string".into(),
            Self::Date => "a date".into(),
            Self::Choice(options) => format!("one of {}", quoted(options)),
        }
    }

    /// The allowed values, for error messages and docs.
    pub fn allowed(&self) -> String {
        match self {
            Self::Float(r) | Self::Integer(r) => r.to_string(),
            Self::Bool => "true or false".into(),
            Self::Text => "any string".into(),
            Self::Date => format!(
                "a date YYYY-MM-DD from {} to {}, or \"\" for none",
                StartDate::EARLIEST,
                StartDate::LATEST
            ),
            Self::Choice(options) => quoted(options),
        }
    }
}

/// `"a", "b"` from a list of names.
pub fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

/// One field of a record of type `T`.
pub struct Field<T> {
    /// Dotted path (for offerings and interventions, relative to the entry).
    pub path: &'static str,
    pub kind: Kind,
    pub unit: &'static str,
    pub doc: &'static str,
    pub get: fn(&T) -> Value,
    pub set: fn(&mut T, &Value),
}

fn float(v: &Value) -> f64 {
    match *v {
        Value::Float(f) => f,
        Value::Integer(i) => i as f64,
        _ => 0.0,
    }
}

fn integer(v: &Value) -> i64 {
    match *v {
        Value::Integer(i) => i,
        Value::Float(f) => f as i64,
        _ => 0,
    }
}

macro_rules! float_field {
    ($path:literal, $range:expr, $unit:literal, $doc:literal, $($f:ident).+) => {
        Field {
            path: $path,
            kind: Kind::Float($range),
            unit: $unit,
            doc: $doc,
            get: |p| Value::Float(p.$($f).+),
            set: |p, v| p.$($f).+ = float(v),
        }
    };
}

macro_rules! text_field {
    ($path:literal, $doc:literal, $($f:ident).+) => {
        Field {
            path: $path,
            kind: Kind::Text,
            unit: "",
            doc: $doc,
            get: |p| Value::Text(p.$($f).+.clone()),
            set: |p, v| {
                if let Value::Text(t) = v {
                    p.$($f).+ = t.clone();
                }
            },
        }
    };
}

macro_rules! integer_field {
    ($path:literal, $range:expr, $unit:literal, $doc:literal, $($f:ident).+) => {
        Field {
            path: $path,
            kind: Kind::Integer($range),
            unit: $unit,
            doc: $doc,
            get: |p| Value::Integer(p.$($f).+ as i64),
            set: |p, v| p.$($f).+ = integer(v) as _,
        }
    };
}

/// Largest day number any scenario can reach (150 years).
pub const MAX_DAY: f64 = 54_750.0;
const PER_DAY: Range = Range::closed(0.0, 1.0);
const HALF_LIFE: Range = Range::above(0.0, 36_500.0);

/// Fields of the sections `run`, `users`, `network`, ... `regulator`.
pub fn parameter_fields() -> &'static [Field<Parameters>] {
    PARAMETER_FIELDS
}

static PARAMETER_FIELDS: &[Field<Parameters>] = &[
    integer_field!(
        "run.users",
        Range::closed(1.0, 200_000_000.0),
        "agents",
        "Simulated users.",
        run.users
    ),
    float_field!(
        "run.years",
        Range::above(0.0, 150.0),
        "years",
        "Horizon (365-day years).",
        run.years
    ),
    integer_field!(
        "run.seed",
        Range::closed(0.0, 9_223_372_036_854_775_807.0),
        "",
        "Master seed of all random streams.",
        run.seed
    ),
    float_field!(
        "run.population",
        Range::closed(1.0, 1e11),
        "persons",
        "Real-world people the simulated users stand for; incident sizes are in real records.",
        run.population
    ),
    Field {
        path: "run.start_date",
        kind: Kind::Date,
        unit: "",
        doc: "Calendar date of day 0 (YYYY-MM-DD); outputs, charts and stories then give dates beside days. Never read by the dynamics.",
        get: |p| Value::Text(p.run.start_date.map(|d| d.to_string()).unwrap_or_default()),
        set: |p, v| {
            if let Value::Text(t) = v {
                p.run.start_date = StartDate::parse(t);
            }
        },
    },
    float_field!(
        "users.value_median",
        Range::above(0.0, 1e6),
        "value",
        "Median of the log-normal value a user sees in the technology.",
        users.value_median
    ),
    float_field!(
        "users.value_spread",
        Range::closed(0.0, 5.0),
        "ln units",
        "Standard deviation of ln(value).",
        users.value_spread
    ),
    float_field!(
        "users.risk_sensitivity_median",
        Range::above(0.0, 1e6),
        "value per risk",
        "Median of the log-normal risk sensitivity.",
        users.risk_sensitivity_median
    ),
    float_field!(
        "users.risk_sensitivity_spread",
        Range::closed(0.0, 5.0),
        "ln units",
        "Standard deviation of ln(risk sensitivity).",
        users.risk_sensitivity_spread
    ),
    float_field!(
        "users.initial_adoption",
        Range::closed(0.0, 1.0),
        "share",
        "Share of users offered the technology on day 0 (those for whom value beats risk adopt).",
        users.initial_adoption
    ),
    float_field!(
        "users.fear_half_life_days",
        HALF_LIFE,
        "days",
        "Half-life of personal fear.",
        users.fear_half_life_days
    ),
    float_field!(
        "users.harm_fear",
        Range::closed(0.0, 1000.0),
        "fear",
        "Personal fear added to a user harmed by an incident.",
        users.harm_fear
    ),
    float_field!(
        "users.word_of_mouth_fear",
        Range::closed(0.0, 1000.0),
        "fear",
        "Personal fear added to each neighbour of a harmed user.",
        users.word_of_mouth_fear
    ),
    float_field!(
        "users.reliance_max",
        Range::closed(0.0, 100.0),
        "value multiple",
        "Reliance after long use: value x (1 + reliance).",
        users.reliance_max
    ),
    float_field!(
        "users.reliance_days",
        HALF_LIFE,
        "days",
        "Time scale of reliance growth with tenure.",
        users.reliance_days
    ),
    float_field!(
        "users.rechoice",
        Range::closed(0.0, 365.0),
        "per year",
        "Rate at which an adopter reconsiders its offering for value (0: only risk moves it).",
        users.rechoice
    ),
    float_field!(
        "users.switching_cost",
        Range::closed(0.0, 10.0),
        "share of value",
        "Gain, as a share of its offering's value term, an adopter needs to switch when it reconsiders.",
        users.switching_cost
    ),
    float_field!(
        "users.taste_spread",
        Range::closed(0.0, 5.0),
        "log sd",
        "Spread of users' tastes for each offering (0: users differ only by their risk-to-value ratio).",
        users.taste_spread
    ),
    Field {
        path: "network.kind",
        kind: Kind::Choice(&NetworkKind::NAMES),
        unit: "",
        doc: "Social graph: small world, scale free, or none (well mixed).",
        get: |p| Value::Text(p.network.kind.name().to_string()),
        set: |p, v| {
            if let Value::Text(t) = v {
                p.network.kind = NetworkKind::from_name(t).unwrap_or(NetworkKind::WattsStrogatz);
            }
        },
    },
    integer_field!(
        "network.degree",
        Range::closed(0.0, 1000.0),
        "links",
        "Mean degree (even for watts-strogatz).",
        network.degree
    ),
    float_field!(
        "network.rewiring",
        Range::closed(0.0, 1.0),
        "probability",
        "Watts-Strogatz rewiring probability.",
        network.rewiring
    ),
    float_field!(
        "adoption.innovation",
        Range::closed(0.0, 100.0),
        "per year",
        "Bass innovation rate p.",
        adoption.innovation
    ),
    float_field!(
        "adoption.imitation",
        Range::closed(0.0, 1000.0),
        "per year",
        "Bass imitation rate q, times the share of adopting neighbours.",
        adoption.imitation
    ),
    float_field!(
        "excitement.base",
        Range::closed(0.0, 1000.0),
        "multiplier",
        "Excitement without hype or momentum.",
        excitement.base
    ),
    float_field!(
        "excitement.hype_peak",
        Range::closed(0.0, 1000.0),
        "multiplier",
        "Height of the hype bump.",
        excitement.hype_peak
    ),
    float_field!(
        "excitement.hype_peak_day",
        Range::closed(-MAX_DAY, MAX_DAY),
        "day",
        "Day of the hype peak.",
        excitement.hype_peak_day
    ),
    float_field!(
        "excitement.hype_width_days",
        Range::above(0.0, 1e6),
        "days",
        "Standard deviation of the hype bump.",
        excitement.hype_width_days
    ),
    float_field!(
        "excitement.momentum",
        Range::closed(0.0, 1000.0),
        "per annual share growth",
        "Weight of adoption momentum.",
        excitement.momentum
    ),
    integer_field!(
        "excitement.momentum_window_days",
        Range::closed(1.0, 3650.0),
        "days",
        "Window of adoption growth for momentum.",
        excitement.momentum_window_days
    ),
    text_field!(
        "security.control",
        "The control that security measures: an offering's security is the share of its deployments that meet it (e.g. \"MCP servers that require authentication\"). Empty for a thought experiment that names none. Outputs and reports say it; the dynamics never read it.",
        security.control
    ),
    float_field!(
        "security.tax",
        Range::closed(0.0, 1.0),
        "share of value",
        "Value lost at full security: value x (1 - tax x security).",
        security.tax
    ),
    float_field!(
        "security.risk_awareness",
        Range::closed(0.0, 1000.0),
        "fear",
        "Background risk awareness added to public fear.",
        security.risk_awareness
    ),
    float_field!(
        "attack.rate",
        Range::closed(0.0, 1e6),
        "incidents per day",
        "Incidents per day on an offering used by attack.reference_population people at zero security.",
        attack.rate
    ),
    float_field!(
        "attack.reference_population",
        Range::above(0.0, 1e12),
        "persons",
        "Real population at which attack.rate and attack.disclosure_rate hold; an offering used by n real people sees them times (n / reference_population)^adoption_elasticity.",
        attack.reference_population
    ),
    float_field!(
        "attack.adoption_elasticity",
        Range::closed(0.0, 10.0),
        "exponent",
        "Exponent of an offering's user share in its attack rate.",
        attack.adoption_elasticity
    ),
    float_field!(
        "attack.security_elasticity",
        Range::closed(0.0, 10.0),
        "exponent",
        "Exponent of (1 - security) in the attack rate.",
        attack.security_elasticity
    ),
    float_field!(
        "attack.size_log10_mean",
        Range::closed(0.0, 12.0),
        "log10 records",
        "Mean of log10(records) per incident.",
        attack.size_log10_mean
    ),
    float_field!(
        "attack.size_log10_sd",
        Range::closed(0.0, 5.0),
        "log10 records",
        "Standard deviation of log10(records).",
        attack.size_log10_sd
    ),
    float_field!(
        "attack.loss_per_record",
        Range::closed(0.0, 1e9),
        "currency per record",
        "Loss per record.",
        attack.loss_per_record
    ),
    float_field!(
        "attack.disclosure_rate",
        Range::closed(0.0, 1e6),
        "disclosures per day",
        "Vulnerabilities disclosed without victims per day, on an offering used by attack.reference_population people at zero security.",
        attack.disclosure_rate
    ),
    integer_field!(
        "attack.exploit_days",
        Range::closed(1.0, 3650.0),
        "days",
        "Days after its disclosure that an unfixed vulnerability is exploited (an incident).",
        attack.exploit_days
    ),
    float_field!(
        "attack.patch_half_life_days",
        Range::closed(0.0, 3650.0),
        "days",
        "Half-life of the share of deployments that have not applied a shipped fix (0: all apply it the day it ships); an exploit after the fix hits those still unpatched.",
        attack.patch_half_life_days
    ),
    float_field!(
        "attack.never_patched",
        Range::closed(0.0, 1.0),
        "share",
        "Share of deployments that never apply a shipped fix.",
        attack.never_patched
    ),
    float_field!(
        "attention.threshold",
        Range::closed(0.0, 15.0),
        "log10 records",
        "Resting attention threshold: larger incidents make the news.",
        attention.threshold
    ),
    float_field!(
        "attention.habituation",
        Range::closed(0.0, 10.0),
        "log10 records",
        "Rise of the threshold per news item.",
        attention.habituation
    ),
    float_field!(
        "attention.habituation_half_life_days",
        HALF_LIFE,
        "days",
        "Half-life of habituation.",
        attention.habituation_half_life_days
    ),
    float_field!(
        "attention.fear_per_news",
        Range::closed(0.0, 1000.0),
        "fear per log10",
        "Public fear added per log10 unit above the threshold.",
        attention.fear_per_news
    ),
    float_field!(
        "attention.fear_half_life_days",
        HALF_LIFE,
        "days",
        "Half-life of public fear.",
        attention.fear_half_life_days
    ),
    Field {
        path: "vendors.strategy",
        kind: Kind::Choice(&VendorStrategy::NAMES),
        unit: "",
        doc: "How vendors set security: the reactive ESP rule, economic reviews of costs and benefits, or random raises (a null model).",
        get: |p| Value::Text(p.vendors.strategy.name().to_string()),
        set: |p, v| {
            if let Value::Text(t) = v {
                p.vendors.strategy = VendorStrategy::from_name(t).unwrap_or(VendorStrategy::Reactive);
            }
        },
    },
    float_field!(
        "vendors.tolerance",
        Range::above(0.0, 1.0),
        "share of users",
        "Security churn over the window that a vendor tolerates.",
        vendors.tolerance
    ),
    integer_field!(
        "vendors.churn_window_days",
        Range::closed(1.0, 3650.0),
        "days",
        "Window over which vendors watch security churn.",
        vendors.churn_window_days
    ),
    float_field!(
        "vendors.erosion",
        PER_DAY,
        "per day",
        "Erosion rate of discretionary security.",
        vendors.erosion
    ),
    float_field!(
        "vendors.excitement_erosion",
        Range::closed(0.0, 10.0),
        "exponent",
        "Exponent of excitement in the erosion rate.",
        vendors.excitement_erosion
    ),
    float_field!(
        "vendors.reliance_erosion",
        Range::closed(0.0, 100.0),
        "per reliance",
        "Weight of reliance at the mean tenure of the offering's users in the erosion rate.",
        vendors.reliance_erosion
    ),
    float_field!(
        "vendors.raise_gain",
        Range::closed(0.0, 100.0),
        "share of gap",
        "Raise per unit of churn/tolerance, as a share of the gap to full security.",
        vendors.raise_gain
    ),
    float_field!(
        "vendors.raise_max",
        Range::closed(0.0, 1.0),
        "share of gap",
        "Largest single raise, as a share of the gap.",
        vendors.raise_max
    ),
    float_field!(
        "vendors.institutional_share",
        Range::closed(0.0, 1.0),
        "share",
        "Share of a raise (and of initial security) that is institutional practice.",
        vendors.institutional_share
    ),
    float_field!(
        "vendors.institutional_erosion",
        PER_DAY,
        "per day",
        "Erosion rate of institutional security.",
        vendors.institutional_erosion
    ),
    float_field!(
        "vendors.price",
        Range::closed(0.0, 1e6),
        "currency per user-year",
        "Economic: revenue per real user per year.",
        vendors.price
    ),
    float_field!(
        "vendors.security_cost",
        Range::closed(0.0, 1e6),
        "currency per user-year",
        "Economic: yearly cost per real user of holding security 1 (the cost of s is this x s^2).",
        vendors.security_cost
    ),
    float_field!(
        "vendors.programme_cost",
        Range::closed(0.0, 1e6),
        "currency per user",
        "Economic: one-off cost per real user of a security programme (a raise).",
        vendors.programme_cost
    ),
    float_field!(
        "vendors.depreciation",
        Range::closed(0.0, 100.0),
        "per year",
        "Economic: decay rate of security a vendor stops maintaining.",
        vendors.depreciation
    ),
    integer_field!(
        "vendors.review_days",
        Range::closed(1.0, 3650.0),
        "days",
        "Economic: days between a vendor's reviews of its security.",
        vendors.review_days
    ),
    float_field!(
        "vendors.planning_years",
        Range::closed(0.01, 50.0),
        "years",
        "Economic: horizon over which a vendor weighs a choice.",
        vendors.planning_years
    ),
    float_field!(
        "vendors.memory_days",
        HALF_LIFE,
        "days",
        "Economic: half-life of a vendor's memory of its security churn and losses.",
        vendors.memory_days
    ),
    float_field!(
        "vendors.liability",
        Range::closed(0.0, 1.0),
        "share",
        "Share of incident losses vendors bear (economic vendors weigh it).",
        vendors.liability
    ),
    float_field!(
        "vendors.fix_cost",
        Range::closed(0.0, 1e15),
        "currency",
        "Economic: cost of fixing one disclosed vulnerability (at cost index 1).",
        vendors.fix_cost
    ),
    integer_field!(
        "vendors.fix_days",
        Range::closed(0.0, 3650.0),
        "days",
        "Economic: days a vendor needs to ship a fix it decides on.",
        vendors.fix_days
    ),
    float_field!(
        "vendors.random_raise_rate",
        Range::closed(0.0, 365.0),
        "per year",
        "Random (a null model): raises per year at random times, each by a size drawn from the economic raises; depreciation in between.",
        vendors.random_raise_rate
    ),
    float_field!(
        "vendors.cost_decline",
        Range::closed(0.0, 0.99),
        "per year",
        "Economic: yearly decline of the cost index as tooling matures.",
        vendors.cost_decline
    ),
    Field {
        path: "regulator.enabled",
        kind: Kind::Bool,
        unit: "",
        doc: "Whether sustained outcry can enact regulation.",
        get: |p| Value::Bool(p.regulator.enabled),
        set: |p, v| p.regulator.enabled = matches!(v, Value::Bool(true)),
    },
    float_field!(
        "regulator.outcry_threshold",
        Range::closed(0.0, 1e6),
        "fear x share",
        "Outcry (public fear x adoption share) that counts as an outcry day.",
        regulator.outcry_threshold
    ),
    integer_field!(
        "regulator.outcry_days",
        Range::closed(1.0, 36_500.0),
        "days",
        "Consecutive outcry days that start a regulation.",
        regulator.outcry_days
    ),
    integer_field!(
        "regulator.lag_days",
        Range::closed(1.0, 36_500.0),
        "days",
        "Days from outcry to regulation.",
        regulator.lag_days
    ),
    float_field!(
        "regulator.coverage",
        Range::closed(0.0, 1.0),
        "share",
        "Share of the deployments not yet required to meet the control that a regulation brings under the requirement (the required share rises from r to r + coverage (1 - r)).",
        regulator.coverage
    ),
    integer_field!(
        "regulator.compliance_days",
        Range::closed(0.0, 36_500.0),
        "days",
        "Days from a regulation taking effect to its deadline; the share every offering must meet rises in a straight line over them (0: at once).",
        regulator.compliance_days
    ),
    float_field!(
        "regulator.agenda_threshold",
        Range::closed(0.0, 1e9),
        "currency per person",
        "Losses per real person on the regulator's agenda that start a regulation (0: quiet losses are never answered).",
        regulator.agenda_threshold
    ),
    float_field!(
        "regulator.agenda_half_life_days",
        HALF_LIFE,
        "days",
        "Half-life of losses on the regulator's agenda.",
        regulator.agenda_half_life_days
    ),
    Field {
        path: "standard.enabled",
        kind: Kind::Bool,
        unit: "",
        doc: "Whether a standards body (a spec's maintainers, an industry scheme) revises the standard after salient security events, each revision asking every offering's deployments for the control.",
        get: |p| Value::Bool(p.standard.enabled),
        set: |p, v| p.standard.enabled = matches!(v, Value::Bool(true)),
    },
    float_field!(
        "standard.pressure_threshold",
        Range::above(0.0, 1e6),
        "events",
        "Salient security events (incidents in the news and every disclosed flaw), faded with their half-life, that start drafting a revision.",
        standard.pressure_threshold
    ),
    float_field!(
        "standard.pressure_half_life_days",
        HALF_LIFE,
        "days",
        "Half-life of the pressure of salient events on the standards body.",
        standard.pressure_half_life_days
    ),
    integer_field!(
        "standard.lag_days",
        Range::closed(1.0, 36_500.0),
        "days",
        "Days from the start of a draft to the revision's publication.",
        standard.lag_days
    ),
    float_field!(
        "standard.uptake",
        Range::closed(0.0, 1.0),
        "share",
        "Share of the deployments not yet meeting the control that a revision brings under it; each offering's deployments adopt it over its rollout_days.",
        standard.uptake
    ),
];

/// Fields of each `[[offerings]]` entry.
pub fn offering_fields() -> &'static [Field<OfferingParameters>] {
    &OFFERING_FIELDS
}

static OFFERING_FIELDS: [Field<OfferingParameters>; 6] = [
    text_field!("name", "Unique name of the offering (1 to 64 characters).", name),
    text_field!(
        "deployments",
        "The deployments the offering stands for, whose share meeting the control is its security (e.g. \"remote MCP servers of hosted agent platforms\"). Outputs and reports say it; the dynamics never read it.",
        deployments
    ),
    float_field!(
        "capability",
        Range::above(0.0, 1e6),
        "value multiplier",
        "Capability on day 0.",
        capability
    ),
    float_field!(
        "capability_growth",
        Range::closed(-0.99, 100.0),
        "per year",
        "Capability growth, compounded yearly.",
        capability_growth
    ),
    float_field!(
        "security",
        Range::closed(0.0, 0.999),
        "share of deployments",
        "Security on day 0: the share of the offering's deployments that meet the control.",
        security
    ),
    float_field!(
        "rollout_days",
        Range::closed(0.0, 3650.0),
        "days",
        "Days for the share of deployments meeting the control to close 63% of the gap to a level the vendor decided (0: at once, as a hosted platform can enforce; months for an open ecosystem). The reactive rule raises at once.",
        rollout_days
    ),
];

/// A field of an `[[interventions]]` entry.
pub struct InterventionField {
    pub key: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub unit: &'static str,
    pub doc: &'static str,
}

const DAY: Kind = Kind::Integer(Range::closed(0.0, MAX_DAY));

const fn required(key: &'static str, kind: Kind, unit: &'static str, doc: &'static str) -> InterventionField {
    InterventionField {
        key,
        kind,
        required: true,
        unit,
        doc,
    }
}

/// Each intervention kind (spelled as in [`InterventionKind::name`]) with its one-line meaning
/// and fields (besides `kind`), in the order of [`InterventionKind::ALL`].
pub fn intervention_kinds() -> Vec<(&'static str, &'static str, &'static [InterventionField])> {
    InterventionKind::ALL
        .into_iter()
        .map(|kind| {
            let (doc, fields) = intervention_fields(kind);
            (kind.name(), doc, fields)
        })
        .collect()
}

/// The meaning and fields of an intervention kind.
pub fn intervention_fields(kind: InterventionKind) -> (&'static str, &'static [InterventionField]) {
    match kind {
        InterventionKind::Shock => ("An incident of a given size on a given day.", SHOCK_FIELDS),
        InterventionKind::Regulation => (
            "Exogenous regulation requiring the control of a share of every offering's deployments, complied with over regulator.compliance_days.",
            REGULATION_FIELDS,
        ),
        InterventionKind::Advocacy => (
            "Rooftop advocacy: everyone's perceived risk is multiplied by 1 + strength.",
            ADVOCACY_FIELDS,
        ),
        InterventionKind::HeroicVendor => (
            "A vendor holding its security at a level or above.",
            HEROIC_VENDOR_FIELDS,
        ),
        InterventionKind::CheaperSecurity => (
            "Open tooling and standards: the security tax and vendors' cost of security are multiplied by a factor.",
            CHEAPER_SECURITY_FIELDS,
        ),
        InterventionKind::Disclosure => (
            "Disclosure rules: the attention threshold is lowered, so incidents become visible.",
            DISCLOSURE_FIELDS,
        ),
        InterventionKind::Liability => (
            "Liability: vendors bear at least a share of incident losses (economic vendors weigh it).",
            LIABILITY_FIELDS,
        ),
        InterventionKind::Procurement => (
            "Procurement: a share of users (enterprise buyers) use only offerings of a minimum security or more; they leave one below it when they next reconsider.",
            PROCUREMENT_FIELDS,
        ),
    }
}

const SHOCK_FIELDS: &[InterventionField] = &[
    required("day", DAY, "day", "Day of the incident."),
    required(
        "size",
        Kind::Float(Range::closed(1.0, 1e13)),
        "records",
        "Size of the incident.",
    ),
    InterventionField {
        key: "offering",
        kind: Kind::Text,
        required: false,
        unit: "",
        doc: "Offering hit (default: the one with most users that day).",
    },
    InterventionField {
        key: "harmed",
        kind: Kind::Float(Range::closed(0.0, 1e13)),
        required: false,
        unit: "persons",
        doc: "Real people harmed among the offering's users (default: one per record); an outage that cuts off people who are not its users harms fewer than its size.",
    },
];

const REGULATION_FIELDS: &[InterventionField] = &[
    required("day", DAY, "day", "Day it takes effect."),
    required(
        "floor",
        Kind::Float(Range::closed(0.0, 0.999)),
        "share",
        "Share of deployments required to meet the control by the deadline (the required share never falls).",
    ),
];

const ADVOCACY_FIELDS: &[InterventionField] = &[
    required("start", DAY, "day", "First day."),
    required("end", DAY, "day", "Day it stops (exclusive)."),
    required(
        "strength",
        Kind::Float(Range::closed(0.0, 1000.0)),
        "risk multiple",
        "Added share of perceived risk.",
    ),
];

const HEROIC_VENDOR_FIELDS: &[InterventionField] = &[
    required("start", DAY, "day", "First day."),
    required("offering", Kind::Text, "", "Name of the heroic offering."),
    required(
        "security",
        Kind::Float(Range::closed(0.0, 0.999)),
        "security",
        "Level held.",
    ),
];

const CHEAPER_SECURITY_FIELDS: &[InterventionField] = &[
    required("day", DAY, "day", "Day it takes effect."),
    required(
        "tax_factor",
        Kind::Float(Range::closed(0.0, 10.0)),
        "multiplier",
        "Factor on the security tax and on vendors' cost index.",
    ),
];

const LIABILITY_FIELDS: &[InterventionField] = &[
    required("day", DAY, "day", "Day it takes effect."),
    required(
        "share",
        Kind::Float(Range::closed(0.0, 1.0)),
        "share",
        "Share of incident losses vendors bear from then on (the share never falls).",
    ),
];

const PROCUREMENT_FIELDS: &[InterventionField] = &[
    required("day", DAY, "day", "Day it takes effect."),
    required(
        "share",
        Kind::Float(Range::closed(0.0, 1.0)),
        "share",
        "Share of users bound by the rules (the same users whatever the share; the share never falls).",
    ),
    required(
        "minimum",
        Kind::Float(Range::closed(0.0, 0.999)),
        "security",
        "Least security bound users accept (the minimum never falls).",
    ),
];

const DISCLOSURE_FIELDS: &[InterventionField] = &[
    required("day", DAY, "day", "Day it takes effect."),
    required(
        "threshold_drop",
        Kind::Float(Range::closed(0.0, 15.0)),
        "log10 records",
        "Drop of the attention threshold.",
    ),
];

/// Every path a scenario may contain, for suggestions (entries shown with index `0`).
pub fn known_paths() -> Vec<String> {
    let mut paths: Vec<String> = vec!["schema".into(), "name".into(), "description".into()];
    paths.extend(parameter_fields().iter().map(|f| f.path.to_string()));
    paths.extend(offering_fields().iter().map(|f| format!("offerings.0.{}", f.path)));
    paths.push("interventions.0.kind".into());
    for (_, _, fields) in intervention_kinds() {
        for f in fields.iter() {
            let p = format!("interventions.0.{}", f.key);
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
    }
    paths
}

/// The kind of a numeric field a design may vary in `parameters`: a parameter field,
/// `offerings.N.<field>` of one of its offerings, or `interventions.N.<field>` of one of its
/// interventions (a number of that intervention's kind, e.g. a cheaper-security `tax_factor`).
/// `None` for anything else.
pub fn numeric_kind(path: &str, parameters: &Parameters) -> Option<Kind> {
    let numeric = |k: Kind| matches!(k, Kind::Float(_) | Kind::Integer(_)).then_some(k);
    if let Some(f) = parameter_fields().iter().find(|f| f.path == path) {
        return numeric(f.kind);
    }
    if let Some((intervention, key)) = intervention_path(path, parameters) {
        let (_, fields) = intervention_fields(intervention.kind());
        return fields.iter().find(|f| f.key == key).and_then(|f| numeric(f.kind));
    }
    let rest = path.strip_prefix("offerings.")?;
    let (index, key) = rest.split_once('.')?;
    if index.parse::<usize>().ok()? >= parameters.offerings.len() {
        return None;
    }
    offering_fields()
        .iter()
        .find(|f| f.path == key)
        .and_then(|f| numeric(f.kind))
}

/// The intervention `interventions.N.<key>` names in `parameters`, and the key.
fn intervention_path<'a, 'p>(path: &'a str, parameters: &'p Parameters) -> Option<(&'p Intervention, &'a str)> {
    let (index, key) = path.strip_prefix("interventions.")?.split_once('.')?;
    let intervention = parameters.interventions.get(index.parse::<usize>().ok()?)?;
    Some((intervention, key))
}

/// Sets number `key` of an intervention to `value` (a day is rounded); other keys are ignored.
fn set_intervention_number(intervention: &mut Intervention, key: &str, value: f64) {
    let day = value.round().max(0.0) as u32;
    match (intervention, key) {
        (
            Intervention::Shock { day: d, .. }
            | Intervention::Regulation { day: d, .. }
            | Intervention::CheaperSecurity { day: d, .. }
            | Intervention::Disclosure { day: d, .. }
            | Intervention::Liability { day: d, .. }
            | Intervention::Procurement { day: d, .. },
            "day",
        )
        | (Intervention::Advocacy { start: d, .. } | Intervention::HeroicVendor { start: d, .. }, "start")
        | (Intervention::Advocacy { end: d, .. }, "end") => *d = day,
        (Intervention::Shock { size: x, .. }, "size")
        | (Intervention::Regulation { floor: x, .. }, "floor")
        | (Intervention::Advocacy { strength: x, .. }, "strength")
        | (Intervention::HeroicVendor { security: x, .. }, "security")
        | (Intervention::CheaperSecurity { tax_factor: x, .. }, "tax_factor")
        | (Intervention::Disclosure { threshold_drop: x, .. }, "threshold_drop")
        | (Intervention::Liability { share: x, .. } | Intervention::Procurement { share: x, .. }, "share")
        | (Intervention::Procurement { minimum: x, .. }, "minimum") => *x = value,
        (Intervention::Shock { harmed, .. }, "harmed") => *harmed = Some(value),
        _ => {}
    }
}

/// Sets numeric field `path` (as accepted by [`numeric_kind`]) of `parameters` to `value`.
pub fn set_numeric(parameters: &mut Parameters, path: &str, value: f64) {
    if let Some((index, key)) = path.strip_prefix("interventions.").and_then(|r| r.split_once('.')) {
        if let Some(i) = index
            .parse::<usize>()
            .ok()
            .and_then(|i| parameters.interventions.get_mut(i))
        {
            set_intervention_number(i, key, value);
        }
        return;
    }
    let v = Value::Float(value);
    if let Some(f) = parameter_fields().iter().find(|f| f.path == path) {
        let v = if matches!(f.kind, Kind::Integer(_)) {
            Value::Integer(value.round() as i64)
        } else {
            v
        };
        (f.set)(parameters, &v);
        return;
    }
    if let Some((index, key)) = path.strip_prefix("offerings.").and_then(|r| r.split_once('.')) {
        if let (Ok(i), Some(f)) = (index.parse::<usize>(), offering_fields().iter().find(|f| f.path == key)) {
            if let Some(o) = parameters.offerings.get_mut(i) {
                (f.set)(o, &v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_of_an_intervention_can_be_varied_by_its_path() {
        let mut p = Parameters {
            interventions: vec![
                Intervention::CheaperSecurity {
                    day: 10,
                    tax_factor: 0.5,
                },
                Intervention::Advocacy {
                    start: 1,
                    end: 9,
                    strength: 2.0,
                },
            ],
            ..Parameters::default()
        };
        assert!(matches!(
            numeric_kind("interventions.0.tax_factor", &p),
            Some(Kind::Float(_))
        ));
        assert!(matches!(
            numeric_kind("interventions.1.end", &p),
            Some(Kind::Integer(_))
        ));
        // A key of another kind, an intervention that is not there, a key that is not a number.
        assert!(numeric_kind("interventions.0.strength", &p).is_none());
        assert!(numeric_kind("interventions.2.tax_factor", &p).is_none());
        assert!(numeric_kind("interventions.0.kind", &p).is_none());
        set_numeric(&mut p, "interventions.0.tax_factor", 0.8);
        set_numeric(&mut p, "interventions.0.day", 12.4);
        set_numeric(&mut p, "interventions.1.strength", 3.0);
        set_numeric(&mut p, "interventions.1.tax_factor", 9.0);
        assert_eq!(
            p.interventions[0],
            Intervention::CheaperSecurity {
                day: 12,
                tax_factor: 0.8
            }
        );
        assert_eq!(
            p.interventions[1],
            Intervention::Advocacy {
                start: 1,
                end: 9,
                strength: 3.0
            }
        );
    }

    #[test]
    fn every_default_is_in_range_and_round_trips() {
        let defaults = Parameters::default();
        for f in parameter_fields().iter() {
            let v = (f.get)(&defaults);
            if let (Kind::Float(r) | Kind::Integer(r), Value::Float(_) | Value::Integer(_)) = (f.kind, &v) {
                let x = match v {
                    Value::Float(x) => x,
                    Value::Integer(i) => i as f64,
                    _ => unreachable!(),
                };
                assert!(r.contains(x), "{} default {x} outside {r}", f.path);
            }
            let mut p = Parameters::default();
            (f.set)(&mut p, &v);
            assert_eq!(p, defaults, "{} does not round-trip", f.path);
        }
    }

    #[test]
    fn setters_write_the_field_they_name() {
        let mut p = Parameters::default();
        let field = parameter_fields()
            .iter()
            .find(|f| f.path == "attention.fear_half_life_days")
            .unwrap();
        (field.set)(&mut p, &Value::Integer(3));
        assert_eq!(p.attention.fear_half_life_days, 3.0);
        assert_eq!((field.get)(&p), Value::Float(3.0));
    }

    #[test]
    fn start_dates_come_from_dates_strings_and_overrides() {
        use crate::{Override, Scenario};
        let date = |s: &Scenario| s.parameters.run.start_date.map(|d| d.to_string());
        let mcp = Scenario::load("mcp", &[]).unwrap();
        assert_eq!(date(&mcp).as_deref(), Some("2024-11-25"), "a TOML date literal");
        assert_eq!(date(&Scenario::load("quiet", &[]).unwrap()), None);
        for text in ["run.start_date=2030-01-02", "run.start_date=\"2030-01-02\""] {
            let s = Scenario::load("quiet", &[Override::parse(text).unwrap()]).unwrap();
            assert_eq!(date(&s).as_deref(), Some("2030-01-02"), "{text}");
        }
        let none = Scenario::load("mcp", &[Override::parse("run.start_date=\"\"").unwrap()]).unwrap();
        assert_eq!(date(&none), None, "an empty string removes the date");
        let again = Scenario::from_text(&mcp.resolved_toml(), "resolved", &[]).unwrap();
        assert_eq!(again.parameters, mcp.parameters);
        let error = |text: &str| {
            Scenario::load("mcp", &[Override::parse(text).unwrap()])
                .unwrap_err()
                .to_string()
        };
        let e = error("run.start_date=2030-02-30");
        assert!(
            e.contains("run.start_date") && e.contains("2030-02-30") && e.contains("a date YYYY-MM-DD from 1900-01-01"),
            "{e}"
        );
        let e = error("run.start_date=2030-01-02T10:00:00");
        assert!(e.contains("run.start_date") && e.contains("a date-time"), "{e}");
    }

    #[test]
    fn paths_are_unique() {
        let paths = known_paths();
        let mut sorted = paths.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), paths.len());
    }
}
