//! Reading a run folder back for analysis, and writing `analysis.json`.

use crate::error::{OutputError, Result};
use crate::run_folder::files;
use crate::{atomic, manifest};
use esplab_experiment::analysis::{Analysis, EventRow, FlowRow, RunData};
use esplab_model::{Detail, EventKind, DETAIL_COLUMNS};
use serde_json::{json, Value};
use std::path::Path;

fn bad(path: &Path, message: String) -> OutputError {
    OutputError::io(path, std::io::Error::other(message))
}

/// Opens CSV file `path` and finds the columns `names` by their headers (so that files written
/// before a column was added read the same): the reader, the headers and the indices.
fn open_csv<const N: usize>(
    path: &Path,
    names: [&str; N],
) -> Result<(csv::Reader<std::fs::File>, csv::StringRecord, [usize; N])> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(path, e.to_string()))?;
    let headers = reader.headers().map_err(|e| bad(path, e.to_string()))?.clone();
    let mut indices = [0; N];
    for (index, name) in indices.iter_mut().zip(names) {
        *index = headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(path, format!("has no column `{name}`")))?;
    }
    Ok((reader, headers, indices))
}

/// Reads `timeseries.csv`, `events.csv`, `offerings.csv` and (when there) `flows.csv` of a
/// complete run folder.
pub fn read_run(dir: &Path) -> Result<RunData> {
    if !dir.join("manifest.json").exists() {
        return Err(bad(dir, "is not a complete run folder (no manifest.json)".into()));
    }
    let path = dir.join(files::TIMESERIES_CSV);
    let (mut reader, headers, [baseline, adoption, churn, incidents, loss]) =
        open_csv(&path, ["baseline", "adoption", "security_churn", "incidents", "loss"])?;
    let mut data = RunData::default();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(&path, e.to_string()))?;
        let get = |i: usize| -> Result<f64> {
            record.get(i).and_then(|v| v.parse().ok()).ok_or_else(|| {
                bad(
                    &path,
                    format!(
                        "line {}: column {} is not a number",
                        n + 2,
                        headers.get(i).unwrap_or("?")
                    ),
                )
            })
        };
        data.baseline.push(get(baseline)?);
        data.adoption.push(get(adoption)?);
        data.security_churn.push(get(churn)?);
        data.incidents.push(get(incidents)?);
        data.loss.push(get(loss)?);
    }
    let path = dir.join(files::EVENTS);
    // Folders written before the `date` column read the same.
    let (mut reader, headers, [day, kind, offering, size]) = open_csv(&path, ["day", "kind", "offering", "size"])?;
    let typed: Vec<Option<usize>> = DETAIL_COLUMNS
        .iter()
        .map(|c| headers.iter().position(|h| h == *c))
        .collect();
    if typed.iter().all(Option::is_none) {
        return Err(bad(
            &path,
            "has no columns of the events' typed fields (written by an esplab before 0.2); run the scenario again"
                .into(),
        ));
    }
    for (n, record) in reader.records().enumerate() {
        let r = record.map_err(|e| bad(&path, e.to_string()))?;
        let field = |i: usize| r.get(i).unwrap_or_default().to_string();
        let line = n + 2;
        let event_kind = EventKind::from_name(&field(kind)).ok_or_else(|| {
            bad(
                &path,
                format!(
                    "line {line}: column kind: {:?} is not an event kind; allowed: {}",
                    field(kind),
                    EventKind::ALL.map(EventKind::name).join(", ")
                ),
            )
        })?;
        let cell = |column: &str| -> &str {
            DETAIL_COLUMNS
                .iter()
                .position(|c| *c == column)
                .and_then(|k| typed[k])
                .and_then(|i| r.get(i))
                .unwrap_or_default()
        };
        let event_detail = Detail::from_cells(event_kind, cell).ok_or_else(|| {
            let filled: Vec<String> = DETAIL_COLUMNS
                .iter()
                .filter(|c| !cell(c).is_empty())
                .map(|c| format!("{c}={}", cell(c)))
                .collect();
            bad(
                &path,
                format!(
                    "line {line}: the typed fields ({}) are not those of a {} event",
                    filled.join(", "),
                    event_kind.name()
                ),
            )
        })?;
        data.events.push(EventRow {
            day: field(day)
                .parse()
                .map_err(|_| bad(&path, format!("line {line}: bad day")))?,
            kind: event_kind,
            offering: field(offering),
            size: field(size).parse().unwrap_or(f64::NAN),
            detail: event_detail,
        });
    }
    data.offerings = read_offerings(dir)?;
    // Folders written before flows.csv have none.
    data.flows = if dir.join(files::FLOWS).exists() {
        Some(read_flows(dir)?)
    } else {
        None
    };
    Ok(data)
}

/// The rows of `flows.csv`.
fn read_flows(dir: &Path) -> Result<Vec<FlowRow>> {
    let path = dir.join(files::FLOWS);
    let (mut reader, _, [day, from, to, users]) = open_csv(&path, ["day", "from", "to", "users"])?;
    let mut out = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let r = record.map_err(|e| bad(&path, e.to_string()))?;
        let field = |i: usize| r.get(i).unwrap_or_default();
        let line = n + 2;
        out.push(FlowRow {
            day: field(day)
                .parse()
                .map_err(|_| bad(&path, format!("line {line}: column day is not a day number")))?,
            from: field(from).to_string(),
            to: field(to).to_string(),
            users: field(users)
                .parse()
                .map_err(|_| bad(&path, format!("line {line}: column users is not a number")))?,
        });
    }
    Ok(out)
}

