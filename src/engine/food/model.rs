//! The food profile's entities (SPEC §8.1): restaurants with their menus, and the food part
//! of an order (restaurant, lines, invoice, kitchen times, the drivers who failed it).

use crate::engine::geo::LatLon;
use crate::engine::ids::{DriverId, ItemId, RestaurantId};
use crate::engine::model::Contact;
use crate::time::Millis;

/// The largest amount a user may write: a price, a tip, a fee or a stock, 10⁹ (ten million
/// in currency units for cents). Sums of a few of them times quantities below 100 stay far
/// inside a `u64`.
pub const MAX_AMOUNT: u64 = 1_000_000_000;

/// The most a quantity of one line may be.
pub const MAX_QUANTITY: u32 = 99;

/// The food profile's settings (SPEC §8.2, §8.4).
#[derive(Clone, Debug, PartialEq)]
pub struct FoodSettings {
    /// Delivery fee's fixed part, in cents.
    pub base_fee: u64,
    /// Delivery fee per haversine km from restaurant to customer, in cents.
    pub per_km_fee: u64,
    /// Travel speed for the ETA, km/h (0 < speed ≤ [`FoodSettings::MAX_SPEED_KMH`]).
    pub speed_kmh: f64,
    /// Failed pickups within the review window that flag a driver (≥ 1).
    pub review_after: u32,
    /// The review window: failures in (now − window, now] count.
    pub review_window: Millis,
}

impl FoodSettings {
    /// The fastest travel a user may set, km/h.
    pub const MAX_SPEED_KMH: f64 = 10_000.0;
    /// The most failed pickups `review_after` may ask for.
    pub const MAX_REVIEW_AFTER: u32 = 1_000_000;
}

impl Default for FoodSettings {
    fn default() -> Self {
        FoodSettings {
            base_fee: 299,
            per_km_fee: 50,
            speed_kmh: 25.0,
            review_after: 3,
            review_window: Millis(7 * 24 * 3_600_000),
        }
    }
}

/// A dish on a menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MenuItem {
    /// Unique within its restaurant.
    pub name: String,
    /// Price in cents.
    pub price: u64,
    /// Portions left; `None` is unlimited.
    pub stock: Option<u64>,
}

/// A restaurant: cooks what it confirms, at one place.
#[derive(Clone, Debug, PartialEq)]
pub struct Restaurant {
    /// Unique across every name.
    pub name: String,
    /// Where it is: drivers fetch the food here.
    pub location: LatLon,
    /// Open restaurants take orders.
    pub open: bool,
    /// Email and phone, both optional.
    pub contact: Contact,
    /// Mean preparation time, for the ETA.
    pub prep: Millis,
    /// Its dishes, in the order they were added.
    pub menu: Vec<MenuItem>,
}

impl Restaurant {
    /// The item of that name on the menu.
    pub fn item_by_name(&self, name: &str) -> Option<ItemId> {
        self.menu
            .iter()
            .position(|item| item.name == name)
            .map(|i| ItemId(i as u32))
    }
}

/// One line of a food order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Line {
    /// The dish, on the order's restaurant's menu.
    pub item: ItemId,
    /// How many (1–99).
    pub quantity: u32,
}

/// What the customer pays, in cents (SPEC §8.2.2): total = subtotal + delivery fee + tip.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Invoice {
    /// Σ price × quantity.
    pub subtotal: u64,
    /// Base fee plus the per-km part.
    pub delivery_fee: u64,
    /// The tip.
    pub tip: u64,
    /// subtotal + delivery fee + tip.
    pub total: u64,
    /// Paid back on cancellation.
    pub refunded: u64,
}

/// The food part of an order.
#[derive(Clone, Debug, PartialEq)]
pub struct FoodOrder {
    /// Who cooks it.
    pub restaurant: RestaurantId,
    /// What was ordered, as placed (the order of the command's lines).
    pub lines: Vec<Line>,
    /// Unit prices at placement, one per line.
    pub prices: Vec<u64>,
    /// What it costs.
    pub invoice: Invoice,
    /// Estimated delivery instant, fixed at placement.
    pub eta: Millis,
    /// When the restaurant confirmed it.
    pub confirmed_at: Option<Millis>,
    /// When the kitchen started.
    pub preparing_at: Option<Millis>,
    /// When it first became ready (an unassignment keeps it).
    pub ready_at: Option<Millis>,
    /// Drivers whose assignment lapsed or who gave it back: never assigned it again.
    pub failed_drivers: Vec<DriverId>,
}

impl FoodOrder {
    /// Whether this driver failed this order before.
    pub fn failed_by(&self, driver: DriverId) -> bool {
        self.failed_drivers.contains(&driver)
    }
}
