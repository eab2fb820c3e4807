//! The threads of a threaded run and their coordination. Workers take due tasks from one
//! timed queue: arrivals (placing the order, then queueing the next arrival), double-tap
//! repeats, and the actions of the behaviour model. Pickup deadlines are kept and fired by
//! the shared engine itself, at their own instants, before any command that reaches them
//! (see [`super::kernel`]); a dedicated timer thread waits on a second timed queue for each
//! deadline's instant and asks the engine to fire what is due, so deadlines also fire while
//! no command comes. Both queues wait on condition variables; nothing polls. The main
//! thread waits for the end, replays the log through the checker and writes the reports.
//!
//! How a run ends:
//! - finished: every arrival placed, every order ended, no work queued or in hand. The
//!   timers still pending (all of them no-ops by then) are fired, so the log holds every
//!   timer the run set, and the log is checked by replay.
//! - stalled: every arrival placed and nothing queued or in hand anywhere (no work, no
//!   deadline to wait for), yet orders are live. Nothing can ever end them: a broken rule,
//!   reported as a violation. This is known the moment it happens, so no time limit is
//!   needed to find it.
//! - lagging: the machine could not keep up with the time scale, so work was taken later
//!   than it was due. A run is never cut short for that: it finishes its queued work (which
//!   is finite: arrivals stop at the horizon and each order's actions are few) and its
//!   replay is checked like any run's. How late work ran is measured on every task; work
//!   taken the pickup deadline (at least a second) or more after it was due may have met a
//!   deadline fired that, at its own instant, had not: it has distorted what the scenario
//!   meant, and the run reports lag (see [`Lateness`]).
//!
//! The run's result and what it means for the user are in `ending.rs`; the summary counters
//! the log gives at once in `replay_reports.rs`. Each replayed operation is counted and
//! written by the same recorder as the virtual clock's (`sim::record`).

mod ending;
mod replay_reports;
#[cfg(test)]
mod tests;

pub use ending::{Ending, Lateness, Outcome};

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use super::check;
use super::kernel::{Clock, Locking, ManualClock, Op, Progress, SharedEngine, Step, TimedQueue, WallClock};
use super::log::Origin;
use super::scale::TimeScale;
use crate::engine::{Command, Engine, Event};
use crate::report::Reports;
use crate::scenario::Scenario;
use crate::sim::arrivals::{Arrival, Arrivals};
use crate::sim::behaviour::{Action, Behaviour};
use crate::sim::load::{arrivals, engine_config, onboarding, Progress as Ticks, RunError};
use crate::sim::record::{write_rows, Recorder};
use crate::time::Millis;
use replay_reports::counters_from_log;

/// The most orders a threaded run may expect: it keeps every order and every logged
/// operation in memory for its replay (about 1 KB an order in all).
pub const MAX_EXPECTED_ORDERS: f64 = 2_000_000.0;

/// How long one of `scenario`'s orders typically lives: it may wait up to the pickup
/// deadline, then keeps a driver busy for the mean busy time of
/// [`crate::scenario::check::estimate`]. The last orders placed live this long after the
/// horizon, so the default time scale covers it ([`TimeScale::default_for`]).
pub fn typical_order_life(scenario: &Scenario) -> Millis {
    let busy = crate::scenario::check::estimate(scenario).busy_per_order;
    // Whole seconds: it is an estimate, and it is shown.
    let busy = Millis(busy.as_ms().div_ceil(1000).saturating_mul(1000));
    // A meal first waits for the restaurant's answer and its kitchen.
    let kitchen = if scenario.is_food() {
        let r = scenario.food().restaurants;
        let mean = crate::scenario::check::mean_duration;
        Millis(
            mean(&r.confirm_delay.0)
                .as_ms()
                .saturating_add(mean(&r.prep.0).as_ms()),
        )
    } else {
        Millis::ZERO
    };
    scenario
        .pickup_deadline()
        .checked_add(busy)
        .and_then(|t| t.checked_add(kitchen))
        .unwrap_or(Millis(u64::MAX))
}

