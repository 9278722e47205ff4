//! Typed parameters of the model, grouped by mechanism, with the reference defaults.
//!
//! Every field documents its unit. Allowed ranges and the provenance of each default are stated
//! in `docs/model.md`; the scenario crate enforces the ranges when it reads a file.

/// All parameters of one simulation run.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameters {
    pub run: RunParameters,
    pub users: UserParameters,
    pub network: NetworkParameters,
    pub adoption: AdoptionParameters,
    pub excitement: ExcitementParameters,
    pub security: SecurityParameters,
    pub attack: AttackParameters,
    pub attention: AttentionParameters,
    pub vendors: VendorParameters,
    pub regulator: RegulatorParameters,
    pub standard: StandardParameters,
    pub offerings: Vec<OfferingParameters>,
    pub interventions: Vec<Intervention>,
}

/// Size, horizon and seed of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunParameters {
    /// Simulated users (agents).
    pub users: u32,
    /// Horizon in years of 365 days.
    pub years: f64,
    /// Master seed of every random stream of the run.
    pub seed: u64,
    /// Real-world people the whole simulated population stands for (persons). Incident sizes
    /// are in real-world records; `population / users` real people stand behind each agent.
    pub population: f64,
    /// Calendar date of day 0, if the scenario names one. Labels outputs only.
    pub start_date: Option<crate::StartDate>,
}

impl RunParameters {
    /// Number of simulated days: `ceil(years * 365)`, at least one.
    pub fn days(&self) -> u32 {
        ((self.years * 365.0).ceil() as u32).max(1)
    }
}

/// Heterogeneity and psychology of users.
#[derive(Debug, Clone, PartialEq)]
pub struct UserParameters {
    /// Median of the log-normal value `v_i` a user sees in the technology (value units).
    pub value_median: f64,
    /// Standard deviation of `ln v_i`.
    pub value_spread: f64,
    /// Median of the log-normal risk sensitivity `k_i` (value units per unit of risk).
    pub risk_sensitivity_median: f64,
    /// Standard deviation of `ln k_i`.
    pub risk_sensitivity_spread: f64,
    /// Share of users adopting on day 0 (those of them for whom value beats risk).
    pub initial_adoption: f64,
    /// Half-life of personal fear `rho_i` (days).
    pub fear_half_life_days: f64,
    /// Jump of personal fear of a user harmed by an incident (dimensionless).
    pub harm_fear: f64,
    /// Jump of personal fear of each social neighbour of a harmed user (word of mouth).
    pub word_of_mouth_fear: f64,
    /// Reliance reached after long use: perceived value is multiplied by `1 + reliance`.
    pub reliance_max: f64,
    /// Time scale over which reliance grows with tenure (days).
    pub reliance_days: f64,
    /// Rate at which an adopter reconsiders its offering for value (per year; 0: never).
    pub rechoice: f64,
    /// Gain, as a share of its current offering's value term, an adopter needs to switch.
    pub switching_cost: f64,
    /// Standard deviation of the log of a user's taste for each offering (0: no tastes, users
    /// differ only by their risk-to-value ratio).
    pub taste_spread: f64,
}

/// Shape of the social graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkKind {
    /// Ring lattice with random rewiring (small world).
    WattsStrogatz,
    /// Preferential attachment (scale-free degrees).
    BarabasiAlbert,
    /// No graph: imitation follows the population-wide adoption share, no word of mouth.
    None,
}

impl NetworkKind {
    /// The scenario-file spelling of each kind.
    pub const NAMES: [&'static str; 3] = ["watts-strogatz", "barabasi-albert", "none"];

    /// The scenario-file spelling of this kind.
    pub fn name(self) -> &'static str {
        match self {
            Self::WattsStrogatz => Self::NAMES[0],
            Self::BarabasiAlbert => Self::NAMES[1],
            Self::None => Self::NAMES[2],
        }
    }

    /// Parses the scenario-file spelling.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "watts-strogatz" => Some(Self::WattsStrogatz),
            "barabasi-albert" => Some(Self::BarabasiAlbert),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// Social graph parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkParameters {
    pub kind: NetworkKind,
    /// Mean degree (even for Watts–Strogatz; `degree / 2` links per new node for Barabási–Albert).
    pub degree: u32,
    /// Watts–Strogatz rewiring probability.
    pub rewiring: f64,
}

