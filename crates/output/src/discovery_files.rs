//! Files of `discover`: the points it reads from a sweep or `leverage --draws` folder, and the
//! peeling trajectory (`trajectory.csv`), the restrictions of every box on it
//! (`restrictions.csv`), the points with their outcome (`points.csv`), the chosen box with its
//! setting (`discovery.json`) and the manifest it writes.

use crate::comparison_files::write_experiment;
use crate::error::Result;
use crate::read_back::{self, invalid, Cells};
use crate::sweep_folder::INDEX_COLUMNS;
use crate::table::{Column, Table};
use esplab_experiment::discovery::{prim, Condition, PrimSettings, Trajectory};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// The points of a folder: their factor values and every outcome that a condition may name.
#[derive(Debug, Clone)]
pub struct Points {
    /// The command that wrote the folder (`sweep` or `leverage`).
    pub command: String,
    /// What one point is ("design point" or "draw").
    pub unit: &'static str,
    pub factors: Vec<String>,
    /// One vector per factor.
    pub x: Vec<Vec<f64>>,
    /// Each outcome's name, meaning and value per point.
    pub outcomes: Vec<Outcome>,
    /// The source folder's manifest checksum.
    pub manifest_sha256: String,
    /// The scenario name the folder ran.
    pub scenario: String,
}

/// One outcome per point.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub meaning: String,
    pub values: Vec<f64>,
}

impl Points {
    /// The outcome a condition names, or an error that lists the names there are.
    pub fn outcome(&self, name: &str) -> std::result::Result<&Outcome, String> {
        self.outcomes.iter().find(|o| o.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.outcomes.iter().map(|o| o.name.as_str()).collect();
            format!(
                "this {} folder has no outcome `{name}`; choose one of: {}",
                self.command,
                names.join(", ")
            )
        })
    }
}

/// Reads the points of a finished sweep folder (one point per design point, each metric the
/// mean over its replicates) or `leverage --draws` folder (one point per draw, each lever's
/// effect an outcome).
pub fn read_points(dir: &Path) -> Result<Points> {
    let (manifest, manifest_sha256) =
        read_back::manifest(dir, "discover works on the folders of `sweep` and `leverage --draws`")?;
    let path = dir.join("manifest.json");
    let command = manifest["command"].as_str().unwrap_or_default().to_string();
    let texts = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    let factors = texts(&manifest["settings"]["factors"]);
    let scenario = manifest["scenario"]["name"].as_str().unwrap_or_default().to_string();
    let (unit, x, outcomes) = match command.as_str() {
        "sweep" => {
            let metrics = texts(&manifest["settings"]["metrics"]);
            let (x, outcomes) = sweep_points(dir, &factors, &metrics)?;
            ("design point", x, outcomes)
        }
        "leverage" if dir.join("leverage-draws.csv").exists() => {
            let (x, outcomes) = draw_points(dir, &factors)?;
            ("draw", x, outcomes)
        }
        other => {
            return Err(invalid(
                dir,
                format!("is a `{other}` folder; discover works on the folders of `sweep` and `leverage --draws`"),
            ))
        }
    };
    if factors.is_empty() {
        return Err(invalid(&path, "names no factors".into()));
    }
    Ok(Points {
        command,
        unit,
        factors,
        x,
        outcomes,
        manifest_sha256,
        scenario,
    })
}

type Columns = (Vec<Vec<f64>>, Vec<Outcome>);

fn sweep_points(dir: &Path, factors: &[String], metrics: &[String]) -> Result<Columns> {
    let cells = Cells::read(dir, "sweep.csv")?;
    let point = cells.column(INDEX_COLUMNS[1])?;
    let factor_columns: Vec<usize> = factors.iter().map(|f| cells.column(f)).collect::<Result<_>>()?;
    let metric_columns: Vec<usize> = metrics.iter().map(|m| cells.column(m)).collect::<Result<_>>()?;
    // Rows of one point are contiguous, but group by the point index to be safe.
    let mut by_point: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for r in 0..cells.rows.len() {
        by_point.entry(cells.number(r, point)? as u64).or_default().push(r);
    }
    let mut x = vec![Vec::new(); factors.len()];
    let mut means = vec![Vec::new(); metrics.len()];
    for members in by_point.values() {
        for (f, &c) in factor_columns.iter().enumerate() {
            x[f].push(cells.number(members[0], c)?);
        }
        for (m, &c) in metric_columns.iter().enumerate() {
            let mut total = 0.0;
            for &r in members {
                total += cells.number(r, c)?;
            }
            means[m].push(total / members.len() as f64);
        }
    }
    let outcomes = metrics
        .iter()
        .zip(means)
        .map(|(name, values)| Outcome {
            name: name.clone(),
            meaning: format!("{name}, mean over the replicates of the design point"),
            values,
        })
        .collect();
    Ok((x, outcomes))
}

