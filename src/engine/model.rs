//! The engine's entities: customers, drivers, orders and their contact details. Plain data;
//! the rules that change them live in `engine/mod.rs`.

use super::geo::LatLon;
use super::ids::{CustomerId, DriverId, ItemId, OrderId};
use super::status::{CancelReason, DriverStatus, OrderStatus};
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
}

impl Driver {
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

/// A parcel to carry from one customer to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    /// Its id, `order-N`.
    pub id: OrderId,
    /// Who sends it (and may cancel it).
    pub sender: CustomerId,
    /// Who receives it.
    pub recipient: CustomerId,
    /// What it is.
    pub item: ItemId,
    /// The idempotency key it was placed with.
    pub key: Option<String>,
    /// Where it is in its life.
    pub status: OrderStatus,
    /// When it was placed.
    pub created_at: Millis,
    /// It must be picked up strictly before this instant.
    pub deadline: Millis,
    /// The driver of the last assignment.
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
}

impl Order {
    /// Created or assigned and not yet past its deadline at `now`: the only orders that can
    /// still be assigned, picked up or cancelled by their sender.
    pub fn is_live_at(&self, now: Millis) -> bool {
        matches!(self.status, OrderStatus::Created | OrderStatus::Assigned) && now < self.deadline
    }

    /// Cancelled, or waiting for a pickup that can no longer come in time. The engine, not
    /// the deadline timer, is the authority on time: a late order counts as cancelled even
    /// before its timer fires.
    pub fn is_cancelled_at(&self, now: Millis) -> bool {
        match self.status {
            OrderStatus::Cancelled => true,
            OrderStatus::Created | OrderStatus::Assigned => now >= self.deadline,
            OrderStatus::PickedUp | OrderStatus::Delivered => false,
        }
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
