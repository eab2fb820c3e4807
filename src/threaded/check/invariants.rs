//! The checks the replay runs on each step, independently of the run it checks: the
//! engine's invariants for what a step touched (and the whole state every
//! [`FULL_CHECK_EVERY`] steps), each order's history followed from the events alone, the
//! notifications against the transitions that caused them. Each is a plain function of one
//! step, so the replay in `mod.rs` stays about ordering and timers (the races it counts are
//! in `races.rs`).

use std::collections::BTreeMap;

use super::Verdict;
use crate::engine::{Effects, Engine, Event, NoticeKind, OrderId, OrderStatus, Profile};
use crate::threaded::log::LogEntry;
use crate::time::Millis;

/// Steps between two checks of the whole state.
pub(super) const FULL_CHECK_EVERY: u64 = 1024;

/// The orders whose deadline the step's `effects` themselves set due by `at`, its own instant (a zero
/// pickup deadline). Such a deadline fires right after the step, before the next command
/// (SPEC §2), so it is rightly still pending when the step is checked.
pub(super) fn set_due_by(at: Millis, effects: &Effects) -> Vec<OrderId> {
    effects
        .timers
        .iter()
        .filter(|request| request.at <= at)
        .map(|request| request.timer.order())
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
    effects: &Effects,
    deadlines_fired: bool,
    pending: &[OrderId],
) -> Result<(), String> {
    let mut orders: Vec<OrderId> = entry.command.order().into_iter().collect();
    let mut drivers = Vec::new();
    for event in &effects.events {
        orders.push(event.order());
        drivers.extend(event.driver());
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
    effects: &Effects,
    profile: Profile,
) {
    for event in &effects.events {
        let order = event.order();
        let Some(status) = event.status_after(profile) else {
            continue;
        };
        let past = history.entry(order).or_default();
        let bad = match past.last() {
            None => !matches!(event, Event::Placed(_)),
            Some(&last) => !profile.allows(last, status),
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

/// Every transition is told to exactly the people SPEC §3.12 (parcel) or §8.2.12 (food)
/// names, and nothing else is. Written from the SPEC's lists, apart from the engine's code.
pub(super) fn check_notices(verdict: &mut Verdict, entry: &LogEntry, effects: &Effects, profile: Profile) {
    let food = profile == Profile::Food;
    // A parcel has two customers to tell; a meal one customer and (for some kinds) its
    // restaurant.
    let parties = 2;
    let mut expected: BTreeMap<(NoticeKind, OrderId), usize> = BTreeMap::new();
    for event in &effects.events {
        let told: &[(NoticeKind, usize)] = match *event {
            Event::Placed(_) => &[(NoticeKind::Placed, parties)],
            Event::Assigned(..) => &[(NoticeKind::Assigned, parties + 1)],
            Event::PickedUp(..) if food => &[(NoticeKind::PickedUp, 1)],
            Event::PickedUp(..) => &[(NoticeKind::PickedUp, parties)],
            Event::Delivered(..) if food => &[(NoticeKind::Delivered, 1)],
            Event::Delivered(..) => &[(NoticeKind::Delivered, parties)],
            Event::Cancelled(_, None, _) => &[(NoticeKind::Cancelled, parties)],
            Event::Cancelled(_, Some(_), _) => &[(NoticeKind::Cancelled, parties + 1)],
            Event::Confirmed(_) => &[(NoticeKind::Confirmed, 1)],
            Event::Unassigned(..) => &[(NoticeKind::Delayed, 1), (NoticeKind::Unassigned, 1)],
            Event::Flagged(..) => &[(NoticeKind::Review, 1)],
            Event::DuplicatePrevented(_) | Event::Rated(..) | Event::Preparing(_) | Event::Ready(_) => &[],
        };
        for &(kind, count) in told {
            *expected.entry((kind, event.order())).or_default() += count;
        }
    }
    let mut sent: BTreeMap<(NoticeKind, OrderId), usize> = BTreeMap::new();
    for notice in &effects.notices {
        *sent.entry((notice.kind, notice.order)).or_default() += 1;
    }
    if expected != sent {
        verdict.violation(format!(
            "seq {}: notifications {sent:?} do not match transitions {expected:?}",
            entry.seq
        ));
    }
}
