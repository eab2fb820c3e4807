//! The commands both profiles have (SPEC §3, §8.2), one method each: onboarding, parcel
//! placement with its idempotency key, cancellation by the sender, pickup, delivery, rating
//! and the pickup deadline. Each checks everything in the SPEC's precedence before its first
//! change, so a refused command leaves the engine exactly as it was. The food profile's own
//! commands are in `food/`.

use super::keys::Placement;
use super::{
    CancelReason, Contact, Customer, CustomerId, Driver, DriverId, Duty, Effects, Engine, Event, Guard,
    ItemId, LatLon, NoticeKind, Order, OrderDetail, OrderId, OrderStatus, Party, Profile, Refusal, Reply,
    Timer, TimerRequest,
};
use crate::time::Millis;

impl Engine {
    pub(super) fn check_new_name(
        &self,
        name: &str,
        contact: &Contact,
        location: Option<LatLon>,
    ) -> Result<(), Refusal> {
        if self.names.contains_key(name) {
            return Err(Refusal::DuplicateName);
        }
        if super::explain::bad_onboarding(name, contact, location).is_some() {
            return Err(Refusal::InvalidArgument);
        }
        // Food needs everyone's place: deliveries go to it, drivers are dispatched from it.
        if self.config.profile == Profile::Food && location.is_none() {
            return Err(Refusal::InvalidArgument);
        }
        Ok(())
    }

    pub(super) fn onboard_customer(
        &mut self,
        name: &str,
        contact: &Contact,
        address: &Option<String>,
        location: Option<LatLon>,
    ) -> Result<Reply, Refusal> {
        self.check_new_name(name, contact, location)?;
        let id = CustomerId(self.customers.len() as u32);
        self.customers.push(Customer {
            name: name.to_string(),
            contact: contact.clone(),
            address: address.clone(),
            location,
        });
        self.names.insert(name.to_string(), Party::Customer(id));
        Ok(Reply::Onboarded(Party::Customer(id)))
    }

    pub(super) fn onboard_driver(
        &mut self,
        now: Millis,
        name: &str,
        contact: &Contact,
        location: Option<LatLon>,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        self.check_new_name(name, contact, location)?;
        let id = DriverId(self.drivers.len() as u32);
        self.drivers.push(Driver::new(name, contact, location));
        self.names.insert(name.to_string(), Party::Driver(id));
        let reply = Reply::Onboarded(Party::Driver(id));
        self.driver_free(now, id, fx);
        Ok(reply)
    }

    pub(super) fn place(
        &mut self,
        now: Millis,
        sender: CustomerId,
        recipient: CustomerId,
        item: ItemId,
        key: Option<&str>,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        self.require(Profile::Parcel)?;
        self.customer(sender)?;
        self.customer(recipient)?;
        if item.index() >= self.config.catalog.len() {
            return Err(Refusal::UnknownItem);
        }
        if sender == recipient || key == Some("") {
            return Err(Refusal::InvalidArgument);
        }
        let details = Placement::Parcel {
            sender,
            recipient,
            item,
        };
        if let Some(existing) = self.repeated_key(now, key, &details)? {
            return Ok(existing.reply(fx));
        }
        // Ids are u32s that never wrap: once every id is used, placing is refused (a load
        // run's limits stop it long before).
        let id = self.orders.try_next_id().ok_or(Refusal::InvalidArgument)?;
        let deadline = now
            .checked_add(self.config.pickup_deadline)
            .unwrap_or(Millis::NEVER);
        self.orders.push(Order {
            deadline,
            ..Order::new(id, (sender, recipient), key, now, OrderDetail::Parcel { item })
        });
        if let Some(k) = key {
            self.keys.insert(now, k, id, details, self.config.key_ttl);
        }
        let reply = Reply::Placed {
            order: id,
            duplicate: false,
        };
        fx.events.push(Event::Placed(id));
        self.tell_parties(fx, NoticeKind::Placed, id);
        fx.timers.push(TimerRequest {
            at: deadline,
            timer: Timer::PickupDeadline {
                order: id,
                guard: Guard::Creation,
            },
        });
        self.order_assignable(now, id, fx);
        Ok(reply)
    }

    /// The order a live key already placed, if `key` is one: `Ok(Some)` for a repeat with
    /// the same details, `invalid_argument` for one with other details, `Ok(None)` for a new
    /// or expired key.
    pub(super) fn repeated_key(
        &self,
        now: Millis,
        key: Option<&str>,
        details: &Placement,
    ) -> Result<Option<Repeat>, Refusal> {
        let Some(first) = key.and_then(|k| self.keys.live(k, now)) else {
            return Ok(None);
        };
        if first.details != *details {
            return Err(Refusal::InvalidArgument);
        }
        Ok(Some(Repeat(first.order)))
    }

    pub(super) fn cancel_by_sender(
        &mut self,
        now: Millis,
        id: OrderId,
        by: CustomerId,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        let order = self.order(id)?;
        self.customer(by)?;
        if order.is_cancelled_at(now) {
            return Err(Refusal::OrderCancelled);
        }
        if order.status == OrderStatus::Delivered {
            return Err(Refusal::AlreadyDelivered);
        }
        if order.sender != by {
            return Err(Refusal::NotYourOrder);
        }
        if order.status == OrderStatus::PickedUp {
            return Err(Refusal::AlreadyPickedUp);
        }
        self.cancel(now, id, CancelReason::Customer, fx);
        Ok(Reply::Cancelled)
    }

