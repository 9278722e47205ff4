//! Dose-response of the levers: each pulled at several intensities, beside the range of
//! intensity seen in the world (`data/lever_intensities.csv`), with the intensity needed to
//! raise the long-run share by a given amount and the actors who can pull each lever.
//!
//! The real ranges are public figures with their sources (a lever whose intensity no public
//! figure measures says so and has none). Each lever's doses are its standard grid with the ends
//! of its real range added, so the effect over the real range is measured, not interpolated.

use crate::leverage::{Lever, LeverEffect};
use esplab_model::InterventionKind;
use std::collections::BTreeMap;

/// The shipped real ranges (`data/lever_intensities.csv`).
pub const SHIPPED_INTENSITIES: &str = include_str!("../../../data/lever_intensities.csv");

/// The rise of the long-run share a dose-response asks the intensity for.
pub const TARGET_RISE: f64 = 0.05;

/// The range of a lever's intensity seen in the world.
#[derive(Debug, Clone, PartialEq)]
pub struct RealRange {
    pub kind: InterventionKind,
    /// The low and high ends, in the lever's unit; `None` when no public figure measures them.
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// The preset the range was read against, when it depends on one.
    pub scenario: Option<String>,
    /// Who can pull the lever.
    pub actor: String,
    /// What each end is.
    pub low_case: String,
    pub high_case: String,
    pub sources: String,
    /// How the figures were read, or why there are none.
    pub how: String,
}

impl RealRange {
    /// Both ends, when sourced.
    pub fn ends(&self) -> Option<(f64, f64)> {
        self.low.zip(self.high)
    }
}

/// The real ranges of every lever, from the shipped file.
pub fn real_ranges() -> Vec<RealRange> {
    parse(SHIPPED_INTENSITIES).expect("the shipped data/lever_intensities.csv is valid (a test reads it)")
}

/// The real ranges in a file of `data/lever_intensities.csv`'s columns; an error names the line
/// and column.
pub fn parse(text: &str) -> Result<Vec<RealRange>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut ranges = Vec::new();
    for (i, record) in reader.deserialize::<BTreeMap<String, String>>().enumerate() {
        let line = i + 2;
        let row = record.map_err(|e| format!("line {line}: {e}"))?;
        let field = |name: &str| row.get(name).cloned().unwrap_or_default();
        let kind = InterventionKind::from_name(&field("lever")).ok_or_else(|| {
            format!(
                "line {line}: column `lever`: value `{}`; allowed: {}",
                field("lever"),
                InterventionKind::NAMES.join(", ")
            )
        })?;
        let number = |name: &str| -> Result<Option<f64>, String> {
            let text = field(name);
            if text.is_empty() {
                return Ok(None);
            }
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
                _ => Err(format!(
                    "line {line}: column `{name}`: value `{text}`; allowed: a number, 0 or more, or empty"
                )),
            }
        };
        let (low, high) = (number("low")?, number("high")?);
        if let (Some(l), Some(h)) = (low, high) {
            if l > h {
                return Err(format!(
                    "line {line}: column `low`: value `{l}`; allowed: at most `high` ({h})"
                ));
            }
        }
        let scenario = Some(field("scenario")).filter(|s| !s.is_empty());
        ranges.push(RealRange {
            kind,
            low,
            high,
            scenario,
            actor: field("actor"),
            low_case: field("low_case"),
            high_case: field("high_case"),
            sources: field("source_urls"),
            how: field("how"),
        });
    }
    Ok(ranges)
}

/// The standard doses of a lever of `kind`, in its unit: from a tenth of its standard size or
/// less to the top of what the intervention allows.
pub fn grid(kind: InterventionKind) -> &'static [f64] {
    match kind {
        InterventionKind::Advocacy => &[0.1, 0.25, 0.5, 1.0, 2.0],
        InterventionKind::HeroicVendor => &[0.2, 0.4, 0.6, 0.8, 0.999],
        InterventionKind::CheaperSecurity => &[0.1, 0.25, 0.5, 0.75, 1.0],
        InterventionKind::Liability => &[0.1, 0.25, 0.5, 0.75, 1.0],
        InterventionKind::Procurement => &[0.01, 0.05, 0.1, 0.3, 0.5],
        InterventionKind::Disclosure => &[0.25, 0.5, 1.0, 1.5, 2.5],
        InterventionKind::Shock => &[0.1, 0.3, 1.0, 3.0, 10.0],
        InterventionKind::Regulation => &[0.1, 0.25, 0.5, 0.75, 0.999],
    }
}

/// The doses of `kind`: its [`grid`] with the positive ends of its real range, in order.
pub fn doses(kind: InterventionKind, real: Option<&RealRange>) -> Vec<f64> {
    let mut doses: Vec<f64> = grid(kind).to_vec();
    if let Some(r) = real {
        doses.extend([r.low, r.high].into_iter().flatten().filter(|&v| v > 0.0));
    }
    doses.sort_by(f64::total_cmp);
    doses.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    doses
}

/// Every lever of `kinds` at each of its [`doses`], pulled from `start`; `heroic` names the
/// heroic vendor's offering. In kind order, doses ascending.
pub fn dosed_levers(kinds: &[InterventionKind], ranges: &[RealRange], start: u32, heroic: &str) -> Vec<Lever> {
    kinds
        .iter()
        .flat_map(|&kind| {
            let real = ranges.iter().find(|r| r.kind == kind);
            doses(kind, real)
                .into_iter()
                .map(move |size| Lever::new(kind, size, start, heroic))
        })
        .collect()
}

