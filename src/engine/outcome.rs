//! What comes out of the engine: a command's reply, the notifications to send, the timers
//! to set and the facts for the reports (events), gathered in an [`Outcome`] or a reusable
//! [`Effects`] buffer.

use super::command::Command;
use super::ids::{DriverId, OrderId, Party};
use super::model::Guard;
use super::status::{CancelReason, OrderStatus};
use crate::time::Millis;

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
