//! Events: what happened on a day, as typed payloads.
//!
//! Every kind of event is declared once, here: [`EventKind`] (its name in event logs and
//! whether charts mark it) and [`Detail`] (its typed payload). The model emits [`Event`]s with
//! typed details and formats nothing; the text of an event log's `detail` column is
//! [`Detail`]'s `Display`, and [`Detail::parse`] reads it back, so a run read from its folder is
//! the run that was simulated. Matches over kinds are exhaustive everywhere: a new kind is
//! reported by the compiler at every place that must handle it.

use crate::parameters::InterventionKind;
use std::fmt;

/// Kinds of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Incident,
    News,
    VendorRaise,
    Outcry,
    /// Losses on the regulator's agenda passed its threshold (quiet, chronic losses).
    LossAgenda,
    Regulation,
    Intervention,
    /// 90 days after an incident: how many of its victims abandoned the technology meanwhile.
    IncidentOutcome,
    /// A vulnerability disclosed without victims.
    Vulnerability,
    /// A vendor fixed a disclosed vulnerability before it was exploited.
    VendorFix,
    /// The standards body started drafting a revision.
    Draft,
    /// The standards body published a revision asking deployments for the control.
    Revision,
}

impl EventKind {
    /// Every kind, in the order of their declaration.
    pub const ALL: [EventKind; 12] = [
        Self::Incident,
        Self::News,
        Self::VendorRaise,
        Self::Outcry,
        Self::LossAgenda,
        Self::Regulation,
        Self::Intervention,
        Self::IncidentOutcome,
        Self::Vulnerability,
        Self::VendorFix,
        Self::Draft,
        Self::Revision,
    ];

    /// The name written in event logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Incident => "incident",
            Self::News => "news",
            Self::VendorRaise => "vendor_raise",
            Self::Outcry => "outcry",
            Self::LossAgenda => "loss_agenda",
            Self::Regulation => "regulation",
            Self::Intervention => "intervention",
            Self::IncidentOutcome => "incident_outcome",
            Self::Vulnerability => "vulnerability",
            Self::VendorFix => "vendor_fix",
            Self::Draft => "draft",
            Self::Revision => "revision",
        }
    }

    /// The kind written as `name` in event logs.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether it is one of the few events a reader follows a run by (news, responses,
    /// interventions): shown in the explorer's stream, unlike the many incidents and outcomes.
    pub fn is_headline(self) -> bool {
        match self {
            Self::News
            | Self::VendorRaise
            | Self::Outcry
            | Self::LossAgenda
            | Self::Regulation
            | Self::Intervention
            | Self::Draft
            | Self::Revision => true,
            Self::Incident | Self::IncidentOutcome | Self::Vulnerability | Self::VendorFix => false,
        }
    }

    /// Whether charts of the baseline mark it as a response (a vertical line on its day).
    pub fn is_response(self) -> bool {
        match self {
            Self::VendorRaise | Self::Regulation | Self::Revision => true,
            Self::Incident
            | Self::News
            | Self::Outcry
            | Self::LossAgenda
            | Self::Intervention
            | Self::IncidentOutcome
            | Self::Vulnerability
            | Self::VendorFix
            | Self::Draft => false,
        }
    }
}

/// How the text of news of an incident opens.
const INCIDENT_NEWS: &str = "incident of ";
/// How the text of news of a disclosed vulnerability opens.
const DISCLOSED_NEWS: &str = "disclosed vulnerability of ";

/// What an event says, by kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Detail {
    /// An incident harmed `harmed` simulated users and caused `loss` (currency units).
    Incident { harmed: u64, loss: f64 },
    /// An incident of `records` made the news, raising public fear to `fear`; `disclosed` when
    /// it was a vulnerability disclosed without victims rather than an incident.
    News { records: f64, fear: f64, disclosed: bool },
    /// A vendor raised security after security churn `churn`.
    VendorRaise { from: f64, to: f64, churn: f64 },
    /// Outcry held long enough: a regulation is due on day `due`.
    Outcry { due: u32 },
    /// Losses on the regulator's agenda passed its threshold: a regulation is due on day `due`.
    LossAgenda { due: u32 },
    /// A regulation raised the required share of deployments meeting the control from `from`
    /// to `to`, to be met by day `deadline`, after outcry or (`agenda`) after losses on the
    /// agenda.
    Regulation {
        from: f64,
        to: f64,
        deadline: u32,
        agenda: bool,
    },
    /// An intervention started.
    Intervention(Started),
    /// [`crate::OUTCOME_DAYS`] after the incident of `incident_day`, `abandoned` of its
    /// `victims` had abandoned the technology.
    IncidentOutcome {
        incident_day: u32,
        records: f64,
        victims: u32,
        abandoned: u32,
    },
    /// A vulnerability exposing `records` was disclosed; `public` when it made the news, `fixing`
    /// when the vendor decided to fix it.
    Vulnerability { records: f64, public: bool, fixing: bool },
    /// The vendor fixed the vulnerability of `records` disclosed on day `disclosed`.
    VendorFix { records: f64, disclosed: u32 },
    /// Salient events pressed the standards body to draft a revision, due on day `due`.
    Draft { due: u32 },
    /// Revision `number` of the standard brought `uptake` of each offering's deployments without
    /// the control under it.
    Revision { number: u32, uptake: f64 },
}

