//! The food profile's own reports (SPEC §8.6): the columns of a food run's `orders.csv`
//! and how one row is written, and `restaurants.csv`, one row per restaurant in id order
//! from the tallies gathered as orders retired ([`super::food_stats`]). The food rows of
//! `summary.csv` and the columns `driver_rankings.csv` adds are in [`super::summary`] and
//! [`super::rankings`].

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use super::food_stats::FoodStats;
use super::row::{Decimal, RowWriter};
use crate::engine::{Engine, FoodOrder, Order, RestaurantId};
use crate::time::Millis;

/// Columns of a food run's `orders.csv`.
pub const FOOD_ORDER_COLUMNS: [&str; 22] = [
    "order_id",
    "customer",
    "restaurant",
    "items",
    "subtotal_cents",
    "delivery_fee_cents",
    "tip_cents",
    "total_cents",
    "refunded_cents",
    "placed_ms",
    "confirmed_ms",
    "ready_ms",
    "assigned_ms",
    "driver",
    "picked_up_ms",
    "delivered_ms",
    "cancelled_ms",
    "cancel_reason",
    "status",
    "failed_pickups",
    "eta_ms",
    "rating",
];

/// Columns of `restaurants.csv`.
pub const RESTAURANT_COLUMNS: [&str; 10] = [
    "restaurant",
    "orders",
    "rejected",
    "cancelled",
    "delivered",
    "revenue_cents",
    "refunded_cents",
    "out_of_stock_refused",
    "prep_mean_ms",
    "ready_to_pickup_mean_ms",
];

/// Writes a food order's lines as `items` shows them, `item-3*2;item-7*1`, in the order's
/// line order, into `out` (cleared first).
pub fn write_items(out: &mut String, engine: &Engine, food: &FoodOrder) {
    out.clear();
    let menu = engine
        .restaurants()
        .get(food.restaurant.index())
        .map_or(&[][..], |r| &r.menu[..]);
    for (i, line) in food.lines.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        // A line always names a dish of its restaurant's menu; were it not so, the row
        // still says which one by its number.
        match menu.get(line.item.index()) {
            Some(item) => out.push_str(&item.name),
            None => {
                let _ = write!(out, "#{}", line.item.index() + 1);
            }
        }
        out.push('*');
        out.push_str(Decimal::of(u64::from(line.quantity)).as_str());
    }
}

/// Writes one row of a food run's `orders.csv` ([`FOOD_ORDER_COLUMNS`]) into `w` (the
/// row is not ended). `items` is a reused buffer. A parcel order given here gets empty food
/// cells.
pub(super) fn write_order(w: &mut RowWriter, items: &mut String, engine: &Engine, order: &Order) {
    let food = order.food();
    let customer = engine
        .customers()
        .get(order.sender.index())
        .map_or("", |c| c.name.as_str());
    let restaurant = food
        .and_then(|f| engine.restaurants().get(f.restaurant.index()))
        .map_or("", |r| r.name.as_str());
    match food {
        Some(f) => write_items(items, engine, f),
        None => items.clear(),
    }
    // An order that went back to `ready` holds no driver (SPEC §8.3); its undone assignment
    // is in `failed_pickups`, so the pair describes only an assignment that still stood.
    let driver = order.driver.and_then(|d| engine.drivers().get(d.index()));
    let assigned_at = driver.and(order.assigned_at);
    let ms = |t: Option<Millis>| t.map(Millis::as_ms);
    let invoice = food.map(|f| f.invoice);
    w.order(order.id)
        .text(customer)
        .text(restaurant)
        .text(items)
        .opt(invoice.map(|i| i.subtotal))
        .opt(invoice.map(|i| i.delivery_fee))
        .opt(invoice.map(|i| i.tip))
        .opt(invoice.map(|i| i.total))
        .opt(invoice.map(|i| i.refunded))
        .number(order.created_at.as_ms())
        .opt(ms(food.and_then(|f| f.confirmed_at)))
        .opt(ms(food.and_then(|f| f.ready_at)))
        .opt(ms(assigned_at))
        .text(driver.map_or("", |d| d.name.as_str()))
        .opt(ms(order.picked_up_at))
        .opt(ms(order.delivered_at))
        .opt(ms(order.cancelled_at))
        .code(order.cancel_reason.map_or("", |r| r.as_str()))
        .code(order.status.as_str())
        .opt(food.map(|f| f.failed_drivers.len() as u64))
        .opt(food.map(|f| f.eta.as_ms()))
        .opt(order.rating.map(u64::from));
}

