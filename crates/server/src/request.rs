//! Requests of `POST /api/run`: JSON settings, checked against the server's limits and turned
//! into the parameters of the simulations to stream. Only presets can be named: a request
//! never reads or writes a file.

use esplab_experiment::levers::pull;
use esplab_model::{InterventionKind, Parameters};
use esplab_scenario::{presets, Override, Scenario, Settings, Spelling};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Caps on what one request may ask for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub max_users: u32,
    pub max_years: f64,
    pub max_runs: u32,
    /// Simulations running at once (further requests get 429).
    pub max_concurrent: usize,
    /// Largest request body in bytes (larger ones get 413).
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_users: 200_000,
            max_years: 20.0,
            max_runs: 200,
            max_concurrent: 2,
            max_body_bytes: 16 * 1024,
        }
    }
}

/// What the explorer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One run, streamed day by day.
    Run,
    /// Many runs; bands fill in as runs finish.
    Ensemble,
    /// Two arms (without and with the lever) with common random numbers.
    Ab,
}

/// The JSON body of `POST /api/run`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// A preset name.
    pub scenario: String,
    #[serde(default = "run_mode")]
    pub mode: Mode,
    pub users: Option<u32>,
    pub years: Option<f64>,
    pub seed: Option<u64>,
    /// Runs of an ensemble, or pairs of an A/B comparison.
    pub runs: Option<u32>,
    /// Overrides of scenario fields: `{"vendors.tolerance": 0.05}`.
    #[serde(default)]
    pub set: Map<String, Value>,
    /// A standard lever (as in `esplab leverage`): pulled in run and ensemble mode, and in arm B
    /// of an A/B comparison.
    pub lever: Option<String>,
    /// Day from which the lever is pulled (default: one fifth into the horizon).
    pub lever_day: Option<u32>,
    /// Stream the agent view: a weekly frame of up to 16,384 of the simulated users (run mode,
    /// and pair 0 of A/B mode).
    #[serde(default)]
    pub agents: bool,
}

fn run_mode() -> Mode {
    Mode::Run
}

/// A request that failed: the field at fault and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub field: String,
    pub message: String,
}

