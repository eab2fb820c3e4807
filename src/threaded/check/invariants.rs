//! The checks the replay runs on each step, independently of the run it checks: the
//! engine's invariants for what a step touched (and the whole state every
//! [`FULL_CHECK_EVERY`] steps), each order's history followed from the events alone, the
//! notifications against the transitions that caused them, and the races counted from
//! results and refusals. Each is a plain function of one step, so the replay in `mod.rs`
//! stays about ordering and timers.

use std::collections::BTreeMap;

use super::{Races, Verdict};
use crate::engine::{
    CancelReason, Command, Engine, Event, NoticeKind, OrderId, OrderStatus, Outcome, Refusal, Timer,
};
use crate::threaded::log::LogEntry;
use crate::time::Millis;

/// Steps between two checks of the whole state.
pub(super) const FULL_CHECK_EVERY: u64 = 1024;

/// The orders whose deadline `outcome` itself set due by `at`, its own instant (a zero
/// pickup deadline). Such a deadline fires right after the step, before the next command
/// (SPEC §2), so it is rightly still pending when the step is checked.
pub(super) fn set_due_by(at: Millis, outcome: &Outcome) -> Vec<OrderId> {
    outcome
        .timers
        .iter()
        .filter(|request| request.at <= at)
        .map(|request| match request.timer {
            Timer::PickupDeadline(order) => order,
        })
        .collect()
}

/// The invariants of the whole state at `at`. With `deadlines_fired`, every deadline due by
/// `at` has fired except those of the orders in `pending` (set at that instant and not yet
/// fired), so no other order may still wait for a pickup past its deadline.
pub(super) fn check_all(
    engine: &Engine,
    at: Millis,
    deadlines_fired: bool,
    pending: &[OrderId],
) -> Result<(), String> {
    if !deadlines_fired || pending.is_empty() {
        return engine.check_invariants(at, deadlines_fired);
    }
    engine.check_invariants(at, false)?;
    for order in engine.orders() {
        engine.check_order(order.id, at, !pending.contains(&order.id))?;
    }
    Ok(())
}

/// The invariants of the orders and drivers one step touched. With `deadlines_fired`, every
/// deadline due by the step's instant has fired except those of the orders in `pending`.
pub(super) fn check_touched(
    engine: &Engine,
    entry: &LogEntry,
    outcome: &Outcome,
    deadlines_fired: bool,
    pending: &[OrderId],
) -> Result<(), String> {
    let mut orders: Vec<OrderId> = entry.command.order().into_iter().collect();
    let mut drivers = Vec::new();
    for event in &outcome.events {
        match *event {
            Event::Placed(o) | Event::DuplicatePrevented(o) => orders.push(o),
            Event::Assigned(o, d)
            | Event::PickedUp(o, d)
            | Event::Delivered(o, d)
            | Event::Rated(o, d, _) => {
                orders.push(o);
                drivers.push(d);
            }
            Event::Cancelled(o, d, _) => {
                orders.push(o);
                drivers.extend(d);
            }
        }
    }
    for order in orders {
        engine.check_order(order, entry.at, deadlines_fired && !pending.contains(&order))?;
    }
    for driver in drivers {
        engine.check_driver(driver)?;
    }
    engine.check_no_idle_driver_beside_waiting_order(entry.at)
}

