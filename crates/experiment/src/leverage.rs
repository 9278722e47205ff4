//! Levers: the interventions of the model, each added to a base scenario at a standard size, so
//! that their paired effects on the long-run baseline can be ranked.

use crate::compare::CONFIDENCE;
use crate::mechanics;
use crate::run::{metric_names, simulate, simulate_days, RunOutcome};
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
    /// Index of the lever in its setup's list.
    pub lever: usize,
    /// On the long-run baseline.
    pub effect: Interval,
    /// The mechanical part: the lever's own writes applied to the base run's last year with no
    /// one responding ([`crate::mechanics`]); exactly zero for a lever that writes nothing.
    pub mechanical: Interval,
    /// The vendors' response: the effect less its mechanical part and the users' flows. It
    /// holds the vendors' security against the mechanical trajectory's, at its shares, and the
    /// covariation within the last year ([`Self::covariation`]).
    pub vendors: Interval,
    /// The users' flows: shifted market shares beyond the mechanical ones,
    /// `sum_j (w_j(lever) − w_j(mechanical)) s_j(lever)`, over long-run means.
    pub shares: Interval,
    /// The part of `vendors` that is not `sum_j w_j(mechanical) (s_j(lever) − s_j(mechanical))`:
    /// covariation of shares and security within the last year, and the floor.
    pub covariation: Interval,
    pub adoption: Interval,
    pub loss: Interval,
}

/// The parts of one pair's effect from each offering's long-run (share of adopters, security)
/// in the reference (the base run, or its mechanical trajectory) and the lever's run: (vendors'
/// security at the reference's shares, shifted shares at the lever's security).
pub fn effect_parts(reference: &[(f64, f64)], lever: &[(f64, f64)]) -> (f64, f64) {
    reference
        .iter()
        .zip(lever)
        .fold((0.0, 0.0), |(v, m), (&(wb, sb), &(wl, sl))| {
            (v + wb * (sl - sb), m + (wl - wb) * sl)
        })
}

/// Values per arm of a leverage run with `offerings` offerings: the [`metric_names`] metrics,
/// each offering's long-run (share of adopters, security), then the mechanical part of the
/// effect and each offering's mechanical long-run (share, security) ([`lever_metrics`]).
pub fn lever_width(offerings: usize) -> usize {
    metric_names().len() + 4 * offerings + 1
}

/// The values of every arm of `arms` at run `index` under master seed `master` ([`lever_width`]
/// each), the same seed for every arm. `arms[0]` is the base, whose days give each lever arm
/// its mechanical figures: the interventions the arm adds to the base, written onto them.
pub fn lever_metrics(arms: &[&Parameters], master: u64, index: u64) -> Vec<Vec<f64>> {
    let Some((base, levers)) = arms.split_first() else {
        return Vec::new();
    };
    let offerings = base.offerings.len();
    let (base_outcome, days) = simulate_days(base, master, index);
    let row = |outcome: RunOutcome, mechanical: (f64, Vec<(f64, f64)>)| {
        let mut values = outcome.metrics;
        values.extend(outcome.offerings.iter().flat_map(|&(w, s)| [w, s]));
        values.push(mechanical.0);
        values.extend(mechanical.1.iter().flat_map(|&(w, s)| [w, s]));
        values.resize(lever_width(offerings), 0.0);
        values
    };
    let base_row = row(base_outcome, mechanical_part(base, base, &days));
    std::iter::once(base_row)
        .chain(
            levers
                .iter()
                .map(|arm| row(simulate(arm, master, index, false), mechanical_part(base, arm, &days))),
        )
        .collect()
}

/// The mechanical part of the interventions `arm` adds to `base`, written on the base run's
/// `days`, and the mechanical trajectory's offerings' long-run (share of adopters, security):
/// the written long-run baseline less the untouched one, both recomputed from the same days, so
/// that a lever that writes nothing has a mechanical part of exactly zero.
pub fn mechanical_part(base: &Parameters, arm: &Parameters, days: &[mechanics::Day]) -> (f64, Vec<(f64, f64)>) {
    let untouched = mechanics::long_run(&[], base, days);
    let written = mechanics::long_run(&added(base, arm), arm, days);
    (written.0 - untouched.0, written.1)
}

