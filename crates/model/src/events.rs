//! Events: what happened on a day, as typed payloads.
//!
//! Every kind of event is declared once, here: [`EventKind`] (its name in event logs and
//! whether charts mark it) and [`Detail`] (its typed payload). The model emits [`Event`]s with
//! typed details and formats nothing. An event log holds each detail's typed fields in columns
//! of their own ([`DETAIL_COLUMNS`], [`Detail::cells`]) and reads them back as data
//! ([`Detail::from_cells`]), so a run read from its folder is the run that was simulated; the
//! sentence of its `detail` column ([`Detail`]'s `Display`) is for people and is never read
//! back. Matches over kinds are exhaustive everywhere: a new kind is reported by the compiler at
//! every place that must handle it.

use crate::economics::Valuation;
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
    /// A vendor raised security, for `reason`; `churn` is the share of its users it lost to
    /// risk over its watch window.
    VendorRaise {
        from: f64,
        to: f64,
        churn: f64,
        reason: RaiseReason,
    },
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

/// Why a vendor raised security, as data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RaiseReason {
    /// Reactive vendors: the security churn of the watch window passed their tolerance.
    Churn,
    /// Economic vendors: the terms of their valuation of the raise; `after_news` when a review
    /// called by news of the offering (not a scheduled one) decided it.
    Valuation { valuation: Valuation, after_news: bool },
    /// Random vendors (a null model): by chance.
    Chance,
    /// Read from an event log written before reasons were recorded.
    Unrecorded,
}

impl RaiseReason {
    /// Its name in event logs: "churn", "chance", or the main term of an economic valuation
    /// ("newcomers", "kept", "won", "incidents", "liability", "rules"); "" unrecorded.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Churn => "churn",
            Self::Chance => "chance",
            Self::Valuation { valuation, .. } => valuation.reason(),
            Self::Unrecorded => "",
        }
    }

    /// The reason in words: "to win newcomers".
    pub fn words(&self) -> &'static str {
        match self.name() {
            "churn" => "because it had lost more of its users over risk than it tolerates",
            "chance" => "at random (the null model's raise)",
            "newcomers" => "to win newcomers",
            "kept" => "to keep its users",
            "won" => "to win rivals' users",
            "incidents" => "to lose fewer users to incidents",
            "liability" => "to cut its share of incident losses",
            "rules" => "to meet the procurement rules' minimum",
            _ => "",
        }
    }
}

