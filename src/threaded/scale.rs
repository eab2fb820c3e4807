//! The time scale of a threaded run: how many virtual milliseconds pass per wall
//! millisecond, its bounds, its default, and every conversion between wall and virtual
//! time.
//!
//! Bounds: 0.01 (a virtual second lasts 100 wall seconds) to 1,000,000 (a virtual day
//! lasts under 0.1 wall seconds). Below, a run of any real scenario would outlast its
//! user; above, a 60-second deadline is under 60 µs of wall time, which no scheduler
//! keeps, so the run could only lag. The conversions saturate instead of overflowing or
//! panicking for any input, so even a scale outside the bounds (the library does not
//! insist) cannot crash a run.

use std::fmt;
use std::time::Duration;

use crate::time::Millis;

/// Virtual milliseconds per wall millisecond, within [`TimeScale::MIN`]..=[`TimeScale::MAX`].
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct TimeScale(f64);

/// A time scale outside the bounds, or not a number.
#[derive(Clone, Debug, PartialEq)]
pub struct ScaleError(String);

impl fmt::Display for ScaleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScaleError {}

/// The wall time a scenario's arrivals last under the default time scale.
pub const DEFAULT_ARRIVALS_WALL: Duration = Duration::from_secs(20);

/// The longest single wall-clock wait: a waiter wakes at least this often and recomputes,
/// so no conversion ever needs a longer `Duration`.
pub const MAX_WAIT: Duration = Duration::from_secs(60);

impl TimeScale {
    /// The smallest scale accepted: 100 wall seconds per virtual second.
    pub const MIN: f64 = 0.01;
    /// The largest scale accepted: a million virtual milliseconds per wall millisecond.
    pub const MAX: f64 = 1_000_000.0;
    /// Real time.
    pub const REAL_TIME: TimeScale = TimeScale(1.0);

    /// `scale`, if it is a number within the bounds.
    pub fn new(scale: f64) -> Result<TimeScale, ScaleError> {
        if (Self::MIN..=Self::MAX).contains(&scale) {
            Ok(TimeScale(scale))
        } else {
            Err(out_of_bounds(&format!("{scale:?}")))
        }
    }

    /// The scale at which arrivals over `horizon` last about [`DEFAULT_ARRIVALS_WALL`] of
    /// wall time, brought within the bounds; real time for an empty horizon.
    pub fn for_horizon(horizon: Millis) -> TimeScale {
        if horizon == Millis::ZERO {
            return TimeScale::REAL_TIME;
        }
        let scale = horizon.as_ms() as f64 / DEFAULT_ARRIVALS_WALL.as_millis() as f64;
        TimeScale(scale.clamp(Self::MIN, Self::MAX))
    }

    /// The number.
    pub fn get(self) -> f64 {
        self.0
    }

    /// The wall time that `span` of virtual time lasts, saturating at [`MAX_WAIT`].
    pub fn wall(self, span: Millis) -> Duration {
        wall_time(span, self.0)
    }

    /// The wall time that `span` of virtual time lasts, without the [`MAX_WAIT`] cap
    /// (saturating at `Duration::MAX`): for messages, not for waits.
    pub fn wall_uncapped(self, span: Millis) -> Duration {
        Duration::try_from_secs_f64(span.as_ms() as f64 / self.0 / 1000.0).unwrap_or(Duration::MAX)
    }

    /// The virtual time that passes in `wall`, saturating.
    pub fn virtual_of(self, wall: Duration) -> Millis {
        virtual_time(wall, self.0)
    }
}

impl fmt::Display for TimeScale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for TimeScale {
    type Err = ScaleError;

    fn from_str(text: &str) -> Result<TimeScale, ScaleError> {
        text.trim()
            .parse()
            .ok()
            .and_then(|scale| TimeScale::new(scale).ok())
            .ok_or_else(|| out_of_bounds(text))
    }
}

fn out_of_bounds(found: &str) -> ScaleError {
    ScaleError(format!(
        "the time scale must be a number from {} to {} (virtual ms per wall ms; 1 = real time), found {found}",
        TimeScale::MIN,
        TimeScale::MAX
    ))
}