/// The interventions `arm` adds to `base`.
pub fn added(base: &Parameters, arm: &Parameters) -> Vec<Intervention> {
    arm.interventions
        .iter()
        .filter(|i| !base.interventions.contains(i))
        .cloned()
        .collect()
}

/// One pair's effect in its parts. `mechanical + vendors + shares` is the effect.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Parts {
    pub mechanical: f64,
    pub vendors: f64,
    pub shares: f64,
    /// The part of `vendors` that is covariation within the last year and the floor.
    pub covariation: f64,
}

/// The parts of one pair's `effect` on the long-run baseline, from its mechanical part and the
/// mechanical trajectory's offerings ([`mechanical_part`]) and the lever run's offerings'
/// long-run (share of adopters, security).
pub fn three_parts(effect: f64, mechanical: &(f64, Vec<(f64, f64)>), lever_offerings: &[(f64, f64)]) -> Parts {
    let (direct, shares) = effect_parts(&mechanical.1, lever_offerings);
    let vendors = effect - mechanical.0 - shares;
    Parts {
        mechanical: mechanical.0,
        vendors,
        shares,
        covariation: vendors - direct,
    }
}

/// One pair's [`Parts`] from the values of the base and the lever arm ([`lever_width`] each).
fn decompose(base: &[f64], lever: &[f64]) -> Parts {
    let first = metric_names().len();
    let offerings = (lever.len().saturating_sub(first + 1)) / 4;
    let pairs = |values: &[f64]| -> Vec<(f64, f64)> { values.chunks_exact(2).map(|c| (c[0], c[1])).collect() };
    let mechanical_at = first + 2 * offerings;
    let mechanical = (
        lever[mechanical_at],
        pairs(&lever[mechanical_at + 1..mechanical_at + 1 + 2 * offerings]),
    );
    three_parts(
        lever[first - 1] - base[first - 1],
        &mechanical,
        &pairs(&lever[first..mechanical_at]),
    )
}

/// The paired effects of every lever, in lever order. `arms[0]` holds the base's values,
/// `arms[l + 1]` those of lever `l`, each a list of runs of [`lever_metrics`] values on the same
/// seeds.
pub fn effects(arms: &[Vec<Vec<f64>>]) -> Vec<LeverEffect> {
    let names = metric_names();
    let column = |metric: &str| names.iter().position(|n| *n == metric).expect("known metric");
    let values = |arm: usize, m: usize| arms[arm].iter().map(|r| r[m]).collect::<Vec<f64>>();
    let paired = |metric: &str, l: usize| {
        paired_difference(&values(0, column(metric)), &values(l + 1, column(metric)), CONFIDENCE)
    };
    (0..arms.len().saturating_sub(1))
        .map(|l| {
            let parts: Vec<Parts> = arms[0]
                .iter()
                .zip(&arms[l + 1])
                .map(|(base, lever)| decompose(base, lever))
                .collect();
            let part =
                |pick: fn(&Parts) -> f64| mean_interval(&parts.iter().map(pick).collect::<Vec<f64>>(), CONFIDENCE);
            LeverEffect {
                lever: l,
                effect: paired("long_run_baseline", l),
                mechanical: part(|p| p.mechanical),
                vendors: part(|p| p.vendors),
                shares: part(|p| p.shares),
                covariation: part(|p| p.covariation),
                adoption: paired("final_adoption", l),
                loss: paired("total_loss", l),
            }
        })
        .collect()
}

