//! Phase 6: vendors set their security, then are held at the floor. Reactive vendors apply the
//! ESP rule with today's security churn (raise above tolerance, erode below it under excitement
//! and their users' reliance). Economic vendors remember today's churn and losses, review their
//! security every `review_days` and on a day their offering made the news
//! ([`crate::economics`]), and let it depreciate when they chose to stop maintaining it. Random
//! vendors (a null model) raise at random times and depreciate in between.

use super::Simulation;
use crate::economics::{Decision, Outlook, RAISES};
use crate::events::{Detail, Event, RaiseReason};
use crate::market;
use crate::observer::Observer;
use crate::parameters::VendorStrategy;
use crate::random::{keyed, Stream};
use crate::risk_index::{bin_ratio, BINS};
use crate::vendors::{exposure, Raise, MAX_SECURITY};
use rand::Rng;

impl Simulation<'_> {
    /// Each vendor, in offering order, sets its security given `churned[j]` users lost to risk
    /// today; raises are logged.
    pub(super) fn vendor_decisions(&mut self, excitement: f64, churned: &[usize], observer: &mut impl Observer) {
        match self.parameters.vendors.strategy {
            VendorStrategy::Reactive => self.reactive_decisions(excitement, churned, observer),
            VendorStrategy::Economic => self.economic_decisions(excitement, churned, observer),
            VendorStrategy::Random => self.random_decisions(observer),
        }
    }

    /// The null model of vendors: on each (offering, day) a raise comes with probability
    /// `1 − exp(−random_raise_rate / 365)` from the offering's keyed stream, by a size drawn
    /// uniformly from [`RAISES`]; security depreciates on every other day.
    fn random_decisions(&mut self, observer: &mut impl Observer) {
        let p = self.parameters;
        let day = self.day;
        let chance = 1.0 - (-p.vendors.random_raise_rate / 365.0).exp();
        for j in 0..self.vendors.len() {
            let mut rng = keyed(p.run.seed, Stream::RandomRaises, j, day);
            let vendor = &mut self.vendors[j];
            vendor.advance_roll_out();
            if rng.random::<f64>() < chance {
                let size = RAISES[rng.random_range(0..RAISES.len())];
                let to = (vendor.security() + size).min(MAX_SECURITY);
                if let Some(raise) = vendor.raise_to(to, self.population.count(j)) {
                    report_raise(day, j, raise, RaiseReason::Chance, observer);
                }
            } else {
                vendor.depreciate(p.vendors.depreciation);
            }
        }
        self.hold_floor();
    }

    fn reactive_decisions(&mut self, excitement: f64, churned: &[usize], observer: &mut impl Observer) {
        let p = self.parameters;
        let day = self.day;
        for (j, &churn) in churned.iter().enumerate() {
            let users = self.population.count(j);
            let tenure = if users > 0 {
                day as f64 - self.vendors[j].tenure_sum / users as f64
            } else {
                0.0
            };
            let reliance = self.reliance.at(tenure as f32) as f64;
            let pressure =
                excitement.max(0.0).powf(p.vendors.excitement_erosion) * (1.0 + p.vendors.reliance_erosion * reliance);
            if let Some(raise) = self.vendors[j].step(&p.vendors, churn, users, pressure, self.regulator.floor) {
                report_raise(day, j, raise, RaiseReason::Churn, observer);
            }
        }
    }

    fn economic_decisions(&mut self, excitement: f64, churned: &[usize], observer: &mut impl Observer) {
        let p = self.parameters;
        let day = self.day;
        let keep = 0.5f64.powf(1.0 / p.vendors.memory_days.max(1e-9));
        for (j, &churn) in churned.iter().enumerate() {
            let loss = self.losses_today[j];
            let vendor = &mut self.vendors[j];
            vendor.advance_roll_out();
            let seen_at = exposure(vendor.security(), p.attack.security_elasticity);
            vendor.watch_churn(churn);
            vendor.remember(churn, loss, keep, seen_at);
        }
        // Scheduled reviews start once a review period of history is in: a vendor launches at its
        // scenario's security and does not revise it before it has seen anything.
        let review = p.vendors.review_days.max(1);
        let scheduled = day > 0 && day % review == 0;
        if scheduled || self.review_now.contains(&true) {
            self.refresh_histograms();
            // Each decision with the reason of a raise: the terms of its valuation.
            let decisions: Vec<Option<(Decision, Option<RaiseReason>)>> = (0..self.vendors.len())
                .map(|j| {
                    (scheduled || self.review_now[j]).then(|| {
                        let outlook = self.outlook(j, excitement);
                        let decision = outlook.decide(&p.vendors);
                        let reason = match decision {
                            Decision::Raise(to) => Some(RaiseReason::Valuation {
                                valuation: outlook.valuation(&p.vendors, to),
                                after_news: !scheduled,
                            }),
                            Decision::Depreciate | Decision::Maintain => None,
                        };
                        (decision, reason)
                    })
                })
                .collect();
            if scheduled {
                self.adoptions_since_review = 0;
            }
            self.review_now.iter_mut().for_each(|r| *r = false);
            for (j, decision) in decisions.into_iter().enumerate() {
                let Some((decision, reason)) = decision else { continue };
                let users = self.population.count(j);
                let vendor = &mut self.vendors[j];
                vendor.depreciating = decision == Decision::Depreciate;
                match decision {
                    Decision::Raise(to) => {
                        if let (Some(raise), Some(reason)) = (vendor.raise_to(to, users), reason) {
                            report_raise(day, j, raise, reason, observer);
                        }
                    }
                    Decision::Depreciate => vendor.stop_roll_out(),
                    Decision::Maintain => {}
                }
            }
        }
        for vendor in &mut self.vendors {
            if vendor.depreciating {
                vendor.depreciate(p.vendors.depreciation);
            }
        }
        self.hold_floor();
    }

    /// Refreshes every offering's histogram of its users' ratios.
    fn refresh_histograms(&mut self) {
        for (j, histogram) in self.histograms.iter_mut().enumerate() {
            self.index.histogram(j, histogram);
        }
    }

    /// What the vendor of `j` sees at today's review.
    pub(super) fn outlook(&self, j: usize, excitement: f64) -> Outlook<'_> {
        let p = self.parameters;
        let offering = &p.offerings[j];
        let years = self.day as f64 / 365.0;
        // Days since the last scheduled review (a whole period on a scheduled day).
        let review = p.vendors.review_days.max(1);
        let elapsed = match self.day % review {
            0 => review,
            days => days,
        } as f64;
        Outlook {
            offering: j,
            // A vendor decides from the level it has decided, not from the share its deployments
            // have adopted so far: a programme still rolling out is not bought again.
            security: self.vendors[j].decided(),
            terms: &self.terms,
            value_scale: market::capability(offering.capability, offering.capability_growth, self.day) * excitement,
            tax: p.security.tax * self.tax_factor,
            risk_scale: self.risk_scale,
            histograms: &self.histograms,
            ratios: ratios(),
            adoptions_per_year: self.adoptions_since_review as f64 * 365.0 / elapsed,
            non_adopters: self.population.len() as f64 * (1.0 - self.adoption_share()),
            tastes: &self.taste_sample,
            churn_per_year: self.vendors[j].churn_memory,
            loss_per_year: self.vendors[j].loss_memory,
            security_elasticity: p.attack.security_elasticity,
            scale: p.run.population / self.population.len().max(1) as f64,
            cost_index: self.tax_factor * (1.0 - p.vendors.cost_decline).powf(years),
            liability: self.liability,
            rechoice: p.users.rechoice,
            switching_cost: p.users.switching_cost,
            procurement: self.procurement,
        }
    }
}

