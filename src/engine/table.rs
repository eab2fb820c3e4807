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
        OrderId(self.first + self.orders.len() as u32)
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
