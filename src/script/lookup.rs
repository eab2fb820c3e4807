//! Names to ids, at the edge of the engine: a script names customers, drivers, orders,
//! items, restaurants and dishes, the engine takes dense ids. A name that resolves to
//! nothing is refused with the SPEC's unknown-entity code and words saying which name it
//! was (and what it is, when it names someone of another kind). Food amounts and `items=` lines are read here too, after
//! the names they go with, so an unknown entity is reported before a malformed amount
//! (SPEC §8.3).

use crate::engine::{CustomerId, DriverId, Engine, ItemId, Line, OrderId, Party, Refusal, RestaurantId};

/// A refusal and the words that explain it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// The code.
    pub refusal: Refusal,
    /// What was wrong.
    pub message: String,
}

fn refused(refusal: Refusal, message: String) -> Refused {
    Refused { refusal, message }
}

/// What a name is, when it is not the kind asked for.
fn other_kind(engine: &Engine, name: &str, wanted: &str) -> String {
    match engine.party_by_name(name) {
        Some(Party::Customer(_)) => format!("\"{name}\" is a customer, not a {wanted}"),
        Some(Party::Driver(_)) => format!("\"{name}\" is a driver, not a {wanted}"),
        Some(Party::Restaurant(_)) => format!("\"{name}\" is a restaurant, not a {wanted}"),
        None => format!("no {wanted} named \"{name}\""),
    }
}

/// The customer of that name.
pub fn customer(engine: &Engine, name: &str) -> Result<CustomerId, Refused> {
    engine
        .customer_by_name(name)
        .map_err(|r| refused(r, other_kind(engine, name, "customer")))
}

/// The driver of that name.
pub fn driver(engine: &Engine, name: &str) -> Result<DriverId, Refused> {
    engine
        .driver_by_name(name)
        .map_err(|r| refused(r, other_kind(engine, name, "driver")))
}

/// The order of that id (`order-N`).
pub fn order(engine: &Engine, name: &str) -> Result<OrderId, Refused> {
    engine.order_by_name(name).map_err(|r| {
        let why = if OrderId::parse(name).is_some() {
            format!("no order {name}: it was never placed")
        } else {
            format!("no order \"{name}\": order ids are order-1, order-2, …")
        };
        refused(r, why)
    })
}

/// The catalog item of that name.
pub fn item(engine: &Engine, name: &str) -> Result<ItemId, Refused> {
    engine.item_by_name(name).map_err(|r| {
        let catalog = engine.catalog().join(", ");
        refused(r, format!("no item \"{name}\" in the catalog ({catalog})"))
    })
}

/// The restaurant of that name.
pub fn restaurant(engine: &Engine, name: &str) -> Result<RestaurantId, Refused> {
    engine
        .restaurant_by_name(name)
        .map_err(|r| refused(r, other_kind(engine, name, "restaurant")))
}

/// The dish of that name on a restaurant's menu.
pub fn menu_item(engine: &Engine, restaurant: RestaurantId, name: &str) -> Result<ItemId, Refused> {
    engine.menu_item_by_name(restaurant, name).map_err(|r| {
        let (owner, dishes) = engine
            .restaurant(restaurant)
            .map_or((String::new(), String::new()), |rest| {
                let dishes: Vec<&str> = rest.menu.iter().map(|m| m.name.as_str()).collect();
                (rest.name.clone(), dishes.join(", "))
            });
        let menu = if dishes.is_empty() {
            "its menu is empty".to_string()
        } else {
            format!("it has {dishes}")
        };
        refused(r, format!("no item \"{name}\" on {owner}'s menu ({menu})"))
    })
}

/// An amount as a script writes it: plain digits (no sign, no fraction) that fit the type.
/// Anything else is `invalid_argument`, with `what` naming the value in the message.
pub fn amount<T: std::str::FromStr>(what: &str, text: &str) -> Result<T, Refused> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits {
        return Err(refused(
            Refusal::InvalidArgument,
            format!("{what} \"{text}\" is not an amount: amounts are plain digits"),
        ));
    }
    text.parse()
        .map_err(|_| refused(Refusal::InvalidArgument, format!("{what} {text} is too big")))
}