/// Bass-like adoption rates.
#[derive(Debug, Clone, PartialEq)]
pub struct AdoptionParameters {
    /// Innovation rate `p` (per year).
    pub innovation: f64,
    /// Imitation rate `q` (per year), multiplied by the share of adopting neighbours.
    pub imitation: f64,
}

/// Excitement `E(t)`: exogenous hype curve plus adoption momentum.
#[derive(Debug, Clone, PartialEq)]
pub struct ExcitementParameters {
    /// Excitement without hype or momentum.
    pub base: f64,
    /// Height of the Gaussian hype bump.
    pub hype_peak: f64,
    /// Day of the hype peak.
    pub hype_peak_day: f64,
    /// Standard deviation of the hype bump (days).
    pub hype_width_days: f64,
    /// Weight of adoption momentum (per unit of annualised adoption-share growth).
    pub momentum: f64,
    /// Window over which adoption growth is measured (days).
    pub momentum_window_days: u32,
}

/// What security measures, the security tax and background risk perception.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityParameters {
    /// The control an offering's security measures: its security is the share of its
    /// deployments that meet it ("MCP servers that require authentication"). Empty for a thought
    /// experiment that names none. A label: the dynamics never read it.
    pub control: String,
    /// Share of value lost at full security (friction, slower features): value × (1 − tax × s).
    pub tax: f64,
    /// Background risk awareness `r0` added to public fear.
    pub risk_awareness: f64,
}

/// Attack pressure, incident sizes and losses.
#[derive(Debug, Clone, PartialEq)]
pub struct AttackParameters {
    /// Incidents per day on an offering used by `reference_population` people at zero
    /// security.
    pub rate: f64,
    /// Real population (persons) at which `rate` and `disclosure_rate` hold: an offering used
    /// by `n` real people sees the rates times `(n / reference_population)^adoption_elasticity`,
    /// so a technology of a thousand people is attacked less than one of a hundred million.
    pub reference_population: f64,
    /// Exponent on an offering's user share (attackers go where users are).
    pub adoption_elasticity: f64,
    /// Exponent on `1 − security`.
    pub security_elasticity: f64,
    /// Mean of log10(records) of an incident.
    pub size_log10_mean: f64,
    /// Standard deviation of log10(records).
    pub size_log10_sd: f64,
    /// Loss per record (currency units).
    pub loss_per_record: f64,
    /// Vulnerabilities disclosed per day (without victims) on an offering used by
    /// `reference_population` people at zero security; they follow the attack law's shares and
    /// exponents.
    pub disclosure_rate: f64,
    /// Days after its disclosure that an unfixed vulnerability is exploited (an incident).
    pub exploit_days: u32,
    /// Half-life (days) of the share of deployments that have not applied a shipped fix; 0:
    /// every deployment applies it the day it ships.
    pub patch_half_life_days: f64,
    /// Share of deployments that never apply a shipped fix.
    pub never_patched: f64,
}

impl AttackParameters {
    /// Share of a flaw's deployments still unpatched `days` after its fix shipped:
    /// `never_patched + (1 − never_patched) 2^(−days / patch_half_life_days)` (only
    /// `never_patched` without a half-life).
    pub fn unpatched(&self, days: f64) -> f64 {
        let patching = if self.patch_half_life_days > 0.0 {
            (-days.max(0.0) / self.patch_half_life_days).exp2()
        } else {
            0.0
        };
        self.never_patched + (1.0 - self.never_patched) * patching
    }
}

/// News, habituation and public fear.
#[derive(Debug, Clone, PartialEq)]
pub struct AttentionParameters {
    /// Resting attention threshold on log10(records): incidents above it make the news.
    pub threshold: f64,
    /// Rise of the threshold per news item (log10 units).
    pub habituation: f64,
    /// Half-life of habituation (days).
    pub habituation_half_life_days: f64,
    /// Public fear added per log10 unit by which a news item exceeds the threshold.
    pub fear_per_news: f64,
    /// Half-life of public fear (days).
    pub fear_half_life_days: f64,
}

/// How vendors set their security.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorStrategy {
    /// The version-1 ESP rule: erode under excitement and reliance, raise when security churn
    /// crosses a tolerance (docs/model.md §6).
    Reactive,
    /// Security as a costly stock chosen by weighing revenue, costs, losses and rivals
    /// (docs/model.md §7).
    Economic,
    /// A null model of vendors: raises at random times (`random_raise_rate` per year), each by a
    /// size drawn from the economic raises, and depreciation in between (docs/model.md §7).
    Random,
}

