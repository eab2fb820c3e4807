//! Statuses and the profiles' transition tables (SPEC §3, §8.1): one table per profile,
//! consulted by every change of an order's status, so an illegal move is refused rather
//! than applied. Every status predicate the rules use ("can it still be cancelled?", "does it
//! wait for a driver?") is derived from the table, never written out again.

use std::fmt;

/// Where an order is in its life. One set for every profile; each profile's table says
/// which statuses it uses and how they connect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OrderStatus {
    /// Parcel: placed, waiting for a driver.
    Created,
    /// Food: placed, awaiting the restaurant.
    Pending,
    /// Food: the restaurant accepted it.
    Confirmed,
    /// Food: the kitchen started.
    Preparing,
    /// Food: the food is done and waits for a driver.
    Ready,
    /// Held by a driver who has not picked it up yet.
    Assigned,
    /// In the driver's hands.
    PickedUp,
    /// Handed over at the door. Final.
    Delivered,
    /// Cancelled. Final.
    Cancelled,
}

use OrderStatus::*;

/// Which platform's rules the engine runs (SPEC §3 or §8).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Profile {
    /// The peer-to-peer parcel service (SPEC §3).
    #[default]
    Parcel,
    /// The food-delivery platform (SPEC §8).
    Food,
}

/// Parcel moves. `Assigned → Created` is absent on purpose: an assignment ends only in a
/// pickup or a cancellation.
const PARCEL: &[(OrderStatus, OrderStatus)] = &[
    (Created, Assigned),
    (Created, Cancelled),
    (Assigned, PickedUp),
    (Assigned, Cancelled),
    (PickedUp, Delivered),
];

/// Food moves (SPEC §8.1): the seed's table, plus `ready → cancelled` and
/// `assigned → cancelled` that its FAQ allows, and `assigned → ready` for an unassignment.
const FOOD: &[(OrderStatus, OrderStatus)] = &[
    (Pending, Confirmed),
    (Pending, Cancelled),
    (Confirmed, Preparing),
    (Confirmed, Cancelled),
    (Preparing, Ready),
    (Preparing, Cancelled),
    (Ready, Assigned),
    (Ready, Cancelled),
    (Assigned, PickedUp),
    (Assigned, Ready),
    (Assigned, Cancelled),
    (PickedUp, Delivered),
];

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 2] = [Profile::Parcel, Profile::Food];

    /// The SPEC's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Parcel => "parcel",
            Profile::Food => "food",
        }
    }

    /// Reads the SPEC's name.
    pub fn parse(text: &str) -> Option<Profile> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// Every legal move of this profile; anything absent is illegal.
    pub fn transitions(self) -> &'static [(OrderStatus, OrderStatus)] {
        match self {
            Profile::Parcel => PARCEL,
            Profile::Food => FOOD,
        }
    }

    /// Whether the table allows `from → to`.
    pub fn allows(self, from: OrderStatus, to: OrderStatus) -> bool {
        self.transitions().contains(&(from, to))
    }

    /// The status a new order starts in.
    pub fn initial(self) -> OrderStatus {
        match self {
            Profile::Parcel => Created,
            Profile::Food => Pending,
        }
    }

    /// Whether this profile uses the status at all.
    pub fn uses(self, status: OrderStatus) -> bool {
        status == self.initial()
            || self
                .transitions()
                .iter()
                .any(|&(from, to)| from == status || to == status)
    }

    /// The statuses this profile uses, in life order.
    pub fn statuses(self) -> impl Iterator<Item = OrderStatus> {
        OrderStatus::ALL.into_iter().filter(move |s| self.uses(*s))
    }

    /// Nothing more can happen to an order in this status.
    pub fn is_final(self, status: OrderStatus) -> bool {
        !self.transitions().iter().any(|&(from, _)| from == status)
    }

    /// It waits for a driver: a driver may be assigned to it now.
    pub fn is_assignable(self, status: OrderStatus) -> bool {
        self.allows(status, Assigned)
    }

    /// It has not been picked up and can still be cancelled.
    pub fn is_cancellable(self, status: OrderStatus) -> bool {
        self.allows(status, Cancelled)
    }
}