/// Follows each order's statuses from the events alone and flags impossible successions.
pub(super) fn follow_histories(
    verdict: &mut Verdict,
    history: &mut BTreeMap<OrderId, Vec<OrderStatus>>,
    entry: &LogEntry,
    outcome: &Outcome,
) {
    for event in &outcome.events {
        let (order, status) = match *event {
            Event::Placed(o) => (o, OrderStatus::Created),
            Event::Assigned(o, _) => (o, OrderStatus::Assigned),
            Event::PickedUp(o, _) => (o, OrderStatus::PickedUp),
            Event::Delivered(o, _) => (o, OrderStatus::Delivered),
            Event::Cancelled(o, ..) => (o, OrderStatus::Cancelled),
            Event::DuplicatePrevented(_) | Event::Rated(..) => continue,
        };
        let past = history.entry(order).or_default();
        let bad = match status {
            OrderStatus::Created => !past.is_empty(),
            OrderStatus::Assigned => past.last() != Some(&OrderStatus::Created),
            OrderStatus::PickedUp => past.last() != Some(&OrderStatus::Assigned),
            OrderStatus::Delivered => past.last() != Some(&OrderStatus::PickedUp),
            OrderStatus::Cancelled => {
                !matches!(past.last(), Some(OrderStatus::Created | OrderStatus::Assigned))
            }
        };
        if bad {
            verdict.violation(format!(
                "seq {}: {order} became {status} after {:?}",
                entry.seq, past
            ));
        }
        past.push(status);
    }
}

/// Every transition is told to exactly the people SPEC §3.12 names, and nothing else is.
pub(super) fn check_notices(verdict: &mut Verdict, entry: &LogEntry, outcome: &Outcome) {
    let mut expected: BTreeMap<(NoticeKind, OrderId), usize> = BTreeMap::new();
    for event in &outcome.events {
        let (kind, order, count) = match *event {
            Event::Placed(o) => (NoticeKind::Placed, o, 2),
            Event::Assigned(o, _) => (NoticeKind::Assigned, o, 3),
            Event::PickedUp(o, _) => (NoticeKind::PickedUp, o, 2),
            Event::Delivered(o, _) => (NoticeKind::Delivered, o, 2),
            Event::Cancelled(o, driver, _) => (NoticeKind::Cancelled, o, 2 + usize::from(driver.is_some())),
            Event::DuplicatePrevented(_) | Event::Rated(..) => continue,
        };
        *expected.entry((kind, order)).or_default() += count;
    }
    let mut sent: BTreeMap<(NoticeKind, OrderId), usize> = BTreeMap::new();
    for notice in &outcome.notices {
        *sent.entry((notice.kind, notice.order)).or_default() += 1;
    }
    if expected != sent {
        verdict.violation(format!(
            "seq {}: notifications {sent:?} do not match transitions {expected:?}",
            entry.seq
        ));
    }
}

/// Counts the races an applied operation shows: a placement that waited, a freed driver
/// that took a waiting order.
pub(super) fn count_races(races: &mut Races, command: &Command, outcome: &Outcome) {
    let assigned = outcome.events.iter().any(|e| matches!(e, Event::Assigned(..)));
    match command {
        Command::PlaceOrder { .. }
            if !assigned && outcome.events.iter().any(|e| matches!(e, Event::Placed(_))) =>
        {
            races.placements_waited += 1
        }
        Command::Deliver { .. } | Command::CancelOrder { .. } | Command::ExpireDeadline { .. }
            if assigned =>
        {
            races.freed_driver_took_waiting += 1
        }
        _ => {}
    }
}

/// Counts the races a refusal shows: a cancellation or pickup that lost to the other, or a
/// pickup that lost to the deadline (`deadline_fired_on_the_way`: fired by the engine on
/// the pickup's way in, before the timer thread).
pub(super) fn count_refusal(
    races: &mut Races,
    engine: &Engine,
    command: &Command,
    refusal: Refusal,
    deadline_fired_on_the_way: bool,
) {
    match (command, refusal) {
        (Command::CancelOrder { .. }, Refusal::AlreadyPickedUp) => races.cancel_vs_pickup += 1,
        (Command::Pickup { order, .. }, Refusal::OrderCancelled) => {
            let reason = engine.order(*order).ok().and_then(|o| o.cancel_reason);
            if reason == Some(CancelReason::NoPickup) {
                races.deadline_vs_pickup += 1;
                if deadline_fired_on_the_way {
                    races.late_pickup_before_timer += 1;
                }
            } else if reason == Some(CancelReason::Customer) {
                races.cancel_vs_pickup += 1;
            }
        }
        _ => {}
    }
}
