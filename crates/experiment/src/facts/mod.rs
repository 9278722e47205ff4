//! The stylized facts of the Efficient Security Principle as checks over ensembles of runs: each
//! gives its statistic, threshold and its source, the measured value with a 95% interval, pass or
//! fail, and its [`Kind`]: *emergent* (an outcome of how agents respond, which no rule of the
//! code writes down), *partly emergent* (a written rule or a wired trigger decides the sign, only
//! the size emerges) or *by construction* (a rule of the code, or a parameter set from the same
//! data, recomputed: a regression test, not evidence), with a one-line reason naming the rule or
//! parameter that decides it. Used by `esplab validate` and by the test suite.
//!
//! The checks here are those of the reactive rule (version 1); [`economic`] holds those of the
//! economic vendors, the presets' strategy.

pub mod economic;
pub mod null;

use crate::analysis::{changes, kurtosis, top_share};
use crate::statistics::{mean_interval, paired_difference};
use esplab_model::{EventKind, Recorder};
use statrs::distribution::{Binomial, DiscreteCDF};

/// One checked fact.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Short name of the fact.
    pub fact: String,
    /// What is measured.
    pub statistic: String,
    /// The pass condition.
    pub threshold: String,
    /// Where the threshold comes from.
    pub source: String,
    pub value: f64,
    /// 95% interval of the value (equal to the value when it is exact).
    pub low: f64,
    pub high: f64,
    pub pass: bool,
    /// How much of the outcome the model's own rules decide.
    pub kind: Kind,
    /// The rule or parameter that decides it (or, for an emergent check, why none does).
    pub reason: String,
}

/// How much of a check's outcome the model's own rules decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An outcome of how agents respond that no rule of the code writes down: evidence.
    Emergent,
    /// A written rule or a wired trigger decides the sign; only the size emerges.
    Partly,
    /// A rule of the code, or a parameter set from the same data, recomputed: a regression test.
    Construction,
}

impl Kind {
    /// Its label in tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::Emergent => "emergent",
            Self::Partly => "partly emergent",
            Self::Construction => "by construction",
        }
    }
}

impl Check {
    /// The check, labelled emergent, with why no rule decides it.
    pub fn emergent(self, reason: &str) -> Self {
        self.labelled(Kind::Emergent, reason)
    }

    /// The check, labelled partly emergent, with the rule or trigger that decides its sign.
    pub fn partly(self, reason: &str) -> Self {
        self.labelled(Kind::Partly, reason)
    }

    /// The check, labelled by construction, with the rule or parameter that decides it.
    pub fn by_construction(self, reason: &str) -> Self {
        self.labelled(Kind::Construction, reason)
    }

    fn labelled(self, kind: Kind, reason: &str) -> Self {
        Self {
            kind,
            reason: reason.into(),
            ..self
        }
    }

    /// "emergent", "partly emergent" or "by construction".
    pub fn label(&self) -> &'static str {
        self.kind.label()
    }
}

/// Overrides that turn a shipped preset back into the version-1 model: the reactive rule, no
/// re-choice, tastes, disclosures, loss agenda or standards body.
pub const REACTIVE: [&str; 6] = [
    "vendors.strategy=reactive",
    "users.rechoice=0",
    "users.taste_spread=0",
    "attack.disclosure_rate=0",
    "regulator.agenda_threshold=0",
    "standard.enabled=false",
];

/// Distribution-free 95% interval of the median from order statistics.
pub fn median_interval(values: &[f64]) -> (f64, f64, f64) {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    // Largest k with P(Bin(n, 1/2) <= k - 1) <= 0.025: [x_(k), x_(n+1-k)] covers the median.
    let binomial = Binomial::new(0.5, n as u64).expect("valid binomial");
    let k = (1..=n / 2)
        .take_while(|&k| binomial.cdf(k as u64 - 1) <= 0.025)
        .last()
        .unwrap_or(1);
    (median, v[k - 1], v[n - k])
}

/// Wilson 95% interval of a proportion.
pub fn wilson(successes: usize, n: usize) -> (f64, f64, f64) {
    let (s, n) = (successes as f64, n.max(1) as f64);
    let p = s / n;
    let z: f64 = 1.959_963_984_540_054;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (p, (centre - half).max(0.0), (centre + half).min(1.0))
}

