//! One run of the model: state, and the phases of a day in their fixed order.
//!
//! Phases of day `t` (see `docs/model.md`):
//! 1. interventions starting today take effect;
//! 2. public fear and habituation decay; excitement and capabilities are computed;
//! 3. incidents (scheduled shocks, then Poisson attacks per offering) harm users, spread fear by
//!    word of mouth, cause losses, and make the news when salient;
//! 4. adopters whose risk-to-value ratio exceeds their offering's tolerable ratio leave it,
//!    switching to another offering or abandoning the technology (security churn);
//! 5. non-adopters consider adopting: innovators drawn in aggregate, imitators from the calendar;
//! 6. vendors apply the ESP rule (raise above tolerance, erode below it), held at the floor;
//! 7. the regulator tracks outcry and enacts due regulations;
//! 8. the day is reported.

use crate::attention::Attention;
use crate::calendar::{geometric_wait, Calendar};
use crate::incidents;
use crate::market::{self, Terms};
use crate::network::Network;
use crate::observer::{DayRecord, Event, EventKind, Observer, OfferingDay, OUTCOME_DAYS};
use crate::parameters::{Intervention, NetworkKind, Parameters};
use crate::population::{Population, Reliance, NO_OFFERING};
use crate::prefetch::prefetch_at;
use crate::random::{generator, Generator, Stream};
use crate::regulator::{Action, Regulator};
use crate::risk_index::RiskIndex;
use crate::vendors::Vendor;
use rand::seq::index;
use rand::Rng;
use rand_distr::{Binomial, Distribution, Poisson, StandardNormal};

/// Most offerings a scenario may have.
pub const MAX_OFFERINGS: usize = 64;

/// The state of one run.
pub struct Simulation<'a> {
    parameters: &'a Parameters,
    day: u32,
    days: u32,
    network: Network,
    population: Population,
    index: RiskIndex,
    calendar: Calendar,
    reliance: Reliance,
    log_fear_decay: f32,
    vendors: Vec<Vendor>,
    attention: Attention,
    regulator: Regulator,
    incident_rng: Generator,
    harm_rng: Generator,
    adoption_rng: Generator,
    imitation_per_day: f64,
    innovation_per_day: f64,
    tax_factor: f64,
    adoption_history: Vec<f64>,
    terms: Vec<Terms>,
    scratch: Vec<u32>,
    victims: Vec<u32>,
    /// Per user: 1 + index of the last incident that harmed it (0: never harmed).
    victim_of: Vec<u32>,
    /// Every incident so far, for its outcome report.
    incident_log: Vec<IncidentRecord>,
    /// Index of the first incident whose outcome is not yet reported.
    next_outcome: usize,
}

/// How many victims ahead each prefetch stage of an incident looks (see `prefetch_victim`).
const PREFETCH_FAR: usize = 24;
const PREFETCH_MID: usize = 12;
const PREFETCH_NEAR: usize = 6;
const PREFETCH_NEAREST: usize = 2;

/// What is kept of an incident until its outcome is reported.
#[derive(Debug, Clone, Copy)]
struct IncidentRecord {
    day: u32,
    offering: usize,
    records: f64,
    victims: u32,
    abandoned: u32,
}

/// Runs the whole horizon of `parameters`, reporting to `observer`.
pub fn run(parameters: &Parameters, observer: &mut impl Observer) {
    let mut simulation = Simulation::new(parameters);
    while simulation.step(observer) {}
}

