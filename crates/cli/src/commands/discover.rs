//! `esplab discover`: PRIM scenario discovery on a sweep or `leverage --draws` folder.

use crate::options::DiscoverArgs;
use crate::shared::destination;
use anyhow::Result;
use esplab_commands::discover::{PointsFrom, Request};
use std::process::ExitCode;

/// `esplab discover`.
pub fn discover(args: DiscoverArgs) -> Result<ExitCode> {
    let request = Request {
        points: PointsFrom::Folder(args.dir.clone()),
        condition: args.condition.clone(),
        threshold: args.threshold,
        peel_alpha: args.peel_alpha,
        paste_alpha: args.paste_alpha,
        mass_min: args.mass_min,
        step: args.step,
        destination: destination(args.out.as_deref(), args.force, false),
    };
    let done = request.run()?;
    let (points, condition, settings, found) = (&done.points, &done.condition, &done.settings, &done.discovery);
    let dir = done.dir.clone().unwrap_or_default();
    if !args.quiet {
        let trajectory = &found.trajectory;
        let (chosen, s) = (found.step, &trajectory.steps[found.step]);
        let n = trajectory.points;
        println!(
            "esplab discover: {} of {n} {}s of {} meet {condition} ({:.0}%)",
            found.of_interest,
            points.unit,
            points.scenario,
            100.0 * found.of_interest as f64 / n as f64
        );
        println!(
            "  PRIM trajectory: {} boxes; {} step {chosen}: coverage {:.2}, density {:.2}, mass {:.2}{}",
            trajectory.steps.len(),
            if args.step.is_some() { "asked" } else { "chosen" },
            s.coverage,
            s.density,
            s.mass,
            if s.density >= settings.threshold {
                String::new()
            } else {
                format!(" (below the density threshold {})", settings.threshold)
            }
        );
        let restricted = s.restricted(&trajectory.initial);
        if restricted.is_empty() {
            println!("  the box restricts no factor");
        } else {
            println!(
                "  {:<30} {:>11} {:>11}   {:>11} {:>11}   {:>9} {:>9}",
                "factor", "lower", "upper", "data lower", "data upper", "qp lower", "qp upper"
            );
        }
        let qp = |p: Option<f64>| p.map(|p| format!("{p:.1e}")).unwrap_or_else(|| "-".into());
        for j in restricted {
            println!(
                "  {:<30} {:>11.4} {:>11.4}   {:>11.4} {:>11.4}   {:>9} {:>9}",
                points.factors[j],
                s.limits[j][0],
                s.limits[j][1],
                trajectory.initial[j][0],
                trajectory.initial[j][1],
                qp(s.quasi_p[j][0]),
                qp(s.quasi_p[j][1])
            );
        }
        println!(
            "\nresults in {}/ (discovery.json, trajectory.csv, restrictions.csv, points.csv, manifest.json)",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
