//! A failed pickup (SPEC §8.2.6–7, §8.3): the deadline's timer or `release` takes the order
//! from its driver, who counts a failed pickup and may be flagged for review; the order is
//! ready again and dispatched at once, never to that driver; then the driver takes a
//! waiting order.

use crate::engine::mechanics::notice;
use crate::engine::{
    DriverId, Effects, Engine, Event, NoticeKind, OrderId, OrderStatus, Party, Profile, Refusal, Reply, Role,
};
use crate::time::Millis;

impl Engine {
    /// `release DRIVER ORDER`: the assigned driver gives the order back before pickup.
    pub(in crate::engine) fn release(
        &mut self,
        now: Millis,
        driver: DriverId,
        id: OrderId,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        self.require(Profile::Food)?;
        let order = self.held_order(now, driver, id)?;
        if order.status == OrderStatus::PickedUp {
            return Err(Refusal::AlreadyPickedUp);
        }
        self.unassign(now, id, driver, fx);
        Ok(Reply::Unassigned { driver })
    }

    /// Takes an assigned order from its driver, in the SPEC's order: the driver's failed
    /// pickup (and review), the order ready again and dispatched, then the driver free.
    pub(in crate::engine) fn unassign(
        &mut self,
        now: Millis,
        id: OrderId,
        driver: DriverId,
        fx: &mut Effects,
    ) {
        if self.move_order(id, OrderStatus::Ready).is_err() {
            return;
        }
        let order = &mut self.orders[id];
        order.driver = None;
        order.deadline = Millis::NEVER;
        let customer = order.sender;
        self.food_mut(id).failed_drivers.push(driver);
        self.end_busy_spell(now, driver);
        fx.events.push(Event::Unassigned(id, driver));
        fx.notices.push(notice(
            NoticeKind::Delayed,
            id,
            Party::Customer(customer),
            Role::Customer,
        ));
        fx.notices.push(notice(
            NoticeKind::Unassigned,
            id,
            Party::Driver(driver),
            Role::Driver,
        ));
        self.count_failed_pickup(now, driver, id, fx);
        self.order_assignable(now, id, fx);
        self.driver_free(now, driver, fx);
    }

    /// One more failed pickup for `driver`; flags them (once) when the failures within the
    /// review window (now − 7 days, now] reach `review_after`.
    fn count_failed_pickup(&mut self, now: Millis, driver: DriverId, id: OrderId, fx: &mut Effects) {
        let settings = &self.config.food;
        let (window, threshold) = (settings.review_window, settings.review_after);
        let d = &mut self.drivers[driver.index()];
        d.failed_pickups += 1;
        d.recent_failures.push_back(now);
        let since = now.saturating_sub(window);
        while d
            .recent_failures
            .front()
            .is_some_and(|&at| at <= since && now >= window)
        {
            d.recent_failures.pop_front();
        }
        if !d.flagged && d.recent_failures.len() >= threshold as usize {
            d.flagged = true;
            fx.events.push(Event::Flagged(driver, id));
            fx.notices.push(notice(
                NoticeKind::Review,
                id,
                Party::Driver(driver),
                Role::Driver,
            ));
        }
    }
}
