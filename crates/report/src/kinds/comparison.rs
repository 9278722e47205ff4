//! Reports of `compare` (paired differences per metric) and `leverage` (levers ranked).

use crate::error::Result;
use crate::page::{cell, Figure, Report, Section, Table};
use crate::read::{json, number, text};
use crate::svg::{IntervalChart, IntervalRow, PartsChart, PartsRow, GREY, PALETTE};
use serde_json::Value;
use std::path::Path;

/// Metrics on the 0–1 scale of security and adoption, charted together.
const UNIT_METRICS: [&str; 6] = [
    "long_run_baseline",
    "mean_baseline",
    "final_baseline",
    "final_floor",
    "final_adoption",
    "peak_adoption",
];

/// The report of a compare folder.
pub fn compare(dir: &Path, manifest: &Value) -> Result<Report> {
    let rows = json(dir, "compare.json")?;
    let rows = rows.as_array().cloned().unwrap_or_default();
    let chart = IntervalChart {
        title: "Paired difference, variant − base (95% intervals)".into(),
        x_label: "difference (security or share of the population)".into(),
        rows: rows
            .iter()
            .filter(|r| UNIT_METRICS.contains(&text(r, "/metric").as_str()))
            .map(|r| {
                let distinct = r["distinguishable_from_zero"].as_bool().unwrap_or(false);
                IntervalRow {
                    label: text(r, "/metric"),
                    estimate: number(r, "/paired_difference/estimate"),
                    low: number(r, "/paired_difference/low"),
                    high: number(r, "/paired_difference/high"),
                    color: if distinct { PALETTE[0] } else { GREY },
                }
            })
            .collect(),
    };
    let table = Table {
        header: [
            "metric",
            "base",
            "variant",
            "paired difference",
            "95% interval",
            "distinct from 0",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    text(r, "/metric"),
                    cell(number(r, "/base_mean")),
                    cell(number(r, "/variant_mean")),
                    cell(number(r, "/paired_difference/estimate")),
                    format!(
                        "[{}, {}]",
                        cell(number(r, "/paired_difference/low")),
                        cell(number(r, "/paired_difference/high"))
                    ),
                    if r["distinguishable_from_zero"].as_bool().unwrap_or(false) {
                        "yes"
                    } else {
                        "no"
                    }
                    .into(),
                ]
            })
            .collect(),
    };
    Ok(Report {
        title: format!(
            "esplab compare: {} vs {}",
            text(manifest, "/base/name"),
            text(manifest, "/variant/name")
        ),
        subtitle: format!(
            "{}: {} paired runs with common random numbers",
            dir.display(),
            number(manifest, "/settings/runs")
        ),
        sections: vec![Section {
            heading: "Effect of the variant".into(),
            paragraphs: vec![
                "Each run of the variant shares its seed with a run of the base; the interval is the paired t interval. \
                 Grey: indistinguishable from zero."
                    .into(),
            ],
            figures: std::iter::once(Figure {
                name: "paired-differences".into(),
                caption: "Paired differences of the metrics on the 0–1 scale.".into(),
                svg: chart.svg(),
            })
            .chain(market_shares(&rows))
            .collect(),
            tables: vec![table],
        }],
    })
}

/// Each offering's long-run market share in both arms and the paired change (folders written
/// before the `long_run_share:NAME` rows have none).
fn market_shares(rows: &[Value]) -> Option<Figure> {
    let shares: Vec<&Value> = rows
        .iter()
        .filter(|r| text(r, "/metric").starts_with("long_run_share:"))
        .collect();
    if shares.is_empty() {
        return None;
    }
    let chart = IntervalChart {
        title: "Change of each offering's long-run market share, variant − base (95% intervals)".into(),
        x_label: "change in the share of adopters".into(),
        rows: shares
            .iter()
            .map(|r| {
                let (lo, hi) = (
                    number(r, "/paired_difference/low"),
                    number(r, "/paired_difference/high"),
                );
                let name = text(r, "/metric").trim_start_matches("long_run_share:").to_string();
                IntervalRow {
                    label: format!(
                        "{name} ({} → {})",
                        cell(number(r, "/base_mean")),
                        cell(number(r, "/variant_mean"))
                    ),
                    estimate: number(r, "/paired_difference/estimate"),
                    low: lo,
                    high: hi,
                    color: if lo <= 0.0 && hi >= 0.0 { GREY } else { PALETTE[0] },
                }
            })
            .collect(),
    };
    Some(Figure {
        name: "market-shares".into(),
        caption: "Each offering's share of adopters over the last year, base → variant, and the paired change. \
                  Grey: indistinguishable from zero."
            .into(),
        svg: chart.svg(),
    })
}

