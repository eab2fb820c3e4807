//! The invariants of SPEC §3 as a check over the engine's state. Property tests call it
//! after every step, and the threaded mode's checker calls it along the replayed history:
//! a checker separate from the code it checks, in the manner of TigerBeetle's.
//!
//! The checks are split per order and per driver, so a long history can be checked step by
//! step on just what each step touched, with the whole state checked now and then.

use super::{DriverId, Duty, Engine, OrderId, OrderStatus};
use crate::time::Millis;

impl Engine {
    /// Checks every invariant of SPEC §3 that the state alone can show, at instant `now`
    /// (the latest instant applied). Returns a description of the first violation.
    ///
    /// `deadlines_fired` says whether every deadline timer due at `now` has run; when it
    /// has, no order may be waiting for a pickup past its deadline.
    pub fn check_invariants(&self, now: Millis, deadlines_fired: bool) -> Result<(), String> {
        let mut delivered = self.retired_delivered;
        for order in self.orders.resident() {
            self.check_order(order.id, now, deadlines_fired)?;
            delivered += u64::from(order.status == OrderStatus::Delivered);
        }
        let (mut stars, mut ratings, mut deliveries, mut idle) = (0u64, 0u64, 0u64, 0usize);
        for (index, driver) in self.drivers.iter().enumerate() {
            self.check_driver(DriverId(index as u32))?;
            stars += driver.stars;
            ratings += u64::from(driver.ratings);
            deliveries += u64::from(driver.deliveries);
            idle += usize::from(matches!(driver.duty, Duty::Idle { .. }));
        }
        if idle != self.idle.len() {
            return Err(format!(
                "idle set has {} drivers but {idle} are idle",
                self.idle.len()
            ));
        }
        self.idle.check()?;
        if (stars, ratings) != (self.fleet_stars, self.fleet_ratings) {
            return Err("the fleet's rating totals disagree with its drivers'".to_string());
        }
        if deliveries != delivered {
            return Err(format!(
                "drivers count {deliveries} deliveries but {delivered} orders are delivered"
            ));
        }
        self.check_no_idle_driver_beside_waiting_order(now)
    }

    /// The invariants of one order (a retired order passes).
    pub fn check_order(&self, id: OrderId, now: Millis, deadlines_fired: bool) -> Result<(), String> {
        let Some(order) = self.orders.get(id) else {
            return Ok(());
        };
        let holder = order.driver.map(|d| &self.drivers[d.index()]);
        match order.status {
            OrderStatus::Created | OrderStatus::Pending | OrderStatus::Confirmed | OrderStatus::Preparing => {
                if order.picked_up_at.is_some() || order.assigned_at.is_some() {
                    return Err(format!("{id} is waiting but has assignment or pickup times"));
                }
            }
            OrderStatus::Ready => {
                if order.picked_up_at.is_some() || order.driver.is_some() {
                    return Err(format!("{id} is ready but has a driver or a pickup time"));
                }
            }
            OrderStatus::Assigned => {
                if holder.map(|d| d.duty) != Some(Duty::Assigned(id)) {
                    return Err(format!("{id} is assigned but its driver does not hold it"));
                }
            }
            OrderStatus::PickedUp => {
                if holder.map(|d| d.duty) != Some(Duty::InTransit(id)) {
                    return Err(format!("{id} is picked up but its driver does not carry it"));
                }
            }
            OrderStatus::Delivered => {
                if order.delivered_at.is_none() || order.picked_up_at.is_none() {
                    return Err(format!("{id} is delivered without pickup and delivery times"));
                }
            }
            OrderStatus::Cancelled => {
                if order.picked_up_at.is_some() {
                    return Err(format!("{id} was cancelled after its pickup"));
                }
                if order.cancel_reason.is_none() || order.cancelled_at.is_none() {
                    return Err(format!("{id} is cancelled without a reason and time"));
                }
            }
        }
        if let Some(at) = order.picked_up_at {
            if at >= order.deadline {
                return Err(format!("{id} was picked up at {at:?}, at or after its deadline"));
            }
        }
        if !self.config.profile.uses(order.status) {
            return Err(format!(
                "{id} is {}, which the profile does not use",
                order.status
            ));
        }
        if let Some(food) = order.food() {
            let held = matches!(order.status, OrderStatus::Assigned | OrderStatus::PickedUp);
            if held && order.driver.is_some_and(|d| food.failed_by(d)) {
                return Err(format!("{id} is held by a driver who failed it"));
            }
            let invoice = &food.invoice;
            if invoice.total != invoice.subtotal + invoice.delivery_fee + invoice.tip
                || invoice.refunded > invoice.total
            {
                return Err(format!("{id}'s invoice does not add up: {invoice:?}"));
            }
            if invoice.refunded > 0 && order.status != OrderStatus::Cancelled {
                return Err(format!("{id} has a refund but is {}", order.status));
            }
        }
        if order.rating.is_some() && order.status != OrderStatus::Delivered {
            return Err(format!("{id} is rated but not delivered"));
        }
        let waiting_for_pickup = matches!(order.status, OrderStatus::Created | OrderStatus::Assigned);
        if deadlines_fired && waiting_for_pickup && order.is_lapsed_at(now) {
            return Err(format!("{id} is still {} past its deadline", order.status));
        }
        Ok(())
    }

    /// The invariants of one driver: holds at most one order, and that order agrees.
    pub fn check_driver(&self, id: DriverId) -> Result<(), String> {
        let Some(driver) = self.drivers.get(id.index()) else {
            return Ok(());
        };
        match driver.duty {
            Duty::Idle { since_seq } => {
                if !self.idle.contains(&(since_seq, id)) {
                    return Err(format!(
                        "idle driver {} is missing from the idle set",
                        driver.name
                    ));
                }
                if driver.busy_since.is_some() {
                    return Err(format!("idle driver {} has a busy spell running", driver.name));
                }
            }
            Duty::Assigned(order) | Duty::InTransit(order) => {
                let expected = if matches!(driver.duty, Duty::Assigned(_)) {
                    OrderStatus::Assigned
                } else {
                    OrderStatus::PickedUp
                };
                let Some(o) = self.orders.get(order) else {
                    return Err(format!("driver {} holds {order}, which was retired", driver.name));
                };
                if o.status != expected || o.driver != Some(id) {
                    return Err(format!(
                        "driver {} holds {order}, which is {} with another driver",
                        driver.name, o.status
                    ));
                }
            }
        }
        Ok(())
    }

    /// No driver is idle while an order they could take waits (a meal is never offered to
    /// a driver who failed it, so such a pair is allowed).
    pub fn check_no_idle_driver_beside_waiting_order(&self, now: Millis) -> Result<(), String> {
        if self.idle.is_empty() {
            return Ok(());
        }
        for waiting in self.waiting_at(now) {
            let failed = self.orders[waiting]
                .food()
                .map_or(&[][..], |f| &f.failed_drivers[..]);
            if self.idle_drivers().any(|d| !failed.contains(&d)) {
                return Err(format!("{waiting} waits while a driver who may take it is idle"));
            }
            if failed.is_empty() {
                break;
            }
        }
        Ok(())
    }
}
