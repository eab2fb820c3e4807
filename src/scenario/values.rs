//! Scalar field types of the scenario schema, each checking its own syntax while
//! deserializing so that errors carry the field's path and position.

use serde::de::{Deserialize, Deserializer, Error as _};

use crate::engine::Policy;
use crate::time::{parse_duration, Millis};

/// A duration written as in SPEC §2: `"250ms"`, `"1m30s"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationValue(pub Millis);

impl<'de> Deserialize<'de> for DurationValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_duration(&text).map(DurationValue).map_err(D::Error::custom)
    }
}

/// An arrival rate, `"N/s"`, `"N/m"` or `"N/h"`, N a non-negative number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    per_ms: f64,
}

impl Rate {
    /// `n` orders a minute.
    pub fn per_minute(n: f64) -> Rate {
        Rate { per_ms: n / 60_000.0 }
    }

    /// Orders per millisecond.
    pub fn per_ms(self) -> f64 {
        self.per_ms
    }

    /// Parses `"40/m"`.
    pub fn parse(text: &str) -> Result<Rate, String> {
        let bad = || format!("invalid rate `{text}`: expected N/s, N/m or N/h with N a non-negative number");
        let (n, unit) = text.split_once('/').ok_or_else(bad)?;
        let n: f64 = n.trim().parse().map_err(|_| bad())?;
        if !n.is_finite() || n < 0.0 {
            return Err(bad());
        }
        let ms = match unit.trim() {
            "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return Err(bad()),
        };
        let per_ms = n / ms;
        // A limit, so that a typo cannot start a run that never ends: 1,000 orders a second.
        if per_ms > 1.0 {
            return Err(format!("rate `{text}` is above the limit of 1000/s"));
        }
        Ok(Rate { per_ms })
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Rate::parse(&text).map_err(D::Error::custom)
    }
}

/// `[LAT, LON]`: exactly two numbers (a third would be silently dropped otherwise).
pub(super) fn lat_lon<'de, D: Deserializer<'de>>(d: D) -> Result<[f64; 2], D::Error> {
    let numbers = Vec::<f64>::deserialize(d)?;
    match numbers.as_slice() {
        [lat, lon] => Ok([*lat, *lon]),
        _ => Err(D::Error::custom(format!(
            "expected [LAT, LON], two numbers, found {}",
            numbers.len()
        ))),
    }
}

/// A probability in [0, 1].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Probability(pub f64);

impl<'de> Deserialize<'de> for Probability {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let p = f64::deserialize(d)?;
        if (0.0..=1.0).contains(&p) {
            Ok(Probability(p))
        } else {
            Err(D::Error::custom(format!(
                "a probability must be between 0 and 1, found {p}"
            )))
        }
    }
}

/// A dispatch policy name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyValue(pub Policy);

impl<'de> Deserialize<'de> for PolicyValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Policy::parse(&text).map(PolicyValue).ok_or_else(|| {
            D::Error::custom(format!(
                "unknown policy `{text}`; expected longest_idle, nearest or random"
            ))
        })
    }
}

/// A profile name: `parcel` or `food`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProfileValue(pub crate::engine::Profile);

impl<'de> Deserialize<'de> for ProfileValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        crate::engine::Profile::parse(&text)
            .map(ProfileValue)
            .ok_or_else(|| D::Error::custom(format!("unknown profile `{text}`; expected parcel or food")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(Rate::parse("40/m").unwrap().per_ms(), 40.0 / 60_000.0);
        assert_eq!(Rate::parse("2/s").unwrap().per_ms(), 0.002);
        assert_eq!(Rate::parse("0/h").unwrap().per_ms(), 0.0);
        for bad in ["-1/m", "40", "40/d", "x/m", "inf/s", "NaN/s"] {
            assert!(Rate::parse(bad).is_err(), "{bad}");
        }
    }
}
