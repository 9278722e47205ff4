//! The folders of the shards of one command (a sweep, a `leverage --draws`), read back and
//! checked before they are merged: each finished (it has its manifest), intact (every file
//! matches its checksum), of the same job, and together shards `0/N … N−1/N` exactly once.

use crate::error::{OutputError, Result};
use esplab_scenario::sha256_hex;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One shard folder: its index and manifest.
#[derive(Debug, Clone)]
pub struct Shard {
    pub index: u64,
    pub manifest: Value,
    pub dir: PathBuf,
}

/// An error about `dir`, with `message`.
pub(crate) fn conflict(dir: &Path, message: String) -> OutputError {
    OutputError::io(dir, std::io::Error::other(message))
}

/// The shards `dirs` of one `command` (`what` names it in messages), in shard order. `job` gives
/// what must be the same in every shard's manifest (the plan's checksum, the settings).
pub fn read_shards(
    out: &Path,
    dirs: &[PathBuf],
    command: &str,
    what: &str,
    job: impl Fn(&Value) -> Value,
) -> Result<Vec<Shard>> {
    let mut found: Vec<Shard> = Vec::new();
    for dir in dirs {
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(|_| {
            conflict(
                dir,
                format!("is not a finished {what} shard (no manifest.json): finish it with --resume"),
            )
        })?;
        let m: Value = serde_json::from_str(&text).map_err(|e| conflict(&path, format!("unreadable: {e}")))?;
        if m["command"] != command || m["settings"]["shard"].is_null() {
            return Err(conflict(
                dir,
                format!("is not a {what} shard (its manifest has no shard)"),
            ));
        }
        for file in m["files"].as_array().into_iter().flatten() {
            let name = file["name"].as_str().unwrap_or_default();
            let bytes = std::fs::read(dir.join(name)).map_err(|e| OutputError::io(&dir.join(name), e))?;
            if Some(sha256_hex(&bytes).as_str()) != file["sha256"].as_str() {
                return Err(conflict(
                    &dir.join(name),
                    "is corrupted: its checksum differs from the manifest's".into(),
                ));
            }
        }
        let index = m["settings"]["shard"]["index"].as_u64().unwrap_or(u64::MAX);
        found.push(Shard {
            index,
            manifest: m,
            dir: dir.clone(),
        });
    }
    found.sort_by_key(|s| s.index);
    let Some(first) = found.first() else {
        return Err(conflict(out, "no shard folders given".into()));
    };
    let count = first.manifest["settings"]["shard"]["count"].as_u64().unwrap_or(0);
    let identity = job(&first.manifest);
    for (position, shard) in found.iter().enumerate() {
        let m = &shard.manifest;
        if job(m) != identity || m["settings"]["shard"]["count"].as_u64() != Some(count) {
            return Err(conflict(
                &shard.dir,
                format!("belongs to another {what} (plan, settings or shard count differs)"),
            ));
        }
        if shard.index != position as u64 {
            return Err(conflict(
                &shard.dir,
                format!(
                    "shard {}/{count} where shard {position}/{count} was expected",
                    shard.index
                ),
            ));
        }
    }
    if found.len() as u64 != count {
        return Err(conflict(
            out,
            format!(
                "{} of {count} shards given; missing: {}",
                found.len(),
                (found.len() as u64..count)
                    .map(|i| format!("{i}/{count}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(found)
}

/// The manifest of the merged folder: the first shard's, without its shard, listing `files` of
/// `out` with their sizes and checksums.
pub fn merged_manifest(first: &Value, out: &Path, files: &[&str]) -> Result<Value> {
    let mut m = first.clone();
    if let Some(settings) = m["settings"].as_object_mut() {
        settings.shift_remove("shard");
    }
    let mut listed = Vec::new();
    for name in files {
        let bytes = std::fs::read(out.join(name)).map_err(|e| OutputError::io(&out.join(name), e))?;
        listed.push(serde_json::json!({"name": name, "bytes": bytes.len(), "sha256": sha256_hex(&bytes)}));
    }
    m["files"] = Value::Array(listed);
    Ok(m)
}
