//! The mechanics every profile shares: moving an order along its profile's transition
//! table, the two dispatch hooks (an order became assignable, a driver became free) with the
//! policy deciding, assignment with its deadline, cancellation (freeing the driver, and for
//! food settling stock and refund), a driver's busy spells, and who is told what.

use super::dispatch;
use super::{
    CancelReason, DriverId, Duty, Effects, Engine, Event, Guard, LatLon, Notice, NoticeKind, Order,
    OrderDetail, OrderId, OrderStatus, Party, Profile, Refusal, Role, Timer, TimerRequest,
};
use crate::time::Millis;

impl Engine {
    /// Moves an order along its profile's transition table; a move the table forbids is
    /// refused with `invalid_transition` and changes nothing. The rules check everything
    /// first, so for them this never fails; the check is what keeps a slip from applying.
    pub(super) fn move_order(&mut self, id: OrderId, to: OrderStatus) -> Result<(), Refusal> {
        let profile = self.config.profile;
        let order = &mut self.orders[id];
        if !profile.allows(order.status, to) {
            debug_assert!(false, "illegal transition {} -> {to} for {id}", order.status);
            return Err(Refusal::InvalidTransition);
        }
        order.status = to;
        Ok(())
    }

    /// Where a driver fetches the order: a parcel's sender, a meal's restaurant.
    pub(super) fn pickup_point(&self, order: &Order) -> Option<LatLon> {
        match &order.detail {
            OrderDetail::Parcel { .. } => self.customers[order.sender.index()].location,
            OrderDetail::Food(food) => Some(self.restaurants[food.restaurant.index()].location),
        }
    }

    /// Whether `driver` may take `order` now: it waits for a driver, is not past a deadline
    /// that cancels it, and the driver never failed it.
    fn may_take(order: &Order, driver: DriverId, now: Millis, profile: Profile) -> bool {
        profile.is_assignable(order.status)
            && order.is_live_at(now)
            && order.food().is_none_or(|f| !f.failed_by(driver))
    }

    /// Dispatch hook: an order became assignable (a parcel placed, a meal ready or ready
    /// again). The policy picks among the idle drivers who may take it; with none, it waits
    /// at its place in line.
    pub(super) fn order_assignable(&mut self, now: Millis, id: OrderId, fx: &mut Effects) {
        let next_queue_seq = &mut self.next_queue_seq;
        let seq = *self.orders[id].queue_seq.get_or_insert_with(|| {
            *next_queue_seq += 1;
            *next_queue_seq - 1
        });
        let order = &self.orders[id];
        let chosen = if order.is_live_at(now) {
            let pickup = self.pickup_point(order);
            let excluded = order.food().map_or(&[][..], |f| &f.failed_drivers[..]);
            dispatch::choose(
                self.config.policy,
                &self.idle,
                &self.drivers,
                pickup,
                &mut self.dispatch_rng,
                excluded,
            )
        } else {
            None
        };
        let assigned = chosen.is_some_and(|driver| self.assign(now, id, driver, fx).is_ok());
        if !assigned {
            self.waiting.insert(seq, id);
        }
    }

    /// Dispatch hook: a driver just became free. They take the first waiting order in line
    /// that they may take, or else join the idle set behind everyone already idle.
    pub(super) fn driver_free(&mut self, now: Millis, driver: DriverId, fx: &mut Effects) {
        let profile = self.config.profile;
        let next = self.waiting.iter().find(|&(_, o)| {
            self.orders
                .get(o)
                .is_some_and(|order| Self::may_take(order, driver, now, profile))
        });
        if let Some((_, order)) = next {
            if self.assign(now, order, driver, fx).is_ok() {
                return;
            }
        }
        let since_seq = self.next_idle_seq;
        self.next_idle_seq += 1;
        let d = &mut self.drivers[driver.index()];
        d.duty = Duty::Idle { since_seq };
        // Indexed where they stand now: a driver only moves while busy.
        self.idle.insert(since_seq, driver, d.location);
    }

