//! The food profile's expectations (SPEC §8.4): a meal's invoice, a dish's stock, a meal's
//! ETA, and a driver's place, failed pickups and review flag. Each failure says what was
//! expected and what was found.

use crate::engine::{Driver, Engine, FoodOrder, LatLon, Order};
use crate::script::parse::Expectation;
use crate::script::view;

/// The food options of `expect driver`: `at=` compared as the exact numbers written.
pub(super) fn check_driver(
    name: &str,
    d: &Driver,
    at: Option<LatLon>,
    failed_pickups: Option<u32>,
    review: Option<bool>,
) -> Result<(), String> {
    if let Some(want) = at {
        if d.location != Some(want) {
            let found = d
                .location
                .map_or_else(|| "nowhere".to_string(), |l| format!("{},{}", l.lat, l.lon));
            return Err(format!(
                "expected driver {name} at {},{}, found {found}",
                want.lat, want.lon
            ));
        }
    }
    if let Some(want) = failed_pickups {
        if d.failed_pickups != want {
            return Err(format!(
                "expected driver {name} with {want} failed pickups, found {}",
                d.failed_pickups
            ));
        }
    }
    if let Some(want) = review {
        if d.flagged != want {
            let said = |flagged: bool| if flagged { "flagged" } else { "not flagged" };
            return Err(format!(
                "expected driver {name} {} for review, found {}",
                said(want),
                said(d.flagged)
            ));
        }
    }
    Ok(())
}

/// `expect invoice`, `expect stock` and `expect eta`.
pub(super) fn check(expectation: &Expectation, engine: &Engine) -> Result<(), String> {
    match expectation {
        Expectation::Invoice {
            order,
            subtotal,
            fee,
            tip,
            total,
            refunded,
        } => {
            let (o, meal) = meal(engine, order)?;
            let i = &meal.invoice;
            let fields = [
                ("subtotal", *subtotal, i.subtotal),
                ("fee", *fee, i.delivery_fee),
                ("tip", *tip, i.tip),
                ("total", *total, i.total),
                ("refunded", *refunded, i.refunded),
            ];
            for (what, want, found) in fields {
                if let Some(want) = want {
                    if want != found {
                        return Err(format!(
                            "expected {order} {what} {want}, found {found}; {}",
                            view::food::invoice_line(o, meal)
                        ));
                    }
                }
            }
            Ok(())
        }
        Expectation::Stock {
            restaurant,
            item,
            stock,
        } => {
            let r = engine
                .restaurant_by_name(restaurant)
                .and_then(|id| engine.restaurant(id))
                .map_err(|_| format!("expected a restaurant {restaurant}, but there is none"))?;
            let dish = r
                .menu
                .iter()
                .find(|m| m.name == *item)
                .ok_or_else(|| format!("expected {item} on {restaurant}'s menu, but it is not"))?;
            if dish.stock == *stock {
                Ok(())
            } else {
                Err(format!(
                    "expected {restaurant}'s {item} {}, found {}",
                    view::food::stock_text(*stock),
                    view::food::stock_text(dish.stock)
                ))
            }
        }
        Expectation::Eta { order, eta } => {
            let (_, meal) = meal(engine, order)?;
            if meal.eta == *eta {
                Ok(())
            } else {
                Err(format!(
                    "expected {order} eta {} ({eta}), found {} ({})",
                    eta.clock(),
                    meal.eta.clock(),
                    meal.eta
                ))
            }
        }
        other => Err(format!("not a food expectation: {other:?}")),
    }
}

/// The meal of that id, or why there is none.
fn meal<'e>(engine: &'e Engine, order: &str) -> Result<(&'e Order, &'e FoodOrder), String> {
    let o = engine
        .order_by_name(order)
        .and_then(|id| engine.order(id))
        .map_err(|_| format!("expected an order {order}, but there is no such order"))?;
    let meal = o
        .food()
        .ok_or_else(|| format!("expected {order} to be a food order, but it is a parcel"))?;
    Ok((o, meal))
}