/// The lines of `items=ITEM*QTY[,ITEM*QTY…]` on a restaurant's menu, checked in SPEC §8.3's
/// order: first every named dish must be on the menu (`unknown_item`), then every line
/// must be well formed (`invalid_argument`: an empty list or line, a line without `*QTY`,
/// a quantity that is not plain digits). Quantities out of 1–99 and repeated dishes are
/// left to the engine, which refuses them.
pub fn meal_lines(engine: &Engine, restaurant: RestaurantId, items: &str) -> Result<Vec<Line>, Refused> {
    let raw: Vec<(&str, Option<&str>)> = items
        .split(',')
        .map(|line| match line.split_once('*') {
            Some((name, quantity)) => (name, Some(quantity)),
            None => (line, None),
        })
        .collect();
    let mut dishes = Vec::with_capacity(raw.len());
    for (name, _) in &raw {
        dishes.push(if name.is_empty() {
            None
        } else {
            Some(menu_item(engine, restaurant, name)?)
        });
    }
    let malformed = |message: String| refused(Refusal::InvalidArgument, message);
    if items.is_empty() {
        return Err(malformed(
            "`items=` is empty: an order needs at least one ITEM*QTY".into(),
        ));
    }
    let mut lines = Vec::with_capacity(raw.len());
    for (n, ((name, quantity), dish)) in raw.iter().zip(dishes).enumerate() {
        let place = n + 1;
        let (Some(item), Some(quantity)) = (dish, quantity) else {
            return Err(malformed(if name.is_empty() && quantity.is_none() {
                format!("line {place} of `items=` is empty")
            } else if name.is_empty() {
                format!("line {place} of `items=` has no item before `*`")
            } else {
                format!("line {place} of `items=` (\"{name}\") has no `*QTY`")
            }));
        };
        let quantity = amount(&format!("the quantity of {name}"), quantity)?;
        lines.push(Line { item, quantity });
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Command, Contact, EngineConfig, LatLon, Profile};
    use crate::time::Millis;

    /// A food platform with restaurant `r` serving `a` and `b`.
    fn kitchen() -> (Engine, RestaurantId) {
        let mut engine = Engine::new(EngineConfig::for_profile(Profile::Food)).unwrap();
        let location = LatLon::new(1.0, 2.0).unwrap();
        let onboard = Command::OnboardRestaurant {
            name: "r".into(),
            contact: Contact::default(),
            location,
            prep: Millis::ZERO,
            open: true,
        };
        engine.apply(Millis::ZERO, &onboard).unwrap();
        let r = engine.restaurant_by_name("r").unwrap();
        for dish in ["a", "b"] {
            let menu = Command::SetMenuItem {
                restaurant: r,
                item: dish.into(),
                price: 1,
                stock: None,
            };
            engine.apply(Millis::ZERO, &menu).unwrap();
        }
        (engine, r)
    }

    #[test]
    fn meal_lines_read_names_then_amounts() {
        let (engine, r) = kitchen();
        let code = |items: &str| meal_lines(&engine, r, items).map_err(|e| e.refusal);
        assert_eq!(
            code("b*2,a*100"),
            Ok(vec![
                Line {
                    item: ItemId(1),
                    quantity: 2
                },
                Line {
                    item: ItemId(0),
                    quantity: 100
                },
            ])
        );
        // An unknown dish is reported before any malformed line, wherever it stands.
        assert_eq!(code("a*x,,zz*1"), Err(Refusal::UnknownItem));
        assert_eq!(code("zz"), Err(Refusal::UnknownItem));
        for malformed in ["", "a*1,,b*1", "a", "*1", "a*", "a*-1", "a*1.5", "a*99999999999"] {
            assert_eq!(code(malformed), Err(Refusal::InvalidArgument), "{malformed:?}");
        }
    }

    #[test]
    fn amounts_are_plain_digits() {
        assert_eq!(amount::<u64>("tip", "0"), Ok(0));
        for bad in ["", "-5", "+5", "1e3", " 1", "99999999999999999999999"] {
            assert_eq!(
                amount::<u64>("tip", bad).map_err(|e| e.refusal),
                Err(Refusal::InvalidArgument),
                "{bad:?}"
            );
        }
    }
}
