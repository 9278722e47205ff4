//! The report of a run folder (and of its `analysis.json`, when `esplab analyze` wrote one).

use crate::error::Result;
use crate::page::{cell, Figure, Report, Section, Table};
use crate::read::{json, number, start_date, text, CsvTable};
use crate::svg::{stacked, Chart, Dots, Line, Marker, PALETTE};
use esplab_experiment::analysis::story::when;
use esplab_model::EventKind;
use esplab_output::run_folder::files;
use serde_json::Value;
use std::path::Path;

/// Points with their index.
type Indexed = Vec<(usize, (f64, f64))>;

/// Most incidents drawn on the incident chart.
const MAX_DOTS: usize = 20_000;

fn line(name: &str, days: &[f64], values: &[f64], color: &'static str, dashed: bool) -> Line {
    Line {
        name: name.into(),
        points: days.iter().copied().zip(values.iter().copied()).collect(),
        color,
        dashed,
        width: if dashed { 1.5 } else { 2.0 },
    }
}

/// Jumps from `analysis.json` as (day, size, cause).
fn jumps(analysis: &Value) -> Vec<(f64, f64, String)> {
    analysis["jumps"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|j| (number(j, "/day"), number(j, "/size"), text(j, "/cause")))
                .collect()
        })
        .unwrap_or_default()
}

/// The stacked-area chart of each offering's users (share of the population) from
/// offerings.csv, offerings in the order of `names`.
fn market_shares(offerings: &CsvTable, names: &[String], dated: Option<esplab_model::StartDate>) -> Result<Chart> {
    let rows = offerings.texts("offering")?;
    let days = offerings.numbers("day")?;
    let users = offerings.numbers("users")?;
    let count = names.len().max(1);
    let xs: Vec<f64> = days.iter().step_by(count).copied().collect();
    let layers: Vec<(String, Vec<f64>)> = names
        .iter()
        .map(|name| {
            let values = rows
                .iter()
                .zip(&users)
                .filter(|(r, _)| *r == name)
                .map(|(_, u)| *u)
                .collect();
            (name.clone(), values)
        })
        .collect();
    let mut chart = Chart::over_days("Market shares", "share of the population", dated);
    chart.y_range = Some((0.0, 1.0));
    chart.bands = stacked(&xs, &layers, 0.75);
    Ok(chart)
}

