//! `courier-sim check`: what a valid scenario will ask of its fleet, worked out without
//! running it, and warnings for values that are valid but almost certainly not meant.
//!
//! The load figures are a back-of-the-envelope queueing estimate, not a simulation: the
//! mean busy time of a driver per order (travel, pickup delay, delivery time, and a no-show
//! holding the driver until the deadline) gives the fleet's capacity, which is set against
//! the arrival rate on average and at the busiest profile step. Means of distributions are
//! estimated from a fixed-seed sample, so the figures are deterministic and honour the
//! clamping at zero and the 1000-day cap exactly as a run does.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{Dist, Scenario};
use crate::engine::Policy;
use crate::time::Millis;

/// Draws used to estimate a distribution's mean and range.
const DRAWS: usize = 100_000;

/// Mean distance between two points drawn uniformly in a disc, as a fraction of its radius
/// (128 / 45π).
const DISC_MEAN_DISTANCE: f64 = 128.0 / (45.0 * std::f64::consts::PI);

/// What a scenario will ask of its fleet.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadEstimate {
    /// Orders the arrival process is expected to place.
    pub expected_orders: f64,
    /// Mean arrival rate over the horizon, orders a minute.
    pub mean_rate_per_min: f64,
    /// The busiest rate in force before the horizon, orders a minute.
    pub peak_rate_per_min: f64,
    /// Mean travel of one leg (driver to sender, sender to recipient), without `[area]` 0.
    pub travel_leg: Millis,
    /// Mean trip to the pickup under `nearest`: to the nearest idle driver at the mean load
    /// (none for other policies, whose trip is a leg at the mean distance).
    pub nearest_leg: Option<Millis>,
    /// Mean time a driver is busy with one assignment.
    pub busy_per_order: Millis,
    /// Orders a minute the whole fleet can carry.
    pub capacity_per_min: f64,
    /// Mean arrival rate ÷ capacity.
    pub mean_load: f64,
    /// Peak arrival rate ÷ capacity.
    pub peak_load: f64,
    /// Valid values that are almost certainly not meant.
    pub warnings: Vec<String>,
}

/// Mean and range of `dist`, estimated from a fixed-seed sample (as milliseconds for a
/// duration distribution, which `as_duration` caps as a run does).
fn sample_stats(dist: &Dist, as_duration: bool) -> (f64, f64, f64) {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let (mut sum, mut low, mut high) = (0.0, f64::INFINITY, f64::NEG_INFINITY);
    for _ in 0..DRAWS {
        let x = if as_duration {
            dist.sample_ms(&mut rng).as_ms() as f64
        } else {
            dist.sample(&mut rng)
        };
        sum += x;
        low = low.min(x);
        high = high.max(x);
    }
    (sum / DRAWS as f64, low, high)
}

fn mean_ms(dist: &Dist) -> f64 {
    sample_stats(dist, true).0
}

/// The mean of a duration distribution, to the millisecond, as [`estimate`] works it out
/// (a fixed-seed sample honouring the clamping and the cap): the mean preparation time a
/// generated restaurant quotes for its ETA.
pub fn mean_duration(dist: &Dist) -> Millis {
    Millis(mean_ms(dist).round() as u64)
}

/// The no-show share and how long a no-show holds a driver: a parcel's until its deadline
/// cancels it (instead of serving it), a meal's until its deadline hands it to another
/// driver (who then serves it: the hold comes on top).
fn no_show_hold(s: &Scenario) -> (f64, f64, bool) {
    (
        s.behavior.no_show.0,
        s.pickup_deadline().as_ms() as f64,
        s.is_food(),
    )
}

/// Mean busy time per order from the time to serve one and the no-shows' hold.
fn busy_ms(served_ms: f64, (no_show, hold_ms, on_top): (f64, f64, bool)) -> f64 {
    if on_top {
        served_ms + no_show * hold_ms
    } else {
        (1.0 - no_show) * served_ms + no_show * hold_ms
    }
}

/// The first leg under `nearest`: the mean distance from a point to the nearest of the idle
/// drivers, taken as a uniform scatter (1 / (2√density)), at the share of the fleet the load
/// leaves idle, which itself depends on that leg: the smallest fixed point of
/// ρ = rate × busy(ρ) / drivers, reached by iterating from an idle fleet. Never more than
/// the disc's mean distance.
fn nearest_leg_ms(
    area: &super::Area,
    drivers: f64,
    rate_per_ms: f64,
    rest_ms: f64,
    hold: (f64, f64, bool),
) -> f64 {
    let speed_per_ms = area.speed_kmh / 3_600_000.0;
    let disc_ms = DISC_MEAN_DISTANCE * area.radius_km / speed_per_ms;
    let leg = |idle: f64| {
        let density = idle.max(1.0) / (std::f64::consts::PI * area.radius_km * area.radius_km);
        (0.5 / density.sqrt() / speed_per_ms).min(disc_ms)
    };
    let mut load: f64 = 0.0;
    for _ in 0..100 {
        let next = (rate_per_ms * busy_ms(leg(drivers * (1.0 - load)) + rest_ms, hold) / drivers).min(1.0);
        if (next - load).abs() < 1e-9 {
            break;
        }
        load = next;
    }
    leg(drivers * (1.0 - load))
}

