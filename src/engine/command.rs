//! What goes into the engine (commands) and what comes out (outcomes: a reply, the
//! notifications to send, the timers to set, the facts for reports).

use super::food::Line;
use super::geo::LatLon;
use super::ids::{CustomerId, DriverId, ItemId, OrderId, Party, RestaurantId};
use super::model::{Contact, Guard};
use super::status::{CancelReason, OrderStatus};
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

/// What a successful command returns to its caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Someone was onboarded.
    Onboarded(Party),
    /// An order exists under this id; `duplicate` when an idempotency key found it.
    Placed {
        /// The order.
        order: OrderId,
        /// True when this placement repeated a key and created nothing.
        duplicate: bool,
    },
    /// The order was cancelled by its sender.
    Cancelled,
    /// The order was picked up.
    PickedUp,
    /// The order was delivered.
    Delivered,
    /// The rating was recorded.
    Rated,
    /// A deadline timer ran; `cancelled` says whether it cancelled the order.
    DeadlineExpired {
        /// Whether the order was still waiting for its pickup and so was cancelled.
        cancelled: bool,
    },
    /// Food: a lapsed assignment was undone by its deadline timer, or a driver gave the
    /// order back; the order is ready again.
    Unassigned {
        /// The driver who failed the pickup.
        driver: DriverId,
    },
    /// Food: a menu, stock or opening change was made.
    Updated,
    /// Food: the restaurant moved the order to this status.
    Moved(OrderStatus),
}

/// The kinds of notification (SPEC §3.12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoticeKind {
    /// The order was placed.
    Placed,
    /// A driver was assigned.
    Assigned,
    /// The driver picked it up.
    PickedUp,
    /// The driver delivered it.
    Delivered,
    /// It was cancelled.
    Cancelled,
    /// Food: the restaurant confirmed it.
    Confirmed,
    /// Food: its driver failed the pickup; another is being found.
    Delayed,
    /// Food: the driver lost the assignment (deadline or release).
    Unassigned,
    /// Food: the driver is flagged for review.
    Review,
}

impl NoticeKind {
    /// Every kind.
    pub const ALL: [NoticeKind; 9] = [
        NoticeKind::Placed,
        NoticeKind::Assigned,
        NoticeKind::PickedUp,
        NoticeKind::Delivered,
        NoticeKind::Cancelled,
        NoticeKind::Confirmed,
        NoticeKind::Delayed,
        NoticeKind::Unassigned,
        NoticeKind::Review,
    ];

    /// The SPEC's lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Placed => "placed",
            NoticeKind::Assigned => "assigned",
            NoticeKind::PickedUp => "picked_up",
            NoticeKind::Delivered => "delivered",
            NoticeKind::Cancelled => "cancelled",
            NoticeKind::Confirmed => "confirmed",
            NoticeKind::Delayed => "delayed",
            NoticeKind::Unassigned => "unassigned",
            NoticeKind::Review => "review",
        }
    }

    /// Reads the SPEC's lowercase name.
    pub fn parse(text: &str) -> Option<NoticeKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Why someone is told about an order: it decides the wording ("placed by you" / "for you").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// The order's sender.
    Sender,
    /// The order's recipient.
    Recipient,
    /// The order's driver.
    Driver,
    /// A food order's customer.
    Customer,
    /// A food order's restaurant.
    Restaurant,
}

/// One notification to send: a kind, about an order, to a party. Channels are chosen by
/// the notifier from the party's contact details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notice {
    /// What happened.
    pub kind: NoticeKind,
    /// To which order.
    pub order: OrderId,
    /// Who is told.
    pub to: Party,
    /// In which capacity.
    pub role: Role,
}

/// A timer the shell must set; when it fires, the shell applies the matching command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimerRequest {
    /// The instant it fires.
    pub at: Millis,
    /// What it is for.
    pub timer: Timer,
}

/// The engine's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The order's pickup deadline ([`Command::ExpireDeadline`]): a parcel not picked up by
    /// then is cancelled, a food order's assignment is undone.
    PickupDeadline {
        /// The order.
        order: OrderId,
        /// What the deadline guards: a timer of a replaced assignment does nothing.
        guard: Guard,
    },
}

impl Timer {
    /// The command to apply when this timer fires.
    pub fn command(self) -> Command {
        match self {
            Timer::PickupDeadline { order, guard } => Command::ExpireDeadline { order, guard },
        }
    }

    /// The order it is about.
    pub fn order(self) -> OrderId {
        match self {
            Timer::PickupDeadline { order, .. } => order,
        }
    }
}

