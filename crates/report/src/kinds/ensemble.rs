//! The report of an ensemble folder: quantile bands of the main daily series across runs.

use crate::error::Result;
use crate::page::{cell, Figure, Report, Section, Table};
use crate::read::{json, number, text, CsvTable};
use crate::svg::{Band, Chart, Line, PALETTE};
use serde_json::Value;
use std::path::Path;

const SERIES: [(&str, &str, &str, bool); 5] = [
    ("baseline", "Security baseline", "security (0-1)", true),
    ("adoption", "Adoption", "share of the population", true),
    ("floor", "Regulation floor", "security (0-1)", true),
    ("fear", "Public fear", "fear", false),
    (
        "security_churn",
        "Security churn",
        "share of users leaving per day",
        false,
    ),
];

/// The report of ensemble folder `dir`.
pub fn report(dir: &Path, manifest: &Value) -> Result<Report> {
    let bands = CsvTable::read(dir, "bands.csv")?;
    let runs = CsvTable::read(dir, "runs.csv")?;
    let metric = bands.texts("metric")?;
    let day = bands.numbers("day")?;
    let columns: Vec<Vec<f64>> = ["mean", "p05", "p25", "p50", "p75", "p95"]
        .iter()
        .map(|c| bands.numbers(c))
        .collect::<Result<_>>()?;
    let mut figures = Vec::new();
    for (key, title, unit, unit_range) in SERIES {
        let rows: Vec<usize> = (0..metric.len()).filter(|&i| metric[i] == key).collect();
        if rows.is_empty() {
            continue;
        }
        let pick = |c: usize| -> Vec<(f64, f64)> { rows.iter().map(|&i| (day[i], columns[c][i])).collect() };
        let band = |lo: usize, hi: usize| -> Vec<(f64, f64, f64)> {
            rows.iter().map(|&i| (day[i], columns[lo][i], columns[hi][i])).collect()
        };
        let mut chart = Chart::new(title, "day", unit);
        if unit_range {
            chart.y_range = Some((0.0, 1.0));
        }
        chart.bands.push(Band {
            name: "p05–p95".into(),
            points: band(1, 5),
            color: PALETTE[0],
            opacity: 0.15,
        });
        chart.bands.push(Band {
            name: "p25–p75".into(),
            points: band(2, 4),
            color: PALETTE[0],
            opacity: 0.3,
        });
        chart.lines.push(Line {
            name: "median".into(),
            points: pick(3),
            color: PALETTE[0],
            dashed: false,
            width: 2.0,
        });
        chart.lines.push(Line {
            name: "mean".into(),
            points: pick(0),
            color: PALETTE[1],
            dashed: true,
            width: 1.5,
        });
        figures.push(Figure {
            name: format!("bands-{key}"),
            caption: format!("{title} across the runs: median, mean, and the 50% and 90% bands of each day."),
            svg: chart.svg(),
        });
    }
    let mut table = Table {
        header: ["metric", "mean", "p05", "p50", "p95"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows: vec![],
    };
    for name in runs.names.iter().skip(2) {
        let mut x: Vec<f64> = runs.numbers(name)?.into_iter().filter(|v| v.is_finite()).collect();
        x.sort_by(f64::total_cmp);
        let q = |p: f64| {
            x.get(((x.len() as f64 - 1.0) * p).round() as usize)
                .copied()
                .unwrap_or(f64::NAN)
        };
        let mean = x.iter().sum::<f64>() / x.len().max(1) as f64;
        table.rows.push(vec![
            name.clone(),
            cell(mean),
            cell(q(0.05)),
            cell(q(0.5)),
            cell(q(0.95)),
        ]);
    }
    let mut sections = vec![
        Section {
            heading: "Bands across runs".into(),
            paragraphs: vec![],
            figures,
            tables: vec![],
        },
        Section {
            heading: "Per-run metrics".into(),
            paragraphs: vec!["Distribution across runs (p05 and p95 are the nearest order statistics).".into()],
            figures: vec![],
            tables: vec![table],
        },
    ];
    if let Ok(analysis) = json(dir, "analysis.json") {
        sections.push(analysis_section(&analysis));
    }
    Ok(Report {
        title: format!("esplab ensemble: {}", text(manifest, "/scenario/name")),
        subtitle: format!(
            "{}: {} runs, master seed {}",
            dir.display(),
            runs.rows.len(),
            number(manifest, "/settings/master_seed")
        ),
        sections,
    })
}

/// The punctuation statistics of `esplab analyze` on an ensemble: medians across runs with
/// their 95% intervals.
fn analysis_section(a: &Value) -> Section {
    let mut table = Table {
        header: ["statistic", "median across runs", "95% interval of the median", "n"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows: vec![],
    };
    if let Some(fields) = a.as_object() {
        for (key, v) in fields {
            if v.get("median").is_some() {
                table.rows.push(vec![
                    key.replace('_', " "),
                    cell(number(v, "/median")),
                    format!("[{}, {}]", cell(number(v, "/low")), cell(number(v, "/high"))),
                    format!("{}", number(v, "/n")),
                ]);
            }
        }
    }
    let causes: Vec<String> = a["jump_causes"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| format!("{k}: {v}")).collect())
        .unwrap_or_default();
    Section {
        heading: "Punctuations (esplab analyze)".into(),
        paragraphs: vec![format!(
            "{}. Jumps by cause: {}.",
            text(a, "/method"),
            if causes.is_empty() {
                "none".into()
            } else {
                causes.join(", ")
            }
        )],
        figures: vec![],
        tables: vec![table],
    }
}