/// The names of [`Valuation`]'s terms as event-log columns, and their values.
fn valuation_cells(v: &Valuation) -> [(&'static str, f64); 7] {
    [
        ("value_newcomers", v.newcomers),
        ("value_kept", v.kept),
        ("value_won", v.won),
        ("value_incidents", v.incidents),
        ("value_liability", v.liability),
        ("value_security_cost", v.security_cost),
        ("value_programme", v.programme),
    ]
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

    /// The typed fields of this detail, as (column of [`DETAIL_COLUMNS`], value).
    pub fn cells(&self) -> Vec<(&'static str, Cell)> {
        use Cell::{Count, Flag, Name, Number};
        match *self {
            Self::Incident { harmed, loss } => vec![("harmed", Count(harmed)), ("loss", Number(loss))],
            Self::News {
                records,
                fear,
                disclosed,
            } => vec![
                ("records", Number(records)),
                ("fear", Number(fear)),
                ("disclosed", Flag(disclosed)),
            ],
            Self::VendorRaise {
                from,
                to,
                churn,
                reason,
            } => {
                let mut cells = vec![
                    ("from", Number(from)),
                    ("to", Number(to)),
                    ("churn", Number(churn)),
                    ("reason", Name(reason.name())),
                ];
                if let RaiseReason::Valuation { valuation, after_news } = reason {
                    cells.extend(valuation_cells(&valuation).map(|(column, x)| (column, Number(x))));
                    cells.push(("to_minimum", Flag(valuation.rules)));
                    cells.push(("after_news", Flag(after_news)));
                }
                cells
            }
            Self::Outcry { due } | Self::LossAgenda { due } | Self::Draft { due } => {
                vec![("due", Count(due.into()))]
            }
            Self::Regulation {
                from,
                to,
                deadline,
                agenda,
            } => vec![
                ("from", Number(from)),
                ("to", Number(to)),
                ("deadline", Count(deadline.into())),
                ("agenda", Flag(agenda)),
            ],
            Self::Intervention(started) => {
                let mut cells = vec![("intervention", Name(started.kind().name()))];
                cells.extend(started.cells());
                cells
            }
            Self::IncidentOutcome {
                incident_day,
                records,
                victims,
                abandoned,
            } => vec![
                ("incident_day", Count(incident_day.into())),
                ("records", Number(records)),
                ("victims", Count(victims.into())),
                ("abandoned", Count(abandoned.into())),
            ],
            Self::Vulnerability {
                records,
                public,
                fixing,
            } => vec![
                ("records", Number(records)),
                ("public", Flag(public)),
                ("fixing", Flag(fixing)),
            ],
            Self::VendorFix { records, disclosed } => {
                vec![("records", Number(records)), ("disclosed_day", Count(disclosed.into()))]
            }
            Self::Revision { number, uptake } => vec![("number", Count(number.into())), ("uptake", Number(uptake))],
        }
    }

    /// The detail of an event of `kind` from its typed fields, `cell(column)` giving the text of
    /// a column of [`DETAIL_COLUMNS`] (empty when the event has none); `None` when a field the
    /// kind needs is missing or malformed.
    pub fn from_cells<'a>(kind: EventKind, cell: impl Fn(&str) -> &'a str) -> Option<Self> {
        let cells = Cells(&cell);
        Some(match kind {
            EventKind::Incident => Self::Incident {
                harmed: cells.whole("harmed")?,
                loss: cells.number("loss")?,
            },
            EventKind::News => Self::News {
                records: cells.number("records")?,
                fear: cells.number("fear")?,
                disclosed: cells.flag("disclosed")?,
            },
            EventKind::VendorRaise => Self::VendorRaise {
                from: cells.number("from")?,
                to: cells.number("to")?,
                churn: cells.number("churn")?,
                reason: match cell("reason") {
                    "churn" => RaiseReason::Churn,
                    "chance" => RaiseReason::Chance,
                    "" => RaiseReason::Unrecorded,
                    _ => {
                        let term = |column: &str| cells.number(column);
                        RaiseReason::Valuation {
                            valuation: Valuation {
                                newcomers: term("value_newcomers")?,
                                kept: term("value_kept")?,
                                won: term("value_won")?,
                                incidents: term("value_incidents")?,
                                liability: term("value_liability")?,
                                security_cost: term("value_security_cost")?,
                                programme: term("value_programme")?,
                                rules: cells.flag("to_minimum")?,
                            },
                            after_news: cells.flag("after_news")?,
                        }
                    }
                },
            },
            EventKind::Outcry => Self::Outcry {
                due: cells.whole("due")?,
            },
            EventKind::LossAgenda => Self::LossAgenda {
                due: cells.whole("due")?,
            },
            EventKind::Regulation => Self::Regulation {
                from: cells.number("from")?,
                to: cells.number("to")?,
                deadline: cells.whole("deadline")?,
                agenda: cells.flag("agenda")?,
            },
            EventKind::Intervention => {
                let kind = InterventionKind::from_name(cell("intervention"))?;
                Self::Intervention(Started::from_cells(kind, &cells)?)
            }
            EventKind::IncidentOutcome => Self::IncidentOutcome {
                incident_day: cells.whole("incident_day")?,
                records: cells.number("records")?,
                victims: cells.whole("victims")?,
                abandoned: cells.whole("abandoned")?,
            },
            EventKind::Vulnerability => Self::Vulnerability {
                records: cells.number("records")?,
                public: cells.flag("public")?,
                fixing: cells.flag("fixing")?,
            },
            EventKind::VendorFix => Self::VendorFix {
                records: cells.number("records")?,
                disclosed: cells.whole("disclosed_day")?,
            },
            EventKind::Draft => Self::Draft {
                due: cells.whole("due")?,
            },
            EventKind::Revision => Self::Revision {
                number: cells.whole("number")?,
                uptake: cells.number("uptake")?,
            },
        })
    }
}

/// The columns of event logs that hold the typed fields of [`Detail`]s, in order; an event
/// fills those of its kind ([`Detail::cells`]) and leaves the others empty.
pub const DETAIL_COLUMNS: [&str; 37] = [
    "harmed",
    "loss",
    "records",
    "fear",
    "disclosed",
    "from",
    "to",
    "churn",
    "due",
    "deadline",
    "agenda",
    "incident_day",
    "victims",
    "abandoned",
    "public",
    "fixing",
    "disclosed_day",
    "number",
    "uptake",
    "intervention",
    "end",
    "risk_factor",
    "security",
    "tax_factor",
    "threshold_drop",
    "share",
    "minimum",
    "reason",
    "value_newcomers",
    "value_kept",
    "value_won",
    "value_incidents",
    "value_liability",
    "value_security_cost",
    "value_programme",
    "to_minimum",
    "after_news",
];

/// A typed field of an event, as an event log writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// Written in the shortest form that reads back to the same `f64`.
    Number(f64),
    Count(u64),
    /// `true` or `false`.
    Flag(bool),
    /// An intervention's kind.
    Name(&'static str),
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(v) => write!(f, "{v}"),
            Self::Count(n) => write!(f, "{n}"),
            Self::Flag(b) => write!(f, "{b}"),
            Self::Name(name) => f.write_str(name),
        }
    }
}

/// The typed fields of an event read back, by column.
struct Cells<'c, 'a>(&'c dyn Fn(&str) -> &'a str);

impl Cells<'_, '_> {
    fn number(&self, column: &str) -> Option<f64> {
        (self.0)(column).parse().ok()
    }

    fn whole<T: std::str::FromStr>(&self, column: &str) -> Option<T> {
        (self.0)(column).parse().ok()
    }

    fn flag(&self, column: &str) -> Option<bool> {
        (self.0)(column).parse().ok()
    }
}

