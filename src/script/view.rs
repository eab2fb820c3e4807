//! How the script transcript shows orders, drivers and boards: one line each, readable by
//! people, stable for golden comparisons. The food profile's own views are in `food`.

pub mod food;

use crate::engine::{rankings, DriverId, Engine, Order, OrderStatus, Profile, RankBy};

/// One line describing an order.
pub fn order_line(engine: &Engine, order: &Order) -> String {
    if let Some(meal) = order.food() {
        return food::order_line(engine, order, meal);
    }
    let name = |c: crate::engine::CustomerId| engine.customers()[c.index()].name.as_str();
    let driver = order.driver.map(|d| engine.drivers()[d.index()].name.as_str());
    let item = order.item().map_or("", |i| engine.catalog()[i.index()].as_str());
    let mut line = format!(
        "{}: {} ({item} from {} to {}, created {}",
        order.id,
        order.status,
        name(order.sender),
        name(order.recipient),
        order.created_at.clock()
    );
    if order.status == OrderStatus::Created {
        line += &format!(", waiting for a driver until {}", order.deadline.clock());
    }
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
    line.push(')');
    line
}

/// One line describing a driver.
pub fn driver_line(engine: &Engine, id: DriverId) -> String {
    let d = &engine.drivers()[id.index()];
    let holding = d.order().map_or_else(String::new, |o| format!(" with {o}"));
    let food = if engine.config().profile == Profile::Food {
        food::driver_suffix(d)
    } else {
        String::new()
    };
    format!(
        "{}: {}{holding}; {}, {}{food}",
        d.name,
        d.status(),
        deliveries_text(d.deliveries),
        rating_text(engine, id)
    )
}

fn deliveries_text(n: u32) -> String {
    format!("{n} {}", if n == 1 { "delivery" } else { "deliveries" })
}

fn rating_text(engine: &Engine, id: DriverId) -> String {
    let d = &engine.drivers()[id.index()];
    match rankings::rating_score(engine, id) {
        Some(score) => format!(
            "rating {:.2} from {} rating{} (score {score:.3})",
            d.stars as f64 / f64::from(d.ratings),
            d.ratings,
            if d.ratings == 1 { "" } else { "s" }
        ),
        None => "no rating".to_string(),
    }
}

/// The lines of a leaderboard, best first, at most `limit` of them.
pub fn board_lines(engine: &Engine, by: RankBy, limit: Option<usize>) -> Vec<String> {
    rankings::board(engine, by)
        .into_iter()
        .take(limit.unwrap_or(usize::MAX))
        .enumerate()
        .map(|(rank, id)| {
            let d = &engine.drivers()[id.index()];
            format!(
                "{}. {}: {}, {}",
                rank + 1,
                d.name,
                deliveries_text(d.deliveries),
                rating_text(engine, id)
            )
        })
        .collect()
}
