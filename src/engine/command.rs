//! What goes into the engine: the commands of both profiles, with names already resolved
//! to ids. What comes out is in `outcome`.

use super::food::Line;
use super::geo::LatLon;
use super::ids::{CustomerId, DriverId, ItemId, OrderId, RestaurantId};
use super::model::{Contact, Guard};
use super::status::OrderStatus;
use crate::time::Millis;

/// One change requested of the engine. Names are resolved to ids at the edge
/// ([`super::Engine::customer_by_name`] and friends), so a command is small and a log of
/// them replays exactly.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Onboard a customer.
    OnboardCustomer {
        /// Unique across customers and drivers.
        name: String,
        /// Email and phone.
        contact: Contact,
        /// Free-text address.
        address: Option<String>,
        /// Position, if known.
        location: Option<LatLon>,
    },
    /// Onboard a driver, who is idle at once and takes the oldest waiting order.
    OnboardDriver {
        /// Unique across customers and drivers.
        name: String,
        /// Email and phone, both optional.
        contact: Contact,
        /// Position, if known.
        location: Option<LatLon>,
    },
    /// Place an order; with a key, a repeat returns the first order.
    PlaceOrder {
        /// The customer sending it.
        sender: CustomerId,
        /// The customer receiving it.
        recipient: CustomerId,
        /// A catalog item.
        item: ItemId,
        /// Idempotency key.
        key: Option<String>,
    },
    /// The sender cancels an order not yet picked up.
    CancelOrder {
        /// The order.
        order: OrderId,
        /// Who asks; must be the sender.
        by: CustomerId,
    },
    /// The assigned driver picks the order up.
    Pickup {
        /// Who picks up.
        driver: DriverId,
        /// The order.
        order: OrderId,
    },
    /// The driver who picked it up delivers it.
    Deliver {
        /// Who delivers.
        driver: DriverId,
        /// The order.
        order: OrderId,
    },
    /// The sender or the recipient rates a delivered order.
    Rate {
        /// The order.
        order: OrderId,
        /// 1 to 5; anything else is refused with `invalid_argument`.
        stars: i64,
        /// Who rates.
        by: CustomerId,
    },
    /// The pickup deadline timer of an order fired. Harmless if the order is already
    /// picked up or finished, if the deadline it guards has been replaced (a later
    /// assignment), or (for a too-early timer) not yet due.
    ExpireDeadline {
        /// The order whose deadline it is.
        order: OrderId,
        /// What the deadline guards.
        guard: Guard,
    },
    /// Food: onboard a restaurant.
    OnboardRestaurant {
        /// Unique across every name.
        name: String,
        /// Email and phone, both optional.
        contact: Contact,
        /// Where it is.
        location: LatLon,
        /// Mean preparation time, for the ETA.
        prep: Millis,
        /// Open for orders from the start.
        open: bool,
    },
    /// Food: add a dish to a menu, or replace its price and stock.
    SetMenuItem {
        /// The restaurant.
        restaurant: RestaurantId,
        /// The dish's name.
        item: String,
        /// Price in cents.
        price: u64,
        /// Portions; `None` is unlimited.
        stock: Option<u64>,
    },
    /// Food: add portions to a limited stock.
    Restock {
        /// The restaurant.
        restaurant: RestaurantId,
        /// The dish.
        item: ItemId,
        /// Portions to add (≥ 1).
        amount: u64,
    },
    /// Food: open or close a restaurant.
    SetOpen {
        /// The restaurant.
        restaurant: RestaurantId,
        /// Open (true) or closed.
        open: bool,
    },
    /// Food: a customer orders from a restaurant.
    PlaceMeal {
        /// Who orders (and receives).
        customer: CustomerId,
        /// Who cooks.
        restaurant: RestaurantId,
        /// What, on the restaurant's menu.
        lines: Vec<Line>,
        /// Tip in cents.
        tip: u64,
        /// Idempotency key.
        key: Option<String>,
    },
    /// Food: the restaurant moves an order (confirm, reject, prepare, ready).
    Kitchen {
        /// The order.
        order: OrderId,
        /// The move.
        step: KitchenStep,
    },
    /// Food: the assigned driver gives the order back before pickup.
    Release {
        /// Who gives it back.
        driver: DriverId,
        /// The order.
        order: OrderId,
    },
}