impl Rejection {
    fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A checked request: the parameters of arm A (and B), and how many runs.
#[derive(Debug, Clone)]
pub struct Job {
    pub mode: Mode,
    pub scenario: String,
    pub base: Parameters,
    /// Arm B of an A/B comparison.
    pub variant: Option<Parameters>,
    pub runs: u32,
    pub lever: Option<String>,
    /// Whether to stream the agent view.
    pub agents: bool,
}

/// Parses and checks a request body.
pub fn parse(body: &[u8], limits: &Limits) -> Result<Job, Rejection> {
    let request: RunRequest =
        serde_json::from_slice(body).map_err(|e| Rejection::new("body", format!("invalid JSON settings: {e}")))?;
    let Some(text) = presets::text(&request.scenario) else {
        return Err(Rejection::new(
            "scenario",
            format!(
                "{:?} is not a preset; allowed: {}",
                request.scenario,
                presets::names().join(", ")
            ),
        ));
    };
    let mut set = Vec::new();
    for (key, value) in &request.set {
        let value = match value {
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::String(s) => format!("{s:?}"),
            other => {
                return Err(Rejection::new(
                    &format!("set.{key}"),
                    format!("expected a number, boolean or string, found {other}"),
                ))
            }
        };
        set.push(Override::option(&format!("set.{key}"), key, value));
    }
    if let Some(users) = request.users {
        if users == 0 || users > limits.max_users {
            return Err(Rejection::new(
                "users",
                format!(
                    "value {users} is out of range; allowed: [1, {}] on this server",
                    limits.max_users
                ),
            ));
        }
    }
    if let Some(years) = request.years {
        if !(years > 0.0 && years <= limits.max_years) {
            return Err(Rejection::new(
                "years",
                format!(
                    "value {years} is out of range; allowed: (0, {}] on this server",
                    limits.max_years
                ),
            ));
        }
    }
    let settings = Settings {
        set,
        seed: request.seed,
        users: request.users.map(u64::from),
        years: request.years,
    };
    let overrides = settings.overrides(Spelling::Server);
    let scenario = Scenario::from_text(text, &format!("preset:{}", request.scenario), &overrides).map_err(|e| {
        let message = e.to_string();
        let field = request
            .set
            .keys()
            .find(|k| message.contains(k.as_str()))
            .map(|k| format!("set.{k}"))
            .unwrap_or_else(|| "set".into());
        Rejection::new(&field, message)
    })?;
    let p = scenario.parameters;
    if p.run.users > limits.max_users {
        return Err(Rejection::new(
            "users",
            format!(
                "the scenario asks for {} users; allowed: at most {} on this server",
                p.run.users, limits.max_users
            ),
        ));
    }
    if p.run.years > limits.max_years {
        return Err(Rejection::new(
            "years",
            format!(
                "the scenario asks for {} years; allowed: at most {} on this server",
                p.run.years, limits.max_years
            ),
        ));
    }
    let runs = request.runs.unwrap_or(match request.mode {
        Mode::Run => 1,
        _ => 20,
    });
    if runs == 0 || runs > limits.max_runs {
        return Err(Rejection::new(
            "runs",
            format!(
                "value {runs} is out of range; allowed: [1, {}] on this server",
                limits.max_runs
            ),
        ));
    }
    let lever = match &request.lever {
        None => None,
        Some(name) => {
            let pulled = pull(&p, request.lever_day, name).map_err(|e| Rejection::new("lever_day", e.to_string()))?;
            let Some((lever, pulled)) = pulled else {
                return Err(Rejection::new(
                    "lever",
                    format!(
                        "{name:?} is not a lever; allowed: {}",
                        InterventionKind::NAMES.join(", ")
                    ),
                ));
            };
            Some((lever.meaning, pulled))
        }
    };
    if request.agents && request.mode == Mode::Ensemble {
        return Err(Rejection::new(
            "agents",
            "the agent view shows one run (run mode) or one pair (A/B mode), not an ensemble",
        ));
    }
    let (base, variant, lever) = match (request.mode, lever) {
        (Mode::Ab, None) => {
            return Err(Rejection::new(
                "lever",
                "A/B mode compares without and with a lever: name one",
            ))
        }
        (Mode::Ab, Some((meaning, pulled))) => (p, Some(pulled), Some(meaning)),
        (_, Some((meaning, pulled))) => (pulled, None, Some(meaning)),
        (_, None) => (p, None, None),
    };
    Ok(Job {
        mode: request.mode,
        scenario: request.scenario,
        base,
        variant,
        runs,
        lever,
        agents: request.agents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reject(body: &str) -> Rejection {
        parse(body.as_bytes(), &Limits::default()).unwrap_err()
    }

    #[test]
    fn good_requests_give_the_parameters_of_the_cli() {
        let job = parse(
            br#"{"scenario":"mcp","users":5000,"years":2,"seed":7,"set":{"excitement.base":1.5}}"#,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(job.mode, Mode::Run);
        let cli = Scenario::load(
            "mcp",
            &[
                Override::parse("excitement.base=1.5").unwrap(),
                Override::option("--users", "run.users", 5000),
                Override::option("--years", "run.years", 2),
                Override::option("--seed", "run.seed", 7),
            ],
        )
        .unwrap();
        assert_eq!(job.base, cli.parameters);
        let ab = parse(
            br#"{"scenario":"mcp","mode":"ab","lever":"disclosure","runs":4}"#,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(ab.runs, 4);
        assert_eq!(ab.variant.unwrap().interventions.len(), ab.base.interventions.len() + 1);
    }

    #[test]
    fn bad_requests_name_the_field() {
        assert_eq!(reject(r#"{"scenario":"/etc/passwd"}"#).field, "scenario");
        assert_eq!(reject(r#"{"scenario":"mcp","users":100000000}"#).field, "users");
        assert_eq!(reject(r#"{"scenario":"mcp","years":500}"#).field, "years");
        assert_eq!(
            reject(r#"{"scenario":"mcp","mode":"ensemble","runs":100000}"#).field,
            "runs"
        );
        let r = reject(r#"{"scenario":"mcp","set":{"vendors.tolerance":7}}"#);
        assert_eq!(r.field, "set.vendors.tolerance");
        assert!(r.message.contains("out of range"), "{}", r.message);
        assert_eq!(reject(r#"{"scenario":"mcp","mode":"ab"}"#).field, "lever");
        assert_eq!(reject(r#"{"scenario":"mcp","lever":"prayer"}"#).field, "lever");
        let r = reject(r#"{"scenario":"mcp","lever":"shock","lever_day":999999}"#);
        assert_eq!(r.field, "lever_day");
        assert!(r.message.contains("before the end of the horizon"), "{}", r.message);
        let r = reject(r#"{"scenario":"mcp","colour":"red"}"#);
        assert!(r.message.contains("unknown field `colour`"), "{}", r.message);
        assert_eq!(reject("not json").field, "body");
        assert_eq!(
            reject(r#"{"scenario":"mcp","mode":"ensemble","agents":true}"#).field,
            "agents"
        );
    }
}