/// The report of run folder `dir`.
pub fn report(dir: &Path, manifest: &Value) -> Result<Report> {
    let series = CsvTable::read(dir, files::TIMESERIES_CSV)?;
    let events = CsvTable::read(dir, files::EVENTS)?;
    let offerings = CsvTable::read(dir, files::OFFERINGS)?;
    let analysis = json(dir, "analysis.json").ok();
    let days = series.numbers("day")?;
    let name = text(manifest, "/scenario/name");
    let seed = number(manifest, "/scenario/parameters/run/seed");
    let users = number(manifest, "/scenario/parameters/run/users");
    let dated = start_date(manifest, "/scenario");
    let kinds = events.texts("kind")?;
    let event_days = events.numbers("day")?;
    let sizes = events.numbers("size")?;
    let at = |kind: EventKind| -> Vec<(f64, f64)> {
        kinds
            .iter()
            .zip(event_days.iter().zip(&sizes))
            .filter(|(k, _)| k.as_str() == kind.name())
            .map(|(_, (d, s))| (*d, *s))
            .collect()
    };

    // Security is the share of deployments meeting the scenario's control, when it names one.
    let control = esplab_output::analysis_files::control_of(manifest);
    let (baseline_axis, offering_axis) = if control.is_empty() {
        (
            "security (0 = none, 1 = full)".to_string(),
            "security (0-1)".to_string(),
        )
    } else {
        (format!("share of {control}"), format!("share of {control}"))
    };
    let mut baseline = Chart::over_days("Security baseline", &baseline_axis, dated);
    baseline.y_range = Some((0.0, 1.0));
    baseline
        .lines
        .push(line("baseline", &days, &series.numbers("baseline")?, PALETTE[0], false));
    baseline.lines.push(line(
        "regulation floor",
        &days,
        &series.numbers("floor")?,
        PALETTE[1],
        true,
    ));
    let jump_list = analysis.as_ref().map(jumps).unwrap_or_default();
    for (day, size, cause) in &jump_list {
        baseline.markers.push(Marker {
            x: *day,
            label: format!("+{size:.2} {cause}"),
            color: PALETTE[3],
        });
    }
    if jump_list.is_empty() {
        for (day, _) in at(EventKind::Regulation) {
            baseline.markers.push(Marker {
                x: day,
                label: EventKind::Regulation.name().into(),
                color: PALETTE[1],
            });
        }
    }

    let mut adoption = Chart::over_days("Adoption", "share of the population using it", dated);
    adoption.y_range = Some((0.0, 1.0));
    adoption
        .lines
        .push(line("adoption", &days, &series.numbers("adoption")?, PALETTE[2], false));
    for (day, _) in at(EventKind::News) {
        adoption.markers.push(Marker {
            x: day,
            label: EventKind::News.name().into(),
            color: PALETTE[4],
        });
    }

    let outcry_threshold = number(manifest, "/scenario/parameters/regulator/outcry_threshold");
    let mut fear = Chart::over_days("Public fear and outcry", "fear; outcry = fear x adoption", dated);
    fear.lines
        .push(line("public fear", &days, &series.numbers("fear")?, PALETTE[1], false));
    fear.lines
        .push(line("outcry", &days, &series.numbers("outcry")?, PALETTE[3], false));
    if outcry_threshold.is_finite() {
        fear.lines.push(Line {
            name: "outcry threshold".into(),
            points: vec![(days[0], outcry_threshold), (days[days.len() - 1], outcry_threshold)],
            color: PALETTE[7],
            dashed: true,
            width: 1.0,
        });
    }

    let mut incidents = Chart::over_days("Incidents against the attention threshold", "log10(records)", dated);
    let news_days: Vec<f64> = at(EventKind::News).iter().map(|n| n.0).collect();
    let all: Vec<(f64, f64)> = at(EventKind::Incident)
        .iter()
        .map(|(d, s)| (*d, s.max(1.0).log10()))
        .collect();
    // On a news day, the largest incident of the day is the one that made the news.
    let mut largest: std::collections::BTreeMap<i64, (usize, f64)> = std::collections::BTreeMap::new();
    for (i, p) in all.iter().enumerate() {
        if news_days.contains(&p.0) {
            let entry = largest.entry(p.0 as i64).or_insert((i, p.1));
            if p.1 > entry.1 {
                *entry = (i, p.1);
            }
        }
    }
    let news_index: Vec<usize> = largest.values().map(|v| v.0).collect();
    let (news_points, quiet): (Indexed, Indexed) = all
        .iter()
        .copied()
        .enumerate()
        .partition(|(i, _)| news_index.contains(i));
    let news_points: Vec<(f64, f64)> = news_points.into_iter().map(|p| p.1).collect();
    // At most MAX_DOTS quiet incidents are drawn (every k-th), so pages stay light.
    let stride = quiet.len().div_ceil(MAX_DOTS).max(1);
    let drawn_share = if stride > 1 {
        format!(
            " (every {stride}th of {} incidents below the threshold is drawn)",
            quiet.len()
        )
    } else {
        String::new()
    };
    let quiet: Vec<(f64, f64)> = quiet.into_iter().step_by(stride).map(|p| p.1).collect();
    incidents.dots.push(Dots {
        name: "incident".into(),
        points: quiet,
        color: PALETTE[5],
        radius: 1.5,
    });
    incidents.dots.push(Dots {
        name: "news".into(),
        points: news_points,
        color: PALETTE[1],
        radius: 4.0,
    });
    incidents.lines.push(line(
        "attention threshold",
        &days,
        &series.numbers("attention_threshold")?,
        PALETTE[7],
        true,
    ));

    let mut security = Chart::over_days("Security of each offering", &offering_axis, dated);
    security.y_range = Some((0.0, 1.0));
    let names = offerings.texts("offering")?;
    let o_days = offerings.numbers("day")?;
    let o_security = offerings.numbers("security")?;
    let mut seen: Vec<String> = Vec::new();
    for n in &names {
        if !seen.contains(n) {
            seen.push(n.clone());
        }
    }
    for (k, offering) in seen.iter().enumerate() {
        let points: Vec<(f64, f64)> = names
            .iter()
            .zip(o_days.iter().zip(&o_security))
            .filter(|(n, _)| *n == offering)
            .map(|(_, (d, s))| (*d, *s))
            .collect();
        security.lines.push(Line {
            name: offering.clone(),
            points,
            color: PALETTE[k % PALETTE.len()],
            dashed: false,
            width: 1.5,
        });
    }

    let shares = market_shares(&offerings, &seen, dated)?;

    let figure = |name: &str, caption: &str, chart: &Chart| Figure {
        name: name.into(),
        caption: caption.into(),
        svg: chart.svg(),
    };
    let story = esplab_output::analysis_files::run_story(dir).unwrap_or_else(|e| vec![format!("No story: {e}.")]);
    let mut sections = vec![Section {
        heading: "What happened".into(),
        paragraphs: story,
        figures: vec![],
        tables: vec![],
    }];
    sections.push(Section {
        heading: "Baseline, adoption and fear".into(),
        paragraphs: vec![format!(
            "{} days, {} simulated users, seed {}. {} incidents, {} made the news, {} vendor raises, {} regulations.",
            days.len(),
            users,
            seed,
            at(EventKind::Incident).len(),
            news_days.len(),
            at(EventKind::VendorRaise).len(),
            at(EventKind::Regulation).len()
        )],
        figures: vec![
            figure(
                "baseline",
                "The adoption-weighted security of the offerings in use, with the regulation floor. Vertical lines \
                 mark the jumps found by esplab analyze (or regulations, without an analysis).",
                &baseline,
            ),
            figure("adoption", "Share of the population using the technology; vertical lines mark news.", &adoption),
            figure(
                "fear",
                "Public fear and outcry (fear times adoption); regulation follows when outcry stays above the threshold.",
                &fear,
            ),
            figure(
                "incidents",
                &format!("Incidents by log10 size; those above the attention threshold made the news{drawn_share}."),
                &incidents,
            ),
            figure(
                "market-shares",
                "Each offering's users as a share of the population, stacked (the top edge is adoption; the rest \
                 of the population uses none).",
                &shares,
            ),
            figure("offerings", "Security of each offering.", &security),
        ],
        tables: vec![],
    });
    if let Some(a) = &analysis {
        let mut table = Table {
            header: vec!["day".into(), "size".into(), "cause".into(), "chain of events".into()],
            rows: vec![],
        };
        for j in a["jumps"].as_array().into_iter().flatten() {
            let chain: Vec<String> = j["chain"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| format!("{}: {}", when(dated, number(l, "/day") as u32), text(l, "/event")))
                .collect();
            table.rows.push(vec![
                when(dated, number(j, "/day") as u32),
                format!("+{}", cell(number(j, "/size"))),
                text(j, "/cause"),
                chain.join("; "),
            ]);
        }
        sections.push(Section {
            heading: "Jumps and what triggered them".into(),
            paragraphs: vec![format!(
                "From esplab analyze: {} jumps. Daily kurtosis of baseline changes {}.",
                table.rows.len(),
                cell(number(a, "/baseline_changes/daily_kurtosis"))
            )],
            figures: vec![],
            tables: vec![table],
        });
    }
    Ok(Report {
        title: format!("esplab run: {name}"),
        subtitle: format!("{}", dir.display()),
        sections,
    })
}
