//! Running a checked request and streaming what it produces as server-sent events: a run's days
//! in batches, an ensemble's runs as they finish, an A/B comparison's pairs with the paired
//! interval so far. The simulation stops as soon as the client goes away.

use crate::request::{Job, Mode};
use esplab_experiment::leverage::effect_parts;
use esplab_experiment::run::{adopter_shares, long_run_offerings, replicate_while, LONG_RUN_DAYS};
use esplab_experiment::run_seed;
use esplab_experiment::statistics::{mean_interval, paired_difference};
use esplab_model::{DayRecord, Event, Observer, OfferingDay, Parameters, Simulation};
use serde_json::{json, Value};
use tokio::sync::mpsc::Sender;

/// Days per `days` message of a streamed run.
pub const DAYS_PER_MESSAGE: usize = 30;

/// One server-sent event: its name and JSON data.
pub type Message = (&'static str, Value);

/// Sends a message; false when the client has gone.
fn send(tx: &Sender<Message>, name: &'static str, data: Value) -> bool {
    tx.blocking_send((name, data)).is_ok()
}

/// Collects a run's days and notable events, handing them over in batches.
struct Streamer<'a> {
    tx: &'a Sender<Message>,
    from: usize,
    days: Vec<DayRecord>,
    /// Per day of the batch, each offering's users as a share of the population.
    shares: Vec<Vec<f64>>,
    events: Vec<Value>,
    open: bool,
}

impl Streamer<'_> {
    fn flush(&mut self) {
        if self.days.is_empty() && self.events.is_empty() {
            return;
        }
        let column = |f: fn(&DayRecord) -> f64| -> Vec<f64> { self.days.iter().map(f).collect() };
        let offerings = self.shares.first().map_or(0, Vec::len);
        let shares: Vec<Vec<f64>> = (0..offerings)
            .map(|j| self.shares.iter().map(|day| day[j]).collect())
            .collect();
        let data = json!({
            "from": self.from,
            "baseline": column(|r| r.baseline),
            "floor": column(|r| r.floor),
            "adoption": column(|r| r.adoption),
            "fear": column(|r| r.fear),
            "outcry": column(|r| r.outcry),
            "attention_threshold": column(|r| r.attention_threshold),
            "shares": shares,
            "events": std::mem::take(&mut self.events),
        });
        self.from += self.days.len();
        self.days.clear();
        self.shares.clear();
        self.open = self.open && send(self.tx, "days", data);
    }
}

impl Observer for Streamer<'_> {
    fn day(&mut self, record: &DayRecord, offerings: &[OfferingDay]) {
        self.days.push(*record);
        self.shares.push(offerings.iter().map(|o| o.users).collect());
        if self.days.len() >= DAYS_PER_MESSAGE {
            self.flush();
        }
    }

    fn event(&mut self, e: &Event) {
        let kind = e.kind();
        if kind.is_headline() {
            self.events.push(json!({
                "day": e.day,
                "offering": e.offering,
                "kind": kind.name(),
                "size": e.size,
                "detail": e.detail.to_string(),
                "response": kind.is_response(),
            }));
        }
    }
}

/// Days between checks that the client is still there.
const CHECK_DAYS: u32 = 16;

/// Baseline and adoption of each day of a run, and each offering's share of adopters and
/// security.
#[derive(Default)]
struct Trajectory {
    baseline: Vec<f32>,
    adoption: Vec<f32>,
    offerings: Vec<Vec<(f64, f64)>>,
}

impl Observer for Trajectory {
    fn day(&mut self, record: &DayRecord, offerings: &[OfferingDay]) {
        self.baseline.push(record.baseline as f32);
        self.adoption.push(record.adoption as f32);
        self.offerings.push(adopter_shares(offerings));
    }

    fn event(&mut self, _: &Event) {}
}

