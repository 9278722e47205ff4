//! The social graph: compressed sparse rows of undirected neighbours.
//!
//! Built once per run from its own random stream: Watts–Strogatz links block by block of users,
//! each block from its own stream (`random::USER_BLOCK`); Barabási–Albert in one sequence (each
//! newcomer depends on the links before it). Watts–Strogatz rewiring rejects self-loops;
//! a rewired link may rarely duplicate an existing one (probability about `degree / users`),
//! which is kept as a double link.

use crate::parallel::collect_blocks;
use crate::parameters::{NetworkKind, NetworkParameters};
use crate::random::{generator, keyed, Generator, Stream, USER_BLOCK};
use rand::Rng;

/// Undirected graph in compressed sparse row form.
#[derive(Debug, Clone, Default)]
pub struct Network {
    offsets: Vec<u32>,
    neighbours: Vec<u32>,
}

impl Network {
    /// Builds the graph of `users` users described by `parameters`, for a run of seed `seed`,
    /// Watts–Strogatz blocks on the thread pool when `parallel` (the same graph either way).
    pub fn build(users: u32, parameters: &NetworkParameters, seed: u64, parallel: bool) -> Self {
        let links = match parameters.kind {
            NetworkKind::None => Vec::new(),
            NetworkKind::WattsStrogatz => watts_strogatz(users, parameters.degree, parameters.rewiring, seed, parallel),
            NetworkKind::BarabasiAlbert => {
                barabasi_albert(users, parameters.degree, &mut generator(seed, Stream::Network))
            }
        };
        Self::from_links(users, &links)
    }

    /// Builds the graph from undirected links by a counting sort.
    pub fn from_links(users: u32, links: &[(u32, u32)]) -> Self {
        let n = users as usize;
        let mut offsets = vec![0u32; n + 1];
        for &(a, b) in links {
            offsets[a as usize + 1] += 1;
            offsets[b as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut cursor: Vec<u32> = offsets[..n].to_vec();
        let mut neighbours = vec![0u32; offsets[n] as usize];
        for &(a, b) in links {
            neighbours[cursor[a as usize] as usize] = b;
            cursor[a as usize] += 1;
            neighbours[cursor[b as usize] as usize] = a;
            cursor[b as usize] += 1;
        }
        Self { offsets, neighbours }
    }

    /// Whether the graph has no links at all.
    pub fn is_empty(&self) -> bool {
        self.neighbours.is_empty()
    }

    /// The neighbours of `user`.
    pub fn neighbours(&self, user: u32) -> &[u32] {
        let u = user as usize;
        &self.neighbours[self.offsets[u] as usize..self.offsets[u + 1] as usize]
    }

    /// Prefetches the row bounds of `user` (`deep = false`) or its neighbour list (`deep`).
    #[inline]
    pub fn prefetch(&self, user: u32, deep: bool) {
        let u = user as usize;
        if !deep {
            crate::prefetch::prefetch_at(&self.offsets, u);
        } else if let Some(&start) = self.offsets.get(u) {
            crate::prefetch::prefetch_at(&self.neighbours, start as usize);
        }
    }

    /// The degree of `user`.
    pub fn degree(&self, user: u32) -> u32 {
        let u = user as usize;
        self.offsets[u + 1] - self.offsets[u]
    }

    /// Total number of link ends (twice the number of links).
    pub fn link_ends(&self) -> usize {
        self.neighbours.len()
    }
}

fn watts_strogatz(users: u32, degree: u32, rewiring: f64, seed: u64, parallel: bool) -> Vec<(u32, u32)> {
    let half = (degree / 2).min(users.saturating_sub(1) / 2);
    if users < 2 {
        return Vec::new();
    }
    let blocks = (users as usize).div_ceil(USER_BLOCK);
    collect_blocks(blocks, parallel, |block| {
        let mut rng = keyed(seed, Stream::Network, block, 0);
        let first = (block * USER_BLOCK) as u32;
        let end = (first as usize + USER_BLOCK).min(users as usize) as u32;
        let mut links = Vec::with_capacity((end - first) as usize * half as usize);
        for i in first..end {
            for step in 1..=half {
                let mut j = (i + step) % users;
                if rewiring > 0.0 && rng.random::<f64>() < rewiring {
                    loop {
                        let candidate = rng.random_range(0..users);
                        if candidate != i {
                            j = candidate;
                            break;
                        }
                    }
                }
                links.push((i, j));
            }
        }
        links
    })
}

fn barabasi_albert(users: u32, degree: u32, rng: &mut Generator) -> Vec<(u32, u32)> {
    let m = (degree / 2).max(1);
    let mut links = Vec::with_capacity(users as usize * m as usize);
    if users < 2 {
        return links;
    }
    // A seed clique of m + 1 users, then each newcomer links to m distinct earlier users
    // chosen in proportion to their degree (a uniform pick from the list of link ends).
    let seed = (m + 1).min(users);
    let mut ends: Vec<u32> = Vec::with_capacity(2 * users as usize * m as usize);
    for a in 0..seed {
        for b in (a + 1)..seed {
            links.push((a, b));
            ends.push(a);
            ends.push(b);
        }
    }
    let mut targets: Vec<u32> = Vec::with_capacity(m as usize);
    for newcomer in seed..users {
        targets.clear();
        let wanted = m.min(newcomer) as usize;
        while targets.len() < wanted {
            let t = ends[rng.random_range(0..ends.len())];
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
        for &t in &targets {
            links.push((newcomer, t));
            ends.push(newcomer);
            ends.push(t);
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameters(kind: NetworkKind) -> NetworkParameters {
        NetworkParameters {
            kind,
            degree: 8,
            rewiring: 0.1,
        }
    }

    #[test]
    fn watts_strogatz_has_the_mean_degree_and_no_self_loops() {
        let g = Network::build(10_000, &parameters(NetworkKind::WattsStrogatz), 3, false);
        assert_eq!(g.link_ends(), 10_000 * 8);
        for u in 0..10_000 {
            assert!(!g.neighbours(u).contains(&u));
        }
    }

    #[test]
    fn barabasi_albert_has_heavy_tailed_degrees() {
        let g = Network::build(20_000, &parameters(NetworkKind::BarabasiAlbert), 3, false);
        let max = (0..20_000).map(|u| g.degree(u)).max().unwrap();
        let mean = g.link_ends() as f64 / 20_000.0;
        assert!((mean - 8.0).abs() < 0.1, "mean degree {mean}");
        // Scale-free hubs: the largest degree is far above the mean (about sqrt(n) * m).
        assert!(max as f64 > 20.0 * mean, "max degree {max}");
    }

    #[test]
    fn links_are_symmetric() {
        let g = Network::build(500, &parameters(NetworkKind::WattsStrogatz), 5, false);
        for u in 0..500 {
            for &v in g.neighbours(u) {
                assert!(g.neighbours(v).contains(&u));
            }
        }
    }

    #[test]
    fn tiny_and_empty_graphs_are_fine() {
        for users in [0, 1, 2, 3] {
            for kind in [
                NetworkKind::WattsStrogatz,
                NetworkKind::BarabasiAlbert,
                NetworkKind::None,
            ] {
                let g = Network::build(users, &parameters(kind), 5, false);
                for u in 0..users {
                    assert!(!g.neighbours(u).contains(&u));
                }
            }
        }
    }
}
