//! The rules engine: every parcel rule of SPEC §3, applied one command at a time.
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
//! command, `mechanics` what they share (transitions, assignment, freeing a driver),
//! `queries` the read-only views, `explain` the words for a refusal.

pub mod command;
mod commands;
pub mod dispatch;
mod explain;
pub mod geo;
pub mod ids;
mod invariants;
mod mechanics;
pub mod model;
mod queries;
pub mod rankings;
pub mod refusal;
pub mod status;
pub mod table;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use command::{Command, Effects, Event, Notice, NoticeKind, Outcome, Reply, Role, Timer, TimerRequest};
pub use dispatch::Policy;
pub use geo::LatLon;
pub use ids::{CustomerId, DriverId, ItemId, OrderId, Party};
pub use model::{Contact, Customer, Driver, Duty, Order};
pub use rankings::RankBy;
pub use refusal::Refusal;
pub use status::{CancelReason, DriverStatus, OrderStatus};

use crate::time::Millis;

/// The rules' settings, fixed once the first order is placed.
#[derive(Clone, Debug, PartialEq)]
pub struct EngineConfig {
    /// An order not picked up this long after its creation is cancelled.
    pub pickup_deadline: Millis,
    /// How an idle driver is chosen for a new order.
    pub policy: Policy,
    /// Seed of the stream the `random` policy draws from.
    pub dispatch_seed: u64,
    /// The items that can be ordered, in catalog order.
    pub catalog: Vec<String>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            pickup_deadline: Millis::from_secs(60),
            policy: Policy::LongestIdle,
            dispatch_seed: 0,
            catalog: (1..=5).map(|i| format!("item{i}")).collect(),
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
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::OrdersExist => {
                f.write_str("settings and catalog can only change before the first order")
            }
            ConfigError::EmptyCatalog => f.write_str("the catalog needs at least one item"),
            ConfigError::DuplicateItem(item) => write!(f, "item `{item}` appears twice in the catalog"),
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
    orders: table::OrderTable,
    /// Idempotency keys, with the details of the first placement (which may be retired).
    keys: BTreeMap<String, KeyedPlacement>,
    /// Orders waiting for a driver, oldest first. Lazily pruned: an entry whose order was
    /// cancelled or is past its deadline is skipped when reached, not searched for.
    waiting: VecDeque<OrderId>,
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
        validate_catalog(&config.catalog)?;
        Ok(Engine {
            dispatch_rng: ChaCha8Rng::seed_from_u64(config.dispatch_seed),
            config,
            names: BTreeMap::new(),
            customers: Vec::new(),
            drivers: Vec::new(),
            orders: table::OrderTable::default(),
            keys: BTreeMap::new(),
            waiting: VecDeque::new(),
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
        validate_catalog(&config.catalog)?;
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
            Command::ExpireDeadline { order } => self.expire_deadline(now, *order, fx),
        }
    }
}

/// What an idempotency key was first used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct KeyedPlacement {
    order: OrderId,
    sender: CustomerId,
    recipient: CustomerId,
    item: ItemId,
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
