//! Files of `leverage --draws`: each lever's effect across draws of the parameters
//! (`robust-leverage.json`, `robust-leverage.csv`), every draw's effects (`leverage-draws.csv`)
//! and the manifest; and the merge of the folders of a sharded run into the unsharded one.

use crate::comparison_files::write_experiment;
use crate::error::{OutputError, Result};
use crate::journal::PairedJournal;
use crate::read_back::Cells;
use crate::shards::{conflict, merged_manifest, read_shards, Shard};
use crate::table::{Column, Table};
use crate::{atomic, manifest};
use esplab_experiment::leverage::{standard_levers, Lever};
use esplab_experiment::robust::{pivot, summarize, DrawEffect, RobustEffect, MARGIN};
use esplab_scenario::Scenario;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The summary document, the ranked table and the draws table of a `leverage --draws` folder.
const DOCUMENT_FILE: &str = "robust-leverage.json";
const TABLE_FILE: &str = "robust-leverage.csv";
const DRAWS_FILE: &str = "leverage-draws.csv";

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
/// The draws are numbered from `first` (the first draw of a shard).
pub fn draws_table(
    levers: &[Lever],
    factors: &[String],
    first: usize,
    points: &[Vec<f64>],
    effects: &[Vec<DrawEffect>],
) -> Table {
    let rows: Vec<(usize, usize)> = (0..effects.len())
        .flat_map(|d| (0..levers.len()).map(move |l| (d, l)))
        .collect();
    let mut names = vec!["draw".to_string()];
    names.extend(factors.iter().cloned());
    names.extend(["lever", "effect", "standard_error"].map(String::from));
    let mut columns = vec![Column::Count(rows.iter().map(|&(d, _)| (first + d) as u32).collect())];
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
        (DOCUMENT_FILE, document),
        &[(TABLE_FILE, robust), (DRAWS_FILE, draws)],
        journal,
    )
}

/// Joins the folders of shards `0/n … (n-1)/n` of one `leverage --draws` into `out`,
/// byte-identical to the unsharded command: the draws tables joined in order, and the levers'
/// robust effects summarised anew over all the draws. Checks that every shard is complete, intact
/// (checksums) and of the same job. Returns the number of draws.
pub fn merge(out: &Path, shards: &[PathBuf]) -> Result<usize> {
    let found = read_shards(out, shards, "leverage", "leverage --draws", |m| {
        let mut settings = m["settings"].clone();
        if let Some(object) = settings.as_object_mut() {
            object.shift_remove("shard");
        }
        json!({"settings": settings, "scenario": m["scenario"]})
    })?;
    let first = &found[0].manifest;
    // The draws tables, joined as text (each shard's rows are numbered as in the whole).
    let mut joined = String::new();
    let mut rows: Vec<(u64, String, DrawEffect)> = Vec::new();
    let mut header: Option<Vec<String>> = None;
    for Shard { dir, .. } in &found {
        let text =
            std::fs::read_to_string(dir.join(DRAWS_FILE)).map_err(|e| OutputError::io(&dir.join(DRAWS_FILE), e))?;
        let cells = Cells::read(dir, DRAWS_FILE)?;
        if header.get_or_insert_with(|| cells.header.clone()) != &cells.header {
            return Err(conflict(dir, "has other columns than the first shard".into()));
        }
        let body = if joined.is_empty() {
            text.as_str()
        } else {
            text.split_once('\n').map_or("", |(_, rest)| rest)
        };
        joined.push_str(body);
        let (draw, lever, effect, error) = (
            cells.column("draw")?,
            cells.column("lever")?,
            cells.column("effect")?,
            cells.column("standard_error")?,
        );
        for r in 0..cells.rows.len() {
            let number = cells.number(r, draw)?;
            rows.push((
                number as u64,
                cells.text(r, lever).to_string(),
                DrawEffect {
                    estimate: cells.number(r, effect)?,
                    standard_error: cells.number(r, error)?,
                },
            ));
        }
    }
    let settings = &first["settings"];
    let start = settings["start_day"].as_u64().unwrap_or(0) as u32;
    let heroic = settings["heroic_offering"].as_str().unwrap_or_default();
    let levers: Vec<Lever> = standard_levers(start, heroic)
        .into_iter()
        .filter(|l| rows.iter().any(|r| r.1 == l.name()))
        .collect();
    let names: Vec<&str> = levers.iter().map(Lever::name).collect();
    let borrowed: Vec<(u64, &str, DrawEffect)> = rows.iter().map(|(d, l, e)| (*d, l.as_str(), *e)).collect();
    let effects = pivot(&borrowed, &names).map_err(|message| conflict(out, message))?;
    let robust = summarize(&effects);
    let mut merged_settings = settings.clone();
    if let Some(object) = merged_settings.as_object_mut() {
        object.shift_remove("shard");
    }
    std::fs::create_dir_all(out).map_err(|e| OutputError::io(out, e))?;
    let _ = std::fs::remove_file(out.join("manifest.json"));
    let document = robust_document(&levers, &robust, &merged_settings);
    atomic::write(&out.join(DOCUMENT_FILE), manifest::pretty(&document).as_bytes())?;
    robust_table(&levers, &robust).write_csv(&out.join(TABLE_FILE))?;
    atomic::write(&out.join(DRAWS_FILE), joined.as_bytes())?;
    let m = merged_manifest(first, out, &[DOCUMENT_FILE, TABLE_FILE, DRAWS_FILE])?;
    atomic::write(&out.join("manifest.json"), manifest::pretty(&m).as_bytes())?;
    Ok(effects.len())
}
