//! The order table: every order still resident in memory, oldest first, indexed by id.
//!
//! A long simulation retires finished orders from the front once its shell has written
//! them out, so memory grows with the orders in flight, not with the orders simulated.
//! Without retirement (scripts, tests) the table holds every order and position = id.

use std::collections::VecDeque;
use std::ops::{Index, IndexMut};

use super::ids::OrderId;
use super::model::Order;

/// Resident orders, ids `first..first + len`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderTable {
    first: u32,
    orders: VecDeque<Order>,
}

impl OrderTable {
    /// The order with this id, unless it was never placed or has been retired.
    pub fn get(&self, id: OrderId) -> Option<&Order> {
        let offset = id.0.checked_sub(self.first)?;
        self.orders.get(offset as usize)
    }

    /// The id the next order will get; also the number of orders ever placed.
    pub fn next_id(&self) -> OrderId {
        // Never wraps: `push` refuses to pass `OrderId(u32::MAX)`, and retiring keeps the sum.
        OrderId(self.first.saturating_add(self.orders.len() as u32))
    }

    /// The id the next order would get, or `None` once every id is used: ids are `u32`s
    /// and the last one is never given, so [`OrderTable::next_id`] (the number of orders
    /// ever placed) always fits. A load run stops far earlier (its scenario limits).
    pub fn try_next_id(&self) -> Option<OrderId> {
        Some(self.next_id()).filter(|id| id.0 < u32::MAX)
    }

    /// Appends an order; its id must be [`OrderTable::next_id`].
    pub(super) fn push(&mut self, order: Order) {
        debug_assert_eq!(order.id, self.next_id());
        self.orders.push_back(order);
    }

    /// Removes and returns the oldest resident order.
    pub(super) fn pop_oldest(&mut self) -> Option<Order> {
        let order = self.orders.pop_front()?;
        self.first += 1;
        Some(order)
    }

    /// Resident orders, oldest first.
    pub fn resident(&self) -> &VecDeque<Order> {
        &self.orders
    }
}

impl Index<OrderId> for OrderTable {
    type Output = Order;

    /// Internal lookups of orders the engine knows are resident.
    fn index(&self, id: OrderId) -> &Order {
        &self.orders[(id.0 - self.first) as usize]
    }
}

impl IndexMut<OrderId> for OrderTable {
    fn index_mut(&mut self, id: OrderId) -> &mut Order {
        &mut self.orders[(id.0 - self.first) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_run_out_instead_of_wrapping() {
        // Regression (issue 7): `OrderId(u32)` wrapped past 2^32 orders once finished
        // orders left memory. The last ids are handed out, then there are none.
        let mut table = OrderTable {
            first: u32::MAX - 1,
            orders: VecDeque::new(),
        };
        let id = table.try_next_id().unwrap();
        assert_eq!(id, OrderId(u32::MAX - 1));
        table.orders.push_back(Order {
            status: crate::engine::OrderStatus::Delivered,
            ..Order::new(
                id,
                (crate::engine::CustomerId(0), crate::engine::CustomerId(1)),
                None,
                crate::time::Millis::ZERO,
                crate::engine::OrderDetail::Parcel {
                    item: crate::engine::ItemId(0),
                },
            )
        });
        assert_eq!(table.try_next_id(), None);
        assert_eq!(table.next_id(), OrderId(u32::MAX));
        assert!(table.pop_oldest().is_some());
        assert_eq!(table.try_next_id(), None, "retiring frees no id");
    }
}