/// What an intervention did when it started, by kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Started {
    Shock {
        records: f64,
    },
    Regulation {
        from: f64,
        to: f64,
        deadline: u32,
    },
    Advocacy {
        end: u32,
        risk_factor: f64,
    },
    HeroicVendor {
        security: f64,
    },
    CheaperSecurity {
        tax_factor: f64,
    },
    Disclosure {
        threshold_drop: f64,
    },
    Liability {
        from: f64,
        to: f64,
    },
    /// Procurement in force: `share` of users require security `minimum` or more.
    Procurement {
        share: f64,
        minimum: f64,
    },
}

impl Started {
    /// The intervention's kind.
    pub fn kind(&self) -> InterventionKind {
        match self {
            Self::Shock { .. } => InterventionKind::Shock,
            Self::Regulation { .. } => InterventionKind::Regulation,
            Self::Advocacy { .. } => InterventionKind::Advocacy,
            Self::HeroicVendor { .. } => InterventionKind::HeroicVendor,
            Self::CheaperSecurity { .. } => InterventionKind::CheaperSecurity,
            Self::Disclosure { .. } => InterventionKind::Disclosure,
            Self::Liability { .. } => InterventionKind::Liability,
            Self::Procurement { .. } => InterventionKind::Procurement,
        }
    }
}

impl Detail {
    /// The kind of event this detail belongs to.
    pub fn kind(&self) -> EventKind {
        match self {
            Self::Incident { .. } => EventKind::Incident,
            Self::News { .. } => EventKind::News,
            Self::VendorRaise { .. } => EventKind::VendorRaise,
            Self::Outcry { .. } => EventKind::Outcry,
            Self::LossAgenda { .. } => EventKind::LossAgenda,
            Self::Regulation { .. } => EventKind::Regulation,
            Self::Intervention(_) => EventKind::Intervention,
            Self::IncidentOutcome { .. } => EventKind::IncidentOutcome,
            Self::Vulnerability { .. } => EventKind::Vulnerability,
            Self::VendorFix { .. } => EventKind::VendorFix,
            Self::Draft { .. } => EventKind::Draft,
            Self::Revision { .. } => EventKind::Revision,
        }
    }

