//! `esplab story`: what happened in a run and why, in plain sentences, on standard output.

use crate::options::StoryArgs;
use anyhow::Result;
use esplab_commands::story::story as tell;
use std::process::ExitCode;

pub fn story(args: StoryArgs) -> Result<ExitCode> {
    println!("{}", tell(&args.dir)?.join("\n\n"));
    Ok(ExitCode::SUCCESS)
}
