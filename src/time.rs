//! Virtual time: instants and durations as whole milliseconds from 0, and the duration
//! syntax of SPEC §2 (`250ms`, `60s`, `15m`, `2h`, combined `1m30s`).
//!
//! Milliseconds are a plain `u64` newtype rather than `std::time`: the simulator never reads
//! the machine's clock, and an integer keeps every comparison and report exact.

use std::fmt;

/// A span or an instant of virtual time, in milliseconds. Instants count from the start
/// of the run (time 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub u64);

impl Millis {
    /// Time zero: the start of every run.
    pub const ZERO: Millis = Millis(0);

    /// The longest duration a user may write or a distribution may draw: 1000 days. Every
    /// instant of a run is a sum of a few such durations, so no sum of them can overflow a
    /// `u64`, and a typo cannot start a run that never ends.
    pub const MAX_DURATION: Millis = Millis(1000 * 24 * 3_600_000);

    /// An instant that never comes: the deadline of an order no deadline runs for.
    pub const NEVER: Millis = Millis(u64::MAX);

    /// Builds a span from whole seconds.
    pub const fn from_secs(secs: u64) -> Millis {
        Millis(secs * 1000)
    }

    /// The number of milliseconds.
    pub const fn as_ms(self) -> u64 {
        self.0
    }

    /// `self + other`, or `None` past `u64::MAX` milliseconds.
    pub fn checked_add(self, other: Millis) -> Option<Millis> {
        self.0.checked_add(other.0).map(Millis)
    }

    /// `self - other`, floored at zero.
    pub fn saturating_sub(self, other: Millis) -> Millis {
        Millis(self.0.saturating_sub(other.0))
    }

    /// Formats as a wall-clock style instant, `HH:MM:SS.mmm` (hours grow past 99 if needed).
    pub fn clock(self) -> String {
        let ms = self.0 % 1000;
        let total_secs = self.0 / 1000;
        let (h, m, s) = (total_secs / 3600, (total_secs / 60) % 60, total_secs % 60);
        format!("{h:02}:{m:02}:{s:02}.{ms:03}")
    }
}

impl fmt::Display for Millis {
    /// The canonical duration syntax: `0s`, `250ms`, `1m30s`, `2h0m5s` is written `2h5s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (unit, size) in UNITS {
            let n = rest / size;
            if n > 0 {
                write!(f, "{n}{unit}")?;
                rest -= n * size;
            }
        }
        Ok(())
    }
}

/// Units from largest to smallest; a written duration must use them in this order.
const UNITS: [(&str, u64); 4] = [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)];

/// Why a duration could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurationError {
    /// The text that was given.
    pub input: String,
    /// What was wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid duration `{}`: {} (expected e.g. 250ms, 60s, 15m, 2h or 1m30s)",
            self.input, self.reason
        )
    }
}

impl std::error::Error for DurationError {}

/// Parses a duration such as `250ms`, `60s`, `1m30s` or `2h`. A bare `0` is accepted; any
/// other number needs a unit. Units must go from largest to smallest, each at most once.
/// Durations above [`Millis::MAX_DURATION`] (1000 days) are refused.
pub fn parse_duration(input: &str) -> Result<Millis, DurationError> {
    let err = |reason| DurationError {
        input: input.to_string(),
        reason,
    };
    if input == "0" {
        return Ok(Millis::ZERO);
    }
    if input.is_empty() {
        return Err(err("it is empty"));
    }
    if input.starts_with('-') {
        return Err(err("durations cannot be negative"));
    }
    let bytes = input.as_bytes();
    let mut pos = 0;
    let mut total: u64 = 0;
    // Index into UNITS of the next unit allowed; enforces largest-to-smallest order.
    let mut next_unit = 0;
    while pos < bytes.len() {
        let start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos == start {
            return Err(err("a number must come before each unit"));
        }
        let number: u64 = input[start..pos]
            .parse()
            .map_err(|_| err("the number is too large"))?;
        let unit_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_alphabetic() {
            pos += 1;
        }
        let unit = &input[unit_start..pos];
        if unit.is_empty() {
            return Err(err("a unit (h, m, s or ms) must follow each number"));
        }
        let Some(index) = UNITS.iter().position(|(name, _)| *name == unit) else {
            return Err(err("unknown unit; use h, m, s or ms"));
        };
        if index < next_unit {
            return Err(err("units must go from largest to smallest, each once"));
        }
        next_unit = index + 1;
        total = number
            .checked_mul(UNITS[index].1)
            .and_then(|ms| total.checked_add(ms))
            .filter(|&ms| ms <= Millis::MAX_DURATION.0)
            .ok_or_else(|| err("the duration is above the limit of 1000 days (24000h)"))?;
    }
    Ok(Millis(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit_and_combinations() {
        assert_eq!(parse_duration("250ms"), Ok(Millis(250)));
        assert_eq!(parse_duration("60s"), Ok(Millis(60_000)));
        assert_eq!(parse_duration("15m"), Ok(Millis(900_000)));
        assert_eq!(parse_duration("2h"), Ok(Millis(7_200_000)));
        assert_eq!(parse_duration("1m30s"), Ok(Millis(90_000)));
        assert_eq!(parse_duration("1h2m3s4ms"), Ok(Millis(3_723_004)));
        assert_eq!(parse_duration("0"), Ok(Millis(0)));
        assert_eq!(parse_duration("0s"), Ok(Millis(0)));
        assert_eq!(parse_duration("59s999ms"), Ok(Millis(59_999)));
    }

    #[test]
    fn refuses_malformed_durations() {
        for bad in [
            "",
            "60",
            "s",
            "1.5s",
            "-1s",
            "10x",
            "30s1m",
            "1s1s",
            "1m 30s",
            "99999999999999999999s",
            "5124095576030432h",
            "5124095576030h",
            "24000h1ms",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn durations_are_bounded_at_1000_days() {
        // Regression: `delivery_time = "5124095576030h"` was accepted and overflowed a sum.
        assert_eq!(parse_duration("24000h"), Ok(Millis::MAX_DURATION));
        assert_eq!(parse_duration("86400000000ms"), Ok(Millis::MAX_DURATION));
        let e = parse_duration("5124095576030h").unwrap_err();
        assert!(e.to_string().contains("1000 days"), "{e}");
    }

    #[test]
    fn a_negative_duration_says_so() {
        assert_eq!(
            parse_duration("-1s").unwrap_err().reason,
            "durations cannot be negative"
        );
    }

    #[test]
    fn display_round_trips() {
        for ms in [0, 1, 250, 1000, 60_000, 90_000, 3_723_004, 7_200_000] {
            let text = Millis(ms).to_string();
            assert_eq!(parse_duration(&text), Ok(Millis(ms)), "{text}");
        }
        assert_eq!(Millis(90_000).to_string(), "1m30s");
    }

    #[test]
    fn clock_format() {
        assert_eq!(Millis(0).clock(), "00:00:00.000");
        assert_eq!(Millis(3_723_004).clock(), "01:02:03.004");
    }
}
