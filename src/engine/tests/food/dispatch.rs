//! Dispatch on `ready` (SPEC §8.2.5): the nearest idle driver to the restaurant, ties to the
//! longest idle, never a driver who failed the order; waiting orders served by first ready
//! time; the ETA when every driver is busy.

use super::*;

#[test]
fn ready_goes_to_the_nearest_idle_driver_ties_to_the_longest_idle() {
    let mut e = city();
    courier(&mut e, T0, "far", spot(52.60, 13.40));
    // Two at the same distance (north and south of the restaurant): the first idle wins.
    courier(&mut e, at(1), "north", spot(52.53, 13.40));
    courier(&mut e, at(2), "south", spot(52.51, 13.40));
    let o = place_pizza(&mut e, at(3));
    cook(&mut e, at(3), o);
    assert_eq!(holder(&e, o).as_deref(), Some("north"));
    let o = place_pizza(&mut e, at(4));
    cook(&mut e, at(4), o);
    assert_eq!(holder(&e, o).as_deref(), Some("south"));
}

#[test]
fn a_failed_driver_never_gets_the_order_again_even_when_nearest() {
    let mut e = city();
    courier(&mut e, T0, "near", spot(52.521, 13.40));
    let o = place_pizza(&mut e, T0);
    cook(&mut e, T0, o);
    let near = d(&e, "near");
    e.apply(
        at(MIN),
        &Command::Release {
            driver: near,
            order: o,
        },
    )
    .unwrap();
    // near is idle and nearest, yet the order waits for someone else.
    assert_eq!(e.order(o).unwrap().status, OrderStatus::Ready);
    let far = courier(&mut e, at(2 * MIN), "far", spot(52.60, 13.40));
    assert_eq!(holder(&e, o).as_deref(), Some("far"));
    assert!(far.events.contains(&Event::Assigned(o, d(&e, "far"))));
    // A second order goes to near, who failed only the first.
    let o2 = place_pizza(&mut e, at(3 * MIN));
    cook(&mut e, at(3 * MIN), o2);
    assert_eq!(holder(&e, o2).as_deref(), Some("near"));
}

#[test]
fn waiting_orders_are_served_by_first_ready_time() {
    let mut e = city();
    let cola = |e: &mut Engine, now| {
        let cmd = meal(e, "bob", "pizza", &[("cola", 1)]);
        order_of(&e.apply(now, &cmd).unwrap())
    };
    // Three orders ready at 1m, 2m, 2m (in that order) with no driver.
    let (a, b, c2) = (cola(&mut e, T0), cola(&mut e, T0), cola(&mut e, T0));
    cook(&mut e, at(MIN), a);
    cook(&mut e, at(2 * MIN), c2);
    cook(&mut e, at(2 * MIN), b);
    assert_eq!(e.waiting_at(at(2 * MIN)).collect::<Vec<_>>(), [a, c2, b]);
    // Drivers come one by one and take them in that order.
    courier(&mut e, at(3 * MIN), "d1", spot(52.521, 13.40));
    courier(&mut e, at(3 * MIN), "d2", spot(52.521, 13.40));
    assert_eq!(holder(&e, a).as_deref(), Some("d1"));
    assert_eq!(holder(&e, c2).as_deref(), Some("d2"));
    // d1 gives `a` back: it is ready again with its first ready time, so it goes before b
    // (ready later) — but never to d1, who takes b instead.
    let d1 = d(&e, "d1");
    e.apply(at(4 * MIN), &Command::Release { driver: d1, order: a })
        .unwrap();
    assert_eq!(holder(&e, b).as_deref(), Some("d1"));
    assert_eq!(e.waiting_at(at(4 * MIN)).collect::<Vec<_>>(), [a]);
    // The next free driver takes a.
    courier(&mut e, at(5 * MIN), "d3", spot(52.60, 13.40));
    assert_eq!(holder(&e, a).as_deref(), Some("d3"));
}

#[test]
fn a_driver_freed_by_delivery_takes_the_earliest_ready_order_they_may_take() {
    let mut e = city();
    courier(&mut e, T0, "d1", spot(52.521, 13.40));
    let d1 = d(&e, "d1");
    let first = place_pizza(&mut e, T0);
    cook(&mut e, T0, first);
    let second = place_pizza(&mut e, T0);
    cook(&mut e, at(MIN), second);
    assert_eq!(e.waiting_at(at(MIN)).collect::<Vec<_>>(), [second]);
    e.apply(
        at(2 * MIN),
        &Command::Pickup {
            driver: d1,
            order: first,
        },
    )
    .unwrap();
    e.apply(
        at(3 * MIN),
        &Command::Deliver {
            driver: d1,
            order: first,
        },
    )
    .unwrap();
    assert_eq!(holder(&e, second).as_deref(), Some("d1"));
}

#[test]
fn with_every_driver_busy_the_eta_uses_the_nearest_driver() {
    let mut e = city();
    courier(&mut e, T0, "busy", spot(52.53, 13.40));
    let o = place_pizza(&mut e, T0);
    cook(&mut e, T0, o);
    let pizza = spot(PIZZA_AT.0, PIZZA_AT.1);
    let o2 = place_pizza(&mut e, at(1_000));
    let expected = 1_000
        + 12 * MIN
        + crate::engine::food::travel_ms(spot(52.53, 13.40), pizza, 25.0).as_ms()
        + crate::engine::food::travel_ms(pizza, spot(52.52, 13.4147), 25.0).as_ms();
    assert_eq!(e.order(o2).unwrap().food().unwrap().eta, Millis(expected));
}
