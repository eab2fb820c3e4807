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

pub mod command;
pub mod dispatch;
mod explain;
pub mod geo;
pub mod ids;
mod invariants;
pub mod model;
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

    // ----- queries -----

    /// The settings in force.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Every customer, by id.
    pub fn customers(&self) -> &[Customer] {
        &self.customers
    }

    /// Every driver, by id.
    pub fn drivers(&self) -> &[Driver] {
        &self.drivers
    }

    /// Resident orders, oldest first. Until orders are retired, position = id; use
    /// [`Engine::order`] to look one up by id.
    pub fn orders(&self) -> &std::collections::VecDeque<Order> {
        self.orders.resident()
    }

    /// Orders ever placed (resident or retired).
    pub fn orders_placed(&self) -> u32 {
        self.orders.next_id().0
    }

    /// One order; retired orders are unknown.
    pub fn order(&self, id: OrderId) -> Result<&Order, Refusal> {
        self.orders.get(id).ok_or(Refusal::UnknownOrder)
    }

    /// Forgets the oldest resident order if it is finished (delivered or cancelled), and
    /// returns it. The shell calls this once nothing it will still do names the order;
    /// afterwards commands naming it are refused with `unknown_order`.
    pub fn retire_oldest_finished(&mut self) -> Option<Order> {
        let oldest = self.orders.resident().front()?.status;
        if !oldest.is_final() {
            return None;
        }
        if oldest == OrderStatus::Delivered {
            self.retired_delivered += 1;
        }
        self.orders.pop_oldest()
    }

    /// One driver.
    pub fn driver(&self, id: DriverId) -> Result<&Driver, Refusal> {
        self.drivers.get(id.index()).ok_or(Refusal::UnknownDriver)
    }

    /// One customer.
    pub fn customer(&self, id: CustomerId) -> Result<&Customer, Refusal> {
        self.customers.get(id.index()).ok_or(Refusal::UnknownCustomer)
    }

    /// The catalog's item names, by id.
    pub fn catalog(&self) -> &[String] {
        &self.config.catalog
    }

    /// Total stars and number of ratings over the whole fleet.
    pub fn fleet_ratings(&self) -> (u64, u64) {
        (self.fleet_stars, self.fleet_ratings)
    }

    /// Orders in the waiting queue that can still be assigned at `now`.
    pub fn waiting_at(&self, now: Millis) -> impl Iterator<Item = OrderId> + '_ {
        self.waiting.iter().copied().filter(move |&o| {
            self.orders
                .get(o)
                .is_some_and(|o| o.status == OrderStatus::Created && o.is_live_at(now))
        })
    }

    /// Idle drivers, longest idle first.
    pub fn idle_drivers(&self) -> impl Iterator<Item = DriverId> + '_ {
        self.idle.iter().map(|&(_, d)| d)
    }

    /// The customer of that name.
    pub fn customer_by_name(&self, name: &str) -> Result<CustomerId, Refusal> {
        match self.names.get(name) {
            Some(Party::Customer(id)) => Ok(*id),
            _ => Err(Refusal::UnknownCustomer),
        }
    }

    /// The driver of that name.
    pub fn driver_by_name(&self, name: &str) -> Result<DriverId, Refusal> {
        match self.names.get(name) {
            Some(Party::Driver(id)) => Ok(*id),
            _ => Err(Refusal::UnknownDriver),
        }
    }

    /// Whoever has that name.
    pub fn party_by_name(&self, name: &str) -> Option<Party> {
        self.names.get(name).copied()
    }

    /// The catalog item of that name.
    pub fn item_by_name(&self, name: &str) -> Result<ItemId, Refusal> {
        self.config
            .catalog
            .iter()
            .position(|item| item == name)
            .map(|i| ItemId(i as u32))
            .ok_or(Refusal::UnknownItem)
    }

    /// The existing order with that user-facing id (`order-N`).
    pub fn order_by_name(&self, text: &str) -> Result<OrderId, Refusal> {
        let id = OrderId::parse(text).ok_or(Refusal::UnknownOrder)?;
        self.order(id).map(|o| o.id)
    }

    /// The name of a customer or driver.
    pub fn name_of(&self, party: Party) -> &str {
        match party {
            Party::Customer(c) => &self.customers[c.index()].name,
            Party::Driver(d) => &self.drivers[d.index()].name,
        }
    }

    /// The contact details of a customer or driver.
    pub fn contact_of(&self, party: Party) -> &Contact {
        match party {
            Party::Customer(c) => &self.customers[c.index()].contact,
            Party::Driver(d) => &self.drivers[d.index()].contact,
        }
    }

    // ----- commands -----

    fn check_new_name(&self, name: &str, contact: &Contact, location: Option<LatLon>) -> Result<(), Refusal> {
        if self.names.contains_key(name) {
            return Err(Refusal::DuplicateName);
        }
        // A location is well formed when it is two numbers; one outside the globe breaks a
        // rule, so it is refused like a malformed email (SPEC §4), not a script error.
        let off_the_globe = location.is_some_and(|l| LatLon::new(l.lat, l.lon).is_none());
        if name.trim().is_empty()
            || name.chars().any(char::is_control)
            || !contact.is_valid()
            || off_the_globe
        {
            return Err(Refusal::InvalidArgument);
        }
        Ok(())
    }

    fn onboard_customer(
        &mut self,
        name: &str,
        contact: &Contact,
        address: &Option<String>,
        location: Option<LatLon>,
    ) -> Result<Reply, Refusal> {
        self.check_new_name(name, contact, location)?;
        let id = CustomerId(self.customers.len() as u32);
        self.customers.push(Customer {
            name: name.to_string(),
            contact: contact.clone(),
            address: address.clone(),
            location,
        });
        self.names.insert(name.to_string(), Party::Customer(id));
        Ok(Reply::Onboarded(Party::Customer(id)))
    }

    fn onboard_driver(
        &mut self,
        now: Millis,
        name: &str,
        contact: &Contact,
        location: Option<LatLon>,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        self.check_new_name(name, contact, location)?;
        let id = DriverId(self.drivers.len() as u32);
        self.drivers.push(Driver {
            name: name.to_string(),
            contact: contact.clone(),
            location,
            duty: Duty::Idle { since_seq: 0 },
            deliveries: 0,
            stars: 0,
            ratings: 0,
            assigned_then_cancelled: 0,
            busy_ms: 0,
            busy_since: None,
        });
        self.names.insert(name.to_string(), Party::Driver(id));
        let reply = Reply::Onboarded(Party::Driver(id));
        self.make_available(now, id, fx);
        Ok(reply)
    }

    fn place(
        &mut self,
        now: Millis,
        sender: CustomerId,
        recipient: CustomerId,
        item: ItemId,
        key: Option<&str>,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        self.customer(sender)?;
        self.customer(recipient)?;
        if item.index() >= self.config.catalog.len() {
            return Err(Refusal::UnknownItem);
        }
        if sender == recipient || key == Some("") {
            return Err(Refusal::InvalidArgument);
        }
        if let Some(first) = key.and_then(|k| self.keys.get(k)).copied() {
            if (first.sender, first.recipient, first.item) != (sender, recipient, item) {
                return Err(Refusal::InvalidArgument);
            }
            let existing = first.order;
            let reply = Reply::Placed {
                order: existing,
                duplicate: true,
            };
            fx.events.push(Event::DuplicatePrevented(existing));
            return Ok(reply);
        }
        // Ids are u32s that never wrap: once every id is used, placing is refused (a load
        // run's limits stop it long before).
        let id = self.orders.try_next_id().ok_or(Refusal::InvalidArgument)?;
        let deadline = now
            .checked_add(self.config.pickup_deadline)
            .unwrap_or(Millis(u64::MAX));
        self.orders.push(Order {
            id,
            sender,
            recipient,
            item,
            key: key.map(str::to_string),
            status: OrderStatus::Created,
            created_at: now,
            deadline,
            driver: None,
            assigned_at: None,
            picked_up_at: None,
            delivered_at: None,
            cancelled_at: None,
            cancel_reason: None,
            rating: None,
        });
        if let Some(k) = key {
            self.keys.insert(
                k.to_string(),
                KeyedPlacement {
                    order: id,
                    sender,
                    recipient,
                    item,
                },
            );
        }
        let reply = Reply::Placed {
            order: id,
            duplicate: false,
        };
        fx.events.push(Event::Placed(id));
        tell_sender_and_recipient(fx, NoticeKind::Placed, id, sender, recipient);
        fx.timers.push(TimerRequest {
            at: deadline,
            timer: Timer::PickupDeadline(id),
        });

        let pickup = self.customers[sender.index()].location;
        let chosen = if now < deadline {
            dispatch::choose(
                self.config.policy,
                &self.idle,
                &self.drivers,
                pickup,
                &mut self.dispatch_rng,
            )
        } else {
            None
        };
        match chosen {
            Some(driver) => self.assign(now, id, driver, fx),
            None => self.waiting.push_back(id),
        }
        Ok(reply)
    }

    fn cancel_by_sender(
        &mut self,
        now: Millis,
        id: OrderId,
        by: CustomerId,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        let order = self.order(id)?;
        self.customer(by)?;
        if order.is_cancelled_at(now) {
            return Err(Refusal::OrderCancelled);
        }
        if order.status == OrderStatus::Delivered {
            return Err(Refusal::AlreadyDelivered);
        }
        if order.sender != by {
            return Err(Refusal::NotYourOrder);
        }
        if order.status == OrderStatus::PickedUp {
            return Err(Refusal::AlreadyPickedUp);
        }
        let reply = Reply::Cancelled;
        self.cancel(now, id, CancelReason::Customer, fx);
        Ok(reply)
    }

    /// The order a driver acts on, if they may: both known, the order not finished
    /// (cancelled, late, or delivered), and held by this driver. Sequencing checks are the
    /// caller's, as they differ between pickup and delivery.
    fn held_order(&self, now: Millis, driver: DriverId, id: OrderId) -> Result<&Order, Refusal> {
        self.driver(driver)?;
        let order = self.order(id)?;
        if order.is_cancelled_at(now) {
            return Err(Refusal::OrderCancelled);
        }
        if order.status == OrderStatus::Delivered {
            return Err(Refusal::AlreadyDelivered);
        }
        if order.status == OrderStatus::Created || order.driver != Some(driver) {
            return Err(Refusal::NotYourOrder);
        }
        Ok(order)
    }

    fn pickup(
        &mut self,
        now: Millis,
        driver: DriverId,
        id: OrderId,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        let order = self.held_order(now, driver, id)?;
        if order.status == OrderStatus::PickedUp {
            return Err(Refusal::AlreadyPickedUp);
        }
        self.move_order(id, OrderStatus::PickedUp);
        let order = &mut self.orders[id];
        order.picked_up_at = Some(now);
        let (sender, recipient) = (order.sender, order.recipient);
        self.drivers[driver.index()].duty = Duty::InTransit(id);
        let reply = Reply::PickedUp;
        fx.events.push(Event::PickedUp(id, driver));
        tell_sender_and_recipient(fx, NoticeKind::PickedUp, id, sender, recipient);
        Ok(reply)
    }

    fn deliver(
        &mut self,
        now: Millis,
        driver: DriverId,
        id: OrderId,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        let order = self.held_order(now, driver, id)?;
        if order.status == OrderStatus::Assigned {
            return Err(Refusal::NotPickedUp);
        }
        self.move_order(id, OrderStatus::Delivered);
        let order = &mut self.orders[id];
        order.delivered_at = Some(now);
        let (sender, recipient) = (order.sender, order.recipient);
        let drop_off = self.customers[recipient.index()].location;
        let d = &mut self.drivers[driver.index()];
        d.deliveries += 1;
        if drop_off.is_some() {
            d.location = drop_off;
        }
        let reply = Reply::Delivered;
        fx.events.push(Event::Delivered(id, driver));
        tell_sender_and_recipient(fx, NoticeKind::Delivered, id, sender, recipient);
        self.end_busy_spell(now, driver);
        self.make_available(now, driver, fx);
        Ok(reply)
    }

    fn rate(
        &mut self,
        now: Millis,
        id: OrderId,
        stars: i64,
        by: CustomerId,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        let order = self.order(id)?;
        self.customer(by)?;
        let stars = u8::try_from(stars)
            .ok()
            .filter(|s| (1..=5).contains(s))
            .ok_or(Refusal::InvalidArgument)?;
        if order.is_cancelled_at(now) {
            return Err(Refusal::OrderCancelled);
        }
        if by != order.sender && by != order.recipient {
            return Err(Refusal::NotYourOrder);
        }
        if order.status != OrderStatus::Delivered {
            return Err(Refusal::NotDelivered);
        }
        if order.rating.is_some() {
            return Err(Refusal::AlreadyRated);
        }
        let Some(driver) = order.driver else {
            unreachable!("a delivered order always has its driver")
        };
        self.orders[id].rating = Some(stars);
        let d = &mut self.drivers[driver.index()];
        d.stars += u64::from(stars);
        d.ratings += 1;
        self.fleet_stars += u64::from(stars);
        self.fleet_ratings += 1;
        let reply = Reply::Rated;
        fx.events.push(Event::Rated(id, driver, stars));
        Ok(reply)
    }

    fn expire_deadline(&mut self, now: Millis, id: OrderId, fx: &mut Effects) -> Result<Reply, Refusal> {
        let order = self.order(id)?;
        let due =
            matches!(order.status, OrderStatus::Created | OrderStatus::Assigned) && now >= order.deadline;
        let reply = Reply::DeadlineExpired { cancelled: due };
        if due {
            self.cancel(now, id, CancelReason::NoPickup, fx);
        }
        Ok(reply)
    }

    // ----- the shared mechanics -----

    /// Moves an order along the transition table. Callers check the rules first; a move the
    /// table forbids here is a bug in the engine, not a user error.
    fn move_order(&mut self, id: OrderId, to: OrderStatus) {
        let order = &mut self.orders[id];
        assert!(
            order.status.can_become(to),
            "illegal transition {} -> {} for {id}",
            order.status,
            to
        );
        order.status = to;
    }

    fn assign(&mut self, now: Millis, id: OrderId, driver: DriverId, fx: &mut Effects) {
        self.move_order(id, OrderStatus::Assigned);
        let order = &mut self.orders[id];
        order.driver = Some(driver);
        order.assigned_at = Some(now);
        let (sender, recipient) = (order.sender, order.recipient);
        let d = &mut self.drivers[driver.index()];
        if let Duty::Idle { since_seq } = d.duty {
            self.idle.remove(&(since_seq, driver));
        }
        d.duty = Duty::Assigned(id);
        d.busy_since = Some(now);
        fx.events.push(Event::Assigned(id, driver));
        fx.notices.push(notice(
            NoticeKind::Assigned,
            id,
            Party::Driver(driver),
            Role::Driver,
        ));
        tell_sender_and_recipient(fx, NoticeKind::Assigned, id, sender, recipient);
    }

    fn cancel(&mut self, now: Millis, id: OrderId, reason: CancelReason, fx: &mut Effects) {
        let held_by = (self.orders[id].status == OrderStatus::Assigned)
            .then_some(self.orders[id].driver)
            .flatten();
        self.move_order(id, OrderStatus::Cancelled);
        let order = &mut self.orders[id];
        order.cancelled_at = Some(now);
        order.cancel_reason = Some(reason);
        let (sender, recipient) = (order.sender, order.recipient);
        fx.events.push(Event::Cancelled(id, held_by, reason));
        tell_sender_and_recipient(fx, NoticeKind::Cancelled, id, sender, recipient);
        if let Some(driver) = held_by {
            fx.notices.push(notice(
                NoticeKind::Cancelled,
                id,
                Party::Driver(driver),
                Role::Driver,
            ));
            self.drivers[driver.index()].assigned_then_cancelled += 1;
            self.end_busy_spell(now, driver);
            self.make_available(now, driver, fx);
        }
    }

    fn end_busy_spell(&mut self, now: Millis, driver: DriverId) {
        let d = &mut self.drivers[driver.index()];
        if let Some(since) = d.busy_since.take() {
            d.busy_ms += now.saturating_sub(since).as_ms();
        }
    }

    /// A driver just became free: they take the oldest waiting order that can still be
    /// assigned, or else join the idle set behind everyone already idle.
    fn make_available(&mut self, now: Millis, driver: DriverId, fx: &mut Effects) {
        while let Some(next) = self.waiting.pop_front() {
            let assignable = self
                .orders
                .get(next)
                .is_some_and(|o| o.status == OrderStatus::Created && o.is_live_at(now));
            if assignable {
                self.assign(now, next, driver, fx);
                return;
            }
        }
        let since_seq = self.next_idle_seq;
        self.next_idle_seq += 1;
        self.drivers[driver.index()].duty = Duty::Idle { since_seq };
        self.idle.insert((since_seq, driver));
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

/// The two customers of an order hear of it in order: sender, then recipient.
fn tell_sender_and_recipient(
    fx: &mut Effects,
    kind: NoticeKind,
    order: OrderId,
    sender: CustomerId,
    recipient: CustomerId,
) {
    fx.notices
        .push(notice(kind, order, Party::Customer(sender), Role::Sender));
    fx.notices
        .push(notice(kind, order, Party::Customer(recipient), Role::Recipient));
}

fn notice(kind: NoticeKind, order: OrderId, to: Party, role: Role) -> Notice {
    Notice {
        kind,
        order,
        to,
        role,
    }
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