impl<'a> Simulation<'a> {
    /// Builds the population, graph and vendors, and seeds initial adoption on day 0.
    ///
    /// `parameters` must be valid (the scenario crate checks them): in particular one to
    /// [`MAX_OFFERINGS`] offerings.
    ///
    /// # Panics
    ///
    /// If there is no offering.
    pub fn new(parameters: &'a Parameters) -> Self {
        let p = parameters;
        assert!(!p.offerings.is_empty(), "a simulation needs at least one offering");
        let seed = p.run.seed;
        let users = p.run.users;
        let n = users as usize;
        let offerings = p.offerings.len().clamp(1, MAX_OFFERINGS);
        let network = Network::build(users, &p.network, &mut generator(seed, Stream::Network));
        let mut traits = generator(seed, Stream::Traits);
        let ln_ratio_median = (p.users.risk_sensitivity_median / p.users.value_median).ln();
        let ratio: Vec<f32> = (0..n)
            .map(|_| {
                let zv: f64 = StandardNormal.sample(&mut traits);
                let zk: f64 = StandardNormal.sample(&mut traits);
                (ln_ratio_median + p.users.risk_sensitivity_spread * zk - p.users.value_spread * zv).exp() as f32
            })
            .collect();
        let days = p.run.days();
        let mut simulation = Self {
            parameters,
            day: 0,
            days,
            network,
            population: Population::new(ratio, offerings),
            index: RiskIndex::new(n, offerings),
            calendar: Calendar::new(n, days),
            reliance: Reliance {
                max: p.users.reliance_max as f32,
                inverse_days: (1.0 / p.users.reliance_days) as f32,
            },
            log_fear_decay: (-std::f64::consts::LN_2 / p.users.fear_half_life_days) as f32,
            vendors: p
                .offerings
                .iter()
                .take(offerings)
                .map(|o| Vendor::new(o.security, &p.vendors))
                .collect(),
            attention: Attention::default(),
            regulator: Regulator::default(),
            incident_rng: generator(seed, Stream::Incidents),
            harm_rng: generator(seed, Stream::Harm),
            adoption_rng: generator(seed, Stream::Adoption),
            imitation_per_day: p.adoption.imitation / 365.0,
            innovation_per_day: p.adoption.innovation / 365.0,
            tax_factor: 1.0,
            adoption_history: Vec::with_capacity(days as usize),
            terms: Vec::with_capacity(offerings),
            scratch: Vec::new(),
            victims: Vec::new(),
            victim_of: vec![0; n],
            incident_log: Vec::new(),
            next_outcome: 0,
        };
        simulation.seed_adoption();
        simulation
    }

    /// The day the next [`step`](Self::step) simulates.
    pub fn day(&self) -> u32 {
        self.day
    }

    /// Number of days in the horizon.
    pub fn days(&self) -> u32 {
        self.days
    }

    fn seed_adoption(&mut self) {
        let n = self.population.len();
        let wanted = ((self.parameters.users.initial_adoption * n as f64).round() as usize).min(n);
        self.update_terms(self.excitement(0));
        let mut rng = generator(self.parameters.run.seed, Stream::InitialAdoption);
        let mut chosen: Vec<u32> = index::sample(&mut rng, n, wanted)
            .into_iter()
            .map(|u| u as u32)
            .collect();
        chosen.sort_unstable();
        for user in chosen {
            self.consider(user);
        }
    }