/// The time scale a run of `scenario` gets when none is asked for, and the virtual time it
/// is meant to cover: the horizon and a typical order's life after it.
pub fn default_scale(scenario: &Scenario) -> (TimeScale, Millis) {
    let horizon = scenario.horizon.0;
    let life = typical_order_life(scenario);
    let span = horizon.checked_add(life).unwrap_or(Millis(u64::MAX));
    (TimeScale::default_for(horizon, life), span)
}

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
}

impl Options {
    /// Correct locking.
    pub fn new(seed: u64, time_scale: TimeScale, threads: usize) -> Options {
        Options {
            seed,
            time_scale,
            threads,
            locking: Locking::Correct,
        }
    }
}

/// Work for the worker threads.
enum Task {
    Arrive(Arrival),
    Retry(Arrival),
    Act(Action),
}

/// Everything the threads share.
struct World<C> {
    shared: SharedEngine<Behaviour>,
    clock: C,
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
struct FollowUps {
    actions: Vec<(Millis, Action)>,
}

/// Runs `scenario` on real threads at its time scale, checks it, and (with `out`) writes
/// the reports. `ticks` hears of the virtual time now and then (a progress bar).
pub fn run(
    scenario: &Scenario,
    options: Options,
    out: Option<&Path>,
    ticks: &mut dyn Ticks,
) -> Result<Outcome, RunError> {
    prepare(scenario, out)?.run(options, ticks)
}

/// [`run`] on the clock `start_clock` starts (once everyone is onboarded).
pub fn run_on<C: Clock + Send>(
    scenario: &Scenario,
    options: Options,
    out: Option<&Path>,
    ticks: &mut dyn Ticks,
    start_clock: impl FnOnce() -> C,
) -> Result<Outcome, RunError> {
    prepare(scenario, out)?.run_on(options, ticks, start_clock)
}

/// A run whose refusals are behind it: the scenario is small enough and the report folder
/// (if any) is started. What a caller prints about the run can wait for this, so nothing is
/// announced that is then refused.
pub struct Prepared<'a> {
    scenario: &'a Scenario,
    reports: Option<Reports>,
}

/// Checks, before anything runs, what would refuse `scenario`: more than
/// [`MAX_EXPECTED_ORDERS`] expected orders, or a report folder `out` that holds someone's
/// files (or cannot be written); then starts the reports.
pub fn prepare<'a>(scenario: &'a Scenario, out: Option<&Path>) -> Result<Prepared<'a>, RunError> {
    if scenario.expected_orders() > MAX_EXPECTED_ORDERS {
        return Err(RunError::TooLarge(format!(
            "the threaded mode keeps every order and operation in memory for its replay check, \
             so it takes at most {MAX_EXPECTED_ORDERS:.0} expected orders; {} expects about {:.0} \
             (shorten the horizon or lower the rate)",
            scenario.name,
            scenario.expected_orders()
        )));
    }
    // The report folder is checked (and refused, if it holds someone's files) before the
    // run, not after it.
    let reports = match out {
        Some(dir) => Some(Reports::for_scenario(dir, scenario).map_err(RunError::Report)?),
        None => None,
    };
    Ok(Prepared { scenario, reports })
}

impl Prepared<'_> {
    /// Runs on the scaled wall clock (see [`run`]).
    pub fn run(self, options: Options, ticks: &mut dyn Ticks) -> Result<Outcome, RunError> {
        self.run_on(options, ticks, || WallClock::start(options.time_scale))
    }

    /// Runs on the clock `start_clock` starts (see [`run_on`]).
    pub fn run_on<C: Clock + Send>(
        self,
        options: Options,
        ticks: &mut dyn Ticks,
        start_clock: impl FnOnce() -> C,
    ) -> Result<Outcome, RunError> {
        run_prepared(self.scenario, self.reports, options, ticks, start_clock)
    }
}

