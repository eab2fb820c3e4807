//! The threads of a threaded run and their coordination. Workers take due tasks from one
//! timed queue: arrivals (placing the order, then queueing the next arrival), double-tap
//! repeats, and the actions of the behaviour model. Pickup deadlines are kept and fired by
//! the shared engine itself, at their own instants, before any command that reaches them
//! (see [`super::kernel`]); a dedicated timer thread waits on a second timed queue for each
//! deadline's instant and asks the engine to fire what is due, so deadlines also fire while
//! no command comes. Both queues wait on condition variables; nothing polls. The main thread waits for the end (every arrival placed,
//! every order ended, no work queued or in hand), closes the queues, replays the log
//! through the checker and writes the reports.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use super::check::{self, Verdict};
use super::kernel::{Clock, Locking, ManualClock, Op, Progress, SharedEngine, Step, TimedQueue, WallClock};
use super::log::{LogEntry, Origin};
use super::scale::TimeScale;
use crate::engine::{Command, CustomerId, Engine, Event, ItemId, OrderId, Refusal};
use crate::notify;
use crate::report::{ReportError, Reports, Stats};
use crate::scenario::Scenario;
use crate::sim::arrivals::{Arrival, Arrivals};
use crate::sim::behaviour::{Action, Behaviour};
use crate::sim::load::{arrivals, engine_config, onboarding, RunError};
use crate::time::Millis;

/// Settings of a threaded run.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Seed of every random stream.
    pub seed: u64,
    /// Virtual milliseconds per wall millisecond.
    pub time_scale: TimeScale,
    /// Worker threads.
    pub threads: usize,
    /// The locking of the shared engine (broken only in mutation tests).
    pub locking: Locking,
    /// Virtual time after the horizon at which a run with orders still live is declared
    /// stalled and stopped (a sound run ends within minutes of the horizon).
    pub stall_after: Millis,
}

impl Options {
    /// Correct locking and a six-hour stall limit.
    pub fn new(seed: u64, time_scale: TimeScale, threads: usize) -> Options {
        Options {
            seed,
            time_scale,
            threads,
            locking: Locking::Correct,
            stall_after: Millis::from_secs(6 * 3600),
        }
    }
}

/// What a threaded run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The checker's verdict.
    pub verdict: Verdict,
    /// `(metric, value)` rows of `summary.csv`.
    pub summary: Vec<(String, String)>,
    /// The final engine.
    pub engine: Engine,
    /// Every operation, in the order it took effect.
    pub log: Vec<LogEntry>,
    /// Whether the run had to be stopped because it made no progress.
    pub stalled: bool,
    /// Wall time of the threaded part.
    pub wall: std::time::Duration,
}

/// Work for the worker threads.
enum Task {
    Arrive(Arrival),
    Retry(Arrival),
    Act(Action),
}

/// Everything the threads share.
struct World {
    shared: SharedEngine<Behaviour>,
    clock: WallClock,
    work: TimedQueue<Task>,
    /// One wake-up per deadline set, at its instant, for the timer thread.
    wakeups: TimedQueue<()>,
    progress: Progress,
    arrivals: Mutex<Arrivals>,
    arrivals_done: AtomicBool,
}

/// Follow-ups of one operation, computed under the engine lock.
struct FollowUps {
    actions: Vec<(Millis, Action)>,
}

