//! What `fit` and `backtest` are fitted to: one series of a series file, the events of its
//! technology, the scenario it is fitted on (a base preset cut at the as-of date, with the
//! incidents of known size up to then), the targets its seen points make, and the priors.
//!
//! **The base.** `--base` names it; otherwise a shipped series tied to a preset in
//! `data/shares.csv` takes that preset (and the offering and relation the file gives), and any
//! other series takes the preset of its technology ([`TECHNOLOGY_PRESETS`]).
//!
//! **Nothing after the as-of date.** The base's interventions that start after it are dropped
//! (a forecast does not know what comes later, even when it was announced), the run ends on the
//! as-of date, and only the points up to it become targets. The base's own values stay: where a
//! preset's values were fitted to its whole series, the later points have informed them, which
//! docs/evidence.md states beside every backtest that uses one.

use crate::error::CommandError;
use esplab_experiment::observed;
use esplab_model::{Intervention, StartDate};
use esplab_scenario::observations::{
    read_events, read_series, technology_key, EventRecord, Observation, RecordDate, RecordKind, DATE_FORMS,
};
use esplab_scenario::targets::TargetSet;
use esplab_scenario::{Override, Scenario};

/// Presets that stand for a technology of the shipped files, by [`technology_key`].
pub const TECHNOLOGY_PRESETS: [(&str, &str); 4] = [
    ("ai agent tool protocol", "mcp"),
    ("web", "web-https"),
    ("us card payments", "us-chip-cards"),
    ("consumer/embedded iot devices", "iot-botnets"),
];

/// The priors a fit on a shipped preset uses unless `--param` is given: those its preset was
/// calibrated with (docs/calibration.md). Other bases use the drivers of a share target.
pub const PRESET_PRIORS: [(&str, &[&str]); 2] = [
    (
        "web-https",
        &[
            "users.risk_sensitivity_median=uniform:0.3:1.0",
            "vendors.security_cost=uniform:3:8",
            "vendors.cost_decline=uniform:0:0.3",
            "interventions.0.tax_factor=uniform:0.3:1.0",
            "offerings.1.security=uniform:0.05:0.3",
        ],
    ),
    (
        "us-chip-cards",
        &[
            "vendors.security_cost=uniform:2:15",
            "attack.loss_per_record=log-uniform:20:500",
            "vendors.cost_decline=uniform:0:0.3",
            "offerings.0.rollout_days=uniform:60:1095",
            "offerings.1.rollout_days=uniform:60:1095",
        ],
    ),
];

/// Days a known incident may lie from a shock of the base for the two to be taken as one.
const SAME_INCIDENT_DAYS: i64 = 7;

/// One series with its technology's events and the base it is fitted on.
#[derive(Debug, Clone)]
pub struct Selected {
    pub series_source: String,
    pub series_id: String,
    pub technology: String,
    pub control: String,
    /// Its points, by date (file order within a date).
    pub points: Vec<Observation>,
    /// The events of its technology, by date.
    pub events: Vec<EventRecord>,
    /// The base scenario: a preset's name or a file's path.
    pub base: String,
    /// Why this base: `--base`, `data/shares.csv`, or the technology.
    pub base_reason: String,
    /// The offering whose deployments the series measured; `None`: the whole market.
    pub offering: Option<String>,
    /// The series measured a stricter control than the base's: its shares are lower bounds.
    pub lower_bound: bool,
}

