//! The reports of `fit`, `forecast` and `backtest` folders: the fitted fan against the series'
//! points, the forecast fan with the chances of events, and the scores beside the naive rivals.

use crate::error::Result;
use crate::kinds::calibration;
use crate::page::{cell, Figure, Report, Section, Table};
use crate::read::{json, number, start_date, text, CsvTable};
use crate::svg::{Band, Chart, Dots, Line, Marker, PALETTE};
use serde_json::Value;
use std::path::Path;

/// A fan from a table with day and p05..p95 columns: the 90% and 50% bands and the median.
fn fan(chart: &mut Chart, table: &CsvTable, name: &str) -> Result<()> {
    let days = table.numbers("day")?;
    let q: Vec<Vec<f64>> = ["p05", "p25", "p50", "p75", "p95"]
        .iter()
        .map(|c| table.numbers(c))
        .collect::<Result<_>>()?;
    let band = |low: &[f64], high: &[f64]| -> Vec<(f64, f64, f64)> {
        days.iter()
            .zip(low.iter().zip(high))
            .map(|(&d, (&l, &h))| (d, l, h))
            .collect()
    };
    chart.bands.push(Band {
        name: format!("{name}: 90%"),
        points: band(&q[0], &q[4]),
        color: PALETTE[0],
        opacity: 0.18,
    });
    chart.bands.push(Band {
        name: format!("{name}: 50%"),
        points: band(&q[1], &q[3]),
        color: PALETTE[0],
        opacity: 0.3,
    });
    chart.lines.push(Line {
        name: format!("{name}: median"),
        points: days.iter().copied().zip(q[2].iter().copied()).collect(),
        color: PALETTE[0],
        dashed: false,
        width: 1.5,
    });
    Ok(())
}

/// The series' points as dots: seen by the fit, and after its as-of date.
fn observations(chart: &mut Chart, table: &CsvTable) -> Result<()> {
    let days = table.numbers("day")?;
    let shares = table.numbers("share")?;
    let seen = table.texts("seen")?;
    for (which, color, label) in [
        ("yes", PALETTE[7], "points fitted"),
        ("no", PALETTE[1], "points after the as-of date"),
    ] {
        let points: Vec<(f64, f64)> = days
            .iter()
            .zip(&shares)
            .zip(&seen)
            .filter(|(_, s)| s.as_str() == which)
            .map(|((&d, &y), _)| (d, y))
            .collect();
        if !points.is_empty() {
            chart.dots.push(Dots {
                name: label.into(),
                points,
                color,
                radius: 3.0,
            });
        }
    }
    Ok(())
}

/// The report of fit folder `dir`: the fitted fan against the points, then the calibration's.
pub fn fit(dir: &Path, manifest: &Value) -> Result<Report> {
    let doc = json(dir, "fit.json")?;
    let mut report = calibration::report(dir, manifest)?;
    let start = start_date(manifest, "/scenario");
    let mut chart = Chart::over_days(
        &format!("{}: fitted share against the points", text(&doc, "/series_id")),
        "share meeting the control",
        start,
    );
    fan(&mut chart, &CsvTable::read(dir, "paths.csv")?, "fitted")?;
    observations(&mut chart, &CsvTable::read(dir, "observations.csv")?)?;
    chart.markers.push(Marker {
        x: number(&doc, "/as_of_day"),
        label: format!("as of {}", text(&doc, "/as_of")),
        color: PALETTE[7],
    });
    let notes: Vec<String> = doc["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    let mut paragraphs = vec![format!(
        "{} ({}), {} points up to {} fitted on {} ({}), {}; {} posterior draws of {} users each. The band is the \
         draws' 5–95% range, the darker band 25–75%.",
        text(&doc, "/series_id"),
        text(&doc, "/control"),
        number(&doc, "/points_seen"),
        text(&doc, "/as_of"),
        text(&doc, "/base"),
        text(&doc, "/base_reason"),
        doc["offering"]
            .as_str()
            .map_or("the market's share".to_string(), |o| format!("offering {o}")),
        number(&doc, "/draws"),
        number(&doc, "/users"),
    )];
    paragraphs.extend(notes.iter().map(|n| format!("Note: {n}.")));
    report.sections.insert(
        0,
        Section {
            heading: "Fitted share".into(),
            paragraphs,
            figures: vec![Figure {
                name: "fitted-share".into(),
                caption: "The fitted fan of the share meeting the control, with the series' points.".into(),
                svg: chart.svg(),
            }],
            tables: vec![],
        },
    );
    report.title = format!("esplab fit: {}", text(&doc, "/series_id"));
    Ok(report)
}

