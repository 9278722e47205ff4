//! The vendors' ESP rule.
//!
//! Each offering watches its security churn over a window. Below the tolerance its discretionary
//! security erodes at `erosion E^excitement_erosion (1 + reliance_erosion L)` per day and its
//! institutional security at `institutional_erosion` times the same multiplier. When the churn
//! share crosses the tolerance the vendor raises security by
//! `min(raise_max, raise_gain churn/tolerance)` of the remaining gap `1 − s`, puts
//! `institutional_share` of the raise into institutional practice, and starts a new window.
//! Security never falls below the regulatory floor or a heroic vendor's commitment.
//!
//! The same state serves the economic strategy ([`crate::economics`]), which also remembers its
//! security churn and losses, and depreciates security it stops maintaining.

use crate::parameters::VendorParameters;

/// Highest security an offering can reach.
pub const MAX_SECURITY: f64 = 0.999;

/// The attack exposure of an offering at security `s`, `(1 − s)^elasticity` (§4's attack law
/// without its share term), with `1 − s` held at least `1 − MAX_SECURITY`.
pub fn exposure(s: f64, elasticity: f64) -> f64 {
    (1.0 - s).max(1.0 - MAX_SECURITY).powf(elasticity)
}

/// One offering's vendor.
#[derive(Debug, Clone)]
pub struct Vendor {
    /// Institutional security (slow to erode).
    pub institutional: f64,
    /// Discretionary security (erodes under pressure).
    pub discretionary: f64,
    /// Lowest security a heroic commitment holds.
    pub heroic: f64,
    /// Sum of adoption days of the offering's users (for mean tenure).
    pub tenure_sum: f64,
    /// Economic: remembered security churn per unit of attack exposure (simulated users per
    /// year, divided by the exposure `(1 − s)^security_elasticity` at which each day's churn was
    /// seen), so that a raise does not leave the vendor seeing the losses of its old security.
    pub churn_memory: f64,
    /// Economic: remembered incident losses per unit of attack exposure (currency units per
    /// year, likewise).
    pub loss_memory: f64,
    /// Economic: whether security is left to depreciate until the next review.
    pub depreciating: bool,
    /// Economic and random: the level the vendor last decided, which its deployments are
    /// adopting (security rolls out towards it; equal to security when nothing is pending).
    pub target: f64,
    /// Share of the gap to the target still open after a day of roll-out: `exp(−1 /
    /// rollout_days)`, 0 when deployments adopt a decision at once.
    rollout_left: f64,
    churn: Vec<f64>,
    churn_sum: f64,
    cursor: usize,
}

/// A raise decided by a vendor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Raise {
    /// Security before.
    pub from: f64,
    /// Security after.
    pub to: f64,
    /// The churn share that triggered it.
    pub churn: f64,
}

impl Vendor {
    /// A vendor at `security` on day 0.
    pub fn new(security: f64, parameters: &VendorParameters) -> Self {
        let institutional = security * parameters.institutional_share;
        Self {
            institutional,
            discretionary: security - institutional,
            heroic: 0.0,
            tenure_sum: 0.0,
            churn_memory: 0.0,
            loss_memory: 0.0,
            depreciating: false,
            target: security,
            rollout_left: 0.0,
            churn: vec![0.0; parameters.churn_window_days.max(1) as usize],
            churn_sum: 0.0,
            cursor: 0,
        }
    }

    /// The vendor, with its decisions adopted by its deployments over `rollout_days`
    /// ([`Vendor::advance_roll_out`]; 0: at once).
    pub fn rolled_out_over(mut self, rollout_days: f64) -> Self {
        self.rollout_left = if rollout_days > 0.0 {
            (-1.0 / rollout_days).exp()
        } else {
            0.0
        };
        self
    }

    /// Current security: the share of the offering's deployments that meet the control.
    pub fn security(&self) -> f64 {
        self.institutional + self.discretionary
    }

    /// Share of users lost to risk over the window, with `users` users now.
    pub fn churn_share(&self, users: usize) -> f64 {
        let lost = self.churn_sum.max(0.0);
        if lost <= 0.0 {
            0.0
        } else {
            lost / (users as f64 + lost)
        }
    }