/// Reads `series_id` from the series file and its technology's events, and picks the base.
pub fn select(
    series: &str,
    events: Option<&str>,
    series_id: &str,
    base: Option<&str>,
    offering: Option<&str>,
) -> Result<Selected, CommandError> {
    let all = read_series(series)?;
    let mut points: Vec<Observation> = all.iter().filter(|o| o.series_id == series_id).cloned().collect();
    if points.is_empty() {
        let mut ids: Vec<&str> = all.iter().map(|o| o.series_id.as_str()).collect();
        ids.dedup();
        ids.sort_unstable();
        ids.dedup();
        return Err(CommandError::field(
            "series_id",
            series_id,
            format!("{series} has no such series; it has: {}", ids.join(", ")),
        ));
    }
    points.sort_by_key(|o| o.date.day);
    let technology = points[0].technology.clone();
    let key = technology_key(&technology);
    let mut events: Vec<EventRecord> = match events {
        None => Vec::new(),
        Some(path) => read_events(path)?
            .into_iter()
            .filter(|e| technology_key(&e.technology) == key)
            .collect(),
    };
    events.sort_by_key(|e| e.date.day);
    let shipped = observed::shipped().into_iter().find(|p| p.series == series_id);
    let (base, base_reason, tied_offering, lower_bound) = match (base, &shipped) {
        (Some(b), _) => (b.to_string(), "given".to_string(), None, false),
        (None, Some(p)) => (
            p.preset.clone(),
            format!("{} ties {series_id} to it", observed::SHIPPED_SOURCE),
            p.offering.clone(),
            p.relation == observed::Relation::LowerBound,
        ),
        (None, None) => match TECHNOLOGY_PRESETS.iter().find(|(t, _)| *t == key) {
            Some((_, preset)) => (
                preset.to_string(),
                format!("the preset of technology {technology:?}"),
                None,
                false,
            ),
            None => {
                return Err(CommandError::field(
                    "base",
                    "(none)",
                    format!(
                        "series {series_id} is of technology {technology:?}, which no preset stands for: name a \
                         preset or scenario file as its base"
                    ),
                ))
            }
        },
    };
    let offering = match offering {
        Some("market") => None,
        Some(o) => Some(o.to_string()),
        None => tied_offering,
    };
    Ok(Selected {
        series_source: series.to_string(),
        series_id: series_id.to_string(),
        technology,
        control: points[points.len() - 1].control.clone(),
        points,
        events,
        base,
        base_reason,
        offering,
        lower_bound,
    })
}

/// Reads an as-of date as the files write dates.
pub fn as_of_date(text: &str, field: &'static str) -> Result<RecordDate, CommandError> {
    RecordDate::parse(text).ok_or_else(|| CommandError::field(field, text, DATE_FORMS))
}

/// A horizon: `N` days, `Nd`, `Nw`, `Nmo` (months of 30.4375 days) or `Ny` (years of 365.25),
/// as whole days.
pub fn horizon_days(text: &str) -> Result<u32, CommandError> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let per = match unit {
        "" | "d" => 1.0,
        "w" => 7.0,
        "mo" | "m" => 30.4375,
        "y" => 365.25,
        _ => f64::NAN,
    };
    let days = number.parse::<f64>().map(|n| (n * per).round()).unwrap_or(f64::NAN);
    if days.is_finite() && (1.0..=36525.0).contains(&days) {
        Ok(days as u32)
    } else {
        Err(CommandError::field(
            "horizon",
            text,
            "a length from 1 day to 100 years: N or Nd (days), Nw, Nmo (months), Ny (years), e.g. 24mo",
        ))
    }
}

/// A point as the fit sees it: the observation and its day of the run.
#[derive(Debug, Clone)]
pub struct DayPoint {
    pub observation: Observation,
    pub day: u32,
}

/// A fit's setup: the scenario cut at the as-of date, its targets, the points it saw and those
/// after, the priors, and what was changed on the way.
#[derive(Debug, Clone)]
pub struct Setup {
    pub selected: Selected,
    pub scenario: Scenario,
    pub targets: TargetSet,
    pub as_of: RecordDate,
    /// The as-of date's day of the run (the run's last day).
    pub as_of_day: u32,
    /// The offering's index in the scenario; `None`: the market.
    pub offering_index: Option<usize>,
    /// The points up to the as-of date (one per day: the largest sample) and after it.
    pub seen: Vec<DayPoint>,
    pub later: Vec<DayPoint>,
    pub prior_texts: Vec<String>,
    /// What the setup changed or left out, in sentences.
    pub notes: Vec<String>,
}