/// The report of a leverage folder.
pub fn leverage(dir: &Path, manifest: &Value) -> Result<Report> {
    let doc = json(dir, "leverage.json")?;
    let levers = doc["levers"].as_array().cloned().unwrap_or_default();
    let interval = |l: &Value, key: &str| {
        (
            number(l, &format!("/{key}/estimate")),
            number(l, &format!("/{key}/low")),
            number(l, &format!("/{key}/high")),
        )
    };
    // Folders written before the decomposition have no parts: shown as a dash.
    let part = |l: &Value, key: &str| match l.pointer(&format!("/{key}/estimate")) {
        Some(_) => {
            let (e, lo, hi) = interval(l, key);
            format!("{} [{}, {}]", cell(e), cell(lo), cell(hi))
        }
        None => "-".to_string(),
    };
    let chart = IntervalChart {
        title: "Effect of each lever on the long-run baseline (95% intervals)".into(),
        x_label: "change in the long-run baseline (security, 0–1)".into(),
        rows: levers
            .iter()
            .map(|l| {
                let (e, lo, hi) = interval(l, "effect_on_long_run_baseline");
                IntervalRow {
                    label: text(l, "/lever"),
                    estimate: e,
                    low: lo,
                    high: hi,
                    color: if lo <= 0.0 && hi >= 0.0 { GREY } else { PALETTE[0] },
                }
            })
            .collect(),
    };
    // Folders written before the three-part decomposition have no mechanical part: no parts
    // chart then.
    let decomposed = levers.iter().all(|l| l.pointer("/mechanical_part/estimate").is_some());
    let parts = PartsChart {
        title: "Where each lever's effect comes from".into(),
        x_label: "change in the long-run baseline (security, 0–1)".into(),
        parts: vec!["mechanical".into(), "vendors' response".into(), "users' flows".into()],
        rows: levers
            .iter()
            .map(|l| PartsRow {
                label: text(l, "/lever"),
                total: interval(l, "effect_on_long_run_baseline"),
                parts: vec![
                    interval(l, "mechanical_part"),
                    interval(l, "vendors_part"),
                    interval(l, "shares_part"),
                ],
            })
            .collect(),
    };
    let mut figures = vec![Figure {
        name: "levers".into(),
        caption: "Levers ranked by their paired effect on the long-run baseline.".into(),
        svg: chart.svg(),
    }];
    if decomposed && !levers.is_empty() {
        figures.push(Figure {
            name: "lever-parts".into(),
            caption: "Each lever's effect split into three parts laid end to end, each with its 95% interval, the \
                      total as a dot: the mechanical part (the lever's own writes on the base runs, no one \
                      responding), the vendors' response, and the users' flows (shifted market shares). They add \
                      up to the total."
                .into(),
            svg: parts.svg(),
        });
    }
    let table = Table {
        header: [
            "rank",
            "lever",
            "what",
            "effect",
            "95% interval",
            "mechanical part",
            "vendors' response",
            "users' flows",
            "verdict",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: levers
            .iter()
            .map(|l| {
                let (e, lo, hi) = interval(l, "effect_on_long_run_baseline");
                vec![
                    format!("{}", number(l, "/rank")),
                    text(l, "/lever"),
                    text(l, "/meaning"),
                    cell(e),
                    format!("[{}, {}]", cell(lo), cell(hi)),
                    part(l, "mechanical_part"),
                    part(l, "vendors_part"),
                    part(l, "shares_part"),
                    text(l, "/verdict"),
                ]
            })
            .collect(),
    };
    Ok(Report {
        title: format!("esplab leverage: {}", text(manifest, "/scenario/name")),
        subtitle: format!(
            "{}: {} runs per lever, levers from day {}",
            dir.display(),
            number(&doc, "/runs_per_lever"),
            number(&doc, "/start_day")
        ),
        sections: vec![Section {
            heading: "Which levers move the baseline".into(),
            paragraphs: vec![format!(
                "The long-run baseline is the {}. Without levers it is {} [{}, {}]. Grey: the interval contains zero.",
                text(&doc, "/metric_meaning"),
                cell(number(&doc, "/base_long_run_baseline/estimate")),
                cell(number(&doc, "/base_long_run_baseline/low")),
                cell(number(&doc, "/base_long_run_baseline/high"))
            )],
            figures,
            tables: vec![table],
        }],
    })
}

/// The report of a leverage folder over draws of the parameters (`leverage --draws`).
pub fn robust_leverage(dir: &Path, manifest: &Value) -> Result<Report> {
    let doc = json(dir, "robust-leverage.json")?;
    let levers = doc["levers"].as_array().cloned().unwrap_or_default();
    let across = |l: &Value| {
        (
            number(l, "/effect_90_interval_across_draws/0"),
            number(l, "/effect_90_interval_across_draws/1"),
        )
    };
    let chart = IntervalChart {
        title: "Effect of each lever on the long-run baseline across draws (median, 5%–95%)".into(),
        x_label: "change in the long-run baseline (security, 0–1)".into(),
        rows: levers
            .iter()
            .map(|l| {
                let (lo, hi) = across(l);
                IntervalRow {
                    label: text(l, "/lever"),
                    estimate: number(l, "/median_effect"),
                    low: lo,
                    high: hi,
                    color: if lo <= 0.0 && hi >= 0.0 { GREY } else { PALETTE[0] },
                }
            })
            .collect(),
    };
    let table = Table {
        header: [
            "rank",
            "lever",
            "what",
            "median effect",
            "90% across draws",
            "seed noise",
            "spread across draws",
            "P(raises by > margin)",
            "share of draws ranked first",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: levers
            .iter()
            .map(|l| {
                let (lo, hi) = across(l);
                vec![
                    format!("{}", number(l, "/rank")),
                    text(l, "/lever"),
                    text(l, "/meaning"),
                    cell(number(l, "/median_effect")),
                    format!("[{}, {}]", cell(lo), cell(hi)),
                    cell(number(l, "/seed_noise")),
                    cell(number(l, "/spread_across_draws")),
                    cell(number(l, "/probability_raises_by_margin")),
                    cell(number(l, "/share_of_draws_ranked_first")),
                ]
            })
            .collect(),
    };
    Ok(Report {
        title: format!("esplab leverage over draws: {}", text(manifest, "/scenario/name")),
        subtitle: format!(
            "{}: {} draws of {}, {} runs per lever and draw, levers from day {}",
            dir.display(),
            number(&doc, "/settings/draws"),
            text(&doc, "/settings/plan"),
            number(&doc, "/settings/runs_per_draw"),
            number(&doc, "/settings/start_day")
        ),
        sections: vec![Section {
            heading: "Which levers move the baseline, over the draws".into(),
            paragraphs: vec![format!(
                "The long-run baseline is the {}. Each draw's effects are paired over common random numbers; \
                 the interval is the 5%–95% range of the draws' effects, and the margin is {}. Grey: the range \
                 contains zero.",
                text(&doc, "/metric_meaning"),
                cell(number(&doc, "/margin"))
            )],
            figures: vec![Figure {
                name: "levers".into(),
                caption: "Levers ranked by their median effect across draws.".into(),
                svg: chart.svg(),
            }],
            tables: vec![table],
        }],
    })
}
