//! What drivers, customers and restaurants do in a load scenario: given what the engine
//! just did, the next action and its instant. Both clocks use this one model: the
//! virtual-clock run queues the actions on its event queue, the threaded mode hands them
//! to worker threads. Parcels and meals share it: a meal adds the restaurant's answer and
//! kitchen, and its legs run driver → restaurant → customer instead of driver → sender →
//! recipient.
//!
//! Draws, by stream (see [`super::streams`]):
//! - each order (by arrival number): whether and when the sender cancels, whether the
//!   recipient rates and the normal deviate of the stars; for a meal then whether the
//!   restaurant rejects, its answer's delay and the preparation time; all drawn when it is
//!   placed;
//! - each driver, per assignment: no-show, pickup delay, delivery time (parcel) or dropoff
//!   (meal), always all three, so one assignment never shifts the next one's draws;
//! - each driver's own mean rating, once, from one stream for the fleet.

use std::collections::VecDeque;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::streams::{self, Purpose};
use crate::engine::{geo, Command, DriverId, Engine, Event, KitchenStep, LatLon, Order, OrderId, Refusal};
use crate::scenario::{DurationDist, Scenario};
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
    /// The restaurant moves the order (food).
    Kitchen(OrderId, KitchenStep),
}

impl Action {
    /// The order it is about.
    pub fn order(self) -> OrderId {
        match self {
            Action::Pickup(_, o)
            | Action::Deliver(_, o)
            | Action::Cancel(o)
            | Action::Rate(o, _)
            | Action::Kitchen(o, _) => o,
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
            Action::Kitchen(order, step) => Command::Kitchen { order, step },
        })
    }

    /// A short name for logs.
    pub fn name(self) -> &'static str {
        match self {
            Action::Pickup(..) => "pickup",
            Action::Deliver(..) => "deliver",
            Action::Cancel(_) => "cancel",
            Action::Rate(..) => "rate",
            Action::Kitchen(_, step) => step.as_str(),
        }
    }
}

/// What has been decided for one order.
#[derive(Clone, Copy, Debug, Default)]
struct OrderPlan {
    rate: bool,
    rating_deviate: f64,
    /// The current assignment's time at the door after travel.
    last_leg: Millis,
    /// Food: confirmation → ready.
    prep: Millis,
}

/// The food settings the model draws from.
struct Kitchens {
    reject: f64,
    confirm_delay: DurationDist,
    prep: DurationDist,
}

/// The behaviour model of one run.
pub struct Behaviour {
    seed: u64,
    scenario: Scenario,
    pickup_delay: DurationDist,
    last_leg: DurationDist,
    kitchens: Option<Kitchens>,
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
        let kitchens = scenario.is_food().then(|| {
            let r = scenario.food().restaurants;
            Kitchens {
                reject: r.reject.0,
                confirm_delay: r.confirm_delay,
                prep: r.prep,
            }
        });
        Behaviour {
            seed,
            scenario: scenario.clone(),
            pickup_delay: scenario.pickup_delay(),
            last_leg: scenario.last_leg(),
            kitchens,
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

    /// The decisions for a newly created order, drawn from the order's own stream
    /// (`arrival` is the arrival number): the restaurant's answer (food) and the sender's
    /// cancellation attempt, if any, in that order.
    pub fn on_created(&mut self, order: OrderId, arrival: u64, now: Millis) -> [Option<(Millis, Action)>; 2] {
        let mut rng = streams::stream(self.seed, Purpose::Order(arrival));
        let behavior = &self.scenario.behavior;
        let cancel = rng.random::<f64>() < behavior.cancel.probability.0;
        let cancel_after = behavior.cancel.after.0.sample_ms(&mut rng);
        let rate = rng.random::<f64>() < behavior.rating.probability.0;
        let rating_deviate: f64 = StandardNormal.sample(&mut rng);
        let kitchen = self.kitchens.as_ref().map(|k| {
            let reject = rng.random::<f64>() < k.reject;
            let answer_after = k.confirm_delay.0.sample_ms(&mut rng);
            let prep = k.prep.0.sample_ms(&mut rng);
            let step = if reject {
                KitchenStep::Reject
            } else {
                KitchenStep::Confirm
            };
            (answer_after, step, prep)
        });
        if let Some(plan) = self.plan_mut(order) {
            plan.rate = rate;
            plan.rating_deviate = rating_deviate;
            plan.prep = kitchen.map_or(Millis::ZERO, |k| k.2);
        }
        [
            kitchen.map(|(after, step, _)| (later(now, after, Millis::ZERO), Action::Kitchen(order, step))),
            cancel.then(|| (later(now, cancel_after, Millis::ZERO), Action::Cancel(order))),
        ]
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
            Event::Confirmed(order) => Some((now, Action::Kitchen(order, KitchenStep::Prepare))),
            Event::Preparing(order) => {
                let prep = self.plan_mut(order)?.prep;
                Some((
                    later(now, prep, Millis::ZERO),
                    Action::Kitchen(order, KitchenStep::Ready),
                ))
            }
            Event::Assigned(order, driver) => self.on_assigned(engine, now, order, driver),
            Event::PickedUp(order, driver) => {
                let o = engine.order(order).ok()?;
                let travel = self.travel(pickup_point(engine, o), dropoff_point(engine, o));
                let last_leg = self.plan_mut(order).map_or(Millis::ZERO, |p| p.last_leg);
                Some((later(now, travel, last_leg), Action::Deliver(driver, order)))
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
        let rng = &mut self.driver_rngs[driver.index()];
        let no_show = rng.random::<f64>() < self.scenario.behavior.no_show.0;
        let pickup_delay = self.pickup_delay.0.sample_ms(rng);
        let last_leg = self.last_leg.0.sample_ms(rng);
        if no_show {
            self.no_shows += 1;
            return None;
        }
        if let Some(plan) = self.plan_mut(order) {
            plan.last_leg = last_leg;
        }
        let o = engine.order(order).ok()?;
        let travel = self.travel(engine.drivers()[driver.index()].location, pickup_point(engine, o));
        // A meal is handed over once the driver is there and it is ready (it is ready at
        // assignment under every policy but `batch`, which sends drivers early).
        let arrived = later(now, travel, Millis::ZERO);
        let ready = o.food().and_then(|f| f.ready_at).unwrap_or(Millis::ZERO);
        Some((
            later(arrived.max(ready), pickup_delay, Millis::ZERO),
            Action::Pickup(driver, order),
        ))
    }

    fn travel(&self, from: Option<LatLon>, to: Option<LatLon>) -> Millis {
        match (self.speed_kmh, from, to) {
            (Some(speed), Some(a), Some(b)) => geo::travel_ms(a, b, speed),
            _ => Millis::ZERO,
        }
    }
}

/// Where the driver collects an order: a meal's restaurant, a parcel's sender.
fn pickup_point(engine: &Engine, order: &Order) -> Option<LatLon> {
    match order.food() {
        Some(food) => engine
            .restaurants()
            .get(food.restaurant.index())
            .map(|r| r.location),
        None => engine.customers()[order.sender.index()].location,
    }
}

/// Where the driver hands an order over: its recipient (a meal's customer).
fn dropoff_point(engine: &Engine, order: &Order) -> Option<LatLon> {
    engine.customers()[order.recipient.index()].location
}

fn later(now: Millis, a: Millis, b: Millis) -> Millis {
    now.checked_add(a)
        .and_then(|t| t.checked_add(b))
        .unwrap_or(Millis(u64::MAX))
}
