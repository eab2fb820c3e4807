//! The concurrency kernel of the threaded mode: the shared engine handle (here), the timed
//! work queue and the progress counter the threads wait on (`timed_queue.rs`), and the
//! clocks they wait by (`clock.rs`), re-exported here. Everything in them that synchronises
//! goes through `super::sync`, so these files are compiled twice: against `std` in the
//! library, and against `shuttle` in the model-checking test (`tests/model/`), which
//! explores thread schedules of exactly this code. The plain types it hands back
//! (operations, the final parts, the lock's counts) are in [`courier_sim::threaded::ops`],
//! re-exported here, and compiled once.
//!
//! Locking design: one mutex around the engine, the behaviour model beside it, the log and
//! the pending deadline timers. A command is checked and applied, its log entry appended
//! and its follow-ups computed in one critical section, so "check, then act" is atomic and
//! the log order is the order of effect. The critical section is short (one `apply`, a few
//! microseconds), and measured throughput with 1–8 threads stays flat, so finer locks
//! would buy nothing but risk.
//!
//! Time: the engine, not the timer thread, decides when a deadline takes effect (SPEC §2).
//! The shared state runs the engine with the driver loop every shell uses
//! ([`courier_sim::sim::driver`]), which keeps every pending timer (from each operation's
//! `effects.timers`) in (time, sequence) order; this file adds only the lock and the log.
//! Before a command is applied at instant `at`, every pending timer due at or before `at`
//! is fired first, each at its own due instant, with its follow-ups computed like any
//! command's, in the same critical section. So a deadline frees its
//! driver and records `cancelled_ms` at exactly created + deadline however late any thread
//! runs, and the log's instants never go backwards: a pending timer is never earlier than
//! the last logged instant, since each operation fires everything due by its own instant
//! first. The timer thread only waits for the next due instant and asks the shared engine
//! to fire what is due ([`SharedEngine::fire_due`]); whether it or a command gets there
//! first changes nothing but the log entry's [`Origin`].
//!
//! The timer thread waits on a [`TimedQueue`] of wake-ups (one per timer set, pushed by
//! whoever applied the operation) rather than on the driver's agenda: waiting
//! then never holds the engine's lock nor needs a condition variable tied to it, the same
//! model-checked queue serves workers and timer thread alike, and a wake-up whose timer a
//! command already fired simply finds nothing due. The driver's agenda stays the only
//! authority on what fires and when.
//!
//! Races: a thread calls [`SharedEngine::begin`] when it starts an operation (a worker
//! taking its task, the timer thread waking), before it reads or locks the engine, and
//! hands the [`Begun`] it gets to [`SharedEngine::apply_begun`] or
//! [`SharedEngine::fire_due_begun`]. `begin` reads a counter of logged operations, written
//! under the lock after each log entry, so each entry's [`Window`] (the operations that took
//! effect between its thread's start and its critical section) is exact, however the
//! threads were timed. The checker counts races from the windows. The lock also counts
//! how often it was taken and found held ([`LockStats`]): cheap, but, unlike the windows,
//! a matter of timing, so nothing is checked against it.

pub use super::clock::{Clock, ManualClock, WallClock};
pub use super::timed_queue::{Progress, TimedQueue};
pub use courier_sim::threaded::ops::{Applied, LockStats, Locking, Op, Parts, Step};

use super::poison::lock_counting;
use super::sync::atomic::{AtomicU64, Ordering};
use super::sync::{Mutex, MutexGuard};
use courier_sim::engine::{Command, Engine, Event};
use courier_sim::sim::driver::{Driver, Step as DriverStep};
use courier_sim::sim::queue::SequenceExhausted;
use courier_sim::threaded::log::{LogEntry, Origin, Window};
use courier_sim::time::Millis;

/// When a thread began an operation: the number of operations logged by then. Taken
/// before the thread reads or locks the engine ([`SharedEngine::begin`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Begun(u64);

struct EngineState<S> {
    /// The engine, the last instant and the pending deadline timers, driven by the loop
    /// every shell uses: the lock and the log are all this file adds.
    driver: Driver,
    companion: S,
    log: Vec<LogEntry>,
    /// Orders neither delivered nor cancelled.
    live_orders: u64,
}