fn run_prepared<C: Clock + Send>(
    scenario: &Scenario,
    mut reports: Option<Reports>,
    options: Options,
    ticks: &mut dyn Ticks,
    start_clock: impl FnOnce() -> C,
) -> Result<Outcome, RunError> {
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
        clock: start_clock(),
        work: TimedQueue::default(),
        wakeups: TimedQueue::default(),
        progress: Progress::default(),
        arrivals: Mutex::new(arrivals(scenario, options.seed)),
        arrivals_done: AtomicBool::new(false),
        tasks: AtomicU64::new(0),
        max_late_ms: AtomicU64::new(0),
        over_threshold: AtomicU64::new(0),
        threshold: Lateness::threshold_for(scenario.pickup_deadline()),
    };
    world.queue_next_arrival();
    let started = std::time::Instant::now();
    // The main thread wakes at least this often (in virtual time) to move the progress bar.
    let tick = options
        .time_scale
        .virtual_of(std::time::Duration::from_millis(250))
        .max(Millis(1));
    let mut stalled = false;
    std::thread::scope(|scope| {
        for _ in 0..options.threads.max(1) {
            scope.spawn(|| world.worker());
        }
        scope.spawn(|| world.timer_thread());
        stalled = world.wait_for_the_end(ticks, tick);
        world.work.close();
        world.wakeups.close();
    });
    let wall = started.elapsed();
    ticks.tick(world.clock.now());
    let lateness = Lateness {
        tasks: world.tasks.load(Ordering::SeqCst),
        max: Millis(world.max_late_ms.load(Ordering::SeqCst)),
        over_threshold: world.over_threshold.load(Ordering::SeqCst),
        threshold: world.threshold,
    };
    if !stalled {
        // Every order has ended, so the timers still pending are no-ops; firing them (at
        // their own instants) leaves no timer of the run unaccounted for in the log.
        world.shared.fire_due(Millis(u64::MAX), |_, _, _| ());
    }
    let parts = world.shared.into_parts();
    let (engine, behaviour, log) = (parts.engine, parts.companion, parts.log);

    let mut recorder = Recorder::new(counters_from_log(scenario.horizon.0, &log, behaviour.no_shows));
    let mut report_error = None;
    let checked = check::Run {
        config: &config,
        log: &log,
        engine: &engine,
        pending: &parts.pending,
    };
    // Each operation is counted and written as it replays, not as it ran live, so the
    // reports describe it exactly as the checker saw it, and as the virtual clock would.
    let mut verdict = check::check(checked, |_, replay, step| {
        recorder.count(replay, step);
        if let (Some(r), None) = (reports.as_mut(), &report_error) {
            if let Err(e) = write_rows(r, replay, step) {
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
    let mut stats = recorder.stats;
    for order in engine.orders() {
        stats.record_finished(order);
    }
    let summary = crate::report::summary_rows(scenario, options.seed, &engine, &stats);
    if let Some(mut r) = reports {
        for order in engine.orders() {
            r.order(&engine, order).map_err(RunError::Report)?;
        }
        r.finish(&engine, &stats, &summary).map_err(RunError::Report)?;
    }
    Ok(Outcome {
        verdict,
        summary,
        engine,
        log,
        stalled,
        lateness,
        wall,
    })
}

impl<C: Clock> World<C> {
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
            self.record_lateness(due);
            match task {
                Task::Arrive(a) => {
                    self.queue_next_arrival();
                    self.place(&a);
                    if let Some(delay) = a.retry_after {
                        let at = self.clock.now().checked_add(delay).unwrap_or(Millis(u64::MAX));
                        self.push_work(at, Task::Retry(a));
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
            let fired = self.shared.fire_due(self.clock.now(), |engine, behaviour, step| {
                follow_ups(engine, behaviour, step, None)
            });
            for op in fired {
                self.schedule(op);
            }
            self.wakeups.done();
            self.progress.finish();
        }
    }

    fn place(&self, a: &Arrival) {
        self.apply(a.command(), Some(a.index));
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
