//! `courier-sim run` on food scenarios: byte-identical reruns, common random numbers for
//! every placement across policies and fleet sizes, and a queueing sanity check against
//! Erlang C that a reader can work out by hand.

use std::path::Path;

use crate::support::{erlang_c_wait, root, run, summary_value, write_scenario};

/// The evening example, cut to 40 minutes so the test stays quick.
fn short_evening(policy: &str, drivers: u32) -> String {
    std::fs::read_to_string(root().join("scenarios/food-evening.toml"))
        .unwrap()
        .replace("horizon = \"3h\"", "horizon = \"40m\"")
        .replace("policy = \"nearest\"", &format!("policy = \"{policy}\""))
        .replace("drivers = 120", &format!("drivers = {drivers}"))
        // Stock that runs out, so refusals are part of what must line up.
        .replace("stock = 300", "stock = 3")
}

/// `orders.csv` rows cut to the placement: id, customer, restaurant, items, the invoice
/// before refunds, and the placement instant.
fn placements(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("orders.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let keep = [
        "order_id",
        "customer",
        "restaurant",
        "items",
        "subtotal_cents",
        "delivery_fee_cents",
        "tip_cents",
        "total_cents",
        "placed_ms",
    ];
    let columns: Vec<usize> = keep
        .iter()
        .map(|k| header.iter().position(|h| h == k).unwrap())
        .collect();
    lines
        .map(|l| {
            let fields: Vec<&str> = l.split(',').collect();
            columns.iter().map(|&c| fields[c]).collect::<Vec<_>>().join(",")
        })
        .collect()
}

#[test]
fn every_placement_is_the_same_across_policies_and_fleet_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let mut seen = Vec::new();
    for (policy, drivers) in [
        ("nearest", 120),
        ("longest_idle", 120),
        ("nearest", 25),
        ("longest_idle", 25),
    ] {
        let scenario = write_scenario(dir.path(), "crn.toml", &short_evening(policy, drivers));
        let out = dir.path().join(format!("{policy}-{drivers}"));
        run(&scenario, &out, &[]);
        seen.push((
            format!("{policy}/{drivers}"),
            placements(&out),
            summary_value(&out, "out_of_stock_refused"),
            summary_value(&out, "duplicates_prevented"),
            std::fs::read(out.join("orders.csv")).unwrap(),
        ));
    }
    let (first_name, first, refused, duplicates, first_bytes) = &seen[0];
    assert!(first.len() > 150, "too few orders to mean anything");
    assert_ne!(
        refused, "0",
        "no dish sold out: the refusals are not being compared"
    );
    for (name, other, other_refused, other_duplicates, bytes) in &seen[1..] {
        assert_eq!(first, other, "{name} changed the placements of {first_name}");
        assert_eq!((refused, duplicates), (other_refused, other_duplicates), "{name}");
        assert!(
            first_bytes != bytes,
            "{name} changed nothing: the test would pass vacuously"
        );
    }
}

#[test]
fn a_rerun_writes_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let text = short_evening("nearest", 60).replace(
        "[pricing]",
        "[report]\nevents = true\nnotifications = true\n\n[pricing]",
    );
    let scenario = write_scenario(dir.path(), "again.toml", &text);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run(&scenario, &a, &[]);
    run(&scenario, &b, &[]);
    for report in [
        "orders.csv",
        "restaurants.csv",
        "driver_rankings.csv",
        "summary.csv",
        "events.csv",
        "notifications.csv",
    ] {
        let first = std::fs::read(a.join(report)).unwrap();
        assert!(first.len() > 200, "{report} is nearly empty");
        assert!(
            first == std::fs::read(b.join(report)).unwrap(),
            "{report} differs between runs"
        );
    }
}

#[test]
fn ready_to_pickup_agrees_with_erlang_c() {
    // Every place within a millimetre, so no trip takes a millisecond; the restaurant
    // answers at once and cooks exactly 10 minutes, so meals become ready as a Poisson
    // stream (the arrivals, shifted); the handover takes no time and the dropoff is
    // exp(5m), so a driver is busy an exponential time; nobody cancels, rejects or fails,
    // and the deadline is out of reach. Ready meals wait for one of c = 10 drivers in
    // first-ready order: ready → pickup is the M/M/c queueing delay. With λ = 1.6/min and
    // μ = 0.2/min: a = 8, ρ = 0.8, P(wait) ≈ 0.409, Wq ≈ 1.023 min = 61,377 ms.
    let text = r#"
profile = "food"
horizon = "300h"
[area]
center = [52.52, 13.405]
radius_km = 0.000001
[restaurants]
count = 5
prep = "10m"
confirm_delay = "0s"
[fleet]
drivers = 10
[demand]
customers = 100
rate = "1.6/m"
[behavior]
pickup_delay = "0s"
dropoff = "exp(5m)"
rating = { probability = 0.0 }
[dispatch]
pickup_deadline = "1000h"
"#;
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_scenario(dir.path(), "mmc.toml", text);
    let expected_ms = erlang_c_wait(1.6, 0.2, 10) * 60_000.0;
    // About 28,800 meals a run. Waits are strongly autocorrelated at ρ = 0.8: over seeds
    // 1..=10 of a 600-hour run (measured when this test was written) the mean wait had a
    // relative standard deviation of 8.9 % between runs, and their average was 1.4 % above
    // Erlang C. A 300-hour run has √2 times that spread (12.6 %), so the mean of four
    // has 6.3 %: a 20 % tolerance is about 3σ.
    let mut waits = Vec::new();
    for seed in ["1", "2", "3", "4"] {
        let out = dir.path().join(seed);
        run(&scenario, &out, &["--seed", seed]);
        waits.push(
            summary_value(&out, "ready_to_pickup_mean_ms")
                .parse::<f64>()
                .unwrap(),
        );
        assert_eq!(summary_value(&out, "failed_pickups"), "0");
        assert_eq!(summary_value(&out, "stranded"), "0");
        // Busy time is ρ = 0.8 of the fleet's (its standard error over 300 h is well
        // under 0.01), and no trip took any time.
        let utilization: f64 = summary_value(&out, "driver_utilization").parse().unwrap();
        assert!(
            (utilization - 0.8).abs() < 0.03,
            "seed {seed}: utilization {utilization}"
        );
    }
    let measured = waits.iter().sum::<f64>() / waits.len() as f64;
    let error = (measured - expected_ms).abs() / expected_ms;
    assert!(
        error < 0.20,
        "mean ready-to-pickup {measured:.0} ms (runs {waits:?}) vs Erlang C {expected_ms:.0} ms ({:.1}% off)",
        error * 100.0
    );
}
