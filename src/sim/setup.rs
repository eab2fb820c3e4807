//! What a scenario sets up before its first event, shared by the virtual-clock run and the
//! threaded mode: the engine's settings, the onboarding of customers, drivers and (food)
//! restaurants with their menus, each placed in the area from its own stream, and the
//! arrival process.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::arrivals::{Arrivals, Draw};
use super::streams::{self, Purpose};
use crate::engine::food::{FoodSettings, MAX_AMOUNT};
use crate::engine::{Command, Contact, EngineConfig, LatLon, RestaurantId};
use crate::scenario::Scenario;

/// The engine settings a scenario asks for.
pub fn engine_config(scenario: &Scenario, seed: u64) -> EngineConfig {
    let base = EngineConfig::for_profile(scenario.profile());
    let food = if scenario.is_food() {
        let load = scenario.food();
        FoodSettings {
            base_fee: load.pricing.base_fee_cents,
            per_km_fee: load.pricing.per_km_cents,
            speed_kmh: scenario
                .area
                .as_ref()
                .map_or(base.food.speed_kmh, |a| a.speed_kmh),
            review_after: load.review_after,
            ..base.food.clone()
        }
    } else {
        base.food.clone()
    };
    EngineConfig {
        pickup_deadline: scenario.pickup_deadline(),
        policy: scenario.policy(),
        dispatch_seed: streams::dispatch_seed(seed),
        catalog: if scenario.is_food() {
            base.catalog.clone()
        } else {
            scenario.catalog()
        },
        food,
        ..base
    }
}

/// The commands that onboard a scenario's customers (`customer-1`…, with email and phone,
/// placed in the area if there is one) and drivers (`driver-1`…, notified in the app).
pub fn onboarding(scenario: &Scenario, seed: u64) -> Vec<Command> {
    let place = |purpose| {
        let mut rng = streams::stream(seed, purpose);
        let area = scenario.area.clone();
        move || {
            area.as_ref()
                .and_then(|a| point_in_disc(&mut rng, a.center, a.radius_km))
        }
    };
    let mut commands =
        Vec::with_capacity(scenario.demand.customers as usize + scenario.fleet.drivers as usize);
    let mut customer_place = place(Purpose::CustomerPlaces);
    for i in 1..=scenario.demand.customers {
        let contact = Contact {
            email: Some(format!("customer-{i}@example.com")),
            phone: Some(format!("{i:010}")),
        };
        let name = format!("customer-{i}");
        commands.push(Command::OnboardCustomer {
            name,
            contact,
            address: None,
            location: customer_place(),
        });
    }
    let mut driver_place = place(Purpose::DriverPlaces);
    for i in 1..=scenario.fleet.drivers {
        let name = format!("driver-{i}");
        commands.push(Command::OnboardDriver {
            name,
            contact: Contact::default(),
            location: driver_place(),
        });
    }
    if scenario.is_food() {
        restaurants(scenario, seed, place(Purpose::RestaurantPlaces), &mut commands);
    }
    commands
}

/// Food: `restaurant-1`… (notified by email), open, placed in the area, each with the
/// menu `item-1`… whose prices come from one stream for all menus. The ETA uses each
/// kitchen's mean preparation time.
fn restaurants(
    scenario: &Scenario,
    seed: u64,
    mut place: impl FnMut() -> Option<LatLon>,
    commands: &mut Vec<Command>,
) {
    let food = scenario.food();
    let r = &food.restaurants;
    let prep = crate::scenario::check::mean_duration(&r.prep.0);
    let mut prices = streams::stream(seed, Purpose::Menus);
    for i in 1..=r.count {
        // A food scenario has an area (validated), so every place exists.
        let Some(location) = place() else { return };
        commands.push(Command::OnboardRestaurant {
            name: format!("restaurant-{i}"),
            contact: Contact {
                email: Some(format!("restaurant-{i}@example.com")),
                phone: None,
            },
            location,
            prep,
            open: true,
        });
        for item in 1..=r.menu {
            let price = r.price_cents.0.sample(&mut prices).round().min(MAX_AMOUNT as f64) as u64;
            commands.push(Command::SetMenuItem {
                restaurant: RestaurantId(i - 1),
                item: format!("item-{item}"),
                price,
                stock: r.stock,
            });
        }
    }
}

/// The scenario's arrival process under `seed`.
pub fn arrivals(scenario: &Scenario, seed: u64) -> Arrivals {
    let draw = if scenario.is_food() {
        let food = scenario.food();
        Draw::Meal {
            customers: scenario.demand.customers,
            restaurants: food.restaurants.count,
            menu: food.restaurants.menu,
            lines: food.lines.0,
            quantity: food.quantity.0,
            tip: food.tip_cents.0,
        }
    } else {
        Draw::Parcel {
            customers: scenario.demand.customers,
            items: scenario.catalog().len() as u32,
        }
    };
    Arrivals::new(
        streams::stream(seed, Purpose::Arrivals),
        scenario.rate_segments(),
        scenario.horizon.0,
        draw,
        scenario.demand.double_tap.0,
    )
}

/// A point drawn uniformly in the disc of `radius_km` around `center`.
fn point_in_disc(rng: &mut ChaCha8Rng, center: [f64; 2], radius_km: f64) -> Option<LatLon> {
    let r = radius_km * rng.random::<f64>().sqrt();
    let theta = std::f64::consts::TAU * rng.random::<f64>();
    let km_per_degree = crate::engine::geo::EARTH_RADIUS_KM.to_radians();
    let lat = center[0] + r * theta.sin() / km_per_degree;
    let lon = center[1] + r * theta.cos() / (km_per_degree * center[0].to_radians().cos().max(1e-6));
    // Across the antimeridian longitudes wrap (179.9° east and then -179.9°).
    let lon = (lon + 180.0).rem_euclid(360.0) - 180.0;
    LatLon::new(lat, lon)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_across_the_antimeridian_wrap_instead_of_piling_up_at_180() {
        let mut rng = streams::stream(1, Purpose::CustomerPlaces);
        let points: Vec<LatLon> = (0..1000)
            .map(|_| point_in_disc(&mut rng, [0.0, 179.99], 10.0).unwrap())
            .collect();
        let west = points.iter().filter(|p| p.lon < 0.0).count();
        assert!(west > 100, "{west} points wrapped to the west");
        assert!(points.iter().all(|p| p.lon.abs() < 180.0 && p.lat.abs() < 0.1));
        assert!(!points.iter().any(|p| p.lon == 180.0));
    }
}