/// The setup of a fit of `selected` as of `as_of` (default: its last point), with the caller's
/// overrides and priors (default: [`PRESET_PRIORS`] or the drivers of a share), keeping the
/// base's interventions after the as-of date when `keep_scheduled`.
pub fn setup(
    selected: Selected,
    as_of: Option<&RecordDate>,
    overrides: &[Override],
    params: &[String],
    keep_scheduled: bool,
) -> Result<Setup, CommandError> {
    let as_of = as_of.cloned().unwrap_or_else(|| {
        selected
            .points
            .last()
            .expect("a selected series has points")
            .date
            .clone()
    });
    let mut notes = Vec::new();
    let probe = Scenario::load(&selected.base, overrides)?;
    let mut extra = Vec::new();
    let start = match probe.parameters.run.start_date {
        Some(s) => s,
        None => {
            let first = &selected.points[0].date.day;
            let text = first.format("%Y-%m-%d").to_string();
            notes.push(format!(
                "the base names no start date: the run starts on the first point's day, {text}"
            ));
            extra.push(Override::option("fit start", "run.start_date", &text));
            StartDate::parse(&text).expect("a record date is a start date")
        }
    };
    let as_of_day = start.day_of(as_of.day);
    if as_of_day < 0 {
        return Err(CommandError::field(
            "as_of",
            &as_of.text,
            format!("a date on or after the run's start, {}", start.label(0)),
        ));
    }
    let as_of_day = as_of_day as u32;
    extra.push(Override::option(
        "fit as of",
        "run.years",
        format!("{:.6}", f64::from(as_of_day + 1) / 365.0),
    ));
    let mut all = overrides.to_vec();
    all.extend(extra);
    let mut scenario = Scenario::load(&selected.base, &all)?;
    if scenario.parameters.run.days() <= as_of_day {
        return Err(CommandError::Failed(format!(
            "the run of {} cannot reach {}",
            selected.base, as_of.text
        )));
    }
    let offering_index = match &selected.offering {
        None => None,
        Some(name) => Some(
            scenario
                .parameters
                .offerings
                .iter()
                .position(|o| &o.name == name)
                .ok_or_else(|| {
                    let names: Vec<&str> = scenario.parameters.offerings.iter().map(|o| o.name.as_str()).collect();
                    CommandError::field(
                        "offering",
                        name,
                        format!(
                            "{} has no such offering; it has: {}, or market",
                            selected.base,
                            names.join(", ")
                        ),
                    )
                })?,
        ),
    };
    // Interventions: the base's up to the as-of date, and the known incidents of stated size.
    let p = &mut scenario.parameters;
    let mut kept_index = Vec::new();
    let mut kept = Vec::new();
    for intervention in &p.interventions {
        if intervention.start() <= as_of_day || keep_scheduled {
            if intervention.start() > as_of_day {
                notes.push(format!(
                    "the base's {} of {} is after the as-of date and kept, as scheduled before it",
                    intervention.kind().name(),
                    start.label(intervention.start())
                ));
            }
            kept_index.push(Some(kept.len()));
            kept.push(intervention.clone());
        } else {
            kept_index.push(None);
            notes.push(format!(
                "the base's {} of {} is after the as-of date and left out",
                intervention.kind().name(),
                start.label(intervention.start())
            ));
        }
    }
    for e in &selected.events {
        let day = start.day_of(e.date.day);
        if e.kind != RecordKind::Incident || day < 0 || day > i64::from(as_of_day) {
            continue;
        }
        let Some(records) = e.magnitude.filter(|&m| m >= 1.0) else {
            notes.push(format!(
                "incident of {} ({}) has no size in records: the model draws its own incidents",
                e.date.text,
                first_words(&e.description)
            ));
            continue;
        };
        let same = kept.iter().any(|i| {
            matches!(i, Intervention::Shock { .. }) && (i64::from(i.start()) - day).abs() <= SAME_INCIDENT_DAYS
        });
        if same {
            notes.push(format!("incident of {} is the base's own shock", e.date.text));
            continue;
        }
        notes.push(format!(
            "incident of {} ({}) becomes a shock of {records} records",
            e.date.text,
            first_words(&e.description)
        ));
        kept.push(Intervention::Shock {
            day: day as u32,
            size: records,
            offering: None,
            harmed: None,
        });
    }
    p.interventions = kept;
    let resolved = scenario.resolved_toml();
    let scenario = Scenario::from_text(&resolved, &format!("{} as of {}", selected.base, as_of.text), &[])?;
    // Points: one per day (the largest sample; the last listed of equal samples), before or
    // after the as-of date.
    let mut by_day: Vec<Vec<DayPoint>> = Vec::new();
    for o in &selected.points {
        let day = start.day_of(o.date.day);
        if day < 0 {
            notes.push(format!(
                "point of {} (line {}) is before the run's start, {}, and left out",
                o.date.text,
                o.line,
                start.label(0)
            ));
            continue;
        }
        let point = DayPoint {
            observation: o.clone(),
            day: day as u32,
        };
        match by_day.iter_mut().find(|g| g[0].day == point.day) {
            Some(group) => group.push(point),
            None => by_day.push(vec![point]),
        }
    }
    let (mut seen, mut later) = (Vec::new(), Vec::new());
    for group in by_day {
        let keep = group
            .iter()
            .enumerate()
            .max_by_key(|(i, p)| (p.observation.sample.unwrap_or(0), *i))
            .map(|(i, _)| i)
            .unwrap_or(0);
        if group.len() > 1 {
            let dropped: Vec<String> = group
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != keep)
                .map(|(_, p)| format!("line {} ({})", p.observation.line, sample_text(&p.observation)))
                .collect();
            notes.push(format!(
                "{} points stand for {}: line {} ({}) is kept, {} left out",
                group.len(),
                start.label(group[keep].day),
                group[keep].observation.line,
                sample_text(&group[keep].observation),
                dropped.join(" and ")
            ));
        }
        let point = group[keep].clone();
        if point.observation.date.day <= as_of.day {
            seen.push(point);
        } else {
            later.push(point);
        }
    }
    if seen.is_empty() {
        return Err(CommandError::field(
            "as_of",
            &as_of.text,
            format!(
                "series {} has no point from the run's start ({}) to this date; its first is {}",
                selected.series_id,
                start.label(0),
                selected.points[0].date.text
            ),
        ));
    }
    let targets = TargetSet::from_text(
        &targets_text(&selected, &seen, &start),
        &format!("targets of {} up to {}", selected.series_id, as_of.text),
    )?;
    let mut prior_texts: Vec<String> = if params.is_empty() {
        PRESET_PRIORS
            .iter()
            .find(|(preset, _)| *preset == selected.base)
            .map(|(_, priors)| priors.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default()
    } else {
        params.to_vec()
    };
    // A prior of an intervention follows it to its new index, or goes with it.
    prior_texts.retain_mut(|text| match text.strip_prefix("interventions.") {
        None => true,
        Some(rest) => {
            let (index, tail) = rest.split_once('.').unwrap_or((rest, ""));
            match index
                .parse::<usize>()
                .ok()
                .and_then(|i| kept_index.get(i).copied().flatten())
            {
                Some(j) => {
                    *text = format!("interventions.{j}.{tail}");
                    true
                }
                None if params.is_empty() => {
                    notes.push(format!("prior {text} is left out with its intervention"));
                    false
                }
                None => true,
            }
        }
    });
    Ok(Setup {
        selected,
        scenario,
        targets,
        as_of,
        as_of_day,
        offering_index,
        seen,
        later,
        prior_texts,
        notes,
    })
}

