//! The checker of a threaded run, separate from the code it checks: it replays the
//! operation log through a fresh single-threaded engine on the virtual clock and requires
//! the same result for every operation and the same final state, checks the engine's
//! invariants after every replayed step, follows each order's history independently of
//! the engine (no pickup after a cancellation, no cancellation after a pickup), checks
//! that notifications match the transitions that caused them, and counts the races that
//! happened.
//!
//! Timers are not taken from the log as operations. The replay keeps its own pending
//! timers (from each replayed operation's effects) and, before each logged command, fires
//! every one due by the command's instant, each at its own due instant, in (time,
//! sequence) order, exactly as the virtual clock does. Each of its firings must match the
//! next logged firing (same timer, same instant, same result); a logged firing the replay
//! did not expect, or a timer of the replay's that the run did not fire before a later
//! command, is a violation. So a run whose deadline took effect late, or early, or out of
//! order, fails the check even when its own log is self-consistent.
//!
//! At the end, rather than firing what remains blindly, the replay's remaining timers must
//! be exactly the ones the run left pending: a load run fires what remains before it stops
//! (all of it logged, and so matched above), while a script leaves its future deadlines
//! pending, as the virtual clock does. Firing them in the replay only would make its final
//! state differ from the run's for no fault of the run.

use std::collections::BTreeMap;
use std::fmt;

use super::log::{LogEntry, Origin};
use crate::engine::{
    CancelReason, Command, Engine, EngineConfig, Event, NoticeKind, OrderId, OrderStatus, Outcome, Refusal,
    Timer, TimerRequest,
};
use crate::sim::EventQueue;

/// How often the interesting races happened in one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Races {
    /// A customer cancellation and a pickup of one order competed: the cancel came too late
    /// (`already_picked_up`) or the pickup did (`order_cancelled` for a customer cancel).
    pub cancel_vs_pickup: u64,
    /// A pickup lost to the deadline (`order_cancelled` on a `no_pickup` order).
    pub deadline_vs_pickup: u64,
    /// …of which the pickup came at or after the deadline before the timer thread had
    /// fired it: the engine fired the deadline itself on the pickup's way in, at the
    /// deadline's own instant, and then refused the pickup.
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

/// What a threaded run left behind, for the checker.
#[derive(Clone, Copy, Debug)]
pub struct Run<'a> {
    /// The settings the run started from.
    pub config: &'a EngineConfig,
    /// Every operation, in the order it took effect.
    pub log: &'a [LogEntry],
    /// The engine at the end.
    pub engine: &'a Engine,
    /// Timers the run set and never fired, in (time, sequence) order.
    pub pending: &'a [TimerRequest],
}

/// Checks a threaded run: its commands applied from an empty engine with its settings,
/// with the replay firing its own timers, must reproduce every logged result and firing
/// and end in the run's final state. Each replayed operation's outcome (or refusal) is
/// handed to `on_operation`, in replay order, for the reports.
pub fn check(
    run: Run<'_>,
    on_operation: impl FnMut(&LogEntry, &Engine, Result<&Outcome, Refusal>),
) -> Verdict {
    let mut verdict = Verdict {
        operations: run.log.len() as u64,
        replay_identical: true,
        ..Verdict::default()
    };
    let engine = match Engine::new(run.config.clone()) {
        Ok(engine) => engine,
        Err(e) => {
            verdict.violation(format!("the configuration is invalid: {e}"));
            verdict.replay_identical = false;
            return verdict;
        }
    };
    let mut replay = Replay {
        verdict,
        engine,
        timers: EventQueue::new(),
        history: BTreeMap::new(),
        cancelled_on_the_way: Vec::new(),
        on_operation,
    };
    let mut previous_at = None;
    for (index, entry) in run.log.iter().enumerate() {
        if entry.seq != index as u64 {
            replay
                .verdict
                .violation(format!("log entry {index} has sequence number {}", entry.seq));
        }
        if previous_at.is_some_and(|p| entry.at < p) {
            replay.verdict.violation(format!(
                "seq {}: time went backwards to {:?}",
                entry.seq, entry.at
            ));
        }
        previous_at = Some(entry.at);
        if entry.origin.is_timer() {
            replay.logged_firing(entry);
        } else {
            replay.command(entry);
        }
    }
    let mut verdict = replay.verdict;
    verdict.orders = u64::from(replay.engine.orders_placed());
    let left: Vec<TimerRequest> = std::iter::from_fn(|| replay.timers.pop())
        .map(|(at, _, timer)| TimerRequest { at, timer })
        .collect();
    if left != run.pending {
        verdict.replay_identical = false;
        verdict.violation(format!(
            "the run left {} timers pending, the replay {}: first {:?} against {:?}",
            run.pending.len(),
            left.len(),
            run.pending.first(),
            left.first()
        ));
    }
    if replay.engine != *run.engine {
        verdict.replay_identical = false;
        verdict.violation("the replayed engine's final state differs from the threaded run's".into());
    }
    if let Some(last) = run.log.last() {
        // Every deadline due by the last instant has fired (the replay checked it), so no
        // order may still wait for a pickup past its deadline.
        if let Err(e) = run.engine.check_invariants(last.at, true) {
            verdict.violation(format!("final state: {e}"));
        }
    }
    verdict
}