/// Ranks the levers by their paired effect on the long-run baseline (largest first, ties in
/// lever order); see [`effects`].
pub fn rank(arms: &[Vec<Vec<f64>>]) -> Vec<LeverEffect> {
    let mut rows = effects(arms);
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

/// The standard size of each lever, in [`InterventionKind::NAMES`]' order of [`standard_levers`].
pub const STANDARD_SIZES: [(InterventionKind, f64); 8] = [
    (InterventionKind::Advocacy, 0.5),
    (InterventionKind::HeroicVendor, 0.6),
    (InterventionKind::CheaperSecurity, 0.5),
    (InterventionKind::Liability, 0.5),
    (InterventionKind::Procurement, 0.3),
    (InterventionKind::Disclosure, 1.0),
    (InterventionKind::Shock, 1.0),
    (InterventionKind::Regulation, 0.5),
];

/// The standard levers, pulled from `start` on at their standard sizes; `heroic` names the
/// heroic vendor's offering.
pub fn standard_levers(start: u32, heroic: &str) -> Vec<Lever> {
    STANDARD_SIZES
        .iter()
        .map(|&(kind, size)| Lever::new(kind, size, start, heroic))
        .collect()
}

/// The unit of one unit of effort of a lever of `kind`.
pub fn unit(kind: InterventionKind) -> &'static str {
    match kind {
        InterventionKind::Advocacy => "x perceived risk",
        InterventionKind::HeroicVendor => "security held",
        InterventionKind::CheaperSecurity => "share of tax removed",
        InterventionKind::Liability => "share of losses borne",
        InterventionKind::Procurement => "share of users bound",
        InterventionKind::Disclosure => "log10 records",
        InterventionKind::Shock => "1e8 records",
        InterventionKind::Regulation => "required share",
    }
}

impl Lever {
    /// A lever of `kind` pulled from `start` at `size` (in [`unit()`]); `heroic` names the heroic
    /// vendor's offering.
    pub fn new(kind: InterventionKind, size: f64, start: u32, heroic: &str) -> Self {
        let percent = |x: f64| format!("{}%", round(100.0 * x));
        let meaning = match kind {
            InterventionKind::Advocacy => {
                format!("rooftop advocacy from day {start}: everyone's perceived risk +{}", percent(size))
            }
            InterventionKind::HeroicVendor => format!("{heroic} holds security at {size} or above from day {start}"),
            InterventionKind::CheaperSecurity => format!(
                "open tooling and standards cut the security tax and vendors' cost of security by {} from day {start}",
                percent(size)
            ),
            InterventionKind::Liability => {
                format!("liability: vendors bear {} of incident losses from day {start}", percent(size))
            }
            InterventionKind::Procurement => format!(
                "procurement: from day {start} {} of users (enterprise buyers) use only offerings of security {PROCUREMENT_MINIMUM} or more",
                percent(size)
            ),
            InterventionKind::Disclosure => format!(
                "disclosure rules: incidents {}x smaller make the news from day {start}",
                round(10f64.powf(size))
            ),
            InterventionKind::Shock => format!("one incident of {:e} records on day {start}", size * 1e8),
            InterventionKind::Regulation => format!(
                "exogenous regulation: {} of the deployments required to meet the control from day {start}, complied with over regulator.compliance_days",
                percent(size)
            ),
        };
        Self {
            kind,
            unit: unit(kind),
            size,
            meaning,
        }
    }

    /// The lever's name: its intervention kind as spelled in scenario files.
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// The base parameters with this lever pulled from `start`; `heroic` is the offering index.
    pub fn apply(&self, base: &Parameters, start: u32, heroic: usize) -> Parameters {
        let mut p = base.clone();
        p.interventions.push(self.intervention(base.run.days(), start, heroic));
        p
    }

    /// The intervention this lever adds to a run of `days` days, pulled from `start`; `heroic` is
    /// the offering index.
    pub fn intervention(&self, days: u32, start: u32, heroic: usize) -> Intervention {
        let end = days.max(start + 1);
        match self.kind {
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
        }
    }
}

/// `x` with at most three decimals, without trailing zeros, for meanings.
fn round(x: f64) -> String {
    let text = format!("{:.3}", x);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
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