    /// The order a driver acts on, if they may: both known, the order not finished
    /// (cancelled, late, or delivered), and held by this driver. Sequencing checks are the
    /// caller's, as they differ between pickup and delivery.
    pub(super) fn held_order(&self, now: Millis, driver: DriverId, id: OrderId) -> Result<&Order, Refusal> {
        self.driver(driver)?;
        let order = self.order(id)?;
        if order.is_cancelled_at(now) {
            return Err(Refusal::OrderCancelled);
        }
        if order.status == OrderStatus::Delivered {
            return Err(Refusal::AlreadyDelivered);
        }
        let holds = matches!(order.status, OrderStatus::Assigned | OrderStatus::PickedUp);
        if !holds || order.driver != Some(driver) || order.assignment_lapsed_at(now) {
            return Err(Refusal::NotYourOrder);
        }
        Ok(order)
    }

    pub(super) fn pickup(
        &mut self,
        now: Millis,
        driver: DriverId,
        id: OrderId,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        let order = self.held_order(now, driver, id)?;
        if order.status == OrderStatus::PickedUp {
            return Err(Refusal::AlreadyPickedUp);
        }
        let at_restaurant = order.food().map(|_| self.pickup_point(order));
        self.move_order(id, OrderStatus::PickedUp)?;
        self.orders[id].picked_up_at = Some(now);
        let d = &mut self.drivers[driver.index()];
        d.duty = Duty::InTransit(id);
        if let Some(Some(at)) = at_restaurant {
            d.location = Some(at);
        }
        let reply = Reply::PickedUp;
        fx.events.push(Event::PickedUp(id, driver));
        self.tell_parties(fx, NoticeKind::PickedUp, id);
        Ok(reply)
    }

    pub(super) fn deliver(
        &mut self,
        now: Millis,
        driver: DriverId,
        id: OrderId,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        let order = self.held_order(now, driver, id)?;
        if order.status == OrderStatus::Assigned {
            return Err(Refusal::NotPickedUp);
        }
        self.move_order(id, OrderStatus::Delivered)?;
        let order = &mut self.orders[id];
        order.delivered_at = Some(now);
        let drop_off = self.customers[order.recipient.index()].location;
        let d = &mut self.drivers[driver.index()];
        d.deliveries += 1;
        if drop_off.is_some() {
            d.location = drop_off;
        }
        let reply = Reply::Delivered;
        fx.events.push(Event::Delivered(id, driver));
        self.tell_parties(fx, NoticeKind::Delivered, id);
        self.end_busy_spell(now, driver);
        self.driver_free(now, driver, fx);
        Ok(reply)
    }

    pub(super) fn rate(
        &mut self,
        now: Millis,
        id: OrderId,
        stars: i64,
        by: CustomerId,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        let order = self.order(id)?;
        self.customer(by)?;
        let stars = u8::try_from(stars)
            .ok()
            .filter(|s| (1..=5).contains(s))
            .ok_or(Refusal::InvalidArgument)?;
        if order.is_cancelled_at(now) {
            return Err(Refusal::OrderCancelled);
        }
        if by != order.sender && by != order.recipient {
            return Err(Refusal::NotYourOrder);
        }
        if order.status != OrderStatus::Delivered {
            return Err(Refusal::NotDelivered);
        }
        if order.rating.is_some() {
            return Err(Refusal::AlreadyRated);
        }
        let Some(driver) = order.driver else {
            unreachable!("a delivered order always has its driver")
        };
        self.orders[id].rating = Some(stars);
        let d = &mut self.drivers[driver.index()];
        d.stars += u64::from(stars);
        d.ratings += 1;
        self.fleet_stars += u64::from(stars);
        self.fleet_ratings += 1;
        let reply = Reply::Rated;
        fx.events.push(Event::Rated(id, driver, stars));
        Ok(reply)
    }

    pub(super) fn expire_deadline(
        &mut self,
        now: Millis,
        id: OrderId,
        guard: Guard,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        let order = self.order(id)?;
        let current = order.deadline_acts(guard, now);
        match guard {
            Guard::Creation => {
                if current {
                    self.cancel(now, id, CancelReason::NoPickup, fx);
                }
                Ok(Reply::DeadlineExpired { cancelled: current })
            }
            Guard::Assignment(_) => match order.driver {
                Some(driver) if current && order.status == OrderStatus::Assigned => {
                    self.unassign(now, id, driver, fx);
                    Ok(Reply::Unassigned { driver })
                }
                _ => Ok(Reply::DeadlineExpired { cancelled: false }),
            },
        }
    }
}

/// A placement that repeated a live key with the same details: it returns the first order.
pub(super) struct Repeat(OrderId);

impl Repeat {
    /// The reply, with the fact for the reports; nothing else happens.
    pub(super) fn reply(self, fx: &mut Effects) -> Reply {
        fx.events.push(Event::DuplicatePrevented(self.0));
        Reply::Placed {
            order: self.0,
            duplicate: true,
        }
    }
}
