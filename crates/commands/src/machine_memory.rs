//! Refusing, before any allocation, work that needs more memory than the machine has.
//!
//! To learn what the machine has, this module reads the environment, `/proc/meminfo` and the
//! cgroup's files (nothing else, and it writes nothing). Every command calls [`ensure`] in its
//! `prepare` step.
//!
//! The need is [`esplab_model::footprint::peak_bytes`] per run times the runs held at once.
//! What the machine has is the smallest of `MemAvailable` in `/proc/meminfo` and the room left
//! under a cgroup (v2 or v1) limit; `ESPLAB_MEMORY_LIMIT` (bytes, or with a K/M/G/T suffix)
//! replaces it, to plan for a smaller machine or to override the check.

use esplab_model::footprint::peak_bytes;
use esplab_model::Parameters;

/// The environment variable that sets the memory esplab may use.
pub const LIMIT_VARIABLE: &str = "ESPLAB_MEMORY_LIMIT";

/// How a front end spells the settings a refusal suggests changing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spelling {
    pub users: &'static str,
    pub threads: &'static str,
}

impl Spelling {
    /// How `front` spells the users and threads.
    pub fn of(front: esplab_scenario::Spelling) -> Self {
        match front {
            esplab_scenario::Spelling::Cli => Self::CLI,
            esplab_scenario::Spelling::Python | esplab_scenario::Spelling::Server => Self::PYTHON,
        }
    }

    /// The command line's options.
    pub const CLI: Spelling = Spelling {
        users: "--users",
        threads: "--threads",
    };
    /// Python's keyword arguments.
    pub const PYTHON: Spelling = Spelling {
        users: "users=",
        threads: "threads=",
    };
}

/// Work that would not fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{what}: {users} users need about {per_run} of memory per run{times}, but {available} is available \
     ({source_of_limit}). Use fewer users ({users_option}){fewer_threads}, or set {LIMIT_VARIABLE} to override."
)]
pub struct TooLarge {
    pub what: String,
    pub users: u32,
    pub per_run: Bytes,
    pub times: String,
    pub available: Bytes,
    pub source_of_limit: String,
    pub users_option: &'static str,
    pub fewer_threads: String,
}

/// Why work is refused before it starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemoryError {
    /// It would not fit.
    #[error(transparent)]
    TooLarge(#[from] Box<TooLarge>),
    /// `ESPLAB_MEMORY_LIMIT` is not a size.
    #[error("{0}")]
    Limit(String),
}

/// A byte count printed with a binary unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bytes(pub u64);

impl std::fmt::Display for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"];
        let mut value = self.0 as f64;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < units.len() {
            value /= 1024.0;
            unit += 1;
        }
        if unit == 0 {
            write!(f, "{} B", self.0)
        } else {
            write!(f, "{value:.1} {}", units[unit])
        }
    }
}

/// Memory this process may still use, and where that figure comes from.
pub fn available() -> Result<(u64, String), String> {
    if let Ok(text) = std::env::var(LIMIT_VARIABLE) {
        return parse_size(&text)
            .map(|b| (b, format!("{LIMIT_VARIABLE}={text}")))
            .ok_or_else(|| {
                format!("{LIMIT_VARIABLE}={text:?} is not a size: give bytes, or a number with K, M, G or T (e.g. 8G)")
            });
    }
    let mut best = (u64::MAX, "no limit found".to_string());
    if let Some(kib) = meminfo_available_kib() {
        best = (kib.saturating_mul(1024), "MemAvailable in /proc/meminfo".to_string());
    }
    if let Some(room) = cgroup_room() {
        if room < best.0 {
            best = (room, "room under this process's cgroup memory limit".to_string());
        }
    }
    Ok(best)
}

