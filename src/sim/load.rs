//! The seeded load run of SPEC §5: turns a scenario into arrivals and behaviour, drives the
//! engine on the virtual clock until every order has ended, and streams the reports.
//!
//! What drivers and customers do comes from [`super::behaviour`], shared with the threaded
//! mode; the engine, its timers and the loop that fires them are the [`super::driver`]'s,
//! shared with every shell, and what each step counts and writes is [`super::record`]'s,
//! shared with the threaded run. This file owns the run's own events (arrivals, repeats,
//! actions), the retirement of ended orders and the order rows.
//!
//! Generated customers have an email address and a phone (notified by email and SMS);
//! drivers have neither (notified in the app). Only double-tapped placements carry an
//! idempotency key (`tap-N`), since only they can repeat.
//!
//! Memory: an order is retired from the engine (and written to `orders.csv`) once it has
//! ended and no queued event names it, so memory follows the orders in flight.

use std::collections::VecDeque;

use super::arrivals::{Arrival, Arrivals};
use super::behaviour::{Action, Behaviour};
use super::driver::{Agenda, Driver, Next, Step};
use super::queue::SequenceExhausted;
use super::record::{write_rows, Recorder};
use crate::engine::{Command, Engine, Event, OrderId, Refusal, Reply};
use crate::report::{ReportError, Reports, Stats};
use crate::scenario::Scenario;
use crate::time::Millis;

/// What happens on the virtual clock besides the engine's timers, which the driver keeps
/// on the same agenda.
#[derive(Clone, Debug)]
enum SimEvent {
    /// A new order arrives (boxed: an arrival is several times the size of an action, and
    /// every entry of the agenda would otherwise be as large).
    Arrival(Box<Arrival>),
    /// The second send of a double tap, with the first's key.
    Retry(Box<Arrival>),
    /// A driver or customer acts.
    Act(Action),
}

impl SimEvent {
    /// The order this event keeps resident until it fires. Deadline timers keep none: a
    /// timer that finds its order ended (or retired) does nothing, so it must not hold a
    /// finished order in memory until the deadline.
    fn holds(&self) -> Option<OrderId> {
        match self {
            SimEvent::Act(action) => Some(action.order()),
            SimEvent::Arrival(_) | SimEvent::Retry(_) => None,
        }
    }
}

/// The most orders a load run keeps in memory at once (about 235 bytes each, so about
/// 4.7 GB). An order stays until it has ended and every earlier order has ended too, so a
/// long pickup deadline with no drivers, or with no-shows, can hold a large share of a run:
/// past this the run stops with [`RunError::TooLarge`] instead of exhausting the machine.
pub const MAX_RESIDENT_ORDERS: usize = 20_000_000;

/// How a load run ended.
#[derive(Debug)]
pub struct RunResult {
    /// The aggregates of `summary.csv`.
    pub stats: Stats,
    /// `(metric, value)` rows of `summary.csv`.
    pub summary: Vec<(String, String)>,
    /// The engine at the end (drivers, rankings).
    pub engine: Engine,
}

/// Why a load run stopped early.
#[derive(Debug)]
#[non_exhaustive]
pub enum RunError {
    /// A report could not be written.
    Report(ReportError),
    /// The scenario is valid but larger than this kind of run takes (what and why).
    TooLarge(String),
    /// A bug in courier-sim itself.
    Internal(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Report(e) => e.fmt(f),
            RunError::TooLarge(m) => f.write_str(m),
            RunError::Internal(m) => write!(f, "internal error (please report): {m}"),
        }
    }
}

impl std::error::Error for RunError {}

impl From<ReportError> for RunError {
    fn from(e: ReportError) -> Self {
        RunError::Report(e)
    }
}

/// Progress callbacks: the number of arrivals so far, at each power-of-two batch.
pub trait Progress {
    /// Called now and then with the virtual time reached.
    fn tick(&mut self, now: Millis);
}

impl Progress for () {
    fn tick(&mut self, _now: Millis) {}
}

pub use super::setup::{arrivals, engine_config, onboarding};

/// One seeded run in progress.
struct LoadRun<'a> {
    scenario: &'a Scenario,
    seed: u64,
    /// The engine, the clock and the agenda of timers, arrivals and actions.
    driver: Driver<SimEvent>,
    arrivals: Arrivals,
    books: Books<'a>,
    /// The most orders kept in memory at once.
    resident_limit: usize,
}

/// What the run keeps beside the engine, updated after every step the driver applies.
struct Books<'a> {
    recorder: Recorder,
    reports: &'a mut Reports,
    behaviour: Behaviour,
    /// Queued events naming each resident order, aligned with the engine's resident orders.
    refs: VecDeque<u32>,
}

