//! Scenario discovery: PRIM, the patient rule induction method (Friedman and Fisher 1999), as
//! the EMA Workbench implements it for binary outcomes (`ema_workbench.analysis.prim.Prim` with
//! its defaults: the lenient objective, real-valued peels and pastes, one box).
//!
//! Given points `x` (one column per factor) and a yes/no outcome per point (the *cases of
//! interest*), PRIM looks for a box of factor ranges that holds many of the cases (coverage) and
//! few of the others (density). It *peels*: of the candidate boxes that cut the `peel_alpha`
//! quantile off one side of one factor, it keeps the one that raises the share of cases most per
//! point removed, until the box would hold less than `mass_min` of the points or no peel helps.
//! It then *pastes* back slices (the `paste_alpha` quantile of the points just outside each
//! restricted side) while that raises the share again. Every box on the way is a step of the
//! *peeling trajectory*, the trade-off between coverage and density the analyst chooses from.
//!
//! Each restriction of a box gets a quasi-p-value (Bryant and Lempert 2010): the one-sided
//! binomial probability of at least the box's cases of interest among its points, if the share
//! of cases were that of the box with the restriction removed. Small values mean the
//! restriction matters.
//!
//! The order of candidates, the tie-breaks (the larger objective, then the more unrestricted
//! factors, then the first in factor order, upper side before lower when peeling and lower
//! before upper when pasting) and the quantile rule of `get_quantile` are EMA's, so the trajectory
//! matches it step by step (`tests/prim.rs`, against a fixture EMA wrote).

use statrs::distribution::{Binomial, DiscreteCDF};
use std::fmt;

/// Settings of PRIM (EMA Workbench's names and defaults, with its customary density threshold).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrimSettings {
    /// The density a box must reach to be a scenario (chooses the box; does not steer peeling).
    pub threshold: f64,
    /// Share of a box's points one peel removes.
    pub peel_alpha: f64,
    /// Share of the points outside a side one paste adds.
    pub paste_alpha: f64,
    /// The smallest share of all points a box may hold.
    pub mass_min: f64,
}

impl Default for PrimSettings {
    fn default() -> Self {
        Self {
            threshold: 0.8,
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
        }
    }
}

/// How a metric is compared with the value of a [`Condition`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Above,
    AtLeast,
    Below,
    AtMost,
}

impl Comparison {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Above => ">",
            Self::AtLeast => ">=",
            Self::Below => "<",
            Self::AtMost => "<=",
        }
    }
}

/// What makes a point a case of interest: `METRIC > X` (or `>=`, `<`, `<=`).
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub metric: String,
    pub comparison: Comparison,
    pub value: f64,
}

impl Condition {
    /// Whether `v` meets the condition (never for NaN).
    pub fn holds(&self, v: f64) -> bool {
        match self.comparison {
            Comparison::Above => v > self.value,
            Comparison::AtLeast => v >= self.value,
            Comparison::Below => v < self.value,
            Comparison::AtMost => v <= self.value,
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.metric, self.comparison.symbol(), self.value)
    }
}

impl std::str::FromStr for Condition {
    type Err = String;

    /// Parses `METRIC OP NUMBER`, spaces optional, OP one of `>`, `>=`, `<`, `<=`.
    fn from_str(text: &str) -> Result<Self, String> {
        let usage = || {
            format!("{text:?} is not a condition: write METRIC > X (or >=, <, <=), e.g. \"long_run_baseline > 0.1\"")
        };
        let at = text.find(['<', '>']).ok_or_else(usage)?;
        let (metric, rest) = (text[..at].trim(), &text[at..]);
        let (comparison, number) = if let Some(n) = rest.strip_prefix(">=") {
            (Comparison::AtLeast, n)
        } else if let Some(n) = rest.strip_prefix("<=") {
            (Comparison::AtMost, n)
        } else if let Some(n) = rest.strip_prefix('>') {
            (Comparison::Above, n)
        } else {
            (Comparison::Below, &rest[1..])
        };
        let value: f64 = number.trim().parse().map_err(|_| usage())?;
        let name_like = |c: char| c.is_ascii_alphanumeric() || "_.-".contains(c);
        if metric.is_empty() || !metric.chars().all(name_like) || !value.is_finite() {
            return Err(usage());
        }
        Ok(Self {
            metric: metric.to_string(),
            comparison,
            value,
        })
    }
}

