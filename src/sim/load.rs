//! The seeded load run of SPEC §5: turns a scenario into arrivals and behaviour, drives the
//! engine on the virtual clock until every order has ended, and streams the reports.
//!
//! What drivers and customers do comes from [`super::behaviour`], shared with the threaded
//! mode; this file owns the event queue, the retirement of ended orders and the reports.
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
use super::queue::EventQueue;
use crate::engine::{
    Command, CustomerId, DriverId, Effects, Engine, Event, ItemId, OrderId, Party, Refusal, Timer,
};
use crate::notify;
use crate::report::{ReportError, Reports, Stats};
use crate::scenario::Scenario;
use crate::time::Millis;

/// What happens on the virtual clock.
#[derive(Clone, Debug)]
enum SimEvent {
    /// A new order arrives.
    Arrival(Arrival),
    /// The second send of a double tap, with the first's key.
    Retry(Arrival),
    /// An engine timer fires.
    Timer(Timer),
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
            SimEvent::Timer(_) | SimEvent::Arrival(_) | SimEvent::Retry(_) => None,
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
    engine: Engine,
    queue: EventQueue<SimEvent>,
    arrivals: Arrivals,
    behaviour: Behaviour,
    /// Queued events naming each resident order, aligned with the engine's resident orders.
    refs: VecDeque<u32>,
    now: Millis,
    stats: Stats,
    reports: &'a mut Reports,
    /// Channels that reach each customer and driver: counted without touching the (large,
    /// cache-unfriendly) contact records on every notice.
    customer_channels: Vec<u8>,
    driver_channels: Vec<u8>,
    /// Reused for every command's effects.
    fx: Effects,
    /// The most orders kept in memory at once.
    resident_limit: usize,
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
        stats: sim.stats,
        summary,
        engine: sim.engine,
    })
}

fn internal<E: std::fmt::Display>(e: E) -> RunError {
    RunError::Internal(e.to_string())
}