/// Runs `scenario` on real threads, checks it, and (with `out`) writes the reports.
pub fn run(scenario: &Scenario, options: Options, out: Option<&Path>) -> Result<Outcome, RunError> {
    let config = engine_config(scenario, options.seed);
    let engine = Engine::new(config.clone()).map_err(|e| RunError::Internal(e.to_string()))?;
    let shared = SharedEngine::new(engine, Behaviour::new(scenario, options.seed), options.locking);
    // Onboarding happens before the threads start, at time 0, and is logged like the rest.
    for command in onboarding(scenario, options.seed) {
        let applied = shared.apply(&ManualClock::default(), command, |_, _, _| ());
        applied
            .command
            .result
            .map_err(|r| RunError::Internal(format!("onboarding refused: {r}")))?;
    }
    let world = World {
        shared,
        clock: WallClock::start(options.time_scale),
        work: TimedQueue::default(),
        wakeups: TimedQueue::default(),
        progress: Progress::default(),
        arrivals: Mutex::new(arrivals(scenario, options.seed)),
        arrivals_done: AtomicBool::new(false),
    };
    world.queue_next_arrival();
    let started = std::time::Instant::now();
    // Past this virtual instant the run is declared stalled rather than waited on forever.
    let limit = scenario
        .horizon
        .0
        .checked_add(options.stall_after)
        .unwrap_or(Millis(u64::MAX));
    let mut stalled = false;
    std::thread::scope(|scope| {
        for _ in 0..options.threads.max(1) {
            scope.spawn(|| world.worker());
        }
        scope.spawn(|| world.timer_thread());
        let finished = world.progress.wait_until(&world.clock, limit, || {
            world.arrivals_done.load(Ordering::SeqCst)
                && world.shared.live_orders() == 0
                && world.work.is_idle()
        });
        stalled = !finished;
        world.work.close();
        world.wakeups.close();
    });
    let wall = started.elapsed();
    if !stalled {
        // Every order has ended, so the timers still pending are no-ops; firing them (at
        // their own instants) leaves no timer of the run unaccounted for in the log.
        world.shared.fire_due(Millis(u64::MAX), |_, _, _| ());
    }
    let parts = world.shared.into_parts();
    let (engine, behaviour, log) = (parts.engine, parts.companion, parts.log);

    let mut stats = Stats::default();
    stats.events_processed = log.len() as u64;
    stats.no_shows = behaviour.no_shows;
    // As in `run`: the run lasts until the last operation that did something, not until
    // a deadline timer of an order long delivered.
    let idle_timer = |e: &&LogEntry| {
        matches!(
            e.result,
            Ok(crate::engine::Reply::DeadlineExpired { cancelled: false })
        )
    };
    stats.sim_end_ms = log
        .iter()
        .rev()
        .find(|e| !idle_timer(e))
        .map_or(0, |e| e.at.as_ms());
    let mut reports = match out {
        Some(dir) => Some(
            Reports::create(dir, scenario.report.events, scenario.report.notifications)
                .map_err(RunError::Report)?,
        ),
        None => None,
    };
    let mut report_error = None;
    let checked = check::Run {
        config: &config,
        log: &log,
        engine: &engine,
        pending: &parts.pending,
    };
    let mut verdict = check::check(checked, |entry, replay, outcome| {
        count(&mut stats, &entry.command, outcome, replay);
        if let (Some(r), None) = (reports.as_mut(), &report_error) {
            if let Err(e) = report_operation(r, entry, replay, outcome) {
                report_error = Some(e);
            }
        }
    });
    // A load run ends when every order has: one still live means the run was cut short.
    let live = engine.orders().iter().filter(|o| !o.status.is_final()).count();
    if live > 0 {
        verdict.violation(format!("{live} orders were still live when the run ended"));
    }
    if let Some(e) = report_error {
        return Err(RunError::Report(e));
    }
    for order in engine.orders() {
        stats.record_finished(order);
    }
    let summary = crate::report::summary_rows(scenario, options.seed, &engine, &stats);
    if let Some(mut r) = reports {
        for order in engine.orders() {
            r.order(&engine, order).map_err(RunError::Report)?;
        }
        r.finish(&engine, &summary, Millis(stats.sim_end_ms))
            .map_err(RunError::Report)?;
    }
    Ok(Outcome {
        verdict,
        summary,
        engine,
        log,
        stalled,
        wall,
    })
}

impl World {
    fn queue_next_arrival(&self) {
        let next = self.arrivals.lock().unwrap_or_else(|p| p.into_inner()).next();
        match next {
            Some(a) => self.work.push(a.at, Task::Arrive(a)),
            None => self.arrivals_done.store(true, Ordering::SeqCst),
        }
    }

    fn worker(&self) {
        while let Some((_, task)) = self.work.pop_due(&self.clock) {
            match task {
                Task::Arrive(a) => {
                    self.queue_next_arrival();
                    self.place(&a);
                    if let Some(delay) = a.retry_after {
                        let at = self.clock.now().checked_add(delay).unwrap_or(Millis(u64::MAX));
                        self.work.push(at, Task::Retry(a));
                    }
                }
                Task::Retry(a) => self.place(&a),
                Task::Act(action) => {
                    if let Ok(command) = self.shared.read(|engine, _| action.command(engine)) {
                        self.apply(command, None);
                    }
                }
            }
            self.work.done();
            self.progress.bump();
        }
    }

