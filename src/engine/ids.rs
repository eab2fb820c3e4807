//! Dense identifiers: each indexes a `Vec` in the engine, so lookups are O(1) and every
//! iteration is in creation order (deterministic by construction, no hash maps).

use std::fmt;

/// A customer, by onboarding order (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomerId(pub u32);

/// A driver, by onboarding order (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DriverId(pub u32);

/// A restaurant, by onboarding order (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RestaurantId(pub u32);

/// An item: of the parcel catalog by catalog position, or of one restaurant's menu by menu
/// position (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemId(pub u32);

/// An order, by placement order (0-based); shown to users as `order-1`, `order-2`, …
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderId(pub u32);

impl CustomerId {
    /// The index into the engine's customer table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl DriverId {
    /// The index into the engine's driver table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl RestaurantId {
    /// The index into the engine's restaurant table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl ItemId {
    /// The index into the catalog.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl OrderId {
    /// The index into the engine's order table.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// What a user-facing id starts with, before its number.
    pub const PREFIX: &'static str = "order-";

    /// The number users see after [`OrderId::PREFIX`]: the index plus one.
    pub fn number(self) -> u64 {
        u64::from(self.0) + 1
    }

    /// Reads a user-facing id, `order-N` with N ≥ 1, without checking that it exists.
    pub fn parse(text: &str) -> Option<OrderId> {
        let digits = text.strip_prefix(Self::PREFIX)?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
            return None;
        }
        let n: u32 = digits.parse().ok()?;
        Some(OrderId(n - 1))
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::PREFIX, self.number())
    }
}

/// Anyone with a name: names are unique across customers, drivers and restaurants (SPEC
/// §3.1, §8.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Party {
    /// A customer: sends and receives parcels.
    Customer(CustomerId),
    /// A driver: carries them.
    Driver(DriverId),
    /// A restaurant (food): cooks what is ordered.
    Restaurant(RestaurantId),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_ids_round_trip_and_refuse_junk() {
        assert_eq!(OrderId::parse("order-1"), Some(OrderId(0)));
        assert_eq!(OrderId(41).to_string(), "order-42");
        assert_eq!(OrderId::parse(&OrderId(41).to_string()), Some(OrderId(41)));
        for bad in [
            "order-0",
            "order-",
            "order-01",
            "order-x",
            "42",
            "order-99999999999",
            "Order-1",
        ] {
            assert_eq!(OrderId::parse(bad), None, "{bad}");
        }
    }
}
