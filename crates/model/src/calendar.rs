//! The calendar of imitation considerations.
//!
//! A non-adopter with `a_i` adopting neighbours out of `d_i` considers adopting at rate
//! `q a_i / d_i` per day. Its next consideration day is drawn from that rate (a geometric wait,
//! exact in discrete days) and redrawn whenever `a_i` changes, which is exact by
//! memorylessness. Stale entries are skipped when their day comes, and dropped all at once when
//! they outnumber the shard's users (so the lists hold at most about two entries per user).

use crate::risk_index::{shard_of, SHARD_USERS};

/// Marker of "no consideration scheduled". Days are kept in 16 bits: no horizon reaches it.
pub const NEVER: u16 = u16::MAX;

/// Per-day lists of users due, one [`CalendarShard`] per
/// [`SHARD_USERS`] users.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    shards: Vec<CalendarShard>,
}

/// The per-day lists of one shard of users.
#[derive(Debug, Clone, Default)]
pub struct CalendarShard {
    /// First user of the shard.
    first: u32,
    days: Vec<Vec<u32>>,
    /// Per user of the shard (from `first`), its scheduled day or [`NEVER`].
    next: Vec<u16>,
    /// Entries in `days`, live and stale.
    entries: usize,
}

impl Calendar {
    /// An empty calendar over `days` days for `users` users.
    pub fn new(users: usize, days: u32) -> Self {
        Self {
            shards: (0..users.div_ceil(SHARD_USERS))
                .map(|s| {
                    let first = s * SHARD_USERS;
                    CalendarShard {
                        first: first as u32,
                        days: vec![Vec::new(); days as usize],
                        next: vec![NEVER; (users - first).min(SHARD_USERS)],
                        entries: 0,
                    }
                })
                .collect(),
        }
    }

    /// The shards, in user order, for work on the thread pool.
    pub fn shards_mut(&mut self) -> &mut [CalendarShard] {
        &mut self.shards
    }

    /// Schedules `user` on `day`, replacing any earlier schedule; days past the horizon cancel.
    pub fn schedule(&mut self, user: u32, day: u32) {
        self.shards[shard_of(user)].schedule(user, day);
    }

    /// Prefetches the scheduled day of `user`.
    #[inline]
    pub fn prefetch(&self, user: u32) {
        if let Some(shard) = self.shards.get(shard_of(user)) {
            shard.prefetch(user);
        }
    }

    /// Cancels any consideration of `user`.
    pub fn cancel(&mut self, user: u32) {
        self.shards[shard_of(user)].cancel(user);
    }

    /// Takes the users due on `day` (stale entries removed, each user once) into `out`, shard
    /// by shard.
    pub fn take_due(&mut self, day: u32, out: &mut Vec<u32>) {
        out.clear();
        for shard in &mut self.shards {
            shard.take_due(day, out);
        }
    }
}

impl CalendarShard {
    /// Schedules `user` (of this shard) on `day`, replacing any earlier schedule; days past the
    /// horizon cancel.
    pub fn schedule(&mut self, user: u32, day: u32) {
        let u = (user - self.first) as usize;
        if (day as usize) < self.days.len() && day < u32::from(NEVER) {
            self.next[u] = day as u16;
            self.days[day as usize].push(user);
            self.entries += 1;
            if self.entries > 2 * self.next.len() {
                self.drop_stale();
            }
        } else {
            self.next[u] = NEVER;
        }
    }

    /// Rebuilds the day lists from the scheduled days alone, in user order, each list at its
    /// exact length: one entry per scheduled user, none stale.
    fn drop_stale(&mut self) {
        let mut lengths = vec![0usize; self.days.len()];
        for &day in &self.next {
            if day != NEVER {
                lengths[day as usize] += 1;
            }
        }
        self.days = lengths.iter().map(|&length| Vec::with_capacity(length)).collect();
        for (u, &day) in self.next.iter().enumerate() {
            if day != NEVER {
                self.days[day as usize].push(self.first + u as u32);
            }
        }
        self.entries = lengths.iter().sum();
    }