    /// Gives the order to the driver and starts a food order's deadline. Refused (changing
    /// nothing) only if the table forbids the move, which the hooks check first.
    pub(super) fn assign(
        &mut self,
        now: Millis,
        id: OrderId,
        driver: DriverId,
        fx: &mut Effects,
    ) -> Result<(), Refusal> {
        self.move_order(id, OrderStatus::Assigned)?;
        let deadline_after = self.config.pickup_deadline;
        let order = &mut self.orders[id];
        if let Some(seq) = order.queue_seq {
            self.waiting.remove(seq);
        }
        order.driver = Some(driver);
        order.assigned_at = Some(now);
        order.assignments += 1;
        if matches!(order.guard, Guard::Assignment(_)) {
            // Food: the deadline runs from this assignment and guards it alone.
            order.guard = Guard::Assignment(order.assignments);
            order.deadline = now.checked_add(deadline_after).unwrap_or(Millis::NEVER);
            fx.timers.push(TimerRequest {
                at: order.deadline,
                timer: Timer::PickupDeadline {
                    order: id,
                    guard: order.guard,
                },
            });
        }
        let d = &mut self.drivers[driver.index()];
        if let Duty::Idle { since_seq } = d.duty {
            self.idle.remove(&(since_seq, driver));
        }
        d.duty = Duty::Assigned(id);
        d.busy_since = Some(now);
        fx.events.push(Event::Assigned(id, driver));
        fx.notices.push(notice(
            NoticeKind::Assigned,
            id,
            Party::Driver(driver),
            Role::Driver,
        ));
        self.tell_parties(fx, NoticeKind::Assigned, id);
        Ok(())
    }

    pub(super) fn cancel(&mut self, now: Millis, id: OrderId, reason: CancelReason, fx: &mut Effects) {
        let before = self.orders[id].status;
        let held_by = (before == OrderStatus::Assigned)
            .then_some(self.orders[id].driver)
            .flatten();
        if self.move_order(id, OrderStatus::Cancelled).is_err() {
            return;
        }
        if self.config.profile == Profile::Food {
            self.settle_cancellation(id, before, reason);
        }
        let order = &mut self.orders[id];
        if let Some(seq) = order.queue_seq {
            self.waiting.remove(seq);
        }
        order.cancelled_at = Some(now);
        order.cancel_reason = Some(reason);
        fx.events.push(Event::Cancelled(id, held_by, reason));
        self.tell_parties(fx, NoticeKind::Cancelled, id);
        if let Some(driver) = held_by {
            fx.notices.push(notice(
                NoticeKind::Cancelled,
                id,
                Party::Driver(driver),
                Role::Driver,
            ));
            self.drivers[driver.index()].assigned_then_cancelled += 1;
            self.end_busy_spell(now, driver);
            self.driver_free(now, driver, fx);
        }
    }

    pub(super) fn end_busy_spell(&mut self, now: Millis, driver: DriverId) {
        let d = &mut self.drivers[driver.index()];
        if let Some(since) = d.busy_since.take() {
            d.busy_ms += now.saturating_sub(since).as_ms();
        }
    }

    /// Tells the order's customers of `kind`: a parcel's sender then recipient; a meal's
    /// customer, and its restaurant for the kinds the restaurant hears of (SPEC §8.2.12).
    pub(super) fn tell_parties(&self, fx: &mut Effects, kind: NoticeKind, id: OrderId) {
        let order = &self.orders[id];
        match &order.detail {
            OrderDetail::Parcel { .. } => {
                fx.notices
                    .push(notice(kind, id, Party::Customer(order.sender), Role::Sender));
                fx.notices.push(notice(
                    kind,
                    id,
                    Party::Customer(order.recipient),
                    Role::Recipient,
                ));
            }
            OrderDetail::Food(food) => {
                fx.notices
                    .push(notice(kind, id, Party::Customer(order.sender), Role::Customer));
                if matches!(
                    kind,
                    NoticeKind::Placed | NoticeKind::Assigned | NoticeKind::Cancelled
                ) {
                    fx.notices.push(notice(
                        kind,
                        id,
                        Party::Restaurant(food.restaurant),
                        Role::Restaurant,
                    ));
                }
            }
        }
    }
}

pub(super) fn notice(kind: NoticeKind, order: OrderId, to: Party, role: Role) -> Notice {
    Notice {
        kind,
        order,
        to,
        role,
    }
}