/// The ratio each histogram bin stands for, computed once.
fn ratios() -> &'static [f32] {
    static RATIOS: std::sync::OnceLock<Vec<f32>> = std::sync::OnceLock::new();
    RATIOS.get_or_init(|| (0..BINS).map(bin_ratio).collect())
}

fn report_raise(day: u32, offering: usize, raise: Raise, reason: RaiseReason, observer: &mut impl Observer) {
    observer.event(&Event {
        day,
        offering: Some(offering),
        size: raise.to - raise.from,
        detail: Detail::VendorRaise {
            from: raise.from,
            to: raise.to,
            churn: raise.churn,
            reason,
        },
    });
}

#[cfg(test)]
mod tests {
    use super::super::testing::small;
    use super::*;
    use crate::events::EventKind;
    use crate::Recorder;

    #[test]
    fn without_churn_security_erodes_and_nothing_is_logged() {
        let p = small(5_000);
        let mut s = Simulation::new(&p);
        let before: Vec<f64> = s.vendors.iter().map(|v| v.security()).collect();
        let mut recorder = Recorder::default();
        let quiet = vec![0; s.vendors.len()];
        s.vendor_decisions(1.0, &quiet, &mut recorder);
        assert!(recorder.events.is_empty());
        for (v, b) in s.vendors.iter().zip(before) {
            assert!(v.security() < b, "excitement erodes security");
        }
    }

