//! Files of `leverage --draws`: each lever's effect across draws of the parameters
//! (`robust-leverage.json`, `robust-leverage.csv`), every draw's effects (`leverage-draws.csv`)
//! and the manifest.

use crate::comparison_files::write_experiment;
use crate::error::Result;
use crate::journal::PairedJournal;
use crate::table::{Column, Table};
use esplab_experiment::leverage::Lever;
use esplab_experiment::robust::{DrawEffect, RobustEffect, MARGIN};
use esplab_scenario::Scenario;
use serde_json::{json, Value};
use std::path::Path;

/// The levers' robust effects, ranked by median effect (ties in lever order).
pub fn ranked(effects: &[RobustEffect]) -> Vec<&RobustEffect> {
    let mut rows: Vec<&RobustEffect> = effects.iter().collect();
    rows.sort_by(|a, b| b.median.total_cmp(&a.median).then(a.lever.cmp(&b.lever)));
    rows
}

/// `robust-leverage.csv`: one row per lever, ranked by median effect.
pub fn robust_table(levers: &[Lever], effects: &[RobustEffect]) -> Table {
    let rows = ranked(effects);
    let number = |f: &dyn Fn(&RobustEffect) -> f64| Column::Number(rows.iter().map(|r| f(r)).collect());
    Table {
        names: [
            "rank",
            "lever",
            "size",
            "unit",
            "median_effect",
            "low_5",
            "high_95",
            "seed_noise",
            "spread_across_draws",
            "probability_raises_by_0.01",
            "share_of_draws_ranked_first",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        columns: vec![
            Column::Count((1..=rows.len() as u32).collect()),
            Column::Text(rows.iter().map(|r| levers[r.lever].name().to_string()).collect()),
            number(&|r| levers[r.lever].size),
            Column::Text(rows.iter().map(|r| levers[r.lever].unit.to_string()).collect()),
            number(&|r| r.median),
            number(&|r| r.low),
            number(&|r| r.high),
            number(&|r| r.seed_noise),
            number(&|r| r.spread),
            number(&|r| r.raises_by_margin),
            number(&|r| r.ranks_first),
        ],
    }
}

/// `leverage-draws.csv`: one row per (draw, lever) with the draw's factor values.
pub fn draws_table(levers: &[Lever], factors: &[String], points: &[Vec<f64>], effects: &[Vec<DrawEffect>]) -> Table {
    let rows: Vec<(usize, usize)> = (0..effects.len())
        .flat_map(|d| (0..levers.len()).map(move |l| (d, l)))
        .collect();
    let mut names = vec!["draw".to_string()];
    names.extend(factors.iter().cloned());
    names.extend(["lever", "effect", "standard_error"].map(String::from));
    let mut columns = vec![Column::Count(rows.iter().map(|&(d, _)| d as u32).collect())];
    columns.extend((0..factors.len()).map(|f| Column::Number(rows.iter().map(|&(d, _)| points[d][f]).collect())));
    columns.push(Column::Text(
        rows.iter().map(|&(_, l)| levers[l].name().to_string()).collect(),
    ));
    columns.push(Column::Number(
        rows.iter().map(|&(d, l)| effects[d][l].estimate).collect(),
    ));
    columns.push(Column::Number(
        rows.iter().map(|&(d, l)| effects[d][l].standard_error).collect(),
    ));
    Table { names, columns }
}

/// `robust-leverage.json`: what was run and each lever's effect across draws, ranked.
pub fn robust_document(levers: &[Lever], effects: &[RobustEffect], settings: &Value) -> Value {
    let rows: Vec<Value> = ranked(effects)
        .iter()
        .enumerate()
        .map(|(rank, r)| {
            let l = &levers[r.lever];
            json!({
                "rank": rank + 1,
                "lever": l.name(),
                "meaning": l.meaning,
                "size": l.size,
                "unit": l.unit,
                "median_effect": r.median,
                "effect_90_interval_across_draws": [r.low, r.high],
                "seed_noise": r.seed_noise,
                "spread_across_draws": r.spread,
                "probability_raises_by_margin": r.raises_by_margin,
                "share_of_draws_ranked_first": r.ranks_first,
            })
        })
        .collect();
    json!({
        "metric": "long_run_baseline",
        "metric_meaning": "mean baseline over the last 365 days of the horizon",
        "margin": MARGIN,
        "method": "per draw, the paired effect of each lever over the draw's runs (common random numbers) and its standard error; across draws, the median and 5%-95% quantiles of the effects, the seed noise (root mean square of the standard errors), the spread across draws with the seed noise removed, the mean over draws of P(effect > margin) under each draw's normal sampling distribution, and the share of draws in which the lever has the largest effect",
        "settings": settings,
        "levers": rows,
    })
}

/// Writes `robust-leverage.json`, `robust-leverage.csv`, `leverage-draws.csv` and the manifest
/// into `dir`; the journal of the runs, if any, is removed just before the manifest is written.
pub fn write_robust_leverage(
    dir: &Path,
    document: &Value,
    robust: &Table,
    draws: &Table,
    scenario: &Scenario,
    settings: Value,
    journal: Option<PairedJournal>,
) -> Result<()> {
    write_experiment(
        dir,
        "leverage",
        &[("scenario", scenario)],
        settings,
        ("robust-leverage.json", document),
        &[("robust-leverage.csv", robust), ("leverage-draws.csv", draws)],
        journal,
    )
}
