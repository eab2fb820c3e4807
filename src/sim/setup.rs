//! What a scenario sets up before its first event, shared by the virtual-clock run and the
//! threaded mode: the engine's settings, the onboarding of customers and drivers (placed in
//! the area from their own streams), and the arrival process.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::arrivals::Arrivals;
use super::streams::{self, Purpose};
use crate::engine::{Command, Contact, EngineConfig, LatLon};
use crate::scenario::Scenario;

/// The engine settings a scenario asks for.
pub fn engine_config(scenario: &Scenario, seed: u64) -> EngineConfig {
    EngineConfig {
        pickup_deadline: scenario.dispatch.pickup_deadline.0,
        policy: scenario.policy(),
        dispatch_seed: streams::dispatch_seed(seed),
        catalog: scenario.items.clone(),
        ..EngineConfig::default()
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
    commands
}

/// The scenario's arrival process under `seed`.
pub fn arrivals(scenario: &Scenario, seed: u64) -> Arrivals {
    Arrivals::new(
        streams::stream(seed, Purpose::Arrivals),
        scenario.rate_segments(),
        scenario.horizon.0,
        scenario.demand.customers,
        scenario.items.len() as u32,
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
