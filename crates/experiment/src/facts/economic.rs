//! Checks of the economic vendors (the presets' strategy), all emergent: the vendors' code has
//! no term for excitement or capability, no rule tying raises to churn, and no schedule of
//! answers; each of these facts comes out of how users, vendors and the regulator respond.

use super::{check, median_interval, wilson, Check};
use crate::analysis::{changes, top_share};
use crate::run::long_run_mean;
use crate::statistics::{mean_interval, paired_difference};
use esplab_model::{Detail, EventKind, Recorder};

/// Mean baseline over the last [`LONG_RUN_DAYS`](crate::run::LONG_RUN_DAYS) days of a run.
pub fn long_run(r: &Recorder) -> f64 {
    long_run_mean(r.days.iter().map(|d| d.baseline))
}

/// Mean share of adopters held by offering `j` over the last [`LONG_RUN_DAYS`](crate::run::LONG_RUN_DAYS) days.
fn long_run_share(r: &Recorder, j: usize) -> f64 {
    long_run_mean(r.offerings.iter().map(|day| {
        let adopters: f64 = day.iter().map(|o| o.users).sum();
        if adopters > 0.0 {
            day[j].users / adopters
        } else {
            0.0
        }
    }))
}

/// Mean security of offering `j` over the last [`LONG_RUN_DAYS`](crate::run::LONG_RUN_DAYS) days.
fn long_run_security(r: &Recorder, j: usize) -> f64 {
    long_run_mean(r.offerings.iter().map(|d| d[j].security))
}

/// The parts of a paired change of the long-run baseline, as in leverage's decomposition:
/// (vendors' security at the base's shares, shifted shares).
fn parts(base: &Recorder, variant: &Recorder) -> (f64, f64) {
    let count = base.offerings.last().map_or(0, Vec::len);
    (0..count).fold((0.0, 0.0), |(vendors, shares), j| {
        let (wb, wv) = (long_run_share(base, j), long_run_share(variant, j));
        let (sb, sv) = (long_run_security(base, j), long_run_security(variant, j));
        (vendors + wb * (sv - sb), shares + (wv - wb) * sv)
    })
}

/// A lever that writes no security raises the long-run baseline through vendors' own choices:
/// the part of its paired effect from vendors' security at the base's shares is positive.
pub fn raised_by_vendors(fact: &str, change: &str, base: &[Recorder], variant: &[Recorder]) -> Check {
    let part: Vec<f64> = base.iter().zip(variant).map(|(b, v)| parts(b, v).0).collect();
    let i = mean_interval(&part, 0.95);
    check(
        fact,
        &format!("mean paired vendors' part of the change of the long-run baseline when {change}"),
        "lower 95% bound > 0",
        "economic vendors answer what users require",
        (i.estimate, i.low, i.high),
        i.low > 0.0,
    )
}

fn long_runs(runs: &[Recorder]) -> Vec<f64> {
    runs.iter().map(long_run).collect()
}

/// The paired change of the long-run baseline from `base` to `variant` has the sign `sign`
/// (its 95% interval excludes zero on that side).
pub fn moves_long_run(fact: &str, change: &str, base: &[Recorder], variant: &[Recorder], sign: f64) -> Check {
    let i = paired_difference(&long_runs(base), &long_runs(variant), 0.95);
    let (value, low, high) = (sign * i.estimate, sign * i.low.min(i.high), sign * i.high.max(i.low));
    let (low, high) = (low.min(high), low.max(high));
    check(
        fact,
        &format!(
            "mean paired {} of the long-run baseline when {change}",
            if sign > 0.0 { "rise" } else { "drop" }
        ),
        "lower 95% bound > 0",
        "ESP, economic vendors",
        (value, low, high),
        low > 0.0,
    )
}

/// Yearly growth of the baseline from `from` to `to` (days, clamped to the run).
fn growth_per_year(r: &Recorder, from: usize, to: usize) -> f64 {
    let last = r.days.len().saturating_sub(1);
    let (from, to) = (from.min(last), to.min(last));
    if to <= from {
        return 0.0;
    }
    (r.days[to].baseline - r.days[from].baseline) * 365.0 / (to - from) as f64
}

