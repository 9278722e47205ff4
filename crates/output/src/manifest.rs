//! The manifest of an output folder: version, scenario text and hash, every resolved parameter,
//! the seed, and each file with its size and SHA-256, so that a result can be reproduced and
//! checked byte for byte. It holds no clock time, so identical runs give identical manifests.

use crate::error::{OutputError, Result};
use esplab_model::Summary;
use esplab_scenario::{sha256_hex, Scenario};
use serde_json::{json, Value};
use std::path::Path;

/// Version of the manifest layout.
pub const MANIFEST_FORMAT: u32 = 1;

/// JSON text with a final newline.
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// The run summary as JSON: every metric of the summary plus the scenario's name and seed, and
/// the control its security measures when it names one (`control`: the baselines and floor are
/// shares of deployments meeting it).
pub fn summary_json(summary: &Summary, scenario: &Scenario) -> Value {
    let mut map = serde_json::Map::new();
    map.insert("scenario".into(), scenario.name.clone().into());
    let control = &scenario.parameters.security.control;
    if !control.is_empty() {
        map.insert("control".into(), control.clone().into());
    }
    map.insert("seed".into(), scenario.parameters.run.seed.into());
    map.insert("users".into(), scenario.parameters.run.users.into());
    for (name, value) in summary.metrics() {
        map.insert(name.into(), json!(value));
    }
    Value::Object(map)
}

/// The part of a manifest that describes one scenario.
pub fn scenario_json(scenario: &Scenario) -> Value {
    json!({
        "name": scenario.name,
        "source": scenario.source,
        "sha256": scenario.hash(),
        "text": scenario.text,
        "text_sha256": sha256_hex(scenario.text.as_bytes()),
        "overrides": scenario.overrides,
        "parameters": scenario.resolved_json(),
    })
}

/// The manifest of `command` for the files of `dir`: each scenario under its role (`scenario`,
/// or `base` and `variant`), the command's settings (seeds, runs), and every file's checksum.
/// It holds no clock time and no thread count, so identical work gives identical manifests.
pub fn build(
    command: &str,
    scenarios: &[(&str, &Scenario)],
    settings: Value,
    dir: &Path,
    files: &[&str],
) -> Result<Value> {
    let mut listed = Vec::new();
    for name in files {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| OutputError::io(&path, e))?;
        listed.push(json!({"name": name, "bytes": bytes.len(), "sha256": sha256_hex(&bytes)}));
    }
    let mut m = serde_json::Map::new();
    m.insert("manifest_format".into(), MANIFEST_FORMAT.into());
    m.insert("esplab_version".into(), env!("CARGO_PKG_VERSION").into());
    m.insert("command".into(), command.into());
    m.insert("settings".into(), settings);
    for (role, scenario) in scenarios {
        m.insert((*role).into(), scenario_json(scenario));
    }
    m.insert("files".into(), listed.into());
    Ok(Value::Object(m))
}
