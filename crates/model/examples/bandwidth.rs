//! The memory-bandwidth bound of the benchmarks (`bench/run.py`): the time of one streaming
//! pass over per-user state arrays, the least any engine that touches every user every day
//! must spend per simulated day.
//!
//! The arrays are the state a user's daily decision reads: the risk-to-value ratio, personal
//! fear, the day fear was set, the adoption day, the adopting-neighbour count (4 bytes each) and
//! the offering (1 byte), 21 bytes per user. Each pass decays fear, recomputes the ratio of
//! every user and counts those above a threshold, on every core, in chunks. This is a lower
//! bound on such an engine, far from a real model: no incidents, no graph, no randomness.
//!
//! Usage: `cargo run --release -p esplab-model --example bandwidth -- USERS [PASSES]`; prints one
//! JSON line: users, bytes per user, threads, and the median, min and max seconds per pass.

use std::hint::black_box;
use std::time::Instant;

const BYTES_PER_USER: usize = 21;

struct State {
    ratio: Vec<f32>,
    fear: Vec<f32>,
    fear_day: Vec<u32>,
    adopted_day: Vec<u32>,
    adopting_neighbours: Vec<u32>,
    offering: Vec<u8>,
}

/// One day's pass over users `[start, end)`; returns how many would leave.
fn pass(s: &mut StateChunk<'_>, day: u32) -> u64 {
    let mut leaving = 0u64;
    for i in 0..s.fear.len() {
        let fear = s.fear[i] * 0.992;
        s.fear[i] = fear;
        let tenure = day.wrapping_sub(s.adopted_day[i]) as f32 + s.fear_day[i] as f32 * 1e-9;
        let x = s.ratio[i] * (1.0 + fear) / (1.0 + tenure * 1e-3) + s.adopting_neighbours[i] as f32 * 1e-9;
        leaving += u64::from(x > 4.0 && s.offering[i] != u8::MAX);
    }
    leaving
}

struct StateChunk<'a> {
    ratio: &'a [f32],
    fear: &'a mut [f32],
    fear_day: &'a [u32],
    adopted_day: &'a [u32],
    adopting_neighbours: &'a [u32],
    offering: &'a [u8],
}

fn main() {
    let mut args = std::env::args().skip(1);
    let users: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let passes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20).max(1);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut state = State {
        ratio: (0..users).map(|i| 0.5 + (i % 97) as f32 * 0.01).collect(),
        fear: vec![1.0; users],
        fear_day: vec![3; users],
        adopted_day: (0..users).map(|i| (i % 365) as u32).collect(),
        adopting_neighbours: (0..users).map(|i| (i % 9) as u32).collect(),
        offering: (0..users).map(|i| (i % 4) as u8).collect(),
    };
    let chunk = users.div_ceil(threads).max(1);
    let mut seconds = Vec::with_capacity(passes);
    for day in 0..=passes as u32 {
        let started = Instant::now();
        let total: u64 = std::thread::scope(|scope| {
            let State {
                ratio,
                fear,
                fear_day,
                adopted_day,
                adopting_neighbours,
                offering,
            } = &mut state;
            let handles: Vec<_> = fear
                .chunks_mut(chunk)
                .enumerate()
                .map(|(k, fear)| {
                    let range = k * chunk..k * chunk + fear.len();
                    let mut part = StateChunk {
                        ratio: &ratio[range.clone()],
                        fear,
                        fear_day: &fear_day[range.clone()],
                        adopted_day: &adopted_day[range.clone()],
                        adopting_neighbours: &adopting_neighbours[range.clone()],
                        offering: &offering[range],
                    };
                    scope.spawn(move || pass(&mut part, day))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        black_box(total);
        if day > 0 {
            seconds.push(started.elapsed().as_secs_f64()); // the first pass warms up
        }
    }
    seconds.sort_by(f64::total_cmp);
    println!(
        "{{\"users\": {users}, \"bytes_per_user\": {BYTES_PER_USER}, \"threads\": {threads}, \"passes\": {passes}, \
         \"seconds_per_pass\": {{\"median\": {}, \"min\": {}, \"max\": {}}}}}",
        seconds[seconds.len() / 2],
        seconds[0],
        seconds[seconds.len() - 1]
    );
}
