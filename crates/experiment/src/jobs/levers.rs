//! The setup of a leverage experiment: the day the levers are pulled, the heroic vendor's
//! offering, and the arms (the base, then each standard lever pulled).

use crate::leverage::{standard_levers, Lever};
use esplab_model::Parameters;

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
    /// `heroic` (default: the first offering).
    pub fn new(base: &Parameters, start: Option<u32>, heroic: Option<&str>) -> Result<Self, LeverError> {
        let days = base.run.days();
        let start = start.unwrap_or(days / 5);
        if start >= days {
            return Err(LeverError::StartAfterHorizon { start, days });
        }
        let heroic_name = heroic
            .map(str::to_string)
            .or_else(|| base.offerings.first().map(|o| o.name.clone()))
            .unwrap_or_default();
        let Some(heroic) = base.offerings.iter().position(|o| o.name == heroic_name) else {
            let names: Vec<&str> = base.offerings.iter().map(|o| o.name.as_str()).collect();
            return Err(LeverError::UnknownOffering {
                name: heroic_name,
                offerings: names.join(", "),
            });
        };
        let levers = standard_levers(start, &heroic_name);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_refusals() {
        let base = Parameters::default();
        let days = base.run.days();
        let setup = LeverSetup::new(&base, None, None).unwrap();
        assert_eq!(setup.start, days / 5);
        assert_eq!(
            (setup.heroic, setup.heroic_name.as_str()),
            (0, base.offerings[0].name.as_str())
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
}
