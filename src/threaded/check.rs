//! The checker of a threaded run, separate from the code it checks: it replays the
//! operation log through a fresh single-threaded engine and requires the same result for
//! every operation and the same final state, checks the engine's invariants after every
//! replayed step, follows each order's history independently of the engine (no pickup
//! after a cancellation, no cancellation after a pickup), checks that notifications match
//! the transitions that caused them, and counts the races that happened.

use std::collections::BTreeMap;
use std::fmt;

use super::log::LogEntry;
use crate::engine::{
    CancelReason, Command, Engine, EngineConfig, Event, NoticeKind, OrderId, OrderStatus, Outcome, Refusal,
};

/// How often the interesting races happened in one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Races {
    /// A customer cancellation and a pickup of one order competed: the cancel came too late
    /// (`already_picked_up`) or the pickup did (`order_cancelled` for a customer cancel).
    pub cancel_vs_pickup: u64,
    /// A pickup lost to the deadline (`order_cancelled` on a `no_pickup` order).
    pub deadline_vs_pickup: u64,
    /// …of which the pickup came at or after the deadline but before its timer fired, and
    /// the engine refused it on its own authority.
    pub late_pickup_before_timer: u64,
    /// A driver freed by a delivery, cancellation or deadline took a waiting order at once.
    pub freed_driver_took_waiting: u64,
    /// Placements that found no idle driver and waited.
    pub placements_waited: u64,
}

/// The checker's conclusion.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Operations in the log.
    pub operations: u64,
    /// Of which refused.
    pub refused: u64,
    /// Orders placed.
    pub orders: u64,
    /// Everything that went wrong, first ones first (capped).
    pub violations: Vec<String>,
    /// Violations found in all (the list keeps only the first few).
    pub violation_count: u64,
    /// Whether replay gave the same results and the same final state.
    pub replay_identical: bool,
    /// Race counts.
    pub races: Races,
}

impl Verdict {
    /// No violation and an identical replay.
    pub fn passed(&self) -> bool {
        self.violation_count == 0 && self.replay_identical
    }

