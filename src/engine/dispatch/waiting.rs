//! Orders waiting for a driver, in the order they are served: by the sequence number each
//! got when it first became assignable (a parcel at placement, a meal at its first `ready`,
//! SPEC §3.4, §8.2.5). An order that goes back to waiting keeps its number, so it is served
//! by its first ready time, ahead of orders that became ready later.
//!
//! Entries are removed when their order is assigned or cancelled. An order past its
//! deadline whose timer has not fired yet stays until the timer cancels it; whoever walks
//! the line skips it.

use std::collections::BTreeMap;

use crate::engine::ids::OrderId;

/// The waiting line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WaitingLine {
    by_seq: BTreeMap<u64, OrderId>,
}

impl WaitingLine {
    /// Puts an order in line at its place.
    pub fn insert(&mut self, seq: u64, order: OrderId) {
        self.by_seq.insert(seq, order);
    }

    /// Takes an order out of line; false if it was not in it.
    pub fn remove(&mut self, seq: u64) -> bool {
        self.by_seq.remove(&seq).is_some()
    }

    /// Whether the order with this place is in line.
    pub fn contains(&self, seq: u64) -> bool {
        self.by_seq.contains_key(&seq)
    }

    /// Waiting orders, first served first.
    pub fn iter(&self) -> impl Iterator<Item = (u64, OrderId)> + '_ {
        self.by_seq.iter().map(|(&seq, &order)| (seq, order))
    }

    /// How many orders are in line.
    pub fn len(&self) -> usize {
        self.by_seq.len()
    }

    /// Whether the line is empty.
    pub fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }
}
