//! Shards: contiguous slices of a design's rows. Shard `i` of `n` holds rows
//! `i * total / n .. (i + 1) * total / n`; joined in order, the shards are the whole design.

use std::ops::Range;

/// A shard that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text}: expected I/N with 0 <= I < N, e.g. 0/4")]
pub struct ShardError {
    pub text: String,
}

/// Parses `I/N`.
pub fn parse_shard(text: &str) -> Result<(u64, u64), ShardError> {
    let parsed = text
        .split_once('/')
        .and_then(|(i, n)| Some((i.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)));
    match parsed {
        Some((i, n)) if n >= 1 && i < n => Ok((i, n)),
        _ => Err(ShardError { text: text.to_string() }),
    }
}

impl From<ShardError> for crate::CommandError {
    /// The request's field `shard`, naming what it should be.
    fn from(e: ShardError) -> Self {
        Self::field("shard", e.text, "expected I/N with 0 <= I < N, e.g. 0/4")
    }
}

/// Parses the request field `shard` given as text (`I/N`).
pub fn parse(text: &str) -> Result<(u64, u64), crate::CommandError> {
    Ok(parse_shard(text)?)
}

/// The rows of shard `shard = (i, n)` of `total` rows (all of them for `None`).
pub fn shard_rows(total: u64, shard: Option<(u64, u64)>) -> Result<Range<u64>, ShardError> {
    match shard {
        None => Ok(0..total),
        Some((i, n)) if n >= 1 && i < n => {
            let at = |k: u64| (k as u128 * total as u128 / n as u128) as u64;
            Ok(at(i)..at(i + 1))
        }
        Some((i, n)) => Err(ShardError {
            text: format!("{i}/{n}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_rows_once_in_order() {
        for (total, n) in [(10, 3), (7, 7), (3, 5), (0, 2), (1_000_003, 4)] {
            let mut next = 0;
            for i in 0..n {
                let rows = shard_rows(total, Some((i, n))).unwrap();
                assert_eq!(rows.start, next);
                next = rows.end;
            }
            assert_eq!(next, total);
        }
        assert_eq!(shard_rows(9, None).unwrap(), 0..9);
    }

    #[test]
    fn shards_are_spelled_i_of_n() {
        assert_eq!(parse_shard("1/4"), Ok((1, 4)));
        assert_eq!(parse_shard(" 0 / 1 "), Ok((0, 1)));
        for bad in ["4/4", "1", "a/b", "0/0", "-1/2"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
        assert!(shard_rows(10, Some((2, 2))).is_err());
    }
}