/// A lever pulled on `day` speeds up the growth of the share over the following `window` days:
/// faster than in the same runs without it (paired), and faster than over the `window` days
/// before it. Both come from how vendors respond; the lever writes no share.
pub fn lever_speeds_growth(
    fact: &str,
    lever: &str,
    with: &[Recorder],
    without: &[Recorder],
    day: usize,
    window: usize,
    observed: &str,
) -> Vec<Check> {
    let after =
        |runs: &[Recorder]| -> Vec<f64> { runs.iter().map(|r| growth_per_year(r, day, day + window)).collect() };
    let (after_with, after_without) = (after(with), after(without));
    let i = paired_difference(&after_without, &after_with, 0.95);
    let versus_without = check(
        fact,
        &format!(
            "mean paired rise of the share's yearly growth over the {window} days after {lever} (day {day}), with the lever against without"
        ),
        "lower 95% bound > 0",
        observed,
        (i.estimate, i.low, i.high),
        i.low > 0.0,
    );
    let before: Vec<f64> = with
        .iter()
        .map(|r| growth_per_year(r, day.saturating_sub(window), day))
        .collect();
    let a = paired_difference(&before, &after_with, 0.95);
    let versus_before = check(
        fact,
        &format!("mean rise of the share's yearly growth from the {window} days before {lever} to the {window} after"),
        "lower 95% bound > 0",
        observed,
        (a.estimate, a.low, a.high),
        a.low > 0.0,
    );
    vec![versus_without, versus_before]
}

/// A heroic vendor at offering `heroic` loses market share to less secure rivals, and the flow
/// takes back part of its effect on the baseline.
pub fn heroic_minority(base: &[Recorder], lever: &[Recorder], heroic: usize, name: &str) -> Vec<Check> {
    let shares = |runs: &[Recorder]| runs.iter().map(|r| long_run_share(r, heroic)).collect::<Vec<f64>>();
    let lost = paired_difference(&shares(base), &shares(lever), 0.95);
    let taken_back: Vec<f64> = base.iter().zip(lever).map(|(b, l)| parts(b, l).1).collect();
    let flow = mean_interval(&taken_back, 0.95);
    vec![
        check(
            "A heroic minority vendor loses users to less secure rivals",
            &format!("mean paired change of {name}'s long-run share of adopters when it holds security 0.6"),
            "upper 95% bound < 0",
            "ESP: security costs users value, so users flow to less secure rivals",
            (lost.estimate, lost.low, lost.high),
            lost.high < 0.0,
        )
        .partly("security costs users value in the written utility (security.tax), so the sign is the rule's; how many leave emerges from re-choice and rivals"),
        check(
            "The flow of users takes back part of the heroic vendor's effect",
            "mean paired market-share part of its effect on the long-run baseline (leverage's decomposition)",
            "upper 95% bound < 0",
            "the effect of one vendor is not its security times its share",
            (flow.estimate, flow.low, flow.high),
            flow.high < 0.0,
        )
        .partly("the same written utility decides the sign; the size emerges from users' flows and rivals' responses"),
    ]
}

/// Months from day 0 to a run's first regulation (`None` without one).
fn first_regulation_months(r: &Recorder) -> Option<f64> {
    r.events
        .iter()
        .find(|e| e.kind() == EventKind::Regulation)
        .map(|e| e.day as f64 / 30.44)
}

/// Months from `shock_day` to the first answer after it (a vendor raise or a regulation).
fn answer_months(r: &Recorder, shock_day: u32) -> Option<f64> {
    r.events
        .iter()
        .find(|e| e.day >= shock_day && matches!(e.kind(), EventKind::VendorRaise | EventKind::Regulation))
        .map(|e| (e.day - shock_day) as f64 / 30.44)
}

/// Chronic losses are answered after years, and far later than a mega-incident.
pub fn chronic_answers(chronic: &[Recorder], loud: &[Recorder], shock_day: u32) -> Vec<Check> {
    let horizon = |r: &Recorder| r.days.len() as f64 / 30.44;
    // A run never answered counts as answered at its horizon (a lower bound on its delay).
    let chronic_months: Vec<f64> = chronic
        .iter()
        .map(|r| first_regulation_months(r).unwrap_or_else(|| horizon(r)))
        .collect();
    let loud_months: Vec<f64> = loud
        .iter()
        .map(|r| answer_months(r, shock_day).unwrap_or_else(|| horizon(r)))
        .collect();
    let c = median_interval(&chronic_months);
    let l = median_interval(&loud_months);
    let ratio = c.0 / l.0.max(1.0 / 30.44);
    vec![
        check(
            "Chronic losses are answered after years",
            "median months to the first regulation, online-banking over 30 years",
            "between 36 and 240",
            "chronic rows of data/cases.csv: regulation after 9.9 to 97.6 months (C03, C04, C12)",
            c,
            (36.0..=240.0).contains(&c.0),
        )
        .by_construction("the lag is decided by regulator.agenda_threshold, set to reproduce row C04 of data/cases.csv, the same data as the threshold (thresholds 30, 60 and 120 give 39.5, about 69 and no regulation in 30 years)"),
        check(
            "Chronic losses are answered far later than a mega-incident",
            "median months to the first chronic answer / median months from the loud shock to its first answer",
            "at least 10",
            "one salient mega-incident slaps people awake (essay)",
            (ratio, c.1 / l.2.max(1.0 / 30.44), c.2 / l.1.max(1.0 / 30.44)),
            ratio >= 10.0,
        )
        .by_construction("the ratio of two parameters set from data/cases.csv: regulator.agenda_threshold (row C04) over regulator.lag_days (the median acute lag)"),
    ]
}

