//! What a run reports: daily records, per-offering records and events (typed in
//! [`crate::events`]), through [`Observer`], and the run's [`Summary`].

use crate::events::{Event, EventKind};

/// A day of the market.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DayRecord {
    pub day: u32,
    /// Excitement `E(t)`.
    pub excitement: f64,
    /// Share of users adopting.
    pub adoption: f64,
    /// Adoption-weighted security, in [0, 1], never below the floor.
    pub baseline: f64,
    /// Share of deployments the rules in force require to meet the control today (it rises over
    /// a regulation's transition).
    pub floor: f64,
    /// Public fear `F`.
    pub fear: f64,
    /// Attention threshold on log10(records).
    pub attention_threshold: f64,
    /// Outcry: public fear × adoption share.
    pub outcry: f64,
    /// Incidents today.
    pub incidents: u32,
    /// Incidents that made the news today.
    pub news: u32,
    /// Share of users who abandoned or switched offering because of risk today.
    pub security_churn: f64,
    /// Share of users harmed by incidents today.
    pub harmed: f64,
    /// Loss today (currency units).
    pub loss: f64,
}

impl DayRecord {
    /// Names of the daily series of [`DayRecord::series`], in order.
    pub const SERIES: [&'static str; 12] = [
        "excitement",
        "adoption",
        "baseline",
        "floor",
        "fear",
        "attention_threshold",
        "outcry",
        "incidents",
        "news",
        "security_churn",
        "harmed",
        "loss",
    ];

    /// The day's values of [`DayRecord::SERIES`].
    pub fn series(&self) -> [f64; 12] {
        [
            self.excitement,
            self.adoption,
            self.baseline,
            self.floor,
            self.fear,
            self.attention_threshold,
            self.outcry,
            self.incidents as f64,
            self.news as f64,
            self.security_churn,
            self.harmed,
            self.loss,
        ]
    }
}

/// A day of one offering.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OfferingDay {
    /// Share of the population using it.
    pub users: f64,
    /// Its security.
    pub security: f64,
    /// Share of the population that left it because of risk today (abandoned or switched).
    pub security_churn: f64,
}

/// The users who moved between offerings on one day: adopting, switching or leaving.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flows<'a> {
    /// Number of offerings; state `offerings` is not using the technology.
    pub offerings: usize,
    /// Users who moved from state `from` to state `to` at `from * (offerings + 1) + to`, a user
    /// who moved twice counted in both moves.
    pub users: &'a [u64],
}

impl Flows<'_> {
    /// Users who moved from `from` to `to` (`None`: not using the technology).
    pub fn get(&self, from: Option<usize>, to: Option<usize>) -> u64 {
        let state = |s: Option<usize>| s.unwrap_or(self.offerings);
        self.users
            .get(state(from) * (self.offerings + 1) + state(to))
            .copied()
            .unwrap_or(0)
    }

    /// Every move some user made, as (from, to, users), in order of `from` then `to` (`None`
    /// last: not using the technology).
    pub fn moves(&self) -> impl Iterator<Item = (Option<usize>, Option<usize>, u64)> + '_ {
        let states = self.offerings + 1;
        let state = move |s: usize| (s < self.offerings).then_some(s);
        self.users
            .iter()
            .enumerate()
            .filter(|&(_, &users)| users > 0)
            .map(move |(k, &users)| (state(k / states), state(k % states), users))
    }
}

/// Days after an incident over which abandonment by its victims is counted.
pub const OUTCOME_DAYS: u32 = 90;

/// Receives what a run reports, in day order.
pub trait Observer {
    /// Called once at the end of each day, with one record per offering.
    fn day(&mut self, record: &DayRecord, offerings: &[OfferingDay]);
    /// Called for each event as it happens.
    fn event(&mut self, event: &Event);
    /// Called at the end of each day, before [`day`](Observer::day), with the day's moves of
    /// users between offerings (day 0's include the users adopting at the start). Ignored
    /// unless an observer needs them.
    fn flows(&mut self, day: u32, flows: Flows<'_>) {
        let _ = (day, flows);
    }
}

/// A baseline rise above this in one day counts as a jump in [`Summary::baseline_jumps`].
pub const JUMP_THRESHOLD: f64 = 0.01;

/// Summary statistics of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub days: u32,
    pub final_baseline: f64,
    pub mean_baseline: f64,
    pub min_baseline: f64,
    pub max_baseline: f64,
    /// Days on which the baseline rose by more than [`JUMP_THRESHOLD`].
    pub baseline_jumps: u32,
    pub incidents: u64,
    pub news: u64,
    pub vendor_raises: u64,
    pub outcries: u64,
    pub regulations: u64,
    pub total_loss: f64,
    pub peak_adoption: f64,
    pub final_adoption: f64,
    /// Sum of daily security churn shares.
    pub security_churn: f64,
    pub final_floor: f64,
    previous_baseline: Option<f64>,
}