fn draw_points(dir: &Path, factors: &[String]) -> Result<Columns> {
    let cells = Cells::read(dir, "leverage-draws.csv")?;
    let (draw, lever, effect) = (cells.column("draw")?, cells.column("lever")?, cells.column("effect")?);
    let factor_columns: Vec<usize> = factors.iter().map(|f| cells.column(f)).collect::<Result<_>>()?;
    let mut first_row: BTreeMap<u64, usize> = BTreeMap::new();
    let mut levers: Vec<String> = Vec::new();
    for r in 0..cells.rows.len() {
        first_row.entry(cells.number(r, draw)? as u64).or_insert(r);
        let name = cells.text(r, lever);
        if !levers.iter().any(|l| l == name) {
            levers.push(name.to_string());
        }
    }
    let index: BTreeMap<u64, usize> = first_row.keys().enumerate().map(|(i, &d)| (d, i)).collect();
    let mut x = vec![Vec::new(); factors.len()];
    for &r in first_row.values() {
        for (f, &c) in factor_columns.iter().enumerate() {
            x[f].push(cells.number(r, c)?);
        }
    }
    let mut values = vec![vec![f64::NAN; first_row.len()]; levers.len()];
    for r in 0..cells.rows.len() {
        let d = index[&(cells.number(r, draw)? as u64)];
        let l = levers.iter().position(|n| n == cells.text(r, lever)).unwrap_or(0);
        values[l][d] = cells.number(r, effect)?;
    }
    let outcomes = levers
        .into_iter()
        .zip(values)
        .map(|(name, values)| Outcome {
            meaning: format!("effect of the lever {name} on the long-run baseline in the draw"),
            name,
            values,
        })
        .collect();
    Ok((x, outcomes))
}

/// What `discover` found: the trajectory, the reported step, each point's verdict, and the
/// document and tables it writes.
pub struct Discovery {
    pub trajectory: Trajectory,
    pub step: usize,
    pub of_interest: usize,
    pub document: Value,
    /// `trajectory.csv`, `restrictions.csv`, `points.csv`.
    pub tables: [Table; 3],
}

/// Runs PRIM on `points` with the cases of interest where `condition` holds, and reports step
/// `step` of the trajectory (default: [`Trajectory::chosen`]). The error says what to change.
pub fn discover(
    points: &Points,
    condition: &Condition,
    settings: &PrimSettings,
    step: Option<usize>,
) -> std::result::Result<Discovery, String> {
    let outcome = points.outcome(&condition.metric)?;
    let interest: Vec<bool> = outcome.values.iter().map(|&v| condition.holds(v)).collect();
    let of_interest = interest.iter().filter(|&&b| b).count();
    if of_interest == 0 || of_interest == interest.len() {
        return Err(format!(
            "{of_interest} of the {} {}s meet it; choose a condition that splits them (the outcome ranges from {} to {})",
            interest.len(),
            points.unit,
            outcome.values.iter().copied().fold(f64::INFINITY, f64::min),
            outcome.values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        ));
    }
    let trajectory = prim(&points.x, &interest, settings).map_err(|e| e.to_string())?;
    let step = match step {
        Some(s) if s >= trajectory.steps.len() => {
            return Err(format!(
                "step {s}: the trajectory has steps 0 to {}",
                trajectory.steps.len() - 1
            ))
        }
        Some(s) => s,
        None => trajectory.chosen(settings.threshold),
    };
    let document = discovery_document(points, condition, settings, &trajectory, step);
    let tables = [
        trajectory_table(&trajectory),
        restrictions_table(&trajectory, &points.factors),
        points_table(points, &outcome.values, &interest, condition),
    ];
    Ok(Discovery {
        trajectory,
        step,
        of_interest,
        document,
        tables,
    })
}

/// `trajectory.csv`: one row per box of the peeling trajectory.
pub fn trajectory_table(t: &Trajectory) -> Table {
    let steps = &t.steps;
    let number = |f: &dyn Fn(usize) -> f64| Column::Number((0..steps.len()).map(f).collect());
    let count = |f: &dyn Fn(usize) -> usize| Column::Count((0..steps.len()).map(|i| f(i) as u32).collect());
    Table {
        names: [
            "step",
            "coverage",
            "density",
            "mass",
            "restricted",
            "points",
            "of_interest",
        ]
        .map(String::from)
        .to_vec(),
        columns: vec![
            count(&|i| i),
            number(&|i| steps[i].coverage),
            number(&|i| steps[i].density),
            number(&|i| steps[i].mass),
            count(&|i| steps[i].restricted(&t.initial).len()),
            count(&|i| steps[i].cases),
            count(&|i| steps[i].of_interest),
        ],
    }
}

