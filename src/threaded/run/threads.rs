//! The threads of a threaded run and their coordination. Workers take due tasks from one
//! timed queue: arrivals (placing the order, then queueing the next arrival), double-tap
//! repeats, and the actions of the behaviour model (a meal's restaurant answer and kitchen
//! moves, drivers' pickups and deliveries, customers' cancellations and ratings). Pickup
//! deadlines are kept and fired by the shared engine itself, at their own instants, before
//! any command that reaches them (see [`crate::threaded::kernel`]); a dedicated timer
//! thread waits on a second timed queue for each deadline's instant and asks the engine to
//! fire what is due, so deadlines (a parcel's cancellation, a meal's unassignment and
//! re-dispatch) also take effect while no command comes. Whatever an operation leads to
//! (the behaviour model's next actions, the timers it set) is computed under the engine's
//! lock and queued by the thread that applied it, be it a worker or the timer thread.
//! Both queues wait on condition variables; nothing polls.
//!
//! How the threads end (the main thread waits for it, see [`World::run_threads`]):
//! - finished: every arrival placed, every order ended, no work queued or in hand;
//! - stalled: every arrival placed and nothing queued or in hand anywhere (no work, no
//!   deadline to wait for), yet orders are live. Nothing can ever end them: a broken rule.
//!   This is known the moment it happens, so no time limit is needed to find it.
//!
//! Lag never ends a run early; each task's lateness is measured here ([`Lateness`]).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use super::Lateness;
use crate::engine::{Command, Engine, Event};
use crate::sim::arrivals::{Arrival, Arrivals};
use crate::sim::behaviour::{Action, Behaviour};
use crate::sim::load::Progress as Ticks;
use crate::threaded::kernel::{Begun, Clock, Op, Progress, SharedEngine, Step, TimedQueue};
use crate::threaded::log::Origin;
use crate::time::Millis;

/// Work for the worker threads.
enum Task {
    Arrive(Arrival),
    Retry(Arrival),
    Act(Action),
}

/// Everything the threads share.
pub(super) struct World<C> {
    pub(super) shared: SharedEngine<Behaviour>,
    pub(super) clock: C,
    work: TimedQueue<Task>,
    /// One wake-up per deadline set, at its instant, for the timer thread.
    wakeups: TimedQueue<()>,
    progress: Progress,
    arrivals: Mutex<Arrivals>,
    arrivals_done: AtomicBool,
    tasks: AtomicU64,
    max_late_ms: AtomicU64,
    over_threshold: AtomicU64,
    threshold: Millis,
}

/// Follow-ups of one operation, computed under the engine lock.
pub(super) struct FollowUps {
    actions: Vec<(Millis, Action)>,
}

impl<C: Clock> World<C> {
    /// The threads' shared state: `shared` (onboarded), the clock they go by, the arrivals
    /// to place, and how late is too late (`threshold`).
    pub(super) fn new(
        shared: SharedEngine<Behaviour>,
        clock: C,
        arrivals: Arrivals,
        threshold: Millis,
    ) -> Self {
        World {
            shared,
            clock,
            work: TimedQueue::default(),
            wakeups: TimedQueue::default(),
            progress: Progress::default(),
            arrivals: Mutex::new(arrivals),
            arrivals_done: AtomicBool::new(false),
            tasks: AtomicU64::new(0),
            max_late_ms: AtomicU64::new(0),
            over_threshold: AtomicU64::new(0),
            threshold,
        }
    }

    /// Runs `threads` workers and the timer thread until the run has finished (false) or
    /// stalled (true); the calling thread waits, ticking `ticks` at least every `tick` of
    /// virtual time.
    pub(super) fn run_threads(&self, threads: usize, ticks: &mut dyn Ticks, tick: Millis) -> bool {
        self.queue_next_arrival();
        let mut stalled = false;
        std::thread::scope(|scope| {
            for _ in 0..threads.max(1) {
                scope.spawn(|| self.worker());
            }
            scope.spawn(|| self.timer_thread());
            stalled = self.wait_for_the_end(ticks, tick);
            self.work.close();
            self.wakeups.close();
        });
        stalled
    }

    /// How late the workers took their work.
    pub(super) fn lateness(&self) -> Lateness {
        Lateness {
            tasks: self.tasks.load(Ordering::SeqCst),
            max: Millis(self.max_late_ms.load(Ordering::SeqCst)),
            over_threshold: self.over_threshold.load(Ordering::SeqCst),
            threshold: self.threshold,
        }
    }

