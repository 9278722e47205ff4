//! The report of an ensemble folder: quantile bands of the main daily series across runs.

use crate::error::Result;
use crate::page::{cell, Figure, Report, Section, Table};
use crate::read::{json, number, start_date, text, CsvTable};
use crate::svg::{stacked, Band, Chart, Line, PALETTE};
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
    let dated = start_date(manifest, "/scenario");
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
        let mut chart = Chart::over_days(title, unit, dated);
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
    figures.extend(market_shares(&metric, &day, &columns, dated));
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

/// Market shares across runs from the `users:NAME` rows of bands.csv (folders written before
/// those rows have none): the mean shares stacked (means add up, so the top edge is mean
/// adoption), and each offering's share with its median and 90% band.
fn market_shares(
    metric: &[String],
    day: &[f64],
    columns: &[Vec<f64>],
    dated: Option<esplab_model::StartDate>,
) -> Vec<Figure> {
    let mut names: Vec<&str> = Vec::new();
    for m in metric {
        if let Some(name) = m.strip_prefix("users:") {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    if names.is_empty() {
        return Vec::new();
    }
    let rows_of = |name: &str| -> Vec<usize> {
        let key = format!("users:{name}");
        (0..metric.len()).filter(|&i| metric[i] == key).collect()
    };
    let xs: Vec<f64> = rows_of(names[0]).iter().map(|&i| day[i]).collect();
    let layers: Vec<(String, Vec<f64>)> = names
        .iter()
        .map(|n| (n.to_string(), rows_of(n).iter().map(|&i| columns[0][i]).collect()))
        .collect();
    let mut stack = Chart::over_days("Market shares (mean across runs)", "share of the population", dated);
    stack.y_range = Some((0.0, 1.0));
    stack.bands = stacked(&xs, &layers, 0.75);
    let mut each = Chart::over_days("Each offering's share across runs", "share of the population", dated);
    for (k, name) in names.iter().enumerate() {
        let rows = rows_of(name);
        let color = PALETTE[k % PALETTE.len()];
        each.bands.push(Band {
            // Unnamed: the line of its colour names it; the caption says what the band is.
            name: String::new(),
            points: rows.iter().map(|&i| (day[i], columns[1][i], columns[5][i])).collect(),
            color,
            opacity: 0.2,
        });
        each.lines.push(Line {
            name: name.to_string(),
            points: rows.iter().map(|&i| (day[i], columns[3][i])).collect(),
            color,
            dashed: false,
            width: 2.0,
        });
    }
    vec![
        Figure {
            name: "market-shares".into(),
            caption: "Each offering's users as a share of the population, mean across runs, stacked.".into(),
            svg: stack.svg(),
        },
        Figure {
            name: "market-share-bands".into(),
            caption: "Each offering's share of the population: the median across runs and the 90% band of each day."
                .into(),
            svg: each.svg(),
        },
    ]
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
