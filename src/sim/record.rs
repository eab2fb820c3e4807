//! What an applied step leaves in a run's books: the summary counters
//! ([`Recorder::count`]) and the rows of the event and notification reports
//! ([`write_rows`]). The virtual-clock load run records each step as its driver applies it;
//! the threaded run records each step as its checker replays it. Both go through these two
//! functions, so the two modes' reports cannot drift apart.

use super::driver::Step;
use crate::engine::{Command, CustomerId, DriverId, Engine, Event, Party, Refusal};
use crate::notify;
use crate::report::{ReportError, Reports, Stats};

/// The summary counters of a run, and how many channels reach each party.
#[derive(Debug)]
pub struct Recorder {
    /// The counters so far.
    pub stats: Stats,
    /// Channels that reach each customer and driver, counted once up front: a load run's
    /// notices then never touch the (large, cache-unfriendly) contact records. Parties
    /// onboarded later are looked up in the engine.
    customer_channels: Vec<u8>,
    driver_channels: Vec<u8>,
}

impl Recorder {
    /// Counts into `stats`, looking each notified party's channels up in the engine.
    pub fn new(stats: Stats) -> Recorder {
        Recorder {
            stats,
            customer_channels: Vec::new(),
            driver_channels: Vec::new(),
        }
    }

    /// Counts the channels of the customers and drivers `engine` has now, once.
    pub fn with_channels_of(mut self, engine: &Engine) -> Recorder {
        let channels = |party| notify::channel_count(engine, party) as u8;
        self.customer_channels = (0..engine.customers().len() as u32)
            .map(|c| channels(Party::Customer(CustomerId(c))))
            .collect();
        self.driver_channels = (0..engine.drivers().len() as u32)
            .map(|d| channels(Party::Driver(DriverId(d))))
            .collect();
        self
    }

    /// Takes one step into the counters: a refusal the summary counts (food: a placement
    /// refused for a closed restaurant or a dish out of stock, by restaurant), or the step's
    /// placements, duplicates, ratings and messages sent (one per channel).
    #[inline]
    pub fn count(&mut self, engine: &Engine, step: &Step<'_>) {
        let stats = &mut self.stats;
        match (step.command, step.result) {
            (_, Ok(_)) => {}
            (Command::Pickup { .. }, Err(Refusal::OrderCancelled)) => {
                return stats.pickup_refused_cancelled += 1
            }
            (Command::CancelOrder { .. }, Err(Refusal::AlreadyPickedUp)) => {
                return stats.cancel_refused_picked_up += 1
            }
            (Command::CancelOrder { .. }, Err(Refusal::AlreadyDelivered)) => {
                return stats.cancel_refused_delivered += 1
            }
            (Command::PlaceMeal { restaurant, .. }, Err(refusal)) => {
                let restaurants = engine.restaurants().len();
                return stats
                    .food
                    .record_refused_placement(*restaurant, *refusal, restaurants);
            }
            (_, Err(_)) => return,
        }
        for event in &step.effects.events {
            match event {
                Event::Placed(_) => stats.orders_placed += 1,
                Event::DuplicatePrevented(_) => stats.duplicates_prevented += 1,
                Event::Rated(..) => stats.ratings += 1,
                _ => {}
            }
        }
        for notice in &step.effects.notices {
            let known = match notice.to {
                Party::Customer(c) => self.customer_channels.get(c.index()),
                Party::Driver(d) => self.driver_channels.get(d.index()),
                Party::Restaurant(_) => None,
            };
            let channels = known.map_or_else(
                || notify::channel_count(engine, notice.to) as u64,
                |&n| u64::from(n),
            );
            self.stats.notifications_sent += channels;
        }
    }
}

/// Writes one step's rows, each kind only when the reports want it: a refusal, or the
/// step's events and the deliveries of its notices.
#[inline]
pub fn write_rows(reports: &mut Reports, engine: &Engine, step: &Step<'_>) -> Result<(), ReportError> {
    let driver_name = |d: DriverId| engine.drivers()[d.index()].name.as_str();
    let at = step.at;
    if let Err(refusal) = step.result {
        if !reports.wants_events() {
            return Ok(());
        }
        let detail = format!("{}:{refusal}", step.command.name());
        let driver = step.command.driver().map_or("", driver_name);
        return reports.event(at, "refused", step.command.order(), driver, &detail);
    }
    if reports.wants_events() {
        for event in &step.effects.events {
            let driver = event.driver().map_or("", driver_name);
            reports.event(at, event.kind(), Some(event.order()), driver, &event.detail())?;
        }
    }
    if reports.wants_notifications() {
        for notice in &step.effects.notices {
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
    use crate::engine::{Contact, Effects, EngineConfig, ItemId, LatLon, Line, Profile, RestaurantId};
    use crate::time::Millis;

    /// Applies `command` and counts its step, as a shell would.
    fn apply(engine: &mut Engine, recorder: &mut Recorder, command: &Command) {
        let mut fx = Effects::default();
        let result = engine.apply_into(Millis::ZERO, command, &mut fx);
        let step = Step {
            at: Millis::ZERO,
            command,
            timer: None,
            result: &result,
            effects: &fx,
        };
        recorder.count(engine, &step);
    }

    #[test]
    fn refused_meals_are_counted_by_restaurant_and_reason() {
        let config = EngineConfig {
            profile: Profile::Food,
            ..EngineConfig::default()
        };
        let mut engine = Engine::new(config).unwrap();
        let mut recorder = Recorder::new(Stats::default());
        let at = LatLon::new(52.5, 13.4).unwrap();
        let restaurant = RestaurantId(0);
        let meal_at = |restaurant| Command::PlaceMeal {
            customer: CustomerId(0),
            restaurant,
            lines: vec![Line {
                item: ItemId(0),
                quantity: 1,
            }],
            tip: 0,
            key: None,
        };
        let meal = meal_at(restaurant);
        for command in [
            Command::OnboardCustomer {
                name: "ann".into(),
                contact: Contact::default(),
                address: None,
                location: Some(at),
            },
            Command::OnboardRestaurant {
                name: "r".into(),
                contact: Contact::default(),
                location: at,
                prep: Millis(1),
                open: true,
            },
            Command::SetMenuItem {
                restaurant,
                item: "soup".into(),
                price: 500,
                stock: Some(1),
            },
            meal.clone(),
            meal.clone(),
            Command::SetOpen {
                restaurant,
                open: false,
            },
            meal,
            // An unknown restaurant is counted nowhere.
            meal_at(RestaurantId(9)),
        ] {
            apply(&mut engine, &mut recorder, &command);
        }
        let food = &recorder.stats.food;
        assert_eq!(recorder.stats.orders_placed, 1);
        assert_eq!(food.out_of_stock_refused, 1);
        assert_eq!(food.restaurant_closed_refused, 1);
        assert_eq!(food.restaurant(restaurant).out_of_stock_refused, 1);
    }
}
