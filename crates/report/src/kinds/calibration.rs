//! The report of a calibration folder: posterior marginals and posterior-predictive checks.

use crate::error::Result;
use crate::page::{cell, Figure, Report, Section, Table};
use crate::read::{json, number, text, CsvTable};
use crate::svg::{histogram, IntervalChart, IntervalRow, Marker, PALETTE};
use serde_json::Value;
use std::path::Path;

/// The report of calibration folder `dir`.
pub fn report(dir: &Path, manifest: &Value) -> Result<Report> {
    let doc = json(dir, "calibration.json")?;
    let posterior = CsvTable::read(dir, "posterior.csv")?;
    let weights = posterior.numbers("weight")?;
    let mut marginals = Vec::new();
    let mut table = Table {
        header: [
            "parameter",
            "median",
            "95% credible interval",
            "prior",
            "narrowed by the data",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: vec![],
    };
    for (k, p) in doc["posterior"].as_array().into_iter().flatten().enumerate() {
        let key = text(p, "/key");
        let values = posterior.numbers(&key)?;
        let mut chart = histogram(
            &format!("Posterior of {key}"),
            &key,
            &values,
            &weights,
            20,
            PALETTE[k % PALETTE.len()],
        );
        for (x, label) in [
            (number(p, "/credible_95/0"), "2.5%"),
            (number(p, "/median"), "median"),
            (number(p, "/credible_95/1"), "97.5%"),
        ] {
            chart.markers.push(Marker {
                x,
                label: label.into(),
                color: PALETTE[7],
            });
        }
        marginals.push(Figure {
            name: format!("posterior-{key}"),
            caption: format!(
                "Weighted posterior of {key}, with its median and 95% credible interval; prior {} [{}, {}].",
                text(p, "/prior/distribution"),
                number(p, "/prior/low"),
                number(p, "/prior/high")
            ),
            svg: chart.svg(),
        });
        table.rows.push(vec![
            key,
            cell(number(p, "/median")),
            format!(
                "[{}, {}]",
                cell(number(p, "/credible_95/0")),
                cell(number(p, "/credible_95/1"))
            ),
            format!(
                "{} [{}, {}]",
                text(p, "/prior/distribution"),
                number(p, "/prior/low"),
                number(p, "/prior/high")
            ),
            p.get("narrowing")
                .and_then(Value::as_f64)
                .map_or_else(String::new, |n| format!("{:.0}%", 100.0 * n)),
        ]);
    }
    let mut checks = Vec::new();
    let mut predictive_table = Table {
        header: ["statistic", "target", "p05", "p50", "p95", "target within p05–p95"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows: vec![],
    };
    for s in doc["posterior_predictive"]["statistics"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let name = text(s, "/statistic");
        let covered = s["target_within_90"].as_bool().unwrap_or(false);
        checks.push(Figure {
            name: format!("predictive-{name}"),
            caption: format!(
                "Posterior predictive of {name}: median and 90% range of fresh runs, against the target (for an \
                 observed share, with its survey's 95% interval)."
            ),
            svg: IntervalChart {
                title: format!("{name}: predictive vs target"),
                x_label: name.clone(),
                rows: vec![
                    IntervalRow {
                        label: "posterior predictive".into(),
                        estimate: number(s, "/p50"),
                        low: number(s, "/p05"),
                        high: number(s, "/p95"),
                        color: if covered { PALETTE[0] } else { PALETTE[1] },
                    },
                    IntervalRow {
                        label: "target".into(),
                        estimate: number(s, "/target"),
                        low: band(s).map_or(f64::NAN, |b| b.0),
                        high: band(s).map_or(f64::NAN, |b| b.1),
                        color: PALETTE[7],
                    },
                ],
            }
            .svg(),
        });
        predictive_table.rows.push(vec![
            name,
            target_cell(s),
            cell(number(s, "/p05")),
            cell(number(s, "/p50")),
            cell(number(s, "/p95")),
            if covered { "yes" } else { "no" }.into(),
        ]);
    }
    let mut sections = vec![
        Section {
            heading: "Posterior".into(),
            paragraphs: vec![],
            figures: marginals,
            tables: vec![table],
        },
        Section {
            heading: "Posterior predictive checks".into(),
            paragraphs: vec![
                "Red: the central 90% of the predictive draws misses the target (for an observed share, its survey's \
                 95% interval, shown in brackets)."
                    .into(),
            ],
            figures: checks,
            tables: vec![predictive_table],
        },
    ];
    if let Some(section) = holdout_section(&doc) {
        sections.push(section);
    }
    Ok(Report {
        title: format!("esplab calibrate: {}", text(manifest, "/scenario/name")),
        subtitle: format!(
            "{}: against {}; {} simulations; {}",
            dir.display(),
            text(&doc, "/targets/source"),
            number(&doc, "/simulations"),
            text(&doc, "/ending")
        ),
        sections,
    })
}

/// A target's band when it is wider than the figure (an observed share's survey interval).
fn band(s: &Value) -> Option<(f64, f64)> {
    let (low, high) = (number(s, "/band/0"), number(s, "/band/1"));
    (low.is_finite() && high.is_finite() && high > low).then_some((low, high))
}

/// A target's figure, with its band if it has one.
fn target_cell(s: &Value) -> String {
    match band(s) {
        Some((low, high)) => format!("{} [{}, {}]", cell(number(s, "/target")), cell(low), cell(high)),
        None => cell(number(s, "/target")),
    }
}

/// The out-of-sample check of a calibration run with `--holdout`: each held-out figure against
/// the central 90% of the posterior predictive.
fn holdout_section(doc: &Value) -> Option<Section> {
    let holdout = doc.get("holdout")?;
    let rows = holdout["statistics"].as_array()?;
    let mut table = Table {
        header: [
            "statistic",
            "observed",
            "case rows",
            "p05",
            "p50",
            "p95",
            "p50 / observed",
            "covered",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: vec![],
    };
    for s in rows {
        let cases: Vec<&str> = s["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        table.rows.push(vec![
            text(s, "/statistic"),
            target_cell(s),
            cases.join(", "),
            cell(number(s, "/p05")),
            cell(number(s, "/p50")),
            cell(number(s, "/p95")),
            cell(number(s, "/predicted_over_observed")),
            if s["target_within_90"].as_bool().unwrap_or(false) {
                "yes"
            } else {
                "no"
            }
            .into(),
        ]);
    }
    Some(Section {
        heading: "Held-out figures (out of sample)".into(),
        paragraphs: vec![format!(
            "Figures of {} ({}) were left out of the fit and predicted by the posterior: {} of {} lie within the \
             central 90% of the predictive draws (an observed share when that range meets its survey's 95% interval).",
            text(holdout, "/source"),
            text(holdout, "/description"),
            number(holdout, "/covered"),
            rows.len()
        )],
        figures: vec![],
        tables: vec![table],
    })
}
