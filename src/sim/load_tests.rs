//! The load run's own cases: limits, refusals that are part of a run, stranded meals.
use super::*;
use crate::engine::Profile;

/// Regression: a food run stopped with "internal error: out_of_stock" at the first
/// placement that found its dish sold out.
#[test]
fn a_meal_refused_for_stock_is_part_of_the_run() {
    let scenario = crate::scenario::parse(
        "stock.toml",
        "profile = \"food\"\nhorizon = \"20m\"\n[area]\ncenter = [52.52, 13.405]\nradius_km = 2.0\n\
         [restaurants]\ncount = 1\nmenu = 1\nstock = 2\n[fleet]\ndrivers = 3\n[demand]\ncustomers = 20\nrate = \"1/m\"\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let result = run_to_dir(&scenario, 1, &dir.path().join("out"), &mut ()).unwrap();
    // Two portions for about twenty meals: most were refused, and the run went on.
    let arrived = arrivals(&scenario, 1).count() as u32;
    let placed = result.engine.orders_placed();
    assert!(placed > 0 && placed < arrived, "{placed} of {arrived}");
}

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
    let mut reports = Reports::create(&dir.path().join("out"), Profile::Parcel, false, false).unwrap();
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

#[test]
fn meals_every_driver_failed_end_the_run_stranded_and_reported() {
    // One driver who fails half the time: some meals are failed by the only driver and
    // can never be fetched. The run still ends, writes every order and counts them.
    let scenario = crate::scenario::parse(
        "strand.toml",
        "profile = \"food\"\nhorizon = \"30m\"\n[area]\ncenter = [52.52, 13.405]\n[fleet]\ndrivers = 1\n[behavior]\nno_show = 0.5\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let result = run_to_dir(&scenario, 42, &out, &mut ()).unwrap();
    let stranded = result.stats.stranded;
    assert!(stranded > 0, "{:?}", result.summary);
    let rows = std::fs::read_to_string(out.join("orders.csv")).unwrap();
    let ready = rows.lines().filter(|l| l.contains(",ready,")).count() as u64;
    assert_eq!(ready, stranded);
    assert_eq!(rows.lines().count() as u64 - 1, result.stats.orders_placed);
}