/// Runs `scenario` under `seed` to completion, writing rows into `reports` as it goes (the
/// caller finishes the reports).
pub fn run(
    scenario: &Scenario,
    seed: u64,
    reports: &mut Reports,
    progress: &mut dyn Progress,
) -> Result<RunResult, RunError> {
    let mut sim = LoadRun::new(scenario, seed, reports)?;
    sim.run(progress)?;
    let summary = sim.summary();
    Ok(RunResult {
        stats: sim.books.recorder.stats,
        summary,
        engine: sim.driver.into_parts().0,
    })
}

fn internal<E: std::fmt::Display>(e: E) -> RunError {
    RunError::Internal(e.to_string())
}

impl From<SequenceExhausted> for RunError {
    fn from(e: SequenceExhausted) -> Self {
        internal(e)
    }
}

impl<'a> LoadRun<'a> {
    fn new(scenario: &'a Scenario, seed: u64, reports: &'a mut Reports) -> Result<LoadRun<'a>, RunError> {
        let mut engine = Engine::new(engine_config(scenario, seed)).map_err(internal)?;
        for command in onboarding(scenario, seed) {
            engine.apply(Millis::ZERO, &command).map_err(internal)?;
        }
        let recorder = Recorder::new(Stats::new(scenario.horizon.0)).with_channels_of(&engine);
        Ok(LoadRun {
            scenario,
            seed,
            driver: Driver::new(engine).skipping_dead_timers(),
            arrivals: arrivals(scenario, seed),
            books: Books {
                recorder,
                reports,
                behaviour: Behaviour::new(scenario, seed),
                refs: VecDeque::new(),
            },
            resident_limit: MAX_RESIDENT_ORDERS,
        })
    }

    fn run(&mut self, progress: &mut dyn Progress) -> Result<(), RunError> {
        // One arrival is queued at a time: the next is drawn when it fires.
        self.schedule_next_arrival()?;
        loop {
            let books = &mut self.books;
            let Some(next) = self
                .driver
                .next(|e: &Engine, s: &Step<'_>, a: &mut _| books.on_step(e, s, a))?
            else {
                break;
            };
            self.books.recorder.stats.events_processed += 1;
            // The run lasts until the last event that did something: a deadline timer of an
            // order long delivered does not stretch it (nor shrink utilization).
            let acted_at = match next {
                Next::Fired(firing) => match firing.result {
                    Some(result) => result.map(|_| Some(firing.at)).map_err(internal)?,
                    None => None,
                },
                Next::Event(at, event) => {
                    if let Some(order) = event.holds() {
                        if let Some(count) = self.books.refs_mut(self.driver.engine(), order) {
                            *count -= 1;
                        }
                    }
                    self.handle(event)?;
                    Some(at)
                }
            };
            if let Some(at) = acted_at {
                self.books.recorder.stats.sim_end_ms = at.as_ms();
            }
            self.retire_finished()?;
            if self.books.recorder.stats.events_processed.is_multiple_of(65_536) {
                progress.tick(self.driver.now());
            }
        }
        progress.tick(self.driver.now());
        self.write_stranded()
    }

    /// Writes the orders that are still live when nothing more can happen. A meal every
    /// driver has failed (or any meal with no drivers at all) waits at its restaurant for
    /// good ([`Engine::is_stranded`]): it is reported as it stands and counted as stranded.
    /// Any other order still live is a bug: a parcel always ends by its deadline, and a
    /// meal any driver may take is taken once a driver is free.
    fn write_stranded(&mut self) -> Result<(), RunError> {
        let engine = self.driver.engine();
        let stuck = engine
            .orders()
            .iter()
            .filter(|o| !o.status.is_final() && !engine.is_stranded(o))
            .count();
        if stuck > 0 {
            return Err(RunError::Internal(format!("{stuck} orders never ended")));
        }
        // The orders behind a stranded one ended but could not retire past it.
        for order in engine.orders() {
            let stats = &mut self.books.recorder.stats;
            stats.record_finished(order);
            stats.stranded += u64::from(!order.status.is_final());
            self.books.reports.order(engine, order)?;
        }
        Ok(())
    }

    fn schedule_next_arrival(&mut self) -> Result<(), RunError> {
        match self.arrivals.next() {
            Some(a) => Ok(self
                .driver
                .agenda_mut()
                .schedule(a.at, SimEvent::Arrival(Box::new(a)))?),
            None => Ok(()),
        }
    }

    /// Handles one of the run's own events.
    fn handle(&mut self, event: SimEvent) -> Result<(), RunError> {
        match event {
            SimEvent::Arrival(a) => {
                self.schedule_next_arrival()?;
                self.place(&a)?;
                if let Some(delay) = a.retry_after {
                    let now = self.driver.now();
                    let at = now.checked_add(delay).unwrap_or(now);
                    self.driver.agenda_mut().schedule(at, SimEvent::Retry(a))?;
                }
                Ok(())
            }
            SimEvent::Retry(a) => self.place(&a),
            SimEvent::Act(action) => {
                let command = action.command(self.driver.engine()).map_err(internal)?;
                // A refusal is part of the run: the books count and report it.
                self.apply(&command).map(|_| ())
            }
        }
    }

    fn place(&mut self, a: &Arrival) -> Result<(), RunError> {
        let command = a.command();
        let placed_before = self.driver.engine().orders_placed();
        match self.apply(&command)? {
            Ok(_) => {}
            // A meal the restaurant cannot take now (closed, or a dish sold out) is part of
            // a food run: the books have counted the refusal, and no order follows.
            Err(Refusal::RestaurantClosed | Refusal::OutOfStock) => return Ok(()),
            Err(refusal) => return Err(internal(refusal)),
        }
        let engine = self.driver.engine();
        if engine.orders_placed() == placed_before {
            return Ok(());
        }
        if engine.orders().len() > self.resident_limit {
            return Err(RunError::TooLarge(format!(
                "more than {} orders were in memory at once at virtual time {}: an order stays \
                 until it and every earlier order have ended, and the pickup deadline ({}) keeps \
                 unassigned and no-show orders that long; shorten the deadline, lower the rate or add drivers",
                self.resident_limit,
                self.driver.now().clock(),
                self.scenario.pickup_deadline()
            )));
        }
        // A new order: its own stream decides the restaurant's answer, the sender's
        // cancellation and the rating.
        let now = self.driver.now();
        let follow_ups = self
            .books
            .behaviour
            .on_created(OrderId(placed_before), a.index, now);
        for (at, action) in follow_ups.into_iter().flatten() {
            let (engine, agenda) = self.driver.engine_and_agenda();
            self.books.schedule(engine, agenda, at, SimEvent::Act(action))?;
        }
        Ok(())
    }

    /// Applies a command at the current instant, the books following each step.
    fn apply(&mut self, command: &Command) -> Result<Result<Reply, Refusal>, RunError> {
        let books = &mut self.books;
        self.driver.apply(command, |e: &Engine, s: &Step<'_>, a: &mut _| {
            books.on_step(e, s, a)
        })
    }

    /// Retires ended orders that no queued event names, oldest first, into `orders.csv`.
    fn retire_finished(&mut self) -> Result<(), RunError> {
        while self.books.refs.front() == Some(&0) {
            let Some(order) = self.driver.engine_mut().retire_oldest_finished() else {
                break;
            };
            self.books.refs.pop_front();
            self.books.behaviour.forget_oldest();
            self.books.recorder.stats.record_finished(&order);
            self.books.reports.order(self.driver.engine(), &order)?;
        }
        Ok(())
    }

    fn summary(&mut self) -> Vec<(String, String)> {
        let stats = &mut self.books.recorder.stats;
        stats.no_shows = self.books.behaviour.no_shows;
        crate::report::summary_rows(self.scenario, self.seed, self.driver.engine(), stats)
    }
}