/// `restrictions.csv`: per box of the trajectory, each restricted factor's limits, the data's
/// range and the quasi-p-value of each restricted side (empty where a side is not restricted).
pub fn restrictions_table(t: &Trajectory, factors: &[String]) -> Table {
    let rows: Vec<(usize, usize)> = t
        .steps
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.restricted(&t.initial).into_iter().map(move |f| (i, f)))
        .collect();
    let number = |f: &dyn Fn(usize, usize) -> f64| Column::Number(rows.iter().map(|&(i, j)| f(i, j)).collect());
    let quasi = |side: usize| {
        Column::Text(
            rows.iter()
                .map(|&(i, j)| t.steps[i].quasi_p[j][side].map(|p| p.to_string()).unwrap_or_default())
                .collect(),
        )
    };
    Table {
        names: [
            "step",
            "factor",
            "lower",
            "upper",
            "data_lower",
            "data_upper",
            "quasi_p_lower",
            "quasi_p_upper",
        ]
        .map(String::from)
        .to_vec(),
        columns: vec![
            Column::Count(rows.iter().map(|&(i, _)| i as u32).collect()),
            Column::Text(rows.iter().map(|&(_, j)| factors[j].clone()).collect()),
            number(&|i, j| t.steps[i].limits[j][0]),
            number(&|i, j| t.steps[i].limits[j][1]),
            number(&|_, j| t.initial[j][0]),
            number(&|_, j| t.initial[j][1]),
            quasi(0),
            quasi(1),
        ],
    }
}

/// `points.csv`: the factors, the outcome and whether each point is a case of interest.
pub fn points_table(points: &Points, outcome: &[f64], interest: &[bool], condition: &Condition) -> Table {
    let mut names = vec!["point".to_string()];
    names.extend(points.factors.iter().cloned());
    names.push(condition.metric.clone());
    names.push("of_interest".into());
    let mut columns = vec![Column::Count((0..outcome.len() as u32).collect())];
    columns.extend(points.x.iter().map(|c| Column::Number(c.clone())));
    columns.push(Column::Number(outcome.to_vec()));
    columns.push(Column::Count(interest.iter().map(|&b| b as u32).collect()));
    Table { names, columns }
}

/// The box of step `step` as JSON: its statistics and each restricted factor.
pub fn box_json(t: &Trajectory, step: usize, factors: &[String]) -> Value {
    let s = &t.steps[step];
    let restrictions: Vec<Value> = s
        .restricted(&t.initial)
        .into_iter()
        .map(|j| {
            json!({
                "factor": factors[j],
                "lower": s.limits[j][0],
                "upper": s.limits[j][1],
                "data_range": t.initial[j],
                "quasi_p_lower": s.quasi_p[j][0],
                "quasi_p_upper": s.quasi_p[j][1],
            })
        })
        .collect();
    json!({
        "step": step,
        "coverage": s.coverage,
        "density": s.density,
        "mass": s.mass,
        "points": s.cases,
        "of_interest": s.of_interest,
        "restrictions": restrictions,
    })
}

/// The discovery document (`discovery.json`).
pub fn discovery_document(
    points: &Points,
    condition: &Condition,
    settings: &PrimSettings,
    t: &Trajectory,
    chosen: usize,
) -> Value {
    let outcome = points.outcome(&condition.metric).ok();
    json!({
        "condition": condition.to_string(),
        "outcome": condition.metric,
        "outcome_meaning": outcome.map(|o| o.meaning.clone()),
        "unit": points.unit,
        "points": t.points,
        "of_interest": t.total_of_interest,
        "base_density": t.total_of_interest as f64 / t.points as f64,
        "method": "PRIM (Friedman and Fisher 1999) as the EMA Workbench implements it for a binary outcome: lenient objective, real-valued peels and pastes, one box; quasi-p-values after Bryant and Lempert (2010)",
        "settings": {
            "threshold": settings.threshold,
            "peel_alpha": settings.peel_alpha,
            "paste_alpha": settings.paste_alpha,
            "mass_min": settings.mass_min,
        },
        "chosen": box_json(t, chosen, &points.factors),
        "meets_threshold": t.steps[chosen].density >= settings.threshold,
        "last": box_json(t, t.steps.len() - 1, &points.factors),
        "steps": t.steps.len(),
    })
}

/// Writes `discovery.json`, `trajectory.csv`, `restrictions.csv`, `points.csv` and the manifest.
pub fn write_discovery(dir: &Path, found: &Discovery, settings: Value) -> Result<()> {
    write_experiment(
        dir,
        "discover",
        &[],
        settings,
        ("discovery.json", &found.document),
        &[
            ("trajectory.csv", &found.tables[0]),
            ("restrictions.csv", &found.tables[1]),
            ("points.csv", &found.tables[2]),
        ],
        None,
    )
}
