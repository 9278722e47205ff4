//! `esplab discover`: PRIM scenario discovery on a sweep or `leverage --draws` folder.

use crate::options::DiscoverArgs;
use crate::shared::{output_folder, usage};
use anyhow::{Context, Result};
use esplab_experiment::discovery::{Condition, PrimSettings};
use esplab_output::discovery_files::{discover as find, read_points, write_discovery};
use serde_json::json;
use std::process::ExitCode;

/// `esplab discover`.
pub fn discover(args: DiscoverArgs) -> Result<ExitCode> {
    let condition: Condition = match args.condition.parse() {
        Ok(c) => c,
        Err(message) => return usage(format!("--where: {message}")),
    };
    for (flag, value, top) in [
        ("--threshold", args.threshold, "1]"),
        ("--peel-alpha", args.peel_alpha, "1)"),
        ("--paste-alpha", args.paste_alpha, "1)"),
        ("--mass-min", args.mass_min, "1)"),
    ] {
        if !(value > 0.0 && (value < 1.0 || (value == 1.0 && top == "1]"))) {
            return usage(format!("{flag} {value}: must lie in (0, {top}"));
        }
    }
    let settings = PrimSettings {
        threshold: args.threshold,
        peel_alpha: args.peel_alpha,
        paste_alpha: args.paste_alpha,
        mass_min: args.mass_min,
    };
    let points = read_points(&args.dir)?;
    let found = match find(&points, &condition, &settings, args.step) {
        Ok(found) => found,
        Err(message) if message.starts_with("step ") => return usage(format!("--{message}")),
        Err(message) => return usage(format!("--where {:?}: {message}", args.condition)),
    };
    let stem = args
        .dir
        .file_name()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "folder".into());
    let dir = output_folder(args.out.as_deref(), &format!("{stem}-discover"), args.force)?;
    let run_settings = json!({
        "source": args.dir.display().to_string(),
        "source_command": points.command,
        "source_manifest_sha256": points.manifest_sha256,
        "scenario": points.scenario,
        "condition": condition.to_string(),
        "threshold": settings.threshold,
        "peel_alpha": settings.peel_alpha,
        "paste_alpha": settings.paste_alpha,
        "mass_min": settings.mass_min,
        "step": args.step,
    });
    write_discovery(&dir, &found, run_settings)
        .with_context(|| format!("cannot write the results into {}", dir.display()))?;
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
