//! The `(metric, value)` rows of `summary.csv` (SPEC §6), from a run's [`Stats`] and its
//! engine at the end. A food run adds its rows after every parcel row (SPEC §8.6), so the
//! parcel rows keep their names and places in both profiles.

use super::food_stats::FoodStats;
use super::Stats;
use crate::engine::Engine;
use crate::time::Millis;

/// The `(metric, value)` rows of `summary.csv`.
pub fn summary_rows(
    scenario: &crate::scenario::Scenario,
    seed: u64,
    engine: &Engine,
    s: &Stats,
) -> Vec<(String, String)> {
    let run_length = s.sim_end_ms;
    let drivers = engine.drivers();
    let busy: u128 = drivers
        .iter()
        .map(|d| u128::from(d.busy_ms_at(Millis(run_length))))
        .sum();
    let utilization = if run_length == 0 || drivers.is_empty() {
        0.0
    } else {
        busy as f64 / (run_length as f64 * drivers.len() as f64)
    };
    let horizon = scenario.horizon.0.as_ms();
    let during_arrivals = if horizon == 0 || drivers.is_empty() {
        0.0
    } else {
        s.busy_during_arrivals_ms as f64 / (horizon as f64 * drivers.len() as f64)
    };
    let opt = |v: Option<u64>| v.map_or_else(String::new, |v| v.to_string());
    let mean = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.1}"));
    let mut rows: Vec<(&str, String)> = vec![
        ("scenario", scenario.name.clone()),
        ("seed", seed.to_string()),
        ("policy", scenario.policy().as_str().to_string()),
        ("drivers", drivers.len().to_string()),
        ("orders_placed", s.orders_placed.to_string()),
        ("duplicates_prevented", s.duplicates_prevented.to_string()),
        ("delivered", s.delivered.to_string()),
        ("cancelled_no_pickup", s.cancelled_no_pickup.to_string()),
        ("cancelled_by_customer", s.cancelled_by_customer.to_string()),
        ("pickup_refused_cancelled", s.pickup_refused_cancelled.to_string()),
        ("cancel_refused_picked_up", s.cancel_refused_picked_up.to_string()),
        ("cancel_refused_delivered", s.cancel_refused_delivered.to_string()),
        ("no_shows", s.no_shows.to_string()),
        ("ratings", s.ratings.to_string()),
        ("wait_assign_p50_ms", opt(s.wait_assign_percentile(50.0))),
        ("wait_assign_p90_ms", opt(s.wait_assign_percentile(90.0))),
        ("wait_assign_p99_ms", opt(s.wait_assign_percentile(99.0))),
        ("wait_pickup_mean_ms", mean(s.wait_pickup_mean_ms())),
        ("delivery_time_mean_ms", mean(s.delivery_time_mean_ms())),
        ("driver_utilization", format!("{utilization:.4}")),
        (
            "driver_utilization_during_arrivals",
            format!("{during_arrivals:.4}"),
        ),
        ("notifications_sent", s.notifications_sent.to_string()),
        ("events_processed", s.events_processed.to_string()),
        ("sim_end_ms", s.sim_end_ms.to_string()),
    ];
    if scenario.is_food() {
        rows.extend(food_rows(engine, &s.food));
        rows.push(("stranded", s.stranded.to_string()));
    }
    rows.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The rows a food run adds, in the SPEC's order.
fn food_rows(engine: &Engine, f: &FoodStats) -> Vec<(&'static str, String)> {
    let opt = |v: Option<u64>| v.map_or_else(String::new, |v| v.to_string());
    let mean = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.1}"));
    let flagged = engine.drivers().iter().filter(|d| d.flagged).count();
    vec![
        ("click_to_door_p50_ms", opt(f.click_to_door_percentile(50.0))),
        ("click_to_door_p90_ms", opt(f.click_to_door_percentile(90.0))),
        ("click_to_door_p99_ms", opt(f.click_to_door_percentile(99.0))),
        ("ready_to_pickup_mean_ms", mean(f.ready_to_pickup_mean_ms())),
        ("eta_error_mean_ms", mean(f.eta_error_mean_ms())),
        ("eta_abs_error_mean_ms", mean(f.eta_abs_error_mean_ms())),
        ("failed_pickups", f.failed_pickups.to_string()),
        ("drivers_flagged", flagged.to_string()),
        ("rejected_by_restaurant", f.rejected_by_restaurant.to_string()),
        ("out_of_stock_refused", f.out_of_stock_refused.to_string()),
        (
            "restaurant_closed_refused",
            f.restaurant_closed_refused.to_string(),
        ),
        ("revenue_cents", f.revenue_cents.to_string()),
        ("refunded_cents", f.refunded_cents.to_string()),
    ]
}
