//! What an output folder holds beside what its manifest lists: the walk `verify` uses to find
//! stray files, and `force` to know that everything it would remove is esplab's own.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// Files other commands add to a finished folder, which its manifest does not list: the report
/// (`esplab report`) and the analysis of a run or ensemble (`esplab analyze`).
pub const ADDED_LATER: [&str; 3] = ["manifest.json", "report.html", "analysis.json"];

/// The folder of charts `esplab report --format svg|png` adds beside the report.
pub const FIGURES: &str = "figures";

/// Whether `relative` (a file's path in an output folder) is one other commands add later.
fn added_later(relative: &Path) -> bool {
    let parent = relative.parent().unwrap_or(Path::new(""));
    let name = relative.file_name().unwrap_or_default().to_string_lossy();
    if parent.as_os_str().is_empty() {
        return ADDED_LATER.contains(&name.as_ref());
    }
    parent == Path::new(FIGURES) && (name.ends_with(".svg") || name.ends_with(".png"))
}

/// Whether `name` is a file of work in progress: a journal, the identity of its work and an
/// ensemble's journaled daily series (`.KIND.journal`, `.KIND.plan`,
/// `.ensemble.trajectories`), or a file being written (`.NAME.partial`).
pub fn is_work_file(name: &str) -> bool {
    name.starts_with('.')
        && [".journal", ".plan", ".trajectories", ".partial"]
            .iter()
            .any(|end| name.ends_with(end))
}

/// An entry of a folder that its manifest does not list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unlisted {
    /// A file (its path relative to the folder).
    File(PathBuf),
    /// A folder none of whose files the manifest lists.
    Folder(PathBuf),
    /// A folder with a manifest of its own (the fit inside a forecast's folder).
    Output(PathBuf),
}

impl Unlisted {
    /// Its path relative to the folder walked.
    pub fn path(&self) -> &Path {
        match self {
            Self::File(p) | Self::Folder(p) | Self::Output(p) => p,
        }
    }

    /// Its path as a message names it (a folder ends in `/`).
    pub fn name(&self) -> String {
        let text = self.path().to_string_lossy().to_string();
        match self {
            Self::File(_) => text,
            Self::Folder(_) | Self::Output(_) => format!("{text}/"),
        }
    }
}

/// The names of the files `manifest` lists.
pub fn listed(manifest: &Value) -> Vec<String> {
    manifest["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["name"].as_str().map(str::to_string))
        .collect()
}

/// The manifest of `dir`, if it has one that can be read.
pub fn manifest(dir: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).ok()?).ok()
}

/// The entries of `dir` (walked into subfolders the manifest lists files of, and [`FIGURES`]),
/// sorted, that are neither in `listed` nor added later ([`ADDED_LATER`] at the top, charts in
/// [`FIGURES`]).
pub fn unlisted(dir: &Path, listed: &[String]) -> Vec<Unlisted> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(dir.join(&relative)) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries.flatten().map(|e| relative.join(e.file_name())).collect();
        names.sort();
        for name in names {
            let text = name.to_string_lossy().to_string();
            let path = dir.join(&name);
            if path.is_dir() {
                let prefix = format!("{text}/");
                if path.join("manifest.json").is_file() {
                    found.push(Unlisted::Output(name));
                } else if listed.iter().any(|l| l.starts_with(&prefix)) || name == Path::new(FIGURES) {
                    pending.push(name);
                } else {
                    found.push(Unlisted::Folder(name));
                }
            } else if !(listed.contains(&text) || added_later(&name)) {
                found.push(Unlisted::File(name));
            }
        }
    }
    found.sort_by(|a, b| a.path().cmp(b.path()));
    found
}

/// The entries of `dir` (paths relative to it) that esplab did not write: neither listed by its
/// manifest (if it has one), nor added later, nor work in progress, nor inside an output folder
/// of its own that holds only what esplab wrote. Entries named in `keep` are not looked at.
pub fn foreign(dir: &Path, keep: &[String]) -> Vec<String> {
    let listed = manifest(dir).map(|m| listed(&m)).unwrap_or_default();
    let mut found = Vec::new();
    for entry in unlisted(dir, &listed) {
        let name = entry.name();
        if keep.iter().any(|k| Path::new(k) == entry.path()) {
            continue;
        }
        match &entry {
            Unlisted::File(path) if path.file_name().is_some_and(|n| is_work_file(&n.to_string_lossy())) => {}
            Unlisted::Output(path) => {
                found.extend(
                    foreign(&dir.join(path), &[])
                        .into_iter()
                        .map(|inner| format!("{name}{inner}")),
                );
            }
            _ => found.push(name),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str, files: &[&str]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("esplab-folder-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for f in files {
            let path = dir.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, b"x").unwrap();
        }
        dir
    }

    fn with_manifest(dir: &Path, files: &[&str]) {
        let files: Vec<Value> = files.iter().map(|f| serde_json::json!({"name": f})).collect();
        std::fs::write(
            dir.join("manifest.json"),
            serde_json::json!({"files": files}).to_string(),
        )
        .unwrap();
    }

    #[test]
    fn what_esplab_wrote_is_not_foreign_and_anything_else_is() {
        let dir = folder(
            "mixed",
            &[
                "runs.csv",
                "report.html",
                "figures/bands.svg",
                "figures/notes.txt",
                ".ensemble.partial",
                "notes.txt",
                "data/a.csv",
                "fit/x.csv",
                "fit/y.txt",
            ],
        );
        with_manifest(&dir, &["runs.csv"]);
        with_manifest(&dir.join("fit"), &["x.csv"]);
        let strangers = ["data/", "figures/notes.txt", "fit/y.txt", "notes.txt"];
        assert_eq!(foreign(&dir, &[]), strangers);
        assert_eq!(
            foreign(&dir, &["fit".into()]),
            ["data/", "figures/notes.txt", "notes.txt"]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_interrupted_journal_is_esplab_s_but_a_folder_of_strangers_is_not() {
        let dir = folder("journal", &[".ensemble.journal", ".ensemble.plan"]);
        assert!(foreign(&dir, &[]).is_empty());
        std::fs::write(dir.join("runs.csv"), b"x").unwrap();
        assert_eq!(
            foreign(&dir, &[]),
            vec!["runs.csv"],
            "without a manifest nothing is listed"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn work_files_are_named_by_their_shape() {
        for name in [
            ".ensemble.journal",
            ".sweep.plan",
            ".ensemble.trajectories",
            ".runs.csv.partial",
        ] {
            assert!(is_work_file(name), "{name}");
        }
        for name in ["ensemble.journal", ".hidden", "runs.csv", ".partial.csv"] {
            assert!(!is_work_file(name), "{name}");
        }
    }
}