pub(crate) fn check(
    fact: &str,
    statistic: &str,
    threshold: &str,
    source: &str,
    (value, low, high): (f64, f64, f64),
    pass: bool,
) -> Check {
    Check {
        fact: fact.into(),
        statistic: statistic.into(),
        threshold: threshold.into(),
        source: source.into(),
        value,
        low,
        high,
        pass,
        kind: Kind::Construction,
        reason: String::new(),
    }
}

/// `base` has a higher mean baseline than `variant` (paired runs): ESP (1) and (3).
pub fn lower_baseline(fact: &str, change: &str, base: &[Recorder], variant: &[Recorder], minimum: f64) -> Check {
    let b: Vec<f64> = base.iter().map(|r| r.summary.mean_baseline).collect();
    let v: Vec<f64> = variant.iter().map(|r| r.summary.mean_baseline).collect();
    let i = paired_difference(&v, &b, 0.95);
    check(
        fact,
        &format!("mean paired drop of the mean baseline when {change}"),
        &format!("lower 95% bound > 0 and estimate > {minimum}"),
        "ESP: excitement and value push the baseline down",
        (i.estimate, i.low, i.high),
        i.low > 0.0 && i.estimate > minimum,
    )
}

/// Security churn share of offering `j` over the window ending on `day`, restarting after
/// each raise, recomputed from the daily records.
fn window_churn(r: &Recorder, j: usize, day: usize, window: usize, last_raise: Option<usize>) -> f64 {
    let start = (day + 1)
        .saturating_sub(window)
        .max(last_raise.map(|d| d + 1).unwrap_or(0));
    let lost: f64 = (start..=day).map(|d| r.offerings[d][j].security_churn).sum();
    if lost <= 0.0 {
        0.0
    } else {
        lost / (r.offerings[day][j].users + lost)
    }
}

/// Vendors raise security exactly on the days their windowed security churn exceeds tolerance.
pub fn vendor_rule(groups: &[(f64, usize, &[Recorder])]) -> Check {
    let (mut agree, mut total, mut raises) = (0usize, 0usize, 0usize);
    for (tolerance, window, runs) in groups {
        for r in runs.iter() {
            for j in 0..r.offerings.first().map(Vec::len).unwrap_or(0) {
                let raise_days: Vec<usize> = r
                    .events
                    .iter()
                    .filter(|e| e.kind() == EventKind::VendorRaise && e.offering == Some(j))
                    .map(|e| e.day as usize)
                    .collect();
                let mut last = None;
                for day in 0..r.days.len() {
                    let churn = window_churn(r, j, day, *window, last);
                    let raised = raise_days.contains(&day);
                    if (churn - tolerance).abs() > 1e-9 {
                        total += 1;
                        agree += usize::from(raised == (churn > *tolerance));
                    }
                    if raised {
                        raises += 1;
                        last = Some(day);
                    }
                }
            }
        }
    }
    let share = agree as f64 / total.max(1) as f64;
    check(
        "ESP (2): security rises only after security churn crosses the tolerance",
        &format!("share of offering-days where (vendor raise) = (churn > tolerance), over {raises} raises"),
        "exactly 1 and at least 100 raises",
        "ESP (2): the baseline rises when enough users leave over security, and not before",
        (share, share, share),
        agree == total && raises >= 100,
    )
    .by_construction("the reactive rule raises security exactly when churn crosses vendors.tolerance")
}

/// Without incidents or hype, no vendor ever raises security and it only erodes.
pub fn no_churn_no_raise(runs: &[Recorder]) -> Check {
    let raises: u64 = runs.iter().map(|r| r.summary.vendor_raises).sum();
    let rises = runs
        .iter()
        .flat_map(|r| {
            r.offerings
                .windows(2)
                .flat_map(|w| w[0].iter().zip(&w[1]).map(|(a, b)| b.security > a.security + 1e-15))
        })
        .filter(|x| *x)
        .count();
    let eroded = runs.iter().all(|r| r.summary.final_baseline < r.days[0].baseline * 0.5);
    check(
        "ESP (2): without security churn, security only erodes",
        "vendor raises and day-to-day security rises with no attacks and no hype",
        "0 and 0, and the baseline halves",
        "ESP (1): constant downward pressure",
        ((raises as usize + rises) as f64, 0.0, 0.0),
        raises == 0 && rises == 0 && eroded,
    )
    .by_construction("the reactive rule erodes security by vendors.erosion every day without churn")
}