/// One lever's dose-response curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub kind: InterventionKind,
    /// Each dose and its effect, doses ascending.
    pub points: Vec<(f64, LeverEffect)>,
    /// The intensity at which the estimated curve first reaches [`TARGET_RISE`] (straight lines
    /// between doses, from no effect at no dose); `None`: not within the doses.
    pub needed: Option<f64>,
    pub real: Option<RealRange>,
}

impl Curve {
    /// The effect at `dose`, one of the curve's doses; `None` when it is not one of them (a dose
    /// of zero pulls nothing: its effect is zero by definition).
    pub fn effect_at(&self, dose: f64) -> Option<&LeverEffect> {
        self.points
            .iter()
            .find(|(d, _)| (d - dose).abs() < 1e-9)
            .map(|(_, e)| e)
    }

    /// Whether `dose` lies in the real range.
    pub fn in_real_range(&self, dose: f64) -> bool {
        self.real
            .as_ref()
            .and_then(RealRange::ends)
            .is_some_and(|(l, h)| dose >= l - 1e-9 && dose <= h + 1e-9)
    }
}

/// The curves of `levers` (as [`dosed_levers`] made them) from their effects in lever order
/// ([`crate::leverage::effects`]).
pub fn curves(levers: &[Lever], effects: &[LeverEffect], ranges: &[RealRange]) -> Vec<Curve> {
    let mut curves: Vec<Curve> = Vec::new();
    for effect in effects {
        let lever = &levers[effect.lever];
        if curves.last().is_none_or(|c| c.kind != lever.kind) {
            curves.push(Curve {
                kind: lever.kind,
                points: Vec::new(),
                needed: None,
                real: ranges.iter().find(|r| r.kind == lever.kind).cloned(),
            });
        }
        if let Some(curve) = curves.last_mut() {
            curve.points.push((lever.size, effect.clone()));
        }
    }
    for curve in &mut curves {
        let estimates: Vec<(f64, f64)> = curve.points.iter().map(|(d, e)| (*d, e.effect.estimate)).collect();
        curve.needed = needed(&estimates, TARGET_RISE);
    }
    curves
}

/// The least dose at which the straight lines through `(0, 0)` and `points` (doses ascending,
/// estimates) first reach `rise`; `None` when they never do.
pub fn needed(points: &[(f64, f64)], rise: f64) -> Option<f64> {
    let mut previous = (0.0, 0.0);
    for &(dose, effect) in points {
        if effect >= rise {
            let (d0, e0) = previous;
            if e0 >= rise {
                return Some(d0);
            }
            return Some(d0 + (dose - d0) * (rise - e0) / (effect - e0));
        }
        previous = (dose, effect);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_ranges_cover_every_lever_within_its_doses() {
        let ranges = real_ranges();
        let mut kinds: Vec<&str> = ranges.iter().map(|r| r.kind.name()).collect();
        kinds.sort();
        let mut all = InterventionKind::NAMES.to_vec();
        all.sort();
        assert_eq!(kinds, all, "one row per lever");
        for r in &ranges {
            assert!(
                !r.actor.is_empty() && !r.sources.is_empty() && !r.how.is_empty(),
                "{r:?}"
            );
            match r.ends() {
                Some((low, high)) => {
                    assert!(!r.low_case.is_empty() && !r.high_case.is_empty(), "{r:?}");
                    let top = *grid(r.kind).last().unwrap();
                    assert!(high <= top.max(1.0) + 1e-9 && low <= high, "{r:?}");
                }
                None => assert!(r.how.starts_with("Not sourced"), "an unsourced range says so: {r:?}"),
            }
        }
    }

    #[test]
    fn doses_are_the_grid_and_the_real_ends_in_order() {
        let regulation = real_ranges()
            .into_iter()
            .find(|r| r.kind == InterventionKind::Regulation);
        let d = doses(InterventionKind::Regulation, regulation.as_ref());
        assert_eq!(d, vec![0.1, 0.216, 0.25, 0.5, 0.75, 0.999]);
        assert!(d.len() >= 5);
        let levers = dosed_levers(&[InterventionKind::Shock, InterventionKind::Liability], &[], 10, "a");
        assert_eq!(levers[1].size, 0.3);
        assert_eq!(levers.len(), 10);
        assert!(levers[..5].iter().all(|l| l.kind == InterventionKind::Shock));
        assert_eq!(levers[5].size, 0.1);
    }

    #[test]
    fn the_needed_dose_is_read_off_the_straight_lines() {
        assert_eq!(needed(&[(1.0, 0.1)], 0.05), Some(0.5));
        assert_eq!(needed(&[(1.0, 0.02), (2.0, 0.08)], 0.05), Some(1.5));
        assert_eq!(needed(&[(1.0, 0.02), (2.0, 0.04)], 0.05), None);
        assert_eq!(needed(&[(1.0, 0.06), (2.0, 0.01)], 0.05), Some(1.0 * 0.05 / 0.06));
        assert_eq!(needed(&[(1.0, -0.1)], 0.05), None);
    }

    #[test]
    fn a_bad_row_is_refused_with_its_line_and_column() {
        let head = "lever,low,high,unit,scenario,actor,low_case,high_case,source_urls,how\n";
        let e = parse(&format!("{head}prayer,,,,,,,,,\n")).unwrap_err();
        assert!(e.contains("line 2: column `lever`: value `prayer`"), "{e}");
        let e = parse(&format!("{head}shock,2,1,,,,,,,\n")).unwrap_err();
        assert!(e.contains("column `low`"), "{e}");
        let e = parse(&format!("{head}shock,-1,1,,,,,,,\n")).unwrap_err();
        assert!(e.contains("value `-1`"), "{e}");
    }
}
