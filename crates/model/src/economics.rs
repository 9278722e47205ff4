//! The economic vendor: security as a costly stock, chosen by weighing what it earns and costs.
//!
//! At each review a vendor values candidate levels of security over its planning horizon `H`
//! (docs/model.md §7):
//!
//! ```text
//! V(s') = H [ N(s') P (price − security_cost K s'^2) − liability Loss(s') ]
//! ```
//!
//! with `P` real people per simulated user and `K` the cost index. `N(s')` is the mean number of
//! users it expects over the horizon: its users who tolerate `s'` today (from their ratios), less
//! those a rival would win when they reconsider, plus rivals' users it would win, plus its share
//! of new adopters, less the users it expects to lose to incidents. Losses to incidents are what
//! it remembers of its own security churn and losses, scaled to `s'` by the attack law
//! `(1 − s)^security_elasticity`. Excitement, capability and reliance enter only through users'
//! ratios and terms: the vendor has no term of its own for them. Users bound by procurement
//! rules count only for offerings the rules admit, so falling below the minimum loses them as
//! they reconsider, and meeting it wins them from rivals that do not.
//!
//! The choices are to let security depreciate, to maintain it, or to start a programme raising
//! it, which costs `programme_cost K` per real user served (those it has or expects, whichever
//! are more) at once: rises are lumps, falls are slow.

use crate::market::{best_offering_tasted, Procurement, Terms};
use crate::parameters::VendorParameters;
use crate::vendors::MAX_SECURITY;

/// Sizes of the raises a vendor considers.
pub const RAISES: [f64; 8] = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5];

/// What a vendor sees at a review.
#[derive(Debug, Clone)]
pub struct Outlook<'a> {
    /// The offering under review.
    pub offering: usize,
    /// Its security now.
    pub security: f64,
    /// Today's terms of every offering.
    pub terms: &'a [Terms],
    /// `c_j E` of the offering under review (its value term before the tax).
    pub value_scale: f64,
    /// The effective security tax.
    pub tax: f64,
    /// Awareness plus public fear, times advocacy (its risk term before `1 − s`).
    pub risk_scale: f64,
    /// Adopters per ratio bin, per offering.
    pub histograms: &'a [Vec<f64>],
    /// The ratio each bin stands for.
    pub ratios: &'a [f32],
    /// New adopters per year, market-wide (simulated users).
    pub adoptions_per_year: f64,
    /// Remembered security churn of the offering (simulated users per year).
    pub churn_per_year: f64,
    /// Remembered incident losses on the offering (currency units per year).
    pub loss_per_year: f64,
    /// Exponent of `1 − s` in the attack rate.
    pub security_elasticity: f64,
    /// Real people per simulated user.
    pub scale: f64,
    /// The cost index `K`.
    pub cost_index: f64,
    /// Liability share in force.
    pub liability: f64,
    /// Rate at which users reconsider their offering (per year).
    pub rechoice: f64,
    /// Gain, as a share of value, a user needs to switch.
    pub switching_cost: f64,
    /// Procurement rules in force.
    pub procurement: Procurement,
}

/// What a vendor decides at a review.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Stop maintaining: security depreciates until the next review.
    Depreciate,
    /// Keep security where it is.
    Maintain,
    /// Start a programme raising security to the level given.
    Raise(f64),
}

