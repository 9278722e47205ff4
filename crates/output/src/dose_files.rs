//! Files of `leverage --doses`: each lever's dose-response curve with its real range of
//! intensity, the intensity needed to raise the long-run share by [`TARGET_RISE`], and who can
//! pull each lever (`doses.json`), one row per dose (`doses.csv`), and the manifest.

use crate::comparison_files::{write_experiment, DECOMPOSITION};
use crate::error::Result;
use crate::journal::PairedJournal;
use crate::table::{Column, Table};
use esplab_experiment::compare::CONFIDENCE;
use esplab_experiment::doses::{Curve, RealRange, TARGET_RISE};
use esplab_experiment::leverage::{verdict, LeverEffect};
use esplab_experiment::levers::LeverSetup;
use esplab_experiment::statistics::Interval;
use esplab_scenario::Scenario;
use serde_json::{json, Value};
use std::path::Path;

fn interval(i: &Interval) -> Value {
    json!({"estimate": i.estimate, "low": i.low, "high": i.high})
}

fn effect_json(e: &LeverEffect) -> Value {
    json!({
        "effect": interval(&e.effect),
        "mechanical_part": interval(&e.mechanical),
        "vendors_part": interval(&e.vendors),
        "shares_part": interval(&e.shares),
        "verdict": verdict(&e.effect),
    })
}

fn real_json(r: &RealRange) -> Value {
    json!({
        "low": r.low,
        "high": r.high,
        "scenario": r.scenario,
        "low_case": r.low_case,
        "high_case": r.high_case,
        "sources": r.sources,
        "how": r.how,
    })
}

/// The effect at one end of a real range: zero by definition at a dose of zero (nothing is
/// pulled), the measured effect otherwise.
fn at_end(curve: &Curve, dose: f64) -> Value {
    if dose <= 0.0 {
        return json!({"dose": dose, "effect": {"estimate": 0.0, "low": 0.0, "high": 0.0}, "note": "no lever: zero by definition"});
    }
    match curve.effect_at(dose) {
        Some(e) => {
            let mut v = effect_json(e);
            v["dose"] = json!(dose);
            v
        }
        None => json!({"dose": dose, "note": "not one of the doses"}),
    }
}

/// What a curve says of the intensity needed, in words.
pub fn needed_words(curve: &Curve, unit: &str) -> String {
    let top = curve.points.last().map_or(0.0, |p| p.0);
    match curve.needed {
        Some(d) => {
            let real = match curve.real.as_ref().and_then(RealRange::ends) {
                Some((low, _)) if d < low - 1e-9 => ", below the real range (its whole range reaches the rise)",
                Some((_, high)) if d <= high + 1e-9 => ", within the real range",
                Some(_) => ", beyond the real range",
                None => "",
            };
            format!("{d:.3} {unit}{real}")
        }
        None => format!("not within the doses (up to {top} {unit})"),
    }
}

/// The doses document (`doses.json`).
pub fn doses_document(setup: &LeverSetup, curves: &[Curve], base: &Interval, runs: u64, scenario: &str) -> Value {
    let unit = |c: &Curve| esplab_experiment::leverage::unit(c.kind);
    let levers: Vec<Value> = curves
        .iter()
        .map(|c| {
            let ends = c.real.as_ref().and_then(RealRange::ends);
            json!({
                "lever": c.kind.name(),
                "unit": unit(c),
                "actor": c.real.as_ref().map(|r| r.actor.clone()),
                "real_range": c.real.as_ref().map(real_json),
                "needed_for_target_rise": c.needed,
                "needed_in_words": needed_words(c, unit(c)),
                "at_real_low": ends.map(|(low, _)| at_end(c, low)),
                "at_real_high": ends.map(|(_, high)| at_end(c, high)),
                "doses": c.points.iter().map(|(dose, e)| {
                    let mut v = effect_json(e);
                    v["dose"] = json!(dose);
                    v["meaning"] = json!(setup.levers[e.lever].meaning);
                    v["in_real_range"] = json!(c.in_real_range(*dose));
                    v
                }).collect::<Vec<Value>>(),
            })
        })
        .collect();
    json!({
        "scenario": scenario,
        "metric": "long_run_baseline",
        "metric_meaning": "mean over the last 365 days of the horizon of the share of deployments meeting the control",
        "confidence": CONFIDENCE,
        "runs_per_dose": runs,
        "start_day": setup.start,
        "heroic_offering": setup.heroic_name,
        "target_rise": TARGET_RISE,
        "base_long_run_baseline": interval(base),
        "decomposition": DECOMPOSITION,
        "real_ranges": "data/lever_intensities.csv: public figures with their sources; a lever with none says why",
        "levers": levers,
        "actors": actors(curves),
    })
}

