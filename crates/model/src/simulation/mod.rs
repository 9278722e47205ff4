//! One run of the model: state, and the phases of a day in their fixed order.
//!
//! Phases of day `t` (docs/model.md §11), one module each:
//! 1. `interventions`: interventions starting today take effect;
//! 2. public fear and habituation decay; excitement and capabilities are computed (here);
//! 3. `attacks`: incidents (scheduled shocks, then Poisson attacks per offering) harm users,
//!    spread fear by word of mouth, cause losses, and make the news when salient; then
//!    `disclosures`: vulnerabilities disclosed without victims, fixed by vendors who find it
//!    worth it, exploited when left open;
//! 4. `reevaluation`: adopters whose risk-to-value ratio exceeds their offering's tolerable
//!    ratio leave it, switching to another offering or abandoning the technology (security churn);
//!    then `rechoice`: adopters due to reconsider from their calendar switch when a rival is
//!    worth the switching cost;
//! 5. `adoption`: non-adopters consider adopting: innovators drawn in aggregate, imitators from
//!    the calendar;
//! 6. `vendor_decisions`: vendors apply their strategy (the reactive ESP rule, or the economic
//!    review), held at the floor;
//! 7. `regulation`: the regulator tracks outcry and enacts due regulations; then
//!    `standardization`: the standards body counts today's salient events and publishes a due
//!    revision, which each offering's deployments adopt over their roll-out time;
//! 8. `report`: the day is reported.

mod adoption;
mod attacks;
mod disclosures;
mod fear;
mod interventions;
mod look;
mod rechoice;
mod reevaluation;
mod regulation;
mod report;
mod shard;
mod standardization;
#[cfg(test)]
mod testing;
mod vendor_decisions;

pub use look::UserLook;

use crate::attention::Attention;
use crate::calendar::Calendar;
use crate::market::{self, Procurement, Terms};
use crate::network::Network;
use crate::observer::{DayRecord, Observer};
use crate::parallel::for_each_block;
use crate::parameters::Parameters;
use crate::population::{Population, Reliance};
use crate::random::{generator, keyed, Stream, UserDraws, USER_BLOCK};
use crate::regulator::Regulator;
use crate::risk_index::RiskIndex;
use crate::standard::Steward;
use crate::vendors::Vendor;
use rand::seq::index;
use rand_distr::{Distribution, StandardNormal};

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
    /// The standards body.
    steward: Steward,
    /// Draws of imitation waits, keyed by (day, user).
    imitation_draws: UserDraws,
    /// When each adopter next reconsiders its offering (empty unless users reconsider).
    rechoice: Calendar,
    /// Draws of re-choice waits, keyed by (day, user).
    rechoice_draws: UserDraws,
    rechoice_per_day: f64,
    /// Each user's taste for each offering, user-major, as bfloat16 (empty without tastes).
    tastes: Vec<u16>,
    /// The vendors' sample of tastes (`market::taste_sample`).
    taste_sample: Vec<f64>,
    imitation_per_day: f64,
    innovation_per_day: f64,
    tax_factor: f64,
    /// Liability share in force (vendors' share of incident losses).
    liability: f64,
    /// Procurement rules in force (none bind until a procurement intervention starts).
    procurement: Procurement,
    /// Today's awareness plus public fear, times advocacy (`B_j / (1 − s_j)`).
    risk_scale: f64,
    /// Incident losses of each offering today.
    losses_today: Vec<f64>,
    /// Salient security events today: incidents in the news and disclosed flaws.
    salient_today: u32,
    /// Users moved between states today (offerings, then not using), `from * states + to`.
    flows_today: Vec<u64>,
    /// Offerings whose vendor reviews today, out of turn (news about its offering).
    review_now: Vec<bool>,
    /// New adopters since the vendors' last review.
    adoptions_since_review: u64,
    /// Each offering's users per ratio bin, refreshed at reviews.
    histograms: Vec<Vec<f64>>,
    adoption_history: Vec<f64>,
    terms: Vec<Terms>,
    victims: Vec<u32>,
    /// Per user: 1 + index of the last incident that harmed it (0: never harmed).
    victim_of: Vec<u32>,
    /// Disclosed vulnerabilities not yet fixed or exploited.
    flaws: Vec<disclosures::Flaw>,
    /// Every incident so far, for its outcome report.
    incident_log: Vec<IncidentRecord>,
    /// Index of the first incident whose outcome is not yet reported.
    next_outcome: usize,
    /// Per shard of users, its scratch lists (see `shard`).
    scratch: Vec<shard::Scratch>,
    /// Per shard of users, the fear jumps an incident adds to them (see `fear`).
    jumps: Vec<Vec<(u32, f32)>>,
    /// Whether per-user work is spread over the current thread pool.
    parallel: bool,
    /// Visit each phase's users in the reverse of the order they come in (tests of
    /// order-freedom).
    #[cfg(test)]
    descending: bool,
}

