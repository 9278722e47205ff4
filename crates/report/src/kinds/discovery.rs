//! The report of a discovery folder: PRIM's peeling trajectory (coverage against density), the
//! chosen box's restrictions with their quasi-p-values, and the points in the plane of the box's
//! first two restricted factors.

use crate::error::Result;
use crate::page::{cell, Figure, Report, Section, Table};
use crate::read::{json, number, text, CsvTable};
use crate::svg::{Chart, Dots, Line, PALETTE};
use serde_json::Value;
use std::path::Path;

/// The report of discovery folder `dir`.
pub fn report(dir: &Path, manifest: &Value) -> Result<Report> {
    let doc = json(dir, "discovery.json")?;
    let trajectory = CsvTable::read(dir, "trajectory.csv")?;
    let points = CsvTable::read(dir, "points.csv")?;
    let chosen = &doc["chosen"];
    let step = number(chosen, "/step");
    let (coverage, density) = (trajectory.numbers("coverage")?, trajectory.numbers("density")?);
    let mut chart = Chart::new("Peeling trajectory", "coverage", "density");
    chart.y_range = Some((0.0, 1.05));
    chart.lines.push(Line {
        name: "trajectory".into(),
        points: coverage.iter().copied().zip(density.iter().copied()).collect(),
        color: PALETTE[0],
        dashed: false,
        width: 1.5,
    });
    chart.dots.push(Dots {
        name: "box".into(),
        points: coverage.iter().copied().zip(density.iter().copied()).collect(),
        color: PALETTE[0],
        radius: 2.5,
    });
    chart.dots.push(Dots {
        name: format!("step {step}"),
        points: vec![(number(chosen, "/coverage"), number(chosen, "/density"))],
        color: PALETTE[1],
        radius: 6.0,
    });
    let threshold = number(&doc, "/settings/threshold");
    chart.lines.push(Line {
        name: format!("threshold {threshold}"),
        points: vec![
            (coverage.iter().copied().fold(1.0, f64::min), threshold),
            (1.0, threshold),
        ],
        color: PALETTE[7],
        dashed: true,
        width: 1.0,
    });
    let restrictions: Vec<Value> = chosen["restrictions"].as_array().cloned().unwrap_or_default();
    let qp = |v: &Value| v.as_f64().map(|p| format!("{p:.2e}")).unwrap_or_else(|| "-".into());
    let table = Table {
        header: [
            "factor",
            "lower",
            "upper",
            "data range",
            "quasi-p lower",
            "quasi-p upper",
        ]
        .map(String::from)
        .to_vec(),
        rows: restrictions
            .iter()
            .map(|r| {
                vec![
                    text(r, "/factor"),
                    cell(number(r, "/lower")),
                    cell(number(r, "/upper")),
                    format!(
                        "[{}, {}]",
                        cell(number(r, "/data_range/0")),
                        cell(number(r, "/data_range/1"))
                    ),
                    qp(&r["quasi_p_lower"]),
                    qp(&r["quasi_p_upper"]),
                ]
            })
            .collect(),
    };
    let condition = text(&doc, "/condition");
    let unit = text(&doc, "/unit");
    let mut sections = vec![Section {
        heading: format!("Where {condition}"),
        paragraphs: vec![
            format!(
                "{} of {} {unit}s meet the condition (base density {}). {}",
                number(&doc, "/of_interest"),
                number(&doc, "/points"),
                cell(number(&doc, "/base_density")),
                text(&doc, "/method"),
            ),
            format!(
                "Step {step} of {} holds {} of the cases of interest (coverage) in {} of the {unit}s (mass); {} of the {unit}s in it meet the condition (density){}. A quasi-p-value is the chance of so many cases in the box if the restriction were dropped; small values mean the restriction matters.",
                number(&doc, "/steps"),
                cell(number(chosen, "/coverage")),
                cell(number(chosen, "/mass")),
                cell(number(chosen, "/density")),
                if doc["meets_threshold"].as_bool() == Some(true) {
                    String::new()
                } else {
                    format!(", below the density threshold {threshold}")
                }
            ),
        ],
        figures: vec![Figure {
            name: "discovery-trajectory".into(),
            caption: "Coverage against density of every box PRIM peeled and pasted; the reported box is marked.".into(),
            svg: chart.svg(),
        }],
        tables: vec![table],
    }];
    if restrictions.len() >= 2 {
        let (a, b) = (text(&restrictions[0], "/factor"), text(&restrictions[1], "/factor"));
        let (xa, xb) = (points.numbers(&a)?, points.numbers(&b)?);
        let interest = points.numbers("of_interest")?;
        let mut scatter = Chart::new(&format!("{a} and {b}"), &a, &b);
        for (flag, name, color) in [(0.0, "other", PALETTE[5]), (1.0, "case of interest", PALETTE[1])] {
            scatter.dots.push(Dots {
                name: name.into(),
                points: (0..xa.len())
                    .filter(|&i| interest[i] == flag)
                    .map(|i| (xa[i], xb[i]))
                    .collect(),
                color,
                radius: 3.0,
            });
        }
        let (a0, a1) = (number(&restrictions[0], "/lower"), number(&restrictions[0], "/upper"));
        let (b0, b1) = (number(&restrictions[1], "/lower"), number(&restrictions[1], "/upper"));
        scatter.lines.push(Line {
            name: format!("box of step {step}"),
            points: vec![(a0, b0), (a1, b0), (a1, b1), (a0, b1), (a0, b0)],
            color: PALETTE[7],
            dashed: false,
            width: 1.5,
        });
        sections.push(Section {
            heading: "The box among the points".into(),
            paragraphs: vec![format!(
                "Every {unit} in the plane of the box's first two restricted factors; the box's other restrictions are not drawn."
            )],
            figures: vec![Figure {
                name: "discovery-box".into(),
                caption: format!("The {unit}s by {a} and {b}, cases of interest in orange, and the box."),
                svg: scatter.svg(),
            }],
            tables: vec![],
        });
    }
    Ok(Report {
        title: format!("esplab discover: {condition}"),
        subtitle: format!(
            "{}: {} from {}",
            dir.display(),
            text(manifest, "/settings/scenario"),
            text(manifest, "/settings/source")
        ),
        sections,
    })
}