impl<'a> LoadRun<'a> {
    fn new(scenario: &'a Scenario, seed: u64, reports: &'a mut Reports) -> Result<LoadRun<'a>, RunError> {
        let mut engine = Engine::new(engine_config(scenario, seed)).map_err(internal)?;
        for command in onboarding(scenario, seed) {
            engine.apply(Millis::ZERO, &command).map_err(internal)?;
        }
        let arrivals = arrivals(scenario, seed);
        let channels = |party| notify::channel_count(&engine, party) as u8;
        let customer_channels = (0..scenario.demand.customers)
            .map(|c| channels(Party::Customer(CustomerId(c))))
            .collect();
        let driver_channels = (0..scenario.fleet.drivers)
            .map(|d| channels(Party::Driver(DriverId(d))))
            .collect();
        Ok(LoadRun {
            scenario,
            seed,
            engine,
            queue: EventQueue::new(),
            arrivals,
            behaviour: Behaviour::new(scenario, seed),
            refs: VecDeque::new(),
            now: Millis::ZERO,
            stats: Stats::new(scenario.horizon.0),
            reports,
            customer_channels,
            driver_channels,
            fx: Effects::default(),
            resident_limit: MAX_RESIDENT_ORDERS,
        })
    }

    fn run(&mut self, progress: &mut dyn Progress) -> Result<(), RunError> {
        // One arrival is queued at a time: the next is drawn when it fires.
        self.schedule_next_arrival()?;
        while let Some((at, _, event)) = self.queue.pop() {
            self.now = at;
            self.stats.events_processed += 1;
            if let Some(order) = event.holds() {
                if let Some(count) = self.refs_mut(order) {
                    *count -= 1;
                }
            }
            // The run lasts until the last event that did something: a deadline timer of an
            // order long delivered does not stretch it (nor shrink utilization).
            if self.handle(event)? {
                self.stats.sim_end_ms = at.as_ms();
            }
            self.retire_finished()?;
            if self.stats.events_processed.is_multiple_of(65_536) {
                progress.tick(self.now);
            }
        }
        progress.tick(self.now);
        if !self.engine.orders().is_empty() {
            return Err(RunError::Internal(format!(
                "{} orders never ended",
                self.engine.orders().len()
            )));
        }
        Ok(())
    }

    fn refs_mut(&mut self, order: OrderId) -> Option<&mut u32> {
        let first = self.engine.orders().front()?.id.0;
        self.refs.get_mut(order.0.checked_sub(first)? as usize)
    }

    fn schedule(&mut self, at: Millis, event: SimEvent) -> Result<(), RunError> {
        if let Some(order) = event.holds() {
            if let Some(count) = self.refs_mut(order) {
                *count += 1;
            }
        }
        self.queue.push(at, event).map(|_| ()).map_err(internal)
    }

    fn schedule_next_arrival(&mut self) -> Result<(), RunError> {
        match self.arrivals.next() {
            Some(a) => self.schedule(a.at, SimEvent::Arrival(a)),
            None => Ok(()),
        }
    }

    /// Handles one event; false for a deadline timer that had nothing left to do.
    fn handle(&mut self, event: SimEvent) -> Result<bool, RunError> {
        match event {
            SimEvent::Arrival(a) => {
                self.schedule_next_arrival()?;
                self.place(&a)?;
                if let Some(delay) = a.retry_after {
                    self.schedule(
                        self.now.checked_add(delay).unwrap_or(self.now),
                        SimEvent::Retry(a),
                    )?;
                }
                Ok(true)
            }
            SimEvent::Retry(a) => self.place(&a).map(|()| true),
            SimEvent::Timer(timer) => {
                let Timer::PickupDeadline { order, guard } = timer;
                let waiting_for_pickup = self
                    .engine
                    .order(order)
                    .is_ok_and(|o| o.guard == guard && o.is_lapsed_at(self.now));
                if waiting_for_pickup {
                    self.apply("timer", timer.command())?.map_err(internal)?;
                }
                Ok(waiting_for_pickup)
            }
            SimEvent::Act(action) => {
                let command = action.command(&self.engine).map_err(internal)?;
                match (action, self.apply(action.name(), command)?) {
                    (Action::Pickup(..), Err(Refusal::OrderCancelled)) => {
                        self.stats.pickup_refused_cancelled += 1
                    }
                    (Action::Cancel(_), Err(Refusal::AlreadyPickedUp)) => {
                        self.stats.cancel_refused_picked_up += 1
                    }
                    (Action::Cancel(_), Err(Refusal::AlreadyDelivered)) => {
                        self.stats.cancel_refused_delivered += 1
                    }
                    _ => {}
                }
                Ok(true)
            }
        }
    }

    fn place(&mut self, a: &Arrival) -> Result<(), RunError> {
        let key = a.retry_after.map(|_| format!("tap-{}", a.index + 1));
        let command = Command::PlaceOrder {
            sender: CustomerId(a.sender),
            recipient: CustomerId(a.recipient),
            item: ItemId(a.item),
            key,
        };
        let placed_before = self.engine.orders_placed();
        self.apply("place", command)?.map_err(internal)?;
        if self.engine.orders_placed() == placed_before {
            return Ok(());
        }
        if self.engine.orders().len() > self.resident_limit {
            return Err(RunError::TooLarge(format!(
                "more than {} orders were in memory at once at virtual time {}: an order stays \
                 until it and every earlier order have ended, and the pickup deadline ({}) keeps \
                 unassigned and no-show orders that long; shorten the deadline, lower the rate or add drivers",
                self.resident_limit,
                self.now.clock(),
                self.scenario.dispatch.pickup_deadline.0
            )));
        }
        // A new order: its own stream decides the sender's cancellation and the rating.
        match self
            .behaviour
            .on_created(OrderId(placed_before), a.index, self.now)
        {
            Some((at, action)) => self.schedule(at, SimEvent::Act(action)),
            None => Ok(()),
        }
    }

    /// Applies a command, records its effects, and returns the engine's verdict.
    fn apply(&mut self, what: &str, command: Command) -> Result<Result<(), Refusal>, RunError> {
        let mut fx = std::mem::take(&mut self.fx);
        let verdict = match self.engine.apply_into(self.now, &command, &mut fx) {
            Ok(_) => self.effects(&fx).map(|()| Ok(())),
            Err(refusal) if self.reports.wants_events() => {
                let detail = format!("{what}:{refusal}");
                let driver = command
                    .driver()
                    .map_or("", |d| self.engine.drivers()[d.index()].name.as_str());
                let logged = self
                    .reports
                    .event(self.now, "refused", command.order(), driver, &detail);
                logged.map(|()| Err(refusal)).map_err(RunError::from)
            }
            Err(refusal) => Ok(Err(refusal)),
        };
        self.fx = fx;
        verdict
    }

    fn effects(&mut self, outcome: &Effects) -> Result<(), RunError> {
        for event in &outcome.events {
            self.record(event)?;
        }
        for timer in &outcome.timers {
            self.schedule(timer.at, SimEvent::Timer(timer.timer))?;
        }
        for notice in &outcome.notices {
            if self.reports.wants_notifications() {
                for delivery in notify::deliveries(&self.engine, self.now, notice) {
                    self.reports.notification(&delivery)?;
                    self.stats.notifications_sent += 1;
                }
            } else {
                self.stats.notifications_sent += u64::from(match notice.to {
                    Party::Customer(c) => self.customer_channels[c.index()],
                    Party::Driver(d) => self.driver_channels[d.index()],
                    Party::Restaurant(_) => notify::channel_count(&self.engine, notice.to) as u8,
                });
            }
        }
        Ok(())
    }

    fn record(&mut self, event: &Event) -> Result<(), RunError> {
        let name = |e: &Engine, d: DriverId| e.drivers()[d.index()].name.clone();
        let (kind, order, driver) = (event.kind(), event.order(), event.driver());
        match event {
            Event::Placed(_) => {
                self.stats.orders_placed += 1;
                self.refs.push_back(0);
            }
            Event::DuplicatePrevented(_) => self.stats.duplicates_prevented += 1,
            Event::Rated(..) => self.stats.ratings += 1,
            _ => {}
        }
        if let Some((at, action)) = self.behaviour.on_event(&self.engine, self.now, event) {
            self.schedule(at, SimEvent::Act(action))?;
        }
        if self.reports.wants_events() {
            let driver = driver.map(|d| name(&self.engine, d)).unwrap_or_default();
            self.reports
                .event(self.now, kind, Some(order), &driver, &event.detail())?;
        }
        Ok(())
    }

    /// Retires ended orders that no queued event names, oldest first, into `orders.csv`.
    fn retire_finished(&mut self) -> Result<(), RunError> {
        while self.refs.front() == Some(&0) {
            let Some(order) = self.engine.retire_oldest_finished() else {
                break;
            };
            self.refs.pop_front();
            self.behaviour.forget_oldest();
            self.stats.record_finished(&order);
            self.reports.order(&self.engine, &order)?;
        }
        Ok(())
    }

    fn summary(&mut self) -> Vec<(String, String)> {
        self.stats.no_shows = self.behaviour.no_shows;
        crate::report::summary_rows(self.scenario, self.seed, &self.engine, &self.stats)
    }
}