/// How many users ahead each prefetch stage of a loop over users looks (`shard`, `fear`,
/// `rechoice`).
const PREFETCH_FAR: usize = 24;
const PREFETCH_MID: usize = 12;
const PREFETCH_NEAR: usize = 6;

/// What is kept of an incident until its outcome is reported.
#[derive(Debug, Clone, Copy)]
struct IncidentRecord {
    day: u32,
    offering: usize,
    records: f64,
    victims: u32,
    abandoned: u32,
}

/// A taste in 16 bits: the upper half of its `f32` (bfloat16: 8 significant bits, rounded to
/// the nearest, ties to even), a relative error below 0.4% where tastes spread by tens of
/// percent. Tastes are positive and finite.
fn pack_taste(taste: f64) -> u16 {
    let bits = (taste as f32).to_bits();
    let rounded = bits + 0x7FFF + ((bits >> 16) & 1);
    (rounded >> 16) as u16
}

/// The taste [`pack_taste`] kept.
#[inline]
fn unpack_taste(packed: u16) -> f64 {
    f64::from(f32::from_bits(u32::from(packed) << 16))
}

/// `user`'s taste for offering `j` in user-major `tastes` of `offerings` per user (1 without
/// tastes).
#[inline]
fn taste_in(tastes: &[u16], offerings: usize, user: u32, j: usize) -> f64 {
    if tastes.is_empty() {
        1.0
    } else {
        unpack_taste(tastes[user as usize * offerings + j])
    }
}

/// What choosing an offering reads besides the user's ratio: today's terms, the tastes and the
/// procurement rules in force. Shared by the shards of a phase.
#[derive(Clone, Copy)]
struct Chooser<'s> {
    terms: &'s [Terms],
    tastes: &'s [u16],
    procurement: Procurement,
    seed: u64,
}

impl Chooser<'_> {
    /// `user`'s taste for offering `j` (1 without tastes).
    #[inline]
    fn taste(&self, user: u32, j: usize) -> f64 {
        taste_in(self.tastes, self.terms.len(), user, j)
    }

    /// Whether procurement rules bind `user`.
    fn bound(&self, user: u32) -> bool {
        self.procurement.binds(self.seed, user)
    }

    /// `user`'s ratio against offering `j`'s tolerable ratio: `x / taste`.
    fn tasted_ratio(&self, user: u32, j: usize, x: f32) -> f32 {
        (x as f64 / self.taste(user, j)) as f32
    }

    /// The offering of highest positive utility for `user` at ratio `x`, skipping `except` and,
    /// for a user bound by procurement rules, every offering they do not admit.
    fn best_for(&self, user: u32, x: f32, except: Option<usize>) -> Option<usize> {
        if self.bound(user) {
            let rules = self.procurement;
            market::best_offering_tasted(self.terms, x, except, |j| {
                if rules.admits(self.terms[j].security) {
                    self.taste(user, j)
                } else {
                    0.0
                }
            })
        } else {
            market::best_offering_tasted(self.terms, x, except, |j| self.taste(user, j))
        }
    }
}

