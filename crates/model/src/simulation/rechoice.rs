//! Phase 4, second part: adopters reconsider their offering for value. Each adopter reconsiders
//! at `users.rechoice` per year, on days drawn from its own calendar (a geometric wait from its
//! adoption, exact by memorylessness), never by a scan of all users. A reconsidering adopter of
//! `j` switches to the best other offering `k` when `A_k e_k − x B_k` beats `A_j e_j − x B_j` by
//! more than `switching_cost A_j e_j` (`e` its tastes, 1 without them). Such a switch is not security churn: the user was not driven out by risk.

use super::Simulation;
use crate::calendar::geometric_wait;
use crate::population::NO_OFFERING;
use rand::Rng;

impl Simulation<'_> {
    /// The adopters due to reconsider today switch when a rival is worth the switching cost.
    pub(super) fn rechoose(&mut self) {
        if self.rechoice_per_day <= 0.0 {
            return;
        }
        let mut due = std::mem::take(&mut self.scratch);
        self.rechoice.take_due(self.day, &mut due);
        let margin = self.parameters.users.switching_cost;
        for &user in &due {
            let j = self.population.offering[user as usize];
            if j == NO_OFFERING {
                continue;
            }
            let j = j as usize;
            let x = self.ratio(user);
            let here = self.terms[j].utility_tasted(x, self.taste(user, j));
            if let Some(k) = self.best_for(user, x, Some(j)) {
                let there = self.terms[k].utility_tasted(x, self.taste(user, k));
                if there - here > margin * self.terms[j].value * self.taste(user, j) {
                    self.switch(user, j, k, x);
                }
            }
            self.schedule_rechoice(user);
        }
        self.scratch = due;
    }

    /// Moves adopter `user` of `j` to `k`, filed under ratio `x`; its tenure carries over.
    pub(super) fn switch(&mut self, user: u32, j: usize, k: usize, x: f32) {
        let adopted = self.population.adopted_day[user as usize] as f64;
        self.vendors[j].tenure_sum -= adopted;
        self.vendors[k].tenure_sum += adopted;
        self.index.remove(j, user);
        self.population.set_offering(user, k as u8);
        self.file(k, user, x);
    }

    /// Draws the next day `user` reconsiders its offering (nothing when users never do).
    pub(super) fn schedule_rechoice(&mut self, user: u32) {
        if self.rechoice_per_day <= 0.0 {
            return;
        }
        let u: f64 = 1.0 - self.rechoice_rng.random::<f64>();
        let wait = geometric_wait(self.rechoice_per_day, u);
        self.rechoice
            .schedule(user, self.day.saturating_add(1).saturating_add(wait));
    }

    /// Cancels `user`'s next reconsideration (it left the technology).
    pub(super) fn cancel_rechoice(&mut self, user: u32) {
        if self.rechoice_per_day > 0.0 {
            self.rechoice.cancel(user);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{small, step_to};
    use super::*;
    use crate::Recorder;

    #[test]
    fn reconsidering_users_leave_a_secure_offering_for_a_lax_rival() {
        let mut p = small(20_000);
        p.attack.rate = 0.0;
        p.offerings = vec![
            crate::OfferingParameters::default(),
            crate::OfferingParameters {
                name: "lax".into(),
                security: 0.05,
                ..crate::OfferingParameters::default()
            },
        ];
        p.users.rechoice = 0.0;
        let mut q = p.clone();
        q.users.rechoice = 4.0;
        let mut still = Simulation::new(&p);
        let mut fickle = Simulation::new(&q);
        // Offering 0 becomes far more secure (and taxed) than the others.
        for s in [&mut still, &mut fickle] {
            s.vendors[0].heroic = 0.9;
            s.vendors[0].hold(0.0);
        }
        let before = fickle.population.members(0).len();
        step_to(&mut still, 200, &mut Recorder::default());
        step_to(&mut fickle, 200, &mut Recorder::default());
        let (kept_still, kept_fickle) = (still.population.members(0).len(), fickle.population.members(0).len());
        assert!(before > 500);
        assert!(
            (kept_fickle as f64) < 0.9 * kept_still as f64,
            "{kept_fickle} of the secure offering's users stay when they reconsider, {kept_still} when they never do"
        );
    }
}
