//! `courier-sim run` on a small food scenario (SPEC §8.6): the exact headers of every food
//! report, the identities each row must satisfy, the restaurants and the summary recomputed
//! from `orders.csv`, and a byte-identical rerun. Read back with the `csv` crate.

use std::path::Path;

use crate::support::courier_sim;

/// A crowded food evening: rejections, cancellations, no-shows (failed pickups and review
/// flags after 2), sold-out dishes, double taps. (Regression: a load run stopped with an
/// internal error at its first `out_of_stock` placement.)
const SMALL_DINNER: &str = r#"
profile = "food"
name = "small-dinner"
seed = 11
horizon = "40m"
[area]
center = [52.52, 13.405]
radius_km = 2.0
speed_kmh = 25.0
[restaurants]
count = 4
prep = "lognormal(8m, 3m)"
confirm_delay = "uniform(10s, 60s)"
reject = 0.1
menu = 5
price_cents = "uniform(600, 2400)"
stock = 12
[fleet]
drivers = 8
[demand]
customers = 200
rate = "3/m"
lines = "uniform(1, 3)"
quantity = "uniform(1, 2)"
tip_cents = "uniform(0, 400)"
double_tap = 0.1
[behavior]
pickup_delay = "exp(1m)"
dropoff = "lognormal(2m, 1m)"
no_show = 0.15
cancel = { probability = 0.1, after = "uniform(0s, 20m)" }
rating = { probability = 0.6, driver_mean = "uniform(3.5, 5.0)", spread = 0.7 }
[dispatch]
policy = "nearest"
pickup_deadline = "10m"
review_after = 2
[pricing]
base_fee_cents = 299
per_km_cents = 50
[report]
events = true
notifications = true
"#;

const ORDERS: &str = "order_id,customer,restaurant,items,subtotal_cents,delivery_fee_cents,tip_cents,total_cents,refunded_cents,placed_ms,confirmed_ms,ready_ms,assigned_ms,driver,picked_up_ms,delivered_ms,cancelled_ms,cancel_reason,status,failed_pickups,eta_ms,rating";
const RESTAURANTS: &str = "restaurant,orders,rejected,cancelled,delivered,revenue_cents,refunded_cents,out_of_stock_refused,prep_mean_ms,ready_to_pickup_mean_ms";
const RANKINGS: &str = "driver,deliveries,rating_avg,ratings,rating_score,rank_by_deliveries,rank_by_rating,busy_ms,utilization,assigned_then_cancelled,failed_pickups,review";
const FOOD_METRICS: [&str; 14] = [
    "click_to_door_p50_ms",
    "click_to_door_p90_ms",
    "click_to_door_p99_ms",
    "ready_to_pickup_mean_ms",
    "eta_error_mean_ms",
    "eta_abs_error_mean_ms",
    "failed_pickups",
    "drivers_flagged",
    "rejected_by_restaurant",
    "out_of_stock_refused",
    "restaurant_closed_refused",
    "revenue_cents",
    "refunded_cents",
    "stranded",
];

/// A CSV file read back: its header and its rows.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(path: &Path) -> Table {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let header = reader.headers().unwrap().iter().map(str::to_string).collect();
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        Table { header, rows }
    }

    fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// The cell of `row` in column `name`.
    fn cell<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        &row[self.column(name)]
    }

    /// The cell as a number; `None` if empty.
    fn num(&self, row: &[String], name: &str) -> Option<u64> {
        let cell = self.cell(row, name);
        (!cell.is_empty()).then(|| cell.parse().unwrap_or_else(|_| panic!("{name}: {cell}")))
    }
}

fn run_small_dinner(dir: &Path, out: &str) -> std::path::PathBuf {
    let scenario = dir.join("small.toml");
    std::fs::write(&scenario, SMALL_DINNER).unwrap();
    let out = dir.join(out);
    let r = courier_sim(&["run", scenario.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    out
}

fn summary_of(dir: &Path) -> Vec<(String, String)> {
    let t = Table::read(&dir.join("summary.csv"));
    assert_eq!(t.header, ["metric", "value"]);
    t.rows.into_iter().map(|r| (r[0].clone(), r[1].clone())).collect()
}

fn mean(sum: u128, n: u64) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("{:.1}", sum as f64 / n as f64)
    }
}

/// Nearest rank, as `docs/reports.md` defines it.
fn percentile(sorted: &[u64], p: f64) -> String {
    if sorted.is_empty() {
        return String::new();
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank - 1].to_string()
}