/// The wall time that `span` of virtual time lasts at `scale`, rounded up to whole
/// nanoseconds and capped at [`MAX_WAIT`]. Never panics: a scale that is not a positive
/// number waits the longest.
pub fn wall_time(span: Millis, scale: f64) -> Duration {
    let seconds = span.as_ms() as f64 / scale / 1000.0;
    if seconds.is_nan() || seconds < 0.0 {
        // NaN (0 / 0) or negative (a negative scale): wait as long as a wait may.
        return MAX_WAIT;
    }
    Duration::try_from_secs_f64(seconds)
        .unwrap_or(Duration::MAX)
        .min(MAX_WAIT)
}

/// The virtual time that passes in `wall` at `scale`, in whole milliseconds (floored),
/// saturating at `u64::MAX`. Never panics; a scale that is not a positive number stops
/// the clock at 0.
pub fn virtual_time(wall: Duration, scale: f64) -> Millis {
    // `as` from f64 saturates, and maps NaN to 0.
    Millis((wall.as_secs_f64() * 1000.0 * scale) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_accept_their_ends_and_refuse_everything_else() {
        assert!(TimeScale::new(0.01).is_ok());
        assert!(TimeScale::new(1_000_000.0).is_ok());
        for bad in [
            0.0,
            -1.0,
            1e-300,
            0.009_999,
            1e8,
            1_000_000.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let e = TimeScale::new(bad).unwrap_err();
            assert!(e.to_string().contains("from 0.01 to 1000000"), "{e}");
        }
        assert!("abc".parse::<TimeScale>().is_err());
        assert_eq!("360".parse::<TimeScale>().unwrap().get(), 360.0);
    }

    #[test]
    fn the_default_makes_the_arrivals_last_twenty_wall_seconds() {
        assert_eq!(TimeScale::for_horizon(Millis::from_secs(7200)).get(), 360.0);
        assert_eq!(TimeScale::for_horizon(Millis::from_secs(90)).get(), 4.5);
        assert_eq!(TimeScale::for_horizon(Millis::ZERO), TimeScale::REAL_TIME);
        // Brought within the bounds at both ends.
        assert_eq!(TimeScale::for_horizon(Millis(1)).get(), TimeScale::MIN);
        assert_eq!(TimeScale::for_horizon(Millis(u64::MAX)).get(), TimeScale::MAX);
        let scale = TimeScale::for_horizon(Millis::from_secs(7200));
        assert_eq!(
            scale.wall_uncapped(Millis::from_secs(7200)),
            DEFAULT_ARRIVALS_WALL
        );
    }

    #[test]
    fn conversions_never_panic_or_overflow() {
        // Regression: `--time-scale 1e-300` panicked in Duration::from_secs_f64.
        for scale in [
            1e-300,
            0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            f64::MIN_POSITIVE,
            1e300,
        ] {
            for span in [Millis::ZERO, Millis(1), Millis::from_secs(7200), Millis(u64::MAX)] {
                let wall = wall_time(span, scale);
                assert!(wall <= MAX_WAIT);
            }
            for wall in [Duration::ZERO, Duration::from_secs(1), Duration::MAX] {
                let _ = virtual_time(wall, scale);
            }
        }
        assert_eq!(wall_time(Millis(u64::MAX), 1e-300), MAX_WAIT);
        assert_eq!(virtual_time(Duration::MAX, 1e300), Millis(u64::MAX));
        assert_eq!(virtual_time(Duration::from_secs(1), f64::NAN), Millis::ZERO);
        let slowest = TimeScale::new(TimeScale::MIN).unwrap();
        assert!(slowest.wall_uncapped(Millis(u64::MAX)) > Duration::from_secs(u64::MAX / 1000));
        assert_eq!(
            wall_time(Millis::from_secs(60), 1000.0),
            Duration::from_millis(60)
        );
        assert_eq!(
            virtual_time(Duration::from_millis(60), 1000.0),
            Millis::from_secs(60)
        );
    }
}
