//! The setup of a leverage experiment: the day the levers are pulled, the heroic vendor's
//! offering, and the arms (the base, then each standard lever pulled).

use crate::leverage::{standard_levers, Lever};
use crate::run::replicate_while;
use esplab_model::{DayRecord, Event, InterventionKind, Observer, OfferingDay, Parameters};

/// A leverage setting that does not fit the scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeverError {
    #[error("start day {start}: must be before the end of the horizon ({days} days)")]
    StartAfterHorizon { start: u32, days: u32 },
    #[error("heroic offering {name}: not an offering of the scenario; offerings: {offerings}")]
    UnknownOffering { name: String, offerings: String },
}

/// A leverage experiment on one scenario.
#[derive(Debug, Clone)]
pub struct LeverSetup {
    /// The day every lever is pulled.
    pub start: u32,
    /// Index of the heroic vendor's offering.
    pub heroic: usize,
    /// Its name.
    pub heroic_name: String,
    /// The standard levers, in order.
    pub levers: Vec<Lever>,
    /// The base, then the base with each lever pulled.
    pub arms: Vec<Parameters>,
}

impl LeverSetup {
    /// Levers pulled on `start` (default: a fifth into the horizon), the heroic vendor being
    /// `heroic` (default: the minority offering, see [`minority_offering`]).
    pub fn new(base: &Parameters, start: Option<u32>, heroic: Option<&str>) -> Result<Self, LeverError> {
        Self::with(base, start, heroic, standard_levers)
    }

    /// As [`Self::new`], with the levers `levers(start, heroic name)` rather than the standard
    /// ones (each at several doses, say).
    pub fn with(
        base: &Parameters,
        start: Option<u32>,
        heroic: Option<&str>,
        levers: impl FnOnce(u32, &str) -> Vec<Lever>,
    ) -> Result<Self, LeverError> {
        let start = start_day(base, start)?;
        let (heroic, heroic_name) = heroic_offering(base, start, heroic)?;
        let levers = levers(start, &heroic_name);
        let arms = std::iter::once(base.clone())
            .chain(levers.iter().map(|l| l.apply(base, start, heroic)))
            .collect();
        Ok(Self {
            start,
            heroic,
            heroic_name,
            levers,
            arms,
        })
    }

    /// The arms as references, the base first.
    pub fn arm_refs(&self) -> Vec<&Parameters> {
        self.arms.iter().collect()
    }
}

/// The standard lever named `name` and the base with it pulled on `start` (default: a fifth
/// into the horizon); `None` when no lever has that name (they are
/// [`InterventionKind::NAMES`]). Only the heroic vendor's lever runs the base to find the
/// minority offering.
pub fn pull(base: &Parameters, start: Option<u32>, name: &str) -> Result<Option<(Lever, Parameters)>, LeverError> {
    let Some(kind) = InterventionKind::from_name(name) else {
        return Ok(None);
    };
    let start = start_day(base, start)?;
    let (heroic, heroic_name) = match kind {
        InterventionKind::HeroicVendor => heroic_offering(base, start, None)?,
        _ => (0, String::new()),
    };
    let lever = standard_levers(start, &heroic_name)
        .into_iter()
        .find(|l| l.kind == kind)
        .expect("every intervention kind is a standard lever");
    let pulled = lever.apply(base, start, heroic);
    Ok(Some((lever, pulled)))
}

/// `start`, or a fifth into the horizon; refused past its end.
fn start_day(base: &Parameters, start: Option<u32>) -> Result<u32, LeverError> {
    let days = base.run.days();
    let start = start.unwrap_or(days / 5);
    if start >= days {
        return Err(LeverError::StartAfterHorizon { start, days });
    }
    Ok(start)
}

