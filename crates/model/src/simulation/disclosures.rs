//! Phase 3, second part: vulnerabilities disclosed without victims, their fixes and exploits.
//!
//! Offering `j` sees disclosures as a Poisson process of daily rate
//! `disclosure_rate (share_j P / P_ref)^adoption_elasticity (1 − s_j)^security_elasticity`
//! ([`crate::incidents`]), sized like
//! incidents, drawn from the (offering, day)'s own stream. A disclosure above the attention
//! threshold is news, as an incident is: public fear rises, a `news` event is logged and the
//! offering's vendor reviews its security that day. An economic vendor fixes it when
//! the expected cost of its exploit ([`crate::economics::Outlook::exploit_cost`]) exceeds the
//! cost of a fix, and ships the fix `fix_days` later; a reactive vendor never fixes. A
//! vulnerability still open `exploit_days` after its disclosure is exploited: an incident of its
//! size on its offering. Deployments apply a shipped fix over time
//! ([`crate::parameters::AttackParameters::unpatched`]: a half-life and a share that never
//! patches), so an exploit after the fix hits the deployments still unpatched: an incident of the
//! flaw's size times their share, when that is a record or more.

use super::Simulation;
use crate::events::{Detail, Event};
use crate::incidents;
use crate::observer::{DayRecord, Observer};
use crate::parameters::VendorStrategy;
use crate::random::{keyed, Stream, MAX_STREAM_OFFERINGS};

/// A disclosed vulnerability not yet fixed or exploited.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Flaw {
    offering: usize,
    records: f64,
    disclosed: u32,
    /// Day the fix ships, if the vendor decided to fix it.
    fixed: Option<u32>,
}