/// A fact for the reports: a transition of an order, with the driver involved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// An order was created.
    Placed(OrderId),
    /// A placement repeated an idempotency key and created nothing.
    DuplicatePrevented(OrderId),
    /// An order was assigned to a driver.
    Assigned(OrderId, DriverId),
    /// An order was picked up.
    PickedUp(OrderId, DriverId),
    /// An order was delivered.
    Delivered(OrderId, DriverId),
    /// An order was cancelled, with the driver who held it, if any.
    Cancelled(OrderId, Option<DriverId>, CancelReason),
    /// A delivered order was rated.
    Rated(OrderId, DriverId, u8),
    /// Food: the restaurant confirmed an order.
    Confirmed(OrderId),
    /// Food: the kitchen started on an order.
    Preparing(OrderId),
    /// Food: an order became ready (first time or again after an unassignment).
    Ready(OrderId),
    /// Food: a driver failed an order's pickup (deadline or release) and lost it.
    Unassigned(OrderId, DriverId),
    /// Food: a driver was flagged for review because of this order's failed pickup.
    Flagged(DriverId, OrderId),
}

impl Event {
    /// Its name in `events.csv`.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Placed(_) => "placed",
            Event::DuplicatePrevented(_) => "duplicate",
            Event::Assigned(..) => "assigned",
            Event::PickedUp(..) => "picked_up",
            Event::Delivered(..) => "delivered",
            Event::Cancelled(..) => "cancelled",
            Event::Rated(..) => "rated",
            Event::Confirmed(_) => "confirmed",
            Event::Preparing(_) => "preparing",
            Event::Ready(_) => "ready",
            Event::Unassigned(..) => "unassigned",
            Event::Flagged(..) => "review",
        }
    }

    /// Its `detail` in `events.csv`: a cancellation's reason, a rating's stars.
    pub fn detail(&self) -> String {
        match self {
            Event::Cancelled(_, _, reason) => reason.as_str().to_string(),
            Event::Rated(_, _, stars) => stars.to_string(),
            _ => String::new(),
        }
    }

    /// The order it is about.
    pub fn order(&self) -> OrderId {
        match *self {
            Event::Placed(o)
            | Event::DuplicatePrevented(o)
            | Event::Assigned(o, _)
            | Event::PickedUp(o, _)
            | Event::Delivered(o, _)
            | Event::Cancelled(o, _, _)
            | Event::Rated(o, _, _)
            | Event::Confirmed(o)
            | Event::Preparing(o)
            | Event::Ready(o)
            | Event::Unassigned(o, _)
            | Event::Flagged(_, o) => o,
        }
    }

    /// The status its order entered, under `profile`'s table; `None` for an event that
    /// moves no order (a repeated key, a rating, a review flag).
    pub fn status_after(&self, profile: super::Profile) -> Option<OrderStatus> {
        match self {
            Event::Placed(_) => Some(profile.initial()),
            Event::Assigned(..) => Some(OrderStatus::Assigned),
            Event::PickedUp(..) => Some(OrderStatus::PickedUp),
            Event::Delivered(..) => Some(OrderStatus::Delivered),
            Event::Cancelled(..) => Some(OrderStatus::Cancelled),
            Event::Confirmed(_) => Some(OrderStatus::Confirmed),
            Event::Preparing(_) => Some(OrderStatus::Preparing),
            Event::Ready(_) | Event::Unassigned(..) => Some(OrderStatus::Ready),
            Event::DuplicatePrevented(_) | Event::Rated(..) | Event::Flagged(..) => None,
        }
    }

    /// The driver involved, if any.
    pub fn driver(&self) -> Option<DriverId> {
        match *self {
            Event::Assigned(_, d)
            | Event::PickedUp(_, d)
            | Event::Delivered(_, d)
            | Event::Rated(_, d, _)
            | Event::Unassigned(_, d)
            | Event::Flagged(d, _) => Some(d),
            Event::Cancelled(_, d, _) => d,
            Event::Placed(_)
            | Event::DuplicatePrevented(_)
            | Event::Confirmed(_)
            | Event::Preparing(_)
            | Event::Ready(_) => None,
        }
    }
}

/// Everything a successful command produced, in the order it happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// What the command returns.
    pub reply: Reply,
    /// Notifications to send, in order.
    pub notices: Vec<Notice>,
    /// Timers to set.
    pub timers: Vec<TimerRequest>,
    /// Facts for the reports, in order.
    pub events: Vec<Event>,
}

/// The effects of one command, without its reply: a buffer that can be reused.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Effects {
    /// Notifications to send, in order.
    pub notices: Vec<Notice>,
    /// Timers to set.
    pub timers: Vec<TimerRequest>,
    /// Facts for the reports, in order.
    pub events: Vec<Event>,
}

impl Effects {
    /// Empties the buffer, keeping its capacity.
    pub fn clear(&mut self) {
        self.notices.clear();
        self.timers.clear();
        self.events.clear();
    }
}
