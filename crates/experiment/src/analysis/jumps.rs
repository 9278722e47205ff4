//! The jumps of a run and the chain of events behind each: the news and incident that led to a
//! vendor raise, the outcry that led to a regulation, or the intervention that moved the baseline.

use super::segments::Segment;
use super::{EventRow, RunData, LOOKBACK_DAYS};
use esplab_model::{Detail, EventKind};

/// One link of the chain of events behind a jump.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub day: u32,
    pub what: String,
    /// The event this link is, if it is one (a churn peak is not).
    pub event: Option<EventRow>,
}

/// A jump of the baseline and the events that led to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Jump {
    pub day: u32,
    pub size: f64,
    /// `vendor raise`, `regulation`, `intervention` or `shift of users between offerings`.
    pub cause: String,
    /// Earliest first; the last link is the cause.
    pub chain: Vec<Link>,
}

fn latest(events: &[EventRow], kind: EventKind, from: u32, to: u32) -> Option<&EventRow> {
    events
        .iter()
        .rev()
        .find(|e| e.kind == kind && e.day >= from && e.day <= to)
}

fn largest(events: &[EventRow], kind: EventKind, from: u32, to: u32) -> Option<&EventRow> {
    events
        .iter()
        .filter(|e| e.kind == kind && e.day >= from && e.day <= to)
        .max_by(|a, b| a.size.total_cmp(&b.size))
}

/// What a news item is about: for news of a disclosed vulnerability, the largest public
/// disclosure of the same day and offering; otherwise the largest incident of the same day and
/// offering.
fn incident_of<'e>(events: &'e [EventRow], news: &EventRow) -> Option<&'e EventRow> {
    let disclosed = matches!(news.detail, Detail::News { disclosed: true, .. });
    events
        .iter()
        .filter(|e| e.day == news.day && e.offering == news.offering)
        .filter(|e| match e.detail {
            Detail::Vulnerability { public, .. } => disclosed && public,
            Detail::Incident { .. } => !disclosed,
            _ => false,
        })
        .max_by(|a, b| a.size.total_cmp(&b.size))
}

/// Pushes onto `chain` the largest news in the [`LOOKBACK_DAYS`] up to `day`, after its incident.
fn push_news_before(chain: &mut Vec<Link>, events: &[EventRow], day: u32) {
    if let Some(news) = largest(events, EventKind::News, day.saturating_sub(LOOKBACK_DAYS), day) {
        if let Some(incident) = incident_of(events, news) {
            chain.push(incident_link(incident));
        }
        chain.push(news_link(news));
    }
}

fn incident_link(incident: &EventRow) -> Link {
    let what = if incident.kind == EventKind::Vulnerability {
        "vulnerability disclosed"
    } else {
        "incident"
    };
    Link {
        day: incident.day,
        what: format!("{what} of {:.3e} records on {}", incident.size, incident.offering),
        event: Some(incident.clone()),
    }
}

fn news_link(news: &EventRow) -> Link {
    Link {
        day: news.day,
        what: format!("news ({:.2} log10 above the attention threshold)", news.size),
        event: Some(news.clone()),
    }
}