    /// Reads back the text that `Display` wrote for an event of `kind`; `None` if it is not
    /// such a text. Numbers come back as they were written (rounded as in the text).
    pub fn parse(kind: EventKind, text: &str) -> Option<Self> {
        Some(match kind {
            EventKind::Incident => {
                let f = fields(text, &["", " users harmed; loss ", ""])?;
                Self::Incident {
                    harmed: f[0].parse().ok()?,
                    loss: f[1].parse().ok()?,
                }
            }
            EventKind::News => {
                let disclosed = text.starts_with(DISCLOSED_NEWS);
                let opening = if disclosed { DISCLOSED_NEWS } else { INCIDENT_NEWS };
                let f = fields(text, &[opening, " records is news; public fear ", ""])?;
                Self::News {
                    records: f[0].parse().ok()?,
                    fear: f[1].parse().ok()?,
                    disclosed,
                }
            }
            EventKind::VendorRaise => {
                let f = fields(text, &["security ", " -> ", " after security churn ", ""])?;
                Self::VendorRaise {
                    from: f[0].parse().ok()?,
                    to: f[1].parse().ok()?,
                    churn: f[2].parse().ok()?,
                }
            }
            EventKind::Outcry => {
                let f = fields(text, &["sustained outcry; regulation due on day ", ""])?;
                Self::Outcry {
                    due: f[0].parse().ok()?,
                }
            }
            EventKind::LossAgenda => {
                let f = fields(text, &["losses on the agenda; regulation due on day ", ""])?;
                Self::LossAgenda {
                    due: f[0].parse().ok()?,
                }
            }
            EventKind::Regulation => {
                let (text, agenda) = match text.strip_suffix(" after losses on the agenda") {
                    Some(text) => (text, true),
                    None => (text.strip_suffix(" after outcry")?, false),
                };
                let f = fields(text, &["required share ", " -> ", " by day ", ""])?;
                Self::Regulation {
                    from: f[0].parse().ok()?,
                    to: f[1].parse().ok()?,
                    deadline: f[2].parse().ok()?,
                    agenda,
                }
            }
            EventKind::Intervention => {
                let (name, rest) = text.split_once(": ")?;
                Self::Intervention(Started::parse(InterventionKind::from_name(name)?, rest)?)
            }
            EventKind::IncidentOutcome => {
                let f = fields(text, &["incident_day=", " records=", " victims=", " abandoned=", ""])?;
                Self::IncidentOutcome {
                    incident_day: f[0].parse().ok()?,
                    records: f[1].parse().ok()?,
                    victims: f[2].parse().ok()?,
                    abandoned: f[3].parse().ok()?,
                }
            }
            EventKind::Vulnerability => {
                let f = fields(
                    text,
                    &["vulnerability of ", " records disclosed; public ", "; fixing ", ""],
                )?;
                Self::Vulnerability {
                    records: f[0].parse().ok()?,
                    public: yes_no(f[1])?,
                    fixing: yes_no(f[2])?,
                }
            }
            EventKind::VendorFix => {
                let f = fields(text, &["fixed the vulnerability of ", " records disclosed on day ", ""])?;
                Self::VendorFix {
                    records: f[0].parse().ok()?,
                    disclosed: f[1].parse().ok()?,
                }
            }
            EventKind::Draft => {
                let f = fields(text, &["salient events; a revision of the standard due on day ", ""])?;
                Self::Draft {
                    due: f[0].parse().ok()?,
                }
            }
            EventKind::Revision => {
                let f = fields(
                    text,
                    &[
                        "revision ",
                        " of the standard brings ",
                        " of the deployments without the control under it",
                    ],
                )?;
                Self::Revision {
                    number: f[0].parse().ok()?,
                    uptake: f[1].parse().ok()?,
                }
            }
        })
    }
}

