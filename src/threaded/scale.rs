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
//!
//! The default ([`TimeScale::default_for`]) makes the whole run, its arrivals and the life
//! of its last orders, last about 20 wall seconds, but is never faster than
//! [`TimeScale::DEFAULT_MAX`]: a faster scale is a choice the user makes, knowing the
//! machine may not keep up.

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

/// The wall time a whole run (its arrivals, then the life of its last orders) lasts under
/// the default time scale, unless [`TimeScale::DEFAULT_MAX`] makes it longer.
pub const DEFAULT_RUN_WALL: Duration = Duration::from_secs(20);

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
    /// The fastest default: the top of the tested range, where a 2-core machine keeps up
    /// (a 60-second deadline is 3 ms of wall time). A longer run gets this scale and lasts
    /// longer than [`DEFAULT_RUN_WALL`]; a faster one must be asked for.
    pub const DEFAULT_MAX: f64 = 20_000.0;

    /// `scale`, if it is a number within the bounds.
    pub fn new(scale: f64) -> Result<TimeScale, ScaleError> {
        if (Self::MIN..=Self::MAX).contains(&scale) {
            Ok(TimeScale(scale))
        } else {
            Err(out_of_bounds(&format!("{scale:?}")))
        }
    }

    /// The default for a run whose arrivals last `horizon` and whose orders each live about
    /// `order_life` (waiting up to the pickup deadline, then served): the scale at which
    /// `horizon + order_life` lasts about [`DEFAULT_RUN_WALL`] of wall time, in two
    /// significant figures (so it reads, and is retyped, as `370` rather than `372.00075`),
    /// brought within [`TimeScale::MIN`]..=[`TimeScale::DEFAULT_MAX`]; real time when both
    /// are 0.
    pub fn default_for(horizon: Millis, order_life: Millis) -> TimeScale {
        let span = horizon.as_ms() as f64 + order_life.as_ms() as f64;
        if span == 0.0 {
            return TimeScale::REAL_TIME;
        }
        let scale = two_figures(span / DEFAULT_RUN_WALL.as_millis() as f64);
        TimeScale(scale.clamp(Self::MIN, Self::DEFAULT_MAX))
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

/// `x` (positive and finite) rounded to two significant figures.
fn two_figures(x: f64) -> f64 {
    let exponent = x.log10().floor() as i32 - 1;
    if exponent >= 0 {
        let unit = 10f64.powi(exponent);
        (x / unit).round() * unit
    } else {
        // Divide by an exact power of ten rather than multiply by an inexact one, so 0.012
        // prints as 0.012.
        let per_unit = 10f64.powi(-exponent);
        (x * per_unit).round() / per_unit
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
    fn the_default_makes_the_whole_run_last_twenty_wall_seconds() {
        let life = Millis::from_secs(240);
        // (2 h + 4 m) ÷ 20 s = 372, in two figures.
        let scale = TimeScale::default_for(Millis::from_secs(7200), life);
        assert_eq!(scale.get(), 370.0);
        let wall = scale.wall_uncapped(Millis::from_secs(7200 + 240));
        assert!(
            wall.abs_diff(DEFAULT_RUN_WALL) < Duration::from_millis(200),
            "{wall:?}"
        );
        assert_eq!(
            TimeScale::default_for(Millis::from_secs(60), Millis::from_secs(380)).get(),
            22.0
        );
        assert_eq!(TimeScale::default_for(Millis(246), Millis::ZERO).get(), 0.012);
        assert_eq!(
            TimeScale::default_for(Millis(246), Millis::ZERO).to_string(),
            "0.012"
        );
        assert_eq!(
            TimeScale::default_for(Millis::ZERO, Millis::ZERO),
            TimeScale::REAL_TIME
        );
        assert_eq!(
            TimeScale::default_for(Millis(1), Millis::ZERO).get(),
            TimeScale::MIN
        );
        assert_eq!(
            TimeScale::default_for(Millis(u64::MAX), Millis(u64::MAX)).get(),
            TimeScale::DEFAULT_MAX
        );
    }

    /// Regression: the default covered the arrivals only and was capped at the bounds, so a
    /// 24000h horizon got 1,000,000 (and then ended in lag), and a 10 s horizon got 0.5,
    /// which drained minutes of deliveries for many wall minutes.
    #[test]
    fn the_default_covers_the_orders_life_and_is_never_faster_than_twenty_thousand() {
        let life = Millis::from_secs(240);
        let long = TimeScale::default_for(Millis::from_secs(24_000 * 3600), life);
        assert_eq!(long.get(), 20_000.0);
        // It says how long the run will take instead: 72 minutes.
        assert_eq!(
            long.wall_uncapped(Millis::from_secs(24_000 * 3600)),
            Duration::from_secs(72 * 60)
        );
        // (10 s + 4 m) ÷ 20 s = 12.5: the drain lasts seconds, not many minutes at 0.5.
        let short = TimeScale::default_for(Millis::from_secs(10), life);
        assert_eq!(short.get(), 13.0);
        // The flag's bounds stay wider than the default's.
        assert!(TimeScale::new(1_000_000.0).is_ok());
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
