//! The engine's entities: customers, drivers, orders and their contact details. Plain data;
//! the rules that change them live in the command modules. An order has a common part
//! (who, when, which driver, its deadline) and a profile part ([`OrderDetail`]): the parcel's
//! item, or the food order's restaurant, lines and invoice.

use std::collections::VecDeque;

use super::food::FoodOrder;
use super::geo::LatLon;
use super::ids::{CustomerId, DriverId, ItemId, OrderId};
use super::status::{CancelReason, DriverStatus, OrderStatus, Profile};
use crate::time::Millis;

/// How someone can be reached. Neither set means they are notified in the app.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    /// An email address (contains `@`).
    pub email: Option<String>,
    /// A phone number: digits with an optional leading `+`.
    pub phone: Option<String>,
}

/// An email needs an `@` with something on both sides and no whitespace.
pub fn is_valid_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// A phone is one or more digits, optionally after a leading `+`.
pub fn is_valid_phone(phone: &str) -> bool {
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Someone who sends and receives parcels.
#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    /// Unique across customers and drivers.
    pub name: String,
    /// Email and phone.
    pub contact: Contact,
    /// A free-text postal address.
    pub address: Option<String>,
    /// Where they are, for the `nearest` policy and travel times.
    pub location: Option<LatLon>,
}

/// What a driver holds right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duty {
    /// Free; the number orders idle drivers by when they became idle (longest idle first).
    Idle {
        /// Global, increasing: the order in which drivers became idle.
        since_seq: u64,
    },
    /// Holds an order not yet picked up.
    Assigned(OrderId),
    /// Carries an order.
    InTransit(OrderId),
}

/// Someone who carries parcels, one at a time.
#[derive(Clone, Debug, PartialEq)]
pub struct Driver {
    /// Unique across customers and drivers.
    pub name: String,
    /// Email and phone, both optional.
    pub contact: Contact,
    /// Where they stand; after a delivery, at the recipient (when known).
    pub location: Option<LatLon>,
    /// What they hold.
    pub duty: Duty,
    /// Orders delivered.
    pub deliveries: u32,
    /// Stars received, summed.
    pub stars: u64,
    /// Ratings received.
    pub ratings: u32,
    /// Assignments that ended in a cancellation before pickup.
    pub assigned_then_cancelled: u32,
    /// Time spent assigned or in transit, over finished spells.
    pub busy_ms: u64,
    /// When the current busy spell began, if the driver is busy.
    pub busy_since: Option<Millis>,
    /// Assignments that lapsed or were given back before pickup (food).
    pub failed_pickups: u32,
    /// When the failed pickups of the review window happened, oldest first (food).
    pub recent_failures: VecDeque<Millis>,
    /// Flagged for review (food): once flagged, always flagged.
    pub flagged: bool,
}

impl Driver {
    /// A new driver, idle (sequence 0 until the engine places them in line) with no history.
    pub fn new(name: &str, contact: &Contact, location: Option<LatLon>) -> Driver {
        Driver {
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
            failed_pickups: 0,
            recent_failures: VecDeque::new(),
            flagged: false,
        }
    }

    /// The SPEC's driver status.
    pub fn status(&self) -> DriverStatus {
        match self.duty {
            Duty::Idle { .. } => DriverStatus::Idle,
            Duty::Assigned(_) => DriverStatus::Assigned,
            Duty::InTransit(_) => DriverStatus::InTransit,
        }
    }

    /// The order held, assigned or in transit.
    pub fn order(&self) -> Option<OrderId> {
        match self.duty {
            Duty::Idle { .. } => None,
            Duty::Assigned(order) | Duty::InTransit(order) => Some(order),
        }
    }

    /// Busy time including the spell still running at `now`.
    pub fn busy_ms_at(&self, now: Millis) -> u64 {
        self.busy_ms
            + self
                .busy_since
                .map_or(0, |since| now.saturating_sub(since).as_ms())
    }
}

/// What a pickup deadline guards, so a timer set for an earlier assignment is harmless.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Guard {
    /// The order's creation (parcel: not picked up in time means cancelled).
    Creation,
    /// The order's n-th assignment, from 1 (food: not picked up in time means unassigned).
    Assignment(u32),
}

/// An order: a parcel from one customer to another, or a meal from a restaurant.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    /// Its id, `order-N`.
    pub id: OrderId,
    /// Who placed it and may cancel it: a parcel's sender, a food order's customer.
    pub sender: CustomerId,
    /// Who receives it: a parcel's recipient; a food order's customer again.
    pub recipient: CustomerId,
    /// The idempotency key it was placed with.
    pub key: Option<String>,
    /// Where it is in its life.
    pub status: OrderStatus,
    /// When it was placed.
    pub created_at: Millis,
    /// It must be picked up strictly before this instant ([`Millis::NEVER`] when no deadline
    /// runs).
    pub deadline: Millis,
    /// What the deadline guards.
    pub guard: Guard,
    /// How many times a driver was assigned to it.
    pub assignments: u32,
    /// Its place in the waiting line, given when it first became assignable (a parcel at
    /// placement, a meal at its first `ready`): waiting orders are served in this order.
    pub queue_seq: Option<u64>,
    /// The driver of the last assignment; none while it waits for one.
    pub driver: Option<DriverId>,
    /// When the last assignment happened.
    pub assigned_at: Option<Millis>,
    /// When it was picked up.
    pub picked_up_at: Option<Millis>,
    /// When it was delivered.
    pub delivered_at: Option<Millis>,
    /// When it was cancelled.
    pub cancelled_at: Option<Millis>,
    /// Why it was cancelled.
    pub cancel_reason: Option<CancelReason>,
    /// Stars given after delivery.
    pub rating: Option<u8>,
    /// The part only one profile has.
    pub detail: OrderDetail,
}