/// Lower and upper limit of each factor.
pub type Limits = Vec<[f64; 2]>;

/// One box of the peeling trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxStep {
    /// Share of all cases of interest that lie in the box.
    pub coverage: f64,
    /// Share of the box's points that are cases of interest.
    pub density: f64,
    /// Share of all points that lie in the box.
    pub mass: f64,
    /// Points in the box.
    pub cases: usize,
    /// Cases of interest in the box.
    pub of_interest: usize,
    /// Limits of every factor (the data's range where unrestricted).
    pub limits: Limits,
    /// Per factor, the quasi-p-values of its lower and upper restriction (`None` where that side
    /// is not restricted).
    pub quasi_p: Vec<[Option<f64>; 2]>,
}

impl BoxStep {
    /// Factors whose limits differ from the data's range, in factor order.
    pub fn restricted(&self, initial: &Limits) -> Vec<usize> {
        restricted(&self.limits, initial)
    }
}

/// A PRIM result: the data's range and the trajectory, starting with the box of all points.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    pub initial: Limits,
    pub steps: Vec<BoxStep>,
    /// Points and cases of interest in all the data.
    pub points: usize,
    pub total_of_interest: usize,
}

impl Trajectory {
    /// The step to report by default: of the boxes at least as dense as `threshold`, the one with
    /// the largest coverage (the first such on the trajectory); without any, the densest box.
    pub fn chosen(&self, threshold: f64) -> usize {
        let dense = (0..self.steps.len()).filter(|&i| self.steps[i].density >= threshold);
        let by_coverage = dense.max_by(|&a, &b| {
            self.steps[a]
                .coverage
                .total_cmp(&self.steps[b].coverage)
                .then(b.cmp(&a))
        });
        by_coverage.unwrap_or_else(|| {
            (0..self.steps.len())
                .max_by(|&a, &b| self.steps[a].density.total_cmp(&self.steps[b].density).then(b.cmp(&a)))
                .unwrap_or(0)
        })
    }
}

/// Why PRIM cannot run on the given data.
#[derive(Debug, Clone, PartialEq)]
pub enum PrimError {
    NoPoints,
    NoFactors,
    Ragged { factor: usize, len: usize, expected: usize },
    NotFinite { factor: usize, point: usize },
    Setting { name: &'static str, value: f64 },
}

impl fmt::Display for PrimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoPoints => write!(f, "no points to analyse"),
            Self::NoFactors => write!(f, "no factors to restrict"),
            Self::Ragged { factor, len, expected } => {
                write!(f, "factor {factor} has {len} values for {expected} points")
            }
            Self::NotFinite { factor, point } => write!(f, "factor {factor} is not a finite number at point {point}"),
            Self::Setting { name, value } => write!(f, "{name} = {value} is outside (0, 1)"),
        }
    }
}

impl std::error::Error for PrimError {}

/// Runs PRIM on `x` (one vector per factor, all of the same length) and the outcome `y`.
pub fn prim(x: &[Vec<f64>], y: &[bool], settings: &PrimSettings) -> Result<Trajectory, PrimError> {
    for (name, value) in [
        ("peel_alpha", settings.peel_alpha),
        ("paste_alpha", settings.paste_alpha),
        ("mass_min", settings.mass_min),
        ("threshold", settings.threshold),
    ] {
        let allowed = (value > 0.0 && value < 1.0) || (name == "threshold" && value == 1.0);
        if !allowed {
            return Err(PrimError::Setting { name, value });
        }
    }
    if x.is_empty() {
        return Err(PrimError::NoFactors);
    }
    if y.is_empty() {
        return Err(PrimError::NoPoints);
    }
    for (factor, column) in x.iter().enumerate() {
        if column.len() != y.len() {
            return Err(PrimError::Ragged {
                factor,
                len: column.len(),
                expected: y.len(),
            });
        }
        if let Some(point) = column.iter().position(|v| !v.is_finite()) {
            return Err(PrimError::NotFinite { factor, point });
        }
    }
    let initial: Limits = x
        .iter()
        .map(|c| {
            [
                c.iter().copied().fold(f64::INFINITY, f64::min),
                c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ]
        })
        .collect();
    let total_of_interest = y.iter().filter(|&&b| b).count();
    let search = Search {
        x,
        y,
        settings,
        initial: &initial,
        total_of_interest,
    };
    let all: Vec<usize> = (0..y.len()).collect();
    let mut steps = vec![search.step(initial.clone(), all.clone())];
    let mut inside = all;
    search.peel(&mut steps, &mut inside);
    search.paste(&mut steps, &mut inside);
    Ok(Trajectory {
        points: y.len(),
        total_of_interest,
        initial,
        steps,
    })
}