impl VendorStrategy {
    /// The scenario-file spelling of each strategy.
    pub const NAMES: [&'static str; 3] = ["reactive", "economic", "random"];

    /// The scenario-file spelling of this strategy.
    pub fn name(self) -> &'static str {
        match self {
            Self::Reactive => Self::NAMES[0],
            Self::Economic => Self::NAMES[1],
            Self::Random => Self::NAMES[2],
        }
    }

    /// Parses the scenario-file spelling.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "reactive" => Some(Self::Reactive),
            "economic" => Some(Self::Economic),
            "random" => Some(Self::Random),
            _ => None,
        }
    }
}

/// The vendors' behaviour, shared by every offering: the strategy, the parameters of the
/// reactive rule, and the economics of the economic strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorParameters {
    pub strategy: VendorStrategy,
    /// Security churn (share of users lost to risk within the window) a vendor tolerates.
    pub tolerance: f64,
    /// Window over which a vendor watches security churn (days).
    pub churn_window_days: u32,
    /// Daily erosion rate of discretionary security at excitement 1 and no reliance (per day).
    pub erosion: f64,
    /// Exponent of excitement in the erosion rate.
    pub excitement_erosion: f64,
    /// Weight of reliance at the mean tenure of the offering's users in the erosion rate.
    pub reliance_erosion: f64,
    /// Raise, as a share of the remaining gap `1 − s`, per unit of churn / tolerance.
    pub raise_gain: f64,
    /// Largest single raise as a share of the gap `1 − s`.
    pub raise_max: f64,
    /// Share of a raise that becomes institutional practice.
    pub institutional_share: f64,
    /// Daily erosion rate of institutional security (per day).
    pub institutional_erosion: f64,
    /// Economic: revenue per real user per year (currency units).
    pub price: f64,
    /// Economic: yearly cost per real user of holding security `s`, `security_cost s^2` at cost
    /// index 1 (currency units).
    pub security_cost: f64,
    /// Economic: one-off cost per real user of a security programme (a raise), at cost index 1
    /// (currency units).
    pub programme_cost: f64,
    /// Economic: yearly decay rate of security the vendor stops maintaining (per year).
    pub depreciation: f64,
    /// Economic: days between a vendor's reviews of its security.
    pub review_days: u32,
    /// Economic: horizon over which a vendor weighs a choice (years).
    pub planning_years: f64,
    /// Economic: half-life of a vendor's memory of its security churn and losses (days).
    pub memory_days: f64,
    /// Share of incident losses the vendor bears (liability).
    pub liability: f64,
    /// Economic: yearly decline of the cost index as tooling matures (per year).
    pub cost_decline: f64,
    /// Economic: cost of fixing one disclosed vulnerability, at cost index 1 (currency units).
    pub fix_cost: f64,
    /// Economic: days a vendor needs to ship a fix it decides on.
    pub fix_days: u32,
    /// Random: raises per year, at random times.
    pub random_raise_rate: f64,
}

/// Outcry-driven regulation.
#[derive(Debug, Clone, PartialEq)]
pub struct RegulatorParameters {
    /// Whether outcry can enact regulation at all.
    pub enabled: bool,
    /// Outcry (public fear × adoption share) that counts as an outcry day.
    pub outcry_threshold: f64,
    /// Consecutive outcry days that start a regulation.
    pub outcry_days: u32,
    /// Days from the outcry to the regulation taking effect.
    pub lag_days: u32,
    /// Share of the deployments not yet required to meet the control that a regulation brings
    /// under the requirement ([`crate::regulator`]).
    pub coverage: f64,
    /// Days from a regulation taking effect to its deadline, over which deployments comply.
    pub compliance_days: u32,
    /// Losses per real person on the regulator's agenda that start a regulation (currency
    /// units; 0: quiet losses are never answered).
    pub agenda_threshold: f64,
    /// Half-life of losses on the agenda (days).
    pub agenda_half_life_days: f64,
}

