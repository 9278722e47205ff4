//! Running a checked request and streaming what it produces as server-sent events: a run's days
//! in batches (a week at a time with the agent view's frames), an ensemble's runs as they
//! finish, an A/B comparison's pairs with the paired interval so far (with the agent view, pair
//! 0 first streams week by week, both arms in lockstep). The simulation stops as soon as the
//! client goes away, and waits while the client does not read: messages queue in a bounded
//! channel, so a page that stops reading pauses the run.

use crate::agents::{Camera, Sample, FRAME_DAYS};
use crate::request::{Job, Mode};
use esplab_experiment::leverage::{mechanical_part, three_parts};
use esplab_experiment::mechanics::Day;
use esplab_experiment::run::{adopter_shares, long_run_mean, long_run_offerings, replicate_while};
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

/// Collects a run's days and notable events, handed over in batches.
#[derive(Default)]
struct Streamer {
    from: usize,
    days: Vec<DayRecord>,
    /// Per day of the batch, each offering's users as a share of the population.
    shares: Vec<Vec<f64>>,
    /// Per day of the batch, each offering's security.
    security: Vec<Vec<f64>>,
    events: Vec<Value>,
}

impl Streamer {
    /// Days in the batch so far.
    fn len(&self) -> usize {
        self.days.len()
    }

    /// The batch as the data of a `days` message with the agent view's `frame` if any (`None`
    /// when there is nothing to tell); the next batch starts empty.
    fn batch(&mut self, frame: Option<String>) -> Option<Value> {
        if self.days.is_empty() && self.events.is_empty() {
            return None;
        }
        let column = |f: fn(&DayRecord) -> f64| -> Vec<f64> { self.days.iter().map(f).collect() };
        let by_offering = |days: &[Vec<f64>]| -> Vec<Vec<f64>> {
            let offerings = days.first().map_or(0, Vec::len);
            (0..offerings)
                .map(|j| days.iter().map(|day| day[j]).collect())
                .collect()
        };
        let mut data = json!({
            "from": self.from,
            "baseline": column(|r| r.baseline),
            "floor": column(|r| r.floor),
            "adoption": column(|r| r.adoption),
            "fear": column(|r| r.fear),
            "outcry": column(|r| r.outcry),
            "attention_threshold": column(|r| r.attention_threshold),
            "shares": by_offering(&self.shares),
            "security": by_offering(&self.security),
            "events": std::mem::take(&mut self.events),
        });
        if let Some(frame) = frame {
            data["frame"] = Value::String(frame);
        }
        self.from += self.days.len();
        self.days.clear();
        self.shares.clear();
        self.security.clear();
        Some(data)
    }
}

