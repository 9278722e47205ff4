//! `esplab scenarios` (the presets, one preset, or the parameter reference) and `esplab schema`.

use crate::options::ScenariosArgs;
use crate::shared::usage;
use anyhow::Result;
use esplab_scenario::{presets, reference};
use std::process::ExitCode;

/// `esplab scenarios`.
pub fn scenarios(args: ScenariosArgs) -> Result<ExitCode> {
    if args.parameters {
        print!("{}", reference::parameters_markdown());
    } else if let Some(name) = args.show {
        match presets::text(&name) {
            Some(text) => print!("{text}"),
            None => {
                return usage(format!(
                    "--show {name}: no such preset; presets: {}",
                    presets::names().join(", ")
                ))
            }
        }
    } else {
        let list = presets::list();
        let width = list.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, description) in list {
            println!("{name:<width$}  {description}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `esplab schema`: the JSON Schema of scenario files.
pub fn schema() -> Result<ExitCode> {
    println!("{}", serde_json::to_string_pretty(&reference::json_schema())?);
    Ok(ExitCode::SUCCESS)
}