/// Disclosed vulnerabilities are fixed before they are exploited.
pub fn disclosures_fixed(runs: &[Recorder]) -> Check {
    let (mut disclosed, mut fixed) = (0usize, 0usize);
    for r in runs {
        disclosed += r
            .events
            .iter()
            .filter(|e| e.kind() == EventKind::Vulnerability && (e.day as usize) + 60 < r.days.len())
            .count();
        fixed += r
            .events
            .iter()
            .filter(
                |e| matches!(e.detail, Detail::VendorFix { disclosed, .. } if (disclosed as usize) + 60 < r.days.len()),
            )
            .count();
    }
    let share = wilson(fixed, disclosed);
    check(
        "Disclosed flaws are fixed within weeks, before anyone is harmed",
        &format!("share of {disclosed} disclosed vulnerabilities fixed before their exploit"),
        "lower 95% bound > 0.5, with at least 100 disclosures",
        "MCP vendors fixed disclosed flaws within days (data/cases.csv C30-C32)",
        share,
        share.1 > 0.5 && disclosed >= 100,
    )
    .partly("decided by the preset's fix delay (7 days) being below attack.exploit_days (30); the share emerges from vendors' fixing and attackers' timing")
}

/// The largest weekly changes carry more of the baseline's rises than of its falls.
pub fn rises_more_punctuated_than_falls(runs: &[Recorder]) -> Check {
    let (mut rises, mut falls) = (Vec::new(), Vec::new());
    for r in runs {
        let b: Vec<f64> = r.days.iter().map(|d| d.baseline).collect();
        let weekly = changes(&b, 7);
        if let (Some(up), Some(down)) = (top_share(&weekly, true), top_share(&weekly, false)) {
            rises.push(up);
            falls.push(down);
        }
    }
    let i = paired_difference(&falls, &rises, 0.95);
    check(
        "Rises are more punctuated than falls",
        "mean paired difference: share of rises carried by the top 5% of weekly rises minus that of falls by the top 5% of falls",
        "lower 95% bound > 0",
        "punctuated equilibrium: security jumps up and erodes down (DESIGN)",
        (i.estimate, i.low, i.high),
        i.low > 0.0 && rises.len() * 4 >= runs.len() * 3,
    )
    .partly("vendors raise security in discrete reviews and it erodes day by day (written rules); how uneven the two are emerges")
}

#[cfg(test)]
mod tests {
    use super::*;
    use esplab_model::DayRecord;

    /// A run whose baseline grows at `before` a year until `day`, then at `after`, plus a wobble
    /// of run `k`.
    fn run(day: usize, before: f64, after: f64, k: usize) -> Recorder {
        let mut r = Recorder::default();
        for t in 0..(2 * day) {
            let years = |d: usize| d as f64 / 365.0;
            let trend = if t < day {
                before * years(t)
            } else {
                before * years(day) + after * years(t - day)
            };
            r.days.push(DayRecord {
                day: t as u32,
                baseline: 0.2 + trend + 0.001 * ((k * 7 + t) % 5) as f64,
                ..DayRecord::default()
            });
        }
        r
    }

    #[test]
    fn a_lever_that_speeds_growth_passes_and_one_that_does_not_fails() {
        let with: Vec<Recorder> = (0..20).map(|k| run(300, 0.05, 0.12, k)).collect();
        let without: Vec<Recorder> = (0..20).map(|k| run(300, 0.05, 0.05, k)).collect();
        let checks = lever_speeds_growth("f", "the lever", &with, &without, 300, 200, "data");
        assert_eq!(checks.len(), 2);
        for c in &checks {
            assert!(c.pass, "{c:?}");
            assert!((c.value - 0.07).abs() < 0.01, "{c:?}");
        }
        let checks = lever_speeds_growth("f", "the lever", &without, &without, 300, 200, "data");
        assert!(checks.iter().all(|c| !c.pass), "{checks:?}");
    }
}