/// Run `index` of an experiment with master seed `master` (the run of `esplab ensemble` with
/// that index), or `None` if the client went away meanwhile.
fn trajectory(p: &Parameters, master: u64, index: u64, tx: &Sender<Message>) -> Option<Trajectory> {
    let mut t = Trajectory::default();
    let finished = replicate_while(p, master, index, &mut t, |day| day % CHECK_DAYS != 0 || !tx.is_closed());
    finished.then_some(t)
}

fn long_run(baseline: &[f32]) -> f64 {
    let tail = &baseline[baseline.len().saturating_sub(LONG_RUN_DAYS)..];
    tail.iter().map(|&v| v as f64).sum::<f64>() / tail.len().max(1) as f64
}

/// Runs `job`, sending its messages until done or until the client goes away.
pub fn run(job: &Job, tx: &Sender<Message>) {
    let p = &job.base;
    let start = json!({
        "mode": match job.mode { Mode::Run => "run", Mode::Ensemble => "ensemble", Mode::Ab => "ab" },
        "scenario": job.scenario,
        "days": p.run.days(),
        "users": p.run.users,
        "seed": p.run.seed,
        "runs": job.runs,
        "outcry_threshold": p.regulator.outcry_threshold,
        "lever": job.lever,
        "offerings": p.offerings.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
        "start_date": p.run.start_date.map(|d| d.to_string()),
    });
    if !send(tx, "start", start) {
        return;
    }
    match job.mode {
        Mode::Run => {
            let mut streamer = Streamer {
                tx,
                from: 0,
                days: Vec::with_capacity(DAYS_PER_MESSAGE),
                shares: Vec::with_capacity(DAYS_PER_MESSAGE),
                events: Vec::new(),
                open: true,
            };
            let mut simulation = Simulation::new(p);
            while simulation.step(&mut streamer) {
                if !streamer.open || (simulation.day() % CHECK_DAYS == 0 && tx.is_closed()) {
                    return;
                }
            }
            streamer.flush();
            if !streamer.open {
                return;
            }
        }
        Mode::Ensemble => {
            for i in 0..job.runs as u64 {
                let Some(t) = trajectory(p, p.run.seed, i, tx) else {
                    return;
                };
                let data = json!({
                    "index": i, "seed": run_seed(p.run.seed, i), "baseline": t.baseline, "adoption": t.adoption,
                });
                if !send(tx, "run", data) {
                    return;
                }
            }
        }
        Mode::Ab => {
            let variant = job.variant.as_ref().unwrap_or(p);
            let (mut a_runs, mut b_runs) = (Vec::new(), Vec::new());
            let (mut vendors, mut shares) = (Vec::new(), Vec::new());
            for i in 0..job.runs as u64 {
                let (Some(a), Some(b)) = (trajectory(p, p.run.seed, i, tx), trajectory(variant, p.run.seed, i, tx))
                else {
                    return;
                };
                let count = p.offerings.len().max(variant.offerings.len());
                let (v, m) = effect_parts(
                    &long_run_offerings(&a.offerings, count),
                    &long_run_offerings(&b.offerings, count),
                );
                vendors.push(v);
                shares.push(m);
                let (a_base, b_base) = (a.baseline, b.baseline);
                a_runs.push(long_run(&a_base));
                b_runs.push(long_run(&b_base));
                let interval = (a_runs.len() >= 2).then(|| paired_difference(&a_runs, &b_runs, 0.95));
                let part = |values: &[f64]| {
                    let i = mean_interval(values, 0.95);
                    json!({"estimate": i.estimate, "low": i.low, "high": i.high})
                };
                let parts = (a_runs.len() >= 2).then(|| json!({"vendors": part(&vendors), "shares": part(&shares)}));
                let data = json!({
                    "index": i, "seed": run_seed(p.run.seed, i), "a_baseline": a_base, "b_baseline": b_base,
                    "a_long_run": a_runs[a_runs.len() - 1], "b_long_run": b_runs[b_runs.len() - 1],
                    "difference": interval.map(|d| json!({"estimate": d.estimate, "low": d.low, "high": d.high})),
                    "parts": parts,
                });
                if !send(tx, "pair", data) {
                    return;
                }
            }
        }
    }
    send(tx, "done", json!({}));
}
