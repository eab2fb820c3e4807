//! The rules engine: every rule of the parcel (SPEC §3) and food (SPEC §8) profiles, applied
//! one command at a time. The profile is chosen in [`EngineConfig`]; it picks the transition
//! table and the rules that differ (who is told what, what a deadline guards, stock and
//! invoices), while orders, drivers, dispatch, deadlines, keys and ratings are common.
//!
//! The engine is sans-IO in the manner of `quinn-proto`: it reads no clock, draws from no
//! outside random source, does no I/O and starts no thread. The instant is an argument of
//! [`Engine::apply`]; everything that should happen because of a command (notifications,
//! timers to set, facts for reports) is returned in its [`Outcome`]. The same engine is
//! driven by the script shell, the virtual-clock simulator and the threaded mode, so no
//! business rule is written twice.
//!
//! Callers must pass non-decreasing instants. A refused command returns a [`Refusal`] and
//! leaves the engine exactly as it was: every check happens before the first change.
//!
//! This file holds the state, the settings and the entry point; `commands` one method per
//! common command, `food` the food profile's own, `mechanics` what they share (transitions,
//! the dispatch hooks, assignment, cancellation, freeing a driver), `queries` the read-only
//! views, `explain` the words for a refusal.

pub mod command;
mod commands;
pub mod dispatch;
mod explain;
pub mod food;
pub mod geo;
pub mod ids;
mod invariants;
pub mod keys;
mod mechanics;
pub mod model;
pub mod outcome;
mod queries;
pub mod rankings;
pub mod refusal;
pub mod status;
pub mod table;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use command::{Command, KitchenStep};
pub use dispatch::Policy;
pub use food::{FoodOrder, FoodSettings, Invoice, Line, MenuItem, Restaurant};
pub use geo::LatLon;
pub use ids::{CustomerId, DriverId, ItemId, OrderId, Party, RestaurantId};
pub use model::{Contact, Customer, Driver, Duty, Guard, Order, OrderDetail};
pub use outcome::{Effects, Event, Notice, NoticeKind, Outcome, Reply, Role, Timer, TimerRequest};
pub use rankings::RankBy;
pub use refusal::Refusal;
pub use status::{CancelReason, DriverStatus, OrderStatus, Profile};

use crate::time::Millis;

/// The rules' settings, fixed once the first order is placed.
#[derive(Clone, Debug, PartialEq)]
pub struct EngineConfig {
    /// Whose rules: parcel (SPEC §3) or food (SPEC §8).
    pub profile: Profile,
    /// A parcel not picked up this long after its creation is cancelled; a food order not
    /// picked up this long after its assignment is unassigned.
    pub pickup_deadline: Millis,
    /// How an idle driver is chosen for an order that became assignable.
    pub policy: Policy,
    /// Seed of the stream the `random` policy draws from.
    pub dispatch_seed: u64,
    /// Parcel: the items that can be ordered, in catalog order.
    pub catalog: Vec<String>,
    /// How long an idempotency key lives from its order's creation; `None`: forever.
    pub key_ttl: Option<Millis>,
    /// Food: pricing, travel speed and review.
    pub food: FoodSettings,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            profile: Profile::Parcel,
            pickup_deadline: Millis::from_secs(60),
            policy: Policy::LongestIdle,
            dispatch_seed: 0,
            catalog: (1..=5).map(|i| format!("item{i}")).collect(),
            key_ttl: None,
            food: FoodSettings::default(),
        }
    }
}

impl EngineConfig {
    /// The defaults of a profile: parcel as [`EngineConfig::default`]; food with the
    /// `nearest` policy, a 15-minute deadline from assignment and keys living 24 hours
    /// (SPEC §8.3).
    pub fn for_profile(profile: Profile) -> EngineConfig {
        match profile {
            Profile::Parcel => EngineConfig::default(),
            Profile::Food => EngineConfig {
                profile,
                pickup_deadline: Millis::from_secs(15 * 60),
                policy: Policy::Nearest,
                key_ttl: Some(Millis::from_secs(24 * 3600)),
                ..EngineConfig::default()
            },
        }
    }
}