/// The restaurant's moves of an order (SPEC §8.2.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KitchenStep {
    /// pending → confirmed.
    Confirm,
    /// pending → cancelled (reason `restaurant_rejected`).
    Reject,
    /// confirmed → preparing.
    Prepare,
    /// preparing → ready.
    Ready,
}

impl KitchenStep {
    /// Every step.
    pub const ALL: [KitchenStep; 4] = [
        KitchenStep::Confirm,
        KitchenStep::Reject,
        KitchenStep::Prepare,
        KitchenStep::Ready,
    ];

    /// The script command's name.
    pub fn as_str(self) -> &'static str {
        match self {
            KitchenStep::Confirm => "confirm",
            KitchenStep::Reject => "reject",
            KitchenStep::Prepare => "prepare",
            KitchenStep::Ready => "ready",
        }
    }

    /// The one status the restaurant makes this move from. The table allows more (a
    /// customer may cancel later; an unassigned order goes back to ready), but those are
    /// not the restaurant's moves (SPEC §8.3).
    pub fn source(self) -> OrderStatus {
        match self {
            KitchenStep::Confirm | KitchenStep::Reject => OrderStatus::Pending,
            KitchenStep::Prepare => OrderStatus::Confirmed,
            KitchenStep::Ready => OrderStatus::Preparing,
        }
    }

    /// The status the step moves the order to.
    pub fn target(self) -> OrderStatus {
        match self {
            KitchenStep::Confirm => OrderStatus::Confirmed,
            KitchenStep::Reject => OrderStatus::Cancelled,
            KitchenStep::Prepare => OrderStatus::Preparing,
            KitchenStep::Ready => OrderStatus::Ready,
        }
    }
}

impl Command {
    /// A short name for logs and reports.
    pub fn name(&self) -> &'static str {
        match self {
            Command::OnboardCustomer { .. } => "onboard_customer",
            Command::OnboardDriver { .. } => "onboard_driver",
            Command::PlaceOrder { .. } => "place",
            Command::CancelOrder { .. } => "cancel",
            Command::Pickup { .. } => "pickup",
            Command::Deliver { .. } => "deliver",
            Command::Rate { .. } => "rate",
            Command::ExpireDeadline { .. } => "timer",
            Command::OnboardRestaurant { .. } => "onboard_restaurant",
            Command::SetMenuItem { .. } => "menu",
            Command::Restock { .. } => "restock",
            Command::SetOpen { open: true, .. } => "open",
            Command::SetOpen { open: false, .. } => "close",
            Command::PlaceMeal { .. } => "place",
            Command::Kitchen { step, .. } => step.as_str(),
            Command::Release { .. } => "release",
        }
    }

    /// The driver it names, if any.
    pub fn driver(&self) -> Option<DriverId> {
        match self {
            Command::Pickup { driver, .. }
            | Command::Deliver { driver, .. }
            | Command::Release { driver, .. } => Some(*driver),
            _ => None,
        }
    }

    /// The order it names, if any.
    pub fn order(&self) -> Option<OrderId> {
        match self {
            Command::CancelOrder { order, .. }
            | Command::Pickup { order, .. }
            | Command::Deliver { order, .. }
            | Command::Rate { order, .. }
            | Command::ExpireDeadline { order, .. }
            | Command::Kitchen { order, .. }
            | Command::Release { order, .. } => Some(*order),
            Command::OnboardCustomer { .. }
            | Command::OnboardDriver { .. }
            | Command::PlaceOrder { .. }
            | Command::OnboardRestaurant { .. }
            | Command::SetMenuItem { .. }
            | Command::Restock { .. }
            | Command::SetOpen { .. }
            | Command::PlaceMeal { .. } => None,
        }
    }
}