impl Books<'_> {
    /// What the run does after each step: counts it and writes its rows, notes new orders
    /// as resident, and schedules what the behaviour model does next.
    fn on_step(
        &mut self,
        engine: &Engine,
        step: &Step<'_>,
        agenda: &mut Agenda<SimEvent>,
    ) -> Result<(), RunError> {
        self.recorder.count(engine, step);
        write_rows(self.reports, engine, step)?;
        if step.result.is_err() {
            return Ok(());
        }
        for event in &step.effects.events {
            if let Event::Placed(_) = event {
                self.refs.push_back(0);
            }
            if let Some((at, action)) = self.behaviour.on_event(engine, step.at, event) {
                self.schedule(engine, agenda, at, SimEvent::Act(action))?;
            }
        }
        Ok(())
    }

    fn refs_mut(&mut self, engine: &Engine, order: OrderId) -> Option<&mut u32> {
        let first = engine.orders().front()?.id.0;
        self.refs.get_mut(order.0.checked_sub(first)? as usize)
    }

    /// Schedules one of the run's events, counting the order it keeps resident.
    fn schedule(
        &mut self,
        engine: &Engine,
        agenda: &mut Agenda<SimEvent>,
        at: Millis,
        event: SimEvent,
    ) -> Result<(), RunError> {
        if let Some(order) = event.holds() {
            if let Some(count) = self.refs_mut(engine, order) {
                *count += 1;
            }
        }
        Ok(agenda.schedule(at, event)?)
    }
}

/// Runs `scenario` under `seed` and writes its reports into `dir`, whole or not at all.
pub fn run_to_dir(
    scenario: &Scenario,
    seed: u64,
    dir: &std::path::Path,
    progress: &mut dyn Progress,
) -> Result<RunResult, RunError> {
    let mut reports = Reports::for_scenario(dir, scenario)?;
    let result = run(scenario, seed, &mut reports, progress)?;
    reports.finish(&result.engine, &result.stats, &result.summary)?;
    Ok(result)
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