    /// Waits for each deadline's instant and asks the engine to fire what is due by now
    /// (possibly nothing: a command may have reached it first).
    fn timer_thread(&self) {
        while self.wakeups.pop_due(&self.clock).is_some() {
            let fired = self.shared.fire_due(self.clock.now(), |engine, behaviour, step| {
                follow_ups(engine, behaviour, step, None)
            });
            for op in fired {
                self.schedule(op);
            }
            self.wakeups.done();
            self.progress.bump();
        }
    }

    fn place(&self, a: &Arrival) {
        let key = a.retry_after.map(|_| format!("tap-{}", a.index + 1));
        let command = Command::PlaceOrder {
            sender: CustomerId(a.sender),
            recipient: CustomerId(a.recipient),
            item: ItemId(a.item),
            key,
        };
        self.apply(command, Some(a.index));
    }

    /// Applies a command to the shared engine (after the deadlines due by its instant) and
    /// queues what follows from each operation.
    fn apply(&self, command: Command, arrival: Option<u64>) {
        let applied = self
            .shared
            .apply(&self.clock, command, |engine, behaviour, step| {
                follow_ups(engine, behaviour, step, arrival)
            });
        for op in applied.into_ops() {
            self.schedule(op);
        }
    }

    /// Queues an operation's timers (for the timer thread) and its follow-up actions.
    fn schedule(&self, op: Op<FollowUps>) {
        for timer in &op.effects.timers {
            self.wakeups.push(timer.at, ());
        }
        for (at, action) in op.follow_up.actions {
            self.work.push(at, Task::Act(action));
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
            actions.extend(behaviour.on_created(*order, index, step.at));
        }
    }
    FollowUps { actions }
}

/// Takes one replayed operation into the summary counters.
fn count(
    stats: &mut Stats,
    command: &Command,
    outcome: Result<&crate::engine::Outcome, Refusal>,
    engine: &Engine,
) {
    let outcome = match (command, outcome) {
        (_, Ok(outcome)) => outcome,
        (Command::Pickup { .. }, Err(Refusal::OrderCancelled)) => return stats.pickup_refused_cancelled += 1,
        (Command::CancelOrder { .. }, Err(Refusal::AlreadyPickedUp)) => {
            return stats.cancel_refused_picked_up += 1
        }
        (Command::CancelOrder { .. }, Err(Refusal::AlreadyDelivered)) => {
            return stats.cancel_refused_delivered += 1
        }
        (_, Err(_)) => return,
    };
    for event in &outcome.events {
        match event {
            Event::Placed(_) => stats.orders_placed += 1,
            Event::DuplicatePrevented(_) => stats.duplicates_prevented += 1,
            Event::Rated(..) => stats.ratings += 1,
            _ => {}
        }
    }
    for notice in &outcome.notices {
        stats.notifications_sent += notify::channel_count(engine, notice.to) as u64;
    }
}

fn report_operation(
    reports: &mut Reports,
    entry: &LogEntry,
    engine: &Engine,
    outcome: Result<&crate::engine::Outcome, Refusal>,
) -> Result<(), ReportError> {
    let at = entry.at;
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(refusal) => {
            let detail = format!("{}:{refusal}", entry.command.name());
            let driver = entry
                .command
                .driver()
                .map_or("", |d| engine.drivers()[d.index()].name.as_str());
            return reports.event(at, "refused", entry.command.order(), driver, &detail);
        }
    };
    if reports.wants_events() {
        for event in &outcome.events {
            let (kind, order, driver, detail): (&str, OrderId, _, String) = match *event {
                Event::Placed(o) => ("placed", o, None, String::new()),
                Event::DuplicatePrevented(o) => ("duplicate", o, None, String::new()),
                Event::Assigned(o, d) => ("assigned", o, Some(d), String::new()),
                Event::PickedUp(o, d) => ("picked_up", o, Some(d), String::new()),
                Event::Delivered(o, d) => ("delivered", o, Some(d), String::new()),
                Event::Cancelled(o, d, reason) => ("cancelled", o, d, reason.as_str().to_string()),
                Event::Rated(o, d, stars) => ("rated", o, Some(d), stars.to_string()),
            };
            let driver = driver.map_or("", |d| engine.drivers()[d.index()].name.as_str());
            reports.event(at, kind, Some(order), driver, &detail)?;
        }
    }
    if reports.wants_notifications() {
        for notice in &outcome.notices {
            for delivery in notify::deliveries(engine, at, notice) {
                reports.notification(&delivery)?;
            }
        }
    }
    Ok(())
}
