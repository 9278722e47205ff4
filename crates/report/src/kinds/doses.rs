//! The report of a `leverage --doses` folder: each lever's dose-response curve with its parts
//! and real range, the intensity needed for a rise of the target, and who can pull each lever.

use crate::error::Result;
use crate::page::{cell, Figure, Report, Section, Table};
use crate::read::{json, number, text};
use crate::svg::{Band, Chart, Dots, Line, Marker, GREY, PALETTE};
use serde_json::Value;
use std::path::Path;

fn estimate(v: &Value, key: &str) -> f64 {
    number(v, &format!("/{key}/estimate"))
}

/// One lever's curve: the effect's 95% band and estimates, the mechanical part dashed, the
/// target rise as a line, and the ends of the real range as markers.
fn curve_chart(lever: &Value, target: f64) -> Chart {
    let name = text(lever, "/lever");
    let unit = text(lever, "/unit");
    let mut chart = Chart::new(
        &format!("{name}: effect on the long-run share by dose (95% band)"),
        &format!("dose ({unit})"),
        "change in the long-run share meeting the control",
    );
    let doses = lever["doses"].as_array().cloned().unwrap_or_default();
    let point = |key: &str| -> Vec<(f64, f64)> {
        std::iter::once((0.0, 0.0))
            .chain(doses.iter().map(|d| (number(d, "/dose"), estimate(d, key))))
            .collect()
    };
    chart.bands.push(Band {
        name: "effect: 95% interval".into(),
        points: std::iter::once((0.0, 0.0, 0.0))
            .chain(
                doses
                    .iter()
                    .map(|d| (number(d, "/dose"), number(d, "/effect/low"), number(d, "/effect/high"))),
            )
            .collect(),
        color: PALETTE[0],
        opacity: 0.2,
    });
    chart.lines.push(Line {
        name: "effect".into(),
        points: point("effect"),
        color: PALETTE[0],
        dashed: false,
        width: 2.0,
    });
    chart.lines.push(Line {
        name: "mechanical part".into(),
        points: point("mechanical_part"),
        color: PALETTE[2],
        dashed: true,
        width: 1.5,
    });
    chart.dots.push(Dots {
        name: "doses".into(),
        points: point("effect")[1..].to_vec(),
        color: PALETTE[0],
        radius: 3.0,
    });
    let top = doses.last().map_or(1.0, |d| number(d, "/dose"));
    chart.lines.push(Line {
        name: format!("rise of {target}"),
        points: vec![(0.0, target), (top, target)],
        color: GREY,
        dashed: true,
        width: 1.0,
    });
    for (end, label) in [("low", "real low"), ("high", "real high")] {
        if let Some(x) = lever.pointer(&format!("/real_range/{end}")).and_then(Value::as_f64) {
            chart.markers.push(Marker {
                x,
                label: format!("{label}: {x}"),
                color: PALETTE[1],
            });
        }
    }
    chart
}

/// An effect at a real end, in words: "+0.087 [0.078, 0.097]", or zero by definition.
fn at(v: &Value) -> String {
    if v.is_null() {
        return "-".into();
    }
    if v.pointer("/effect/estimate").is_none() {
        return text(v, "/note");
    }
    format!(
        "{} [{}, {}]",
        cell(number(v, "/effect/estimate")),
        cell(number(v, "/effect/low")),
        cell(number(v, "/effect/high"))
    )
}

/// The parts at a real end: mechanical / vendors / users.
fn parts(v: &Value) -> String {
    if v.pointer("/mechanical_part/estimate").is_none() {
        return "-".into();
    }
    format!(
        "{} / {} / {}",
        cell(estimate(v, "mechanical_part")),
        cell(estimate(v, "vendors_part")),
        cell(estimate(v, "shares_part"))
    )
}

/// The report of a doses folder.
pub fn report(dir: &Path, manifest: &Value) -> Result<Report> {
    let doc = json(dir, "doses.json")?;
    let target = number(&doc, "/target_rise");
    let levers = doc["levers"].as_array().cloned().unwrap_or_default();
    let figures = levers
        .iter()
        .map(|l| Figure {
            name: format!("dose-{}", text(l, "/lever")),
            caption: format!(
                "{}: the paired effect on the long-run share at each dose (blue, with its 95% band), its mechanical \
                 part (dashed), the rise of {target} (grey) and the ends of the lever's real range (markers). \
                 Needed for the rise: {}.",
                text(l, "/lever"),
                text(l, "/needed_in_words")
            ),
            svg: curve_chart(l, target).svg(),
        })
        .collect();
    let range = |l: &Value| match (
        l.pointer("/real_range/low").and_then(Value::as_f64),
        l.pointer("/real_range/high").and_then(Value::as_f64),
    ) {
        (Some(low), Some(high)) => format!("{low} to {high} {}", text(l, "/unit")),
        _ => "not sourced".to_string(),
    };
    let who = Table {
        header: [
            "who can pull it",
            "lever",
            "real intensity",
            "effect at the low end",
            "effect at the high end",
            "parts at the high end (mechanical / vendors / users)",
            "needed for the rise",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: levers
            .iter()
            .map(|l| {
                vec![
                    text(l, "/actor"),
                    text(l, "/lever"),
                    range(l),
                    at(&l["at_real_low"]),
                    at(&l["at_real_high"]),
                    parts(&l["at_real_high"]),
                    text(l, "/needed_in_words"),
                ]
            })
            .collect(),
    };
    let sources = Table {
        header: ["lever", "low end", "high end", "how", "sources"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows: levers
            .iter()
            .map(|l| {
                ["low_case", "high_case", "how", "sources"]
                    .iter()
                    .fold(vec![text(l, "/lever")], |mut row, key| {
                        row.push(text(l, &format!("/real_range/{key}")));
                        row
                    })
            })
            .collect(),
    };
    Ok(Report {
        title: format!("esplab leverage --doses: {}", text(manifest, "/scenario/name")),
        subtitle: format!(
            "{}: {} runs per dose, levers from day {}",
            dir.display(),
            number(&doc, "/runs_per_dose"),
            number(&doc, "/start_day")
        ),
        sections: vec![
            Section {
                heading: "Who can move the baseline, and how much".into(),
                paragraphs: vec![format!(
                    "The long-run share is the {}. Without levers it is {} [{}, {}]. Each lever is pulled over its \
                     real range of intensity (public figures with their sources, below); a range marked not sourced \
                     has no public figure, and only its curve is shown. {}",
                    text(&doc, "/metric_meaning"),
                    cell(number(&doc, "/base_long_run_baseline/estimate")),
                    cell(number(&doc, "/base_long_run_baseline/low")),
                    cell(number(&doc, "/base_long_run_baseline/high")),
                    text(&doc, "/decomposition")
                )],
                figures: Vec::new(),
                tables: vec![who],
            },
            Section {
                heading: "Dose-response".into(),
                paragraphs: Vec::new(),
                figures,
                tables: Vec::new(),
            },
            Section {
                heading: "Where the real ranges come from".into(),
                paragraphs: Vec::new(),
                figures: Vec::new(),
                tables: vec![sources],
            },
        ],
    })
}