    /// Simulates one day; returns false once the horizon is done.
    pub fn step(&mut self, observer: &mut impl Observer) -> bool {
        if self.day >= self.days {
            return false;
        }
        let day = self.day;
        let p = self.parameters;
        let n = self.population.len().max(1) as f64;

        self.report_outcomes(observer);

        // 1. Interventions.
        let mut shocks = Vec::new();
        for intervention in &p.interventions {
            if intervention.start() == day {
                self.start_intervention(intervention, &mut shocks, observer);
            }
        }
        let advocacy: f64 = p
            .interventions
            .iter()
            .map(|i| match *i {
                Intervention::Advocacy { start, end, strength } if start <= day && day < end => 1.0 + strength,
                _ => 1.0,
            })
            .product();

        // 2. Decay and excitement.
        self.attention.decay(&p.attention);
        let excitement = self.excitement(day);

        // 3. Incidents.
        let mut record = DayRecord {
            day,
            excitement,
            ..DayRecord::default()
        };
        let mut harmed = 0usize;
        for (records, target) in shocks {
            let target = target.unwrap_or_else(|| self.largest_offering());
            harmed += self.incident(records, target, &mut record, observer);
        }
        for j in 0..self.vendors.len() {
            let share = self.population.members(j).len() as f64 / n;
            let rate = incidents::daily_rate(&p.attack, share, self.vendors[j].security());
            if rate <= 0.0 || !rate.is_finite() {
                continue;
            }
            let count = Poisson::new(rate)
                .map(|d| d.sample(&mut self.incident_rng))
                .unwrap_or(0.0) as u64;
            for _ in 0..count {
                let records = incidents::draw_size(&p.attack, &mut self.incident_rng);
                harmed += self.incident(records, j, &mut record, observer);
            }
        }

        // 4. Adopters re-evaluate.
        let awareness = p.security.risk_awareness + self.attention.fear;
        self.update_terms_with(excitement, awareness, advocacy);
        let mut churned = vec![0usize; self.vendors.len()];
        for (j, churn) in churned.iter_mut().enumerate() {
            *churn = self.reevaluate(j);
        }

        // 5. Adoption.
        self.innovate();
        self.imitate();

        // 6. Vendors.
        for (j, &churn) in churned.iter().enumerate() {
            let users = self.population.members(j).len();
            let tenure = if users > 0 {
                day as f64 - self.vendors[j].tenure_sum / users as f64
            } else {
                0.0
            };
            let reliance = self.reliance.at(tenure as f32) as f64;
            let pressure =
                excitement.max(0.0).powf(p.vendors.excitement_erosion) * (1.0 + p.vendors.reliance_erosion * reliance);
            if let Some(raise) = self.vendors[j].step(&p.vendors, churn, users, pressure, self.regulator.floor) {
                observer.event(&Event {
                    day,
                    kind: EventKind::VendorRaise,
                    offering: Some(j),
                    size: raise.to - raise.from,
                    detail: format!(
                        "security {:.4} -> {:.4} after security churn {:.4}",
                        raise.from, raise.to, raise.churn
                    ),
                });
            }
        }

        // 7. Regulator.
        let adopters: usize = (0..self.vendors.len()).map(|j| self.population.members(j).len()).sum();
        let adoption = adopters as f64 / n;
        let outcry = self.attention.fear * adoption;
        let baseline = self.baseline();
        match self.regulator.step(&p.regulator, day, outcry, baseline) {
            Some(Action::Outcry { due }) => observer.event(&Event {
                day,
                kind: EventKind::Outcry,
                offering: None,
                size: outcry,
                detail: format!("sustained outcry; regulation due on day {due}"),
            }),
            Some(Action::Regulation { from, to }) => {
                self.hold_floor();
                observer.event(&Event {
                    day,
                    kind: EventKind::Regulation,
                    offering: None,
                    size: to,
                    detail: format!("security floor {from:.4} -> {to:.4} after outcry"),
                });
            }
            None => {}
        }

        // 8. Report.
        self.adoption_history.push(adoption);
        record.adoption = adoption;
        record.baseline = self.baseline();
        record.floor = self.regulator.floor;
        record.fear = self.attention.fear;
        record.attention_threshold = self.attention.threshold(&p.attention);
        record.outcry = outcry;
        record.security_churn = churned.iter().sum::<usize>() as f64 / n;
        record.harmed = harmed as f64 / n;
        let offerings: Vec<OfferingDay> = self
            .vendors
            .iter()
            .enumerate()
            .map(|(j, v)| OfferingDay {
                users: self.population.members(j).len() as f64 / n,
                security: v.security(),
                security_churn: churned[j] as f64 / n,
            })
            .collect();
        observer.day(&record, &offerings);
        self.day += 1;
        true
    }

    /// Reports the outcome of every incident that happened `OUTCOME_DAYS` ago or earlier.
    fn report_outcomes(&mut self, observer: &mut impl Observer) {
        while let Some(incident) = self.incident_log.get(self.next_outcome) {
            if incident.day + OUTCOME_DAYS > self.day {
                break;
            }
            if incident.victims > 0 {
                observer.event(&Event {
                    day: self.day,
                    kind: EventKind::IncidentOutcome,
                    offering: Some(incident.offering),
                    size: incident.abandoned as f64 / incident.victims as f64,
                    detail: format!(
                        "incident_day={} records={:.6e} victims={} abandoned={}",
                        incident.day, incident.records, incident.victims, incident.abandoned
                    ),
                });
            }
            self.next_outcome += 1;
        }
    }

    fn start_intervention(
        &mut self,
        intervention: &Intervention,
        shocks: &mut Vec<(f64, Option<usize>)>,
        observer: &mut impl Observer,
    ) {
        let (offering, size, detail) = match *intervention {
            Intervention::Shock { size, offering, .. } => {
                shocks.push((size, offering));
                (offering, size, format!("shock incident of {size:.4e} records"))
            }
            Intervention::Regulation { floor, .. } => {
                let (from, to) = self.regulator.impose(floor);
                self.hold_floor();
                (None, floor, format!("exogenous regulation: floor {from:.4} -> {to:.4}"))
            }
            Intervention::Advocacy { end, strength, .. } => (
                None,
                strength,
                format!("advocacy until day {end}: perceived risk x {:.4}", 1.0 + strength),
            ),
            Intervention::HeroicVendor { offering, security, .. } => {
                if let Some(v) = self.vendors.get_mut(offering) {
                    v.heroic = v.heroic.max(security);
                    v.hold(self.regulator.floor);
                }
                (
                    Some(offering),
                    security,
                    format!("heroic vendor holds security >= {security:.4}"),
                )
            }
            Intervention::CheaperSecurity { tax_factor, .. } => {
                self.tax_factor *= tax_factor;
                (None, tax_factor, format!("cheaper security: tax x {tax_factor:.4}"))
            }
            Intervention::Disclosure { threshold_drop, .. } => {
                self.attention.disclosure += threshold_drop;
                (
                    None,
                    threshold_drop,
                    format!("disclosure: attention threshold -{threshold_drop:.4}"),
                )
            }
        };
        observer.event(&Event {
            day: self.day,
            kind: EventKind::Intervention,
            offering,
            size,
            detail: format!("{}: {detail}", intervention.kind()),
        });
    }