/// The data and settings of one search.
struct Search<'a> {
    x: &'a [Vec<f64>],
    y: &'a [bool],
    settings: &'a PrimSettings,
    initial: &'a Limits,
    /// Cases of interest among all points: the denominator of every coverage.
    total_of_interest: usize,
}

/// A candidate box: its limits and the points in it.
type Candidate = (Limits, Vec<usize>);

impl Search<'_> {
    fn n(&self) -> f64 {
        self.y.len() as f64
    }

    /// The trajectory entry of the box `limits` holding `inside`.
    fn step(&self, limits: Limits, inside: Vec<usize>) -> BoxStep {
        let k = count(self.y, &inside);
        let quasi_p = self.quasi_p(&limits, inside.len(), k);
        BoxStep {
            coverage: k as f64 / self.total_of_interest as f64,
            density: k as f64 / inside.len() as f64,
            mass: inside.len() as f64 / self.n(),
            cases: inside.len(),
            of_interest: k,
            limits,
            quasi_p,
        }
    }

    /// Peels while a peel raises the density and keeps at least `mass_min` of the points.
    fn peel(&self, steps: &mut Vec<BoxStep>, inside: &mut Vec<usize>) {
        loop {
            let limits = &steps[steps.len() - 1].limits;
            let mut candidates: Vec<Candidate> = Vec::new();
            for (j, column) in self.x.iter().enumerate() {
                let values: Vec<f64> = inside.iter().map(|&i| column[i]).collect();
                for upper in [true, false] {
                    let (side, cut) = if upper {
                        (1, quantile(&values, 1.0 - self.settings.peel_alpha))
                    } else {
                        (0, quantile(&values, self.settings.peel_alpha))
                    };
                    let kept = inside
                        .iter()
                        .copied()
                        .filter(|&i| if upper { column[i] <= cut } else { column[i] >= cut })
                        .collect();
                    let mut box_limits = limits.clone();
                    box_limits[j][side] = cut;
                    candidates.push((box_limits, kept));
                }
            }
            let Some((objective, (box_limits, kept))) = self.best(inside, candidates) else {
                return;
            };
            let mass_new = kept.len() as f64 / self.n();
            let mass_old = inside.len() as f64 / self.n();
            if !(mass_new >= self.settings.mass_min && mass_new < mass_old && objective > 0.0) {
                return;
            }
            *inside = kept.clone();
            steps.push(self.step(box_limits, kept));
        }
    }

    /// Pastes while a paste raises the density and the mass.
    fn paste(&self, steps: &mut Vec<BoxStep>, inside: &mut Vec<usize>) {
        loop {
            let limits = steps[steps.len() - 1].limits.clone();
            let restricted_now = restricted(&limits, self.initial);
            let mut candidates: Vec<Candidate> = Vec::new();
            for &u in &restricted_now {
                for side in [0, 1] {
                    // The slab just outside this side, within the box's other limits.
                    let mut slab = limits.clone();
                    slab[u] = if side == 0 {
                        [self.initial[u][0], limits[u][0]]
                    } else {
                        [limits[u][1], self.initial[u][1]]
                    };
                    let values: Vec<f64> = (0..self.y.len())
                        .filter(|&i| self.in_box(i, &slab, &restricted_now))
                        .map(|i| self.x[u][i])
                        .collect();
                    let value = match (values.is_empty(), side) {
                        (true, 0) => self.initial[u][0],
                        (true, _) => self.initial[u][1],
                        (false, 0) => quantile(&values, 1.0 - self.settings.paste_alpha),
                        (false, _) => quantile(&values, self.settings.paste_alpha),
                    };
                    let mut box_limits = limits.clone();
                    box_limits[u][side] = value;
                    let kept = (0..self.y.len())
                        .filter(|&i| self.in_box(i, &box_limits, &restricted_now))
                        .collect();
                    candidates.push((box_limits, kept));
                }
            }
            let Some((objective, (box_limits, kept))) = self.best(inside, candidates) else {
                return;
            };
            let mass_new = kept.len() as f64 / self.n();
            let mass_old = inside.len() as f64 / self.n();
            let gains = mean(self.y, &kept) > mean(self.y, inside);
            if !(mass_new >= self.settings.mass_min && mass_new > mass_old && objective > 0.0 && gains) {
                return;
            }
            *inside = kept.clone();
            steps.push(self.step(box_limits, kept));
        }
    }

    /// The candidate with the largest objective, then the most unrestricted factors, then the
    /// first (EMA sorts stably in descending order and takes the head).
    fn best(&self, inside: &[usize], candidates: Vec<Candidate>) -> Option<(f64, Candidate)> {
        let mut best: Option<(f64, usize, Candidate)> = None;
        for candidate in candidates {
            let objective = lenient(self.y, inside, &candidate.1);
            let free = self.x.len() - restricted(&candidate.0, self.initial).len();
            let better = match &best {
                None => true,
                Some((o, f, _)) => objective > *o || (objective == *o && free > *f),
            };
            if better {
                best = Some((objective, free, candidate));
            }
        }
        best.map(|(o, _, c)| (o, c))
    }

    /// Whether point `i` lies in `limits` on the factors `dims` (bounds included).
    fn in_box(&self, i: usize, limits: &Limits, dims: &[usize]) -> bool {
        dims.iter()
            .all(|&u| limits[u][0] <= self.x[u][i] && self.x[u][i] <= limits[u][1])
    }

    /// Quasi-p-values of every restriction of the box `limits` holding `t` points, `h` of interest.
    fn quasi_p(&self, limits: &Limits, t: usize, h: usize) -> Vec<[Option<f64>; 2]> {
        let dims = restricted(limits, self.initial);
        let mut values = vec![[None, None]; self.x.len()];
        for &u in &dims {
            for side in [0, 1] {
                if limits[u][side] == self.initial[u][side] {
                    continue;
                }
                let mut loosened = limits.clone();
                loosened[u][side] = self.initial[u][side];
                let points: Vec<usize> = (0..self.y.len())
                    .filter(|&i| self.in_box(i, &loosened, &dims))
                    .collect();
                let p = mean(self.y, &points);
                values[u][side] = Some(at_least(h, t, p));
            }
        }
        values
    }
}