impl Summary {
    /// The summary's metrics by name, in a fixed order.
    pub fn metrics(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("final_baseline", self.final_baseline),
            ("mean_baseline", self.mean_baseline),
            ("min_baseline", self.min_baseline),
            ("max_baseline", self.max_baseline),
            ("baseline_jumps", self.baseline_jumps as f64),
            ("incidents", self.incidents as f64),
            ("news", self.news as f64),
            ("vendor_raises", self.vendor_raises as f64),
            ("outcries", self.outcries as f64),
            ("regulations", self.regulations as f64),
            ("total_loss", self.total_loss),
            ("peak_adoption", self.peak_adoption),
            ("final_adoption", self.final_adoption),
            ("security_churn", self.security_churn),
            ("final_floor", self.final_floor),
            ("days", self.days as f64),
        ]
    }
}

impl Observer for Summary {
    fn day(&mut self, r: &DayRecord, _: &[OfferingDay]) {
        if self.days == 0 {
            self.min_baseline = r.baseline;
            self.max_baseline = r.baseline;
        }
        self.days += 1;
        if let Some(previous) = self.previous_baseline {
            if r.baseline - previous > JUMP_THRESHOLD {
                self.baseline_jumps += 1;
            }
        }
        self.previous_baseline = Some(r.baseline);
        self.final_baseline = r.baseline;
        self.mean_baseline += (r.baseline - self.mean_baseline) / self.days as f64;
        self.min_baseline = self.min_baseline.min(r.baseline);
        self.max_baseline = self.max_baseline.max(r.baseline);
        self.incidents += r.incidents as u64;
        self.news += r.news as u64;
        self.total_loss += r.loss;
        self.peak_adoption = self.peak_adoption.max(r.adoption);
        self.final_adoption = r.adoption;
        self.security_churn += r.security_churn;
        self.final_floor = r.floor;
    }

    fn event(&mut self, e: &Event) {
        match e.kind() {
            EventKind::VendorRaise => self.vendor_raises += 1,
            EventKind::Outcry => self.outcries += 1,
            EventKind::Regulation => self.regulations += 1,
            EventKind::Incident
            | EventKind::News
            | EventKind::LossAgenda
            | EventKind::Intervention
            | EventKind::IncidentOutcome
            | EventKind::Vulnerability
            | EventKind::VendorFix
            | EventKind::Draft
            | EventKind::Revision => {}
        }
    }
}

/// Two observers, each told everything in turn.
impl<A: Observer, B: Observer> Observer for (A, B) {
    fn day(&mut self, record: &DayRecord, offerings: &[OfferingDay]) {
        self.0.day(record, offerings);
        self.1.day(record, offerings);
    }

    fn event(&mut self, event: &Event) {
        self.0.event(event);
        self.1.event(event);
    }

    fn flows(&mut self, day: u32, flows: Flows<'_>) {
        self.0.flows(day, flows);
        self.1.flows(day, flows);
    }
}

/// Keeps everything a run reports in memory (for tests and small runs).
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    pub days: Vec<DayRecord>,
    pub offerings: Vec<Vec<OfferingDay>>,
    pub events: Vec<Event>,
    /// Each day's moves between offerings ([`Flows::users`]).
    pub flows: Vec<Vec<u64>>,
    pub summary: Summary,
}

impl Observer for Recorder {
    fn day(&mut self, record: &DayRecord, offerings: &[OfferingDay]) {
        self.days.push(*record);
        self.offerings.push(offerings.to_vec());
        self.summary.day(record, offerings);
    }

    fn event(&mut self, event: &Event) {
        self.events.push(event.clone());
        self.summary.event(event);
    }

    fn flows(&mut self, _: u32, flows: Flows<'_>) {
        self.flows.push(flows.users.to_vec());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_name_their_states() {
        // Two offerings: states 0, 1 and 2 (not using).
        let users = [0, 3, 0, 0, 0, 1, 7, 0, 0];
        let flows = Flows {
            offerings: 2,
            users: &users,
        };
        assert_eq!(flows.get(Some(0), Some(1)), 3);
        assert_eq!(flows.get(None, Some(0)), 7);
        assert_eq!(flows.get(Some(1), None), 1);
        let moves: Vec<_> = flows.moves().collect();
        assert_eq!(
            moves,
            vec![(Some(0), Some(1), 3), (Some(1), None, 1), (None, Some(0), 7)]
        );
    }

    #[test]
    fn summary_counts_jumps_and_means() {
        let mut s = Summary::default();
        for (day, b) in [0.3, 0.29, 0.35, 0.34, 0.345].into_iter().enumerate() {
            let r = DayRecord {
                day: day as u32,
                baseline: b,
                adoption: 0.1 * day as f64,
                ..DayRecord::default()
            };
            s.day(&r, &[]);
        }
        assert_eq!(s.baseline_jumps, 1, "only +0.06 exceeds the jump threshold");
        assert!((s.mean_baseline - 0.325).abs() < 1e-12);
        assert_eq!(s.min_baseline, 0.29);
        assert_eq!(s.max_baseline, 0.35);
        assert!((s.peak_adoption - 0.4).abs() < 1e-12);
    }
}