/// Each offering's users per day (share of the population) from `offerings.csv`, offerings in
/// their order of first appearance.
fn read_offerings(dir: &Path) -> Result<Vec<(String, Vec<f64>)>> {
    let path = dir.join(files::OFFERINGS);
    let (mut reader, _, [offering, users]) = open_csv(&path, ["offering", "users"])?;
    let mut out: Vec<(String, Vec<f64>)> = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let r = record.map_err(|e| bad(&path, e.to_string()))?;
        let name = r.get(offering).unwrap_or_default();
        let share: f64 = r
            .get(users)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| bad(&path, format!("line {}: column users is not a number", n + 2)))?;
        match out.iter_mut().find(|(o, _)| o == name) {
            Some((_, values)) => values.push(share),
            None => out.push((name.to_string(), vec![share])),
        }
    }
    Ok(out)
}

/// A folder's manifest.
fn read_manifest(dir: &Path) -> Result<Value> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| OutputError::io(&path, e))?;
    serde_json::from_str(&text).map_err(|e| bad(&path, e.to_string()))
}

/// The start date of a folder's scenario, from its manifest, if it sets one.
fn start_date_of(manifest: &Value) -> Option<esplab_model::StartDate> {
    let date = manifest
        .pointer("/scenario/parameters/run/start_date")
        .and_then(Value::as_str)
        .unwrap_or_default();
    esplab_model::StartDate::parse(date)
}

/// The control that a run folder's security measures, from its manifest (its scenario's
/// `security.control`): empty when it names none.
pub fn control_of(manifest: &Value) -> &str {
    manifest
        .pointer("/scenario/parameters/security/control")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The story of a complete run folder ([`esplab_experiment::analysis::story`]): its paragraphs,
/// with dates when its scenario sets a start date, telling security as the share of its control.
pub fn run_story(dir: &Path) -> Result<Vec<String>> {
    let data = read_run(dir)?;
    if data.baseline.len() < 3 {
        return Err(bad(
            dir,
            format!("the run has {} days; a story needs at least 3", data.baseline.len()),
        ));
    }
    let analysis = esplab_experiment::analysis::analyze(&data);
    let manifest = read_manifest(dir)?;
    Ok(esplab_experiment::analysis::story::story(
        &data,
        &analysis,
        start_date_of(&manifest),
        control_of(&manifest),
    ))
}

fn number(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

/// The analysis as JSON.
pub fn analysis_json(a: &Analysis) -> Value {
    json!({
        "days": a.days,
        "change_points": {
            "method": "PELT on daily baseline changes, Normal mean-shift cost",
            "penalty": a.penalty,
            "penalty_rule": "max(2 sigma^2 ln n, 0.01^2 / 2), sigma = 1.4826 MAD of daily changes",
            "segments": a.segments.iter().map(|s| json!({
                "start_day": s.start, "end_day": s.end, "change": s.change,
                "rate_per_year": s.rate_per_year, "kind": if s.is_jump { "jump" } else { "equilibrium" },
            })).collect::<Vec<_>>(),
        },
        "jumps": a.jumps.iter().map(|j| json!({
            "day": j.day, "size": j.size, "cause": j.cause,
            "chain": j.chain.iter().map(|l| json!({"day": l.day, "event": l.what})).collect::<Vec<_>>(),
            "lag_from_first_link_days": j.chain.first().map(|l| j.day.saturating_sub(l.day)),
        })).collect::<Vec<_>>(),
        "baseline_changes": {
            "daily_kurtosis": number(a.daily_kurtosis),
            "weekly_kurtosis": number(a.weekly_kurtosis),
            "daily_l_kurtosis": number(a.daily_l_kurtosis),
            "weekly_l_kurtosis": number(a.weekly_l_kurtosis),
            "normal_reference": {"kurtosis": 3.0, "l_kurtosis": 0.1226},
            "top5_share_of_weekly_increase": a.top5_share_of_increase,
            "top5_share_of_weekly_decrease": a.top5_share_of_decrease,
        },
        "incidents": {
            "count": a.incidents.count,
            "log10_records_mean": number(a.incidents.log10_mean),
            "log10_records_sd": number(a.incidents.log10_sd),
            "tail_exponent_hill_top10pct": a.incidents.tail_exponent,
            "monthly_count_variance_to_mean": number(a.incidents.monthly_variance_to_mean),
            "abandonment_within_90_days_by_size_decile": a.incidents.abandonment_by_decile.iter().map(|d| json!({
                "records_low": d.low, "records_high": d.high, "incidents": d.incidents,
                "victims": d.victims, "abandoned_share": d.abandoned_share,
            })).collect::<Vec<_>>(),
        },
        "adoption_after_news": a.news.iter().map(|n| json!({"day": n.day, "drop": n.drop, "recovery_days": n.recovery_days})).collect::<Vec<_>>(),
        "response_lags_days": {
            "first_news_day": a.lags.first_news_day,
            "news_to_first_vendor_raise": a.lags.news_to_first_vendor_raise,
            "news_to_first_regulation": a.lags.news_to_first_regulation,
            "losses_start_day": a.lags.losses_start_day,
            "losses_to_first_vendor_raise": a.lags.losses_to_first_vendor_raise,
            "losses_to_first_regulation": a.lags.losses_to_first_regulation,
        },
    })
}

/// Writes `analysis.json` into the run folder.
pub fn write_analysis(dir: &Path, a: &Analysis) -> Result<()> {
    atomic::write(
        &dir.join("analysis.json"),
        manifest::pretty(&analysis_json(a)).as_bytes(),
    )
}