impl Outlook<'_> {
    /// The terms of the offering under review at security `s`.
    fn terms_at(&self, s: f64) -> Terms {
        Terms::new(s, self.value_scale, 1.0, self.tax, self.risk_scale, 1.0)
    }

    /// Mean users expected over the horizon at security `s` (simulated users).
    ///
    /// Users bound by procurement rules (a share of every bin, as who is bound does not depend
    /// on ratios) weigh only the offerings the rules admit, and those on an offering the rules do
    /// not admit move when they reconsider.
    pub fn users(&self, parameters: &VendorParameters, s: f64) -> f64 {
        let j = self.offering;
        let horizon = parameters.planning_years.max(1e-9);
        let own = self.terms_at(s);
        let tolerable = own.tolerable_ratio();
        let mut terms = self.terms.to_vec();
        terms[j] = own;
        // Average share of users who reconsider within the horizon.
        let rate = self.rechoice * horizon;
        let reconsidering = if rate > 1e-9 {
            1.0 - (1.0 - (-rate).exp()) / rate
        } else {
            0.0
        };
        let rules = self.procurement;
        let classes: &[(f64, bool)] = if rules.active() {
            &[(1.0 - rules.share, false), (rules.share, true)]
        } else {
            &[(1.0, false)]
        };
        // Bins that hold a user of any offering.
        let held: Vec<bool> = (0..self.ratios.len())
            .map(|bin| self.histograms.iter().any(|h| h.get(bin).is_some_and(|&c| c > 0.0)))
            .collect();
        let (mut staying, mut won, mut chosen, mut total) = (0.0, 0.0, 0.0, 0.0);
        for &(weight, bound) in classes {
            let admitted: Vec<bool> = terms.iter().map(|t| !bound || rules.admits(t.security)).collect();
            let taste = |k: usize| if admitted[k] { 1.0 } else { 0.0 };
            // Per bin, whether a user of its ratio would choose the offering under review, and
            // whether its own users there would be lured by the best rival: the same for every
            // offering's users in the bin, so found once.
            let per_bin: Vec<(bool, bool)> = self
                .ratios
                .iter()
                .zip(&held)
                .map(|(&x, &held)| {
                    if !held {
                        return (false, false);
                    }
                    let best = best_offering_tasted(&terms, x, None, taste) == Some(j);
                    let rival = best_offering_tasted(&terms, x, Some(j), taste).map_or(0.0, |r| terms[r].utility(x));
                    (best, rival - own.utility(x) > self.switching_cost * own.value)
                })
                .collect();
            for (k, histogram) in self.histograms.iter().enumerate() {
                for ((&count, &x), &(best, lured)) in histogram.iter().zip(self.ratios).zip(&per_bin) {
                    if count <= 0.0 {
                        continue;
                    }
                    let count = count * weight;
                    total += count;
                    if best {
                        chosen += count;
                    }
                    if k == j {
                        if x > tolerable {
                            continue;
                        }
                        if !admitted[j] {
                            staying += count * (1.0 - reconsidering);
                            continue;
                        }
                        staying += if lured { count * (1.0 - reconsidering) } else { count };
                    } else if best
                        && (!admitted[k]
                            || own.utility(x) - terms[k].utility(x).max(0.0) > self.switching_cost * terms[k].value)
                    {
                        won += count * reconsidering;
                    }
                }
            }
        }
        let newcomers = if total > 0.0 {
            self.adoptions_per_year * horizon / 2.0 * chosen / total
        } else {
            0.0
        };
        let lost = self.churn_per_year * self.exposure(s) * horizon / 2.0;
        (staying + won + newcomers - lost).max(0.0)
    }

    /// Attack exposure at `s` relative to now: `((1 − s) / (1 − s_now))^security_elasticity`.
    fn exposure(&self, s: f64) -> f64 {
        let now = (1.0 - self.security).max(1.0 - MAX_SECURITY);
        ((1.0 - s).max(0.0) / now).powf(self.security_elasticity)
    }

    /// Expected profit over the horizon at security `s`, before one-off costs (currency units).
    pub fn value(&self, parameters: &VendorParameters, s: f64) -> f64 {
        self.value_with_users(parameters, s, self.users(parameters, s))
    }

    /// [`Outlook::value`] given the users expected at `s` (from [`Outlook::users`]).
    fn value_with_users(&self, parameters: &VendorParameters, s: f64, users: f64) -> f64 {
        let margin = parameters.price - parameters.security_cost * self.cost_index * s * s;
        let liability = self.liability * self.loss_per_year * self.exposure(s);
        parameters.planning_years * (users * self.scale * margin - liability)
    }

    /// Expected cost to the vendor of an exploit of a disclosed vulnerability: its share
    /// (liability) of the exploit's `loss`, and the margin over the horizon of the users the
    /// exploit would drive out. Those are its `victims` (simulated users) whose fear would jump
    /// by `harm_fear`, and, when the exploit would make the news, every user whose perceived
    /// risk would rise by `news_fear` over today's awareness.
    pub fn exploit_cost(
        &self,
        parameters: &VendorParameters,
        loss: f64,
        victims: f64,
        harm_fear: f64,
        news_fear: f64,
    ) -> f64 {
        let s = self.security;
        let tolerable = self.terms_at(s).tolerable_ratio();
        let awareness = self.risk_scale.max(1e-12);
        let histogram = &self.histograms[self.offering];
        let (mut users, mut harmed_leave, mut frightened_leave) = (0.0, 0.0, 0.0);
        for (&count, &x) in histogram.iter().zip(self.ratios) {
            if count <= 0.0 || x > tolerable {
                continue;
            }
            users += count;
            if x * (1.0 + harm_fear as f32) > tolerable {
                harmed_leave += count;
            }
            if (x as f64) * (1.0 + news_fear / awareness) > tolerable as f64 {
                frightened_leave += count;
            }
        }
        if users <= 0.0 {
            return self.liability * loss;
        }
        let lost = victims.min(users) * harmed_leave / users + frightened_leave;
        let margin = parameters.price - parameters.security_cost * self.cost_index * s * s;
        self.liability * loss + lost * self.scale * margin.max(0.0) * parameters.planning_years
    }

    /// The best of depreciating, maintaining, the raises of [`RAISES`] and a raise to the
    /// procurement minimum; ties go to the cheaper choice.
    pub fn decide(&self, parameters: &VendorParameters) -> Decision {
        let s = self.security;
        let depreciated = s * (-parameters.depreciation * parameters.review_days as f64 / 365.0).exp();
        let mut best = (Decision::Depreciate, self.value(parameters, depreciated));
        let maintained = self.value(parameters, s);
        if maintained > best.1 {
            best = (Decision::Maintain, maintained);
        }
        let users = self
            .histograms
            .get(self.offering)
            .map_or(0.0, |h| h.iter().sum::<f64>());
        // The raises of the grid, and a raise to exactly the procurement minimum.
        let minimum = (self.procurement.active() && self.procurement.minimum > s).then_some(self.procurement.minimum);
        let targets = RAISES.iter().map(|raise| s + raise).chain(minimum);
        for to in targets {
            let to = to.min(MAX_SECURITY);
            if to <= s {
                continue;
            }
            // A programme serves the users the vendor has or expects, whichever are more.
            let expected = self.users(parameters, to);
            let served = users.max(expected);
            let programme = parameters.programme_cost * self.cost_index * served * self.scale;
            let value = self.value_with_users(parameters, to, expected) - programme;
            if value > best.1 {
                best = (Decision::Raise(to), value);
            }
        }
        best.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parameters::Parameters;
    use crate::risk_index::{bin_ratio, BINS};

    /// A market of one offering whose users' ratios spread log-uniformly over [0.05, 5].
    fn histogram(users: f64) -> (Vec<f64>, Vec<f32>) {
        let ratios: Vec<f32> = (0..BINS).map(bin_ratio).collect();
        let inside: Vec<bool> = ratios.iter().map(|&x| (0.05..5.0).contains(&x)).collect();
        let bins = inside.iter().filter(|&&i| i).count() as f64;
        let counts = inside.iter().map(|&i| if i { users / bins } else { 0.0 }).collect();
        (counts, ratios)
    }

    fn outlook<'a>(terms: &'a [Terms], histograms: &'a [Vec<f64>], ratios: &'a [f32]) -> Outlook<'a> {
        Outlook {
            offering: 0,
            security: 0.3,
            terms,
            value_scale: 1.0,
            tax: 0.5,
            risk_scale: 1.0,
            histograms,
            ratios,
            adoptions_per_year: 0.0,
            churn_per_year: 0.0,
            loss_per_year: 0.0,
            security_elasticity: 2.0,
            scale: 100.0,
            cost_index: 1.0,
            liability: 0.0,
            rechoice: 0.0,
            switching_cost: 0.1,
            procurement: Procurement::default(),
        }
    }

    fn parameters() -> VendorParameters {
        Parameters::default().vendors
    }

    #[test]
    fn users_tolerate_more_security_and_value_scales_tolerance() {
        let p = parameters();
        let (counts, ratios) = histogram(10_000.0);
        let histograms = vec![counts];
        let terms = [Terms::new(0.3, 1.0, 1.0, 0.5, 1.0, 1.0)];
        let o = outlook(&terms, &histograms, &ratios);
        assert!(o.users(&p, 0.6) > o.users(&p, 0.3), "T_j rises with security");
        let mut excited = o.clone();
        excited.value_scale = 3.0;
        assert!(excited.users(&p, 0.3) > o.users(&p, 0.3), "more value, more tolerance");
    }

    #[test]
    fn without_churn_or_liability_security_is_only_a_cost_and_depreciates() {
        let p = parameters();
        let (counts, ratios) = histogram(10_000.0);
        let histograms = vec![counts];
        let terms = [Terms::new(0.3, 1.0, 1.0, 0.5, 1.0, 1.0)];
        let mut o = outlook(&terms, &histograms, &ratios);
        // Everyone tolerates everything: no user is won or lost by security.
        o.risk_scale = 1e-9;
        assert_eq!(o.decide(&p), Decision::Depreciate);
    }

    #[test]
    fn remembered_churn_and_liability_each_make_a_programme_worth_it() {
        let p = parameters();
        let (counts, ratios) = histogram(10_000.0);
        let histograms = vec![counts];
        let terms = [Terms::new(0.3, 1.0, 1.0, 0.5, 1e-9, 1.0)];
        let mut o = outlook(&terms, &histograms, &ratios);
        o.risk_scale = 1e-9;
        let mut churned = o.clone();
        churned.churn_per_year = 5_000.0;
        assert!(matches!(churned.decide(&p), Decision::Raise(to) if to > 0.3));
        let mut liable = o.clone();
        liable.liability = 1.0;
        liable.loss_per_year = 1e9;
        assert!(matches!(liable.decide(&p), Decision::Raise(to) if to > 0.3));
        // Cheaper security makes a smaller threat worth a programme.
        let least_churn_raising = |cost_index: f64| {
            (0..200)
                .map(|k| 50.0 * k as f64)
                .find(|&churn| {
                    let mut v = o.clone();
                    v.churn_per_year = churn;
                    v.cost_index = cost_index;
                    matches!(v.decide(&p), Decision::Raise(_))
                })
                .expect("some churn is worth a programme")
        };
        assert!(least_churn_raising(0.2) < least_churn_raising(1.0));
    }

    #[test]
    fn an_exploit_costs_more_when_it_would_make_the_news_or_the_vendor_is_liable() {
        let p = parameters();
        let (counts, ratios) = histogram(10_000.0);
        let histograms = vec![counts];
        let terms = [Terms::new(0.3, 1.0, 1.0, 0.5, 1.0, 1.0)];
        let o = outlook(&terms, &histograms, &ratios);
        let quiet = o.exploit_cost(&p, 1e5, 10.0, 4.0, 0.0);
        assert!(quiet > 0.0, "some victims leave");
        assert!(o.exploit_cost(&p, 1e5, 10.0, 4.0, 1.0) > quiet, "news drives more out");
        let mut liable = o.clone();
        liable.liability = 1.0;
        assert!((liable.exploit_cost(&p, 1e5, 10.0, 4.0, 0.0) - quiet - 1e5).abs() < 1e-6);
        assert_eq!(
            o.exploit_cost(&p, 1e5, 0.0, 4.0, 0.0),
            0.0,
            "no victims, no news: no cost"
        );
    }

    #[test]
    fn a_secure_offering_loses_low_ratio_users_to_a_lax_rival_when_they_reconsider() {
        let p = parameters();
        let (counts, ratios) = histogram(10_000.0);
        let histograms = vec![counts, vec![0.0; BINS]];
        let terms = [
            Terms::new(0.6, 1.0, 1.0, 0.5, 1.0, 1.0),
            Terms::new(0.0, 1.0, 1.0, 0.5, 1.0, 1.0),
        ];
        let mut o = outlook(&terms, &histograms, &ratios);
        o.security = 0.6;
        let loyal = o.users(&p, 0.6);
        o.rechoice = 1.0;
        let fickle = o.users(&p, 0.6);
        assert!(fickle < loyal, "{fickle} < {loyal}");
    }

    #[test]
    fn procurement_rules_make_meeting_the_minimum_worth_a_programme() {
        let p = parameters();
        let (counts, ratios) = histogram(10_000.0);
        let histograms = vec![counts, vec![0.0; BINS]];
        let terms = [
            Terms::new(0.3, 1.0, 1.0, 0.5, 1e-9, 1.0),
            Terms::new(0.6, 1.0, 1.0, 0.5, 1e-9, 1.0),
        ];
        let mut o = outlook(&terms, &histograms, &ratios);
        // Nobody fears anything: without rules security is only a cost.
        o.risk_scale = 1e-9;
        o.rechoice = 1.0;
        assert_eq!(o.decide(&p), Decision::Depreciate);
        let mut ruled = o.clone();
        ruled.procurement = Procurement {
            share: 0.6,
            minimum: 0.45,
        };
        // Below the minimum, bound users leave as they reconsider; at it, they stay.
        let below = ruled.users(&p, 0.3);
        let at = ruled.users(&p, 0.45);
        assert!(below < 0.9 * at, "{below} < 0.9 x {at}");
        assert!(
            (at - o.users(&p, 0.45)).abs() < 1e-6 * at,
            "at the minimum nothing changes"
        );
        assert_eq!(ruled.decide(&p), Decision::Raise(0.45));
        // Too few bound users to pay for so much security: the vendor lets them go.
        ruled.procurement.share = 0.2;
        assert_eq!(ruled.decide(&p), Decision::Depreciate);
    }
}
