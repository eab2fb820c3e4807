//! Idempotency keys (SPEC §3, §8.2.3): a placement repeating a live key returns the first
//! order; one with other details is refused. Parcel keys live forever; food keys live
//! `key_ttl` (24 h by default) from the order's creation, after which the key is free and
//! leaves memory.
//!
//! Expired keys are pruned when a new key is stored, oldest first, from a queue in expiry
//! order, so the store holds only keys that are live (or expired since the last placement)
//! and pruning costs O(1) per key over a run. Pruning happens only inside a successful
//! placement, so a refused command still changes nothing.

use std::collections::{BTreeMap, VecDeque};

use super::food::Line;
use super::ids::{CustomerId, ItemId, OrderId, RestaurantId};
use crate::time::Millis;

/// What a keyed placement asked for: a repeat must ask for the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// A parcel.
    Parcel {
        /// Who sends.
        sender: CustomerId,
        /// Who receives.
        recipient: CustomerId,
        /// What.
        item: ItemId,
    },
    /// A meal; lines sorted by item, so they compare as a set.
    Food {
        /// Who orders.
        customer: CustomerId,
        /// From where.
        restaurant: RestaurantId,
        /// What, sorted by item.
        lines: Vec<Line>,
        /// The tip.
        tip: u64,
    },
}

impl Placement {
    /// A meal's details, with its lines put in a canonical order.
    pub fn food(customer: CustomerId, restaurant: RestaurantId, lines: &[Line], tip: u64) -> Placement {
        let mut lines = lines.to_vec();
        lines.sort();
        Placement::Food {
            customer,
            restaurant,
            lines,
            tip,
        }
    }
}

/// A key's first placement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keyed {
    /// The order it created.
    pub order: OrderId,
    /// The key is free from this instant on ([`Millis::NEVER`]: never).
    pub expires_at: Millis,
    /// What it asked for.
    pub details: Placement,
}

/// Every stored key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyStore {
    by_key: BTreeMap<String, Keyed>,
    /// (expiry, key) in expiry order; keys that never expire are not here.
    expiring: VecDeque<(Millis, String)>,
}

impl KeyStore {
    /// The key's first placement, if the key is still live at `now`.
    pub fn live(&self, key: &str, now: Millis) -> Option<&Keyed> {
        self.by_key.get(key).filter(|k| now < k.expires_at)
    }

    /// Stores a key for a new order at `now`, living `ttl` (`None`: forever), after
    /// pruning every key expired by `now`. The key must not be live.
    pub fn insert(
        &mut self,
        now: Millis,
        key: &str,
        order: OrderId,
        details: Placement,
        ttl: Option<Millis>,
    ) {
        self.prune(now);
        let expires_at = ttl.and_then(|ttl| now.checked_add(ttl)).unwrap_or(Millis::NEVER);
        if expires_at != Millis::NEVER {
            self.expiring.push_back((expires_at, key.to_string()));
        }
        self.by_key.insert(
            key.to_string(),
            Keyed {
                order,
                expires_at,
                details,
            },
        );
    }

    /// Forgets every key expired at `now`. Expiries are queued in the order they were set,
    /// which is expiry order as the ttl is fixed and time never goes back.
    fn prune(&mut self, now: Millis) {
        while let Some((at, _)) = self.expiring.front() {
            if *at > now {
                break;
            }
            let Some((at, key)) = self.expiring.pop_front() else {
                break;
            };
            // A key freed and used again has a later expiry of its own: keep that one.
            if self.by_key.get(&key).is_some_and(|k| k.expires_at == at) {
                self.by_key.remove(&key);
            }
        }
    }

    /// Keys held in memory (live or expired since the last placement).
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parcel() -> Placement {
        Placement::Parcel {
            sender: CustomerId(0),
            recipient: CustomerId(1),
            item: ItemId(0),
        }
    }

    #[test]
    fn a_key_lives_until_its_expiry_and_then_leaves_memory() {
        let mut keys = KeyStore::default();
        let day = Millis(86_400_000);
        keys.insert(Millis(0), "k", OrderId(0), parcel(), Some(day));
        assert_eq!(
            keys.live("k", Millis(86_399_999)).map(|k| k.order),
            Some(OrderId(0))
        );
        assert_eq!(keys.live("k", day), None);
        assert_eq!(keys.len(), 1, "pruned only by the next placement");
        keys.insert(day, "other", OrderId(1), parcel(), Some(day));
        assert_eq!(keys.len(), 1);
        assert!(keys.live("k", day).is_none());
    }

    #[test]
    fn a_reused_key_keeps_its_new_expiry() {
        let mut keys = KeyStore::default();
        let ttl = Some(Millis(10));
        keys.insert(Millis(0), "k", OrderId(0), parcel(), ttl);
        keys.insert(Millis(10), "k", OrderId(1), parcel(), ttl);
        keys.insert(Millis(15), "x", OrderId(2), parcel(), ttl);
        assert_eq!(keys.live("k", Millis(19)).map(|k| k.order), Some(OrderId(1)));
        keys.insert(Millis(20), "y", OrderId(3), parcel(), ttl);
        assert!(keys.live("k", Millis(20)).is_none());
        assert_eq!(keys.len(), 2, "x and y");
    }

    #[test]
    fn parcel_keys_never_expire() {
        let mut keys = KeyStore::default();
        keys.insert(Millis(0), "k", OrderId(0), parcel(), None);
        keys.insert(Millis::MAX_DURATION, "j", OrderId(1), parcel(), None);
        assert!(keys.live("k", Millis::MAX_DURATION).is_some());
    }

    #[test]
    fn food_lines_compare_as_a_set() {
        let a = Line {
            item: ItemId(0),
            quantity: 1,
        };
        let b = Line {
            item: ItemId(1),
            quantity: 2,
        };
        let one = Placement::food(CustomerId(0), RestaurantId(0), &[a, b], 0);
        let two = Placement::food(CustomerId(0), RestaurantId(0), &[b, a], 0);
        assert_eq!(one, two);
    }
}
