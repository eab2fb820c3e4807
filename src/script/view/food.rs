//! How the transcript shows the food profile's things: a meal's line (restaurant, dishes,
//! kitchen times, driver, ETA), its invoice, a restaurant with its menu, and the food part
//! of a driver's line (where they stand, failed pickups, the review flag).

use crate::engine::{Driver, Engine, FoodOrder, MenuItem, Order, OrderStatus, Restaurant};

/// One line describing a meal.
pub fn order_line(engine: &Engine, order: &Order, food: &FoodOrder) -> String {
    let restaurant = engine.restaurants().get(food.restaurant.index());
    let dishes: Vec<String> = food
        .lines
        .iter()
        .map(|line| {
            let dish = restaurant
                .and_then(|r| r.menu.get(line.item.index()))
                .map_or("?", |m| m.name.as_str());
            format!("{dish}*{}", line.quantity)
        })
        .collect();
    let customer = engine
        .customers()
        .get(order.sender.index())
        .map_or("?", |c| c.name.as_str());
    let mut line = format!(
        "{}: {} ({}: {} for {customer}, placed {}",
        order.id,
        order.status,
        restaurant.map_or("?", |r| r.name.as_str()),
        dishes.join(","),
        order.created_at.clock()
    );
    for (what, at) in [
        ("confirmed", food.confirmed_at),
        ("preparing", food.preparing_at),
        ("ready", food.ready_at),
    ] {
        if let Some(at) = at {
            line += &format!(", {what} {}", at.clock());
        }
    }
    if order.status == OrderStatus::Ready {
        line += ", waiting for a driver";
    }
    let driver = order.driver.map(|d| engine.drivers()[d.index()].name.as_str());
    if let (Some(at), Some(driver)) = (order.assigned_at, driver) {
        line += &format!(", assigned to {driver} at {}", at.clock());
    }
    if order.status == OrderStatus::Assigned {
        line += &format!(", pickup before {}", order.deadline.clock());
    }
    if let Some(at) = order.picked_up_at {
        line += &format!(", picked up at {}", at.clock());
    }
    if let Some(at) = order.delivered_at {
        line += &format!(", delivered at {}", at.clock());
    }
    if let Some(stars) = order.rating {
        line += &format!(", rated {stars}");
    }
    if let (Some(at), Some(reason)) = (order.cancelled_at, order.cancel_reason) {
        line += &format!(", cancelled at {}, reason {}", at.clock(), reason.as_str());
    }
    line += &format!("; eta {})", food.eta.clock());
    line
}

/// One line describing a meal's invoice, in cents.
pub fn invoice_line(order: &Order, food: &FoodOrder) -> String {
    let i = &food.invoice;
    format!(
        "{} invoice: subtotal {}, delivery fee {}, tip {}, total {}, refunded {} (cents)",
        order.id, i.subtotal, i.delivery_fee, i.tip, i.total, i.refunded
    )
}

/// A restaurant's heading line and one line per dish.
pub fn restaurant_lines(r: &Restaurant) -> (String, Vec<String>) {
    let heading = format!(
        "{}: {}, prep {}, at {},{}; menu items",
        r.name,
        if r.open { "open" } else { "closed" },
        r.prep,
        r.location.lat,
        r.location.lon
    );
    (heading, r.menu.iter().map(dish_text).collect())
}

/// `margherita: 850 cents, 10 in stock` or `…, unlimited`.
pub fn dish_text(dish: &MenuItem) -> String {
    format!("{}: {} cents, {}", dish.name, dish.price, stock_text(dish.stock))
}

/// `10 in stock` or `unlimited`.
pub fn stock_text(stock: Option<u64>) -> String {
    stock.map_or_else(|| "unlimited".to_string(), |n| format!("{n} in stock"))
}

/// The food part of a driver's line: where they stand, failed pickups, review.
pub fn driver_suffix(d: &Driver) -> String {
    let at = d
        .location
        .map_or_else(String::new, |l| format!("; at {},{}", l.lat, l.lon));
    let failed = format!(
        "; {} failed pickup{}",
        d.failed_pickups,
        if d.failed_pickups == 1 { "" } else { "s" }
    );
    let review = if d.flagged { ", flagged for review" } else { "" };
    format!("{at}{failed}{review}")
}
