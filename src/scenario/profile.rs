//! What a scenario's profile decides: the fields whose default differs between parcels
//! and food (policy, pickup deadline, pickup delay, the last leg) and the parcel catalog,
//! each resolved in one place from what was written or the profile's default.

use super::{food, DurationDist, Scenario};
use crate::engine::{Policy, Profile};
use crate::time::Millis;

impl Scenario {
    /// Whose rules the scenario runs.
    pub fn profile(&self) -> Profile {
        self.profile.get_ref().0
    }

    /// Whether it runs the food rules.
    pub fn is_food(&self) -> bool {
        self.profile() == Profile::Food
    }

    /// The dispatch policy: as written, else `longest_idle` for parcels and `nearest` for
    /// food.
    pub fn policy(&self) -> Policy {
        match &self.dispatch.policy {
            Some(p) => p.get_ref().0,
            None if self.is_food() => Policy::Nearest,
            None => Policy::LongestIdle,
        }
    }

    /// The pickup deadline: as written, else 60 s from creation for parcels and 15 min
    /// from assignment for food.
    pub fn pickup_deadline(&self) -> Millis {
        match &self.dispatch.pickup_deadline {
            Some(d) => d.0,
            None if self.is_food() => Millis::from_secs(15 * 60),
            None => Millis::from_secs(60),
        }
    }

    /// The pickup delay: as written, else `exp(20s)` for parcels and `exp(1m)` for food.
    pub fn pickup_delay(&self) -> DurationDist {
        match &self.behavior.pickup_delay {
            Some(d) => d.clone(),
            None if self.is_food() => food::defaults::duration("exp(1m)"),
            None => food::defaults::duration("exp(20s)"),
        }
    }

    /// The last leg's time at the destination after travel: a parcel's `delivery_time`
    /// (default `exp(5m)`), a meal's `dropoff` (default `lognormal(2m, 1m)`).
    pub fn last_leg(&self) -> DurationDist {
        if self.is_food() {
            return self.food().dropoff;
        }
        self.behavior
            .delivery_time
            .as_ref()
            .map_or_else(|| food::defaults::duration("exp(5m)"), |d| d.get_ref().clone())
    }

    /// Parcel: the catalog, as written or `item1` … `item5`.
    pub fn catalog(&self) -> Vec<String> {
        match &self.items {
            Some(items) => items.get_ref().clone(),
            None => (1..=5).map(|i| format!("item{i}")).collect(),
        }
    }
}