fn yes_no(text: &str) -> Option<bool> {
    match text {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

impl Started {
    fn parse(kind: InterventionKind, text: &str) -> Option<Self> {
        Some(match kind {
            InterventionKind::Shock => {
                let f = fields(text, &["shock incident of ", " records"])?;
                Self::Shock {
                    records: f[0].parse().ok()?,
                }
            }
            InterventionKind::Regulation => {
                let f = fields(text, &["exogenous regulation: required share ", " -> ", " by day ", ""])?;
                Self::Regulation {
                    from: f[0].parse().ok()?,
                    to: f[1].parse().ok()?,
                    deadline: f[2].parse().ok()?,
                }
            }
            InterventionKind::Advocacy => {
                let f = fields(text, &["advocacy until day ", ": perceived risk x ", ""])?;
                Self::Advocacy {
                    end: f[0].parse().ok()?,
                    risk_factor: f[1].parse().ok()?,
                }
            }
            InterventionKind::HeroicVendor => {
                let f = fields(text, &["heroic vendor holds security >= ", ""])?;
                Self::HeroicVendor {
                    security: f[0].parse().ok()?,
                }
            }
            InterventionKind::CheaperSecurity => {
                let f = fields(text, &["cheaper security: tax x ", ""])?;
                Self::CheaperSecurity {
                    tax_factor: f[0].parse().ok()?,
                }
            }
            InterventionKind::Disclosure => {
                let f = fields(text, &["disclosure: attention threshold -", ""])?;
                Self::Disclosure {
                    threshold_drop: f[0].parse().ok()?,
                }
            }
            InterventionKind::Liability => {
                let f = fields(text, &["vendors' share of losses ", " -> ", ""])?;
                Self::Liability {
                    from: f[0].parse().ok()?,
                    to: f[1].parse().ok()?,
                }
            }
            InterventionKind::Procurement => {
                let f = fields(text, &["", " of users require security >= ", ""])?;
                Self::Procurement {
                    share: f[0].parse().ok()?,
                    minimum: f[1].parse().ok()?,
                }
            }
        })
    }
}

/// The fields between the literal `pieces` of `text` (`pieces.len() - 1` of them), or `None`
/// when `text` does not have that shape.
fn fields<'a>(text: &'a str, pieces: &[&str]) -> Option<Vec<&'a str>> {
    let (first, rest) = pieces.split_first()?;
    let (last, middle) = rest.split_last()?;
    let mut text = text.strip_prefix(first)?.strip_suffix(last)?;
    let mut out = Vec::with_capacity(rest.len());
    for piece in middle {
        let (field, after) = text.split_once(piece)?;
        out.push(field);
        text = after;
    }
    out.push(text);
    Some(out)
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Incident { harmed, loss } => write!(f, "{harmed} users harmed; loss {loss:.4e}"),
            Self::News {
                records,
                fear,
                disclosed,
            } => {
                let opening = if disclosed { DISCLOSED_NEWS } else { INCIDENT_NEWS };
                write!(f, "{opening}{records:.4e} records is news; public fear {fear:.4}")
            }
            Self::VendorRaise { from, to, churn } => {
                write!(f, "security {from:.4} -> {to:.4} after security churn {churn:.4}")
            }
            Self::Outcry { due } => write!(f, "sustained outcry; regulation due on day {due}"),
            Self::LossAgenda { due } => write!(f, "losses on the agenda; regulation due on day {due}"),
            Self::Regulation {
                from,
                to,
                deadline,
                agenda,
            } => write!(
                f,
                "required share {from:.4} -> {to:.4} by day {deadline} after {}",
                if agenda { "losses on the agenda" } else { "outcry" }
            ),
            Self::Intervention(started) => write!(f, "{}: {started}", started.kind().name()),
            Self::IncidentOutcome {
                incident_day,
                records,
                victims,
                abandoned,
            } => write!(
                f,
                "incident_day={incident_day} records={records:.6e} victims={victims} abandoned={abandoned}"
            ),
            Self::Vulnerability {
                records,
                public,
                fixing,
            } => {
                let yes = |b: bool| if b { "yes" } else { "no" };
                write!(
                    f,
                    "vulnerability of {records:.4e} records disclosed; public {}; fixing {}",
                    yes(public),
                    yes(fixing)
                )
            }
            Self::VendorFix { records, disclosed } => {
                write!(
                    f,
                    "fixed the vulnerability of {records:.4e} records disclosed on day {disclosed}"
                )
            }
            Self::Draft { due } => write!(f, "salient events; a revision of the standard due on day {due}"),
            Self::Revision { number, uptake } => write!(
                f,
                "revision {number} of the standard brings {uptake:.4} of the deployments without the control under it"
            ),
        }
    }
}

impl fmt::Display for Started {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Shock { records } => write!(f, "shock incident of {records:.4e} records"),
            Self::Regulation { from, to, deadline } => {
                write!(
                    f,
                    "exogenous regulation: required share {from:.4} -> {to:.4} by day {deadline}"
                )
            }
            Self::Advocacy { end, risk_factor } => {
                write!(f, "advocacy until day {end}: perceived risk x {risk_factor:.4}")
            }
            Self::HeroicVendor { security } => write!(f, "heroic vendor holds security >= {security:.4}"),
            Self::CheaperSecurity { tax_factor } => write!(f, "cheaper security: tax x {tax_factor:.4}"),
            Self::Disclosure { threshold_drop } => {
                write!(f, "disclosure: attention threshold -{threshold_drop:.4}")
            }
            Self::Liability { from, to } => write!(f, "vendors' share of losses {from:.4} -> {to:.4}"),
            Self::Procurement { share, minimum } => {
                write!(f, "{share:.4} of users require security >= {minimum:.4}")
            }
        }
    }
}

/// Something that happened on a day.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub day: u32,
    /// Index of the offering concerned, if any.
    pub offering: Option<usize>,
    /// Records for incidents, excess over the threshold for news, security change for raises,
    /// outcry for outcries, floor for regulations, the intervention's size for interventions,
    /// and for incident outcomes the share of victims who abandoned within
    /// [`crate::OUTCOME_DAYS`].
    pub size: f64,
    pub detail: Detail,
}

