//! Reports of `sweep` (each metric against each factor) and `sensitivity` (Sobol' indices or
//! Morris effects).

use crate::error::Result;
use crate::page::{cell, Figure, Report, Section, Table};
use crate::read::{json, number, text, CsvTable};
use crate::svg::{Chart, Dots, IntervalChart, IntervalRow, PALETTE};
use serde_json::Value;
use std::path::Path;

const FIXED: [&str; 4] = ["row", "point", "replicate", "seed"];

/// The report of a sweep folder.
pub fn sweep(dir: &Path, manifest: &Value) -> Result<Report> {
    let table = CsvTable::read(dir, "sweep.csv")?;
    let factors: Vec<String> = manifest["settings"]["factors"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["key"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let rest: Vec<String> = table
        .names
        .iter()
        .filter(|n| !FIXED.contains(&n.as_str()))
        .cloned()
        .collect();
    let (factors, metrics): (Vec<String>, Vec<String>) = if factors.is_empty() {
        rest.iter().cloned().partition(|n| n.contains('.'))
    } else {
        rest.iter().cloned().partition(|n| factors.contains(n))
    };
    let mut sections = Vec::new();
    for metric in metrics.iter().take(3) {
        let y = table.numbers(metric)?;
        let mut figures = Vec::new();
        for (k, factor) in factors.iter().enumerate() {
            let x = table.numbers(factor)?;
            let mut chart = Chart::new(&format!("{metric} against {factor}"), factor, metric);
            chart.width = 360.0;
            chart.height = 260.0;
            chart.dots.push(Dots {
                name: "run".into(),
                points: x.into_iter().zip(y.iter().copied()).collect(),
                color: PALETTE[k % PALETTE.len()],
                radius: 2.5,
            });
            figures.push(Figure {
                name: format!("sweep-{metric}-{factor}"),
                caption: format!("Each row of the sweep: {metric} at its value of {factor}."),
                svg: chart.svg(),
            });
        }
        sections.push(Section {
            heading: metric.clone(),
            paragraphs: vec![],
            figures,
            tables: vec![],
        });
    }
    Ok(Report {
        title: format!("esplab sweep: {}", text(manifest, "/scenario/name")),
        subtitle: format!(
            "{}: {} rows, {} factors, {} metrics",
            dir.display(),
            table.rows.len(),
            factors.len(),
            metrics.len()
        ),
        sections,
    })
}

/// The report of a sensitivity folder.
pub fn sensitivity(dir: &Path, manifest: &Value) -> Result<Report> {
    let doc = json(dir, "sensitivity.json")?;
    let method = text(&doc, "/method");
    let mut sections = Vec::new();
    for result in doc["results"].as_array().into_iter().flatten() {
        let metric = text(result, "/metric");
        let factors: Vec<Value> = result["factors"].as_array().cloned().unwrap_or_default();
        let mut figures = Vec::new();
        let mut table = Table::default();
        if method == "morris" {
            let mut chart = Chart::new(
                &format!("Morris effects on {metric}"),
                "mu* (mean |elementary effect|)",
                "sigma",
            );
            for (k, f) in factors.iter().enumerate() {
                chart.dots.push(Dots {
                    name: text(f, "/factor"),
                    points: vec![(number(f, "/mu_star"), number(f, "/sigma"))],
                    color: PALETTE[k % PALETTE.len()],
                    radius: 5.0,
                });
            }
            figures.push(Figure {
                name: format!("morris-{metric}"),
                caption: "Far right: influential; high: nonlinear or interacting.".into(),
                svg: chart.svg(),
            });
            table.header = ["factor", "mu", "mu*", "mu* 95% half-width", "sigma"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            for f in &factors {
                table.rows.push(vec![
                    text(f, "/factor"),
                    cell(number(f, "/mu")),
                    cell(number(f, "/mu_star")),
                    cell(number(f, "/mu_star_conf")),
                    cell(number(f, "/sigma")),
                ]);
            }
        } else {
            let mut rows = Vec::new();
            for f in &factors {
                for (index, color) in [("S1", PALETTE[0]), ("ST", PALETTE[1])] {
                    let e = number(f, &format!("/{index}"));
                    let h = number(f, &format!("/{index}_conf"));
                    rows.push(IntervalRow {
                        label: format!("{} {index}", text(f, "/factor")),
                        estimate: e,
                        low: e - h,
                        high: e + h,
                        color,
                    });
                }
            }
            figures.push(Figure {
                name: format!("sobol-{metric}"),
                caption: "First-order (S1) and total (ST) Sobol' indices with bootstrap 95% intervals.".into(),
                svg: IntervalChart {
                    title: format!("Sobol' indices of {metric}"),
                    x_label: "share of the variance".into(),
                    rows,
                }
                .svg(),
            });
            table.header = ["factor", "S1", "S1 ±", "ST", "ST ±"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            for f in &factors {
                table.rows.push(vec![
                    text(f, "/factor"),
                    cell(number(f, "/S1")),
                    cell(number(f, "/S1_conf")),
                    cell(number(f, "/ST")),
                    cell(number(f, "/ST_conf")),
                ]);
            }
        }
        sections.push(Section {
            heading: metric,
            paragraphs: vec![],
            figures,
            tables: vec![table],
        });
    }
    Ok(Report {
        title: format!("esplab sensitivity ({method}): {}", text(manifest, "/scenario/name")),
        subtitle: format!("{}: {} design rows", dir.display(), number(&doc, "/rows")),
        sections,
    })
}
