//! `discover`: PRIM scenario discovery (as the EMA Workbench implements it) on a sweep or
//! `leverage --draws` folder, or on points the caller gives: the factor ranges where a
//! condition on an outcome holds.

use crate::destination::Destination;
use crate::error::CommandError;
use esplab_experiment::discovery::{Condition, PrimSettings};
use esplab_output::discovery_files::{discover, read_points, write_discovery, Discovery};
use serde_json::json;
use std::path::PathBuf;

pub use esplab_output::discovery_files::{Outcome as PointOutcome, Points};

/// Where the points come from.
#[derive(Debug, Clone)]
pub enum PointsFrom {
    /// A sweep or `leverage --draws` folder.
    Folder(PathBuf),
    /// Points given as they are.
    Given(Points),
}

/// A discovery.
#[derive(Debug, Clone)]
pub struct Request {
    pub points: PointsFrom,
    /// `METRIC > X` (or `>=`, `<`, `<=`).
    pub condition: String,
    /// The density a chosen box must reach, in (0, 1].
    pub threshold: f64,
    pub peel_alpha: f64,
    pub paste_alpha: f64,
    pub mass_min: f64,
    /// The step of the trajectory to report (default: the chosen one).
    pub step: Option<usize>,
    /// Where to write the folder; `None`: nowhere.
    pub destination: Option<Destination>,
}

/// What PRIM found.
pub struct Found {
    pub points: Points,
    pub condition: Condition,
    pub settings: PrimSettings,
    pub discovery: Discovery,
    pub dir: Option<PathBuf>,
}

impl Request {
    /// Checks the settings, reads the points, runs PRIM and writes the folder.
    pub fn run(self) -> Result<Found, CommandError> {
        let condition: Condition = self
            .condition
            .parse()
            .map_err(|message: String| CommandError::field("where", &self.condition, message))?;
        for (field, value, top) in [
            ("threshold", self.threshold, "1]"),
            ("peel_alpha", self.peel_alpha, "1)"),
            ("paste_alpha", self.paste_alpha, "1)"),
            ("mass_min", self.mass_min, "1)"),
        ] {
            if !(value > 0.0 && (value < 1.0 || (value == 1.0 && top == "1]"))) {
                return Err(CommandError::field(field, value, format!("must lie in (0, {top}")));
            }
        }
        let settings = PrimSettings {
            threshold: self.threshold,
            peel_alpha: self.peel_alpha,
            paste_alpha: self.paste_alpha,
            mass_min: self.mass_min,
        };
        let (points, source) = match self.points {
            PointsFrom::Folder(dir) => (
                read_points(&dir).map_err(|e| CommandError::Failed(e.to_string()))?,
                Some(dir),
            ),
            PointsFrom::Given(points) => (points, None),
        };
        let discovery = discover(&points, &condition, &settings, self.step).map_err(|message| {
            match message.strip_prefix("step ") {
                Some(rest) => {
                    let (value, reason) = rest.split_once(": ").unwrap_or((rest, ""));
                    CommandError::field("step", value, reason)
                }
                None => CommandError::field("where", format!("{:?}", self.condition), message),
            }
        })?;
        let dir = match (&self.destination, &source) {
            (Some(d), Some(source)) => {
                let stem = source
                    .file_name()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_else(|| "folder".into());
                Some(d.folder(&format!("{stem}-discover"))?)
            }
            (Some(d), None) => Some(d.folder("points-discover")?),
            (None, _) => None,
        };
        if let Some(dir) = &dir {
            let run_settings = json!({
                "source": source.as_ref().map(|s| s.display().to_string()),
                "source_command": points.command,
                "source_manifest_sha256": points.manifest_sha256,
                "scenario": points.scenario,
                "condition": condition.to_string(),
                "threshold": settings.threshold,
                "peel_alpha": settings.peel_alpha,
                "paste_alpha": settings.paste_alpha,
                "mass_min": settings.mass_min,
                "step": self.step,
            });
            write_discovery(dir, &discovery, run_settings).map_err(|e| CommandError::Output {
                action: "write the results into",
                dir: dir.clone(),
                source: e,
            })?;
        }
        Ok(Found {
            points,
            condition,
            settings,
            discovery,
            dir,
        })
    }
}