    fn hold_floor(&mut self) {
        let floor = self.regulator.floor;
        for v in &mut self.vendors {
            v.hold(floor);
        }
    }

    fn largest_offering(&self) -> usize {
        (0..self.vendors.len())
            .max_by_key(|&j| (self.population.members(j).len(), std::cmp::Reverse(j)))
            .unwrap_or(0)
    }

    /// Excitement on `day` with momentum from the adoption history.
    fn excitement(&self, day: u32) -> f64 {
        let e = &self.parameters.excitement;
        let window = e.momentum_window_days.max(1) as usize;
        let h = &self.adoption_history;
        let growth = match h.len() {
            0 => 0.0,
            len => {
                let back = len.saturating_sub(1 + window);
                (h[len - 1] - h[back]) * 365.0 / window as f64
            }
        };
        market::excitement(e, day, growth)
    }

    fn update_terms(&mut self, excitement: f64) {
        let awareness = self.parameters.security.risk_awareness + self.attention.fear;
        self.update_terms_with(excitement, awareness, 1.0);
    }

    fn update_terms_with(&mut self, excitement: f64, awareness: f64, advocacy: f64) {
        let p = self.parameters;
        let tax = p.security.tax * self.tax_factor;
        self.terms.clear();
        for (o, v) in p.offerings.iter().zip(&self.vendors) {
            let c = market::capability(o.capability, o.capability_growth, self.day);
            self.terms
                .push(Terms::new(v.security(), c, excitement, tax, awareness, advocacy));
        }
    }

    fn baseline(&self) -> f64 {
        let mut weighted = 0.0;
        let mut users = 0usize;
        for (j, v) in self.vendors.iter().enumerate() {
            let m = self.population.members(j).len();
            weighted += m as f64 * v.security();
            users += m;
        }
        let b = if users > 0 {
            weighted / users as f64
        } else {
            self.vendors.iter().map(Vendor::security).sum::<f64>() / self.vendors.len().max(1) as f64
        };
        b.max(self.regulator.floor)
    }

    /// Current risk-to-value ratio of `user` (reliance counts only for adopters).
    fn ratio(&self, user: u32) -> f32 {
        let u = user as usize;
        let fear = self.population.fear(user, self.day, self.log_fear_decay);
        let base = self.population.ratio[u] * (1.0 + fear);
        if self.population.offering[u] == NO_OFFERING {
            base
        } else {
            let tenure = (self.day - self.population.adopted_day[u]) as f32;
            base / (1.0 + self.reliance.at(tenure))
        }
    }