/// The replaying engine, its own timers, and what it has seen.
struct Replay<F> {
    verdict: Verdict,
    engine: Engine,
    timers: EventQueue<Timer>,
    history: BTreeMap<OrderId, Vec<OrderStatus>>,
    /// Orders that deadlines fired on the way in of the command being replayed cancelled.
    cancelled_on_the_way: Vec<OrderId>,
    on_operation: F,
}

impl<F: FnMut(&LogEntry, &Engine, Result<&Outcome, Refusal>)> Replay<F> {
    /// A logged command: first the replay's own timers due by its instant (each of which
    /// the run should have fired, and logged, before it), then the command.
    fn command(&mut self, entry: &LogEntry) {
        while let Some((due, _, timer)) = self.timers.pop_due(entry.at) {
            self.verdict.replay_identical = false;
            self.verdict.violation(format!(
                "seq {}: {timer:?} due at {due:?} had not fired before {:?} at {:?}",
                entry.seq, entry.command, entry.at
            ));
            let missing = LogEntry {
                seq: entry.seq,
                at: due,
                origin: Origin::Timer,
                command: timer.command(),
                result: Ok(crate::engine::Reply::DeadlineExpired { cancelled: false }),
            };
            self.step(&missing, false);
        }
        self.step(entry, true);
        self.cancelled_on_the_way.clear();
    }

    /// A logged firing: the replay's own next timer must be the same timer, due at the
    /// logged instant; the replay fires it (and checks the result) in its stead.
    fn logged_firing(&mut self, entry: &LogEntry) {
        loop {
            let Some((due, _, timer)) = self.timers.pop() else {
                self.unexpected_firing(entry, "no timer was pending");
                return;
            };
            if due == entry.at && timer.command() == entry.command {
                self.step(entry, true);
                return;
            }
            if due <= entry.at {
                // The replay's timer is earlier: the run skipped it. Fire it, then look again.
                self.verdict.replay_identical = false;
                self.verdict.violation(format!(
                    "seq {}: {timer:?} due at {due:?} did not fire; the run fired {:?} at {:?} instead",
                    entry.seq, entry.command, entry.at
                ));
                let missing = LogEntry {
                    at: due,
                    command: timer.command(),
                    ..entry.clone()
                };
                self.step(&missing, false);
                continue;
            }
            // The replay's next timer is later: the logged firing came from nowhere (or
            // too early). Put the replay's timer back and skip the logged firing.
            let _ = self.timers.push(due, timer);
            self.unexpected_firing(entry, "the replay's next timer is later");
            return;
        }
    }