/// Factors whose limits differ from `initial`.
fn restricted(limits: &Limits, initial: &Limits) -> Vec<usize> {
    (0..limits.len()).filter(|&j| limits[j] != initial[j]).collect()
}

/// Cases of interest among `points`.
fn count(y: &[bool], points: &[usize]) -> usize {
    points.iter().filter(|&&i| y[i]).count()
}

/// Share of cases of interest among `points` (0 for none).
fn mean(y: &[bool], points: &[usize]) -> f64 {
    if points.is_empty() {
        0.0
    } else {
        count(y, points) as f64 / points.len() as f64
    }
}

/// EMA's lenient objective: the change in density per point removed or added.
fn lenient(y: &[bool], old: &[usize], new: &[usize]) -> f64 {
    let (mean_old, mean_new) = (mean(y, old), mean(y, new));
    if mean_old == mean_new || old.len() == new.len() {
        return 0.0;
    }
    (mean_new - mean_old) / old.len().abs_diff(new.len()) as f64
}

/// EMA's `get_quantile` (after sdtoolkit): the midpoint between the order statistics around
/// position `(n - 1) q`, stepped outward past ties so the cut falls between distinct values
/// where it can.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    let mut data = values.to_vec();
    data.sort_by(f64::total_cmp);
    let position = (data.len() - 1) as f64 * q;
    let (mut lower, mut higher) = (position.floor() as usize, position.ceil() as usize);
    if q > 0.5 {
        while data[lower] == data[higher] && lower > 0 {
            lower -= 1;
        }
    } else {
        while data[lower] == data[higher] && higher < data.len() - 1 {
            higher += 1;
        }
    }
    (data[lower] + data[higher]) / 2.0
}

