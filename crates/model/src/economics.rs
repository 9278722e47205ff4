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
use crate::vendors::{exposure, MAX_SECURITY};

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
    /// New adopters per year, market-wide, lately (simulated users).
    pub adoptions_per_year: f64,
    /// Users who do not use the technology (simulated users): what newcomers come from.
    pub non_adopters: f64,
    /// The vendor's sample of users' tastes, one row of a factor per offering for each sampled
    /// user (a single row of ones without tastes).
    pub tastes: &'a [f64],
    /// Remembered security churn of the offering per unit of attack exposure (simulated users
    /// per year).
    pub churn_per_year: f64,
    /// Remembered incident losses on the offering per unit of attack exposure (currency units
    /// per year).
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

/// The users a vendor expects over its horizon at a level of security, in parts (simulated
/// users; [`Outlook::user_parts`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UserParts {
    /// Its own users who tolerate the level and do not leave for a rival.
    pub kept: f64,
    /// Rivals' users it wins when they reconsider.
    pub won: f64,
    /// Its share of new adopters.
    pub newcomers: f64,
    /// The share of all of them that its incidents leave.
    pub surviving: f64,
}

impl UserParts {
    /// The users expected.
    pub fn total(&self) -> f64 {
        (self.kept + self.won + self.newcomers) * self.surviving
    }
}

/// Why an economic vendor raised security: the terms of its valuation of the raise against the
/// best choice without one (maintaining or letting security depreciate), in currency units over
/// its planning horizon. They add up to what the raise was worth; the user terms are valued at
/// the margin without the raise, the cost of security at the raise's users.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Valuation {
    /// Margin of the new adopters the raise wins.
    pub newcomers: f64,
    /// Margin of its own users the raise keeps (who would leave, or not tolerate, without it).
    pub kept: f64,
    /// Margin of rivals' users the raise wins.
    pub won: f64,
    /// Margin of the users it would otherwise lose to incidents.
    pub incidents: f64,
    /// Its share of incident losses the raise avoids.
    pub liability: f64,
    /// The higher yearly cost of holding the raised security (negative).
    pub security_cost: f64,
    /// The one-off cost of the programme (negative).
    pub programme: f64,
    /// The raise goes to exactly the procurement rules' minimum.
    pub rules: bool,
}

impl Valuation {
    /// The terms that speak for a raise, with their names, in a fixed order.
    pub fn gains(&self) -> [(&'static str, f64); 5] {
        [
            ("newcomers", self.newcomers),
            ("kept", self.kept),
            ("won", self.won),
            ("incidents", self.incidents),
            ("liability", self.liability),
        ]
    }

    /// The main reason: "rules" for a raise to the procurement minimum, otherwise the name of
    /// the largest gain ([`Valuation::gains`]; the first of equals).
    pub fn reason(&self) -> &'static str {
        if self.rules {
            return "rules";
        }
        let mut best = ("newcomers", f64::NEG_INFINITY);
        for (name, gain) in self.gains() {
            if gain > best.1 {
                best = (name, gain);
            }
        }
        best.0
    }

    /// What the raise was worth: the sum of every term.
    pub fn net(&self) -> f64 {
        self.gains().iter().map(|(_, g)| g).sum::<f64>() + self.security_cost + self.programme
    }
}

impl std::fmt::Display for Valuation {
    /// "worth 1.230e8 over the horizon: fewer lost to incidents +2.016e8, holding security
    /// -3.774e7, the programme -3.931e7" (terms that are zero are left out).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "worth {:.3e} over the horizon:", self.net())?;
        let terms = [
            ("newcomers", self.newcomers),
            ("users kept", self.kept),
            ("rivals' users", self.won),
            ("fewer lost to incidents", self.incidents),
            ("liability", self.liability),
            ("holding security", self.security_cost),
            ("the programme", self.programme),
        ];
        let mut first = true;
        for (name, x) in terms.into_iter().filter(|(_, x)| *x != 0.0) {
            write!(f, "{} {name} {x:+.3e}", if first { "" } else { "," })?;
            first = false;
        }
        Ok(())
    }
}

