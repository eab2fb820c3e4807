//! A threaded run of a scenario (SPEC §7), parcel or food: what it is given ([`Options`],
//! the default time scale), what refuses it before it starts ([`prepare`]), and what
//! happens once the threads are done: the pending no-op timers are fired, the log is
//! checked by replay, and the reports are written.
//!
//! How a run ends:
//! - finished: every arrival placed, every order ended, no work queued or in hand. The
//!   timers still pending (all of them no-ops by then) are fired, so the log holds every
//!   timer the run set, and the log is checked by replay.
//! - stalled: nothing queued or in hand anywhere, yet orders are live (see `threads.rs`):
//!   reported as a violation. The rules themselves leave a meal live for ever when every
//!   driver has failed its pickup (none may take it again): a run frozen with only such
//!   meals live has ended, and counts them as stranded, as the virtual clock does.
//! - lagging: the machine could not keep up with the time scale, so work was taken later
//!   than it was due. A run is never cut short for that: it finishes its queued work (which
//!   is finite: arrivals stop at the horizon and each order's actions are few) and its
//!   replay is checked like any run's. How late work ran is measured on every task; work
//!   taken the pickup deadline (at least a second) or more after it was due may have met a
//!   deadline fired that, at its own instant, had not: it has distorted what the scenario
//!   meant, and the run reports lag (see [`Lateness`]).
//!
//! The threads themselves are in `threads.rs`; the run's result and what it means for the
//! user in `ending.rs`; the summary counters the log gives at once in `replay_reports.rs`.
//! Each replayed operation is counted and written by the same recorder as the virtual
//! clock's (`sim::record`).

mod ending;
mod replay_reports;
#[cfg(test)]
mod tests;
mod threads;

pub use ending::{Ending, Lateness, Outcome};

use std::path::Path;

use super::check;
use super::kernel::{Clock, Locking, ManualClock, SharedEngine, WallClock};
use super::scale::TimeScale;
use crate::engine::Engine;
use crate::report::Reports;
use crate::scenario::Scenario;
use crate::sim::behaviour::Behaviour;
use crate::sim::load::{arrivals, engine_config, onboarding, Progress as Ticks, RunError};
use crate::sim::record::{write_rows, Recorder};
use crate::time::Millis;
use replay_reports::counters_from_log;
use threads::World;

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
    let threshold = Lateness::threshold_for(scenario.pickup_deadline());
    let world = World::new(shared, start_clock(), arrivals(scenario, options.seed), threshold);
    let started = std::time::Instant::now();
    // The main thread wakes at least this often (in virtual time) to move the progress bar.
    let tick = options
        .time_scale
        .virtual_of(std::time::Duration::from_millis(250))
        .max(Millis(1));
    let froze = world.run_threads(options.threads, ticks, tick);
    // Frozen with nothing live but stranded meals is how such a run ends, as on the
    // virtual clock: only a frozen run with another order live has stalled.
    let stalled = froze
        && world.shared.read(|engine, _| {
            engine
                .orders()
                .iter()
                .any(|o| !o.status.is_final() && !engine.is_stranded(o))
        });
    let wall = started.elapsed();
    ticks.tick(world.clock.now());
    let lateness = world.lateness();
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
    // A load run ends when every order has, but for meals no driver may take (stranded, as
    // on the virtual clock): one still live otherwise means the run was cut short.
    let stranded = engine.orders().iter().filter(|o| engine.is_stranded(o)).count();
    let live = engine.orders().iter().filter(|o| !o.status.is_final()).count() - stranded;
    if live > 0 {
        verdict.violation(format!("{live} orders were still live when the run ended"));
    }
    if let Some(e) = report_error {
        return Err(RunError::Report(e));
    }
    let mut stats = recorder.stats;
    stats.stranded = stranded as u64;
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
        lock: parts.lock,
    })
}