/// P(X ≥ h) for X ~ Binomial(t, p): scipy's `binomtest(h, t, p, alternative="greater")`.
fn at_least(h: usize, t: usize, p: f64) -> f64 {
    if h == 0 || p >= 1.0 {
        return 1.0;
    }
    if p <= 0.0 || h > t {
        return 0.0;
    }
    match Binomial::new(p, t as u64) {
        Ok(b) => b.sf(h as u64 - 1),
        Err(_) => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_steps_past_ties_outward() {
        let v = [1.0, 2.0, 2.0, 2.0, 3.0];
        // (n-1) q = 0.2: between 1 and 2.
        assert_eq!(quantile(&v, 0.05), 1.5);
        // (n-1) q = 3.8: between 2 and 3.
        assert_eq!(quantile(&v, 0.95), 2.5);
        // On a tie in the middle the lower quantile steps up, the upper one down.
        assert_eq!(quantile(&[2.0, 2.0, 2.0, 5.0], 0.34), 3.5);
        assert_eq!(quantile(&[1.0, 4.0, 4.0, 4.0], 0.66), 2.5);
    }

    #[test]
    fn binomial_tail_matches_its_sum() {
        let (t, p) = (40usize, 0.3f64);
        let choose = |n: usize, k: usize| (1..=k).fold(1.0, |a, i| a * (n + 1 - i) as f64 / i as f64);
        for h in [0usize, 1, 12, 20, 40] {
            let sum: f64 = (h..=t)
                .map(|k| choose(t, k) * p.powi(k as i32) * (1.0 - p).powi((t - k) as i32))
                .sum();
            assert!((at_least(h, t, p) - sum).abs() < 1e-12, "h = {h}");
        }
    }

    #[test]
    fn conditions_parse_and_hold() {
        let c: Condition = "advocacy>0.02".parse().unwrap();
        assert_eq!(
            (c.metric.as_str(), c.comparison, c.value),
            ("advocacy", Comparison::Above, 0.02)
        );
        assert!(c.holds(0.03) && !c.holds(0.02) && !c.holds(f64::NAN));
        let c: Condition = " long_run_baseline <= 1e-1 ".parse().unwrap();
        assert_eq!((c.comparison, c.value), (Comparison::AtMost, 0.1));
        assert!(c.holds(0.1));
        assert_eq!(c.to_string(), "long_run_baseline <= 0.1");
        for bad in ["advocacy", "> 0.1", "x > y", "x > inf", "x => 1"] {
            assert!(bad.parse::<Condition>().is_err(), "{bad}");
        }
    }

    #[test]
    fn finds_a_planted_box_and_rejects_bad_settings() {
        // A grid in [0, 1)^2 with interest exactly where x0 >= 0.7.
        let side = 40;
        let (mut x0, mut x1) = (Vec::new(), Vec::new());
        for i in 0..side {
            for j in 0..side {
                x0.push(i as f64 / side as f64);
                x1.push(j as f64 / side as f64);
            }
        }
        let y: Vec<bool> = x0.iter().map(|&v| v >= 0.7).collect();
        let t = prim(&[x0, x1], &y, &PrimSettings::default()).unwrap();
        let chosen = &t.steps[t.chosen(0.95)];
        assert_eq!(chosen.restricted(&t.initial), vec![0]);
        assert!(chosen.density >= 0.99 && chosen.coverage >= 0.99, "{chosen:?}");
        assert!((chosen.limits[0][0] - 0.7).abs() < 0.02);
        assert_eq!(chosen.quasi_p[1], [None, None]);
        assert!(chosen.quasi_p[0][0].unwrap() < 1e-10);
        let bad = PrimSettings {
            peel_alpha: 0.0,
            ..PrimSettings::default()
        };
        assert!(matches!(
            prim(&[vec![1.0]], &[true], &bad),
            Err(PrimError::Setting { name: "peel_alpha", .. })
        ));
        assert_eq!(
            prim(&[vec![1.0, f64::NAN]], &[true, false], &PrimSettings::default()),
            Err(PrimError::NotFinite { factor: 0, point: 1 })
        );
    }
}
