//! The bounds on every size, duration and product a scenario may ask for. A value past a
//! bound is a located error (exit 2) before anything runs: a typo must not abort on memory,
//! wrap an integer, or start a run that never ends. Each bound is far above what a
//! delivery simulation needs and far below what would overflow or exhaust the machine.

use serde::de::{Deserialize, Deserializer, Error as _};

/// Drivers in a fleet.
pub const MAX_DRIVERS: u32 = 100_000;
/// Customers in a scenario.
pub const MAX_CUSTOMERS: u32 = 1_000_000;
/// Items in the catalog.
pub const MAX_ITEMS: usize = 10_000;
/// Steps of a rate profile.
pub const MAX_PROFILE_STEPS: usize = 10_000;
/// Orders a scenario may expect (rate × time, summed over the profile): a few minutes of a
/// virtual-clock run and about 11 GB of `orders.csv`, well inside the 32-bit order ids.
pub const MAX_EXPECTED_ORDERS: f64 = 1e8;
/// Radius of the area: a city or a region, where the flat-disc placement holds.
pub const MAX_RADIUS_KM: f64 = 1_000.0;
/// Travel speed bounds: at 1 km/h across a 2,000 km area a trip still takes under 1000 days.
pub const SPEED_KMH: (f64, f64) = (1.0, 1_000.0);
/// Restaurants in a food scenario.
pub const MAX_RESTAURANTS: u32 = 100_000;
/// Dishes on one generated menu.
pub const MAX_MENU: u32 = 1_000;
/// Dishes across all restaurants (restaurants × menu): about 100 bytes each in memory.
pub const MAX_DISHES: u64 = 1_000_000;
/// Length of a scenario name (it names a folder).
pub const MAX_NAME_CHARS: usize = 100;

fn at_most<'de, D: Deserializer<'de>>(d: D, max: u32, what: &str) -> Result<u32, D::Error> {
    let n = i64::deserialize(d)?;
    match u32::try_from(n) {
        Ok(n) if n <= max => Ok(n),
        _ if n < 0 => Err(D::Error::custom(format!("must not be negative, found {n}"))),
        _ => Err(D::Error::custom(format!("at most {max} {what}, found {n}"))),
    }
}

/// `fleet.drivers`, bounded by [`MAX_DRIVERS`].
pub(super) fn drivers<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    at_most(d, MAX_DRIVERS, "drivers")
}

/// `demand.customers`, bounded by [`MAX_CUSTOMERS`].
pub(super) fn customers<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    at_most(d, MAX_CUSTOMERS, "customers")
}

/// `restaurants.count`, bounded by [`MAX_RESTAURANTS`].
pub(super) fn restaurants<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    at_most(d, MAX_RESTAURANTS, "restaurants")
}

/// `restaurants.menu`: 1 to [`MAX_MENU`] dishes.
pub(super) fn menu<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    match at_most(d, MAX_MENU, "dishes")? {
        0 => Err(D::Error::custom("a menu needs at least 1 dish, found 0")),
        n => Ok(n),
    }
}
