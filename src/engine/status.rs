//! The parcel order state machine (SPEC §3): one transition table, consulted by every
//! change of an order's status, so an illegal move is refused rather than applied.

use std::fmt;

/// Where an order is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OrderStatus {
    /// Placed, waiting for a driver.
    Created,
    /// Held by a driver who has not picked it up yet.
    Assigned,
    /// In the driver's hands.
    PickedUp,
    /// Handed to the recipient. Final.
    Delivered,
    /// Cancelled by the sender or by the pickup deadline. Final.
    Cancelled,
}

use OrderStatus::*;

/// Every legal move; anything absent is illegal. `Assigned → Created` is absent on purpose:
/// in the parcel rules an assignment ends only in a pickup or a cancellation.
const TRANSITIONS: &[(OrderStatus, OrderStatus)] = &[
    (Created, Assigned),
    (Created, Cancelled),
    (Assigned, PickedUp),
    (Assigned, Cancelled),
    (PickedUp, Delivered),
];

impl OrderStatus {
    /// Every status, in life order.
    pub const ALL: [OrderStatus; 5] = [Created, Assigned, PickedUp, Delivered, Cancelled];

    /// Whether the table allows `self → to`.
    pub fn can_become(self, to: OrderStatus) -> bool {
        TRANSITIONS.contains(&(self, to))
    }

    /// Delivered or cancelled: nothing more can happen to it.
    pub fn is_final(self) -> bool {
        matches!(self, Delivered | Cancelled)
    }

    /// The SPEC's lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Created => "created",
            Assigned => "assigned",
            PickedUp => "picked_up",
            Delivered => "delivered",
            Cancelled => "cancelled",
        }
    }

    /// Reads the SPEC's lowercase name.
    pub fn parse(text: &str) -> Option<OrderStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an order was cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CancelReason {
    /// No driver picked it up before its deadline.
    NoPickup,
    /// Its sender cancelled it.
    Customer,
}

impl CancelReason {
    /// The SPEC's lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            CancelReason::NoPickup => "no_pickup",
            CancelReason::Customer => "customer",
        }
    }

    /// Reads the SPEC's lowercase name.
    pub fn parse(text: &str) -> Option<CancelReason> {
        [CancelReason::NoPickup, CancelReason::Customer]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

/// What a driver is doing (SPEC §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DriverStatus {
    /// Free for the next order.
    Idle,
    /// Holds an order not yet picked up.
    Assigned,
    /// Carries an order.
    InTransit,
}

impl DriverStatus {
    /// The SPEC's lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            DriverStatus::Idle => "idle",
            DriverStatus::Assigned => "assigned",
            DriverStatus::InTransit => "in_transit",
        }
    }

    /// Reads the SPEC's lowercase name.
    pub fn parse(text: &str) -> Option<DriverStatus> {
        [
            DriverStatus::Idle,
            DriverStatus::Assigned,
            DriverStatus::InTransit,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

impl fmt::Display for DriverStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_allows_exactly_the_spec_moves() {
        let mut allowed = Vec::new();
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                if from.can_become(to) {
                    allowed.push((from.as_str(), to.as_str()));
                }
            }
        }
        assert_eq!(
            allowed,
            [
                ("created", "assigned"),
                ("created", "cancelled"),
                ("assigned", "picked_up"),
                ("assigned", "cancelled"),
                ("picked_up", "delivered"),
            ]
        );
    }

    #[test]
    fn final_states_have_no_way_out() {
        for from in [Delivered, Cancelled] {
            assert!(from.is_final());
            assert!(OrderStatus::ALL.iter().all(|to| !from.can_become(*to)));
        }
    }

    #[test]
    fn names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(OrderStatus::parse("in_transit"), None);
        assert_eq!(DriverStatus::parse("in_transit"), Some(DriverStatus::InTransit));
        assert_eq!(CancelReason::parse("no_pickup"), Some(CancelReason::NoPickup));
    }
}