    /// One day of the ESP rule: records `churned` users lost to risk today, then raises or
    /// erodes. `pressure` is the erosion multiplier `E^a (1 + b L)`.
    pub fn step(
        &mut self,
        parameters: &VendorParameters,
        churned: usize,
        users: usize,
        pressure: f64,
        floor: f64,
    ) -> Option<Raise> {
        self.watch_churn(churned);
        let share = self.churn_share(users);
        let from = self.security();
        let raise = if share > parameters.tolerance {
            let fraction = (parameters.raise_gain * share / parameters.tolerance).min(parameters.raise_max);
            let delta = fraction * (MAX_SECURITY - from).max(0.0);
            self.institutional += parameters.institutional_share * delta;
            self.discretionary += (1.0 - parameters.institutional_share) * delta;
            self.churn.iter_mut().for_each(|c| *c = 0.0);
            self.churn_sum = 0.0;
            Some(Raise {
                from,
                to: self.security(),
                churn: share,
            })
        } else {
            self.discretionary *= (-parameters.erosion * pressure).exp();
            self.institutional *= (-parameters.institutional_erosion * pressure).exp();
            None
        };
        self.hold(floor);
        raise
    }

    /// Adds today's security churn to the window.
    pub fn watch_churn(&mut self, churned: usize) {
        self.churn_sum += churned as f64 - self.churn[self.cursor];
        self.churn[self.cursor] = churned as f64;
        self.cursor = (self.cursor + 1) % self.churn.len();
    }

    /// Economic: one day of memory. Today's churn and loss, as yearly rates per unit of today's
    /// attack `exposure` ([`exposure`]), enter the exponentially weighted memories, which keep
    /// `keep` of what they held.
    pub fn remember(&mut self, churned: usize, loss: f64, keep: f64, exposure: f64) {
        let per_exposure = 365.0 / exposure.max(f64::MIN_POSITIVE);
        self.churn_memory = keep * self.churn_memory + (1.0 - keep) * churned as f64 * per_exposure;
        self.loss_memory = keep * self.loss_memory + (1.0 - keep) * loss * per_exposure;
    }

    /// Economic and random: a programme decides to raise security to `to`, and its deployments
    /// start adopting it ([`Vendor::advance_roll_out`]: at once without a roll-out time). The raise
    /// reports the decided level and the churn share of the window, with `users` users now;
    /// `None` when `to` is not above what is already decided.
    pub fn raise_to(&mut self, to: f64, users: usize) -> Option<Raise> {
        if to <= self.target {
            return None;
        }
        let from = self.security();
        self.target = to;
        self.roll_out();
        Some(Raise {
            from,
            // Adopted at once, the level reached (the decided one, up to rounding).
            to: if self.rollout_left > 0.0 { to } else { self.security() },
            churn: self.churn_share(users),
        })
    }

    /// A day of roll-out of a level decided on an earlier day (nothing without a roll-out
    /// time: a decision is adopted the day it is made).
    pub fn advance_roll_out(&mut self) {
        if self.rollout_left > 0.0 {
            self.roll_out();
        }
    }

    /// One day of roll-out: deployments adopt the decided level, closing `1 − rollout_left` of
    /// the gap (all of it without a roll-out time). The adoption goes to discretionary security.
    fn roll_out(&mut self) {
        let gap = self.target - self.security();
        if gap > 0.0 {
            self.discretionary += gap * (1.0 - self.rollout_left);
        }
    }

    /// Economic and random: the level the vendor has decided on, adopted or still rolling out:
    /// what it decides from at a review (a level already decided is no new raise).
    pub fn decided(&self) -> f64 {
        self.target.max(self.security())
    }

    /// Economic: the vendor stops its programme; what its deployments have adopted stays.
    pub fn stop_roll_out(&mut self) {
        self.target = self.security();
    }

    /// Economic: one day of depreciation at `rate` per year of both parts of security, and of
    /// the level being rolled out.
    pub fn depreciate(&mut self, rate: f64) {
        let keep = (-rate / 365.0).exp();
        self.institutional *= keep;
        self.discretionary *= keep;
        self.target *= keep;
    }