/// Works out the load of a validated scenario.
pub fn estimate(s: &Scenario) -> LoadEstimate {
    let horizon = s.horizon.0;
    let expected_orders = s.expected_orders();
    let per_min = |per_ms: f64| per_ms * 60_000.0;
    let mean_rate_per_min = if horizon == Millis::ZERO {
        0.0
    } else {
        per_min(expected_orders / horizon.as_ms() as f64)
    };
    let peak_rate_per_min = s
        .rate_segments()
        .iter()
        .filter(|(from, _)| *from < horizon)
        .map(|&(_, r)| per_min(r))
        .fold(0.0, f64::max);

    let travel_leg_ms = s.area.as_ref().map_or(0.0, |a| {
        DISC_MEAN_DISTANCE * a.radius_km / (a.speed_kmh / 3_600_000.0)
    });
    let rest_ms = travel_leg_ms + mean_ms(&s.pickup_delay().0) + mean_ms(&s.last_leg().0);
    let drivers = f64::from(s.fleet.drivers);
    // Under `nearest` the trip to the pickup shortens with the idle drivers, so the busy
    // time depends on the load: worked out at the mean rate, and again at the peak.
    let first_leg_at = |rate_per_min: f64| match (&s.area, s.policy()) {
        (Some(a), Policy::Nearest) if drivers > 0.0 => {
            nearest_leg_ms(a, drivers, rate_per_min / 60_000.0, rest_ms, no_show_hold(s))
        }
        _ => travel_leg_ms,
    };
    let busy_at = |rate_per_min: f64| busy_ms(first_leg_at(rate_per_min) + rest_ms, no_show_hold(s));
    let first_leg_ms = first_leg_at(mean_rate_per_min);
    let busy_ms = busy_at(mean_rate_per_min);
    let capacity_per_min = if busy_ms > 0.0 {
        drivers * 60_000.0 / busy_ms
    } else {
        f64::INFINITY
    };
    let load = |rate: f64| {
        if rate == 0.0 {
            0.0
        } else if drivers == 0.0 {
            f64::INFINITY
        } else {
            rate * busy_at(rate) / 60_000.0 / drivers
        }
    };
    LoadEstimate {
        expected_orders,
        mean_rate_per_min,
        peak_rate_per_min,
        travel_leg: Millis(travel_leg_ms.round() as u64),
        nearest_leg: (first_leg_ms != travel_leg_ms).then(|| Millis(first_leg_ms.round() as u64)),
        busy_per_order: Millis(busy_ms.round() as u64),
        capacity_per_min,
        mean_load: load(mean_rate_per_min),
        peak_load: load(peak_rate_per_min),
        warnings: warnings(s, expected_orders, peak_rate_per_min, load(peak_rate_per_min)),
    }
}

