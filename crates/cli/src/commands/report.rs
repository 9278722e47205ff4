//! `esplab report`: the HTML report of an output folder, and optionally its charts as files.

use crate::options::ReportArgs;
use anyhow::{Context, Result};
use esplab_output::atomic;
use std::process::ExitCode;

pub fn report(args: ReportArgs) -> Result<ExitCode> {
    let report = esplab_report::report(&args.dir)?;
    let output = args.output.clone().unwrap_or_else(|| args.dir.join("report.html"));
    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    atomic::write(&output, report.html().as_bytes()).with_context(|| format!("cannot write {}", output.display()))?;
    let mut written = vec![output.display().to_string()];
    if let Some(format) = args.format.as_deref() {
        let folder = output.parent().unwrap_or(std::path::Path::new(".")).join("figures");
        std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
        for figure in report.figures() {
            let path = folder.join(format!("{}.{format}", figure.name));
            let bytes = if format == "png" {
                esplab_report::png::png(&figure.svg, 2.0, &path.display().to_string())?
            } else {
                figure.svg.clone().into_bytes()
            };
            atomic::write(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
        }
        written.push(format!(
            "{} {format} charts in {}",
            report.figures().count(),
            folder.display()
        ));
    }
    if !args.quiet {
        println!(
            "esplab report: {} ({} charts) -> {}",
            report.title,
            report.figures().count(),
            written.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
