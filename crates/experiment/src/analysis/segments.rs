//! Change points of the baseline by PELT (optimal partitioning with pruning) on the daily
//! changes under a Normal mean-shift cost, and the segments between them: jumps and equilibria.

use super::JUMP_DAYS;
use esplab_model::JUMP_THRESHOLD;

/// A segment of the baseline between change points: days `[start, end)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    /// Change of the baseline over the segment.
    pub change: f64,
    /// Mean daily change × 365.
    pub rate_per_year: f64,
    pub is_jump: bool,
}

/// Sums of `y` and `y^2` up to each index, for O(1) segment costs.
struct Prefix {
    sum: Vec<f64>,
    squares: Vec<f64>,
}

impl Prefix {
    fn new(y: &[f64]) -> Self {
        let mut sum = vec![0.0; y.len() + 1];
        let mut squares = vec![0.0; y.len() + 1];
        for (i, v) in y.iter().enumerate() {
            sum[i + 1] = sum[i] + v;
            squares[i + 1] = squares[i] + v * v;
        }
        Self { sum, squares }
    }

    fn cost(&self, a: usize, b: usize) -> f64 {
        let n = (b - a) as f64;
        let s = self.sum[b] - self.sum[a];
        ((self.squares[b] - self.squares[a]) - s * s / n).max(0.0)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The penalty of a split for the daily changes `changes`.
pub fn penalty(changes: &[f64]) -> f64 {
    let m = median(changes.to_vec());
    let mad = median(changes.iter().map(|c| (c - m).abs()).collect());
    let sigma = 1.4826 * mad;
    (2.0 * sigma * sigma * (changes.len().max(2) as f64).ln()).max(JUMP_THRESHOLD * JUMP_THRESHOLD / 2.0)
}

/// Optimal change points of the daily changes for penalty `beta` by PELT (Killick, Fearnhead &
/// Eckley 2012): the partition minimising the sum of segment costs plus `beta` per segment.
/// Returns sorted segment boundaries including 0 and `n`.
pub fn pelt(changes: &[f64], beta: f64) -> Vec<usize> {
    let n = changes.len();
    let prefix = Prefix::new(changes);
    let mut best = vec![0.0; n + 1];
    let mut previous = vec![0usize; n + 1];
    best[0] = -beta;
    let mut candidates: Vec<usize> = vec![0];
    for t in 1..=n {
        let (tau, value) = candidates
            .iter()
            .map(|&tau| (tau, best[tau] + prefix.cost(tau, t) + beta))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .unwrap_or((0, 0.0));
        best[t] = value;
        previous[t] = tau;
        candidates.retain(|&tau| best[tau] + prefix.cost(tau, t) <= best[t]);
        candidates.push(t);
    }
    let mut bounds = vec![n];
    let mut t = n;
    while t > 0 {
        t = previous[t];
        bounds.push(t);
    }
    bounds.reverse();
    bounds.dedup();
    bounds
}

/// Segments of the baseline (day `i` of the changes is the move from day `i` to `i + 1`).
pub fn segments(baseline: &[f64]) -> (Vec<Segment>, f64) {
    let changes: Vec<f64> = baseline.windows(2).map(|w| w[1] - w[0]).collect();
    let beta = penalty(&changes);
    let bounds = pelt(&changes, beta);
    let segments = bounds
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let change: f64 = changes[a..b].iter().sum();
            Segment {
                start: a + 1,
                end: b + 1,
                change,
                rate_per_year: change / (b - a).max(1) as f64 * 365.0,
                is_jump: b - a <= JUMP_DAYS && change > JUMP_THRESHOLD,
            }
        })
        .collect();
    (segments, beta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segmentation_finds_jumps_in_an_eroding_series() {
        // Erosion by 0.0005 a day with jumps of +0.1 on days 300 and 700.
        let mut b = vec![0.5];
        for d in 1..1000 {
            let jump = if d == 300 || d == 700 { 0.1 } else { 0.0 };
            b.push(b[d - 1] - 0.0005 + jump);
        }
        let (segments, beta) = segments(&b);
        assert!(beta > 0.0);
        let jumps: Vec<&Segment> = segments.iter().filter(|s| s.is_jump).collect();
        assert_eq!(jumps.len(), 2, "{segments:?}");
        assert_eq!(jumps[0].start, 300);
        assert!((jumps[1].change - 0.0995).abs() < 1e-9);
        let erosion: Vec<&Segment> = segments.iter().filter(|s| !s.is_jump).collect();
        assert!(erosion.iter().all(|s| (s.rate_per_year + 0.0005 * 365.0).abs() < 1e-6));
    }
}
