//! Unit tests of the rules engine: every error code, every transition, the deadline instant,
//! dispatch order and the rankings. Each refusal test also checks that the refused command
//! left the engine exactly as it was. This file holds the small world and the helpers the
//! topic files share.

mod dispatch;
mod food;
mod lifecycle;
mod records;
mod refusals;

pub(super) use super::*;
pub(super) use crate::time::Millis;

pub(super) const T0: Millis = Millis(0);
// The customers of `world()`, in onboarding order.
pub(super) const TOM: CustomerId = CustomerId(0);
pub(super) const PAUL: CustomerId = CustomerId(1);
pub(super) const ANN: CustomerId = CustomerId(2);

pub(super) fn at(ms: u64) -> Millis {
    Millis(ms)
}

/// A small world: customers tom, paul, ann (email + phone) and no drivers.
pub(super) fn world() -> Engine {
    let mut e = Engine::default();
    for (name, email, phone) in [
        ("tom", "aa@gmail.com", "123"),
        ("paul", "bb@gmail.com", "456"),
        ("ann", "cc@x.org", "+789"),
    ] {
        let contact = Contact {
            email: Some(email.into()),
            phone: Some(phone.into()),
        };
        e.apply(
            T0,
            &Command::OnboardCustomer {
                name: name.into(),
                contact,
                address: None,
                location: None,
            },
        )
        .unwrap();
    }
    e
}

pub(super) fn c(e: &Engine, name: &str) -> CustomerId {
    e.customer_by_name(name).unwrap()
}

pub(super) fn d(e: &Engine, name: &str) -> DriverId {
    e.driver_by_name(name).unwrap()
}

pub(super) fn driver(e: &mut Engine, now: Millis, name: &str) -> Outcome {
    e.apply(
        now,
        &Command::OnboardDriver {
            name: name.into(),
            contact: Contact::default(),
            location: None,
        },
    )
    .unwrap()
}

pub(super) fn place(e: &mut Engine, now: Millis, from: &str, to: &str) -> OrderId {
    let cmd = Command::PlaceOrder {
        sender: c(e, from),
        recipient: c(e, to),
        item: ItemId(0),
        key: None,
    };
    match e.apply(now, &cmd).unwrap().reply {
        Reply::Placed { order, .. } => order,
        other => panic!("unexpected reply {other:?}"),
    }
}

pub(super) fn pickup(e: &mut Engine, now: Millis, who: &str, order: OrderId) -> Result<Outcome, Refusal> {
    let driver = d(e, who);
    e.apply(now, &Command::Pickup { driver, order })
}

pub(super) fn deliver(e: &mut Engine, now: Millis, who: &str, order: OrderId) -> Result<Outcome, Refusal> {
    let driver = d(e, who);
    e.apply(now, &Command::Deliver { driver, order })
}

pub(super) fn cancel(e: &mut Engine, now: Millis, who: &str, order: OrderId) -> Result<Outcome, Refusal> {
    let by = c(e, who);
    e.apply(now, &Command::CancelOrder { order, by })
}

pub(super) fn rate(
    e: &mut Engine,
    now: Millis,
    who: &str,
    order: OrderId,
    stars: i64,
) -> Result<Outcome, Refusal> {
    let by = c(e, who);
    e.apply(now, &Command::Rate { order, stars, by })
}

pub(super) fn status(e: &Engine, order: OrderId) -> OrderStatus {
    e.order(order).unwrap().status
}

/// Applies a command that must be refused with `code`, and checks it changed nothing.
pub(super) fn refused(e: &mut Engine, now: Millis, cmd: Command, code: Refusal) {
    let before = e.clone();
    assert_eq!(e.apply(now, &cmd).map(|o| o.reply), Err(code), "{cmd:?}");
    assert_eq!(*e, before, "refused {cmd:?} changed the engine");
}

/// A world with one driver holding order-1 (tom → paul), picked up if `picked`.
pub(super) fn one_in_flight(picked: bool) -> (Engine, OrderId) {
    let mut e = world();
    driver(&mut e, T0, "d1");
    let o = place(&mut e, T0, "tom", "paul");
    if picked {
        pickup(&mut e, at(1_000), "d1", o).unwrap();
    }
    (e, o)
}