    /// Waits until the run has finished (false) or stalled (true), ticking `ticks`.
    fn wait_for_the_end(&self, ticks: &mut dyn Ticks, tick: Millis) -> bool {
        loop {
            let seen = self.progress.generation();
            if self.arrivals_done.load(Ordering::SeqCst) {
                if self.shared.live_orders() == 0 && self.work.is_idle() {
                    return false;
                }
                if self.progress.outstanding() == 0 {
                    // Frozen: no thread holds or can be handed any work, so no order can
                    // change again. Live orders now are live forever.
                    return self.shared.live_orders() > 0;
                }
            }
            let now = self.clock.now();
            ticks.tick(now);
            let until = now.checked_add(tick).unwrap_or(Millis(u64::MAX));
            self.progress.wait_for_change(&self.clock, seen, until);
        }
    }

    fn push_work(&self, at: Millis, task: Task) {
        self.progress.add();
        self.work.push(at, task);
    }

    fn queue_next_arrival(&self) {
        let next = self.arrivals.lock().unwrap_or_else(|p| p.into_inner()).next();
        match next {
            Some(a) => self.push_work(a.at, Task::Arrive(a)),
            None => self.arrivals_done.store(true, Ordering::SeqCst),
        }
    }

    fn worker(&self) {
        while let Some((due, task)) = self.work.pop_due(&self.clock) {
            // The operation starts here: whatever takes effect from now until this thread
            // holds the engine's lock is in its window.
            let begun = self.shared.begin();
            self.record_lateness(due);
            match task {
                Task::Arrive(a) => {
                    self.queue_next_arrival();
                    self.place(begun, &a);
                    if let Some(delay) = a.retry_after {
                        let at = self.clock.now().checked_add(delay).unwrap_or(Millis(u64::MAX));
                        self.push_work(at, Task::Retry(a));
                    }
                }
                Task::Retry(a) => self.place(begun, &a),
                Task::Act(action) => {
                    if let Ok(command) = self.shared.read(|engine, _| action.command(engine)) {
                        self.apply(begun, command, None);
                    }
                }
            }
            self.work.done();
            self.progress.finish();
        }
    }

    fn record_lateness(&self, due: Millis) {
        let late = self.clock.now().saturating_sub(due);
        self.tasks.fetch_add(1, Ordering::SeqCst);
        self.max_late_ms.fetch_max(late.as_ms(), Ordering::SeqCst);
        if late >= self.threshold {
            self.over_threshold.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Waits for each deadline's instant and asks the engine to fire what is due by now
    /// (possibly nothing: a command may have reached it first).
    fn timer_thread(&self) {
        while self.wakeups.pop_due(&self.clock).is_some() {
            let begun = self.shared.begin();
            let fired = self
                .shared
                .fire_due_begun(begun, self.clock.now(), |engine, behaviour, step| {
                    follow_ups(engine, behaviour, step, None)
                });
            for op in fired {
                self.schedule(op);
            }
            self.wakeups.done();
            self.progress.finish();
        }
    }

    fn place(&self, begun: Begun, a: &Arrival) {
        self.apply(begun, a.command(), Some(a.index));
    }

    /// Applies a command begun at `begun` to the shared engine (after the deadlines due by
    /// its instant) and queues what follows from each operation.
    fn apply(&self, begun: Begun, command: Command, arrival: Option<u64>) {
        let applied = self
            .shared
            .apply_begun(begun, &self.clock, command, |engine, behaviour, step| {
                follow_ups(engine, behaviour, step, arrival)
            });
        for op in applied.into_ops() {
            self.schedule(op);
        }
    }

    /// Queues an operation's timers (for the timer thread) and its follow-up actions.
    fn schedule(&self, op: Op<FollowUps>) {
        for timer in &op.effects.timers {
            self.progress.add();
            self.wakeups.push(timer.at, ());
        }
        for (at, action) in op.follow_up.actions {
            self.push_work(at, Task::Act(action));
        }
    }
}

/// What the behaviour model does next after one operation (computed under the lock).
/// `arrival` is the arrival number of a placement command.
fn follow_ups(
    engine: &Engine,
    behaviour: &mut Behaviour,
    step: &Step<'_>,
    arrival: Option<u64>,
) -> FollowUps {
    let mut actions = Vec::new();
    for event in &step.effects.events {
        actions.extend(behaviour.on_event(engine, step.at, event));
        if let (Event::Placed(order), Some(index), Origin::Command) = (event, arrival, step.origin) {
            actions.extend(behaviour.on_created(*order, index, step.at).into_iter().flatten());
        }
    }
    FollowUps { actions }
}