    #[test]
    fn churn_above_tolerance_raises_security_and_is_logged() {
        let p = small(5_000);
        let mut s = Simulation::new(&p);
        let j = s.largest_offering();
        let before = s.vendors[j].security();
        let mut churned = vec![0; s.vendors.len()];
        churned[j] = s.population.count(j) / 2;
        let mut recorder = Recorder::default();
        s.vendor_decisions(1.0, &churned, &mut recorder);
        assert_eq!(recorder.events.len(), 1);
        let e = &recorder.events[0];
        assert_eq!((e.kind(), e.offering), (EventKind::VendorRaise, Some(j)));
        assert!(s.vendors[j].security() > before);
        assert!((e.size - (s.vendors[j].security() - before)).abs() < 1e-12);
    }

    #[test]
    fn deployments_adopt_a_decided_level_over_the_roll_out_time_between_decisions() {
        let rises_without_a_raise = |rollout_days: f64| {
            let mut p = small(2_000);
            p.vendors.strategy = VendorStrategy::Random;
            p.vendors.random_raise_rate = 24.0;
            p.vendors.depreciation = 0.0;
            p.offerings[0].rollout_days = rollout_days;
            let mut s = Simulation::new(&p);
            let mut recorder = Recorder::default();
            super::super::testing::step_to(&mut s, 365, &mut recorder);
            let raised: Vec<u32> = recorder
                .events
                .iter()
                .filter(|e| e.kind() == EventKind::VendorRaise && e.offering == Some(0))
                .map(|e| e.day)
                .collect();
            assert!(raised.len() > 2, "{raised:?}");
            let security: Vec<f64> = recorder.offerings.iter().map(|o| o[0].security).collect();
            (1..security.len())
                .filter(|&d| security[d] > security[d - 1] + 1e-12 && !raised.contains(&(d as u32)))
                .count()
        };
        assert_eq!(rises_without_a_raise(0.0), 0, "adopted the day it is decided");
        assert!(rises_without_a_raise(30.0) > 30, "adopted over the following weeks");
    }

    #[test]
    fn a_vendor_decides_from_the_level_it_decided_not_from_the_share_adopted_so_far() {
        // Otherwise a vendor whose decision is rolling out buys it again at every review, and
        // each purchase is logged as a raise.
        let mut p = small(2_000);
        p.offerings[0].rollout_days = 365.0;
        let mut s = Simulation::new(&p);
        let users = s.population.count(0);
        let from = s.vendors[0].security();
        assert!(s.vendors[0].raise_to(from + 0.3, users).is_some());
        for _ in 0..30 {
            s.vendors[0].advance_roll_out();
        }
        let adopted = s.vendors[0].security();
        assert!(
            adopted > from && adopted < from + 0.05,
            "a month into a year's roll-out: {adopted}"
        );
        s.refresh_histograms();
        assert!((s.outlook(0, 1.0).security - (from + 0.3)).abs() < 1e-12);
        assert!(s.vendors[0].raise_to(from + 0.2, users).is_none(), "already decided");
    }

    #[test]
    fn random_vendors_raise_at_their_rate_whatever_the_churn() {
        let mut p = small(2_000);
        p.vendors.strategy = VendorStrategy::Random;
        p.vendors.random_raise_rate = 12.0;
        p.offerings = vec![crate::OfferingParameters::default(); 10];
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        let days = 365;
        for day in 0..days {
            s.day = day;
            // Churn on odd days only: random vendors ignore it.
            let churned = vec![(day % 2) as usize * 1_000; s.vendors.len()];
            s.vendor_decisions(1.0, &churned, &mut recorder);
        }
        let raises = |odd: u32| {
            recorder
                .events
                .iter()
                .filter(|e| e.kind() == EventKind::VendorRaise && e.day % 2 == odd)
                .count() as f64
        };
        // 10 offerings x 12 a year: 120 expected (a raise at 0.999 is not logged, none here).
        let total = raises(0) + raises(1);
        assert!((90.0..150.0).contains(&total), "{total} raises");
        assert!(
            (raises(1) - raises(0)).abs() < 35.0,
            "{} on churn days, {} without",
            raises(1),
            raises(0)
        );
        for e in &recorder.events {
            let Detail::VendorRaise { to, .. } = e.detail else {
                continue;
            };
            let capped = (to - MAX_SECURITY).abs() < 1e-12;
            assert!(capped || RAISES.iter().any(|r| (e.size - r).abs() < 1e-9), "{e:?}");
        }
    }
}