/// The follow-up a caller computes after each operation, under the lock.
pub trait FollowUp<S, F>: FnMut(&Engine, &mut S, &Step<'_>) -> F {}
impl<S, F, T: FnMut(&Engine, &mut S, &Step<'_>) -> F> FollowUp<S, F> for T {}

impl<S> EngineState<S> {
    /// Fires, in (time, sequence) order, every pending timer due at or before `by`, each
    /// at its own due instant. (`due` is never before the last logged instant, see the
    /// module docs; the driver's clock never goes back should that ever break, and the
    /// checker would see it.)
    fn fire_due<F>(
        &mut self,
        by: Millis,
        origin: Origin,
        book: Book<'_>,
        follow_up: &mut impl FollowUp<S, F>,
    ) -> Vec<Op<F>> {
        let mut fired = Vec::new();
        let (driver, mut logbook) = self.split(origin, book, follow_up, &mut fired);
        // Sequence exhaustion needs 2^64 timers; a dropped one there is the least harm.
        let _ = driver.fire_due(by, |engine: &Engine, step: &DriverStep<'_>, _: &mut _| {
            logbook.record(engine, step)
        });
        fired
    }

    /// Applies `command` at the driver's instant and logs it.
    fn apply<F>(&mut self, command: &Command, book: Book<'_>, follow_up: &mut impl FollowUp<S, F>) -> Op<F> {
        let mut applied = Vec::with_capacity(1);
        let (driver, mut logbook) = self.split(Origin::Command, book, follow_up, &mut applied);
        let _ = driver.apply(command, |engine: &Engine, step: &DriverStep<'_>, _: &mut _| {
            logbook.record(engine, step)
        });
        applied
            .pop()
            .unwrap_or_else(|| unreachable!("every applied command is logged"))
    }

    /// The driver, and the log book its steps are recorded in.
    fn split<'a, F, U: FollowUp<S, F>>(
        &'a mut self,
        origin: Origin,
        book: Book<'a>,
        follow_up: &'a mut U,
        ops: &'a mut Vec<Op<F>>,
    ) -> (&'a mut Driver, LogBook<'a, S, F, U>) {
        let logbook = LogBook {
            origin,
            book,
            companion: &mut self.companion,
            log: &mut self.log,
            live_orders: &mut self.live_orders,
            follow_up,
            ops,
        };
        (&mut self.driver, logbook)
    }
}

/// What one critical section records beside each entry: its thread's window, and the
/// counter of logged operations to publish the log's length to.
#[derive(Clone, Copy)]
struct Book<'a> {
    window: Window,
    logged: &'a AtomicU64,
}

/// Where one call's steps are recorded, under the lock: the log, the live-order count, and
/// the caller's follow-up with its operations.
struct LogBook<'a, S, F, U> {
    origin: Origin,
    book: Book<'a>,
    companion: &'a mut S,
    log: &'a mut Vec<LogEntry>,
    live_orders: &'a mut u64,
    follow_up: &'a mut U,
    ops: &'a mut Vec<Op<F>>,
}

impl<S, F, U: FollowUp<S, F>> LogBook<'_, S, F, U> {
    /// Logs an applied operation and computes its follow-up.
    fn record(&mut self, engine: &Engine, applied: &DriverStep<'_>) -> Result<(), SequenceExhausted> {
        for event in &applied.effects.events {
            match event {
                Event::Placed(_) => *self.live_orders += 1,
                Event::Delivered(..) | Event::Cancelled(..) => {
                    *self.live_orders = self.live_orders.saturating_sub(1)
                }
                _ => {}
            }
        }
        let seq = self.log.len() as u64;
        let step = Step {
            seq,
            at: applied.at,
            origin: self.origin,
            command: applied.command,
            result: applied.result,
            effects: applied.effects,
        };
        let follow_up = (self.follow_up)(engine, self.companion, &step);
        self.log.push(LogEntry {
            seq,
            at: applied.at,
            origin: self.origin,
            command: applied.command.clone(),
            result: applied.result.clone(),
            window: self.book.window,
        });
        // Published under the lock, so the counter never runs ahead of the log.
        self.book.logged.store(self.log.len() as u64, Ordering::SeqCst);
        self.ops.push(Op {
            seq,
            at: applied.at,
            origin: self.origin,
            result: applied.result.clone(),
            effects: applied.effects.clone(),
            follow_up,
        });
        Ok(())
    }
}

/// One engine shared by every thread, with a companion state `S` (the behaviour model)
/// updated under the same lock.
pub struct SharedEngine<S> {
    state: Mutex<EngineState<S>>,
    locking: Locking,
    /// The log's length, readable without the lock (see [`Begun`]).
    logged: AtomicU64,
    acquisitions: AtomicU64,
    contended: AtomicU64,
}

impl<S> SharedEngine<S> {
    /// Shares `engine` (with `companion`) under `locking`.
    pub fn new(engine: Engine, companion: S, locking: Locking) -> Self {
        let state = EngineState {
            driver: Driver::new(engine),
            companion,
            log: Vec::new(),
            live_orders: 0,
        };
        SharedEngine {
            state: Mutex::new(state),
            locking,
            logged: AtomicU64::new(0),
            acquisitions: AtomicU64::new(0),
            contended: AtomicU64::new(0),
        }
    }

