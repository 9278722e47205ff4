//! Levers: the interventions of the model, each added to a base scenario at a standard size, so
//! that their paired effects on the long-run baseline can be ranked.

use crate::compare::CONFIDENCE;
use crate::run::metric_names;
use crate::statistics::{mean_interval, paired_difference, Interval};
use esplab_model::{Intervention, InterventionKind, Parameters};

/// Effects on the baseline smaller than this (half a percentage point of security) are called
/// negligible even when the interval excludes zero.
pub const NEGLIGIBLE_EFFECT: f64 = 0.005;

/// The plain-words verdict on an effect on the baseline.
pub fn verdict(effect: &Interval) -> &'static str {
    if effect.contains_zero() {
        "indistinguishable from zero"
    } else if effect.estimate.abs() < NEGLIGIBLE_EFFECT {
        "negligible (below 0.005)"
    } else if effect.estimate > 0.0 {
        "raises it"
    } else {
        "lowers it"
    }
}

/// The paired effects of one lever (95% intervals).
#[derive(Debug, Clone, PartialEq)]
pub struct LeverEffect {
    /// Index of the lever in [`standard_levers`].
    pub lever: usize,
    /// On the long-run baseline.
    pub effect: Interval,
    /// The part of `effect` from vendors' security at the base arm's market shares:
    /// `sum_j w_j(base) (s_j(lever) − s_j(base))`, over long-run means.
    pub vendors: Interval,
    /// The part of `effect` from shifted market shares: `sum_j (w_j(lever) − w_j(base)) s_j(lever)`.
    /// With `vendors` it makes up the effect, up to the floor and to covariation within the
    /// last year.
    pub shares: Interval,
    pub adoption: Interval,
    pub loss: Interval,
}

/// The parts of one pair's effect from each offering's long-run (share of adopters, security)
/// in the base run and the lever's run: (vendors' security at the base's shares, shifted
/// shares at the lever's security).
pub fn effect_parts(base: &[(f64, f64)], lever: &[(f64, f64)]) -> (f64, f64) {
    base.iter()
        .zip(lever)
        .fold((0.0, 0.0), |(v, m), (&(wb, sb), &(wl, sl))| {
            (v + wb * (sl - sb), m + (wl - wb) * sl)
        })
}

/// The per-run parts of a lever's effect ([`effect_parts`]), from the offering values that
/// follow the [`metric_names`] metrics in each run.
fn decompose(base: &[f64], lever: &[f64]) -> (f64, f64) {
    let first = metric_names().len();
    let pairs = |values: &[f64]| -> Vec<(f64, f64)> {
        values
            .get(first..)
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|c| (c[0], c[1]))
            .collect()
    };
    effect_parts(&pairs(base), &pairs(lever))
}

/// Ranks the levers by their paired effect on the long-run baseline (largest first, ties in
/// lever order). `arms[0]` holds the base's run metrics, `arms[l + 1]` those of lever `l`, each
/// a list of runs of [`metric_names`] values on the same seeds.
pub fn rank(arms: &[Vec<Vec<f64>>]) -> Vec<LeverEffect> {
    let names = metric_names();
    let column = |metric: &str| names.iter().position(|n| *n == metric).expect("known metric");
    let values = |arm: usize, m: usize| arms[arm].iter().map(|r| r[m]).collect::<Vec<f64>>();
    let paired = |metric: &str, l: usize| {
        paired_difference(&values(0, column(metric)), &values(l + 1, column(metric)), CONFIDENCE)
    };
    let parts = |l: usize| -> (Interval, Interval) {
        let (vendors, shares): (Vec<f64>, Vec<f64>) = arms[0]
            .iter()
            .zip(&arms[l + 1])
            .map(|(base, lever)| decompose(base, lever))
            .unzip();
        (mean_interval(&vendors, CONFIDENCE), mean_interval(&shares, CONFIDENCE))
    };
    let mut rows: Vec<LeverEffect> = (0..arms.len().saturating_sub(1))
        .map(|l| {
            let (vendors, shares) = parts(l);
            LeverEffect {
                lever: l,
                effect: paired("long_run_baseline", l),
                vendors,
                shares,
                adoption: paired("final_adoption", l),
                loss: paired("total_loss", l),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.effect
            .estimate
            .total_cmp(&a.effect.estimate)
            .then(a.lever.cmp(&b.lever))
    });
    rows
}

/// The base arm's long-run baseline: its mean over runs with a 95% interval. `arms[0]` holds
/// the base's run metrics, as in [`rank`].
pub fn base_long_run(arms: &[Vec<Vec<f64>>]) -> Interval {
    let names = metric_names();
    let column = names
        .iter()
        .position(|n| *n == "long_run_baseline")
        .expect("a run metric");
    let values: Vec<f64> = arms
        .first()
        .map(|runs| runs.iter().map(|r| r[column]).collect())
        .unwrap_or_default();
    mean_interval(&values, CONFIDENCE)
}

/// The security the procurement lever's buyers require: the regulation lever's floor, so the
/// two differ only in whom they bind.
pub const PROCUREMENT_MINIMUM: f64 = 0.5;

/// A lever and the size it is pulled with.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    /// The intervention it adds.
    pub kind: InterventionKind,
    /// What one unit of effort is, for effect per unit.
    pub unit: &'static str,
    /// Size in `unit`.
    pub size: f64,
    /// What pulling it means, in words.
    pub meaning: String,
}

