//! The mechanics the commands share: moving an order along the transition table, assigning
//! it, cancelling it (freeing its driver), a driver's busy spells, and a freed driver taking
//! the oldest waiting order or joining the idle set; and who is told what.

use super::{
    CancelReason, CustomerId, DriverId, Duty, Effects, Engine, Event, Notice, NoticeKind, OrderId,
    OrderStatus, Party, Role,
};
use crate::time::Millis;

impl Engine {
    /// Moves an order along the transition table. Callers check the rules first; a move the
    /// table forbids here is a bug in the engine, not a user error.
    pub(super) fn move_order(&mut self, id: OrderId, to: OrderStatus) {
        let order = &mut self.orders[id];
        assert!(
            order.status.can_become(to),
            "illegal transition {} -> {} for {id}",
            order.status,
            to
        );
        order.status = to;
    }

    pub(super) fn assign(&mut self, now: Millis, id: OrderId, driver: DriverId, fx: &mut Effects) {
        self.move_order(id, OrderStatus::Assigned);
        let order = &mut self.orders[id];
        order.driver = Some(driver);
        order.assigned_at = Some(now);
        let (sender, recipient) = (order.sender, order.recipient);
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
        tell_sender_and_recipient(fx, NoticeKind::Assigned, id, sender, recipient);
    }

    pub(super) fn cancel(&mut self, now: Millis, id: OrderId, reason: CancelReason, fx: &mut Effects) {
        let held_by = (self.orders[id].status == OrderStatus::Assigned)
            .then_some(self.orders[id].driver)
            .flatten();
        self.move_order(id, OrderStatus::Cancelled);
        let order = &mut self.orders[id];
        order.cancelled_at = Some(now);
        order.cancel_reason = Some(reason);
        let (sender, recipient) = (order.sender, order.recipient);
        fx.events.push(Event::Cancelled(id, held_by, reason));
        tell_sender_and_recipient(fx, NoticeKind::Cancelled, id, sender, recipient);
        if let Some(driver) = held_by {
            fx.notices.push(notice(
                NoticeKind::Cancelled,
                id,
                Party::Driver(driver),
                Role::Driver,
            ));
            self.drivers[driver.index()].assigned_then_cancelled += 1;
            self.end_busy_spell(now, driver);
            self.make_available(now, driver, fx);
        }
    }

    pub(super) fn end_busy_spell(&mut self, now: Millis, driver: DriverId) {
        let d = &mut self.drivers[driver.index()];
        if let Some(since) = d.busy_since.take() {
            d.busy_ms += now.saturating_sub(since).as_ms();
        }
    }

    /// A driver just became free: they take the oldest waiting order that can still be
    /// assigned, or else join the idle set behind everyone already idle.
    pub(super) fn make_available(&mut self, now: Millis, driver: DriverId, fx: &mut Effects) {
        while let Some(next) = self.waiting.pop_front() {
            let assignable = self
                .orders
                .get(next)
                .is_some_and(|o| o.status == OrderStatus::Created && o.is_live_at(now));
            if assignable {
                self.assign(now, next, driver, fx);
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
}

/// The two customers of an order hear of it in order: sender, then recipient.
pub(super) fn tell_sender_and_recipient(
    fx: &mut Effects,
    kind: NoticeKind,
    order: OrderId,
    sender: CustomerId,
    recipient: CustomerId,
) {
    fx.notices
        .push(notice(kind, order, Party::Customer(sender), Role::Sender));
    fx.notices
        .push(notice(kind, order, Party::Customer(recipient), Role::Recipient));
}

fn notice(kind: NoticeKind, order: OrderId, to: Party, role: Role) -> Notice {
    Notice {
        kind,
        order,
        to,
        role,
    }
}
