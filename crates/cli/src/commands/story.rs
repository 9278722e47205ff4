//! `esplab story`: what happened in a run and why, in plain sentences, on standard output.

use crate::options::StoryArgs;
use anyhow::{bail, Context, Result};
use esplab_output::analysis_files::run_story;
use std::process::ExitCode;

pub fn story(args: StoryArgs) -> Result<ExitCode> {
    let dir = &args.dir;
    if dir.join("runs.csv").exists() {
        bail!(
            "{} is an ensemble folder; a story is told of one run (esplab run)",
            dir.display()
        );
    }
    let paragraphs = run_story(dir).with_context(|| format!("cannot tell the story of {}", dir.display()))?;
    println!("{}", paragraphs.join("\n\n"));
    Ok(ExitCode::SUCCESS)
}