    /// An incident of `records` on offering `target`; returns the simulated users harmed.
    fn incident(&mut self, records: f64, target: usize, record: &mut DayRecord, observer: &mut impl Observer) -> usize {
        let p = self.parameters;
        let day = self.day;
        let target = target.min(self.vendors.len() - 1);
        let scale = self.population.len() as f64 / p.run.population;
        let members = self.population.members(target).len();
        let harmed = incidents::harmed_users(records, scale, members, &mut self.harm_rng);
        self.victims.clear();
        let members = self.population.members(target);
        self.victims.extend(
            index::sample(&mut self.harm_rng, members.len(), harmed)
                .into_iter()
                .map(|i| members[i]),
        );
        let victims = std::mem::take(&mut self.victims);
        self.incident_log.push(IncidentRecord {
            day,
            offering: target,
            records,
            victims: victims.len() as u32,
            abandoned: 0,
        });
        let incident_id = self.incident_log.len() as u32;
        for (k, &victim) in victims.iter().enumerate() {
            if let Some(&ahead) = victims.get(k + PREFETCH_FAR) {
                prefetch_at(&self.victim_of, ahead as usize);
            }
            self.victim_of[victim as usize] = incident_id;
        }
        let harm = p.users.harm_fear as f32;
        let word_of_mouth = p.users.word_of_mouth_fear as f32;
        for (k, &victim) in victims.iter().enumerate() {
            self.prefetch_victim(&victims, k, target, word_of_mouth > 0.0);
            self.frighten(victim, harm);
            if word_of_mouth > 0.0 {
                for k in 0..self.network.neighbours(victim).len() {
                    let neighbour = self.network.neighbours(victim)[k];
                    self.frighten(neighbour, word_of_mouth);
                }
            }
        }
        self.victims = victims;
        let loss = records * p.attack.loss_per_record;
        record.incidents += 1;
        record.loss += loss;
        observer.event(&Event {
            day,
            kind: EventKind::Incident,
            offering: Some(target),
            size: records,
            detail: format!("{harmed} users harmed; loss {loss:.4e}"),
        });
        if let Some(excess) = self.attention.notice(&p.attention, records) {
            record.news += 1;
            observer.event(&Event {
                day,
                kind: EventKind::News,
                offering: Some(target),
                size: excess,
                detail: format!(
                    "incident of {records:.4e} records is news; public fear {:.4}",
                    self.attention.fear
                ),
            });
        }
        harmed
    }

    /// Prefetches, in stages, what frightening the victims ahead of victim `k` will touch: the
    /// victims' state and rows first, then their bucket slots and neighbour lists, then their
    /// neighbours' state, then the neighbours' bucket slots. Changes no result.
    #[inline]
    fn prefetch_victim(&self, victims: &[u32], k: usize, target: usize, neighbours: bool) {
        if let Some(&v) = victims.get(k + PREFETCH_FAR) {
            self.population.prefetch(v);
            self.index.prefetch(target, v, false);
            self.network.prefetch(v, false);
        }
        if let Some(&v) = victims.get(k + PREFETCH_MID) {
            self.index.prefetch(target, v, true);
            self.network.prefetch(v, true);
        }
        if !neighbours {
            return;
        }
        if let Some(&v) = victims.get(k + PREFETCH_NEAR) {
            for &n in self.network.neighbours(v) {
                self.population.prefetch(n);
                self.index.prefetch(target, n, false);
            }
        }
        if let Some(&v) = victims.get(k + PREFETCH_NEAREST) {
            for &n in self.network.neighbours(v) {
                let o = self.population.offering[n as usize];
                if o != NO_OFFERING {
                    self.index.prefetch(o as usize, n, true);
                }
            }
        }
    }

    /// Prefetches, in stages, what a possible flip (adoption, switch, abandonment) of the users
    /// ahead of user `k` will touch: their state, membership and rows first, then their list
    /// slots and neighbour lists, then their neighbours' counts. Changes no result.
    #[inline]
    fn prefetch_flip(&self, users: &[u32], k: usize) {
        if let Some(&v) = users.get(k + PREFETCH_FAR) {
            self.population.prefetch(v);
            self.population.prefetch_membership(v, false);
            self.network.prefetch(v, false);
        }
        if let Some(&v) = users.get(k + PREFETCH_MID) {
            self.population.prefetch_membership(v, true);
            self.network.prefetch(v, true);
        }
        if let Some(&v) = users.get(k + PREFETCH_NEAR) {
            for &n in self.network.neighbours(v) {
                self.population.prefetch_counts(n);
                self.calendar.prefetch(n);
            }
        }
    }

    /// Raises `user`'s fear, re-filing an adopter under its new ratio.
    fn frighten(&mut self, user: u32, jump: f32) {
        self.population.frighten(user, self.day, self.log_fear_decay, jump);
        let o = self.population.offering[user as usize];
        if o != NO_OFFERING {
            let x = self.ratio(user);
            self.index.remove(o as usize, user);
            self.index.insert(o as usize, user, x);
        }
    }

    /// Adopters of `j` above its tolerable ratio leave; returns how many (security churn).
    fn reevaluate(&mut self, j: usize) -> usize {
        let threshold = self.terms[j].tolerable_ratio();
        let mut due = std::mem::take(&mut self.scratch);
        self.index.drain_at_or_above(j, threshold, &mut due);
        let mut churned = 0;
        for (k, &user) in due.iter().enumerate() {
            self.prefetch_flip(&due, k);
            let x = self.ratio(user);
            if x <= threshold {
                self.index.insert(j, user, x);
                continue;
            }
            churned += 1;
            match market::best_offering(&self.terms, x, Some(j)) {
                Some(k) => {
                    let adopted = self.population.adopted_day[user as usize] as f64;
                    self.vendors[j].tenure_sum -= adopted;
                    self.vendors[k].tenure_sum += adopted;
                    self.population.set_offering(user, k as u8);
                    self.index.insert(k, user, x);
                }
                None => self.abandon(user, j),
            }
        }
        self.scratch = due;
        churned
    }

