//! Scenario files (`*.toml`, SPEC §5): the schema, its defaults, and validation with errors
//! that name the file, the field and, where known, the line and column.
//!
//! Values are parsed while deserializing (each field type checks its own syntax), so serde
//! reports the failing key path and toml the position; rules that tie fields together
//! (`nearest` needs `[area]`) are checked afterwards against the recorded spans.

pub mod check;
pub mod dist;
pub mod food;
pub mod limits;
mod profile;
mod validate;
mod values;

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

pub use dist::{Dist, DurationDist, NumberDist};
pub use food::{FoodLoad, Pricing, Restaurants};
pub use values::{DurationValue, PolicyValue, Probability, ProfileValue, Rate};

use crate::engine::{LatLon, Profile};
use crate::time::Millis;

/// A whole scenario, validated.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Whose rules: `parcel` (SPEC §3, the default) or `food` (SPEC §8).
    #[serde(default = "defaults::profile")]
    pub profile: Spanned<ProfileValue>,
    /// Report folder name; defaults to the file's stem.
    #[serde(default)]
    pub name: String,
    /// Default seed; `--seed` overrides.
    #[serde(default = "defaults::seed")]
    pub seed: u64,
    /// Orders arrive in [0, horizon).
    #[serde(default = "defaults::horizon")]
    pub horizon: DurationValue,
    /// Parcel: the catalog ([`Scenario::catalog`] fills in the default).
    #[serde(default)]
    pub items: Option<Spanned<Vec<String>>>,
    /// The drivers.
    #[serde(default)]
    pub fleet: Fleet,
    /// The customers and their orders.
    #[serde(default)]
    pub demand: Demand,
    /// How drivers and customers act.
    #[serde(default)]
    pub behavior: Behavior,
    /// Optional geometry: positions, distances, travel times.
    #[serde(default)]
    pub area: Option<Area>,
    /// Dispatch rules.
    #[serde(default)]
    pub dispatch: Dispatch,
    /// Optional reports.
    #[serde(default)]
    pub report: ReportOptions,
    /// Food: the restaurants ([`Scenario::food`] fills in the defaults).
    #[serde(default)]
    pub restaurants: Option<Spanned<Restaurants>>,
    /// Food: the delivery fee.
    #[serde(default)]
    pub pricing: Option<Spanned<Pricing>>,
}

/// `[fleet]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fleet {
    /// `driver-1` … `driver-N`, onboarded at time 0.
    #[serde(default = "defaults::drivers", deserialize_with = "limits::drivers")]
    pub drivers: u32,
}

/// `[demand]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// `customer-1` …; sender and recipient drawn uniformly, distinct.
    #[serde(default = "defaults::customers", deserialize_with = "limits::customers")]
    pub customers: u32,
    /// Poisson arrival rate before the first profile step.
    #[serde(default = "defaults::rate")]
    pub rate: Rate,
    /// Rate changes over time, each from its `from` on.
    #[serde(default)]
    pub profile: Vec<ProfileStep>,
    /// Probability that a placement is sent twice with one idempotency key.
    #[serde(default)]
    pub double_tap: Probability,
    /// Food: lines per order.
    #[serde(default)]
    pub lines: Option<Spanned<NumberDist>>,
    /// Food: quantity per line.
    #[serde(default)]
    pub quantity: Option<Spanned<NumberDist>>,
    /// Food: tip per order, cents.
    #[serde(default)]
    pub tip_cents: Option<Spanned<NumberDist>>,
}

/// One step of a rate profile.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileStep {
    /// From this instant on…
    pub from: DurationValue,
    /// …orders arrive at this rate.
    pub rate: Rate,
}

/// `[behavior]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behavior {
    /// Parcel: assignment (+ travel) → the pickup; food: arrival at the ready meal → the
    /// pickup. [`Scenario::pickup_delay`] fills in the profile's default.
    #[serde(default)]
    pub pickup_delay: Option<DurationDist>,
    /// Parcel: pickup (+ travel) → delivery.
    #[serde(default)]
    pub delivery_time: Option<Spanned<DurationDist>>,
    /// Food: at the door, after travel.
    #[serde(default)]
    pub dropoff: Option<Spanned<DurationDist>>,
    /// Probability that an assigned driver never picks up.
    #[serde(default)]
    pub no_show: Probability,
    /// Customer cancellations.
    #[serde(default)]
    pub cancel: CancelBehavior,
    /// Ratings after delivery.
    #[serde(default)]
    pub rating: RatingBehavior,
}

/// `behavior.cancel`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelBehavior {
    /// Probability that the sender tries to cancel.
    #[serde(default)]
    pub probability: Probability,
    /// When, counted from creation.
    #[serde(default = "defaults::cancel_after")]
    pub after: DurationDist,
}

/// `behavior.rating`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingBehavior {
    /// Probability that a delivered order is rated.
    #[serde(default = "defaults::rating_probability")]
    pub probability: Probability,
    /// Each driver's own mean, drawn once.
    #[serde(default = "defaults::driver_mean")]
    pub driver_mean: NumberDist,
    /// Standard deviation of one rating around the driver's mean.
    #[serde(default = "defaults::spread")]
    pub spread: f64,
}

/// `[area]`: customers and drivers placed uniformly in a disc.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// `[LAT, LON]` in degrees.
    #[serde(deserialize_with = "values::lat_lon")]
    pub center: [f64; 2],
    /// Radius of the disc.
    #[serde(default = "defaults::radius_km")]
    pub radius_km: f64,
    /// Travel speed.
    #[serde(default = "defaults::speed_kmh")]
    pub speed_kmh: f64,
}