/// Why a configuration change was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// Settings are fixed once an order exists.
    OrdersExist,
    /// A catalog needs at least one item.
    EmptyCatalog,
    /// An item name appears twice in the catalog.
    DuplicateItem(String),
    /// An item name is empty or holds a control character.
    BadItemName(String),
    /// The profile can only change while the platform is empty.
    PartiesExist,
    /// A food setting is out of its range.
    BadSetting(&'static str),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::OrdersExist => {
                f.write_str("settings and catalog can only change before the first order")
            }
            ConfigError::EmptyCatalog => f.write_str("the catalog needs at least one item"),
            ConfigError::DuplicateItem(item) => write!(f, "item `{item}` appears twice in the catalog"),
            ConfigError::PartiesExist => {
                f.write_str("the profile can only change before anyone is onboarded")
            }
            ConfigError::BadSetting(what) => f.write_str(what),
            ConfigError::BadItemName(item) => write!(
                f,
                "{item:?} cannot be an item name: it needs a visible character and no control characters"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The whole state of one delivery platform.
#[derive(Clone, Debug, PartialEq)]
pub struct Engine {
    config: EngineConfig,
    names: BTreeMap<String, Party>,
    customers: Vec<Customer>,
    drivers: Vec<Driver>,
    restaurants: Vec<Restaurant>,
    orders: table::OrderTable,
    /// Idempotency keys, with the details of the first placement (which may be retired).
    keys: keys::KeyStore,
    /// Orders waiting for a driver, in the order they are served.
    waiting: dispatch::WaitingLine,
    /// The next place in the waiting line.
    next_queue_seq: u64,
    idle: dispatch::IdleSet,
    next_idle_seq: u64,
    fleet_stars: u64,
    fleet_ratings: u64,
    /// Delivered orders already retired, so totals stay checkable after retirement.
    retired_delivered: u64,
    dispatch_rng: ChaCha8Rng,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(EngineConfig::default()).unwrap_or_else(|_| unreachable!("the default config is valid"))
    }
}

impl Engine {
    /// An empty platform with these settings.
    pub fn new(config: EngineConfig) -> Result<Engine, ConfigError> {
        validate_config(&config)?;
        Ok(Engine {
            dispatch_rng: ChaCha8Rng::seed_from_u64(config.dispatch_seed),
            config,
            names: BTreeMap::new(),
            customers: Vec::new(),
            drivers: Vec::new(),
            restaurants: Vec::new(),
            orders: table::OrderTable::default(),
            keys: keys::KeyStore::default(),
            waiting: dispatch::WaitingLine::default(),
            next_queue_seq: 0,
            idle: dispatch::IdleSet::new(),
            next_idle_seq: 0,
            fleet_stars: 0,
            fleet_ratings: 0,
            retired_delivered: 0,
        })
    }

    /// Changes the settings; refused once an order exists.
    pub fn reconfigure(&mut self, change: impl FnOnce(&mut EngineConfig)) -> Result<(), ConfigError> {
        if self.orders.next_id() != OrderId(0) {
            return Err(ConfigError::OrdersExist);
        }
        let mut config = self.config.clone();
        change(&mut config);
        if config.profile != self.config.profile && !self.names.is_empty() {
            return Err(ConfigError::PartiesExist);
        }
        validate_config(&config)?;
        self.dispatch_rng = ChaCha8Rng::seed_from_u64(config.dispatch_seed);
        self.config = config;
        Ok(())
    }

    /// Applies one command at instant `now`.
    pub fn apply(&mut self, now: Millis, command: &Command) -> Result<Outcome, Refusal> {
        let mut fx = Effects::default();
        let reply = self.apply_into(now, command, &mut fx)?;
        Ok(Outcome {
            reply,
            notices: fx.notices,
            timers: fx.timers,
            events: fx.events,
        })
    }