/// The jumps of a run with the chain of events behind each.
pub fn jumps(data: &RunData, segments: &[Segment]) -> Vec<Jump> {
    let events = &data.events;
    let mut out = Vec::new();
    for s in segments.iter().filter(|s| s.is_jump) {
        let (first, last) = (s.start as u32, (s.end - 1) as u32);
        let mut chain = Vec::new();
        let cause = if let Some(raise) = latest(events, EventKind::VendorRaise, first, last) {
            let from = raise.day.saturating_sub(LOOKBACK_DAYS);
            if let Some(news) = largest(events, EventKind::News, from, raise.day) {
                if let Some(incident) = incident_of(events, news) {
                    chain.push(incident_link(incident));
                }
                chain.push(news_link(news));
                let churn_day = (news.day as usize..=raise.day as usize)
                    .filter(|&d| d < data.security_churn.len())
                    .max_by(|&a, &b| {
                        data.security_churn[a]
                            .total_cmp(&data.security_churn[b])
                            .then(b.cmp(&a))
                    });
                if let Some(d) = churn_day {
                    chain.push(Link {
                        day: d as u32,
                        what: format!(
                            "security churn peaks ({:.3}% of users leave that day)",
                            100.0 * data.security_churn[d]
                        ),
                        event: None,
                    });
                }
            } else {
                if let Some(incident) =
                    largest(events, EventKind::Incident, from, raise.day).filter(|i| i.offering == raise.offering)
                {
                    chain.push(incident_link(incident));
                }
                chain.push(Link {
                    day: raise.day,
                    what: "security churn without news (harm and word of mouth)".into(),
                    event: None,
                });
            }
            chain.push(Link {
                day: raise.day,
                what: format!("vendor raise by {} ({})", raise.offering, raise.detail),
                event: Some(raise.clone()),
            });
            "vendor raise"
        } else if let Some(regulation) = latest(events, EventKind::Regulation, first, last) {
            let by_agenda = matches!(regulation.detail, Detail::Regulation { agenda: true, .. });
            if by_agenda {
                if let Some(agenda) = latest(events, EventKind::LossAgenda, 0, regulation.day) {
                    chain.push(Link {
                        day: agenda.day,
                        what: format!("quiet losses on the regulator's agenda ({})", agenda.detail),
                        event: Some(agenda.clone()),
                    });
                }
            } else if let Some(outcry) = latest(events, EventKind::Outcry, 0, regulation.day) {
                push_news_before(&mut chain, events, outcry.day);
                chain.push(Link {
                    day: outcry.day,
                    what: format!("outcry ({:.3})", outcry.size),
                    event: Some(outcry.clone()),
                });
            }
            chain.push(Link {
                day: regulation.day,
                what: format!("regulation ({})", regulation.detail),
                event: Some(regulation.clone()),
            });
            "regulation"
        } else if let Some(revision) = latest(events, EventKind::Revision, first, last) {
            let draft = events
                .iter()
                .find(|e| matches!(e.detail, Detail::Draft { due } if due == revision.day));
            push_news_before(&mut chain, events, draft.map_or(revision.day, |d| d.day));
            if let Some(draft) = draft {
                chain.push(Link {
                    day: draft.day,
                    what: format!("the standards body drafts a revision ({})", draft.detail),
                    event: Some(draft.clone()),
                });
            }
            chain.push(Link {
                day: revision.day,
                what: format!("the standards body's {}", revision.detail),
                event: Some(revision.clone()),
            });
            "revision of the standard"
        } else if let Some(intervention) = latest(events, EventKind::Intervention, first, last) {
            chain.push(Link {
                day: intervention.day,
                what: intervention.detail.to_string(),
                event: Some(intervention.clone()),
            });
            "intervention"
        } else {
            "shift of users between offerings"
        };
        out.push(Jump {
            day: chain.last().map(|l| l.day).unwrap_or(first),
            size: s.change,
            cause: cause.into(),
            chain,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::segments;
    use esplab_model::Detail;

    fn event(day: u32, detail: Detail, size: f64) -> EventRow {
        EventRow {
            day,
            kind: detail.kind(),
            offering: "a".into(),
            size,
            detail,
        }
    }

    #[test]
    fn a_raise_after_news_is_explained_by_the_incident_the_news_and_the_churn() {
        let mut baseline = vec![0.5];
        for d in 1..200 {
            let jump = if d == 120 { 0.1 } else { 0.0 };
            baseline.push(baseline[d - 1] - 0.0005 + jump);
        }
        let mut security_churn = vec![0.0; 200];
        security_churn[110] = 0.02;
        let events = vec![
            event(100, Detail::Incident { harmed: 5, loss: 1e6 }, 1e7),
            event(
                100,
                Detail::News {
                    records: 1e7,
                    fear: 0.3,
                    disclosed: false,
                },
                2.0,
            ),
            event(
                120,
                Detail::VendorRaise {
                    from: 0.44,
                    to: 0.54,
                    churn: 0.02,
                    reason: esplab_model::RaiseReason::Churn,
                },
                0.1,
            ),
        ];
        let data = RunData {
            baseline: baseline.clone(),
            security_churn,
            events,
            ..RunData::default()
        };
        let (segments, _) = segments(&baseline);
        let found = jumps(&data, &segments);
        assert_eq!(found.len(), 1, "{segments:?}");
        let jump = &found[0];
        assert_eq!(jump.cause, "vendor raise");
        let days: Vec<u32> = jump.chain.iter().map(|l| l.day).collect();
        assert_eq!(days, [100, 100, 110, 120], "incident, news, churn peak, raise");
        assert!(
            jump.chain[3].what.contains("security 0.4400 -> 0.5400"),
            "{:?}",
            jump.chain
        );
    }
}