/// Runs `scenario` under `seed` and writes its reports into `dir`, whole or not at all.
pub fn run_to_dir(
    scenario: &Scenario,
    seed: u64,
    dir: &std::path::Path,
    progress: &mut dyn Progress,
) -> Result<RunResult, RunError> {
    let mut reports = Reports::create(dir, scenario.report.events, scenario.report.notifications)?;
    let result = run(scenario, seed, &mut reports, progress)?;
    reports.finish(&result.engine, &result.summary, Millis(result.stats.sim_end_ms))?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_that_would_hold_too_many_orders_stops_with_a_reason() {
        // Regression (review): no drivers and a 1000-day deadline kept every order in memory
        // until the machine aborted. The limit is lowered here so the test is quick.
        let scenario = crate::scenario::parse(
            "hold.toml",
            "horizon = \"1h\"\n[fleet]\ndrivers = 0\n[demand]\nrate = \"10/s\"\n[dispatch]\npickup_deadline = \"24000h\"\n",
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut reports = Reports::create(&dir.path().join("out"), false, false).unwrap();
        let mut sim = LoadRun::new(&scenario, 1, &mut reports).unwrap();
        sim.resident_limit = 1_000;
        let e = sim.run(&mut ()).unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, RunError::TooLarge(_)), "{text}");
        assert!(
            text.contains("more than 1000 orders were in memory at once"),
            "{text}"
        );
        assert!(text.contains("pickup deadline (24000h)"), "{text}");
    }
}
