//! The registry's readers against the model (an emergent check of the registry, not of the
//! model): every field of the registry, changed in turn in a small `mcp` market under each
//! vendor strategy and with each optional mechanism off, changes the model's output exactly
//! when the registry says a mechanism of that market reads it. Labels must change nothing.

use esplab_model::{run, Recorder};
use esplab_scenario::fields::{offering_fields, parameter_fields, Kind};
use esplab_scenario::readers::{offering_reader, reader, Reader};
use esplab_scenario::value::Value;
use esplab_scenario::{Override, Scenario};

/// A value of `kind` well away from `value` (a change small enough to fall between two events
/// would prove nothing), in its allowed range.
fn changed(path: &str, kind: &Kind, value: &Value) -> String {
    match (kind, value) {
        // A threshold (a level, or a streak of days) lowered lets its mechanism act where it
        // did not.
        (Kind::Float(range), Value::Float(x))
            if path.ends_with("threshold") && *x > 0.0 && range.contains(x / 10.0) =>
        {
            format!("{:?}", x / 10.0)
        }
        (Kind::Integer(range), Value::Integer(i))
            if path.ends_with("outcry_days") && range.contains((i / 3) as f64) =>
        {
            (i / 3).to_string()
        }
        (Kind::Float(range), Value::Float(x)) => {
            // The middle of a range as wide as money's would be no test of a share.
            let middle = if range.high <= 1e4 {
                (range.low + range.high) / 2.0
            } else {
                x * 3.0
            };
            [x * 10.0, x * 3.0, middle, x + 1.0, x + 0.1, x * 0.3, x / 10.0]
                .into_iter()
                .find(|c| (c - x).abs() > 1e-9 * x.abs().max(1.0) && range.contains(*c))
                .map(|c| format!("{c:?}"))
                .expect("a float field has room to change")
        }
        (Kind::Integer(range), Value::Integer(i)) => [i * 10, i * 3, i + 10, i + 1, i / 3, i - 1]
            .into_iter()
            .find(|c| c != i && range.contains(*c as f64))
            .map(|c| c.to_string())
            .expect("an integer field has room to change"),
        (Kind::Bool, Value::Bool(b)) => (!b).to_string(),
        (Kind::Text, Value::Text(t)) => format!("\"{t} (changed)\""),
        (Kind::Choice(options), Value::Text(t)) => format!("\"{}\"", options.iter().find(|o| **o != t).unwrap()),
        (Kind::Date, Value::Text(t)) if t.is_empty() => "\"2025-03-01\"".into(),
        (Kind::Date, _) => "\"\"".into(),
        (kind, value) => panic!("no change for {kind:?} {value:?}"),
    }
}

/// Every number the model reported, to 9 significant digits (so that a change of a field that
/// only reorders a sum's rounding is no change), with every event and flow.
fn fingerprint(scenario: &Scenario) -> String {
    let mut recorder = Recorder::default();
    run(&scenario.parameters, &mut recorder);
    let text = format!(
        "{:?}{:?}{:?}{:?}",
        recorder.days, recorder.offerings, recorder.events, recorder.flows
    );
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        match token.parse::<f64>() {
            Ok(x) if token.contains(['.', 'e']) => out.push_str(&format!("{x:.8e}")),
            _ => out.push_str(token),
        }
        token.clear();
    };
    for c in text.chars() {
        let numeric = c.is_ascii_digit() || c == '.' || ((c == 'e' || c == '-') && !token.is_empty());
        if numeric && (!token.is_empty() || c.is_ascii_digit()) {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

fn load(sets: &[String]) -> Scenario {
    let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
    Scenario::load("mcp", &overrides).unwrap()
}

/// The fields whose change disagrees with their reader in the market `context`.
fn disagreements(context: &[&str]) -> Vec<String> {
    // A small market with a mega-incident in its second year, so that outcry moves the regulator.
    let mut sets: Vec<String> = [
        "run.users=3000",
        "run.years=4",
        "interventions.0.kind=\"shock\"",
        "interventions.0.day=400",
        "interventions.0.size=1e9",
    ]
    .iter()
    .chain(context)
    .map(|s| s.to_string())
    .collect();
    let base = load(&sets);
    let reference = fingerprint(&base);
    let mut fields: Vec<(String, Reader, String)> = parameter_fields()
        .iter()
        .filter(|f| !matches!(f.path, "run.users" | "run.years"))
        .map(|f| {
            (
                f.path.to_string(),
                reader(f.path),
                changed(f.path, &f.kind, &(f.get)(&base.parameters)),
            )
        })
        .collect();
    fields.extend(offering_fields().iter().map(|f| {
        (
            format!("offerings.0.{}", f.path),
            offering_reader(f.path),
            changed(f.path, &f.kind, &(f.get)(&base.parameters.offerings[0])),
        )
    }));
    let mut wrong = Vec::new();
    for (path, reader, value) in fields {
        sets.push(format!("{path}={value}"));
        let moved = fingerprint(&load(&sets)) != reference;
        sets.pop();
        let expected = reader.reads(&base.parameters) && reader != Reader::Label;
        if moved != expected {
            let said = if expected { "read" } else { "not read" };
            let did = if moved { "changed" } else { "left unchanged" };
            wrong.push(format!(
                "[{}] {path}={value}: the registry says {said} ({}), the change {did} the run",
                context.join(" "),
                reader.short()
            ));
        }
    }
    wrong
}

#[test]
fn every_field_changes_a_run_exactly_when_its_reader_reads_it() {
    let contexts: &[&[&str]] = &[
        &["vendors.strategy=\"reactive\""],
        &["vendors.strategy=\"economic\""],
        &["vendors.strategy=\"random\""],
        &["vendors.strategy=\"economic\"", "regulator.enabled=false"],
        &["vendors.strategy=\"reactive\"", "standard.enabled=false"],
        &["vendors.strategy=\"economic\"", "regulator.agenda_threshold=20"],
        &["network.kind=\"none\""],
        &["network.kind=\"barabasi-albert\""],
    ];
    let wrong: Vec<String> = std::thread::scope(|scope| {
        let jobs: Vec<_> = contexts.iter().map(|c| scope.spawn(|| disagreements(c))).collect();
        jobs.into_iter().flat_map(|j| j.join().unwrap()).collect()
    });
    assert!(wrong.is_empty(), "{} disagreements:\n{}", wrong.len(), wrong.join("\n"));
}