/// Parses `123`, `512M`, `8G`, `1.5T` (binary multiples; a trailing `B` or `iB` is allowed).
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let t = t.strip_suffix("iB").or_else(|| t.strip_suffix('B')).unwrap_or(t);
    let (number, shift) = match t.chars().last()? {
        'K' | 'k' => (&t[..t.len() - 1], 10),
        'M' | 'm' => (&t[..t.len() - 1], 20),
        'G' | 'g' => (&t[..t.len() - 1], 30),
        'T' | 't' => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let value: f64 = number.trim().parse().ok()?;
    let bytes = value * (1u64 << shift) as f64;
    (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

fn meminfo_available_kib() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn read_number(path: &str) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

fn cgroup_room() -> Option<u64> {
    let v2 = read_number("/sys/fs/cgroup/memory.max").zip(read_number("/sys/fs/cgroup/memory.current"));
    let v1 = || {
        read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes")
            .zip(read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes"))
    };
    let (limit, used) = v2.or_else(v1)?;
    // cgroup v1 reports "no limit" as a huge page-rounded number.
    (limit < 1 << 60).then(|| limit.saturating_sub(used))
}

/// Refuses, before anything is allocated, `runs` simulations of the largest of `parameters`
/// that would not fit in memory with as many at once as `executor` has threads.
pub fn ensure<'a>(
    what: &str,
    parameters: impl IntoIterator<Item = &'a Parameters>,
    executor: &esplab_experiment::Executor,
    runs: u64,
    front: esplab_scenario::Spelling,
) -> Result<(), MemoryError> {
    let at_once = (executor.threads() as u64).min(runs).max(1) as usize;
    check(what, parameters, at_once, Spelling::of(front))
}

/// Checks that `runs_at_once` simulations of the largest of `parameters` fit in memory.
/// `what` names the work in the message (e.g. "scenario `mcp`"); `spelling` the settings.
pub fn check<'a>(
    what: &str,
    parameters: impl IntoIterator<Item = &'a Parameters>,
    runs_at_once: usize,
    spelling: Spelling,
) -> Result<(), MemoryError> {
    let Some(largest) = parameters.into_iter().max_by_key(|p| peak_bytes(p)) else {
        return Ok(());
    };
    let (available, source_of_limit) = available().map_err(MemoryError::Limit)?;
    Ok(check_against(
        what,
        largest,
        runs_at_once,
        available,
        source_of_limit,
        spelling,
    )?)
}

/// [`check`] against a given amount of memory.
pub fn check_against(
    what: &str,
    parameters: &Parameters,
    runs_at_once: usize,
    available: u64,
    source_of_limit: String,
    spelling: Spelling,
) -> Result<(), Box<TooLarge>> {
    let runs = runs_at_once.max(1) as u64;
    let per_run = peak_bytes(parameters);
    if per_run.saturating_mul(runs) <= available {
        return Ok(());
    }
    let times = if runs > 1 {
        format!(" x {runs} runs at once = {}", Bytes(per_run.saturating_mul(runs)))
    } else {
        String::new()
    };
    Err(Box::new(TooLarge {
        what: what.to_string(),
        users: parameters.run.users,
        per_run: Bytes(per_run),
        times,
        available: Bytes(available),
        source_of_limit,
        users_option: spelling.users,
        fewer_threads: if runs > 1 {
            format!(", fewer threads ({})", spelling.threads)
        } else {
            String::new()
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("512M"), Some(512 << 20));
        assert_eq!(parse_size("8G"), Some(8 << 30));
        assert_eq!(parse_size("8GiB"), Some(8 << 30));
        assert_eq!(parse_size("1.5k"), Some(1536));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("-1G"), None);
        assert_eq!(parse_size(""), None);
    }

    #[test]
    fn work_beyond_the_memory_is_refused_with_an_estimate() {
        let mut p = Parameters::default();
        p.run.users = 100_000_000;
        let need = peak_bytes(&p);
        assert!(check_against("scenario `x`", &p, 1, need, "test".into(), Spelling::CLI).is_ok());
        let e = check_against("scenario `x`", &p, 2, need, "test".into(), Spelling::CLI).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("100000000 users") && text.contains("x 2 runs at once"),
            "{text}"
        );
        assert!(text.contains("--threads") && text.contains(LIMIT_VARIABLE), "{text}");
        assert_eq!(Bytes(3 << 30).to_string(), "3.0 GiB");
        let python = check_against("these settings", &p, 2, need, "test".into(), Spelling::PYTHON).unwrap_err();
        let text = python.to_string();
        assert!(text.contains("(users=)") && text.contains("(threads=)"), "{text}");
    }
}