impl OrderStatus {
    /// Every status, in life order.
    pub const ALL: [OrderStatus; 9] = [
        Created, Pending, Confirmed, Preparing, Ready, Assigned, PickedUp, Delivered, Cancelled,
    ];

    /// Delivered or cancelled: final in every profile.
    pub fn is_final(self) -> bool {
        matches!(self, Delivered | Cancelled)
    }

    /// The SPEC's lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Created => "created",
            Pending => "pending",
            Confirmed => "confirmed",
            Preparing => "preparing",
            Ready => "ready",
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
    /// The restaurant rejected it (food).
    RestaurantRejected,
}

impl CancelReason {
    /// The SPEC's lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            CancelReason::NoPickup => "no_pickup",
            CancelReason::Customer => "customer",
            CancelReason::RestaurantRejected => "restaurant_rejected",
        }
    }

    /// Reads the SPEC's lowercase name.
    pub fn parse(text: &str) -> Option<CancelReason> {
        [
            CancelReason::NoPickup,
            CancelReason::Customer,
            CancelReason::RestaurantRejected,
        ]
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

    fn allowed(profile: Profile) -> Vec<(&'static str, &'static str)> {
        let mut allowed = Vec::new();
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                if profile.allows(from, to) {
                    allowed.push((from.as_str(), to.as_str()));
                }
            }
        }
        allowed
    }

    #[test]
    fn parcel_table_allows_exactly_the_spec_moves() {
        assert_eq!(
            allowed(Profile::Parcel),
            [
                ("created", "assigned"),
                ("created", "cancelled"),
                ("assigned", "picked_up"),
                ("assigned", "cancelled"),
                ("picked_up", "delivered"),
            ]
        );
        let statuses: Vec<_> = Profile::Parcel.statuses().map(OrderStatus::as_str).collect();
        assert_eq!(
            statuses,
            ["created", "assigned", "picked_up", "delivered", "cancelled"]
        );
    }

    #[test]
    fn food_table_allows_exactly_the_spec_moves() {
        assert_eq!(
            allowed(Profile::Food),
            [
                ("pending", "confirmed"),
                ("pending", "cancelled"),
                ("confirmed", "preparing"),
                ("confirmed", "cancelled"),
                ("preparing", "ready"),
                ("preparing", "cancelled"),
                ("ready", "assigned"),
                ("ready", "cancelled"),
                ("assigned", "ready"),
                ("assigned", "picked_up"),
                ("assigned", "cancelled"),
                ("picked_up", "delivered"),
            ]
        );
        assert!(!Profile::Food.uses(Created));
        assert!(!Profile::Parcel.uses(Ready));
    }

    #[test]
    fn predicates_follow_the_tables() {
        for profile in Profile::ALL {
            for s in profile.statuses() {
                assert_eq!(profile.is_final(s), s.is_final(), "{s}");
                assert_eq!(profile.is_cancellable(s), !s.is_final() && s != PickedUp, "{s}");
            }
        }
        assert!(Profile::Parcel.is_assignable(Created));
        assert!(Profile::Food.is_assignable(Ready));
        assert!(!Profile::Food.is_assignable(Preparing));
    }

    #[test]
    fn final_states_have_no_way_out() {
        for profile in Profile::ALL {
            for from in [Delivered, Cancelled] {
                assert!(profile.is_final(from));
                assert!(OrderStatus::ALL.iter().all(|to| !profile.allows(from, *to)));
            }
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
        assert_eq!(
            CancelReason::parse("restaurant_rejected"),
            Some(CancelReason::RestaurantRejected)
        );
        assert_eq!(Profile::parse("food"), Some(Profile::Food));
    }
}
