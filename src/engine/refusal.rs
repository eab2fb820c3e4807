//! Refusals: why the engine declined a command. Each variant's `Display` is the SPEC's
//! error code; the message that goes with it comes from [`Refusal::message`].

use std::fmt;

/// A command the rules declined. A refused command changes nothing.
///
/// When several apply, the engine reports the first in SPEC order: unknown entity,
/// `invalid_argument`, (food) `restaurant_closed` and `out_of_stock`, a finished order,
/// `not_your_order`, then sequencing (with `invalid_transition`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Refusal {
    /// Onboarding a name already taken by a customer or a driver.
    DuplicateName,
    /// A malformed email or phone, stars outside 1–5, sender = recipient, or an idempotency
    /// key reused with other details.
    InvalidArgument,
    /// No customer of that name.
    UnknownCustomer,
    /// No driver of that name.
    UnknownDriver,
    /// No order of that id.
    UnknownOrder,
    /// No item of that name in the catalog.
    UnknownItem,
    /// Pickup, delivery, rating or cancellation of a cancelled (or past-deadline) order.
    OrderCancelled,
    /// A driver acting on an order not theirs, or a cancel/rating by someone not allowed.
    NotYourOrder,
    /// Cancel, or second pickup, of a picked-up order.
    AlreadyPickedUp,
    /// Delivery before pickup.
    NotPickedUp,
    /// Pickup, delivery or cancellation of a delivered order.
    AlreadyDelivered,
    /// Rating before delivery.
    NotDelivered,
    /// A second rating of one order.
    AlreadyRated,
    /// Food: no restaurant of that name.
    UnknownRestaurant,
    /// Food: an order placed with a closed restaurant.
    RestaurantClosed,
    /// Food: a line asks for more than the stock left.
    OutOfStock,
    /// Food: a restaurant's move the transition table forbids.
    InvalidTransition,
}

impl Refusal {
    /// Every code, in the SPEC's table order.
    pub const ALL: [Refusal; 17] = [
        Refusal::DuplicateName,
        Refusal::InvalidArgument,
        Refusal::UnknownCustomer,
        Refusal::UnknownDriver,
        Refusal::UnknownOrder,
        Refusal::UnknownItem,
        Refusal::OrderCancelled,
        Refusal::NotYourOrder,
        Refusal::AlreadyPickedUp,
        Refusal::NotPickedUp,
        Refusal::AlreadyDelivered,
        Refusal::NotDelivered,
        Refusal::AlreadyRated,
        Refusal::UnknownRestaurant,
        Refusal::RestaurantClosed,
        Refusal::OutOfStock,
        Refusal::InvalidTransition,
    ];

    /// The SPEC's error code.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::DuplicateName => "duplicate_name",
            Refusal::InvalidArgument => "invalid_argument",
            Refusal::UnknownCustomer => "unknown_customer",
            Refusal::UnknownDriver => "unknown_driver",
            Refusal::UnknownOrder => "unknown_order",
            Refusal::UnknownItem => "unknown_item",
            Refusal::OrderCancelled => "order_cancelled",
            Refusal::NotYourOrder => "not_your_order",
            Refusal::AlreadyPickedUp => "already_picked_up",
            Refusal::NotPickedUp => "not_picked_up",
            Refusal::AlreadyDelivered => "already_delivered",
            Refusal::NotDelivered => "not_delivered",
            Refusal::AlreadyRated => "already_rated",
            Refusal::UnknownRestaurant => "unknown_restaurant",
            Refusal::RestaurantClosed => "restaurant_closed",
            Refusal::OutOfStock => "out_of_stock",
            Refusal::InvalidTransition => "invalid_transition",
        }
    }

    /// Reads an error code.
    pub fn parse(code: &str) -> Option<Refusal> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// A short lowercase explanation for people.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::DuplicateName => "that name is already taken",
            Refusal::InvalidArgument => "invalid argument",
            Refusal::UnknownCustomer => "no such customer",
            Refusal::UnknownDriver => "no such driver",
            Refusal::UnknownOrder => "no such order",
            Refusal::UnknownItem => "no such item in the catalog",
            Refusal::OrderCancelled => "the order is cancelled",
            Refusal::NotYourOrder => "the order is not yours to act on",
            Refusal::AlreadyPickedUp => "the order is already picked up",
            Refusal::NotPickedUp => "the order is not picked up yet",
            Refusal::AlreadyDelivered => "the order is already delivered",
            Refusal::NotDelivered => "the order is not delivered yet",
            Refusal::AlreadyRated => "the order is already rated",
            Refusal::UnknownRestaurant => "no such restaurant",
            Refusal::RestaurantClosed => "the restaurant is closed",
            Refusal::OutOfStock => "not enough stock",
            Refusal::InvalidTransition => "the order cannot make that move now",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Refusal::ALL {
            assert_eq!(Refusal::parse(r.code()), Some(r));
        }
        assert_eq!(Refusal::parse("out_of_stock"), Some(Refusal::OutOfStock));
        assert_eq!(Refusal::parse("no_such_code"), None);
    }
}
