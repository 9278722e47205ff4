//! esplab's Sobol' analysis reproduces SALib's on the same design: the design rows and the point
//! estimates of SALib 1.6.0 (`tests/fixtures/salib_ishigami.json`, written by the script beside
//! it) for the Ishigami function with N = 1024.

use esplab_experiment::sensitivity::{ishigami, ishigami_analytic, saltelli_design, sobol_indices};
use std::f64::consts::PI;

fn fixture() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/salib_ishigami.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

#[test]
fn design_and_indices_match_salib() {
    let f = fixture();
    let n = f["N"].as_u64().unwrap() as usize;
    let design = saltelli_design(3, n);
    assert_eq!(design.len(), f["rows"].as_u64().unwrap() as usize);
    let scaled = |u: &[f64]| u.iter().map(|x| -PI + 2.0 * PI * x).collect::<Vec<f64>>();
    for (row, expected) in design.iter().zip(f["first_rows"].as_array().unwrap()) {
        let expected = floats(expected);
        for (a, b) in scaled(row).iter().zip(&expected) {
            assert!((a - b).abs() < 1e-12, "design row {row:?} vs {expected:?}");
        }
    }
    let last = floats(&f["last_row"]);
    for (a, b) in scaled(design.last().unwrap()).iter().zip(&last) {
        assert!((a - b).abs() < 1e-12);
    }
    let y: Vec<f64> = design.iter().map(|u| ishigami(u)).collect();
    let s = sobol_indices(&y, 3, n, 100, 0.95, 1);
    let (s1, st) = (floats(&f["S1"]), floats(&f["ST"]));
    for j in 0..3 {
        assert!(
            (s.first[j] - s1[j]).abs() < 1e-9,
            "S1[{j}]: esplab {} SALib {}",
            s.first[j],
            s1[j]
        );
        assert!(
            (s.total[j] - st[j]).abs() < 1e-9,
            "ST[{j}]: esplab {} SALib {}",
            s.total[j],
            st[j]
        );
    }
    // Bootstrap half-widths depend on the resampling stream, so they agree in size, not digits.
    let (c1, ct) = (floats(&f["S1_conf"]), floats(&f["ST_conf"]));
    for j in 0..3 {
        assert!(
            (s.first_confidence[j] / c1[j] - 1.0).abs() < 0.35,
            "S1_conf[{j}] {} vs {}",
            s.first_confidence[j],
            c1[j]
        );
        assert!(
            (s.total_confidence[j] / ct[j] - 1.0).abs() < 0.35,
            "ST_conf[{j}] {} vs {}",
            s.total_confidence[j],
            ct[j]
        );
    }
    // And both are near the analytic indices.
    let (first, total) = ishigami_analytic();
    for j in 0..3 {
        assert!((s.first[j] - first[j]).abs() < 0.05 && (s.total[j] - total[j]).abs() < 0.05);
    }
}