/// The report of forecast folder `dir`: the fan past the as-of date and the chances.
pub fn forecast(dir: &Path, manifest: &Value) -> Result<Report> {
    let doc = json(dir, "forecast.json")?;
    let start = start_date(manifest, "/scenario");
    let mut chart = Chart::over_days(
        &format!(
            "{}: forecast from {} for {}",
            text(&doc, "/series_id"),
            text(&doc, "/as_of"),
            text(&doc, "/horizon")
        ),
        "share meeting the control",
        start,
    );
    chart.y_range = Some((0.0, 1.0));
    fan(&mut chart, &CsvTable::read(dir, "fan.csv")?, "forecast")?;
    observations(&mut chart, &CsvTable::read(dir, "observations.csv")?)?;
    chart.markers.push(Marker {
        x: number(&doc, "/as_of_day"),
        label: format!("as of {}", text(&doc, "/as_of")),
        color: PALETTE[7],
    });
    let mut chances = Table {
        header: ["event within the horizon", "chance", "95% interval", "draws"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows: vec![],
    };
    let definitions = CsvTable::read(dir, "chances.csv")?.texts("definition")?;
    for (c, definition) in doc["chances"].as_array().into_iter().flatten().zip(definitions) {
        chances.rows.push(vec![
            format!("{}: {definition}", text(c, "/event")),
            format!("{:.1}%", 100.0 * number(c, "/chance")),
            format!(
                "[{:.1}%, {:.1}%]",
                100.0 * number(c, "/interval_95/0"),
                100.0 * number(c, "/interval_95/1")
            ),
            cell(number(c, "/draws")),
        ]);
    }
    Ok(Report {
        title: format!("esplab forecast: {}", text(&doc, "/series_id")),
        subtitle: format!(
            "{}: {} draws of the posterior of {}, {} users each",
            dir.display(),
            number(&doc, "/draws"),
            text(&doc, "/fit"),
            number(&doc, "/users")
        ),
        sections: vec![
            Section {
                heading: "The share meeting the control".into(),
                paragraphs: vec![format!(
                    "{} ({}). On {} the median is {} (50%: {}–{}; 90%: {}–{}). Left of the marker the draws replay \
                     the fitted past; right of it they forecast. Dots after the marker are points the fit did not \
                     see, if the series has any.",
                    text(&doc, "/series_id"),
                    text(&doc, "/control"),
                    text(&doc, "/until"),
                    cell(number(&doc, "/share_at_horizon/p50")),
                    cell(number(&doc, "/share_at_horizon/p25")),
                    cell(number(&doc, "/share_at_horizon/p75")),
                    cell(number(&doc, "/share_at_horizon/p05")),
                    cell(number(&doc, "/share_at_horizon/p95")),
                )],
                figures: vec![Figure {
                    name: "forecast".into(),
                    caption: "Fan of the share: median, 50% and 90% bands of the posterior draws.".into(),
                    svg: chart.svg(),
                }],
                tables: vec![],
            },
            Section {
                heading: "Chances within the horizon".into(),
                paragraphs: vec![
                    "The share of draws in which each happened after the as-of date and by the horizon, with its \
                     Wilson 95% interval (the draws' uncertainty, not the model's)."
                        .into(),
                ],
                figures: vec![],
                tables: vec![chances],
            },
        ],
    })
}

/// The report of backtest folder `dir`: each method's scores at each as-of date.
pub fn backtest(dir: &Path, manifest: &Value) -> Result<Report> {
    let doc = json(dir, "backtest.json")?;
    let scores = CsvTable::read(dir, "scores.csv")?;
    let mut table = Table {
        header: [
            "as of",
            "method",
            "seen",
            "scored",
            "CRPS",
            "50% covered",
            "90% covered",
            "log score",
            "note",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: vec![],
    };
    let column = |name: &str| scores.texts(name);
    let (as_of, method, seen, scored, note) = (
        column("as_of")?,
        column("method")?,
        column("points_seen")?,
        column("points_scored")?,
        column("note")?,
    );
    let (crps, c50, c90, log) = (
        scores.numbers("crps")?,
        scores.numbers("coverage_50")?,
        scores.numbers("coverage_90")?,
        scores.numbers("log_score")?,
    );
    let percent = |v: f64| {
        if v.is_finite() {
            format!("{:.0}%", 100.0 * v)
        } else {
            "-".into()
        }
    };
    for r in 0..scores.rows.len() {
        table.rows.push(vec![
            as_of[r].clone(),
            method[r].clone(),
            seen[r].clone(),
            scored[r].clone(),
            cell(crps[r]),
            percent(c50[r]),
            percent(c90[r]),
            cell(log[r]),
            note[r].clone(),
        ]);
    }
    // CRPS by as-of date, one line per method.
    let days: Vec<f64> = doc["as_of"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| number(a, "/as_of_day"))
        .collect();
    let mut chart = Chart::over_days(
        &format!("{}: CRPS by as-of date (lower is better)", text(&doc, "/series_id")),
        "mean CRPS over the points scored",
        start_date(manifest, "/scenario"),
    );
    let methods: Vec<String> = doc["as_of"][0]["methods"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| text(m, "/method"))
        .collect();
    for (k, m) in methods.iter().enumerate() {
        let points: Vec<(f64, f64)> = doc["as_of"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(&days)
            .map(|(a, &d)| (d, number(&a["methods"][k], "/scores/crps")))
            .filter(|p| p.1.is_finite())
            .collect();
        chart.dots.push(Dots {
            name: m.clone(),
            points: points.clone(),
            color: PALETTE[k % PALETTE.len()],
            radius: 4.0,
        });
        chart.lines.push(Line {
            name: String::new(),
            points,
            color: PALETTE[k % PALETTE.len()],
            dashed: k > 0,
            width: 1.0,
        });
    }
    Ok(Report {
        title: format!("esplab backtest: {}", text(&doc, "/series_id")),
        subtitle: format!(
            "{}: fitted on {} ({}), horizon {}, {} users, {} draws",
            dir.display(),
            text(&doc, "/base"),
            text(&doc, "/base_reason"),
            text(&doc, "/horizon"),
            number(&doc, "/users"),
            number(&doc, "/draws")
        ),
        sections: vec![Section {
            heading: "Scores beside the naive methods".into(),
            paragraphs: vec![
                "CRPS: the continuous ranked probability score, in units of the share (lower is better). Coverage: \
                 the share of points within the central 50% and 90% of the predictive sample. Log score: the log \
                 of the predictive density at the point (higher is better). Every method is scored alike, after \
                 the observation noise of each point's sample."
                    .into(),
            ],
            figures: vec![Figure {
                name: "crps".into(),
                caption: "Mean CRPS at each as-of date; the model solid, the naive methods dashed.".into(),
                svg: chart.svg(),
            }],
            tables: vec![table],
        }],
    })
}