/// Writes `restaurants.csv` into `dir`: one row per restaurant of `engine`, in id order,
/// from `stats`. The file is returned unsynced, to finish with the rest of the set.
pub(super) fn write_restaurants(dir: &Path, engine: &Engine, stats: &FoodStats) -> io::Result<RowWriter> {
    let mut w = RowWriter::create(dir, "restaurants.csv", &RESTAURANT_COLUMNS)?;
    let mean = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.1}"));
    for (i, restaurant) in engine.restaurants().iter().enumerate() {
        let tally = stats.restaurant(RestaurantId(i as u32));
        w.text(&restaurant.name)
            .plain(tally.orders)
            .plain(tally.rejected)
            .plain(tally.cancelled)
            .plain(tally.delivered)
            .plain(tally.revenue_cents)
            .plain(tally.refunded_cents)
            .plain(tally.out_of_stock_refused)
            .plain(mean(tally.prep_mean_ms()))
            .plain(mean(tally.ready_to_pickup_mean_ms()));
        w.end()?;
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Command, Contact, CustomerId, EngineConfig, ItemId, LatLon, Line, Profile};

    fn food_engine() -> Engine {
        let config = EngineConfig {
            profile: Profile::Food,
            ..EngineConfig::default()
        };
        let mut engine = Engine::new(config).unwrap();
        let at = LatLon::new(52.5, 13.4).unwrap();
        let commands = [
            Command::OnboardCustomer {
                name: "ann".into(),
                contact: Contact::default(),
                address: None,
                location: Some(at),
            },
            Command::OnboardRestaurant {
                name: "pizza, pasta".into(),
                contact: Contact::default(),
                location: at,
                prep: Millis(600_000),
                open: true,
            },
        ];
        for command in &commands {
            engine.apply(Millis::ZERO, command).unwrap();
        }
        for (item, price) in [("item-1", 500), ("item-2", 700), ("item-3", 900)] {
            let menu = Command::SetMenuItem {
                restaurant: RestaurantId(0),
                item: item.into(),
                price,
                stock: None,
            };
            engine.apply(Millis::ZERO, &menu).unwrap();
        }
        engine
    }

    #[test]
    fn items_follow_the_line_order_with_quantities() {
        let mut engine = food_engine();
        let lines = vec![
            Line {
                item: ItemId(2),
                quantity: 2,
            },
            Line {
                item: ItemId(0),
                quantity: 1,
            },
        ];
        let place = Command::PlaceMeal {
            customer: CustomerId(0),
            restaurant: RestaurantId(0),
            lines,
            tip: 50,
            key: None,
        };
        engine.apply(Millis(10), &place).unwrap();
        let order = engine.orders().front().unwrap().clone();
        let mut items = String::from("left over");
        write_items(&mut items, &engine, order.food().unwrap());
        assert_eq!(items, "item-3*2;item-1*1");

        let dir = tempfile::tempdir().unwrap();
        let mut w = RowWriter::create(dir.path(), "o.csv", &FOOD_ORDER_COLUMNS).unwrap();
        write_order(&mut w, &mut items, &engine, &order);
        w.end().unwrap();
        w.finish().unwrap();
        let mut reader = csv::Reader::from_path(dir.path().join("o.csv")).unwrap();
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(row.len(), FOOD_ORDER_COLUMNS.len());
        let cell = |name: &str| {
            let i = FOOD_ORDER_COLUMNS.iter().position(|c| *c == name).unwrap();
            row[i].to_string()
        };
        assert_eq!(cell("restaurant"), "pizza, pasta");
        assert_eq!(cell("items"), "item-3*2;item-1*1");
        assert_eq!(cell("subtotal_cents"), "2300");
        assert_eq!(cell("tip_cents"), "50");
        assert_eq!(cell("placed_ms"), "10");
        assert_eq!(cell("status"), "pending");
        assert_eq!(cell("failed_pickups"), "0");
        assert_eq!(cell("confirmed_ms"), "");
        assert_eq!(cell("driver"), "");
    }

    #[test]
    fn restaurants_get_a_row_each_even_without_orders() {
        let engine = food_engine();
        let dir = tempfile::tempdir().unwrap();
        write_restaurants(dir.path(), &engine, &FoodStats::default())
            .unwrap()
            .finish()
            .unwrap();
        let text = std::fs::read_to_string(dir.path().join("restaurants.csv")).unwrap();
        assert_eq!(
            text,
            format!(
                "{}\n\"pizza, pasta\",0,0,0,0,0,0,0,,\n",
                RESTAURANT_COLUMNS.join(",")
            )
        );
    }
}