#[test]
fn food_reports_have_their_columns_and_agree_with_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_small_dinner(dir.path(), "a");
    let first_line = |name: &str| {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        text.lines().next().unwrap().to_string()
    };
    assert_eq!(first_line("orders.csv"), ORDERS);
    assert_eq!(first_line("restaurants.csv"), RESTAURANTS);
    assert_eq!(first_line("driver_rankings.csv"), RANKINGS);
    assert_eq!(first_line("summary.csv"), "metric,value");
    let summary = summary_of(&out);
    let metrics: Vec<&str> = summary.iter().map(|(k, _)| k.as_str()).collect();
    // Every parcel row, in its place (as in a parcel run's golden summary), then the food
    // rows in the SPEC's order.
    let parcel: Vec<String> = summary_of(&crate::support::root().join("tests/golden/evening"))
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let (before, food) = metrics.split_at(metrics.len() - FOOD_METRICS.len());
    assert_eq!(before, parcel);
    assert_eq!(food, FOOD_METRICS);
    let value = |name: &str| {
        summary
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} in summary"))
    };

    let orders = Table::read(&out.join("orders.csv"));
    assert!(orders.rows.len() > 50, "{} orders", orders.rows.len());
    let mut click_to_door = Vec::new();
    let (mut revenue, mut refunded, mut failed, mut rejected, mut delivered) =
        (0u128, 0u128, 0u64, 0u64, 0u64);
    let (mut ready_to_pickup, mut picked_up) = (0u128, 0u64);
    let (mut eta_error, mut eta_abs) = (0i128, 0u128);
    for row in &orders.rows {
        let n = |name| orders.num(row, name);
        let id = orders.cell(row, "order_id");
        let total = n("total_cents").unwrap();
        assert_eq!(
            total,
            n("subtotal_cents").unwrap() + n("delivery_fee_cents").unwrap() + n("tip_cents").unwrap(),
            "{id}: total"
        );
        assert!(n("refunded_cents").unwrap() <= total, "{id}: refund above total");
        let times: Vec<u64> = [
            "placed_ms",
            "confirmed_ms",
            "ready_ms",
            "assigned_ms",
            "picked_up_ms",
            "delivered_ms",
        ]
        .into_iter()
        .filter_map(n)
        .collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "{id}: times out of order {times:?}"
        );
        assert_eq!(
            n("assigned_ms").is_some(),
            !orders.cell(row, "driver").is_empty(),
            "{id}"
        );
        let items = orders.cell(row, "items");
        assert!(
            items
                .split(';')
                .all(|line| line.starts_with("item-") && line.contains('*')),
            "{id}: items {items}"
        );
        revenue += u128::from(total - n("refunded_cents").unwrap());
        refunded += u128::from(n("refunded_cents").unwrap());
        failed += n("failed_pickups").unwrap();
        rejected += u64::from(orders.cell(row, "cancel_reason") == "restaurant_rejected");
        if let (Some(ready), Some(picked)) = (n("ready_ms"), n("picked_up_ms")) {
            ready_to_pickup += u128::from(picked - ready);
            picked_up += 1;
        }
        match orders.cell(row, "status") {
            "delivered" => {
                delivered += 1;
                let at = n("delivered_ms").unwrap();
                click_to_door.push(at - n("placed_ms").unwrap());
                let error = i128::from(at) - i128::from(n("eta_ms").unwrap());
                eta_error += error;
                eta_abs += error.unsigned_abs();
            }
            "cancelled" => assert!(n("cancelled_ms").is_some(), "{id}"),
            other => panic!("{id} ended {other}"),
        }
    }
    click_to_door.sort_unstable();
    let stranded = orders
        .rows
        .iter()
        .filter(|r| !matches!(r[orders.column("status")].as_str(), "delivered" | "cancelled"))
        .count();
    for (metric, expected) in [
        ("orders_placed", orders.rows.len().to_string()),
        ("stranded", stranded.to_string()),
        ("delivered", delivered.to_string()),
        ("rejected_by_restaurant", rejected.to_string()),
        ("revenue_cents", revenue.to_string()),
        ("refunded_cents", refunded.to_string()),
        ("failed_pickups", failed.to_string()),
        ("click_to_door_p50_ms", percentile(&click_to_door, 50.0)),
        ("click_to_door_p90_ms", percentile(&click_to_door, 90.0)),
        ("click_to_door_p99_ms", percentile(&click_to_door, 99.0)),
        ("ready_to_pickup_mean_ms", mean(ready_to_pickup, picked_up)),
        ("eta_abs_error_mean_ms", mean(eta_abs, delivered)),
        (
            "eta_error_mean_ms",
            format!("{:.1}", eta_error as f64 / delivered as f64),
        ),
    ] {
        assert_eq!(value(metric), expected, "{metric}");
    }
    // The scenario makes every food figure happen.
    for metric in [
        "rejected_by_restaurant",
        "failed_pickups",
        "drivers_flagged",
        "out_of_stock_refused",
    ] {
        assert_ne!(value(metric), "0", "{metric} never happened");
    }
    assert_eq!(value("restaurant_closed_refused"), "0");

    let restaurants = Table::read(&out.join("restaurants.csv"));
    let names: Vec<&str> = restaurants.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        names,
        ["restaurant-1", "restaurant-2", "restaurant-3", "restaurant-4"]
    );
    let mut out_of_stock = 0;
    for row in &restaurants.rows {
        let name = &row[0];
        let of_it: Vec<&Vec<String>> = orders
            .rows
            .iter()
            .filter(|o| orders.cell(o, "restaurant") == name)
            .collect();
        let count = |f: &dyn Fn(&Vec<String>) -> bool| of_it.iter().filter(|o| f(o)).count().to_string();
        let reason = |o: &Vec<String>| orders.cell(o, "cancel_reason").to_string();
        let sum = |f: &dyn Fn(&Vec<String>) -> Option<u64>| -> (u128, u64) {
            of_it
                .iter()
                .filter_map(|o| f(o))
                .fold((0, 0), |(s, n), v| (s + u128::from(v), n + 1))
        };
        let n = |o: &Vec<String>, name| orders.num(o, name);
        let (rev, _) = sum(&|o| Some(n(o, "total_cents")? - n(o, "refunded_cents")?));
        let (refund, _) = sum(&|o| n(o, "refunded_cents"));
        // In a load run the kitchen starts on confirmation, so preparing → ready is
        // confirmed → ready.
        let (prep, prepared) = sum(&|o| Some(n(o, "ready_ms")? - n(o, "confirmed_ms")?));
        let (wait, waited) = sum(&|o| Some(n(o, "picked_up_ms")? - n(o, "ready_ms")?));
        let cell = |c| restaurants.cell(row, c).to_string();
        assert_eq!(cell("orders"), of_it.len().to_string(), "{name}");
        assert_eq!(
            cell("rejected"),
            count(&|o| reason(o) == "restaurant_rejected"),
            "{name}"
        );
        assert_eq!(cell("cancelled"), count(&|o| reason(o) == "customer"), "{name}");
        assert_eq!(
            cell("delivered"),
            count(&|o| orders.cell(o, "status") == "delivered"),
            "{name}"
        );
        assert_eq!(cell("revenue_cents"), rev.to_string(), "{name}");
        assert_eq!(cell("refunded_cents"), refund.to_string(), "{name}");
        assert_eq!(cell("prep_mean_ms"), mean(prep, prepared), "{name}");
        assert_eq!(cell("ready_to_pickup_mean_ms"), mean(wait, waited), "{name}");
        out_of_stock += restaurants.num(row, "out_of_stock_refused").unwrap();
    }
    assert_eq!(out_of_stock.to_string(), value("out_of_stock_refused"));

    let rankings = Table::read(&out.join("driver_rankings.csv"));
    let failed_by_drivers: u64 = rankings
        .rows
        .iter()
        .map(|r| rankings.num(r, "failed_pickups").unwrap())
        .sum();
    assert_eq!(failed_by_drivers.to_string(), value("failed_pickups"));
    let flagged = rankings
        .rows
        .iter()
        .filter(|r| rankings.cell(r, "review") == "yes")
        .count();
    assert!(rankings
        .rows
        .iter()
        .all(|r| matches!(rankings.cell(r, "review"), "yes" | "no")));
    assert_eq!(flagged.to_string(), value("drivers_flagged"));

    // Byte-identical rerun, every file.
    let again = run_small_dinner(dir.path(), "b");
    for report in [
        "orders.csv",
        "restaurants.csv",
        "driver_rankings.csv",
        "summary.csv",
        "events.csv",
        "notifications.csv",
    ] {
        let (x, y) = (
            std::fs::read(out.join(report)).unwrap(),
            std::fs::read(again.join(report)).unwrap(),
        );
        assert!(x == y, "{report} differs between two runs");
    }
}

