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
//!   taken later than the pickup deadline (at least a second) after it was due has
//!   distorted what the scenario meant, and the run reports lag (see [`Lateness`]).

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
use crate::sim::load::{arrivals, engine_config, onboarding, Progress as Ticks, RunError};
use crate::time::Millis;

/// The most orders a threaded run may expect: it keeps every order and every logged
/// operation in memory for its replay (about 1 KB an order in all), and at the default time
/// scale its arrivals last about 20 s.
pub const MAX_EXPECTED_ORDERS: f64 = 2_000_000.0;

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

/// How late the worker threads took their work, in virtual time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lateness {
    /// Tasks taken (arrivals, repeats, drivers' and customers' actions).
    pub tasks: u64,
    /// The latest any task was taken after the instant it was due.
    pub max: Millis,
    /// Tasks taken more than `threshold` after they were due.
    pub over_threshold: u64,
    /// How late is too late: the scenario's pickup deadline, and at least a second. A task
    /// that late may meet a world its instant never saw (its order cancelled by the
    /// deadline, its driver gone), so the run no longer plays the scenario it was given.
    pub threshold: Millis,
}

impl Lateness {
    /// Whether the machine could not keep up: some task ran later than the threshold.
    pub fn lagged(&self) -> bool {
        self.over_threshold > 0
    }
}

/// What a run's result means for its user (the binary maps it to an exit code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The run passed its check and kept up with its time scale.
    Passed,
    /// The run passed its check, but the machine could not keep up with the time scale.
    Lagged,
    /// A violation: the replay differed, an invariant broke, or the run stalled.
    Failed,
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
    /// Whether the run froze with orders live: nothing queued or in hand could end them.
    pub stalled: bool,
    /// How late the work was taken.
    pub lateness: Lateness,
    /// Wall time of the threaded part.
    pub wall: std::time::Duration,
}

impl Outcome {
    /// Failed on any violation (a stall is one); else lagged if work ran too late; else
    /// passed.
    pub fn ending(&self) -> Ending {
        if !self.verdict.passed() || self.stalled {
            Ending::Failed
        } else if self.lateness.lagged() {
            Ending::Lagged
        } else {
            Ending::Passed
        }
    }

    /// Says how late work ran under `scale` and what to do about it.
    pub fn lag_message(&self, scale: TimeScale) -> String {
        let l = &self.lateness;
        let suggestion = round_figure(suggest_scale(scale, l.threshold, l.max));
        format!(
            "the machine could not keep up with time scale {scale}: work ran up to {} late in virtual time \
             ({:.1?} of wall time); {} of {} tasks ran more than the {} pickup deadline after they were due, \
             so the run did not follow the scenario's timing (the replay check holds for the operations as \
             they ran); lower --time-scale (try {suggestion})",
            l.max,
            scale.wall_uncapped(l.max),
            l.over_threshold,
            l.tasks,
            l.threshold,
        )
    }
}

/// A time scale at which work that ran `max` late would have run within half of
/// `threshold`, in round figures and within the bounds.
fn suggest_scale(scale: TimeScale, threshold: Millis, max: Millis) -> f64 {
    let factor = threshold.as_ms() as f64 / max.as_ms().max(1) as f64 / 2.0;
    let target = (scale.get() * factor.min(0.5)).max(TimeScale::MIN);
    // Two significant figures.
    let magnitude = 10f64.powf(target.log10().floor() - 1.0);
    ((target / magnitude).floor() * magnitude).max(TimeScale::MIN)
}