/// The heroic vendor's offering (index, name): `heroic`, or the minority offering on `start`.
fn heroic_offering(base: &Parameters, start: u32, heroic: Option<&str>) -> Result<(usize, String), LeverError> {
    let heroic_name = heroic
        .map(str::to_string)
        .or_else(|| {
            base.offerings
                .get(minority_offering(base, start))
                .map(|o| o.name.clone())
        })
        .unwrap_or_default();
    match base.offerings.iter().position(|o| o.name == heroic_name) {
        Some(heroic) => Ok((heroic, heroic_name)),
        None => {
            let names: Vec<&str> = base.offerings.iter().map(|o| o.name.as_str()).collect();
            Err(LeverError::UnknownOffering {
                name: heroic_name,
                offerings: names.join(", "),
            })
        }
    }
}

/// The offering with the fewest users, among those with any, on day `start` of the base's first
/// run (the default heroic vendor: a minority vendor, whose effect is not its market share).
/// With no adopters by then, the last offering.
pub fn minority_offering(base: &Parameters, start: u32) -> usize {
    struct Shares(Vec<f64>);
    impl Observer for Shares {
        fn day(&mut self, _: &DayRecord, offerings: &[OfferingDay]) {
            self.0 = offerings.iter().map(|o| o.users).collect();
        }
        fn event(&mut self, _: &Event) {}
    }
    let mut shares = Shares(Vec::new());
    replicate_while(base, base.run.seed, 0, &mut shares, |day| day < start);
    shares
        .0
        .iter()
        .enumerate()
        .filter(|(_, &w)| w > 0.0)
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map_or(base.offerings.len().saturating_sub(1), |(j, _)| j)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_heroic_vendor_is_the_minority_offering() {
        let mut base = Parameters::default();
        base.run.users = 5_000;
        base.users.initial_adoption = 0.3;
        let strong = esplab_model::OfferingParameters {
            name: "strong".into(),
            capability: 2.0,
            ..Default::default()
        };
        let weak = esplab_model::OfferingParameters {
            name: "weak".into(),
            capability: 1.2,
            security: 0.9,
            ..Default::default()
        };
        base.offerings = vec![strong, weak];
        let setup = LeverSetup::new(&base, Some(100), None).unwrap();
        assert_eq!(setup.heroic_name, "weak");
        base.offerings.reverse();
        assert_eq!(LeverSetup::new(&base, Some(100), None).unwrap().heroic_name, "weak");
    }

    #[test]
    fn defaults_and_refusals() {
        let mut base = Parameters::default();
        base.run.users = 2_000;
        let days = base.run.days();
        let setup = LeverSetup::new(&base, None, None).unwrap();
        assert_eq!(setup.start, days / 5);
        assert_eq!(
            (setup.heroic, setup.heroic_name.as_str()),
            (0, base.offerings[0].name.as_str()),
            "a single offering is the minority"
        );
        assert_eq!(setup.arms.len(), setup.levers.len() + 1);
        assert_eq!(setup.arms[0], base);
        assert!(setup.arms[1..]
            .iter()
            .all(|a| a.interventions.len() == base.interventions.len() + 1));
        assert_eq!(
            LeverSetup::new(&base, Some(days), None).unwrap_err(),
            LeverError::StartAfterHorizon { start: days, days }
        );
        let e = LeverSetup::new(&base, None, Some("nope")).unwrap_err();
        assert!(e.to_string().contains(&base.offerings[0].name), "{e}");
        if let Some(second) = base.offerings.get(1) {
            assert_eq!(LeverSetup::new(&base, None, Some(&second.name)).unwrap().heroic, 1);
        }
    }

    #[test]
    fn one_lever_pulled_alone_is_the_setup_arm() {
        let mut base = Parameters::default();
        base.run.users = 2_000;
        let setup = LeverSetup::new(&base, Some(50), None).unwrap();
        for (l, lever) in setup.levers.iter().enumerate() {
            let (alone, pulled) = pull(&base, Some(50), lever.name()).unwrap().unwrap();
            assert_eq!(&alone, lever);
            assert_eq!(pulled, setup.arms[l + 1]);
        }
        assert_eq!(pull(&base, None, "prayer"), Ok(None));
        assert!(matches!(
            pull(&base, Some(base.run.days()), "shock"),
            Err(LeverError::StartAfterHorizon { .. })
        ));
    }
}