    /// Prefetches the scheduled day of `user` (of this shard).
    #[inline]
    pub fn prefetch(&self, user: u32) {
        if let Some(u) = user.checked_sub(self.first) {
            crate::prefetch::prefetch_at(&self.next, u as usize);
        }
    }

    /// Cancels any consideration of `user` (of this shard).
    pub fn cancel(&mut self, user: u32) {
        self.next[(user - self.first) as usize] = NEVER;
    }

    /// Appends the shard's users due on `day` (stale entries removed, each user once) to `out`.
    pub fn take_due(&mut self, day: u32, out: &mut Vec<u32>) {
        let Some(list) = self.days.get_mut(day as usize) else {
            return;
        };
        let list = std::mem::take(list);
        self.entries -= list.len();
        let day = day as u16;
        for user in list {
            let u = (user - self.first) as usize;
            if self.next[u] == day {
                self.next[u] = NEVER;
                out.push(user);
            }
        }
    }
}

/// Days to wait, from tomorrow on, for the first event of a process of `rate` per day, given a
/// uniform draw `u` in (0, 1]: `floor(-ln(u) / rate)`.
pub fn geometric_wait(rate: f64, u: f64) -> u32 {
    let wait = -u.ln() / rate;
    if wait.is_finite() && wait < u32::MAX as f64 / 2.0 {
        wait as u32
    } else {
        u32::MAX / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rescheduling_makes_earlier_entries_stale() {
        let mut c = Calendar::new(3, 10);
        c.schedule(0, 2);
        c.schedule(1, 2);
        c.schedule(0, 5);
        c.schedule(2, 50);
        let mut out = Vec::new();
        c.take_due(2, &mut out);
        assert_eq!(out, vec![1]);
        c.take_due(5, &mut out);
        assert_eq!(out, vec![0]);
        c.schedule(1, 7);
        c.cancel(1);
        c.take_due(7, &mut out);
        assert!(out.is_empty());
        c.take_due(50, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn dropping_stale_entries_keeps_every_schedule() {
        let users = 1_000;
        let mut c = Calendar::new(users, 40);
        let mut expected = vec![None; users];
        // Many more schedules than users, so stale entries are dropped several times.
        for k in 0..20 * users as u32 {
            let user = k.wrapping_mul(2_654_435_761) % users as u32;
            let day = 1 + (k.wrapping_mul(40_503) >> 3) % 39;
            if k % 7 == 0 {
                c.cancel(user);
                expected[user as usize] = None;
            } else {
                c.schedule(user, day);
                expected[user as usize] = Some(day);
            }
            assert!(c.shards[0].entries <= 2 * users);
        }
        let mut out = Vec::new();
        for day in 0..40 {
            c.take_due(day, &mut out);
            let mut due: Vec<u32> = (0..users as u32)
                .filter(|&u| expected[u as usize] == Some(day))
                .collect();
            out.sort_unstable();
            due.sort_unstable();
            assert_eq!(out, due, "day {day}");
        }
        assert_eq!(c.shards[0].entries, 0);
    }

    #[test]
    fn shards_keep_their_own_users() {
        let users = 3 * SHARD_USERS;
        let mut c = Calendar::new(users, 10);
        let picked = [
            5u32,
            SHARD_USERS as u32 + 7,
            2 * SHARD_USERS as u32 - 1,
            users as u32 - 1,
        ];
        for &u in &picked {
            c.schedule(u, 4);
        }
        c.cancel(picked[1]);
        let mut out = Vec::new();
        c.take_due(4, &mut out);
        assert_eq!(out, vec![picked[0], picked[2], picked[3]]);
        c.take_due(4, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn geometric_wait_has_the_right_mean() {
        // Mean of floor(Exp(rate)) is 1 / (exp(rate) - 1).
        let rate = 0.05;
        let n = 200_000;
        let mut sum = 0.0;
        for k in 0..n {
            let u = (k as f64 + 0.5) / n as f64;
            sum += geometric_wait(rate, u) as f64;
        }
        let expected = 1.0 / (rate.exp() - 1.0);
        assert!((sum / n as f64 - expected).abs() / expected < 0.01);
    }
}