impl Started {
    /// Its typed fields, as (column of [`DETAIL_COLUMNS`], value).
    fn cells(&self) -> Vec<(&'static str, Cell)> {
        use Cell::{Count, Number};
        match *self {
            Self::Shock { records } => vec![("records", Number(records))],
            Self::Regulation { from, to, deadline } => vec![
                ("from", Number(from)),
                ("to", Number(to)),
                ("deadline", Count(deadline.into())),
            ],
            Self::Advocacy { end, risk_factor } => {
                vec![("end", Count(end.into())), ("risk_factor", Number(risk_factor))]
            }
            Self::HeroicVendor { security } => vec![("security", Number(security))],
            Self::CheaperSecurity { tax_factor } => vec![("tax_factor", Number(tax_factor))],
            Self::Disclosure { threshold_drop } => vec![("threshold_drop", Number(threshold_drop))],
            Self::Liability { from, to } => vec![("from", Number(from)), ("to", Number(to))],
            Self::Procurement { share, minimum } => vec![("share", Number(share)), ("minimum", Number(minimum))],
        }
    }

    fn from_cells(kind: InterventionKind, cells: &Cells<'_, '_>) -> Option<Self> {
        Some(match kind {
            InterventionKind::Shock => Self::Shock {
                records: cells.number("records")?,
            },
            InterventionKind::Regulation => Self::Regulation {
                from: cells.number("from")?,
                to: cells.number("to")?,
                deadline: cells.whole("deadline")?,
            },
            InterventionKind::Advocacy => Self::Advocacy {
                end: cells.whole("end")?,
                risk_factor: cells.number("risk_factor")?,
            },
            InterventionKind::HeroicVendor => Self::HeroicVendor {
                security: cells.number("security")?,
            },
            InterventionKind::CheaperSecurity => Self::CheaperSecurity {
                tax_factor: cells.number("tax_factor")?,
            },
            InterventionKind::Disclosure => Self::Disclosure {
                threshold_drop: cells.number("threshold_drop")?,
            },
            InterventionKind::Liability => Self::Liability {
                from: cells.number("from")?,
                to: cells.number("to")?,
            },
            InterventionKind::Procurement => Self::Procurement {
                share: cells.number("share")?,
                minimum: cells.number("minimum")?,
            },
        })
    }
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
            Self::VendorRaise {
                from,
                to,
                churn,
                reason,
            } => {
                write!(f, "security {from:.4} -> {to:.4}")?;
                match reason {
                    RaiseReason::Churn => write!(f, " after losing a share {churn:.4} of its users over risk"),
                    RaiseReason::Valuation { valuation, after_news } => {
                        let review = if after_news {
                            " (at a review called by its news)"
                        } else {
                            ""
                        };
                        write!(f, " {}{review}: {}", reason.words(), valuation)
                    }
                    RaiseReason::Chance | RaiseReason::Unrecorded => match reason.words() {
                        "" => Ok(()),
                        words => write!(f, " {words}"),
                    },
                }
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
                    reason: RaiseReason::Churn,
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
        let raise = |reason| Detail::VendorRaise {
            from: 0.05,
            to: 0.15,
            churn: 0.0,
            reason,
        };
        all.push(raise(RaiseReason::Chance));
        all.push(raise(RaiseReason::Unrecorded));
        all.push(raise(RaiseReason::Valuation {
            valuation: Valuation {
                newcomers: 1.234_567e6,
                kept: 2.5e4,
                won: 0.0,
                incidents: 1.0 / 3.0,
                liability: 0.0,
                security_cost: -4.0e5,
                programme: -1.0e5,
                rules: false,
            },
            after_news: true,
        }));
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
    fn every_detail_reads_back_from_its_cells_exactly() {
        for detail in one_of_each() {
            let cells = detail.cells();
            for (column, _) in &cells {
                assert!(DETAIL_COLUMNS.contains(column), "{column} is not a column");
            }
            let texts: Vec<(&str, String)> = cells.iter().map(|(c, v)| (*c, v.to_string())).collect();
            let cell =
                |column: &str| -> &str { texts.iter().find(|(c, _)| *c == column).map_or("", |(_, t)| t.as_str()) };
            let back = Detail::from_cells(detail.kind(), cell).unwrap_or_else(|| panic!("cannot read back {detail:?}"));
            assert_eq!(back, detail, "a detail reads back bit for bit");
        }
    }

    #[test]
    fn cells_of_another_kind_are_refused() {
        let news = Detail::News {
            records: 1e6,
            fear: 0.1,
            disclosed: false,
        };
        let texts: Vec<(&str, String)> = news.cells().iter().map(|(c, v)| (*c, v.to_string())).collect();
        let cell = |column: &str| -> &str { texts.iter().find(|(c, _)| *c == column).map_or("", |(_, t)| t.as_str()) };
        for kind in EventKind::ALL.into_iter().filter(|&k| k != EventKind::News) {
            assert_eq!(Detail::from_cells(kind, cell), None, "{kind:?}");
        }
        assert_eq!(Detail::from_cells(EventKind::News, cell), Some(news));
        assert_eq!(Detail::from_cells(EventKind::Intervention, |_| "bogus"), None);
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