    /// Records a violation.
    pub fn violation(&mut self, message: String) {
        self.violation_count += 1;
        if self.violations.len() < 20 {
            self.violations.push(message);
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.races;
        write!(
            f,
            "verdict: {} — {} operations ({} refused), {} orders, {} violations, replay {}; races: cancel vs pickup {}, \
             deadline vs pickup {} ({} before the timer fired), freed driver took a waiting order {}, placements waited {}",
            if self.passed() { "PASS" } else { "FAIL" },
            self.operations,
            self.refused,
            self.orders,
            self.violation_count,
            if self.replay_identical { "identical" } else { "DIFFERENT" },
            r.cancel_vs_pickup,
            r.deadline_vs_pickup,
            r.late_pickup_before_timer,
            r.freed_driver_took_waiting,
            r.placements_waited,
        )
    }
}

/// Checks a threaded run: `log` applied from an empty engine with `config` must reproduce
/// every logged result and end in `final_engine`. Each replayed operation's outcome (or
/// refusal) is handed to `on_operation`, in log order, for the reports.
pub fn check(
    config: &EngineConfig,
    log: &[LogEntry],
    final_engine: &Engine,
    mut on_operation: impl FnMut(&LogEntry, &Engine, Result<&Outcome, Refusal>),
) -> Verdict {
    let mut verdict = Verdict {
        operations: log.len() as u64,
        replay_identical: true,
        ..Verdict::default()
    };
    let mut replay = match Engine::new(config.clone()) {
        Ok(engine) => engine,
        Err(e) => {
            verdict.violation(format!("the configuration is invalid: {e}"));
            verdict.replay_identical = false;
            return verdict;
        }
    };
    let mut history: BTreeMap<OrderId, Vec<OrderStatus>> = BTreeMap::new();
    let mut previous_at = None;
    for (index, entry) in log.iter().enumerate() {
        if entry.seq != index as u64 {
            verdict.violation(format!("log entry {index} has sequence number {}", entry.seq));
        }
        if previous_at.is_some_and(|p| entry.at < p) {
            verdict.violation(format!(
                "seq {}: time went backwards to {:?}",
                entry.seq, entry.at
            ));
        }
        previous_at = Some(entry.at);
        let late_before_timer = match entry.command {
            Command::Pickup { order, .. } => replay.order(order).is_ok_and(|o| {
                matches!(o.status, OrderStatus::Created | OrderStatus::Assigned) && entry.at >= o.deadline
            }),
            _ => false,
        };
        let replayed = replay.apply(entry.at, &entry.command);
        let replayed_result = replayed.as_ref().map(|o| o.reply.clone()).map_err(|r| *r);
        if replayed_result != entry.result {
            verdict.replay_identical = false;
            verdict.violation(format!(
                "seq {} at {:?}: {:?} gave {:?} live but {:?} on replay",
                entry.seq, entry.at, entry.command, entry.result, replayed_result
            ));
        }
        // What this step touched is checked at once; the whole state every so often and
        // at the end, which keeps a long history linear to check.
        let checked = match (index % FULL_CHECK_EVERY == 0, &replayed) {
            (true, _) => replay.check_invariants(entry.at, false),
            (false, Ok(outcome)) => check_touched(&replay, entry, outcome),
            (false, Err(_)) => Ok(()),
        };
        if let Err(e) = checked {
            verdict.violation(format!(
                "seq {}: invariant broken after {:?}: {e}",
                entry.seq, entry.command
            ));
        }
        match &replayed {
            Ok(outcome) => {
                follow_histories(&mut verdict, &mut history, entry, outcome);
                check_notices(&mut verdict, entry, outcome);
                count_races(&mut verdict.races, &entry.command, outcome);
                on_operation(entry, &replay, Ok(outcome));
            }
            Err(refusal) => {
                verdict.refused += 1;
                count_refusal(
                    &mut verdict.races,
                    &replay,
                    &entry.command,
                    *refusal,
                    late_before_timer,
                );
                on_operation(entry, &replay, Err(*refusal));
            }
        }
    }
    verdict.orders = u64::from(replay.orders_placed());
    if replay != *final_engine {
        verdict.replay_identical = false;
        verdict.violation("the replayed engine's final state differs from the threaded run's".into());
    }
    if let Some(last) = log.last() {
        if let Err(e) = final_engine.check_invariants(last.at, true) {
            verdict.violation(format!("final state: {e}"));
        }
    }
    verdict
}

/// Steps between two checks of the whole state.
const FULL_CHECK_EVERY: usize = 1024;

/// The invariants of the orders and drivers one step touched.
fn check_touched(engine: &Engine, entry: &LogEntry, outcome: &Outcome) -> Result<(), String> {
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
        engine.check_order(order, entry.at, false)?;
    }
    for driver in drivers {
        engine.check_driver(driver)?;
    }
    engine.check_no_idle_driver_beside_waiting_order(entry.at)
}

/// Follows each order's statuses from the events alone and flags impossible successions.
fn follow_histories(
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
fn check_notices(verdict: &mut Verdict, entry: &LogEntry, outcome: &Outcome) {
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

fn count_races(races: &mut Races, command: &Command, outcome: &Outcome) {
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

fn count_refusal(
    races: &mut Races,
    engine: &Engine,
    command: &Command,
    refusal: Refusal,
    late_before_timer: bool,
) {
    match (command, refusal) {
        (Command::CancelOrder { .. }, Refusal::AlreadyPickedUp) => races.cancel_vs_pickup += 1,
        (Command::Pickup { order, .. }, Refusal::OrderCancelled) => {
            // A late pickup refused before its timer counts with the deadline: that order's
            // reason is still to come, and will be no_pickup.
            let reason = engine.order(*order).ok().and_then(|o| o.cancel_reason);
            if late_before_timer || reason == Some(CancelReason::NoPickup) {
                races.deadline_vs_pickup += 1;
                if late_before_timer {
                    races.late_pickup_before_timer += 1;
                }
            } else if reason == Some(CancelReason::Customer) {
                races.cancel_vs_pickup += 1;
            }
        }
        _ => {}
    }
}