impl Simulation<'_> {
    /// Today's disclosures on every offering, then the fixes and exploits falling due today;
    /// returns the simulated users harmed by exploits.
    pub(super) fn disclosures(
        &mut self,
        excitement: f64,
        record: &mut DayRecord,
        observer: &mut impl Observer,
    ) -> usize {
        let p = self.parameters;
        let day = self.day;
        let n = self.population.len().max(1) as f64 / incidents::reach(&p.attack, p.run.population);
        if p.attack.disclosure_rate > 0.0 {
            for j in 0..self.vendors.len() {
                // At most the reference population: the rates never exceed what they are at it.
                let share = (self.population.count(j) as f64 / n).min(1.0);
                let rate = incidents::disclosure_rate(&p.attack, share, self.vendors[j].security());
                if rate <= 0.0 || !rate.is_finite() {
                    continue;
                }
                let mut rng = keyed(p.run.seed, Stream::Disclosures, j, day);
                for _ in 0..incidents::draw_count(rate, &mut rng) {
                    let records = incidents::draw_size(&p.attack, &mut rng);
                    self.disclose(j, records, excitement, record, observer);
                }
            }
        }
        self.settle_flaws(record, observer)
    }

    /// A vulnerability of `records` disclosed on offering `j`: news if salient, and the
    /// vendor's decision to fix it.
    fn disclose(
        &mut self,
        j: usize,
        records: f64,
        excitement: f64,
        record: &mut DayRecord,
        observer: &mut impl Observer,
    ) {
        let p = self.parameters;
        let news_fear =
            (records.max(1.0).log10() - self.attention.threshold(&p.attention)).max(0.0) * p.attention.fear_per_news;
        let fixing = p.vendors.strategy == VendorStrategy::Economic && {
            self.index.histogram(j, &mut self.histograms[j]);
            let outlook = self.outlook(j, excitement);
            let victims = records * self.population.len() as f64 / p.run.population;
            let cost = outlook.exploit_cost(
                &p.vendors,
                records * p.attack.loss_per_record,
                victims,
                p.users.harm_fear,
                news_fear,
            );
            cost > p.vendors.fix_cost * outlook.cost_index
        };
        let news = self.attention.notice(&p.attention, records);
        let public = news.is_some();
        // Every disclosed flaw reaches the standards body, in the news or not.
        self.salient_today += 1;
        observer.event(&Event {
            day: self.day,
            offering: Some(j),
            size: records,
            detail: Detail::Vulnerability {
                records,
                public,
                fixing,
            },
        });
        if let Some(excess) = news {
            // News of a flaw is news like an incident's: logged, and the vendor reviews today.
            record.news += 1;
            self.review_now[j] = true;
            observer.event(&Event {
                day: self.day,
                offering: Some(j),
                size: excess,
                detail: Detail::News {
                    records,
                    fear: self.attention.fear,
                    disclosed: true,
                },
            });
        }
        self.flaws.push(Flaw {
            offering: j,
            records,
            disclosed: self.day,
            fixed: fixing.then_some(self.day + p.vendors.fix_days),
        });
    }

    /// Ships the fixes due today and exploits the vulnerabilities left open too long.
    fn settle_flaws(&mut self, record: &mut DayRecord, observer: &mut impl Observer) -> usize {
        let p = self.parameters;
        let day = self.day;
        let mut harmed = 0;
        let mut k = 0;
        while k < self.flaws.len() {
            let flaw = self.flaws[k];
            let exploit_day = flaw.disclosed + p.attack.exploit_days.max(1);
            if flaw.fixed.is_some_and(|fix| fix <= day && fix < exploit_day) {
                observer.event(&Event {
                    day,
                    offering: Some(flaw.offering),
                    size: flaw.records,
                    detail: Detail::VendorFix {
                        records: flaw.records,
                        disclosed: flaw.disclosed,
                    },
                });
                // The deployments still unpatched on the exploit day stay exposed.
                let exposed = flaw.records * p.attack.unpatched((exploit_day - day) as f64);
                if exposed >= 1.0 {
                    self.flaws[k] = Flaw {
                        records: exposed,
                        fixed: None,
                        ..flaw
                    };
                    k += 1;
                } else {
                    self.flaws.swap_remove(k);
                }
            } else if exploit_day <= day {
                let key = MAX_STREAM_OFFERINGS + flaw.offering;
                let mut rng = keyed(p.run.seed, Stream::Disclosures, key, day);
                harmed += self.incident(flaw.records, flaw.offering, &mut rng, record, observer);
                self.flaws.swap_remove(k);
            } else {
                k += 1;
            }
        }
        harmed
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{small, step_to};
    use super::*;
    use crate::events::EventKind;
    use crate::Recorder;

    fn kinds(recorder: &Recorder, kind: EventKind) -> usize {
        recorder.events.iter().filter(|e| e.kind() == kind).count()
    }

    /// No attacks, two disclosures a day, exploited after 10 days, vendors of `strategy`.
    fn disclosing(strategy: VendorStrategy) -> crate::Parameters {
        let mut p = small(5_000);
        p.attack.rate = 0.0;
        p.attack.disclosure_rate = 2.0;
        p.attack.exploit_days = 10;
        p.vendors.strategy = strategy;
        p
    }

    #[test]
    fn reactive_vendors_never_fix_so_every_disclosure_is_exploited() {
        let p = disclosing(VendorStrategy::Reactive);
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        step_to(&mut s, 200, &mut recorder);
        let disclosed = kinds(&recorder, EventKind::Vulnerability);
        assert!(disclosed > 20, "{disclosed}");
        assert_eq!(kinds(&recorder, EventKind::VendorFix), 0);
        // Every disclosure older than 10 days became an incident (the only incidents here).
        let due = recorder
            .events
            .iter()
            .filter(|e| e.kind() == EventKind::Vulnerability && e.day + 10 < 200)
            .count();
        assert_eq!(kinds(&recorder, EventKind::Incident), due);
    }

    #[test]
    fn economic_vendors_fix_what_would_cost_them_more_than_a_fix_before_it_is_exploited() {
        let mut p = disclosing(VendorStrategy::Economic);
        p.vendors.fix_days = 3;
        p.vendors.fix_cost = 0.0;
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        step_to(&mut s, 200, &mut recorder);
        let fixing = recorder
            .events
            .iter()
            .filter(|e| matches!(e.detail, Detail::Vulnerability { fixing: true, .. }))
            .count();
        assert!(
            fixing > 20,
            "with free fixes everything that could cost anything is fixed"
        );
        let fixes = kinds(&recorder, EventKind::VendorFix);
        assert!(fixes + 4 >= fixing && fixes <= fixing, "{fixes} of {fixing} shipped");
        for e in recorder.events.iter().filter(|e| e.kind() == EventKind::VendorFix) {
            let Detail::VendorFix { disclosed, .. } = e.detail else {
                unreachable!()
            };
            assert_eq!(e.day, disclosed + 3, "shipped after fix_days");
        }
        // Prohibitive fixes: nothing is fixed.
        p.vendors.fix_cost = 1e30;
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        step_to(&mut s, 100, &mut recorder);
        assert_eq!(kinds(&recorder, EventKind::VendorFix), 0);
    }

    #[test]
    fn an_exploit_after_the_fix_hits_the_deployments_still_unpatched() {
        let mut p = disclosing(VendorStrategy::Economic);
        p.vendors.fix_days = 3;
        p.vendors.fix_cost = 0.0;
        // Half the deployments patch every 7 days after the fix; a tenth never does. The exploit
        // comes 10 - 3 = 7 days after the fix: 0.1 + 0.9 / 2 = 0.55 of the flaw is still open.
        p.attack.patch_half_life_days = 7.0;
        p.attack.never_patched = 0.1;
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        step_to(&mut s, 200, &mut recorder);
        let fixed: Vec<(u32, f64)> = recorder
            .events
            .iter()
            .filter_map(|e| match e.detail {
                Detail::VendorFix { records, disclosed } if disclosed + 10 < 200 => Some((disclosed, records)),
                _ => None,
            })
            .collect();
        assert!(fixed.len() > 20, "{}", fixed.len());
        for (disclosed, records) in fixed {
            let exploited = recorder.events.iter().find(|e| {
                e.kind() == EventKind::Incident
                    && e.day == disclosed + 10
                    && (e.size - 0.55 * records).abs() < 1e-6 * records
            });
            assert!(
                exploited.is_some() || 0.55 * records < 1.0,
                "a flaw of {records} records disclosed on day {disclosed}"
            );
        }
        // Without the law every deployment patches the day the fix ships: no exploit of a fixed flaw.
        p.attack.patch_half_life_days = 0.0;
        p.attack.never_patched = 0.0;
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        step_to(&mut s, 200, &mut recorder);
        let unfixed = recorder
            .events
            .iter()
            .filter(|e| matches!(e.detail, Detail::Vulnerability { fixing: false, .. }) && e.day + 10 < 200)
            .count();
        assert!(kinds(&recorder, EventKind::VendorFix) > 20);
        assert_eq!(
            kinds(&recorder, EventKind::Incident),
            unfixed,
            "only unfixed flaws are exploited"
        );
    }

    #[test]
    fn a_public_disclosure_is_news_and_its_vendor_reviews_that_day() {
        let mut p = disclosing(VendorStrategy::Economic);
        p.offerings = vec![crate::OfferingParameters::default(); 2];
        // Every disclosure is salient, and habituation never hides one.
        p.attention.threshold = -1.0;
        p.attention.habituation = 0.0;
        let mut s = Simulation::new(&p);
        s.day = 1;
        let mut recorder = Recorder::default();
        let mut record = DayRecord::default();
        s.disclose(1, 1e4, 1.0, &mut record, &mut recorder);
        let kinds: Vec<EventKind> = recorder.events.iter().map(|e| e.kind()).collect();
        assert_eq!(kinds, vec![EventKind::Vulnerability, EventKind::News]);
        let news = &recorder.events[1];
        assert_eq!(news.offering, Some(1));
        assert!((news.size - 5.0).abs() < 1e-12, "log10(1e4) above a threshold of -1");
        assert!(matches!(news.detail, Detail::News { disclosed: true, records, .. } if records == 1e4));
        assert_eq!(record.news, 1);
        assert!(s.attention.fear > 0.0, "the news raises public fear");
        assert_eq!(s.review_now, vec![false, true], "its vendor reviews today, out of turn");
        // Below the threshold: no news, no review.
        p.attention.threshold = 10.0;
        let mut s = Simulation::new(&p);
        let mut recorder = Recorder::default();
        let mut record = DayRecord::default();
        s.disclose(1, 1e4, 1.0, &mut record, &mut recorder);
        assert_eq!(recorder.events.len(), 1);
        assert_eq!((record.news, s.review_now.contains(&true)), (0, false));
    }
}