    fn unexpected_firing(&mut self, entry: &LogEntry, why: &str) {
        self.verdict.replay_identical = false;
        self.verdict.violation(format!(
            "seq {}: the run fired {:?} at {:?}, which the replay did not expect ({why})",
            entry.seq, entry.command, entry.at
        ));
    }

    /// Applies one operation to the replay and checks it. `compare` says whether the
    /// entry's result is the run's (and so must match).
    fn step(&mut self, entry: &LogEntry, compare: bool) {
        let replayed = self.engine.apply(entry.at, &entry.command);
        if let Ok(outcome) = &replayed {
            for request in &outcome.timers {
                let _ = self.timers.push(request.at, request.timer);
            }
        }
        let replayed_result = replayed.as_ref().map(|o| o.reply.clone()).map_err(|r| *r);
        if compare && replayed_result != entry.result {
            self.verdict.replay_identical = false;
            self.verdict.violation(format!(
                "seq {} at {:?}: {:?} gave {:?} live but {:?} on replay",
                entry.seq, entry.at, entry.command, entry.result, replayed_result
            ));
        }
        // What this step touched is checked at once; the whole state every so often and
        // at the end, which keeps a long history linear to check. After a command every
        // deadline due by its instant has fired; after a firing, others due at the same
        // instant may still be queued behind it.
        let deadlines_fired = !entry.origin.is_timer();
        let full = entry.seq.is_multiple_of(FULL_CHECK_EVERY);
        let checked = match (full, &replayed) {
            (true, _) => self.engine.check_invariants(entry.at, deadlines_fired),
            (false, Ok(outcome)) => check_touched(&self.engine, entry, outcome, deadlines_fired),
            (false, Err(_)) => Ok(()),
        };
        if let Err(e) = checked {
            self.verdict.violation(format!(
                "seq {}: invariant broken after {:?}: {e}",
                entry.seq, entry.command
            ));
        }
        match &replayed {
            Ok(outcome) => {
                if entry.origin == Origin::TimerBeforeCommand {
                    for event in &outcome.events {
                        if let Event::Cancelled(order, _, CancelReason::NoPickup) = *event {
                            self.cancelled_on_the_way.push(order);
                        }
                    }
                }
                follow_histories(&mut self.verdict, &mut self.history, entry, outcome);
                check_notices(&mut self.verdict, entry, outcome);
                count_races(&mut self.verdict.races, &entry.command, outcome);
                (self.on_operation)(entry, &self.engine, Ok(outcome));
            }
            Err(refusal) => {
                self.verdict.refused += 1;
                let on_the_way = entry
                    .command
                    .order()
                    .is_some_and(|o| self.cancelled_on_the_way.contains(&o));
                count_refusal(
                    &mut self.verdict.races,
                    &self.engine,
                    &entry.command,
                    *refusal,
                    on_the_way,
                );
                (self.on_operation)(entry, &self.engine, Err(*refusal));
            }
        }
    }
}

/// Steps between two checks of the whole state.
const FULL_CHECK_EVERY: u64 = 1024;

