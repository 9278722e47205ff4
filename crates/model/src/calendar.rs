//! The calendar of imitation considerations.
//!
//! A non-adopter with `a_i` adopting neighbours out of `d_i` considers adopting at rate
//! `q a_i / d_i` per day. Its next consideration day is drawn from that rate (a geometric wait,
//! exact in discrete days) and redrawn whenever `a_i` changes, which is exact by
//! memorylessness. Stale entries are skipped when their day comes.

/// Marker of "no consideration scheduled". Days are kept in 16 bits: no horizon reaches it.
pub const NEVER: u16 = u16::MAX;

/// Per-day lists of users due to consider adopting.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    days: Vec<Vec<u32>>,
    next: Vec<u16>,
}

impl Calendar {
    /// An empty calendar over `days` days for `users` users.
    pub fn new(users: usize, days: u32) -> Self {
        Self {
            days: vec![Vec::new(); days as usize],
            next: vec![NEVER; users],
        }
    }

    /// Schedules `user` on `day`, replacing any earlier schedule; days past the horizon cancel.
    pub fn schedule(&mut self, user: u32, day: u32) {
        if (day as usize) < self.days.len() && day < u32::from(NEVER) {
            self.next[user as usize] = day as u16;
            self.days[day as usize].push(user);
        } else {
            self.next[user as usize] = NEVER;
        }
    }

    /// Prefetches the scheduled day of `user`.
    #[inline]
    pub fn prefetch(&self, user: u32) {
        crate::prefetch::prefetch_at(&self.next, user as usize);
    }

    /// Cancels any consideration of `user`.
    pub fn cancel(&mut self, user: u32) {
        self.next[user as usize] = NEVER;
    }

    /// Takes the users due on `day` (stale entries removed, each user once) into `out`.
    pub fn take_due(&mut self, day: u32, out: &mut Vec<u32>) {
        out.clear();
        let Some(list) = self.days.get_mut(day as usize) else {
            return;
        };
        let list = std::mem::take(list);
        let day = day as u16;
        for user in list {
            if self.next[user as usize] == day {
                self.next[user as usize] = NEVER;
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
