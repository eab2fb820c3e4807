//! `courier-sim check`: validates a scenario without running it and prints what it will
//! ask of its fleet (expected orders, offered load, warnings).

use std::process::ExitCode;

use super::load_scenario;
use courier_sim::time::Millis;

/// Validates a scenario and prints what it will ask of its fleet; exit 0 when valid
/// (warnings included), 2 when not.
pub(crate) fn check(path: &std::path::Path) -> ExitCode {
    use std::fmt::Write as _;
    let scenario = match load_scenario(path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let e = courier_sim::scenario::check::estimate(&scenario);
    let mut out = String::new();
    let _ = writeln!(out, "{}: valid", path.display());
    let _ = writeln!(
        out,
        "  {}: seed {}, policy {}, horizon {}, pickup deadline {}, {} drivers, {} customers",
        scenario.name,
        scenario.seed,
        scenario.policy().as_str(),
        scenario.horizon.0,
        scenario.pickup_deadline(),
        scenario.fleet.drivers,
        scenario.demand.customers
    );
    let _ = writeln!(
        out,
        "  expected orders: about {:.0} ({:.2} a minute on average, {:.2} at the peak)",
        e.expected_orders, e.mean_rate_per_min, e.peak_rate_per_min
    );
    // Whole seconds read best; below a second the milliseconds are the figure.
    let seconds = |t: Millis| {
        if t.as_ms() < 1000 {
            t
        } else {
            Millis((t.as_ms() + 500) / 1000 * 1000)
        }
    };
    let (pickup, last_leg) = if scenario.is_food() {
        ("restaurant", "dropoff")
    } else {
        ("sender", "delivery")
    };
    let travel = match (&scenario.area, e.nearest_leg) {
        (None, _) => "no travel without an [area]".to_string(),
        (Some(_), None) => format!(
            "travel {} a leg at the area's mean distance",
            seconds(e.travel_leg)
        ),
        (Some(_), Some(nearest)) => format!(
            "travel {} to the {pickup} from the nearest idle driver and {} to the door at the area's mean distance",
            seconds(nearest),
            seconds(e.travel_leg)
        ),
    };
    let _ = writeln!(
        out,
        "  a driver is busy about {} an order (pickup delay, {last_leg}, {travel}, no-shows held to the deadline)",
        seconds(e.busy_per_order),
    );
    if scenario.fleet.drivers == 0 {
        let _ = writeln!(out, "  fleet capacity: none (no drivers)");
    } else if e.capacity_per_min.is_finite() {
        let _ = writeln!(
            out,
            "  fleet capacity: about {:.2} orders a minute; offered load {:.2} on average, {:.2} at the peak",
            e.capacity_per_min, e.mean_load, e.peak_load
        );
    } else {
        let _ = writeln!(out, "  fleet capacity: unbounded (orders take no time)");
    }
    if e.warnings.is_empty() {
        let _ = writeln!(out, "  warnings: none");
    }
    for w in &e.warnings {
        let _ = writeln!(out, "  warning: {w}");
    }
    match super::print_out(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