/// Baseline changes are leptokurtic and a few weeks carry most of the increase.
pub fn punctuated(runs: &[Recorder]) -> Vec<Check> {
    let baseline = |r: &Recorder| r.days.iter().map(|d| d.baseline).collect::<Vec<f64>>();
    let daily: Vec<f64> = runs.iter().map(|r| kurtosis(&changes(&baseline(r), 1))).collect();
    let weekly: Vec<f64> = runs.iter().map(|r| kurtosis(&changes(&baseline(r), 7))).collect();
    let top: Vec<f64> = runs
        .iter()
        .filter_map(|r| top_share(&changes(&baseline(r), 7), true))
        .collect();
    let source = "a Normal has kurtosis 3; policy changes are leptokurtic, far above 3 (Jones, Sulkin & Larsen 2003)";
    let d = median_interval(&daily);
    let w = median_interval(&weekly);
    let t = median_interval(&top);
    vec![
        check(
            "Punctuated equilibrium: daily changes are leptokurtic",
            "median kurtosis of daily baseline changes",
            "lower bound > 30 (10x Normal)",
            source,
            d,
            d.1 > 30.0,
        )
        .by_construction("the reactive rule's discrete raises (vendors.raise) on top of steady erosion make the tails"),
        check(
            "Punctuated equilibrium: weekly changes are leptokurtic",
            "median kurtosis of weekly baseline changes",
            "lower bound > 10",
            source,
            w,
            w.1 > 10.0,
        )
        .by_construction("the reactive rule's discrete raises (vendors.raise) on top of steady erosion make the tails"),
        check(
            "Punctuated equilibrium: a few jumps carry the increase",
            "median share of the total increase carried by the largest 5% of weekly changes",
            "lower bound > 0.6",
            "a few jumps carry most of the total increase (DESIGN)",
            t,
            t.1 > 0.6 && top.len() * 4 >= runs.len() * 3,
        )
        .by_construction("the reactive rule raises by vendors.raise at once and erodes slowly"),
    ]
}

/// Quiet and loud losses of the same expected size.
pub fn quiet_vs_loud(quiet: &[Recorder], loud: &[Recorder], shock_day: usize) -> Vec<Check> {
    let loss = |rs: &[Recorder]| rs.iter().map(|r| r.summary.total_loss).collect::<Vec<f64>>();
    let (q, l) = (mean_interval(&loss(quiet), 0.95), mean_interval(&loss(loud), 0.95));
    let ratio = q.estimate / l.estimate;
    let increase = |r: &Recorder| {
        let b: Vec<f64> = r.days.iter().map(|d| d.baseline).collect();
        // + 0.0 turns the -0.0 of an empty sum into 0.
        changes(&b, 7).iter().filter(|c| **c > 0.0).sum::<f64>() + 0.0
    };
    let quiet_increase = mean_interval(&quiet.iter().map(increase).collect::<Vec<f64>>(), 0.95);
    let window = |r: &Recorder| {
        r.days[(shock_day + 30).min(r.days.len() - 1)].baseline - r.days[shock_day.saturating_sub(5)].baseline
    };
    let jump = paired_difference(
        &quiet.iter().map(window).collect::<Vec<f64>>(),
        &loud.iter().map(window).collect::<Vec<f64>>(),
        0.95,
    );
    let source = "quiet chronic losses are yawned at; one salient mega-incident slaps people awake (essay)";
    vec![
        check(
            "Quiet vs loud: the same expected loss",
            "mean total loss, quiet / loud",
            "within [0.9, 1.1]",
            "the presets are built with equal expected loss",
            (ratio, (q.low / l.estimate).min(ratio), (q.high / l.estimate).max(ratio)),
            (0.9..1.1).contains(&ratio),
        )
        .by_construction("the quiet and loud presets are built with equal expected loss"),
        check(
            "Quiet vs loud: quiet losses bring no rise (the baseline only erodes)",
            "mean total weekly increase of the baseline, quiet",
            "upper bound < 0.01",
            source,
            (quiet_increase.estimate, quiet_increase.low, quiet_increase.high),
            quiet_increase.high < 0.01,
        )
        .by_construction("no quiet incident passes attention.threshold, so no news, no fear, no churn, and the reactive rule never raises: exactly 0"),
        check(
            "Quiet vs loud: one mega-incident makes the baseline jump",
            "mean paired baseline change around the shock day, loud minus quiet",
            "lower bound > 0.1",
            source,
            (jump.estimate, jump.low, jump.high),
            jump.low > 0.1,
        )
        .by_construction("the shock's news drives churn over vendors.tolerance and the reactive rule raises by vendors.raise: the jump's size is the rule's (its interval is near zero width)"),
    ]
}

