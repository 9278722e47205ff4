//! Helpers for the unit tests of the phases: small parameters, and stepping to a day.

use super::Simulation;
use crate::observer::Observer;
use crate::parameters::Parameters;

/// The default parameters with `users` users over one year, 30% of them adopting on day 0.
pub fn small(users: u32) -> Parameters {
    let mut p = Parameters::default();
    p.run.users = users;
    p.run.years = 1.0;
    p.users.initial_adoption = 0.3;
    p
}

/// Simulates whole days until `day` is the next to simulate.
pub fn step_to(simulation: &mut Simulation<'_>, day: u32, observer: &mut impl Observer) {
    while simulation.day() < day {
        assert!(simulation.step(observer), "day {day} is within the horizon");
    }
}

/// Neighbours adopting, recounted from scratch for every user.
pub fn recount_adopting_neighbours(simulation: &Simulation<'_>) -> Vec<u32> {
    (0..simulation.population.len() as u32)
        .map(|u| {
            simulation
                .network
                .neighbours(u)
                .iter()
                .filter(|&&n| simulation.population.offering[n as usize] != crate::population::NO_OFFERING)
                .count() as u32
        })
        .collect()
}