/// `x` with at most four decimals and no trailing zeros (`3000`, `0.25`).
fn round_figure(x: f64) -> String {
    let text = format!("{x:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
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
    run_on(scenario, options, out, ticks, || {
        WallClock::start(options.time_scale)
    })
}

/// [`run`] on the clock `start_clock` starts (once everyone is onboarded).
pub fn run_on<C: Clock + Send>(
    scenario: &Scenario,
    options: Options,
    out: Option<&Path>,
    ticks: &mut dyn Ticks,
    start_clock: impl FnOnce() -> C,
) -> Result<Outcome, RunError> {
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
    let mut reports = match out {
        Some(dir) => Some(
            Reports::create(dir, scenario.report.events, scenario.report.notifications)
                .map_err(RunError::Report)?,
        ),
        None => None,
    };
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
        threshold: scenario.dispatch.pickup_deadline.0.max(Millis::from_secs(1)),
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

    let mut stats = Stats::new(scenario.horizon.0);
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
        if late > self.threshold {
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
    entry: &super::log::LogEntry,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::CancelReason;
    use crate::threaded::sync::{Condvar, MutexGuard};
    use std::time::Duration;

    /// A machine that cannot keep up, made deterministic: each read of the clock finds it
    /// `step` later than the read before, so every task is taken at least `step` after it
    /// was due, however the threads are scheduled.
    struct SteppingClock {
        reads: AtomicU64,
        step: u64,
    }

    impl Clock for SteppingClock {
        fn now(&self) -> Millis {
            Millis(
                self.reads
                    .fetch_add(1, Ordering::SeqCst)
                    .saturating_mul(self.step),
            )
        }

        fn wait<'a, T>(
            &self,
            cv: &Condvar,
            guard: MutexGuard<'a, T>,
            until: Option<Millis>,
        ) -> MutexGuard<'a, T> {
            match until {
                Some(_) => cv
                    .wait_timeout(guard, Duration::from_millis(1))
                    .map(|(g, _)| g)
                    .unwrap_or_else(|p| p.into_inner().0),
                None => cv.wait(guard).unwrap_or_else(|p| p.into_inner()),
            }
        }
    }

    const LOAD: &str = r#"
name = "lag"
horizon = "5m"
[fleet]
drivers = 3
[demand]
customers = 20
rate = "20/m"
[behavior]
pickup_delay = "exp(20s)"
delivery_time = "exp(30s)"
cancel = { probability = 0.1, after = "uniform(0s, 60s)" }
"#;

    /// Regression (defect B): a run whose machine could not keep up was cut at a time limit
    /// with orders live and reported invented rule violations (exit 1). Now it finishes its
    /// work, its replay is checked, and it reports lag, not a violation.
    #[test]
    fn a_lagging_run_finishes_its_work_passes_its_check_and_says_lower_the_time_scale() {
        let scenario = crate::scenario::parse("lag.toml", LOAD).unwrap();
        let scale = TimeScale::new(1000.0).unwrap();
        let options = Options::new(1, scale, 4);
        let clock = || SteppingClock {
            reads: AtomicU64::new(0),
            step: 90_000,
        };
        let outcome = run_on(&scenario, options, None, &mut (), clock).unwrap();
        assert!(outcome.verdict.passed(), "{:#?}", outcome.verdict.violations);
        assert!(!outcome.stalled);
        assert!(outcome.verdict.orders > 0);
        assert!(outcome.engine.orders().iter().all(|o| o.status.is_final()));
        assert!(outcome.lateness.lagged(), "{:?}", outcome.lateness);
        assert!(outcome.lateness.max >= Millis(90_000), "{:?}", outcome.lateness);
        assert_eq!(outcome.lateness.threshold, Millis::from_secs(60));
        assert_eq!(outcome.ending(), Ending::Lagged);
        let message = outcome.lag_message(scale);
        assert!(message.contains("lower --time-scale (try "), "{message}");
        assert!(
            message.contains("could not keep up with time scale 1000"),
            "{message}"
        );
        assert!(!message.contains("violation"), "{message}");
        // Even so, every deadline took effect at its own instant.
        for order in outcome.engine.orders() {
            if order.cancel_reason == Some(CancelReason::NoPickup) {
                assert_eq!(
                    order.cancelled_at,
                    order.created_at.checked_add(Millis::from_secs(60))
                );
            }
        }
    }

    fn outcome(verdict_passes: bool, stalled: bool, late_tasks: u64) -> Outcome {
        let mut verdict = Verdict {
            replay_identical: true,
            ..Verdict::default()
        };
        if !verdict_passes {
            verdict.violation("a replay mismatch".into());
        }
        Outcome {
            verdict,
            summary: Vec::new(),
            engine: Engine::default(),
            log: Vec::new(),
            stalled,
            lateness: Lateness {
                tasks: 10,
                max: Millis::from_secs(if late_tasks > 0 { 100 } else { 1 }),
                over_threshold: late_tasks,
                threshold: Millis::from_secs(60),
            },
            wall: Duration::ZERO,
        }
    }

    #[test]
    fn a_violation_or_a_stall_fails_whatever_the_lag_and_lag_alone_is_not_a_failure() {
        assert_eq!(outcome(true, false, 0).ending(), Ending::Passed);
        assert_eq!(outcome(true, false, 3).ending(), Ending::Lagged);
        assert_eq!(outcome(false, false, 3).ending(), Ending::Failed);
        assert_eq!(outcome(true, true, 0).ending(), Ending::Failed);
        assert_eq!(outcome(true, true, 3).ending(), Ending::Failed);
    }

    #[test]
    fn the_suggested_scale_is_round_and_within_the_bounds() {
        let scale = |x| TimeScale::new(x).unwrap();
        // Work 100 s late against a 60 s threshold at 20000: at most 20000 × 0.3 = 6000.
        assert_eq!(
            suggest_scale(scale(20_000.0), Millis::from_secs(60), Millis::from_secs(100)),
            6000.0
        );
        assert_eq!(
            suggest_scale(scale(7200.0), Millis::from_secs(60), Millis::from_secs(3600)),
            60.0
        );
        assert_eq!(
            suggest_scale(scale(0.01), Millis::from_secs(60), Millis(u64::MAX)),
            TimeScale::MIN
        );
        assert!(suggest_scale(scale(1_000_000.0), Millis::from_secs(60), Millis(61_000)) <= 500_000.0);
        let noisy = suggest_scale(scale(0.3), Millis::from_secs(60), Millis::from_secs(80));
        assert_eq!(round_figure(noisy), "0.11");
        assert_eq!(round_figure(3000.0), "3000");
    }
}
