//! An upper bound on the memory one simulation allocates, known before it starts.
//!
//! Per user the state is a few 1-, 2- and 4-byte arrays (population, risk index, calendar,
//! victims) and the graph's compressed rows; per shard of users, the risk index's bucket lists
//! and the calendars' day lists; while the graph is built its link list exists
//! beside the rows. The bound below covers the largest of these moments with room for growth of
//! the bucket and calendar lists, and is checked against measured peak memory by the `memory` tests of the
//! command line (`crates/cli/tests/hardening.rs`).

use crate::parameters::{NetworkKind, Parameters};
use crate::risk_index::{BUCKETS, SHARD_USERS};

/// Bytes per user that do not depend on the graph (state, index, calendar, growth room).
pub const BYTES_PER_USER: u64 = 40;
/// Bytes per user and unit of mean degree (link list while building, plus the rows).
pub const BYTES_PER_LINK_END: u64 = 8;
/// Bytes per user of the re-choice calendar, allocated only when users reconsider.
pub const RECHOICE_BYTES_PER_USER: u64 = 16;
/// Bytes per user and offering of the users' tastes, allocated only when users have tastes.
pub const TASTE_BYTES_PER_OFFERING: u64 = 2;
/// Bytes per simulated day (calendar lists, per-day records of an ensemble run).
pub const BYTES_PER_DAY: u64 = 512;
/// Bytes per shard of users ([`SHARD_USERS`]) and offering: the risk index's bucket lists.
pub const SHARD_BYTES_PER_OFFERING: u64 = (BUCKETS * 24 + BUCKETS / 8) as u64;
/// Bytes per shard of users and simulated day: the two calendars' day lists.
pub const SHARD_BYTES_PER_DAY: u64 = 2 * 24;
/// Bytes of a simulation that does not grow with users or days.
pub const FIXED_BYTES: u64 = 16 << 20;

/// An upper bound on the peak bytes a simulation of `parameters` allocates.
pub fn peak_bytes(parameters: &Parameters) -> u64 {
    let users = u64::from(parameters.run.users);
    let degree = match parameters.network.kind {
        NetworkKind::None => 0,
        _ => u64::from(parameters.network.degree),
    };
    let days = u64::from(parameters.run.days());
    let rechoice = if parameters.users.rechoice > 0.0 {
        RECHOICE_BYTES_PER_USER
    } else {
        0
    };
    let tastes = if parameters.users.taste_spread > 0.0 {
        TASTE_BYTES_PER_OFFERING * parameters.offerings.len() as u64
    } else {
        0
    };
    let shards = users.div_ceil(SHARD_USERS as u64);
    let offerings = parameters.offerings.len() as u64;
    FIXED_BYTES
        + users * (BYTES_PER_USER + rechoice + tastes + BYTES_PER_LINK_END * degree)
        + days * BYTES_PER_DAY
        + shards * (offerings * SHARD_BYTES_PER_OFFERING + days * SHARD_BYTES_PER_DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_grows_with_users_degree_and_days() {
        let mut p = Parameters::default();
        p.run.users = 1_000_000;
        let base = peak_bytes(&p);
        p.network.degree *= 2;
        assert!(peak_bytes(&p) > base);
        p.network.kind = NetworkKind::None;
        assert!(peak_bytes(&p) < base);
        p.run.users = 2_000_000;
        let none = peak_bytes(&p);
        p.run.years *= 2.0;
        assert!(peak_bytes(&p) > none);
    }
}
