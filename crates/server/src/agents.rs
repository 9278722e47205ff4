//! The agent view: which simulated users the explorer shows, and a frame of them each week.
//!
//! On a Watts–Strogatz graph the shown users are one block of consecutive user numbers: a
//! user's ring neighbours are the users numbered next to it, so the page lays the block along a
//! Hilbert curve and neighbours sit together (rewired links excepted). A Barabási–Albert graph
//! has no such layout (and its low numbers are its oldest, best-linked users), nor has a run
//! without a graph, so there the view shows every k-th user, in user order.
//!
//! A frame is two bytes per shown user: the offering used (255: not adopting), then personal
//! fear `f` as `round(127 f / (1 + f))` (the share of perceived risk that is fear), plus 128
//! when an incident harmed the user since the last frame. Frames are sent as base64 text.

use base64::Engine;
use esplab_model::{NetworkKind, Parameters, Simulation};
use serde_json::{json, Value};

/// Most users shown: a 128 × 128 square.
pub const MOST_SHOWN: u32 = 128 * 128;

/// Days between frames.
pub const FRAME_DAYS: usize = 7;

/// The first byte of a non-adopter.
pub const NOT_ADOPTING: u8 = 255;

/// The users shown: `count` users from `first`, `stride` apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub first: u32,
    pub stride: u32,
    pub count: u32,
    /// Side of the square the page lays them out in (`count` is its square).
    pub side: u32,
    /// Whether consecutive shown users are ring neighbours (a Watts–Strogatz block).
    pub ring: bool,
}

impl Sample {
    /// The users shown of a run of `p`: the largest square of a power of two no larger than
    /// the users and [`MOST_SHOWN`].
    pub fn of(p: &Parameters) -> Self {
        let users = p.run.users.max(1);
        let mut side = 1;
        while (2 * side) * (2 * side) <= users.min(MOST_SHOWN) {
            side *= 2;
        }
        let count = side * side;
        let ring = p.network.kind == NetworkKind::WattsStrogatz;
        Self {
            first: 0,
            stride: if ring { 1 } else { users / count },
            count,
            side,
            ring,
        }
    }

    /// The user numbers shown, in the order of the frame's bytes.
    pub fn users(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.count).map(|k| self.first + k * self.stride)
    }

    /// The sample as the page reads it (in the `start` message).
    pub fn describe(&self, users: u32) -> Value {
        let last = self.first + (self.count - 1) * self.stride;
        let text = if self.ring {
            format!(
                "users {}–{} of {users}, laid along a Hilbert curve: ring neighbours sit together",
                self.first, last
            )
        } else if self.stride == 1 {
            format!(
                "users {}–{last} of {users}, in user order: this network has no layout where neighbours sit together",
                self.first
            )
        } else {
            format!(
                "every {} user of {users}, in user order: this network has no layout where neighbours sit together",
                ordinal(self.stride)
            )
        };
        json!({"first": self.first, "stride": self.stride, "count": self.count, "side": self.side, "ring": self.ring, "text": text})
    }
}

/// `n` as an English ordinal: 2nd, 3rd, 11th, 21st.
fn ordinal(n: u32) -> String {
    let suffix = match (n % 100, n % 10) {
        (11..=13, _) => "th",
        (_, 1) => "st",
        (_, 2) => "nd",
        (_, 3) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Takes frames of a run's shown users, remembering the incidents seen at the last frame.
#[derive(Debug, Clone)]
pub struct Camera {
    sample: Sample,
    incidents_seen: u32,
    bytes: Vec<u8>,
}

impl Camera {
    pub fn new(sample: Sample) -> Self {
        Self {
            sample,
            incidents_seen: 0,
            bytes: Vec::with_capacity(2 * sample.count as usize),
        }
    }

    /// The frame of `simulation`'s shown users now, as bytes (see the module doc).
    pub fn frame_bytes(&mut self, simulation: &Simulation<'_>) -> &[u8] {
        self.bytes.clear();
        for user in self.sample.users() {
            let look = simulation.look_at(user);
            let offering = look.offering.map_or(NOT_ADOPTING, |j| j.min(254) as u8);
            let fear = f64::from(look.fear.max(0.0));
            let level = (127.0 * fear / (1.0 + fear)).round() as u8;
            let harmed = if look.last_harm > self.incidents_seen { 128 } else { 0 };
            self.bytes.extend_from_slice(&[offering, level | harmed]);
        }
        self.incidents_seen = simulation.incidents_so_far();
        &self.bytes
    }

    /// The frame as base64 text.
    pub fn frame(&mut self, simulation: &Simulation<'_>) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.frame_bytes(simulation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use esplab_model::{Intervention, Recorder};

    fn parameters(users: u32, kind: NetworkKind) -> Parameters {
        let mut p = Parameters::default();
        p.run.users = users;
        p.run.years = 0.5;
        p.users.initial_adoption = 0.2;
        p.network.kind = kind;
        p
    }

    #[test]
    fn samples_are_squares_in_range() {
        let s = Sample::of(&parameters(100_000, NetworkKind::WattsStrogatz));
        assert_eq!((s.count, s.side, s.stride, s.ring), (MOST_SHOWN, 128, 1, true));
        let s = Sample::of(&parameters(5_000, NetworkKind::BarabasiAlbert));
        assert_eq!((s.count, s.side, s.stride, s.ring), (4_096, 64, 1, false));
        let s = Sample::of(&parameters(100_000, NetworkKind::None));
        assert_eq!((s.count, s.stride), (MOST_SHOWN, 6));
        assert!(s.users().all(|u| u < 100_000));
        assert_eq!(Sample::of(&parameters(3, NetworkKind::None)).count, 1);
        let text = s.describe(100_000)["text"].as_str().unwrap().to_string();
        assert!(text.starts_with("every 6th user of 100000"), "{text}");
        assert_eq!(
            [1, 2, 3, 4, 11, 12, 21, 22, 113].map(ordinal),
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "21st", "22nd", "113th"]
        );
    }

    #[test]
    fn frames_show_offerings_fear_and_the_harm_of_the_week() {
        let mut p = parameters(16_384, NetworkKind::WattsStrogatz);
        p.interventions = vec![Intervention::Shock {
            day: 20,
            size: p.run.population / 4.0,
            offering: None,
            harmed: None,
        }];
        let mut camera = Camera::new(Sample::of(&p));
        let mut simulation = Simulation::new(&p);
        let mut recorder = Recorder::default();
        let mut harmed_by_week = Vec::new();
        while simulation.step(&mut recorder) {
            if simulation.day() % 7 != 0 {
                continue;
            }
            let frame = camera.frame_bytes(&simulation).to_vec();
            // The whole population is shown: the frame's offerings are the reported shares.
            let shares = recorder.offerings.last().unwrap();
            for (j, share) in shares.iter().enumerate() {
                let users = frame.chunks(2).filter(|d| d[0] == j as u8).count();
                assert_eq!(users as f64 / 16_384.0, share.users, "day {}", simulation.day());
            }
            harmed_by_week.push(frame.chunks(2).filter(|d| d[1] & 128 != 0).count());
        }
        // The shock of day 20 falls in the week ending on day 21 (the third frame).
        assert!(harmed_by_week[2] > 100, "{harmed_by_week:?}");
        assert!(harmed_by_week[3] < harmed_by_week[2] / 10, "flashes last one frame");
    }
}
