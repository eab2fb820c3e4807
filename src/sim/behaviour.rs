//! What drivers and customers do in a load scenario: given what the engine just did, the
//! next action and its instant. Both clocks use this one model: the virtual-clock run
//! queues the actions on its event queue, the threaded mode hands them to worker threads.
//!
//! Draws, by stream (see [`super::streams`]):
//! - each order (by arrival number): whether and when the sender cancels, whether the
//!   recipient rates and the normal deviate of the stars, all drawn when it is placed;
//! - each driver, per assignment: no-show, pickup delay, delivery time, always all three,
//!   so one assignment never shifts the next one's draws;
//! - each driver's own mean rating, once, from one stream for the fleet.

use std::collections::VecDeque;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::streams::{self, Purpose};
use crate::engine::{geo, Command, DriverId, Engine, Event, LatLon, OrderId, Refusal};
use crate::scenario::Scenario;
use crate::time::Millis;

/// Something a driver or customer does at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The driver arrives to pick up.
    Pickup(DriverId, OrderId),
    /// The driver hands the parcel over.
    Deliver(DriverId, OrderId),
    /// The sender tries to cancel.
    Cancel(OrderId),
    /// The recipient rates the delivery.
    Rate(OrderId, i64),
}

impl Action {
    /// The order it is about.
    pub fn order(self) -> OrderId {
        match self {
            Action::Pickup(_, o) | Action::Deliver(_, o) | Action::Cancel(o) | Action::Rate(o, _) => o,
        }
    }

    /// The engine command that performs it (cancel by the sender, rating by the recipient).
    pub fn command(self, engine: &Engine) -> Result<Command, Refusal> {
        Ok(match self {
            Action::Pickup(driver, order) => Command::Pickup { driver, order },
            Action::Deliver(driver, order) => Command::Deliver { driver, order },
            Action::Cancel(order) => Command::CancelOrder {
                order,
                by: engine.order(order)?.sender,
            },
            Action::Rate(order, stars) => Command::Rate {
                order,
                stars,
                by: engine.order(order)?.recipient,
            },
        })
    }

    /// A short name for logs.
    pub fn name(self) -> &'static str {
        match self {
            Action::Pickup(..) => "pickup",
            Action::Deliver(..) => "deliver",
            Action::Cancel(_) => "cancel",
            Action::Rate(..) => "rate",
        }
    }
}

/// What has been decided for one order.
#[derive(Clone, Copy, Debug, Default)]
struct OrderPlan {
    rate: bool,
    rating_deviate: f64,
    delivery_time: Millis,
}

/// The behaviour model of one run.
pub struct Behaviour {
    seed: u64,
    scenario: Scenario,
    driver_rngs: Vec<ChaCha8Rng>,
    driver_means: Vec<f64>,
    speed_kmh: Option<f64>,
    /// Plans of orders `first_plan..`, in id order.
    plans: VecDeque<OrderPlan>,
    first_plan: u32,
    /// Assigned drivers who will never come.
    pub no_shows: u64,
}

impl Behaviour {
    /// The model for `scenario` under `seed`.
    pub fn new(scenario: &Scenario, seed: u64) -> Behaviour {
        let mut means = streams::stream(seed, Purpose::DriverMeans);
        let driver_means = (0..scenario.fleet.drivers)
            .map(|_| scenario.behavior.rating.driver_mean.0.sample(&mut means))
            .collect();
        let driver_rngs = (0..scenario.fleet.drivers)
            .map(|i| streams::stream(seed, Purpose::Driver(i)))
            .collect();
        Behaviour {
            seed,
            scenario: scenario.clone(),
            driver_rngs,
            driver_means,
            speed_kmh: scenario.area.as_ref().map(|a| a.speed_kmh),
            plans: VecDeque::new(),
            first_plan: 0,
            no_shows: 0,
        }
    }

    fn plan_mut(&mut self, order: OrderId) -> Option<&mut OrderPlan> {
        self.plans.get_mut(order.0.checked_sub(self.first_plan)? as usize)
    }

