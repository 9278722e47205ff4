//! `story`: a run told in sentences from its data (the jumps' chains of events).

use crate::error::CommandError;
use esplab_output::analysis_files::run_story;
use std::path::Path;

/// The paragraphs of the story of the run folder `dir`.
pub fn story(dir: &Path) -> Result<Vec<String>, CommandError> {
    if dir.join("runs.csv").exists() {
        return Err(CommandError::Failed(format!(
            "{} is an ensemble folder; a story is told of one run (esplab run)",
            dir.display()
        )));
    }
    run_story(dir).map_err(|e| CommandError::Failed(format!("cannot tell the story of {}: {e}", dir.display())))
}
