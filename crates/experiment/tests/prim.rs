//! esplab's PRIM reproduces the EMA Workbench's step by step: on both problems of
//! `tests/fixtures/ema_prim.json` (written by EMA Workbench 2.5.3 with the script beside it), every
//! box of the peeling and pasting trajectory has the same limits, coverage, density, mass and
//! restricted factors, and the same quasi-p-values.

use esplab_experiment::discovery::{prim, PrimSettings};
use serde_json::Value;

fn fixture() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ema_prim.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1e-300) || (a - b).abs() < 1e-12
}

#[test]
fn trajectories_match_ema_workbench() {
    let f = fixture();
    let s = &f["settings"];
    let settings = PrimSettings {
        threshold: s["threshold"].as_f64().unwrap(),
        peel_alpha: s["peel_alpha"].as_f64().unwrap(),
        paste_alpha: s["paste_alpha"].as_f64().unwrap(),
        mass_min: s["mass_min"].as_f64().unwrap(),
    };
    for (name, problem) in f["problems"].as_object().unwrap() {
        let factors: Vec<String> = problem["factors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let x: Vec<Vec<f64>> = problem["x"].as_array().unwrap().iter().map(floats).collect();
        let y: Vec<bool> = problem["y"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_bool().unwrap())
            .collect();
        let ours = prim(&x, &y, &settings).unwrap();
        let theirs = problem["trajectory"].as_array().unwrap();
        assert_eq!(ours.steps.len(), theirs.len(), "{name}: trajectory length");
        assert!(ours.steps.len() > 10, "{name}: the fixture exercises many steps");
        for (i, (a, b)) in ours.steps.iter().zip(theirs).enumerate() {
            let at = format!("{name} step {i}");
            for (field, value) in [("coverage", a.coverage), ("density", a.density), ("mass", a.mass)] {
                assert!(
                    close(value, b[field].as_f64().unwrap()),
                    "{at}: {field} {value} vs {}",
                    b[field]
                );
            }
            assert_eq!(a.cases as u64, b["cases"].as_u64().unwrap(), "{at}: cases");
            assert_eq!(
                a.of_interest as u64,
                b["of_interest"].as_u64().unwrap(),
                "{at}: of interest"
            );
            assert_eq!(
                a.restricted(&ours.initial).len() as u64,
                b["restricted"].as_u64().unwrap(),
                "{at}"
            );
            for (j, factor) in factors.iter().enumerate() {
                let limits = floats(&b["limits"][factor]);
                assert_eq!(a.limits[j].to_vec(), limits, "{at}: limits of {factor}");
                let expected = &b["quasi_p"][factor];
                if expected.is_null() {
                    assert_eq!(a.quasi_p[j], [None, None], "{at}: {factor} is not restricted");
                    continue;
                }
                for (side, e) in floats(expected).into_iter().enumerate() {
                    match a.quasi_p[j][side] {
                        None => assert_eq!(e, -1.0, "{at}: {factor} side {side}"),
                        Some(p) => assert!(close(p, e), "{at}: quasi-p of {factor} side {side}: {p} vs {e}"),
                    }
                }
            }
        }
    }
}
