//! ARCHITECTURE.md's invariants that can be read off the sources: the model's dependencies are
//! those invariant 1 lists; no front end reaches past `esplab-commands` into the experiment
//! crate; every command that simulates checks memory first (invariant 10).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `.rs` files under `dir`, with their text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = read(&path);
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

/// The names in a Cargo.toml's `[dependencies]` table.
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = read(manifest);
    let mut names: Vec<String> = text
        .split("\n[")
        .find(|section| section.starts_with("dependencies]"))
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter_map(|line| line.split(['=', '.']).next())
        .map(str::trim)
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

#[test]
fn the_model_depends_on_what_invariant_1_lists() {
    let architecture = read(&root().join("ARCHITECTURE.md"));
    let invariant = architecture
        .split("1. **The model is pure.**")
        .nth(1)
        .and_then(|rest| rest.split(". It does no I/O").next())
        .expect("invariant 1 lists the model's dependencies");
    let mut listed: Vec<String> = invariant
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| *name != "esplab-model")
        .map(str::to_string)
        .collect();
    listed.sort();
    assert_eq!(
        dependencies(&root().join("crates/model/Cargo.toml")),
        listed,
        "crates/model/Cargo.toml against ARCHITECTURE.md invariant 1"
    );
}

#[test]
fn no_front_end_reaches_past_the_commands_crate() {
    let mut offences = Vec::new();
    for front in ["crates/cli/src", "crates/python/src"] {
        for (path, text) in sources(&root().join(front)) {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                let past_output = code
                    .match_indices("esplab_output::")
                    .any(|(i, _)| !["table", "atomic"].iter().any(|m| code[i + 15..].starts_with(m)));
                if code.contains("esplab_experiment") || code.contains("jobs::") || past_output {
                    offences.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "front ends call esplab-commands only:\n{}",
        offences.join("\n")
    );
    for manifest in ["crates/cli/Cargo.toml", "crates/python/Cargo.toml"] {
        let deps = dependencies(&root().join(manifest));
        assert!(
            !deps.iter().any(|d| d == "esplab-experiment"),
            "{manifest} depends on esplab-experiment: {deps:?}"
        );
    }
}

#[test]
fn every_command_that_simulates_checks_memory_first() {
    // What runs simulations: the executor, the journaled batches, a run or a simulation.
    let simulates = [
        "executor.run(",
        ".in_order(",
        " paired(",
        "run_batches(",
        "job.run(",
        "esplab_model::run(",
        "Simulation::new",
        " sample(&",
        ".outlooks(",
    ];
    // The machinery the commands call (they check memory before calling it).
    let machinery = [
        "lib.rs",
        "journaled.rs",
        "replicates.rs",
        "draws.rs",
        "machine_memory.rs",
        "outlooks.rs",
    ];
    let mut checked = 0;
    for (path, text) in sources(&root().join("crates/commands/src")) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if machinery.contains(&name) || !simulates.iter().any(|s| text.contains(s)) {
            continue;
        }
        let runs_at = simulates.iter().filter_map(|s| text.find(s)).min().unwrap_or(0);
        let checks_at = text.find("machine_memory::ensure(");
        assert!(
            checks_at.is_some_and(|c| c < runs_at),
            "{} simulates without checking memory first (machine_memory::ensure)",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} command modules were found to simulate");
}
