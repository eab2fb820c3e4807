//! Unit tests of the food profile (SPEC §8): every transition of its table, legal and
//! illegal; every food error code with its precedence; the deadline's instant; dispatch on
//! `ready`; unassignment, release and review; refunds and stock by phase; keys that expire;
//! the invoice and the ETA. This file holds a small city and the helpers the topic files
//! share.

mod dispatch;
mod lifecycle;
mod money;
mod refusals;

pub(super) use super::*;

/// Places in a small city: a restaurant, the customers' homes, the drivers' spots.
pub(super) fn spot(lat: f64, lon: f64) -> LatLon {
    LatLon::new(lat, lon).unwrap()
}

pub(super) const PIZZA_AT: (f64, f64) = (52.52, 13.40);
pub(super) const MIN: u64 = 60_000;

/// A food platform: restaurant `pizza` at PIZZA_AT with `margherita` (900 cents, stock 5)
/// and `cola` (250 cents, unlimited), restaurant `sushi` a little north with `maki`
/// (1200, stock 2); customers `ann` (1 km east of pizza) and `bob`; no drivers.
pub(super) fn city() -> Engine {
    let mut e = Engine::new(EngineConfig::for_profile(Profile::Food)).unwrap();
    for (name, lat, lon) in [("ann", 52.52, 13.4147), ("bob", 52.53, 13.40)] {
        e.apply(
            T0,
            &Command::OnboardCustomer {
                name: name.into(),
                contact: Contact {
                    email: Some(format!("{name}@x.org")),
                    phone: None,
                },
                address: None,
                location: Some(spot(lat, lon)),
            },
        )
        .unwrap();
    }
    restaurant(&mut e, "pizza", spot(PIZZA_AT.0, PIZZA_AT.1));
    restaurant(&mut e, "sushi", spot(52.54, 13.40));
    menu(&mut e, "pizza", "margherita", 900, Some(5));
    menu(&mut e, "pizza", "cola", 250, None);
    menu(&mut e, "sushi", "maki", 1200, Some(2));
    e
}

pub(super) fn restaurant(e: &mut Engine, name: &str, at: LatLon) {
    e.apply(
        T0,
        &Command::OnboardRestaurant {
            name: name.into(),
            contact: Contact::default(),
            location: at,
            prep: Millis(12 * MIN),
            open: true,
        },
    )
    .unwrap();
}

pub(super) fn menu(e: &mut Engine, restaurant: &str, item: &str, price: u64, stock: Option<u64>) {
    let restaurant = e.restaurant_by_name(restaurant).unwrap();
    e.apply(
        T0,
        &Command::SetMenuItem {
            restaurant,
            item: item.into(),
            price,
            stock,
        },
    )
    .unwrap();
}

pub(super) fn courier(e: &mut Engine, now: Millis, name: &str, at: LatLon) -> Outcome {
    e.apply(
        now,
        &Command::OnboardDriver {
            name: name.into(),
            contact: Contact::default(),
            location: Some(at),
        },
    )
    .unwrap()
}

pub(super) fn r(e: &Engine, name: &str) -> RestaurantId {
    e.restaurant_by_name(name).unwrap()
}

pub(super) fn item(e: &Engine, restaurant: &str, name: &str) -> ItemId {
    e.menu_item_by_name(r(e, restaurant), name).unwrap()
}

/// The command placing `lines` (item name, quantity) from `restaurant` for `customer`.
pub(super) fn meal(e: &Engine, customer: &str, restaurant: &str, lines: &[(&str, u32)]) -> Command {
    Command::PlaceMeal {
        customer: c(e, customer),
        restaurant: r(e, restaurant),
        lines: lines
            .iter()
            .map(|&(name, quantity)| Line {
                item: item(e, restaurant, name),
                quantity,
            })
            .collect(),
        tip: 0,
        key: None,
    }
}

pub(super) fn order_of(outcome: &Outcome) -> OrderId {
    match outcome.reply {
        Reply::Placed { order, .. } => order,
        ref other => panic!("unexpected reply {other:?}"),
    }
}

/// Places ann's order of two margheritas from pizza.
pub(super) fn place_pizza(e: &mut Engine, now: Millis) -> OrderId {
    let cmd = meal(e, "ann", "pizza", &[("margherita", 2)]);
    order_of(&e.apply(now, &cmd).unwrap())
}

pub(super) fn step(
    e: &mut Engine,
    now: Millis,
    order: OrderId,
    step: KitchenStep,
) -> Result<Outcome, Refusal> {
    e.apply(now, &Command::Kitchen { order, step })
}

/// Confirms, prepares and readies an order at `now`.
pub(super) fn cook(e: &mut Engine, now: Millis, order: OrderId) -> Outcome {
    step(e, now, order, KitchenStep::Confirm).unwrap();
    step(e, now, order, KitchenStep::Prepare).unwrap();
    step(e, now, order, KitchenStep::Ready).unwrap()
}

pub(super) fn stock(e: &Engine, restaurant: &str, name: &str) -> Option<u64> {
    e.restaurant(r(e, restaurant)).unwrap().menu[item(e, restaurant, name).index()].stock
}

pub(super) fn invoice(e: &Engine, order: OrderId) -> Invoice {
    e.order(order).unwrap().food().unwrap().invoice
}

pub(super) fn holder(e: &Engine, order: OrderId) -> Option<String> {
    e.order(order)
        .unwrap()
        .driver
        .map(|d| e.drivers()[d.index()].name.clone())
}

/// Fires the deadline timers among `timers` that are due by `now`, in order.
pub(super) fn fire(e: &mut Engine, timers: &[TimerRequest], now: Millis) -> Vec<Outcome> {
    timers
        .iter()
        .filter(|t| t.at <= now)
        .map(|t| e.apply(t.at, &t.timer.command()).unwrap())
        .collect()
}