/// Runs the whole horizon of `parameters`, reporting to `observer`.
pub fn run(parameters: &Parameters, observer: &mut impl Observer) {
    let mut simulation = Simulation::new(parameters);
    while simulation.step(observer) {}
}

impl<'a> Simulation<'a> {
    /// Builds the population, graph and vendors, and seeds initial adoption on day 0; the run
    /// does all its work on the calling thread.
    ///
    /// `parameters` must be valid (the scenario crate checks them): in particular one to
    /// [`MAX_OFFERINGS`] offerings.
    ///
    /// # Panics
    ///
    /// If there is no offering.
    pub fn new(parameters: &'a Parameters) -> Self {
        Self::build(parameters, false)
    }

    /// As [`new`](Self::new), but building and each day's per-user work are spread over the
    /// current rayon thread pool (step inside `rayon::ThreadPool::install` to choose it). The
    /// outputs are the same bytes as [`new`](Self::new)'s, for any number of threads: work is cut
    /// into fixed blocks and shards of users, never by the thread count.
    ///
    /// # Panics
    ///
    /// If there is no offering.
    pub fn new_parallel(parameters: &'a Parameters) -> Self {
        Self::build(parameters, true)
    }

    fn build(parameters: &'a Parameters, parallel: bool) -> Self {
        let p = parameters;
        assert!(!p.offerings.is_empty(), "a simulation needs at least one offering");
        let seed = p.run.seed;
        let users = p.run.users;
        let n = users as usize;
        let offerings = p.offerings.len().clamp(1, MAX_OFFERINGS);
        let network = Network::build(users, &p.network, seed, parallel);
        let ln_ratio_median = (p.users.risk_sensitivity_median / p.users.value_median).ln();
        let mut ratio = vec![0f32; n];
        for_each_block(&mut ratio, USER_BLOCK, parallel, |block, ratios| {
            let mut traits = keyed(seed, Stream::Traits, block, 0);
            for r in ratios {
                let zv: f64 = StandardNormal.sample(&mut traits);
                let zk: f64 = StandardNormal.sample(&mut traits);
                *r = (ln_ratio_median + p.users.risk_sensitivity_spread * zk - p.users.value_spread * zv).exp() as f32;
            }
        });
        let mut tastes = vec![0u16; if p.users.taste_spread > 0.0 { n * offerings } else { 0 }];
        for_each_block(&mut tastes, USER_BLOCK * offerings, parallel, |block, tastes| {
            let first = block * USER_BLOCK;
            for (k, taste) in tastes.iter_mut().enumerate() {
                let user = (first + k / offerings) as u32;
                *taste = pack_taste(market::taste(seed, user, k % offerings, p.users.taste_spread));
            }
        });
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
                .map(|o| Vendor::new(o.security, &p.vendors).rolled_out_over(o.rollout_days))
                .collect(),
            attention: Attention::default(),
            regulator: Regulator::default(),
            steward: Steward::default(),
            imitation_draws: UserDraws::new(seed, Stream::Adoption),
            rechoice: if p.users.rechoice > 0.0 {
                Calendar::new(n, days)
            } else {
                Calendar::default()
            },
            rechoice_draws: UserDraws::new(seed, Stream::Rechoice),
            rechoice_per_day: p.users.rechoice / 365.0,
            tastes,
            taste_sample: market::taste_sample(p.users.taste_spread, offerings),
            imitation_per_day: p.adoption.imitation / 365.0,
            innovation_per_day: p.adoption.innovation / 365.0,
            tax_factor: 1.0,
            liability: p.vendors.liability,
            procurement: Procurement::default(),
            risk_scale: 0.0,
            losses_today: vec![0.0; offerings],
            salient_today: 0,
            flows_today: vec![0; (offerings + 1) * (offerings + 1)],
            review_now: vec![false; offerings],
            adoptions_since_review: 0,
            histograms: vec![Vec::new(); offerings],
            adoption_history: Vec::with_capacity(days as usize),
            terms: Vec::with_capacity(offerings),
            victims: Vec::new(),
            victim_of: vec![0; n],
            flaws: Vec::new(),
            incident_log: Vec::new(),
            next_outcome: 0,
            scratch: Vec::new(),
            jumps: Vec::new(),
            parallel,
            #[cfg(test)]
            descending: false,
        };
        simulation.seed_adoption();
        // The launch's adopters are the starting state, not growth a vendor extrapolates.
        simulation.adoptions_since_review = 0;
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
        self.consider_all(&chosen);
    }

    /// Simulates one day; returns false once the horizon is done.
    pub fn step(&mut self, observer: &mut impl Observer) -> bool {
        if self.day >= self.days {
            return false;
        }
        let day = self.day;
        self.report_outcomes(observer);

        // 1. Interventions.
        let shocks = self.start_interventions(observer);
        let advocacy = self.advocacy();

        // 2. Decay and excitement.
        self.attention.decay(&self.parameters.attention);
        let excitement = self.excitement(day);

        // 3. Incidents.
        let mut record = DayRecord {
            day,
            excitement,
            ..DayRecord::default()
        };
        let harmed = self.attacks(shocks, &mut record, observer) + self.disclosures(excitement, &mut record, observer);

        // 4. Adopters re-evaluate.
        let churned = self.reevaluate_all(excitement, advocacy);
        self.rechoose();

        // 5. Adoption.
        self.innovate();
        self.imitate();

        // 6. Vendors.
        self.vendor_decisions(excitement, &churned, observer);

        // 7. Regulator.
        let (adoption, outcry) = self.regulate(observer);
        self.standardize(self.salient_today, observer);

        // 8. Report.
        self.report_day(record, adoption, outcry, harmed, &churned, observer);
        self.day += 1;
        true
    }

    fn hold_floor(&mut self) {
        let floor = self.regulator.floor;
        for v in &mut self.vendors {
            v.hold(floor);
        }
    }

    fn largest_offering(&self) -> usize {
        (0..self.vendors.len())
            .max_by_key(|&j| (self.population.count(j), std::cmp::Reverse(j)))
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
        self.risk_scale = awareness * advocacy;
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
            let m = self.population.count(j);
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

    /// Whether each phase visits its users in reverse (tests of order-freedom).
    #[cfg_attr(not(test), allow(clippy::unused_self))]
    fn reversed(&self) -> bool {
        #[cfg(test)]
        return self.descending;
        #[cfg(not(test))]
        false
    }

    /// Share of users adopting.
    fn adoption_share(&self) -> f64 {
        let adopters: usize = (0..self.vendors.len()).map(|j| self.population.count(j)).sum();
        adopters as f64 / self.population.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parameters::{Intervention, OfferingParameters, VendorStrategy};
    use crate::Recorder;

    /// A competitive market with every per-user mechanism on: tastes, re-choice, disclosures,
    /// economic vendors, a shock and an advocacy campaign.
    fn market(users: u32) -> Parameters {
        let mut p = Parameters::default();
        p.run.users = users;
        p.run.years = 2.0;
        p.run.seed = 11;
        p.users.initial_adoption = 0.01;
        p.users.rechoice = 1.0;
        p.users.taste_spread = 0.3;
        p.adoption.innovation = 0.3;
        p.adoption.imitation = 4.0;
        p.attack.rate = 3.0;
        p.attack.size_log10_mean = 4.5;
        p.attack.disclosure_rate = 0.1;
        p.vendors.strategy = VendorStrategy::Economic;
        p.offerings = ["hosted", "ide", "open"]
            .iter()
            .zip([0.1, 0.2, 0.05])
            .map(|(name, security)| OfferingParameters {
                name: name.to_string(),
                security,
                ..OfferingParameters::default()
            })
            .collect();
        p.interventions = vec![
            Intervention::Shock {
                day: 200,
                size: 3e6,
                offering: None,
                harmed: None,
            },
            Intervention::Advocacy {
                start: 300,
                end: 400,
                strength: 1.0,
            },
        ];
        p
    }

    #[test]
    fn packed_tastes_keep_three_significant_digits() {
        for k in -2000..2000 {
            let taste = (k as f64 * 0.002).exp();
            let kept = unpack_taste(pack_taste(taste));
            assert!((kept / taste - 1.0).abs() <= 1.0 / 256.0, "{taste} kept as {kept}");
        }
        assert_eq!(unpack_taste(pack_taste(1.0)), 1.0);
        assert_eq!(unpack_taste(pack_taste(0.5)), 0.5);
    }

    fn record(parameters: &Parameters, descending: bool) -> Recorder {
        let mut simulation = Simulation::new(parameters);
        simulation.descending = descending;
        let mut recorder = Recorder::default();
        while simulation.step(&mut recorder) {}
        recorder
    }

    /// A run whose per-user work is spread over a pool of `threads` threads.
    fn record_on(parameters: &Parameters, threads: usize) -> Recorder {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let mut simulation = Simulation::new_parallel(parameters);
            let mut recorder = Recorder::default();
            while simulation.step(&mut recorder) {}
            recorder
        })
    }

    #[test]
    fn the_number_of_threads_changes_nothing() {
        // Three shards of users; in tests every incident spreads its fear over the pool.
        let p = market(300_000);
        let alone = record(&p, false);
        assert!(alone.events.len() > 100, "{} events", alone.events.len());
        for threads in [1, 2, 3, 8] {
            let shared = record_on(&p, threads);
            assert!(alone.days == shared.days, "{threads} threads: the days differ");
            assert!(
                alone.offerings == shared.offerings,
                "{threads} threads: the offerings differ"
            );
            assert!(alone.events == shared.events, "{threads} threads: the events differ");
            assert!(alone.flows == shared.flows, "{threads} threads: the flows differ");
        }
    }

    #[test]
    fn the_order_users_are_visited_in_changes_nothing() {
        for users in [3_000, 40_000] {
            let p = market(users);
            let forwards = record(&p, false);
            let backwards = record(&p, true);
            assert!(forwards.events.len() > 100, "{} events", forwards.events.len());
            assert!(forwards.days.last().is_some_and(|d| d.adoption > 0.2));
            assert_eq!(forwards.days, backwards.days);
            assert_eq!(forwards.offerings, backwards.offerings);
            assert_eq!(forwards.events, backwards.events);
            assert_eq!(forwards.flows, backwards.flows);
        }
    }

    #[test]
    fn flows_account_for_every_change_of_the_shares() {
        let p = market(20_000);
        let r = record(&p, false);
        let k = p.offerings.len();
        let states = k + 1;
        let mut switches = 0;
        let mut before = vec![0.0; k];
        for (day, (flows, offerings)) in r.flows.iter().zip(&r.offerings).enumerate() {
            assert_eq!(flows.len(), states * states);
            for (j, o) in offerings.iter().enumerate() {
                let gained: u64 = (0..states).map(|from| flows[from * states + j]).sum();
                let lost: u64 = (0..states).map(|to| flows[j * states + to]).sum();
                let change = (gained as f64 - lost as f64) / 20_000.0;
                assert!((o.users - before[j] - change).abs() < 1e-12, "day {day}, offering {j}");
                switches += (0..k)
                    .filter(|&to| to != j)
                    .map(|to| flows[j * states + to])
                    .sum::<u64>();
            }
            before = offerings.iter().map(|o| o.users).collect();
        }
        assert!(switches > 10, "users switch between offerings: {switches}");
    }
}
