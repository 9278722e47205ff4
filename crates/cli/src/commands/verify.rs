//! `esplab verify DIR`: checks that an output folder is whole (every file the manifest lists,
//! with its size and SHA-256) and, for runs and ensembles, re-runs what it records and confirms
//! the bytes. Exits 1 when anything differs.

use crate::options::VerifyArgs;
use crate::shared::{stop, warn};
use anyhow::Result;
use esplab_commands::threads::executor;
use esplab_commands::verify::verify as verify_folder;
use esplab_scenario::Spelling;
use std::process::ExitCode;

pub fn verify(args: VerifyArgs) -> Result<ExitCode> {
    let executor = executor(args.threads)?;
    let v = verify_folder(&args.dir, args.sample, &executor, Spelling::Cli, stop())?;
    warn(&v.warnings)?;
    if v.problems.is_empty() {
        let rerun = match v.reruns {
            Some(count) => format!(
                "{count} re-run{} compared and identical",
                if count == 1 { "" } else { "s" }
            ),
            None => "not re-run (only run and ensemble folders are)".to_string(),
        };
        println!(
            "{}: verified: {} files match the manifest's checksums; {rerun}",
            v.dir.display(),
            v.files
        );
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{}: {} problem(s):", v.dir.display(), v.problems.len());
        for p in &v.problems {
            eprintln!("  {p}");
        }
        Ok(ExitCode::FAILURE)
    }
}