#[test]
fn the_food_summary_on_the_terminal_leads_with_click_to_door() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("small.toml");
    std::fs::write(&scenario, SMALL_DINNER).unwrap();
    let out = dir.path().join("out");
    let r = courier_sim(&["run", scenario.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines[1].starts_with("click to door p50/p90/p99 (delivered orders): "),
        "{}",
        r.stdout
    );
    for words in [
        "rejected",
        "placements refused:",
        "revenue ",
        "mean ready to pickup ",
        "mean ETA error ",
        "failed pickups ",
        "drivers flagged for review ",
        "top drivers by deliveries:",
        "top drivers by rating:",
    ] {
        assert!(r.stdout.contains(words), "no `{words}` in\n{}", r.stdout);
    }
    // Whole seconds, as durations: `26m56s`, never raw milliseconds.
    assert!(!lines[1].contains(" ms"), "{}", lines[1]);
}

#[test]
fn every_food_column_and_metric_is_documented() {
    let docs = std::fs::read_to_string(crate::support::root().join("docs/reports.md")).unwrap();
    let names = ORDERS
        .split(',')
        .chain(RESTAURANTS.split(','))
        .chain(RANKINGS.split(','))
        .chain(FOOD_METRICS);
    for name in names {
        assert!(
            docs.contains(&format!("| `{name}` |")),
            "docs/reports.md has no row for `{name}`"
        );
    }
}
