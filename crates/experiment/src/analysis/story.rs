//! The story of a run in plain sentences: what happened and why, told from the chains of events
//! behind its jumps ([`super::jumps`]). Every number in a sentence is read from the run's data
//! (its events, daily series and each offering's users); nothing is estimated or smoothed.
//!
//! Moves of users are told as each offering's share of the population before an event and
//! [`FLOW_DAYS`] days after it, then, from the run's flows (flows.csv), where the users who left
//! the struck offering went and how many came to it.

use super::{Analysis, EventRow, Jump, RunData};
use esplab_model::{Detail, EventKind, RaiseReason, StartDate};

/// Days after an event over which the moves of users are told.
pub const FLOW_DAYS: u32 = 30;
/// Most jumps told: the largest, in day order; the others are counted.
pub const MOST_JUMPS: usize = 12;

/// `2016-10-21 (day 659)` with a start date, `day 659` without.
pub fn when(start: Option<StartDate>, day: u32) -> String {
    match start {
        Some(s) => format!("{} (day {day})", s.label(day)),
        None => format!("day {day}"),
    }
}

/// A count of records in words: `6.3 million`, `2.1 billion`, `4.5 thousand`, `850`.
pub fn records(x: f64) -> String {
    let a = x.abs();
    if a >= 1e9 {
        format!("{:.1} billion", x / 1e9)
    } else if a >= 1e6 {
        format!("{:.1} million", x / 1e6)
    } else if a >= 1e3 {
        format!("{:.1} thousand", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// A share as a percentage with one decimal: `4.1%`.
pub fn percent(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// The story: an opening paragraph, then one paragraph per jump told, in day order. `control`
/// is the scenario's `security.control`: with one, security is told as the share of it
/// ("raised its share of MCP servers that require authentication from 0.25 to 0.45").
pub fn story(data: &RunData, analysis: &Analysis, start: Option<StartDate>, control: &str) -> Vec<String> {
    let mut paragraphs = vec![opening(data, analysis, start, control)];
    paragraphs.extend(vendor_raises(data, start, control));
    let mut told: Vec<&Jump> = analysis.jumps.iter().collect();
    told.sort_by(|a, b| b.size.abs().total_cmp(&a.size.abs()).then(a.day.cmp(&b.day)));
    let untold = told.len().saturating_sub(MOST_JUMPS);
    told.truncate(MOST_JUMPS);
    told.sort_by_key(|j| j.day);
    let mut news_told: Vec<u32> = Vec::new();
    // Jumps that are each one raise by the same vendor for the same reason, in a row, are told
    // as one paragraph.
    let mut k = 0;
    while k < told.len() {
        let run = lone_raise(told[k])
            .map(|first| {
                told[k..]
                    .iter()
                    .take_while(|j| {
                        lone_raise(j).is_some_and(|e| e.offering == first.offering && same_reason(e, first))
                    })
                    .count()
            })
            .unwrap_or(0);
        if run >= 2 {
            paragraphs.push(raises(&told[k..k + run], start, control));
            k += run;
        } else {
            paragraphs.push(episode(data, told[k], start, control, &mut news_told));
            k += 1;
        }
    }
    if untold > 0 {
        paragraphs.push(format!(
            "{untold} smaller jumps are not told here; analysis.json lists every jump with its chain of events."
        ));
    }
    paragraphs
}

/// The raise a jump is made of when it is nothing else (one event, a vendor's raise).
fn lone_raise(jump: &Jump) -> Option<&EventRow> {
    let mut events = jump.chain.iter().filter_map(|l| l.event.as_ref());
    match (events.next(), events.next()) {
        (Some(e), None) if e.kind == EventKind::VendorRaise => Some(e),
        _ => None,
    }
}

/// Whether two raises had the same reason.
fn same_reason(a: &EventRow, b: &EventRow) -> bool {
    match (a.detail, b.detail) {
        (Detail::VendorRaise { reason: x, .. }, Detail::VendorRaise { reason: y, .. }) => x.name() == y.name(),
        _ => false,
    }
}

/// How security is named in sentences: the share of the control, when the scenario names one.
fn security_words(control: &str) -> String {
    if control.is_empty() {
        "security".to_string()
    } else {
        format!("share of {control}")
    }
}

/// The reason of a raise, as the end of a sentence (" to win newcomers: ...").
fn raise_reason(reason: &RaiseReason, churn: f64) -> String {
    match reason {
        RaiseReason::Churn => format!(
            " after losing {} of its users over risk in its watch window, more than it tolerates",
            percent(churn)
        ),
        RaiseReason::Chance => spaced(reason.words()),
        RaiseReason::Unrecorded => String::new(),
        RaiseReason::Valuation { valuation, after_news } => {
            let news = if *after_news {
                ", at a review its own news called"
            } else {
                ""
            };
            let gain = match reason.name() {
                "rules" => valuation.kept + valuation.won,
                name => valuation
                    .gains()
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(0.0, |(_, g)| *g),
            };
            let cost = -(valuation.security_cost + valuation.programme);
            format!(
                " {}{news}: it valued that at {} over its planning horizon, against {} for holding the higher \
                 security and the programme",
                reason.words(),
                records(gain),
                records(cost)
            )
        }
    }
}

/// Most groups of raises [`vendor_raises`] tells.
const MOST_RAISE_GROUPS: usize = 12;

/// Every vendor raise and why, in day order, a vendor's raises in a row for one reason told
/// together; `None` without raises.
fn vendor_raises(data: &RunData, start: Option<StartDate>, control: &str) -> Option<String> {
    let raises: Vec<&EventRow> = data
        .events
        .iter()
        .filter(|e| e.kind == EventKind::VendorRaise)
        .collect();
    let mut groups: Vec<Vec<&EventRow>> = Vec::new();
    for e in raises.iter().copied() {
        match groups.last_mut() {
            Some(group) if group[0].offering == e.offering && same_reason(group[0], e) => group.push(e),
            _ => groups.push(vec![e]),
        }
    }
    if groups.is_empty() {
        return None;
    }
    let security = security_words(control);
    let told: Vec<String> = groups
        .iter()
        .take(MOST_RAISE_GROUPS)
        .map(|group| {
            let first = group[0];
            let Detail::VendorRaise {
                from,
                to,
                churn,
                reason,
            } = first.detail
            else {
                unreachable!("raises")
            };
            if group.len() == 1 {
                return format!(
                    "{} raised its {security} from {from:.2} to {to:.2} on {}{}.",
                    first.offering,
                    when(start, first.day),
                    raise_reason(&reason, churn)
                );
            }
            let steps = steps(group, start);
            let words = spaced(reason.words());
            format!(
                "{} raised its {security} {}{words}: {}.",
                first.offering,
                times(group.len()),
                steps.join(", ")
            )
        })
        .collect();
    let untold = groups.len().saturating_sub(MOST_RAISE_GROUPS);
    let rest = if untold > 0 {
        format!(" {untold} more groups of raises are not told here; events.csv gives every raise with its reason and the terms of its valuation.")
    } else {
        String::new()
    };
    Some(format!(
        "Vendors raised security {}. {}{rest}",
        times(raises.len()),
        told.join(" ")
    ))
}

/// Each raise of `raises` as "from A to B on DATE".
fn steps(raises: &[&EventRow], start: Option<StartDate>) -> Vec<String> {
    raises
        .iter()
        .filter_map(|e| match e.detail {
            Detail::VendorRaise { from, to, .. } => {
                Some(format!("from {from:.2} to {to:.2} on {}", when(start, e.day)))
            }
            _ => None,
        })
        .collect()
}

/// `words` after a space, or nothing.
fn spaced(words: &str) -> String {
    if words.is_empty() {
        String::new()
    } else {
        format!(" {words}")
    }
}

/// "once", "twice", "3 times".
fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

/// One paragraph for raises in a row by one vendor for one reason (two or more).
fn raises(jumps: &[&Jump], start: Option<StartDate>, control: &str) -> String {
    let events: Vec<&EventRow> = jumps.iter().filter_map(|j| lone_raise(j)).collect();
    let (first, last) = (events[0], events[events.len() - 1]);
    let Detail::VendorRaise { reason, .. } = first.detail else {
        unreachable!("lone raises")
    };
    let steps = steps(&events, start);
    let worth = match reason {
        RaiseReason::Valuation { .. } => {
            let gains: f64 = events
                .iter()
                .filter_map(|e| match e.detail {
                    Detail::VendorRaise {
                        reason: RaiseReason::Valuation { valuation, .. },
                        ..
                    } => Some(valuation.gains().iter().map(|(_, g)| g).sum::<f64>()),
                    _ => None,
                })
                .sum();
            format!(
                " It valued what the raises would win or save at {} in all over its planning horizons.",
                records(gains)
            )
        }
        _ => String::new(),
    };
    let size: f64 = jumps.iter().map(|j| j.size).sum();
    let direction = if size >= 0.0 { "rose" } else { "fell" };
    format!(
        "Between {} and {}, {} raised its {} {}{}: {}.{worth} The security baseline {direction} by {:.2} over these raises.",
        when(start, first.day),
        when(start, last.day),
        first.offering,
        security_words(control),
        times(events.len()),
        spaced(reason.words()),
        steps.join(", "),
        size.abs()
    )
}

fn opening(data: &RunData, analysis: &Analysis, start: Option<StartDate>, control: &str) -> String {
    let days = data.baseline.len();
    let Some(last) = days.checked_sub(1) else {
        return "The run has no days.".into();
    };
    let (peak_day, peak) =
        data.adoption.iter().copied().enumerate().fold(
            (0, f64::NEG_INFINITY),
            |best, (d, a)| if a > best.1 { (d, a) } else { best },
        );
    let jumps = match analysis.jumps.len() {
        0 => format!(
            "no jump (a change of more than {} within {} days)",
            esplab_model::JUMP_THRESHOLD,
            super::JUMP_DAYS
        ),
        1 => "one jump".into(),
        n => format!("{n} jumps"),
    };
    let adoption = if peak_day == last {
        format!(
            "adoption rose to {} of the population by {}",
            percent(peak),
            when(start, last as u32)
        )
    } else {
        format!(
            "adoption rose to {} of the population by {} and stood at {} on {}",
            percent(peak),
            when(start, peak_day as u32),
            percent(data.adoption[last]),
            when(start, last as u32)
        )
    };
    let baseline = if control.is_empty() {
        "The security baseline".to_string()
    } else {
        format!("The security baseline, the share of {control} over all users' offerings,")
    };
    let mut text = format!(
        "Over {days} days from {}, {adoption}. {baseline} went from {:.2} to {:.2}, with {jumps}.",
        when(start, 0),
        data.baseline[0],
        data.baseline[last],
    );
    if !data.offerings.is_empty() {
        let mut end: Vec<(&str, f64)> = data
            .offerings
            .iter()
            .map(|(name, users)| (name.as_str(), users.get(last).copied().unwrap_or(f64::NAN)))
            .collect();
        end.sort_by(|a, b| b.1.total_cmp(&a.1));
        let parts: Vec<String> = end.iter().map(|(n, s)| format!("{n} {}", percent(*s))).collect();
        text.push_str(&format!(
            " On {}, the offerings held these shares of the population: {}.",
            when(start, last as u32),
            parts.join(", ")
        ));
    }
    text
}

/// Each offering's share the day before `day` and [`FLOW_DAYS`] later: "Over the next 30 days
/// a's users went from 21.0% to 19.5% of the population (b: 40.1% to 41.0%)." `first` names the
/// offering told first.
fn moves(data: &RunData, day: u32, first: &str, start: Option<StartDate>) -> Option<String> {
    let days = data.baseline.len();
    if data.offerings.is_empty() || days == 0 {
        return None;
    }
    let before = (day as usize).saturating_sub(1).min(days - 1);
    let after = (day as usize + FLOW_DAYS as usize).min(days - 1);
    if after <= before {
        return None;
    }
    let share = |users: &Vec<f64>, d: usize| users.get(d).copied().unwrap_or(f64::NAN);
    let mut ordered: Vec<&(String, Vec<f64>)> = data.offerings.iter().collect();
    ordered.sort_by_key(|(name, _)| name != first);
    let (name, users) = ordered[0];
    let mut text = format!(
        "From {} to {}, the users of {name} went from {} to {} of the population",
        when(start, before as u32),
        when(start, after as u32),
        percent(share(users, before)),
        percent(share(users, after))
    );
    let others: Vec<String> = ordered[1..]
        .iter()
        .map(|(n, u)| format!("{n}: {} to {}", percent(share(u, before)), percent(share(u, after))))
        .collect();
    if !others.is_empty() {
        text.push_str(&format!(" ({})", others.join("; ")));
    }
    text.push('.');
    if !first.is_empty() {
        if let Some(flows) = flows(data, name, before, after, share(users, before), start) {
            text.push(' ');
            text.push_str(&flows);
        }
    }
    Some(text)
}

/// Where the users who left `name` from day `before + 1` to `after` went, as shares of its
/// `users` on day `before`: "Between A and B, users leaving a came to 4.1% of its users on A:
/// 1.2% went to b and 2.9% stopped using the technology; users joining it came to 0.3%."
/// `None` without flows or users.
fn flows(
    data: &RunData,
    name: &str,
    before: usize,
    after: usize,
    users: f64,
    start: Option<StartDate>,
) -> Option<String> {
    let rows = data.flows.as_ref()?;
    if users.is_nan() || users <= 0.0 {
        return None;
    }
    let within = |r: &&super::FlowRow| r.day as usize > before && r.day as usize <= after;
    let mut out: Vec<(&str, f64)> = data.offerings.iter().map(|(n, _)| (n.as_str(), 0.0)).collect();
    out.push(("", 0.0));
    let mut joined = 0.0;
    for r in rows.iter().filter(within) {
        if r.from == name {
            if let Some(slot) = out.iter_mut().find(|(to, _)| *to == r.to) {
                slot.1 += r.users;
            }
        } else if r.to == name {
            joined += r.users;
        }
    }
    let left: f64 = out.iter().map(|(_, u)| u).sum();
    let (a, b) = (when(start, before as u32), when(start, after as u32));
    let joining = format!("users joining it came to {}", percent(joined / users));
    if left <= 0.0 {
        return Some(format!("Between {a} and {b}, no user left {name}; {joining}."));
    }
    let parts: Vec<String> = out
        .iter()
        .filter(|(_, u)| *u > 0.0)
        .enumerate()
        .map(|(k, (to, u))| match *to {
            "" => format!("{} stopped using the technology", percent(u / users)),
            _ if k == 0 => format!("{} went to {to}", percent(u / users)),
            _ => format!("{} to {to}", percent(u / users)),
        })
        .collect();
    let listed = match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => parts.join(""),
    };
    Some(format!(
        "Between {a} and {b}, users leaving {name} came to {} of its users on {a}: {listed}; {joining}.",
        percent(left / users)
    ))
}

fn event_sentence(e: &EventRow, start: Option<StartDate>, control: &str) -> Option<String> {
    let on = when(start, e.day);
    let (security, required) = if control.is_empty() {
        ("security".to_string(), "required security".to_string())
    } else {
        (
            format!("share of {control}"),
            format!("share of deployments required to meet the control ({control})"),
        )
    };
    Some(match e.detail {
        Detail::Incident { .. } => format!("On {on} an incident of {} records hit {}.", records(e.size), e.offering),
        Detail::VendorRaise {
            from,
            to,
            churn,
            reason,
        } => {
            format!(
                "On {on} {} raised its {security} from {from:.2} to {to:.2}{}.",
                e.offering,
                raise_reason(&reason, churn)
            )
        }
        Detail::Outcry { due } => format!(
            "On {on} public outcry had lasted long enough to call for regulation, due on {}.",
            when(start, due)
        ),
        Detail::LossAgenda { due } => format!(
            "On {on} quiet losses put the technology on the regulator's agenda; a regulation was due on {}.",
            when(start, due)
        ),
        Detail::Regulation { from, to, deadline, .. } => {
            let by = if deadline > e.day {
                format!(", deployments complying by {}", when(start, deadline))
            } else {
                String::new()
            };
            format!("On {on} a regulation raised the {required} from {from:.2} to {to:.2}{by}.")
        }
        Detail::Intervention(started) => format!("On {on} an intervention started: {started}."),
        Detail::Draft { due } => format!(
            "On {on} salient events pressed the standards body to draft a revision, due on {}.",
            when(start, due)
        ),
        Detail::Revision { number, uptake } => {
            let what = if control.is_empty() {
                "the control".to_string()
            } else {
                control.to_string()
            };
            format!(
                "On {on} the standards body published revision {number} of the standard, asking for {what}: \
                 it brings {} of each offering's deployments without the control under it, adopted over the \
                 offering's roll-out time.",
                percent(uptake)
            )
        }
        _ => return None,
    })
}

/// One jump's paragraph. News already told in an earlier paragraph (`news_told`, by day) is
/// referred to rather than told again.
fn episode(data: &RunData, jump: &Jump, start: Option<StartDate>, control: &str, news_told: &mut Vec<u32>) -> String {
    let mut sentences: Vec<String> = Vec::new();
    let events: Vec<&EventRow> = jump.chain.iter().filter_map(|l| l.event.as_ref()).collect();
    let incident = events
        .iter()
        .find(|e| matches!(e.kind, EventKind::Incident | EventKind::Vulnerability));
    let news = events.iter().find(|e| e.kind == EventKind::News);
    let mut moved_from: Option<(u32, String)> = None;
    let mut after_news: Option<String> = None;
    if let Some(n) = news.filter(|n| news_told.contains(&n.day)) {
        after_news = Some(format!("After the news of {},", when(start, n.day)));
    } else if let Some(n) = news {
        news_told.push(n.day);
        let at = incident.map_or(n.offering.as_str(), |i| i.offering.as_str());
        sentences.push(match (incident, n.detail) {
            (Some(i), _) if i.kind == EventKind::Vulnerability => format!(
                "On {} a vulnerability of {} records at {at} was disclosed and made the news.",
                when(start, n.day),
                records(i.size)
            ),
            (Some(i), _) => format!(
                "On {} an incident of {} records at {at} made the news.",
                when(start, n.day),
                records(i.size)
            ),
            (None, Detail::News { records: r, .. }) => format!(
                "On {} an incident of {} records at {at} made the news.",
                when(start, n.day),
                records(r)
            ),
            _ => format!("On {} an incident at {at} made the news.", when(start, n.day)),
        });
        moved_from = Some((n.day, at.to_string()));
    } else if let Some(i) = incident {
        sentences.extend(event_sentence(i, start, control));
    }
    let churn_without_news = jump
        .chain
        .iter()
        .any(|l| l.event.is_none() && l.what.contains("without news"));
    for e in events
        .iter()
        .filter(|e| !matches!(e.kind, EventKind::Incident | EventKind::News | EventKind::Vulnerability))
    {
        if let Some((day, offering)) = moved_from.take() {
            sentences.extend(moves(data, day, &offering, start));
        }
        let Some(mut sentence) = event_sentence(e, start, control) else {
            continue;
        };
        if e.kind == EventKind::VendorRaise {
            // Raises by other vendors the same day are part of the same jump.
            for other in data
                .events
                .iter()
                .filter(|o| o.kind == EventKind::VendorRaise && o.day == e.day && o.offering != e.offering)
            {
                if let Detail::VendorRaise { from, to, .. } = other.detail {
                    sentence.pop();
                    sentence.push_str(&format!(
                        ", and {} raised its own from {from:.2} to {to:.2}.",
                        other.offering
                    ));
                }
            }
        }
        if let Some(prefix) = after_news.take() {
            sentence = format!("{prefix} {}", sentence.replacen("On ", "on ", 1));
        }
        sentences.push(sentence);
        if let (true, Detail::VendorRaise { reason, .. }) = (churn_without_news, e.detail) {
            if matches!(reason, RaiseReason::Churn | RaiseReason::Unrecorded) {
                sentences.push(format!(
                    "No incident had made the news in the {} days before.",
                    super::LOOKBACK_DAYS
                ));
            }
        }
    }
    if let Some((day, offering)) = moved_from.take() {
        sentences.extend(moves(data, day, &offering, start));
    }
    let direction = if jump.size >= 0.0 { "rose" } else { "fell" };
    if events.is_empty() {
        sentences.push(format!(
            "Around {} the security baseline {direction} by {:.2} as users shifted between offerings of different security.",
            when(start, jump.day),
            jump.size.abs()
        ));
        sentences.extend(moves(data, jump.day, "", start));
    } else {
        sentences.push(format!(
            "The security baseline {direction} by {:.2} on {}.",
            jump.size.abs(),
            when(start, jump.day)
        ));
    }
    sentences.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_days_read_as_words() {
        assert_eq!(records(6.3e6), "6.3 million");
        assert_eq!(records(2.14e9), "2.1 billion");
        assert_eq!(records(4_500.0), "4.5 thousand");
        assert_eq!(records(850.0), "850");
        assert_eq!(percent(0.041), "4.1%");
        assert_eq!(when(None, 659), "day 659");
        assert_eq!(when(StartDate::parse("2015-01-01"), 659), "2016-10-21 (day 659)");
    }

    #[test]
    fn a_run_without_jumps_says_so_and_gives_the_end_shares() {
        let data = RunData {
            baseline: vec![0.3, 0.29, 0.28],
            adoption: vec![0.1, 0.4, 0.3],
            security_churn: vec![0.0; 3],
            incidents: vec![0.0; 3],
            loss: vec![0.0; 3],
            offerings: vec![("a".into(), vec![0.05, 0.1, 0.1]), ("b".into(), vec![0.05, 0.3, 0.2])],
            ..RunData::default()
        };
        let analysis = super::super::analyze(&data);
        let told = story(&data, &analysis, None, "");
        assert_eq!(told.len(), 1, "no jump: the opening only");
        assert!(told[0].contains("adoption rose to 40.0% of the population by day 1 and stood at 30.0% on day 2"));
        assert!(told[0].contains("from 0.30 to 0.28, with no jump"));
        assert!(told[0].contains("b 20.0%, a 10.0%"), "{}", told[0]);
    }
}