/// Every regulation follows an outcry by the regulator's lag, and every outcry follows news.
pub fn regulation_follows_outcry(groups: &[(&str, u32, &[Recorder])]) -> Check {
    let (mut regulations, mut traced) = (0usize, 0usize);
    for (_, lag, runs) in groups {
        for r in runs.iter() {
            for e in r.events.iter().filter(|e| e.kind() == EventKind::Regulation) {
                regulations += 1;
                let outcry = r
                    .events
                    .iter()
                    .find(|o| o.kind() == EventKind::Outcry && o.day + lag == e.day);
                let news = outcry.is_some_and(|o| {
                    r.events
                        .iter()
                        .any(|n| n.kind() == EventKind::News && n.day <= o.day && n.day + 120 >= o.day)
                });
                traced += usize::from(news);
            }
        }
    }
    let share = traced as f64 / regulations.max(1) as f64;
    check(
        "Regulation follows outcry with a lag",
        &format!("share of {regulations} endogenous regulations preceded, by exactly the lag, by an outcry that followed news"),
        "exactly 1, with at least 20 regulations",
        "regulation is the exception, and it too follows public outcry (essay)",
        (share, share, share),
        traced == regulations && regulations >= 20,
    )
    .by_construction("the regulator enacts exactly regulator.lag_days after outcry holds for regulator.outcry_days")
}

/// Chronic quiet losses never bring regulation; a mega-incident usually does.
pub fn regulation_needs_salience(chronic: &[Recorder], loud: &[Recorder]) -> Vec<Check> {
    let none = chronic.iter().filter(|r| r.summary.regulations == 0).count();
    let some = loud.iter().filter(|r| r.summary.regulations > 0).count();
    let w = wilson(some, loud.len());
    vec![
        check(
            "No regulation without a salient incident",
            "share of chronic runs (quiet, online-banking) without any regulation",
            "exactly 1",
            "quiet losses never reach the news, so never the regulator",
            wilson(none, chronic.len()),
            none == chronic.len(),
        )
        .by_construction("with the loss agenda off, only news raises outcry, and quiet incidents never make news"),
        check(
            "A mega-incident brings regulation",
            "share of loud runs with a regulation",
            "lower bound > 0.5",
            "salient incidents drive outcry and regulation (cases.csv: C07, C10, C13)",
            w,
            w.1 > 0.5,
        )
        .partly("decided by regulator.outcry_threshold against the fear one mega-incident raises; whether outcry lasts regulator.outcry_days depends on adoption, which emerges"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_interval_uses_order_statistics() {
        let v: Vec<f64> = (1..=24).map(|i| i as f64).collect();
        let (m, lo, hi) = median_interval(&v);
        assert_eq!(m, 12.5);
        // n = 24: [x_(7), x_(18)] has coverage >= 95%.
        assert_eq!((lo, hi), (7.0, 18.0));
    }

    #[test]
    fn wilson_interval_matches_the_formula() {
        let (p, lo, hi) = wilson(20, 24);
        assert!((p - 0.8333).abs() < 1e-4);
        assert!((lo - 0.6415).abs() < 1e-3 && (hi - 0.9332).abs() < 1e-3, "{lo} {hi}");
        let (_, lo, hi) = wilson(0, 10);
        assert_eq!(lo, 0.0);
        assert!(hi > 0.25 && hi < 0.3);
    }
}