    /// Lifts security to the floor or heroic commitment, whichever is higher (at once: a
    /// rule binds every deployment), and the decided level with it.
    pub fn hold(&mut self, floor: f64) {
        let lower = floor.max(self.heroic).min(MAX_SECURITY);
        let total = self.security();
        if total < lower {
            self.discretionary += lower - total;
        }
        self.target = self.target.max(self.security());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameters() -> VendorParameters {
        VendorParameters {
            strategy: crate::parameters::VendorStrategy::Reactive,
            tolerance: 0.05,
            churn_window_days: 10,
            erosion: 0.01,
            excitement_erosion: 1.0,
            reliance_erosion: 1.0,
            raise_gain: 0.2,
            raise_max: 0.5,
            institutional_share: 0.5,
            institutional_erosion: 0.0,
            ..crate::Parameters::default().vendors
        }
    }

    #[test]
    fn security_erodes_below_tolerance_and_faster_under_pressure() {
        let p = parameters();
        let mut calm = Vendor::new(0.4, &p);
        let mut excited = Vendor::new(0.4, &p);
        for _ in 0..100 {
            assert!(calm.step(&p, 0, 1000, 1.0, 0.0).is_none());
            assert!(excited.step(&p, 0, 1000, 3.0, 0.0).is_none());
        }
        // Discretionary half erodes, institutional half (erosion 0 here) stays.
        assert!((calm.security() - (0.2 + 0.2 * (-1.0f64).exp())).abs() < 1e-9);
        assert!(excited.security() < calm.security());
        assert!(excited.security() >= 0.2 - 1e-12);
    }

    #[test]
    fn raise_only_after_churn_crosses_tolerance_and_grows_with_excess() {
        let p = parameters();
        let mut v = Vendor::new(0.2, &p);
        // 4% of users lost over the window: tolerated.
        for _ in 0..10 {
            assert!(v.step(&p, 4, 1000, 1.0, 0.0).is_none());
        }
        let mut small = v.clone();
        let mut large = v.clone();
        let r_small = small.step(&p, 20, 1000, 1.0, 0.0).expect("crossed");
        let r_large = large.step(&p, 200, 1000, 1.0, 0.0).expect("crossed");
        assert!(r_small.churn > p.tolerance);
        assert!(r_large.to - r_large.from > r_small.to - r_small.from);
        // A new window starts after a raise.
        assert!(small.step(&p, 0, 1000, 1.0, 0.0).is_none());
    }

    #[test]
    fn memories_are_kept_per_unit_of_the_exposure_they_were_seen_at() {
        let p = crate::Parameters::default().vendors;
        let mut v = Vendor::new(0.3, &p);
        let seen_at = exposure(0.3, 2.0);
        assert!((seen_at - 0.49).abs() < 1e-12);
        for _ in 0..10_000 {
            v.remember(10, 1_000.0, 0.99, seen_at);
        }
        // At the security it was seen at, the memory gives back what was seen.
        assert!((v.churn_memory * exposure(0.3, 2.0) - 3_650.0).abs() < 1e-6);
        assert!((v.loss_memory * exposure(0.3, 2.0) - 365_000.0).abs() < 1e-3);
        // After a raise to 0.6 the same memory expects the churn of security 0.6.
        let raised = v.churn_memory * exposure(0.6, 2.0);
        assert!((raised / 3_650.0 - 0.16 / 0.49).abs() < 1e-9, "{raised}");
        assert_eq!(exposure(1.0, 2.0), exposure(MAX_SECURITY, 2.0));
    }

    #[test]
    fn a_decided_level_rolls_out_over_the_offering_s_roll_out_time() {
        let p = crate::Parameters::default().vendors;
        // At once: the decided level is reached the day it is decided.
        let mut hosted = Vendor::new(0.1, &p);
        let raise = hosted.raise_to(0.5, 100).expect("a raise");
        assert!((raise.from - 0.1).abs() < 1e-12 && (hosted.security() - 0.5).abs() < 1e-12);
        assert!((raise.to - hosted.security()).abs() < 1e-15);
        // Over 30 days: 1 − 1/e of the gap is closed after 30 days, and nearly all after 150.
        let mut open = Vendor::new(0.1, &p).rolled_out_over(30.0);
        let raise = open.raise_to(0.5, 100).expect("a raise");
        assert_eq!((raise.from, raise.to), (0.1, 0.5), "the event tells the decided level");
        for _ in 1..30 {
            open.advance_roll_out();
        }
        let closed = (open.security() - 0.1) / 0.4;
        assert!((closed - (1.0 - (-1.0f64).exp())).abs() < 1e-9, "{closed}");
        for _ in 30..150 {
            open.advance_roll_out();
        }
        assert!(open.security() > 0.497 && open.security() < 0.5, "{}", open.security());
        // A level already decided is no new raise; a higher one is.
        assert!(open.raise_to(0.45, 100).is_none());
        assert!(open.raise_to(0.6, 100).is_some());
        // Stopping the programme keeps what was adopted and adopts nothing more.
        open.stop_roll_out();
        let kept = open.security();
        open.advance_roll_out();
        assert_eq!(open.security(), kept);
        // Without a roll-out time nothing moves between decisions.
        let before = hosted.security();
        hosted.advance_roll_out();
        assert_eq!(hosted.security(), before);
    }

    #[test]
    fn floor_and_heroic_commitment_hold_security() {
        let p = parameters();
        let mut v = Vendor::new(0.1, &p);
        for _ in 0..1000 {
            v.step(&p, 0, 1000, 5.0, 0.3);
        }
        assert!((v.security() - 0.3).abs() < 1e-9);
        v.heroic = 0.8;
        v.hold(0.3);
        assert!((v.security() - 0.8).abs() < 1e-9);
    }
}
