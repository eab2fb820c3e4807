//! The checker of a threaded run, separate from the code it checks: it replays the
//! operation log through a fresh single-threaded engine on the virtual clock and requires
//! the same result for every operation and the same final state, checks the engine's
//! invariants after every replayed step, follows each order's history independently of
//! the engine (no pickup after a cancellation, no cancellation after a pickup), checks
//! that notifications match the transitions that caused them, and counts the races that
//! happened (`races.rs`: from outcomes, and from each entry's window of operations it
//! raced).
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
//!
//! The replay is here; what it concludes is in `verdict.rs`, the checks it runs on each
//! step are in `invariants.rs`, and the races it counts in `races.rs`.

mod invariants;
#[cfg(test)]
mod race_tests;
mod races;
#[cfg(test)]
mod tests;
mod verdict;

pub use verdict::{Races, Verdict};

use std::collections::BTreeMap;

use super::log::{LogEntry, Origin};
use crate::engine::{
    CancelReason, Command, Effects, Engine, EngineConfig, Event, OrderId, OrderStatus, Timer, TimerRequest,
};
use crate::sim::driver::Step;
use crate::sim::EventQueue;
use invariants::{check_all, check_notices, check_touched, follow_histories, set_due_by, FULL_CHECK_EVERY};
use races::{count_outcome, count_refusal, stock_before, stock_changes, Footprint, WindowRaces};

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
/// and end in the run's final state. Each replayed operation (as a [`Step`] of the driver
/// loop, so the reports record it as the virtual clock would) is handed to `on_operation`,
/// in replay order, for the reports.
pub fn check(run: Run<'_>, on_operation: impl FnMut(&LogEntry, &Engine, &Step<'_>)) -> Verdict {
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
        effects: Effects::default(),
        history: BTreeMap::new(),
        cancelled_on_the_way: Vec::new(),
        windows: WindowRaces::new(run.log),
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
        let window = entry.window;
        if window.begun > window.entered || window.entered > entry.seq {
            replay.verdict.violation(format!(
                "seq {}: its window {}..{} does not end before it",
                entry.seq, window.begun, window.entered
            ));
        }
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
        // Every deadline due by the last instant has fired (the replay checked it), except
        // one the run left pending (a script's last command set it, due at its own
        // instant), so no other order may still wait for a pickup past its deadline.
        let pending: Vec<OrderId> = run
            .pending
            .iter()
            .filter(|request| request.at <= last.at)
            .map(|request| request.timer.order())
            .collect();
        if let Err(e) = check_all(run.engine, last.at, true, &pending) {
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
    /// Reused for every replayed step's effects.
    effects: Effects,
    history: BTreeMap<OrderId, Vec<OrderStatus>>,
    /// Orders that deadlines fired on the way in of the command being replayed cancelled.
    cancelled_on_the_way: Vec<OrderId>,
    /// The races of the windows, counted as the entries replay.
    windows: WindowRaces,
    on_operation: F,
}

impl<F: FnMut(&LogEntry, &Engine, &Step<'_>)> Replay<F> {
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
                window: entry.window,
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
        let mut effects = std::mem::take(&mut self.effects);
        let stock = stock_before(&self.engine, &entry.command);
        let replayed = self.engine.apply_into(entry.at, &entry.command, &mut effects);
        if replayed.is_ok() {
            for request in &effects.timers {
                let _ = self.timers.push(request.at, request.timer);
            }
        }
        if compare && replayed != entry.result {
            self.verdict.replay_identical = false;
            self.verdict.violation(format!(
                "seq {} at {:?}: {:?} gave {:?} live but {:?} on replay",
                entry.seq, entry.at, entry.command, entry.result, replayed
            ));
        }
        // What this step touched is checked at once; the whole state every so often and
        // at the end, which keeps a long history linear to check. After a command every
        // deadline due by its instant has fired, except one the command itself set due at
        // that instant (a zero pickup deadline), which fires right after it, before the
        // next command (SPEC §2); after a firing, others due at the same instant may still
        // be queued behind it.
        let deadlines_fired = !entry.origin.is_timer();
        let pending = match &replayed {
            Ok(_) => set_due_by(entry.at, &effects),
            Err(_) => Vec::new(),
        };
        let full = entry.seq.is_multiple_of(FULL_CHECK_EVERY);
        let profile = self.engine.config().profile;
        let checked = match (full, &replayed) {
            (true, _) => check_all(&self.engine, entry.at, deadlines_fired, &pending),
            (false, Ok(_)) => check_touched(&self.engine, entry, &effects, deadlines_fired, &pending),
            (false, Err(_)) => Ok(()),
        };
        if let Err(e) = checked {
            self.verdict.violation(format!(
                "seq {}: invariant broken after {:?}: {e}",
                entry.seq, entry.command
            ));
        }
        match &replayed {
            Ok(_) => {
                if entry.origin == Origin::TimerBeforeCommand {
                    for event in &effects.events {
                        if let Event::Cancelled(order, _, CancelReason::NoPickup) = *event {
                            self.cancelled_on_the_way.push(order);
                        }
                    }
                }
                follow_histories(&mut self.verdict, &mut self.history, entry, &effects, profile);
                check_notices(&mut self.verdict, entry, &effects, profile);
                count_outcome(&mut self.verdict.races, &entry.command, &effects);
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
            }
        }
        if compare {
            // Only the run's own entries raced; one the replay made up did not.
            let footprint = match &replayed {
                Ok(_) => Footprint::of(
                    &entry.command,
                    &effects,
                    profile,
                    stock_changes(&self.engine, stock),
                ),
                Err(_) => Footprint::default(),
            };
            self.windows.count(
                &mut self.verdict.races,
                entry.seq,
                entry.window,
                &entry.command,
                footprint,
            );
        }
        let step = Step {
            at: entry.at,
            command: &entry.command,
            timer: match entry.command {
                Command::ExpireDeadline { order, guard } if entry.origin.is_timer() => {
                    Some(Timer::PickupDeadline { order, guard })
                }
                _ => None,
            },
            result: &replayed,
            effects: &effects,
        };
        (self.on_operation)(entry, &self.engine, &step);
        self.effects = effects;
    }
}
