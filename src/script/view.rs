//! How the script transcript shows orders, drivers and boards: one line each, readable by
//! people, stable for golden comparisons.

use crate::engine::{rankings, DriverId, Engine, Order, OrderStatus, RankBy};

/// One line describing an order.
pub fn order_line(engine: &Engine, order: &Order) -> String {
    let name = |c: crate::engine::CustomerId| engine.customers()[c.index()].name.as_str();
    let driver = order.driver.map(|d| engine.drivers()[d.index()].name.as_str());
    let item = &engine.catalog()[order.item.index()];
    let mut line = format!(
        "{}: {} ({item} from {} to {}, created {}",
        order.id,
        order.status,
        name(order.sender),
        name(order.recipient),
        order.created_at.clock()
    );
    match order.status {
        OrderStatus::Created => line += &format!(", waiting for a driver until {}", order.deadline.clock()),
        OrderStatus::Assigned => {
            line += &format!(
                ", driver {}, pickup before {}",
                driver.unwrap_or("?"),
                order.deadline.clock()
            )
        }
        OrderStatus::PickedUp => line += &format!(", in transit with {}", driver.unwrap_or("?")),
        OrderStatus::Delivered => {
            line += &format!(", delivered by {}", driver.unwrap_or("?"));
            if let Some(stars) = order.rating {
                line += &format!(", rated {stars}");
            }
        }
        OrderStatus::Cancelled => {
            let reason = order.cancel_reason.map_or("?", |r| r.as_str());
            let at = order.cancelled_at.map_or_else(String::new, |t| t.clock());
            line += &format!(", cancelled at {at}, reason {reason}");
        }
    }
    line.push(')');
    line
}

/// One line describing a driver.
pub fn driver_line(engine: &Engine, id: DriverId) -> String {
    let d = &engine.drivers()[id.index()];
    let holding = d.order().map_or_else(String::new, |o| format!(" with {o}"));
    let noun = if d.deliveries == 1 {
        "delivery"
    } else {
        "deliveries"
    };
    format!(
        "{}: {}{holding}; {} {noun}, {}",
        d.name,
        d.status(),
        d.deliveries,
        rating_text(engine, id)
    )
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
                "{}. {}: {} deliveries, {}",
                rank + 1,
                d.name,
                d.deliveries,
                rating_text(engine, id)
            )
        })
        .collect()
}