    /// Forgets the oldest order's plan (when the order is retired).
    pub fn forget_oldest(&mut self) {
        if self.plans.pop_front().is_some() {
            self.first_plan += 1;
        }
    }

    /// The sender's decisions for a newly created order, drawn from the order's own stream
    /// (`arrival` is the arrival number): a cancellation attempt, if any.
    pub fn on_created(&mut self, order: OrderId, arrival: u64, now: Millis) -> Option<(Millis, Action)> {
        let mut rng = streams::stream(self.seed, Purpose::Order(arrival));
        let behavior = &self.scenario.behavior;
        let cancel = rng.random::<f64>() < behavior.cancel.probability.0;
        let cancel_after = behavior.cancel.after.0.sample_ms(&mut rng);
        let rate = rng.random::<f64>() < behavior.rating.probability.0;
        let rating_deviate: f64 = StandardNormal.sample(&mut rng);
        if let Some(plan) = self.plan_mut(order) {
            plan.rate = rate;
            plan.rating_deviate = rating_deviate;
        }
        cancel.then(|| {
            (
                now.checked_add(cancel_after).unwrap_or(Millis(u64::MAX)),
                Action::Cancel(order),
            )
        })
    }

    /// The action that follows an engine event, if any.
    pub fn on_event(&mut self, engine: &Engine, now: Millis, event: &Event) -> Option<(Millis, Action)> {
        match *event {
            Event::Placed(order) => {
                // Ids come in order from a sound engine; a broken one (the threaded mode's
                // mutation tests) may repeat or skip them, and must not crash the model.
                while self.first_plan + (self.plans.len() as u32) <= order.0 {
                    self.plans.push_back(OrderPlan::default());
                }
                None
            }
            Event::Assigned(order, driver) => self.on_assigned(engine, now, order, driver),
            Event::PickedUp(order, driver) => {
                let o = engine.order(order).ok()?;
                let customers = engine.customers();
                let travel = self.travel(
                    customers[o.sender.index()].location,
                    customers[o.recipient.index()].location,
                );
                let delivery_time = self.plan_mut(order).map_or(Millis::ZERO, |p| p.delivery_time);
                Some((later(now, travel, delivery_time), Action::Deliver(driver, order)))
            }
            Event::Delivered(order, driver) => {
                let plan = *self.plan_mut(order)?;
                if !plan.rate {
                    return None;
                }
                let mean = self.driver_means[driver.index()];
                let spread = self.scenario.behavior.rating.spread;
                let stars = (mean + spread * plan.rating_deviate).round().clamp(1.0, 5.0) as i64;
                Some((now, Action::Rate(order, stars)))
            }
            _ => None,
        }
    }

    fn on_assigned(
        &mut self,
        engine: &Engine,
        now: Millis,
        order: OrderId,
        driver: DriverId,
    ) -> Option<(Millis, Action)> {
        let behavior = &self.scenario.behavior;
        let rng = &mut self.driver_rngs[driver.index()];
        let no_show = rng.random::<f64>() < behavior.no_show.0;
        let pickup_delay = behavior.pickup_delay.0.sample_ms(rng);
        let delivery_time = behavior.delivery_time.0.sample_ms(rng);
        if no_show {
            self.no_shows += 1;
            return None;
        }
        if let Some(plan) = self.plan_mut(order) {
            plan.delivery_time = delivery_time;
        }
        let sender = engine.customers()[engine.order(order).ok()?.sender.index()].location;
        let travel = self.travel(engine.drivers()[driver.index()].location, sender);
        Some((later(now, travel, pickup_delay), Action::Pickup(driver, order)))
    }

    fn travel(&self, from: Option<LatLon>, to: Option<LatLon>) -> Millis {
        match (self.speed_kmh, from, to) {
            (Some(speed), Some(a), Some(b)) => geo::travel_ms(a, b, speed),
            _ => Millis::ZERO,
        }
    }
}

fn later(now: Millis, a: Millis, b: Millis) -> Millis {
    now.checked_add(a)
        .and_then(|t| t.checked_add(b))
        .unwrap_or(Millis(u64::MAX))
}