impl Observer for Streamer {
    fn day(&mut self, record: &DayRecord, offerings: &[OfferingDay]) {
        self.days.push(*record);
        self.shares.push(offerings.iter().map(|o| o.users).collect());
        self.security.push(offerings.iter().map(|o| o.security).collect());
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
/// security with the day's floor (as the mechanics of a lever read them).
#[derive(Default)]
struct Trajectory {
    baseline: Vec<f32>,
    adoption: Vec<f32>,
    days: Vec<Day>,
}

impl Observer for Trajectory {
    fn day(&mut self, record: &DayRecord, offerings: &[OfferingDay]) {
        self.baseline.push(record.baseline as f32);
        self.adoption.push(record.adoption as f32);
        self.days.push(Day {
            day: record.day,
            offerings: adopter_shares(offerings),
            floor: record.floor,
        });
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
    long_run_mean(baseline.iter().map(|&v| f64::from(v)))
}

/// The pairs of an A/B comparison so far.
#[derive(Default)]
struct Pairs {
    a: Vec<f64>,
    b: Vec<f64>,
    /// The parts of each pair's difference: mechanical (the interventions B adds to A, written
    /// on A's run), vendors' response, users' flows.
    mechanical: Vec<f64>,
    vendors: Vec<f64>,
    shares: Vec<f64>,
}

/// An A/B comparison's two arms.
struct Arms<'a> {
    a: &'a Parameters,
    b: &'a Parameters,
    /// Offerings of the arm with the most.
    offerings: usize,
}

impl Pairs {
    /// Adds pair `index` (runs `a` and `b` of `arms`) and returns its `pair` message: both
    /// baselines, and the paired interval and parts so far.
    fn add(&mut self, index: u64, seed: u64, arms: &Arms<'_>, a: Trajectory, b: Trajectory) -> Value {
        let offerings_of = |t: &Trajectory| {
            let days: Vec<Vec<(f64, f64)>> = t.days.iter().map(|d| d.offerings.clone()).collect();
            long_run_offerings(&days, arms.offerings)
        };
        let mut mechanical = mechanical_part(arms.a, arms.b, &a.days);
        mechanical.1.resize(arms.offerings, (0.0, 0.0));
        let (a_long_run, b_long_run) = (long_run(&a.baseline), long_run(&b.baseline));
        let parts = three_parts(b_long_run - a_long_run, &mechanical, &offerings_of(&b));
        self.mechanical.push(parts.mechanical);
        self.vendors.push(parts.vendors);
        self.shares.push(parts.shares);
        self.a.push(a_long_run);
        self.b.push(b_long_run);
        let two = self.a.len() >= 2;
        let interval = two.then(|| paired_difference(&self.a, &self.b, 0.95));
        let part = |values: &[f64]| {
            let i = mean_interval(values, 0.95);
            json!({"estimate": i.estimate, "low": i.low, "high": i.high})
        };
        let parts = two.then(|| {
            json!({"mechanical": part(&self.mechanical), "vendors": part(&self.vendors), "shares": part(&self.shares)})
        });
        json!({
            "index": index, "seed": seed, "a_baseline": a.baseline, "b_baseline": b.baseline,
            "a_long_run": self.a[self.a.len() - 1], "b_long_run": self.b[self.b.len() - 1],
            "difference": interval.map(|d| json!({"estimate": d.estimate, "low": d.low, "high": d.high})),
            "parts": parts,
        })
    }
}

/// Streams a single run: `days` messages of [`DAYS_PER_MESSAGE`] days, or of a week with the
/// agent view's frame of its last day. False if the client went away.
fn stream_run(p: &Parameters, agents: bool, tx: &Sender<Message>) -> bool {
    let mut camera = agents.then(|| Camera::new(Sample::of(p)));
    let per_message = if agents { FRAME_DAYS } else { DAYS_PER_MESSAGE };
    let mut streamer = Streamer::default();
    let mut simulation = Simulation::new(p);
    loop {
        let more = simulation.step(&mut streamer);
        if streamer.len() >= per_message || !more {
            let frame = camera.as_mut().map(|c| c.frame(&simulation));
            if let Some(data) = streamer.batch(frame) {
                if !send(tx, "days", data) {
                    return false;
                }
            }
        }
        if !more {
            return true;
        }
        if simulation.day() % CHECK_DAYS == 0 && tx.is_closed() {
            return false;
        }
    }
}

/// Runs pair 0 of an A/B comparison (`a` and `b` under common random numbers: the pair
/// [`trajectory`] gives) day by day in lockstep, streaming a `days` message per week with both
/// arms' days and agent frames; the two trajectories, or `None` if the client went away.
fn lockstep(a: &Parameters, b: &Parameters, tx: &Sender<Message>) -> Option<(Trajectory, Trajectory)> {
    let seeded = |p: &Parameters| {
        let mut p = p.clone();
        p.run.seed = run_seed(a.run.seed, 0);
        p
    };
    let (pa, pb) = (seeded(a), seeded(b));
    let (mut sa, mut sb) = (Simulation::new(&pa), Simulation::new(&pb));
    let (mut ca, mut cb) = (Camera::new(Sample::of(&pa)), Camera::new(Sample::of(&pb)));
    let (mut wa, mut wb) = (
        (Streamer::default(), Trajectory::default()),
        (Streamer::default(), Trajectory::default()),
    );
    loop {
        let more = sa.step(&mut wa) & sb.step(&mut wb);
        if wa.0.len() >= FRAME_DAYS || !more {
            let (da, db) = (wa.0.batch(Some(ca.frame(&sa))), wb.0.batch(Some(cb.frame(&sb))));
            if let (Some(da), Some(db)) = (da, db) {
                if !send(tx, "days", json!({"a": da, "b": db})) {
                    return None;
                }
            }
        }
        if !more {
            return Some((wa.1, wb.1));
        }
        if sa.day() % CHECK_DAYS == 0 && tx.is_closed() {
            return None;
        }
    }
}

/// Runs `job`, sending its messages until done or until the client goes away.
pub fn run(job: &Job, tx: &Sender<Message>) {
    let p = &job.base;
    let agents = job.agents.then(|| Sample::of(p).describe(p.run.users));
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
        "agents": agents,
    });
    if !send(tx, "start", start) {
        return;
    }
    match job.mode {
        Mode::Run => {
            if !stream_run(p, job.agents, tx) {
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
            let arms = Arms {
                a: p,
                b: variant,
                offerings: p.offerings.len().max(variant.offerings.len()),
            };
            let mut pairs = Pairs::default();
            let mut first = 0;
            if job.agents {
                let Some((a, b)) = lockstep(p, variant, tx) else {
                    return;
                };
                if !send(tx, "pair", pairs.add(0, run_seed(p.run.seed, 0), &arms, a, b)) {
                    return;
                }
                first = 1;
            }
            for i in first..job.runs as u64 {
                let (Some(a), Some(b)) = (trajectory(p, p.run.seed, i, tx), trajectory(variant, p.run.seed, i, tx))
                else {
                    return;
                };
                if !send(tx, "pair", pairs.add(i, run_seed(p.run.seed, i), &arms, a, b)) {
                    return;
                }
            }
        }
    }
    send(tx, "done", json!({}));
}