    /// Applies one command at instant `now`, putting its effects into `fx` (cleared first).
    /// Lets a hot loop reuse one buffer instead of allocating an [`Outcome`] per command.
    pub fn apply_into(&mut self, now: Millis, command: &Command, fx: &mut Effects) -> Result<Reply, Refusal> {
        fx.clear();
        match command {
            Command::OnboardCustomer {
                name,
                contact,
                address,
                location,
            } => self.onboard_customer(name, contact, address, *location),
            Command::OnboardDriver {
                name,
                contact,
                location,
            } => self.onboard_driver(now, name, contact, *location, fx),
            Command::PlaceOrder {
                sender,
                recipient,
                item,
                key,
            } => self.place(now, *sender, *recipient, *item, key.as_deref(), fx),
            Command::CancelOrder { order, by } => self.cancel_by_sender(now, *order, *by, fx),
            Command::Pickup { driver, order } => self.pickup(now, *driver, *order, fx),
            Command::Deliver { driver, order } => self.deliver(now, *driver, *order, fx),
            Command::Rate { order, stars, by } => self.rate(now, *order, *stars, *by, fx),
            Command::ExpireDeadline { order, guard } => self.expire_deadline(now, *order, *guard, fx),
            Command::OnboardRestaurant {
                name,
                contact,
                location,
                prep,
                open,
            } => self.onboard_restaurant(name, contact, *location, *prep, *open),
            Command::SetMenuItem {
                restaurant,
                item,
                price,
                stock,
            } => self.set_menu_item(*restaurant, item, *price, *stock),
            Command::Restock {
                restaurant,
                item,
                amount,
            } => self.restock(*restaurant, *item, *amount),
            Command::SetOpen { restaurant, open } => self.set_open(*restaurant, *open),
            Command::PlaceMeal {
                customer,
                restaurant,
                lines,
                tip,
                key,
            } => self.place_meal(now, *customer, *restaurant, lines, *tip, key.as_deref(), fx),
            Command::Kitchen { order, step } => self.kitchen(now, *order, *step, fx),
            Command::Release { driver, order } => self.release(now, *driver, *order, fx),
        }
    }

    /// Refuses a command of the other profile (the shells never send one).
    pub(super) fn require(&self, profile: Profile) -> Result<(), Refusal> {
        if self.config.profile == profile {
            Ok(())
        } else {
            Err(Refusal::InvalidArgument)
        }
    }
}

fn validate_config(config: &EngineConfig) -> Result<(), ConfigError> {
    validate_catalog(&config.catalog)?;
    let food = &config.food;
    if !(food.speed_kmh > 0.0 && food.speed_kmh <= FoodSettings::MAX_SPEED_KMH) {
        return Err(ConfigError::BadSetting(
            "speed_kmh must be above 0 and at most 10000",
        ));
    }
    if food.base_fee > food::MAX_AMOUNT || food.per_km_fee > food::MAX_AMOUNT {
        return Err(ConfigError::BadSetting("fees are at most 1000000000 cents"));
    }
    if food.review_after == 0 || food.review_after > FoodSettings::MAX_REVIEW_AFTER {
        return Err(ConfigError::BadSetting("review_after must be 1 to 1000000"));
    }
    Ok(())
}

fn validate_catalog(items: &[String]) -> Result<(), ConfigError> {
    if items.is_empty() {
        return Err(ConfigError::EmptyCatalog);
    }
    for (i, item) in items.iter().enumerate() {
        if item.trim().is_empty() || item.chars().any(char::is_control) {
            return Err(ConfigError::BadItemName(item.clone()));
        }
        if items[..i].contains(item) {
            return Err(ConfigError::DuplicateItem(item.clone()));
        }
    }
    Ok(())
}