/// The protocol steward: revisions of the standard after salient security events
/// ([`crate::standard`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StandardParameters {
    /// Whether a standards body revises the standard at all.
    pub enabled: bool,
    /// Salient security events (incidents in the news and every disclosed flaw), faded, that
    /// start a revision.
    pub pressure_threshold: f64,
    /// Half-life of the pressure (days).
    pub pressure_half_life_days: f64,
    /// Days from the start of a draft to the revision's publication.
    pub lag_days: u32,
    /// Share of the deployments not yet meeting the control that a revision brings under it.
    pub uptake: f64,
}

/// One competing offering (vendor) of the technology.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferingParameters {
    pub name: String,
    /// The deployments the offering stands for, whose share meeting the control is its
    /// security ("remote MCP servers of hosted agent platforms"). A label: the dynamics never
    /// read it.
    pub deployments: String,
    /// Capability on day 0 (value multiplier).
    pub capability: f64,
    /// Capability growth (per year, compounded).
    pub capability_growth: f64,
    /// Security on day 0, in [0, 1): the share of its deployments meeting the control.
    pub security: f64,
    /// Days for the share of deployments meeting the control to close 63% (1 − 1/e) of the gap
    /// to a level its vendor decided (0: at once, as a hosted platform can enforce; months for
    /// an open ecosystem whose operators adopt on their own time).
    pub rollout_days: f64,
}

/// A scheduled intervention. Days count from 0.
#[derive(Debug, Clone, PartialEq)]
pub enum Intervention {
    /// An incident of `size` records on `day`, hitting `offering` (or the largest one). It harms
    /// `harmed` real people among the offering's users (`None`: one per record); an outage that
    /// cuts off people who are not the offering's users has far fewer harmed than records.
    Shock {
        day: u32,
        size: f64,
        offering: Option<usize>,
        harmed: Option<f64>,
    },
    /// Exogenous regulation from `day` requiring the control of `floor` of every offering's
    /// deployments, complied with over `regulator.compliance_days`.
    Regulation { day: u32, floor: f64 },
    /// Rooftop advocacy: every user's perceived risk × (1 + strength) on days [start, end).
    Advocacy { start: u32, end: u32, strength: f64 },
    /// A heroic vendor holding `offering` at `security` or more from `start` on.
    HeroicVendor { start: u32, offering: usize, security: f64 },
    /// Cheaper security (open tooling, standards): the security tax × `tax_factor` from `day`.
    CheaperSecurity { day: u32, tax_factor: f64 },
    /// Disclosure rules: the attention threshold lowered by `threshold_drop` from `day`.
    Disclosure { day: u32, threshold_drop: f64 },
    /// Liability: vendors bear at least `share` of incident losses from `day`.
    Liability { day: u32, share: f64 },
    /// Procurement: from `day`, a `share` of users (enterprise buyers) use only offerings whose
    /// security is at least `minimum`.
    Procurement { day: u32, share: f64, minimum: f64 },
}

/// Kinds of interventions, declared once: their spelling in scenario files follows from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterventionKind {
    Shock,
    Regulation,
    Advocacy,
    HeroicVendor,
    CheaperSecurity,
    Disclosure,
    Liability,
    Procurement,
}

impl InterventionKind {
    /// Every kind, in the order of their declaration.
    pub const ALL: [InterventionKind; 8] = [
        Self::Shock,
        Self::Regulation,
        Self::Advocacy,
        Self::HeroicVendor,
        Self::CheaperSecurity,
        Self::Disclosure,
        Self::Liability,
        Self::Procurement,
    ];

    /// Every spelling, in the order of [`Self::ALL`].
    pub const NAMES: [&'static str; 8] = {
        let mut names = [""; 8];
        let mut i = 0;
        while i < names.len() {
            names[i] = Self::ALL[i].name();
            i += 1;
        }
        names
    };