/// Who can pull each lever: the actors of the real ranges, each with its levers, in the order
/// the actors first appear.
fn actors(curves: &[Curve]) -> Vec<Value> {
    let mut order: Vec<String> = Vec::new();
    for c in curves {
        if let Some(r) = &c.real {
            if !order.contains(&r.actor) {
                order.push(r.actor.clone());
            }
        }
    }
    order
        .iter()
        .map(|actor| {
            let levers: Vec<Value> = curves
                .iter()
                .filter(|c| c.real.as_ref().is_some_and(|r| &r.actor == actor))
                .map(|c| {
                    let ends = c.real.as_ref().and_then(RealRange::ends);
                    json!({
                        "lever": c.kind.name(),
                        "real_low": ends.map(|e| e.0),
                        "real_high": ends.map(|e| e.1),
                        "at_real_low": ends.map(|(low, _)| at_end(c, low)),
                        "at_real_high": ends.map(|(_, high)| at_end(c, high)),
                        "over_the_doses": c.points.first().zip(c.points.last()).map(|(a, b)| json!({
                            "lowest_dose": a.0, "effect_at_lowest": a.1.effect.estimate,
                            "highest_dose": b.0, "effect_at_highest": b.1.effect.estimate,
                        })),
                    })
                })
                .collect();
            json!({"actor": actor, "levers": levers})
        })
        .collect()
}

/// The doses table (`doses.csv`, and Python's `leverage(doses=True)`): one row per lever and dose.
pub fn doses_table(curves: &[Curve]) -> Table {
    let rows: Vec<(&Curve, f64, &LeverEffect)> = curves
        .iter()
        .flat_map(|c| c.points.iter().map(move |(d, e)| (c, *d, e)))
        .collect();
    let text = |f: &dyn Fn(&(&Curve, f64, &LeverEffect)) -> String| Column::Text(rows.iter().map(f).collect());
    let number = |f: &dyn Fn(&(&Curve, f64, &LeverEffect)) -> f64| Column::Number(rows.iter().map(f).collect());
    Table {
        names: [
            "lever",
            "dose",
            "unit",
            "in_real_range",
            "effect",
            "low",
            "high",
            "mechanical_part",
            "vendors_part",
            "shares_part",
            "adoption_effect",
            "loss_effect",
            "verdict",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        columns: vec![
            text(&|r| r.0.kind.name().to_string()),
            number(&|r| r.1),
            text(&|r| esplab_experiment::leverage::unit(r.0.kind).to_string()),
            text(&|r| if r.0.in_real_range(r.1) { "yes" } else { "no" }.to_string()),
            number(&|r| r.2.effect.estimate),
            number(&|r| r.2.effect.low),
            number(&|r| r.2.effect.high),
            number(&|r| r.2.mechanical.estimate),
            number(&|r| r.2.vendors.estimate),
            number(&|r| r.2.shares.estimate),
            number(&|r| r.2.adoption.estimate),
            number(&|r| r.2.loss.estimate),
            text(&|r| verdict(&r.2.effect).to_string()),
        ],
    }
}

/// Writes `doses.json`, `doses.csv` (from `table`) and the manifest into `dir`; the journal of
/// the runs, if any, is removed just before the manifest is written.
pub fn write_doses(
    dir: &Path,
    json: &Value,
    table: &Table,
    scenario: &Scenario,
    settings: Value,
    journal: Option<PairedJournal>,
) -> Result<()> {
    write_experiment(
        dir,
        "leverage",
        &[("scenario", scenario)],
        settings,
        ("doses.json", json),
        &[("doses.csv", table)],
        journal,
    )
}