/// A point's sample in words.
fn sample_text(o: &Observation) -> String {
    o.sample.map_or_else(|| "no sample".into(), |n| format!("sample {n}"))
}

/// The first few words of a description.
fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(6).collect();
    let more = text.split_whitespace().count() > words.len();
    format!("{}{}", words.join(" "), if more { "…" } else { "" })
}

/// The target file of the seen points: one `share` target each.
fn targets_text(selected: &Selected, seen: &[DayPoint], start: &StartDate) -> String {
    let quote = |s: &str| esplab_scenario::value::Value::Text(s.to_string()).to_toml();
    let mut out = format!(
        "schema = 1\nname = {}\ndescription = {}\n",
        quote(&format!("fit-{}", selected.series_id)),
        quote(&format!(
            "the points of {} in {} ({}) up to the as-of date",
            selected.series_id, selected.series_source, selected.control
        ))
    );
    for p in seen {
        let o = &p.observation;
        out.push_str("\n[[targets]]\nstatistic = \"share\"\n");
        if let Some(offering) = &selected.offering {
            out.push_str(&format!("offering = {}\n", quote(offering)));
        }
        out.push_str(&format!("date = {}\nvalue = {}\n", quote(&start.label(p.day)), o.share));
        if let Some(n) = o.sample {
            out.push_str(&format!("sample = {n}\n"));
        }
        out.push_str(&format!(
            "relation = {}\nseries = {}\nderivation = {}\n",
            quote(if selected.lower_bound { "lower bound" } else { "same" }),
            quote(&selected.series_id),
            quote(&format!(
                "{} line {}: {} as of {}",
                selected.series_source, o.line, o.control, o.date.text
            ))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizons_are_read_in_days_weeks_months_and_years() {
        assert_eq!(horizon_days("24mo").unwrap(), 731);
        assert_eq!(horizon_days("2y").unwrap(), 731);
        assert_eq!(horizon_days("90").unwrap(), 90);
        assert_eq!(horizon_days("6w").unwrap(), 42);
        for bad in ["", "0d", "3 months", "-5d", "200y"] {
            let e = horizon_days(bad).unwrap_err();
            assert!(e.to_string().contains("N or Nd (days)"), "{bad}: {e}");
        }
    }

    const SHIPPED_SERIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/security_series.csv");
    const SHIPPED_EVENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/security_events.csv");

    #[test]
    fn a_shipped_series_finds_its_preset_offering_and_events() {
        let s = select(
            SHIPPED_SERIES,
            Some(SHIPPED_EVENTS),
            "emv-us-merchants-visa",
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            (s.base.as_str(), s.offering.as_deref()),
            ("us-chip-cards", Some("small-merchants"))
        );
        assert!(s.events.iter().any(|e| e.kind == RecordKind::Mandate), "{:?}", s.events);
        let web = select(SHIPPED_SERIES, None, "https-firefox-pageloads", None, Some("market")).unwrap();
        assert_eq!((web.base.as_str(), web.offering), ("web-https", None));
        let e = select(SHIPPED_SERIES, None, "no-such-series", None, None).unwrap_err();
        assert!(
            e.to_string().contains("has no such series; it has: card-fraud-rate"),
            "{e}"
        );
    }

    #[test]
    fn a_setup_sees_nothing_after_its_as_of_date() {
        let s = select(
            SHIPPED_SERIES,
            Some(SHIPPED_EVENTS),
            "https-firefox-pageloads",
            None,
            None,
        )
        .unwrap();
        let as_of = RecordDate::parse("2015-06").unwrap();
        let setup = setup(s, Some(&as_of), &[], &[], false).unwrap();
        assert_eq!(setup.seen.len(), 21, "2013-10 to 2015-06");
        assert_eq!(setup.later.len(), 15, "2015-07 to 2016-10 but for 2015-09");
        assert_eq!(setup.targets.targets.len(), 21);
        assert!(
            setup.scenario.parameters.interventions.is_empty(),
            "Let's Encrypt (2015-12) is left out"
        );
        assert_eq!(setup.scenario.parameters.run.days(), setup.as_of_day + 1);
        assert!(
            !setup.prior_texts.iter().any(|t| t.starts_with("interventions.")),
            "{:?}",
            setup.prior_texts
        );
        assert!(
            setup.notes.iter().any(|n| n.contains("cheaper-security")),
            "{:?}",
            setup.notes
        );
    }
}
