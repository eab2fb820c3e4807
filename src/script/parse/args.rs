//! The pieces every command's parser uses: a command's words split into positional words
//! and `key=value` options, and readers for the values a script writes (locations,
//! durations, rankings, whole numbers).

use std::collections::BTreeMap;

use crate::engine::{LatLon, RankBy};
use crate::time::{parse_duration, Millis};

/// The positional words and `key=value` options of a command, after its keywords.
pub(super) struct Args<'a> {
    pub(super) positional: Vec<&'a str>,
    pub(super) options: BTreeMap<&'a str, &'a str>,
}

impl<'a> Args<'a> {
    /// Splits `words`; an option not in `allowed`, or given twice, is an error.
    pub(super) fn new(words: &'a [String], allowed: &[&str]) -> Result<Args<'a>, String> {
        let mut positional = Vec::new();
        let mut options = BTreeMap::new();
        for word in words {
            match word.split_once('=') {
                Some((key, value)) => {
                    if !allowed.contains(&key) {
                        return Err(if allowed.is_empty() {
                            format!("unexpected option `{key}`: this command takes none")
                        } else {
                            format!("unknown option `{key}`; expected one of: {}", allowed.join(", "))
                        });
                    }
                    if options.insert(key, value).is_some() {
                        return Err(format!("option `{key}` is given twice"));
                    }
                }
                None => positional.push(word.as_str()),
            }
        }
        Ok(Args { positional, options })
    }

    /// Exactly `n` positional words, described as `what` in the error.
    pub(super) fn exactly(&self, n: usize, what: &str) -> Result<(), String> {
        if self.positional.len() == n {
            Ok(())
        } else {
            Err(format!(
                "expected {what}, found {} word(s)",
                self.positional.len()
            ))
        }
    }

    /// The value of an option the command needs.
    pub(super) fn required(&self, key: &str) -> Result<String, String> {
        self.options
            .get(key)
            .map(|v| v.to_string())
            .ok_or_else(|| format!("missing required option `{key}=`"))
    }

    /// The value of an option, if given.
    pub(super) fn optional(&self, key: &str) -> Option<String> {
        self.options.get(key).map(|v| v.to_string())
    }

    /// Whether the option is given.
    pub(super) fn has(&self, key: &str) -> bool {
        self.options.contains_key(key)
    }

    /// The option, read as a whole number of plain digits (for `expect` and `set`, where a
    /// malformed value is a malformed line).
    pub(super) fn count<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, String> {
        self.optional(key)
            .map(|v| {
                count(&v)
                    .ok_or_else(|| format!("invalid `{key}={v}`: expected a whole number of plain digits"))
            })
            .transpose()
    }
}

/// A whole number written as plain digits that fits `T`.
pub(super) fn count<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// An optional `at=LAT,LON`: two finite numbers (the engine judges whether they are on the
/// globe).
pub(super) fn location(value: Option<String>) -> Result<Option<LatLon>, String> {
    value
        .map(|v| {
            LatLon::parse_numbers(&v)
                .ok_or_else(|| format!("invalid location `{v}`: expected LAT,LON, two numbers in degrees"))
        })
        .transpose()
}

/// A duration in the SPEC §2 syntax.
pub(super) fn duration(text: &str) -> Result<Millis, String> {
    parse_duration(text).map_err(|e| e.to_string())
}

/// A leaderboard's name.
pub(super) fn rank_by(value: &str) -> Result<RankBy, String> {
    RankBy::parse(value).ok_or_else(|| format!("unknown ranking `{value}`; expected deliveries or rating"))
}

/// A whole number; one too large for i64 saturates, since any out-of-range star count is
/// refused by the engine as `invalid_argument` rather than being a malformed line.
pub(super) fn whole_number(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        text.parse()
            .unwrap_or(if text.starts_with('-') { i64::MIN } else { i64::MAX }),
    )
}

/// `yes` or `no`, for `expect driver … review=`.
pub(super) fn yes_no(key: &str, value: &str) -> Result<bool, String> {
    match value {
        "yes" => Ok(true),
        "no" => Ok(false),
        other => Err(format!("invalid `{key}={other}`: expected yes or no")),
    }
}