impl Event {
    /// The event's kind.
    pub fn kind(&self) -> EventKind {
        self.detail.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One detail of every kind (and every intervention kind), with unrounded numbers.
    fn one_of_each() -> Vec<Detail> {
        let started = InterventionKind::ALL.map(|k| match k {
            InterventionKind::Shock => Started::Shock { records: 123_456_789.0 },
            InterventionKind::Regulation => Started::Regulation {
                from: 0.123_456,
                to: 0.5,
                deadline: 1_440,
            },
            InterventionKind::Advocacy => Started::Advocacy {
                end: 900,
                risk_factor: 1.555_55,
            },
            InterventionKind::HeroicVendor => Started::HeroicVendor { security: 0.612_345 },
            InterventionKind::CheaperSecurity => Started::CheaperSecurity { tax_factor: 0.499_99 },
            InterventionKind::Disclosure => Started::Disclosure {
                threshold_drop: 1.000_04,
            },
            InterventionKind::Liability => Started::Liability { from: 0.0, to: 0.5 },
            InterventionKind::Procurement => Started::Procurement {
                share: 0.333_33,
                minimum: 0.5,
            },
        });
        let mut all: Vec<Detail> = EventKind::ALL
            .into_iter()
            .map(|k| match k {
                EventKind::Incident => Detail::Incident {
                    harmed: 17,
                    loss: 1.234_567e7,
                },
                EventKind::News => Detail::News {
                    records: 9.876_543e8,
                    fear: 0.314_159,
                    disclosed: false,
                },
                EventKind::VendorRaise => Detail::VendorRaise {
                    from: 0.1,
                    to: 0.333_33,
                    churn: 0.012_345,
                },
                EventKind::Outcry => Detail::Outcry { due: 455 },
                EventKind::LossAgenda => Detail::LossAgenda { due: 1_200 },
                EventKind::Regulation => Detail::Regulation {
                    from: 0.0,
                    to: 0.456_789,
                    deadline: 900,
                    agenda: false,
                },
                EventKind::Intervention => Detail::Intervention(started[0]),
                EventKind::IncidentOutcome => Detail::IncidentOutcome {
                    incident_day: 12,
                    records: 1_234_567.89,
                    victims: 40,
                    abandoned: 3,
                },
                EventKind::Vulnerability => Detail::Vulnerability {
                    records: 12_345.678,
                    public: true,
                    fixing: false,
                },
                EventKind::VendorFix => Detail::VendorFix {
                    records: 12_345.678,
                    disclosed: 77,
                },
                EventKind::Draft => Detail::Draft { due: 400 },
                EventKind::Revision => Detail::Revision { number: 3, uptake: 0.3 },
            })
            .collect();
        all.extend(started.into_iter().skip(1).map(Detail::Intervention));
        all.push(Detail::Regulation {
            from: 0.1,
            to: 0.2,
            deadline: 1_000,
            agenda: true,
        });
        all
    }

    #[test]
    fn names_are_distinct_and_read_back() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(EventKind::from_name("nope"), None);
    }

    #[test]
    fn every_detail_reads_back_as_written() {
        for detail in one_of_each() {
            let text = detail.to_string();
            let back = Detail::parse(detail.kind(), &text).unwrap_or_else(|| panic!("cannot read back {text:?}"));
            assert_eq!(back.kind(), detail.kind());
            assert_eq!(back.to_string(), text, "a detail read back is written the same");
        }
    }

    #[test]
    fn text_of_another_kind_is_refused() {
        let news = Detail::News {
            records: 1e6,
            fear: 0.1,
            disclosed: false,
        }
        .to_string();
        for kind in EventKind::ALL.into_iter().filter(|&k| k != EventKind::News) {
            assert_eq!(Detail::parse(kind, &news), None, "{kind:?}");
        }
        assert_eq!(Detail::parse(EventKind::Intervention, "bogus: x"), None);
    }

    #[test]
    fn the_written_texts_are_the_event_log_format() {
        assert_eq!(
            Detail::Incident {
                harmed: 3,
                loss: 12345.0
            }
            .to_string(),
            "3 users harmed; loss 1.2345e4"
        );
        for (disclosed, text) in [
            (false, "incident of 1.0000e6 records is news; public fear 0.1000"),
            (
                true,
                "disclosed vulnerability of 1.0000e6 records is news; public fear 0.1000",
            ),
        ] {
            let news = Detail::News {
                records: 1e6,
                fear: 0.1,
                disclosed,
            };
            assert_eq!(news.to_string(), text);
            assert_eq!(Detail::parse(EventKind::News, text), Some(news));
        }
        assert_eq!(
            Detail::Intervention(Started::Advocacy {
                end: 10,
                risk_factor: 1.5
            })
            .to_string(),
            "advocacy: advocacy until day 10: perceived risk x 1.5000"
        );
    }
}
