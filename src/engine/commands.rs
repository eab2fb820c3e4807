//! The commands of the parcel rules (SPEC §3), one method each: onboarding, placement with
//! its idempotency key, cancellation by the sender, pickup, delivery, rating and the pickup
//! deadline. Each checks everything in the SPEC's precedence before its first change, so a
//! refused command leaves the engine exactly as it was.

use super::mechanics::tell_sender_and_recipient;
use super::{
    dispatch, CancelReason, Contact, Customer, CustomerId, Driver, DriverId, Duty, Effects, Engine, Event,
    ItemId, KeyedPlacement, LatLon, NoticeKind, Order, OrderId, OrderStatus, Party, Refusal, Reply, Timer,
    TimerRequest,
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
        self.drivers.push(Driver {
            name: name.to_string(),
            contact: contact.clone(),
            location,
            duty: Duty::Idle { since_seq: 0 },
            deliveries: 0,
            stars: 0,
            ratings: 0,
            assigned_then_cancelled: 0,
            busy_ms: 0,
            busy_since: None,
        });
        self.names.insert(name.to_string(), Party::Driver(id));
        let reply = Reply::Onboarded(Party::Driver(id));
        self.make_available(now, id, fx);
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
        self.customer(sender)?;
        self.customer(recipient)?;
        if item.index() >= self.config.catalog.len() {
            return Err(Refusal::UnknownItem);
        }
        if sender == recipient || key == Some("") {
            return Err(Refusal::InvalidArgument);
        }
        if let Some(first) = key.and_then(|k| self.keys.get(k)).copied() {
            if (first.sender, first.recipient, first.item) != (sender, recipient, item) {
                return Err(Refusal::InvalidArgument);
            }
            let existing = first.order;
            let reply = Reply::Placed {
                order: existing,
                duplicate: true,
            };
            fx.events.push(Event::DuplicatePrevented(existing));
            return Ok(reply);
        }
        // Ids are u32s that never wrap: once every id is used, placing is refused (a load
        // run's limits stop it long before).
        let id = self.orders.try_next_id().ok_or(Refusal::InvalidArgument)?;
        let deadline = now
            .checked_add(self.config.pickup_deadline)
            .unwrap_or(Millis(u64::MAX));
        self.orders.push(Order {
            id,
            sender,
            recipient,
            item,
            key: key.map(str::to_string),
            status: OrderStatus::Created,
            created_at: now,
            deadline,
            driver: None,
            assigned_at: None,
            picked_up_at: None,
            delivered_at: None,
            cancelled_at: None,
            cancel_reason: None,
            rating: None,
        });
        if let Some(k) = key {
            self.keys.insert(
                k.to_string(),
                KeyedPlacement {
                    order: id,
                    sender,
                    recipient,
                    item,
                },
            );
        }
        let reply = Reply::Placed {
            order: id,
            duplicate: false,
        };
        fx.events.push(Event::Placed(id));
        tell_sender_and_recipient(fx, NoticeKind::Placed, id, sender, recipient);
        fx.timers.push(TimerRequest {
            at: deadline,
            timer: Timer::PickupDeadline(id),
        });

        let pickup = self.customers[sender.index()].location;
        let chosen = if now < deadline {
            dispatch::choose(
                self.config.policy,
                &self.idle,
                &self.drivers,
                pickup,
                &mut self.dispatch_rng,
            )
        } else {
            None
        };
        match chosen {
            Some(driver) => self.assign(now, id, driver, fx),
            None => self.waiting.push_back(id),
        }
        Ok(reply)
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
        let reply = Reply::Cancelled;
        self.cancel(now, id, CancelReason::Customer, fx);
        Ok(reply)
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
        if order.status == OrderStatus::Created || order.driver != Some(driver) {
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
        self.move_order(id, OrderStatus::PickedUp);
        let order = &mut self.orders[id];
        order.picked_up_at = Some(now);
        let (sender, recipient) = (order.sender, order.recipient);
        self.drivers[driver.index()].duty = Duty::InTransit(id);
        let reply = Reply::PickedUp;
        fx.events.push(Event::PickedUp(id, driver));
        tell_sender_and_recipient(fx, NoticeKind::PickedUp, id, sender, recipient);
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
        self.move_order(id, OrderStatus::Delivered);
        let order = &mut self.orders[id];
        order.delivered_at = Some(now);
        let (sender, recipient) = (order.sender, order.recipient);
        let drop_off = self.customers[recipient.index()].location;
        let d = &mut self.drivers[driver.index()];
        d.deliveries += 1;
        if drop_off.is_some() {
            d.location = drop_off;
        }
        let reply = Reply::Delivered;
        fx.events.push(Event::Delivered(id, driver));
        tell_sender_and_recipient(fx, NoticeKind::Delivered, id, sender, recipient);
        self.end_busy_spell(now, driver);
        self.make_available(now, driver, fx);
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
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        let order = self.order(id)?;
        let due =
            matches!(order.status, OrderStatus::Created | OrderStatus::Assigned) && now >= order.deadline;
        let reply = Reply::DeadlineExpired { cancelled: due };
        if due {
            self.cancel(now, id, CancelReason::NoPickup, fx);
        }
        Ok(reply)
    }
}
