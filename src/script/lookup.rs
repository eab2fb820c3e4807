//! Names to ids, at the edge of the engine: a script names customers, drivers, orders and
//! items, the engine takes dense ids. A name that resolves to nothing is refused with the
//! SPEC's unknown-entity code and words saying which name it was (and what it is, when it
//! names someone of another kind).

use crate::engine::{CustomerId, DriverId, Engine, ItemId, OrderId, Party, Refusal};

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