/// The standard levers, pulled from `start` on; `heroic` names the heroic vendor's offering.
pub fn standard_levers(start: u32, heroic: &str) -> Vec<Lever> {
    vec![
        Lever {
            kind: InterventionKind::Advocacy,
            unit: "x perceived risk",
            size: 0.5,
            meaning: format!("rooftop advocacy from day {start}: everyone's perceived risk +50%"),
        },
        Lever {
            kind: InterventionKind::HeroicVendor,
            unit: "security held",
            size: 0.6,
            meaning: format!("{heroic} holds security at 0.6 or above from day {start}"),
        },
        Lever {
            kind: InterventionKind::CheaperSecurity,
            unit: "share of tax removed",
            size: 0.5,
            meaning: format!(
                "open tooling and standards halve the security tax and vendors' cost of security from day {start}"
            ),
        },
        Lever {
            kind: InterventionKind::Liability,
            unit: "share of losses borne",
            size: 0.5,
            meaning: format!("liability: vendors bear half of incident losses from day {start}"),
        },
        Lever {
            kind: InterventionKind::Procurement,
            unit: "share of users bound",
            size: 0.3,
            meaning: format!(
                "procurement: from day {start} 30% of users (enterprise buyers) use only offerings of security {PROCUREMENT_MINIMUM} or more"
            ),
        },
        Lever {
            kind: InterventionKind::Disclosure,
            unit: "log10 records",
            size: 1.0,
            meaning: format!("disclosure rules: incidents 10x smaller make the news from day {start}"),
        },
        Lever {
            kind: InterventionKind::Shock,
            unit: "1e8 records",
            size: 1.0,
            meaning: format!("one incident of 1e8 records on day {start}"),
        },
        Lever {
            kind: InterventionKind::Regulation,
            unit: "required share",
            size: 0.5,
            meaning: format!(
                "exogenous regulation: half the deployments required to meet the control from day {start}, complied with over regulator.compliance_days"
            ),
        },
    ]
}

impl Lever {
    /// The lever's name: its intervention kind as spelled in scenario files.
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// The base parameters with this lever pulled from `start`; `heroic` is the offering index.
    pub fn apply(&self, base: &Parameters, start: u32, heroic: usize) -> Parameters {
        let mut p = base.clone();
        let end = p.run.days().max(start + 1);
        let intervention = match self.kind {
            InterventionKind::Advocacy => Intervention::Advocacy {
                start,
                end,
                strength: self.size,
            },
            InterventionKind::HeroicVendor => Intervention::HeroicVendor {
                start,
                offering: heroic,
                security: self.size,
            },
            InterventionKind::CheaperSecurity => Intervention::CheaperSecurity {
                day: start,
                tax_factor: 1.0 - self.size,
            },
            InterventionKind::Disclosure => Intervention::Disclosure {
                day: start,
                threshold_drop: self.size,
            },
            InterventionKind::Shock => Intervention::Shock {
                day: start,
                size: self.size * 1e8,
                offering: None,
                harmed: None,
            },
            InterventionKind::Regulation => Intervention::Regulation {
                day: start,
                floor: self.size,
            },
            InterventionKind::Liability => Intervention::Liability {
                day: start,
                share: self.size,
            },
            InterventionKind::Procurement => Intervention::Procurement {
                day: start,
                share: self.size,
                minimum: PROCUREMENT_MINIMUM,
            },
        };
        p.interventions.push(intervention);
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(estimate: f64, low: f64, high: f64) -> Interval {
        Interval {
            estimate,
            standard_error: 0.0,
            low,
            high,
            df: 10.0,
        }
    }

    #[test]
    fn verdicts_are_plain() {
        assert_eq!(verdict(&interval(0.1, -0.01, 0.2)), "indistinguishable from zero");
        assert_eq!(verdict(&interval(0.001, 0.0005, 0.0015)), "negligible (below 0.005)");
        assert_eq!(verdict(&interval(0.1, 0.05, 0.15)), "raises it");
        assert_eq!(verdict(&interval(-0.1, -0.15, -0.05)), "lowers it");
    }

    #[test]
    fn every_intervention_kind_is_a_lever() {
        let levers = standard_levers(365, "a");
        let mut kinds: Vec<&str> = levers.iter().map(|l| l.name()).collect();
        kinds.sort();
        let mut all = InterventionKind::NAMES.to_vec();
        all.sort();
        assert_eq!(kinds, all);
        let base = Parameters::default();
        for lever in &levers {
            let p = lever.apply(&base, 365, 0);
            assert_eq!(p.interventions.len(), 1);
            assert_eq!(p.interventions[0].kind(), lever.kind);
            assert_eq!(p.interventions[0].start(), 365);
        }
    }
}