/// Mean over a horizon of the share still there when a share leaves at a constant rate whose
/// total over the horizon is `a`: `(1 − e^(−a)) / a` (`1 − a/2` while `a` is small).
fn mean_survival(a: f64) -> f64 {
    if a < 1e-6 {
        1.0 - a / 2.0
    } else {
        (1.0 - (-a).exp()) / a
    }
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
    /// not admit move when they reconsider. Whether a user of a ratio bin would choose, leave for
    /// or be won from a rival is a probability over the vendor's sample of tastes
    /// ([`Outlook::tastes`]), so a small step of security wins a share of a bin, not all of it.
    pub fn users(&self, parameters: &VendorParameters, s: f64) -> f64 {
        self.user_parts(parameters, s).total()
    }

    /// [`Outlook::users`] in its parts: its users who stay, rivals' users won, newcomers, and
    /// the share of them all that incidents leave.
    pub fn user_parts(&self, parameters: &VendorParameters, s: f64) -> UserParts {
        let j = self.offering;
        let offerings = self.terms.len();
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
        let samples: Vec<&[f64]> = self.tastes.chunks_exact(offerings).collect();
        let per_sample = 1.0 / samples.len().max(1) as f64;
        // Per bin: the chance that a user of its ratio would choose the offering under review,
        // that one of its own users there would be lured by the best rival, and, per rival, that
        // one of the rival's users would be won. The same for every offering's users in the bin.
        let width = offerings + 2;
        let mut odds = vec![0.0; self.ratios.len() * width];
        let (mut staying, mut won, mut chosen, mut total) = (0.0, 0.0, 0.0, 0.0);
        for &(weight, bound) in classes {
            let admitted: Vec<bool> = terms.iter().map(|t| !bound || rules.admits(t.security)).collect();
            odds.iter_mut().for_each(|o| *o = 0.0);
            for (bin, &x) in self.ratios.iter().enumerate() {
                if !held[bin] {
                    continue;
                }
                let row = &mut odds[bin * width..(bin + 1) * width];
                for taste in &samples {
                    let tasted = |k: usize| if admitted[k] { taste[k] } else { 0.0 };
                    let here = own.utility_tasted(x, taste[j]);
                    if best_offering_tasted(&terms, x, None, tasted) == Some(j) {
                        row[0] += per_sample;
                        for (k, rival) in terms.iter().enumerate() {
                            let there = rival.utility_tasted(x, taste[k]).max(0.0);
                            if k != j && (!admitted[k] || here - there > self.switching_cost * rival.value * taste[k]) {
                                row[2 + k] += per_sample;
                            }
                        }
                    }
                    if let Some(r) = best_offering_tasted(&terms, x, Some(j), tasted) {
                        let there = terms[r].utility_tasted(x, taste[r]);
                        if there - here > self.switching_cost * own.value * taste[j] {
                            row[1] += per_sample;
                        }
                    }
                }
            }
            for (k, histogram) in self.histograms.iter().enumerate() {
                for (bin, (&count, &x)) in histogram.iter().zip(self.ratios).enumerate() {
                    if count <= 0.0 {
                        continue;
                    }
                    let row = &odds[bin * width..(bin + 1) * width];
                    let count = count * weight;
                    total += count;
                    chosen += count * row[0];
                    if k == j {
                        if x > tolerable {
                            continue;
                        }
                        let leaving = if admitted[j] { row[1] } else { 1.0 };
                        staying += count * (1.0 - leaving * reconsidering);
                    } else {
                        won += count * row[2 + k] * reconsidering;
                    }
                }
            }
        }
        let newcomers = if total > 0.0 {
            self.newcomers(horizon) * chosen / total
        } else {
            0.0
        };
        // Users lost to incidents: the remembered churn at `s`'s exposure, as a yearly rate out
        // of the users the vendor has, thins every user it expects over the horizon alike.
        let own: f64 = self.histograms[j].iter().sum();
        let leaving = if own > 0.0 {
            self.churn_per_year * self.exposure(s) / own * horizon
        } else {
            0.0
        };
        UserParts {
            kept: staying,
            won,
            newcomers,
            surviving: mean_survival(leaving),
        }
    }

    /// Mean number of new adopters, market-wide, over a horizon of `horizon` years (simulated
    /// users): adoption at today's pace `G` drains the `R` who do not use the technology yet,
    /// `G e^(−G t / R)` a year, so the mean of what has joined by each time of the horizon is
    /// `R (1 − (1 − e^(−a)) / a)` with `a = G horizon / R` (`G horizon / 2` while `a` is small).
    fn newcomers(&self, horizon: f64) -> f64 {
        let (pace, remaining) = (self.adoptions_per_year.max(0.0), self.non_adopters.max(0.0));
        if remaining <= 0.0 || pace <= 0.0 {
            return 0.0;
        }
        let a = pace * horizon / remaining;
        if a < 1e-6 {
            pace * horizon / 2.0
        } else {
            remaining * (1.0 - (1.0 - (-a).exp()) / a)
        }
    }

    /// Attack exposure at `s`, `(1 − s)^security_elasticity` ([`exposure`]): what the
    /// remembered churn and losses, kept per unit of exposure, are multiplied by.
    fn exposure(&self, s: f64) -> f64 {
        exposure(s, self.security_elasticity)
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

    /// The valuation of a raise to `to` against the better of maintaining and depreciating
    /// ([`Valuation`]), as [`Outlook::decide`] weighed it.
    pub fn valuation(&self, parameters: &VendorParameters, to: f64) -> Valuation {
        let p = parameters;
        let s = self.security;
        let depreciated = s * (-p.depreciation * p.review_days as f64 / 365.0).exp();
        let alternative = if self.value(p, s) >= self.value(p, depreciated) {
            s
        } else {
            depreciated
        };
        let (with, without) = (self.user_parts(p, to), self.user_parts(p, alternative));
        let margin = |level: f64| p.price - p.security_cost * self.cost_index * level * level;
        // Currency over the horizon per simulated user at the margin without the raise.
        let per_user = p.planning_years * self.scale * margin(alternative);
        let raw_without = without.kept + without.won + without.newcomers;
        let users_now = self
            .histograms
            .get(self.offering)
            .map_or(0.0, |h| h.iter().sum::<f64>());
        let served = users_now.max(with.total());
        Valuation {
            newcomers: per_user * (with.newcomers - without.newcomers) * with.surviving,
            kept: per_user * (with.kept - without.kept) * with.surviving,
            won: per_user * (with.won - without.won) * with.surviving,
            incidents: per_user * raw_without * (with.surviving - without.surviving),
            liability: -p.planning_years
                * self.liability
                * self.loss_per_year
                * (self.exposure(to) - self.exposure(alternative)),
            security_cost: p.planning_years * self.scale * with.total() * (margin(to) - margin(alternative)),
            programme: -p.programme_cost * self.cost_index * served * self.scale,
            rules: self.procurement.active() && to == self.procurement.minimum,
        }
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
            non_adopters: 0.0,
            tastes: &[1.0; 2],
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
        // Per unit of exposure: 9,800 users a year at security 0.3, of 10,000.
        churned.churn_per_year = 20_000.0;
        assert!(matches!(churned.decide(&p), Decision::Raise(to) if to > 0.3));
        let mut liable = o.clone();
        liable.liability = 1.0;
        liable.loss_per_year = 1e9;
        assert!(matches!(liable.decide(&p), Decision::Raise(to) if to > 0.3));
        // Each raise's valuation adds up to what the raise was worth, and names its reason.
        let worth = |o: &Outlook<'_>, to: f64| {
            let s = o.security;
            let depreciated = s * (-p.depreciation * p.review_days as f64 / 365.0).exp();
            let without = o.value(&p, s).max(o.value(&p, depreciated));
            let served = 10_000.0f64.max(o.users(&p, to));
            o.value(&p, to) - p.programme_cost * o.cost_index * served * o.scale - without
        };
        for (raiser, reason) in [(&churned, "incidents"), (&liable, "liability")] {
            let Decision::Raise(to) = raiser.decide(&p) else {
                unreachable!("a raise, as asserted above")
            };
            let v = raiser.valuation(&p, to);
            let expected = worth(raiser, to);
            assert!(
                (v.net() - expected).abs() <= 1e-9 * expected.abs(),
                "{} vs {expected}",
                v.net()
            );
            assert!(v.net() > 0.0 && v.security_cost < 0.0 && v.programme < 0.0, "{v:?}");
            assert_eq!(v.reason(), reason, "{v:?}");
        }
        // Cheaper security makes a smaller threat worth a programme.
        let least_churn_raising = |cost_index: f64| {
            (0..200)
                .map(|k| 250.0 * k as f64)
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
    fn newcomers_saturate_with_the_market_left_to_win() {
        let p = parameters();
        let (counts, ratios) = histogram(10_000.0);
        let histograms = vec![counts];
        let terms = [Terms::new(0.3, 1.0, 1.0, 0.5, 1.0, 1.0)];
        let mut o = outlook(&terms, &histograms, &ratios);
        let without = o.users(&p, 0.3);
        o.adoptions_per_year = 1_000.0;
        o.non_adopters = 1e9;
        let vast = o.users(&p, 0.3) - without;
        // A vast market: the pace holds over the horizon, half of 2 years' 1,000 a year on
        // average, times the share of ratios that choose the offering.
        let chosen = vast / 1_000.0;
        assert!(chosen > 0.3 && chosen <= 1.0 + 1e-9, "{chosen}");
        o.adoptions_per_year = 100_000.0;
        o.non_adopters = 2_000.0;
        let few = o.users(&p, 0.3) - without;
        assert!(few < 2_000.0 * chosen, "no more newcomers than are left: {few}");
        assert!(
            few > 0.9 * 2_000.0 * chosen,
            "a fast pace takes nearly all of them: {few}"
        );
    }

    #[test]
    fn with_tastes_a_small_step_of_security_wins_a_share_of_a_ratio_bin_not_all_of_it() {
        let p = parameters();
        let (counts, ratios) = histogram(10_000.0);
        let histograms = vec![counts, vec![0.0; BINS]];
        let terms = [
            Terms::new(0.3, 1.0, 1.0, 0.5, 1.0, 1.0),
            Terms::new(0.3, 1.0, 1.0, 0.5, 1.0, 1.0),
        ];
        let gain = |tastes: &[f64]| {
            let mut o = outlook(&terms, &histograms, &ratios);
            o.tastes = tastes;
            o.adoptions_per_year = 1_000.0;
            o.non_adopters = 1e9;
            (o.users(&p, 0.32) - o.users(&p, 0.3)) / 1_000.0
        };
        let sample = crate::market::taste_sample(0.3, 2);
        let (plain, tasted) = (gain(&[1.0; 2]), gain(&sample));
        // Between equal rivals, without tastes the smallest step moves whole ratio bins (here
        // the bold users, who prefer the untaxed rival, leave at once); with tastes it moves a
        // share of each bin.
        assert!(plain.abs() > 0.2, "{plain}");
        assert!(
            tasted != 0.0 && tasted.abs() < 0.5 * plain.abs(),
            "{tasted} against {plain}"
        );
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