    /// Takes the lock, counting it (and whether it was held).
    fn lock(&self) -> MutexGuard<'_, EngineState<S>> {
        self.acquisitions.fetch_add(1, Ordering::Relaxed);
        lock_counting(&self.state, &self.contended)
    }

    /// Marks the start of an operation: call it when the thread starts on it, before
    /// reading or locking the engine.
    pub fn begin(&self) -> Begun {
        Begun(self.logged.load(Ordering::SeqCst))
    }

    /// The window of an operation begun at `begun` whose critical section starts now, at
    /// log length `entered`.
    fn book(&self, begun: Begun, entered: usize) -> Book<'_> {
        let entered = entered as u64;
        Book {
            window: Window {
                begun: begun.0.min(entered),
                entered,
            },
            logged: &self.logged,
        }
    }

    /// Applies `command` at the clock's instant and logs it, after firing every pending
    /// timer due by that instant at its own instant. `follow_up` runs on the state right
    /// after each operation (still under the lock). The operation begins now.
    pub fn apply<C: Clock, F>(
        &self,
        clock: &C,
        command: Command,
        follow_up: impl FollowUp<S, F>,
    ) -> Applied<F> {
        self.apply_begun(self.begin(), clock, command, follow_up)
    }

    /// [`SharedEngine::apply`] for an operation its thread began at `begun`.
    pub fn apply_begun<C: Clock, F>(
        &self,
        begun: Begun,
        clock: &C,
        command: Command,
        mut follow_up: impl FollowUp<S, F>,
    ) -> Applied<F> {
        let mut state = self.lock();
        let book = self.book(begun, state.log.len());
        // Read the clock under the lock, so instants never go backwards in log order.
        let at = clock.now().max(state.driver.now());
        let fired = state.fire_due(at, Origin::TimerBeforeCommand, book, &mut follow_up);
        state.driver.advance_to(at);
        if self.locking == Locking::CheckThenAct {
            let snapshot = state.driver.engine().clone();
            drop(state);
            // Another thread may run here: that is the bug this variant plants. Its
            // changes are lost when the stale snapshot is written back.
            super::sync::thread::yield_now();
            state = self.lock();
            *state.driver.engine_mut() = snapshot;
        }
        let command = state.apply(&command, book, &mut follow_up);
        Applied { fired, command }
    }

    /// Fires, in (time, sequence) order, every pending timer due at or before `by`, each
    /// at its own due instant, with `follow_up` after each (under the lock). The firings
    /// begin now.
    pub fn fire_due<F>(&self, by: Millis, follow_up: impl FollowUp<S, F>) -> Vec<Op<F>> {
        self.fire_due_begun(self.begin(), by, follow_up)
    }

    /// [`SharedEngine::fire_due`] for firings their thread began at `begun`.
    pub fn fire_due_begun<F>(
        &self,
        begun: Begun,
        by: Millis,
        mut follow_up: impl FollowUp<S, F>,
    ) -> Vec<Op<F>> {
        let mut state = self.lock();
        let book = self.book(begun, state.log.len());
        state.fire_due(by, Origin::Timer, book, &mut follow_up)
    }

    /// The instant of the earliest pending timer.
    pub fn next_timer(&self) -> Option<Millis> {
        self.lock().driver.next_due()
    }

    /// Changes the engine's settings (refused once an order exists). Settings are not
    /// commands: a replay starts from the settings in force at the end.
    pub fn reconfigure(
        &self,
        change: impl FnOnce(&mut courier_sim::engine::EngineConfig),
    ) -> Result<(), courier_sim::engine::ConfigError> {
        self.lock().driver.engine_mut().reconfigure(change)
    }

    /// Orders neither delivered nor cancelled.
    pub fn live_orders(&self) -> u64 {
        self.lock().live_orders
    }

    /// Runs `f` on the engine under the lock.
    pub fn read<R>(&self, f: impl FnOnce(&Engine, &S) -> R) -> R {
        let state = self.lock();
        f(state.driver.engine(), &state.companion)
    }

    /// Runs `f` on the engine and the companion (mutable) under the lock.
    pub fn with_companion<R>(&self, f: impl FnOnce(&Engine, &mut S) -> R) -> R {
        let mut state = self.lock();
        let state = &mut *state;
        f(state.driver.engine(), &mut state.companion)
    }

    /// The final engine, companion, log and pending timers.
    pub fn into_parts(self) -> Parts<S> {
        let state = self
            .state
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (engine, pending) = state.driver.into_parts();
        Parts {
            engine,
            companion: state.companion,
            log: state.log,
            pending,
            lock: LockStats {
                acquisitions: self.acquisitions.load(Ordering::SeqCst),
                contended: self.contended.load(Ordering::SeqCst),
            },
        }
    }
}
