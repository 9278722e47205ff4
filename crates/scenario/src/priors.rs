//! Priors of calibrated parameters as given on the command line:
//! `KEY=uniform:LOW:HIGH` or `KEY=log-uniform:LOW:HIGH`, for any numeric scenario key; without
//! any, the priors of the targeted statistics' drivers.

use crate::error::{Result, ScenarioError};
use crate::fields::{numeric_kind, Kind};
use crate::scenario::Scenario;
use crate::targets::TargetSet;
use esplab_experiment::calibration::statistics::default_priors;
use esplab_experiment::design::{Distribution, Factor};

/// The priors of a calibration of `scenario` against `targets`: `given` (`--param` texts), or
/// without any, the default priors of the targeted statistics' drivers (docs/calibration.md).
/// Returns the texts and their factors; a key given twice is an error.
pub fn calibration_priors(
    given: &[String],
    targets: &TargetSet,
    scenario: &Scenario,
) -> Result<(Vec<String>, Vec<Factor>)> {
    let texts: Vec<String> = if given.is_empty() {
        let targeted: Vec<_> = targets.targets.iter().map(|t| t.definition()).collect();
        let p = &scenario.parameters;
        default_priors(&targeted, p.vendors.strategy, p.standard.enabled)
            .into_iter()
            .map(String::from)
            .collect()
    } else {
        given.to_vec()
    };
    let mut factors: Vec<Factor> = Vec::new();
    for text in &texts {
        let f = parse_prior(text, scenario)?;
        if factors.iter().any(|g| g.key == f.key) {
            return Err(ScenarioError::BadOverride {
                text: format!("--param {text}"),
                reason: format!("`{}` already has a prior", f.key),
            });
        }
        factors.push(f);
    }
    Ok((texts, factors))
}

/// Parses one `--param KEY=DISTRIBUTION:LOW:HIGH` for `scenario`.
pub fn parse_prior(text: &str, scenario: &Scenario) -> Result<Factor> {
    let bad = |reason: String| ScenarioError::BadOverride {
        text: format!("--param {text}"),
        reason,
    };
    let (key, spec) = text
        .split_once('=')
        .ok_or_else(|| bad("expected KEY=uniform:LOW:HIGH or KEY=log-uniform:LOW:HIGH".into()))?;
    let key = key.trim();
    let kind = numeric_kind(key, &scenario.parameters).ok_or_else(|| {
        bad(format!(
            "`{key}` is not a numeric scenario key (see docs/parameters.md, offerings.N.security or interventions.N.tax_factor)"
        ))
    })?;
    let (range, integer) = match kind {
        Kind::Float(r) => (r, false),
        Kind::Integer(r) => (r, true),
        _ => unreachable!("numeric"),
    };
    let parts: Vec<&str> = spec.split(':').map(str::trim).collect();
    let [distribution, low, high] = parts[..] else {
        return Err(bad("expected DISTRIBUTION:LOW:HIGH after `=`".into()));
    };
    let number = |s: &str, what: &str| -> Result<f64> {
        let x: f64 = s
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
            .ok_or_else(|| bad(format!("{what} `{s}` is not a number")))?;
        if range.contains(x) {
            Ok(x)
        } else {
            Err(bad(format!(
                "{what} {x} is out of range; allowed: {range} (the range of {key})"
            )))
        }
    };
    let (low, high) = (number(low, "low")?, number(high, "high")?);
    if high <= low {
        return Err(bad(format!("high {high} must be above low {low}")));
    }
    let distribution = match distribution {
        "uniform" => Distribution::Uniform { low, high },
        "log-uniform" if low > 0.0 => Distribution::LogUniform { low, high },
        "log-uniform" => return Err(bad(format!("low {low} must be positive for log-uniform"))),
        other => {
            return Err(bad(format!(
                "distribution `{other}` is unknown; allowed: \"uniform\", \"log-uniform\""
            )))
        }
    };
    Ok(Factor {
        key: key.to_string(),
        distribution,
        integer,
        levels: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priors_parse_and_bad_ones_are_named() {
        let s = Scenario::load("mcp", &[]).unwrap();
        let f = parse_prior("vendors.tolerance=log-uniform:0.005:0.1", &s).unwrap();
        assert_eq!(f.distribution, Distribution::LogUniform { low: 0.005, high: 0.1 });
        assert!(parse_prior("regulator.lag_days=uniform:30:900", &s).unwrap().integer);
        let err = |t: &str| parse_prior(t, &s).unwrap_err().to_string();
        assert_eq!(
            err("vendors.tolerance=uniform:0.1:0.01"),
            "--param vendors.tolerance=uniform:0.1:0.01: high 0.01 must be above low 0.1"
        );
        assert!(err("vendors.tolerence=uniform:0:1").contains("`vendors.tolerence` is not a numeric scenario key"));
        assert!(err("users.harm_fear=uniform:-1:2").contains("low -1 is out of range; allowed: [0, 1000]"));
        assert!(err("users.harm_fear=normal:1:2").contains("distribution `normal` is unknown"));
        assert!(err("users.harm_fear=log-uniform:0:2").contains("must be positive"));
        assert!(err("users.harm_fear").contains("expected KEY=uniform:LOW:HIGH"));
    }
}