/// `[dispatch]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dispatch {
    /// `longest_idle`, `nearest` (needs `[area]`) or `random`; the default is the
    /// profile's ([`Scenario::policy`]).
    #[serde(default)]
    pub policy: Option<Spanned<PolicyValue>>,
    /// Parcel: from creation; food: from assignment ([`Scenario::pickup_deadline`]).
    #[serde(default)]
    pub pickup_deadline: Option<DurationValue>,
    /// Food: failed pickups within a week that flag a driver for review.
    #[serde(default, deserialize_with = "food::review_after")]
    pub review_after: Option<Spanned<u32>>,
}

/// `[report]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportOptions {
    /// Write `events.csv`.
    #[serde(default)]
    pub events: bool,
    /// Write `notifications.csv`.
    #[serde(default)]
    pub notifications: bool,
}

mod defaults {
    use super::*;

    pub fn profile() -> Spanned<ProfileValue> {
        Spanned::new(0..0, ProfileValue(Profile::Parcel))
    }
    pub fn seed() -> u64 {
        42
    }
    pub fn horizon() -> DurationValue {
        DurationValue(Millis::from_secs(3600))
    }
    pub fn drivers() -> u32 {
        10
    }
    pub fn customers() -> u32 {
        200
    }
    /// About half the default fleet's capacity (10 drivers, ~5.3 minutes an order).
    pub fn rate() -> Rate {
        Rate::per_minute(1.0)
    }
    pub fn cancel_after() -> DurationDist {
        super::food::defaults::duration("uniform(0s, 60s)")
    }
    pub fn rating_probability() -> Probability {
        Probability(0.7)
    }
    pub fn driver_mean() -> NumberDist {
        let uniform = rand_distr::Uniform::new(3.0, 5.0).unwrap_or_else(|e| unreachable!("{e}"));
        NumberDist(Dist::Uniform(uniform))
    }
    pub fn spread() -> f64 {
        0.8
    }
    pub fn radius_km() -> f64 {
        5.0
    }
    pub fn speed_kmh() -> f64 {
        25.0
    }
}

macro_rules! default_from_serde {
    ($($ty:ty),*) => {$(
        impl Default for $ty {
            fn default() -> Self {
                // An empty table takes every field's serde default, so both stay in one place.
                toml::from_str("").unwrap_or_else(|e| unreachable!("defaults of {}: {e}", stringify!($ty)))
            }
        }
    )*};
}
pub(crate) use default_from_serde;
default_from_serde!(Fleet, Demand, Behavior, CancelBehavior, RatingBehavior, Dispatch);

impl Scenario {
    /// The area's centre as a position.
    pub fn center(&self) -> Option<LatLon> {
        self.area
            .as_ref()
            .and_then(|a| LatLon::new(a.center[0], a.center[1]))
    }

    /// The number of orders the arrival process is expected to place: the rate integrated
    /// over `[0, horizon)`, through every profile step (double taps not counted twice).
    pub fn expected_orders(&self) -> f64 {
        let horizon = self.horizon.0;
        let segments = self.rate_segments();
        segments
            .iter()
            .enumerate()
            .map(|(i, &(from, per_ms))| {
                let end = segments.get(i + 1).map_or(horizon, |s| s.0.min(horizon));
                per_ms * end.saturating_sub(from).as_ms() as f64
            })
            .sum()
    }

    /// Arrival rate segments: `(from, orders per millisecond)`, from time 0, in order.
    pub fn rate_segments(&self) -> Vec<(Millis, f64)> {
        let mut segments = vec![(Millis::ZERO, self.demand.rate.per_ms())];
        for step in &self.demand.profile {
            if step.from.0 == Millis::ZERO {
                segments[0] = (Millis::ZERO, step.rate.per_ms());
            } else {
                segments.push((step.from.0, step.rate.per_ms()));
            }
        }
        segments
    }
}

/// Why a scenario could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file, as given.
    pub file: String,
    /// 1-based line and column, where known.
    pub position: Option<(usize, usize)>,
    /// The field's dotted path, where known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let text =
        crate::input::read_text(path, crate::input::MAX_SCENARIO_BYTES).map_err(|e| ScenarioError {
            file: file.clone(),
            position: None,
            field: None,
            message: format!("cannot read the scenario: {e}"),
        })?;
    let mut scenario = parse(&file, &text)?;
    if scenario.name.is_empty() {
        scenario.name = path
            .file_stem()
            .map_or_else(|| "scenario".to_string(), |s| s.to_string_lossy().into_owned());
    }
    Ok(scenario)
}

/// Parses and validates scenario text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let error =
        |span: Option<std::ops::Range<usize>>, field: Option<String>, message: String| ScenarioError {
            file: file.to_string(),
            position: span.map(|s| line_column(text, s.start)),
            field,
            message,
        };
    let deserializer =
        toml::Deserializer::parse(text).map_err(|e| error(e.span(), None, e.message().trim().to_string()))?;
    let scenario: Scenario = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        // `Spanned` wrappers show up as an internal path segment; users never wrote it.
        let path: Vec<String> = e
            .path()
            .to_string()
            .split('.')
            .filter(|s| !s.is_empty() && !s.starts_with("$__"))
            .map(str::to_string)
            .collect();
        let field = (!path.is_empty()).then(|| path.join("."));
        let inner = e.into_inner();
        error(inner.span(), field, inner.message().trim().to_string())
    })?;
    validate::validate(&scenario)
        .map_err(|(span, field, message)| error(span, Some(field.to_string()), message))?;
    Ok(scenario)
}

/// The 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests;