/// The invariants of the orders and drivers one step touched.
fn check_touched(
    engine: &Engine,
    entry: &LogEntry,
    outcome: &Outcome,
    deadlines_fired: bool,
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
        engine.check_order(order, entry.at, deadlines_fired)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Contact, CustomerId, ItemId, Reply};
    use crate::time::Millis;

    /// Applies `command` to `engine` at `at` and logs it with `origin`.
    fn op(engine: &mut Engine, log: &mut Vec<LogEntry>, at: u64, origin: Origin, command: Command) {
        let result = engine.apply(Millis(at), &command).map(|o| o.reply);
        log.push(LogEntry {
            seq: log.len() as u64,
            at: Millis(at),
            origin,
            command,
            result,
        });
    }

    /// Two customers and a driver; order-1 placed at 0 and assigned (deadline 60 s).
    fn one_order() -> (EngineConfig, Engine, Vec<LogEntry>) {
        let config = EngineConfig::default();
        let mut engine = Engine::new(config.clone()).unwrap();
        let mut log = Vec::new();
        for name in ["a", "b"] {
            let command = Command::OnboardCustomer {
                name: name.into(),
                contact: Contact {
                    email: Some(format!("{name}@x")),
                    phone: None,
                },
                address: None,
                location: None,
            };
            op(&mut engine, &mut log, 0, Origin::Command, command);
        }
        let driver = Command::OnboardDriver {
            name: "d".into(),
            contact: Contact::default(),
            location: None,
        };
        op(&mut engine, &mut log, 0, Origin::Command, driver);
        let place = Command::PlaceOrder {
            sender: CustomerId(0),
            recipient: CustomerId(1),
            item: ItemId(0),
            key: None,
        };
        op(&mut engine, &mut log, 0, Origin::Command, place);
        (config, engine, log)
    }

    fn expire() -> Command {
        Command::ExpireDeadline { order: OrderId(0) }
    }

    fn verdict(
        config: &EngineConfig,
        engine: &Engine,
        log: &[LogEntry],
        pending: &[TimerRequest],
    ) -> Verdict {
        check(
            Run {
                config,
                log,
                engine,
                pending,
            },
            |_, _, _| {},
        )
    }

    #[test]
    fn a_deadline_fired_at_its_instant_passes() {
        let (config, mut engine, mut log) = one_order();
        op(&mut engine, &mut log, 60_000, Origin::Timer, expire());
        assert_eq!(log[4].result, Ok(Reply::DeadlineExpired { cancelled: true }));
        let v = verdict(&config, &engine, &log, &[]);
        assert!(v.passed(), "{v}\n{:#?}", v.violations);
    }

    /// Regression (defect A): the old timer thread logged a deadline at the instant it
    /// happened to run. Such a log replays consistently as logged, but the virtual clock
    /// fires the deadline at its own instant, so the checker must refuse it.
    #[test]
    fn a_deadline_fired_late_fails_the_check() {
        let (config, mut engine, mut log) = one_order();
        op(&mut engine, &mut log, 61_000, Origin::Timer, expire());
        let v = verdict(&config, &engine, &log, &[]);
        assert!(!v.passed() && !v.replay_identical, "{v}");
        assert!(v.violations[0].contains("did not fire"), "{:#?}", v.violations);
    }

    #[test]
    fn a_command_past_a_deadline_that_had_not_fired_fails_the_check() {
        let (config, mut engine, mut log) = one_order();
        let pickup = Command::Pickup {
            driver: crate::engine::DriverId(0),
            order: OrderId(0),
        };
        op(&mut engine, &mut log, 70_000, Origin::Command, pickup);
        op(&mut engine, &mut log, 70_000, Origin::Timer, expire());
        let v = verdict(&config, &engine, &log, &[]);
        assert!(!v.passed(), "{v}");
        assert!(
            v.violations[0].contains("had not fired before"),
            "{:#?}",
            v.violations
        );
    }

    #[test]
    fn timers_left_pending_must_be_the_replays_own() {
        let (config, engine, log) = one_order();
        let pending = [TimerRequest {
            at: Millis(60_000),
            timer: Timer::PickupDeadline(OrderId(0)),
        }];
        let v = verdict(&config, &engine, &log, &pending);
        assert!(v.passed(), "{v}\n{:#?}", v.violations);
        let v = verdict(&config, &engine, &log, &[]);
        assert!(!v.passed(), "{v}");
        let v = verdict(&config, &engine, &log, &[pending[0], pending[0]]);
        assert!(!v.passed(), "{v}");
    }

    #[test]
    fn a_firing_the_replay_did_not_expect_fails_the_check() {
        let (config, mut engine, mut log) = one_order();
        op(&mut engine, &mut log, 60_000, Origin::Timer, expire());
        op(&mut engine, &mut log, 60_000, Origin::Timer, expire());
        let v = verdict(&config, &engine, &log, &[]);
        assert!(!v.passed(), "{v}");
        assert!(v.violations[0].contains("did not expect"), "{:#?}", v.violations);
    }
}
