//! What the engine tells about itself: its settings, entities, orders, the waiting queue and
//! the idle drivers, and names resolved to ids. Read-only: no query changes the engine.

use super::{
    Contact, Customer, CustomerId, Driver, DriverId, Engine, EngineConfig, ItemId, Order, OrderId,
    OrderStatus, Party, Refusal, Restaurant, RestaurantId,
};
use crate::time::Millis;

impl Engine {
    /// The settings in force.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Every customer, by id.
    pub fn customers(&self) -> &[Customer] {
        &self.customers
    }

    /// Every driver, by id.
    pub fn drivers(&self) -> &[Driver] {
        &self.drivers
    }

    /// Resident orders, oldest first. Until orders are retired, position = id; use
    /// [`Engine::order`] to look one up by id.
    pub fn orders(&self) -> &std::collections::VecDeque<Order> {
        self.orders.resident()
    }

    /// Orders ever placed (resident or retired).
    pub fn orders_placed(&self) -> u32 {
        self.orders.next_id().0
    }

    /// One order; retired orders are unknown.
    pub fn order(&self, id: OrderId) -> Result<&Order, Refusal> {
        self.orders.get(id).ok_or(Refusal::UnknownOrder)
    }

    /// Whether `order` is a meal no driver may ever take: ready, waiting, and failed by every
    /// driver there is (SPEC §8.2.5 never gives it back to one), or there are no drivers.
    /// Only a new driver could fetch it; a run that onboards none ends with it stranded.
    pub fn is_stranded(&self, order: &Order) -> bool {
        order.status == OrderStatus::Ready
            && order.driver.is_none()
            && order
                .food()
                .is_some_and(|food| (0..self.drivers.len() as u32).all(|d| food.failed_by(DriverId(d))))
    }

    /// Forgets the oldest resident order if it is finished (delivered or cancelled), and
    /// returns it. The shell calls this once nothing it will still do names the order;
    /// afterwards commands naming it are refused with `unknown_order`.
    pub fn retire_oldest_finished(&mut self) -> Option<Order> {
        let oldest = self.orders.resident().front()?.status;
        if !oldest.is_final() {
            return None;
        }
        if oldest == OrderStatus::Delivered {
            self.retired_delivered += 1;
        }
        self.orders.pop_oldest()
    }

    /// One driver.
    pub fn driver(&self, id: DriverId) -> Result<&Driver, Refusal> {
        self.drivers.get(id.index()).ok_or(Refusal::UnknownDriver)
    }

    /// One customer.
    pub fn customer(&self, id: CustomerId) -> Result<&Customer, Refusal> {
        self.customers.get(id.index()).ok_or(Refusal::UnknownCustomer)
    }

    /// The catalog's item names, by id.
    pub fn catalog(&self) -> &[String] {
        &self.config.catalog
    }

    /// Total stars and number of ratings over the whole fleet.
    pub fn fleet_ratings(&self) -> (u64, u64) {
        (self.fleet_stars, self.fleet_ratings)
    }

    /// Orders in the waiting line that can still be assigned at `now`, first served first.
    pub fn waiting_at(&self, now: Millis) -> impl Iterator<Item = OrderId> + '_ {
        let profile = self.config.profile;
        self.waiting.iter().map(|(_, o)| o).filter(move |&o| {
            self.orders
                .get(o)
                .is_some_and(|o| profile.is_assignable(o.status) && o.is_live_at(now))
        })
    }

    /// Every restaurant, by id.
    pub fn restaurants(&self) -> &[Restaurant] {
        &self.restaurants
    }

    /// One restaurant.
    pub fn restaurant(&self, id: RestaurantId) -> Result<&Restaurant, Refusal> {
        self.restaurants.get(id.index()).ok_or(Refusal::UnknownRestaurant)
    }

    /// The restaurant of that name.
    pub fn restaurant_by_name(&self, name: &str) -> Result<RestaurantId, Refusal> {
        match self.names.get(name) {
            Some(Party::Restaurant(id)) => Ok(*id),
            _ => Err(Refusal::UnknownRestaurant),
        }
    }

    /// The dish of that name on a restaurant's menu.
    pub fn menu_item_by_name(&self, restaurant: RestaurantId, name: &str) -> Result<ItemId, Refusal> {
        self.restaurant(restaurant)?
            .item_by_name(name)
            .ok_or(Refusal::UnknownItem)
    }

    /// Idempotency keys held in memory (live, or expired since the last placement).
    pub fn keys_held(&self) -> usize {
        self.keys.len()
    }

    /// Idle drivers, longest idle first.
    pub fn idle_drivers(&self) -> impl Iterator<Item = DriverId> + '_ {
        self.idle.iter().map(|&(_, d)| d)
    }

    /// The customer of that name.
    pub fn customer_by_name(&self, name: &str) -> Result<CustomerId, Refusal> {
        match self.names.get(name) {
            Some(Party::Customer(id)) => Ok(*id),
            _ => Err(Refusal::UnknownCustomer),
        }
    }

    /// The driver of that name.
    pub fn driver_by_name(&self, name: &str) -> Result<DriverId, Refusal> {
        match self.names.get(name) {
            Some(Party::Driver(id)) => Ok(*id),
            _ => Err(Refusal::UnknownDriver),
        }
    }

    /// Whoever has that name.
    pub fn party_by_name(&self, name: &str) -> Option<Party> {
        self.names.get(name).copied()
    }

    /// The catalog item of that name.
    pub fn item_by_name(&self, name: &str) -> Result<ItemId, Refusal> {
        self.config
            .catalog
            .iter()
            .position(|item| item == name)
            .map(|i| ItemId(i as u32))
            .ok_or(Refusal::UnknownItem)
    }

    /// The existing order with that user-facing id (`order-N`).
    pub fn order_by_name(&self, text: &str) -> Result<OrderId, Refusal> {
        let id = OrderId::parse(text).ok_or(Refusal::UnknownOrder)?;
        self.order(id).map(|o| o.id)
    }

    /// The name of a customer, driver or restaurant.
    pub fn name_of(&self, party: Party) -> &str {
        match party {
            Party::Customer(c) => &self.customers[c.index()].name,
            Party::Driver(d) => &self.drivers[d.index()].name,
            Party::Restaurant(r) => &self.restaurants[r.index()].name,
        }
    }

    /// The contact details of a customer, driver or restaurant.
    pub fn contact_of(&self, party: Party) -> &Contact {
        match party {
            Party::Customer(c) => &self.customers[c.index()].contact,
            Party::Driver(d) => &self.drivers[d.index()].contact,
            Party::Restaurant(r) => &self.restaurants[r.index()].contact,
        }
    }
}