    /// The scenario-file spelling.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Shock => "shock",
            Self::Regulation => "regulation",
            Self::Advocacy => "advocacy",
            Self::HeroicVendor => "heroic-vendor",
            Self::CheaperSecurity => "cheaper-security",
            Self::Disclosure => "disclosure",
            Self::Liability => "liability",
            Self::Procurement => "procurement",
        }
    }

    /// The kind spelled `name` in scenario files.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl Intervention {
    /// This intervention's kind.
    pub fn kind(&self) -> InterventionKind {
        match self {
            Self::Shock { .. } => InterventionKind::Shock,
            Self::Regulation { .. } => InterventionKind::Regulation,
            Self::Advocacy { .. } => InterventionKind::Advocacy,
            Self::HeroicVendor { .. } => InterventionKind::HeroicVendor,
            Self::CheaperSecurity { .. } => InterventionKind::CheaperSecurity,
            Self::Disclosure { .. } => InterventionKind::Disclosure,
            Self::Liability { .. } => InterventionKind::Liability,
            Self::Procurement { .. } => InterventionKind::Procurement,
        }
    }

    /// First day on which the intervention acts.
    pub fn start(&self) -> u32 {
        match *self {
            Self::Shock { day, .. }
            | Self::Regulation { day, .. }
            | Self::CheaperSecurity { day, .. }
            | Self::Disclosure { day, .. }
            | Self::Liability { day, .. }
            | Self::Procurement { day, .. } => day,
            Self::Advocacy { start, .. } | Self::HeroicVendor { start, .. } => start,
        }
    }
}

impl Default for Parameters {
    fn default() -> Self {
        Self {
            run: RunParameters {
                users: 100_000,
                years: 5.0,
                seed: 1,
                population: 10_000_000.0,
                start_date: None,
            },
            users: UserParameters {
                value_median: 1.0,
                value_spread: 0.5,
                risk_sensitivity_median: 0.6,
                risk_sensitivity_spread: 0.8,
                initial_adoption: 0.002,
                fear_half_life_days: 90.0,
                harm_fear: 4.0,
                word_of_mouth_fear: 0.5,
                reliance_max: 1.0,
                reliance_days: 365.0,
                rechoice: 0.0,
                switching_cost: 0.1,
                taste_spread: 0.0,
            },
            network: NetworkParameters {
                kind: NetworkKind::WattsStrogatz,
                degree: 8,
                rewiring: 0.1,
            },
            adoption: AdoptionParameters {
                innovation: 0.03,
                imitation: 0.38,
            },
            excitement: ExcitementParameters {
                base: 1.0,
                hype_peak: 0.0,
                hype_peak_day: 365.0,
                hype_width_days: 365.0,
                momentum: 0.0,
                momentum_window_days: 90,
            },
            security: SecurityParameters {
                control: String::new(),
                tax: 0.5,
                risk_awareness: 1.0,
            },
            attack: AttackParameters {
                rate: 1.0,
                reference_population: 10_000_000.0,
                adoption_elasticity: 1.0,
                security_elasticity: 2.0,
                size_log10_mean: 3.5,
                size_log10_sd: 1.2,
                loss_per_record: 165.0,
                disclosure_rate: 0.0,
                exploit_days: 30,
                patch_half_life_days: 0.0,
                never_patched: 0.0,
            },
            attention: AttentionParameters {
                threshold: 6.0,
                habituation: 0.25,
                habituation_half_life_days: 180.0,
                fear_per_news: 1.0,
                fear_half_life_days: 7.0,
            },
            vendors: VendorParameters {
                strategy: VendorStrategy::Reactive,
                tolerance: 0.02,
                churn_window_days: 30,
                erosion: 0.002,
                excitement_erosion: 1.0,
                reliance_erosion: 1.0,
                raise_gain: 0.1,
                raise_max: 0.5,
                institutional_share: 0.5,
                institutional_erosion: 0.0001,
                price: 100.0,
                security_cost: 100.0,
                programme_cost: 5.0,
                depreciation: 0.5,
                review_days: 30,
                planning_years: 2.0,
                memory_days: 180.0,
                liability: 0.0,
                cost_decline: 0.0,
                fix_cost: 100_000.0,
                fix_days: 7,
                random_raise_rate: 2.0,
            },
            regulator: RegulatorParameters {
                enabled: true,
                outcry_threshold: 0.25,
                outcry_days: 7,
                lag_days: 370,
                coverage: 0.5,
                compliance_days: 540,
                agenda_threshold: 0.0,
                agenda_half_life_days: 1095.0,
            },
            standard: StandardParameters {
                enabled: false,
                pressure_threshold: 3.0,
                pressure_half_life_days: 90.0,
                lag_days: 90,
                uptake: 0.3,
            },
            offerings: vec![OfferingParameters::default()],
            interventions: Vec::new(),
        }
    }
}

impl Default for OfferingParameters {
    fn default() -> Self {
        Self {
            name: "offering".to_string(),
            deployments: String::new(),
            capability: 1.0,
            capability_growth: 0.0,
            security: 0.3,
            rollout_days: 0.0,
        }
    }
}
