//! What goes into the engine (commands) and what comes out (outcomes: a reply, the
//! notifications to send, the timers to set, the facts for reports).

use super::geo::LatLon;
use super::ids::{CustomerId, DriverId, ItemId, OrderId, Party};
use super::model::Contact;
use super::status::CancelReason;
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
    /// picked up or finished, or (for a too-early timer) not yet due.
    ExpireDeadline {
        /// The order whose deadline it is.
        order: OrderId,
    },
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
        }
    }

    /// The driver it names, if any.
    pub fn driver(&self) -> Option<DriverId> {
        match self {
            Command::Pickup { driver, .. } | Command::Deliver { driver, .. } => Some(*driver),
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
            | Command::ExpireDeadline { order } => Some(*order),
            Command::OnboardCustomer { .. } | Command::OnboardDriver { .. } | Command::PlaceOrder { .. } => {
                None
            }
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
}

impl NoticeKind {
    /// Every kind.
    pub const ALL: [NoticeKind; 5] = [
        NoticeKind::Placed,
        NoticeKind::Assigned,
        NoticeKind::PickedUp,
        NoticeKind::Delivered,
        NoticeKind::Cancelled,
    ];

    /// The SPEC's lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Placed => "placed",
            NoticeKind::Assigned => "assigned",
            NoticeKind::PickedUp => "picked_up",
            NoticeKind::Delivered => "delivered",
            NoticeKind::Cancelled => "cancelled",
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
    /// Cancel the order if it is not picked up by then ([`Command::ExpireDeadline`]).
    PickupDeadline(OrderId),
}

impl Timer {
    /// The command to apply when this timer fires.
    pub fn command(self) -> Command {
        match self {
            Timer::PickupDeadline(order) => Command::ExpireDeadline { order },
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
