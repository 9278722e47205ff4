//! What an outside view may read of single users between days (the explorer's agent view):
//! each user's offering, personal fear and the last incident that harmed it. Reading keeps no
//! state and changes nothing, so a run looked at gives the same outputs as one that is not.

use super::Simulation;
use crate::population::NO_OFFERING;

/// One user as of the end of the last simulated day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UserLook {
    /// Offering used, or `None` for a non-adopter.
    pub offering: Option<usize>,
    /// Personal fear on the last simulated day (0 before the first).
    pub fear: f32,
    /// The last incident that harmed the user, numbered from 1 in the order incidents struck
    /// (0: none has). An incident struck since an earlier look when this exceeds
    /// [`Simulation::incidents_so_far`] as of that look.
    pub last_harm: u32,
}

impl Simulation<'_> {
    /// `user` as of the end of the last simulated day.
    ///
    /// # Panics
    ///
    /// If `user` is not a user of the run.
    pub fn look_at(&self, user: u32) -> UserLook {
        let u = user as usize;
        let offering = self.population.offering[u];
        UserLook {
            offering: (offering != NO_OFFERING).then_some(offering as usize),
            fear: self
                .population
                .fear(user, self.day.saturating_sub(1), self.log_fear_decay),
            last_harm: self.victim_of[u],
        }
    }

    /// Incidents so far (shocks and attacks), the number of the last one.
    pub fn incidents_so_far(&self) -> u32 {
        self.incident_log.len() as u32
    }

    /// Number of users of the run.
    pub fn users(&self) -> u32 {
        self.population.len() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{small, step_to};
    use super::*;
    use crate::parameters::Intervention;
    use crate::Recorder;

    #[test]
    fn looks_add_up_to_the_reported_shares_and_see_each_incident_s_victims() {
        let mut p = small(6_000);
        // Records for a fifth of the real population.
        p.interventions = vec![Intervention::Shock {
            day: 40,
            size: p.run.population / 5.0,
            offering: None,
            harmed: None,
        }];
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        step_to(&mut s, 40, &mut recorder);
        let before = s.incidents_so_far();
        let looks = |s: &Simulation<'_>| (0..s.users()).map(|u| s.look_at(u)).collect::<Vec<_>>();
        let calm = looks(&s);
        assert!(calm.iter().all(|l| l.last_harm <= before));
        step_to(&mut s, 41, &mut recorder);
        let after = looks(&s);
        let offerings = recorder.offerings.last().unwrap();
        for (j, o) in offerings.iter().enumerate() {
            let users = after.iter().filter(|l| l.offering == Some(j)).count();
            assert_eq!(users as f64 / 6_000.0, o.users, "offering {j}");
        }
        let shock = s.incidents_so_far();
        assert!(shock > before, "the shock struck on day 40");
        let harmed: Vec<&UserLook> = after.iter().filter(|l| l.last_harm > before).collect();
        // A user harmed twice in a day counts twice in the day's record.
        let reported = recorder.days.last().unwrap().harmed * 6_000.0;
        assert!(harmed.len() as f64 <= reported + 1e-6, "{} > {reported}", harmed.len());
        assert!(harmed.len() > 100, "{} harmed", harmed.len());
        assert!(harmed.iter().all(|l| l.fear >= p.users.harm_fear as f32 * 0.99));
        let mean = |ls: &[UserLook]| ls.iter().map(|l| f64::from(l.fear)).sum::<f64>() / ls.len() as f64;
        assert!(mean(&after) > mean(&calm), "fear spreads");
    }
}