/// The profile part of an order.
#[derive(Clone, Debug, PartialEq)]
pub enum OrderDetail {
    /// A parcel: one catalog item.
    Parcel {
        /// What it is.
        item: ItemId,
    },
    /// A meal: restaurant, lines, invoice and kitchen times. Boxed, so parcel orders stay small.
    Food(Box<FoodOrder>),
}

impl Order {
    /// A new order placed at `now`, in its profile's first status, unassigned, with no
    /// deadline yet (a food order's starts at assignment; a parcel's caller sets it) and
    /// no history.
    pub fn new(
        id: OrderId,
        (sender, recipient): (CustomerId, CustomerId),
        key: Option<&str>,
        now: Millis,
        detail: OrderDetail,
    ) -> Order {
        let parcel = matches!(detail, OrderDetail::Parcel { .. });
        Order {
            id,
            sender,
            recipient,
            key: key.map(str::to_string),
            status: if parcel {
                OrderStatus::Created
            } else {
                OrderStatus::Pending
            },
            created_at: now,
            deadline: Millis::NEVER,
            guard: if parcel {
                Guard::Creation
            } else {
                Guard::Assignment(0)
            },
            assignments: 0,
            queue_seq: None,
            driver: None,
            assigned_at: None,
            picked_up_at: None,
            delivered_at: None,
            cancelled_at: None,
            cancel_reason: None,
            rating: None,
            detail,
        }
    }

    /// The profile whose rules it follows.
    pub fn profile(&self) -> Profile {
        match self.detail {
            OrderDetail::Parcel { .. } => Profile::Parcel,
            OrderDetail::Food(_) => Profile::Food,
        }
    }

    /// The parcel's item; `None` for a food order.
    pub fn item(&self) -> Option<ItemId> {
        match self.detail {
            OrderDetail::Parcel { item } => Some(item),
            OrderDetail::Food(_) => None,
        }
    }

    /// The food part; `None` for a parcel.
    pub fn food(&self) -> Option<&FoodOrder> {
        match &self.detail {
            OrderDetail::Parcel { .. } => None,
            OrderDetail::Food(food) => Some(food),
        }
    }

    /// Not picked up yet and past the deadline at `now`, even if its timer has not fired:
    /// the engine, not the timer, is the authority on time.
    pub fn is_lapsed_at(&self, now: Millis) -> bool {
        self.profile().is_cancellable(self.status) && now >= self.deadline
    }

    /// Whether a deadline timer guarding `guard` has work at `now`: the deadline it guards is
    /// still the order's (not replaced by a later assignment) and has lapsed. The engine
    /// acts on exactly these; a shell may skip the others without applying them.
    pub fn deadline_acts(&self, guard: Guard, now: Millis) -> bool {
        self.guard == guard && self.is_lapsed_at(now)
    }

    /// Can still be assigned, picked up or cancelled by its sender at `now` (parcel: created
    /// or assigned and not past its deadline).
    pub fn is_live_at(&self, now: Millis) -> bool {
        self.profile().is_cancellable(self.status) && !(self.guard == Guard::Creation && now >= self.deadline)
    }

    /// Cancelled, or (where the deadline guards the creation) waiting for a pickup that can
    /// no longer come in time: a late parcel counts as cancelled even before its timer fires.
    pub fn is_cancelled_at(&self, now: Millis) -> bool {
        self.status == OrderStatus::Cancelled || (self.guard == Guard::Creation && self.is_lapsed_at(now))
    }

    /// Assigned, but the assignment's deadline has passed at `now` (food): the driver can no
    /// longer pick it up, even before the timer unassigns them.
    pub fn assignment_lapsed_at(&self, now: Millis) -> bool {
        matches!(self.guard, Guard::Assignment(_))
            && self.status == OrderStatus::Assigned
            && now >= self.deadline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_and_phone_validation() {
        assert!(is_valid_email("aa@gmail.com"));
        for bad in ["aa.gmail.com", "@x", "x@", "a b@c", ""] {
            assert!(!is_valid_email(bad), "{bad}");
        }
        assert!(is_valid_phone("123456789"));
        assert!(is_valid_phone("+4915112345"));
        for bad in ["", "+", "12-34", "++1", "1+2", "phone"] {
            assert!(!is_valid_phone(bad), "{bad}");
        }
    }
}