fn warnings(s: &Scenario, expected_orders: f64, peak_rate_per_min: f64, peak_load: f64) -> Vec<String> {
    let mut found = Vec::new();
    let horizon = s.horizon.0;
    if expected_orders == 0.0 {
        found.push("no orders will arrive: the rate is 0 (or the horizon is 0) throughout".into());
    }
    if s.fleet.drivers == 0 && expected_orders > 0.0 {
        found.push(if s.is_food() {
            "`fleet.drivers` is 0: no meal can be fetched, every one that is not rejected or cancelled is left stranded at its restaurant".into()
        } else {
            "`fleet.drivers` is 0: no order can be assigned, every one is cancelled at its deadline".into()
        });
    }
    if s.pickup_deadline() == Millis::ZERO {
        found.push(if s.is_food() {
            "`dispatch.pickup_deadline` is 0s: every assignment lapses at once, every driver fails every meal, and meals end stranded".into()
        } else {
            "`dispatch.pickup_deadline` is 0s: every order is past its deadline when placed and is cancelled unassigned"
                .into()
        });
    }
    for (i, step) in s.demand.profile.iter().enumerate() {
        if step.from.0 >= horizon {
            found.push(format!(
                "`demand.profile[{i}]` starts at {}, at or after the horizon ({horizon}): it never applies",
                step.from.0
            ));
        }
    }
    let (_, low, high) = sample_stats(&s.behavior.rating.driver_mean.0, false);
    if low < 1.0 || high > 5.0 {
        found.push(format!(
            "`behavior.rating.driver_mean` draws means from {low:.2} to {high:.2}, outside 1–5: stars are clamped to 1..5, so those drivers' ratings pile up at the end"
        ));
    }
    if s.behavior.no_show.0 == 1.0 {
        found.push("`behavior.no_show` is 1: no assigned driver ever picks up".into());
    }
    // Orders that wait (or are held by a no-show) until the deadline stay in memory that long.
    let held = peak_rate_per_min / 60_000.0 * s.pickup_deadline().as_ms() as f64;
    if held > crate::sim::load::MAX_RESIDENT_ORDERS as f64 {
        found.push(format!(
            "up to about {held:.3e} orders could be in memory at once (the peak rate × the {} pickup deadline), over the run's limit of {}: if the fleet falls behind, the run stops; shorten the deadline",
            s.pickup_deadline(),
            crate::sim::load::MAX_RESIDENT_ORDERS
        ));
    }
    if peak_load >= 1.0 && s.fleet.drivers > 0 {
        found.push(if s.is_food() {
            format!(
                "the fleet is overloaded at the peak (offered load {peak_load:.2}): ready meals will queue for drivers and click-to-door will grow until the rush passes"
            )
        } else {
            format!(
                "the fleet is overloaded at the peak (offered load {peak_load:.2}): orders will queue and many will be cancelled at their deadline"
            )
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(text: &str) -> Scenario {
        crate::scenario::parse("t.toml", text).unwrap()
    }

    #[test]
    fn load_of_a_plain_fleet_is_rate_times_service_time_over_drivers() {
        // 10 drivers, 20 s + 5 m an order (constant), 1 order a minute: ρ = 5m20s / 10m.
        let s = scenario("horizon = \"1h\"\n[behavior]\npickup_delay = \"20s\"\ndelivery_time = \"5m\"\n");
        let e = estimate(&s);
        assert_eq!(e.expected_orders, 60.0);
        assert_eq!(e.busy_per_order, Millis(320_000));
        assert!((e.mean_load - 320.0 / 600.0).abs() < 1e-9, "{e:?}");
        assert_eq!(e.warnings, Vec::<String>::new());
    }

    #[test]
    fn degenerate_values_are_warned_about() {
        let s = scenario(
            "horizon = \"1h\"\n[fleet]\ndrivers = 0\n[demand]\nprofile = [{ from = \"2h\", rate = \"5/m\" }]\n[behavior]\nrating = { driver_mean = \"uniform(0.0, 7.0)\" }\n[dispatch]\npickup_deadline = \"0s\"\n",
        );
        let w = estimate(&s).warnings.join("\n");
        for fragment in [
            "`fleet.drivers` is 0",
            "`dispatch.pickup_deadline` is 0s",
            "`demand.profile[0]` starts at 2h",
            "outside 1–5",
        ] {
            assert!(w.contains(fragment), "missing {fragment:?} in:\n{w}");
        }
    }

    #[test]
    fn a_deadline_that_could_hold_too_many_orders_is_flagged() {
        let s = scenario(
            "horizon = \"2h\"\n[demand]\nrate = \"1000/s\"\n[dispatch]\npickup_deadline = \"24h\"\n",
        );
        let w = estimate(&s).warnings.join("\n");
        assert!(
            w.contains("up to about 8.640e7 orders could be in memory at once"),
            "{w}"
        );
    }

    #[test]
    fn an_overloaded_peak_is_flagged() {
        let s = scenario(
            "horizon = \"2h\"\n[fleet]\ndrivers = 5\n[demand]\nprofile = [{ from = \"1h\", rate = \"10/m\" }]\n[behavior]\npickup_delay = \"1m\"\ndelivery_time = \"1m\"\n",
        );
        let e = estimate(&s);
        assert!((e.peak_load - 4.0).abs() < 1e-9, "{e:?}");
        assert!(e.warnings.iter().any(|w| w.contains("overloaded")), "{e:?}");
    }

    #[test]
    fn nearest_shortens_the_first_leg_by_the_idle_drivers_density() {
        // 100 drivers in a 4 km disc at 24 km/h (400 m a minute), hardly any load: the
        // nearest of 100 scattered points is 1 / (2 √(100 / (π·16))) ≈ 0.3545 km away, 53.2 s.
        let s = scenario(
            "horizon = \"1h\"\n[fleet]\ndrivers = 100\n[demand]\nrate = \"1/h\"\n[area]\ncenter = [0.0, 0.0]\nradius_km = 4.0\nspeed_kmh = 24.0\n[dispatch]\npolicy = \"nearest\"\n",
        );
        let e = estimate(&s);
        let leg = e.nearest_leg.unwrap().as_ms() as f64;
        assert!((leg - 53_174.0).abs() < 200.0, "{e:?}");
        assert!(leg < e.travel_leg.as_ms() as f64);
        // Heavier load leaves fewer drivers idle, so the trip and the busy time grow.
        let busy = |rate: &str| {
            let text = format!(
                "horizon = \"1h\"\n[fleet]\ndrivers = 100\n[demand]\nrate = \"{rate}\"\n[area]\ncenter = [0.0, 0.0]\nradius_km = 4.0\nspeed_kmh = 24.0\n[dispatch]\npolicy = \"nearest\"\n"
            );
            estimate(&scenario(&text)).busy_per_order
        };
        assert!(busy("1/h") < busy("2/m") && busy("2/m") < busy("5/m"));
        // Other policies travel the mean distance.
        let longest = scenario("[area]\ncenter = [0.0, 0.0]\n");
        assert_eq!(estimate(&longest).nearest_leg, None);
    }
}