    fn innovate(&mut self) {
        let non_adopters = self.population.non_adopters().len();
        if non_adopters == 0 {
            return;
        }
        let mut rate = self.innovation_per_day;
        if self.parameters.network.kind == NetworkKind::None {
            let n = self.population.len() as f64;
            rate += self.imitation_per_day * (n - non_adopters as f64) / n;
        }
        let probability = 1.0 - (-rate).exp();
        let count = Binomial::new(non_adopters as u64, probability)
            .map(|d| d.sample(&mut self.adoption_rng))
            .unwrap_or(0) as usize;
        if count == 0 {
            return;
        }
        let mut chosen = std::mem::take(&mut self.scratch);
        chosen.clear();
        let pool = self.population.non_adopters();
        chosen.extend(
            index::sample(&mut self.adoption_rng, non_adopters, count)
                .into_iter()
                .map(|i| pool[i]),
        );
        for (k, &user) in chosen.iter().enumerate() {
            self.prefetch_flip(&chosen, k);
            self.consider(user);
        }
        self.scratch = chosen;
    }

    fn imitate(&mut self) {
        let mut due = std::mem::take(&mut self.scratch);
        self.calendar.take_due(self.day, &mut due);
        for (k, &user) in due.iter().enumerate() {
            self.prefetch_flip(&due, k);
            if self.population.offering[user as usize] == NO_OFFERING && !self.consider(user) {
                self.reschedule(user);
            }
        }
        self.scratch = due;
    }

    /// A non-adopter weighs the offerings; returns whether it adopted.
    fn consider(&mut self, user: u32) -> bool {
        if self.population.offering[user as usize] != NO_OFFERING {
            return false;
        }
        let x = self.ratio(user);
        match market::best_offering(&self.terms, x, None) {
            Some(j) => {
                self.adopt(user, j, x);
                true
            }
            None => false,
        }
    }

    fn adopt(&mut self, user: u32, j: usize, x: f32) {
        let day = self.day;
        self.population.set_offering(user, j as u8);
        self.population.adopted_day[user as usize] = day;
        self.vendors[j].tenure_sum += day as f64;
        self.index.insert(j, user, x);
        self.calendar.cancel(user);
        self.tell_neighbours(user, true);
    }

    fn abandon(&mut self, user: u32, j: usize) {
        let harmed_by = std::mem::take(&mut self.victim_of[user as usize]);
        if let Some(incident) = harmed_by
            .checked_sub(1)
            .and_then(|i| self.incident_log.get_mut(i as usize))
        {
            if self.day < incident.day + OUTCOME_DAYS {
                incident.abandoned += 1;
            }
        }
        self.vendors[j].tenure_sum -= self.population.adopted_day[user as usize] as f64;
        self.population.set_offering(user, NO_OFFERING);
        self.tell_neighbours(user, false);
        self.reschedule(user);
    }

    /// Keeps neighbours' adopting counts current and redraws their consideration days.
    fn tell_neighbours(&mut self, user: u32, adopted: bool) {
        for k in 0..self.network.neighbours(user).len() {
            let neighbour = self.network.neighbours(user)[k];
            let count = &mut self.population.adopting_neighbours[neighbour as usize];
            if adopted {
                *count += 1;
            } else {
                *count = count.saturating_sub(1);
            }
            if self.population.offering[neighbour as usize] == NO_OFFERING {
                self.reschedule(neighbour);
            }
        }
    }

    /// Draws the next imitation consideration of a non-adopter from its current rate.
    fn reschedule(&mut self, user: u32) {
        let adopting = self.population.adopting_neighbours[user as usize];
        let degree = self.network.degree(user);
        if adopting == 0 || degree == 0 || self.imitation_per_day <= 0.0 {
            self.calendar.cancel(user);
            return;
        }
        let rate = self.imitation_per_day * adopting as f64 / degree as f64;
        let u: f64 = 1.0 - self.adoption_rng.random::<f64>();
        let wait = geometric_wait(rate, u);
        self.calendar
            .schedule(user, self.day.saturating_add(1).saturating_add(wait));
    }
}
