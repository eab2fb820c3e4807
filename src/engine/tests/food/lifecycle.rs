//! An order's life on the food table: every restaurant move from every status (legal or
//! `invalid_transition`), who is told what, pickup and delivery moving the driver, the
//! deadline's exact instant, `release` and the review flag.

use super::*;

/// Brings a fresh order to `status` (ann's pizza; driver `d1` stands at the restaurant and
/// takes it on ready).
fn order_in(status: OrderStatus) -> (Engine, OrderId) {
    let mut e = city();
    courier(&mut e, T0, "d1", spot(PIZZA_AT.0, PIZZA_AT.1));
    let o = place_pizza(&mut e, T0);
    let d1 = d(&e, "d1");
    let path: &[KitchenStep] = match status {
        OrderStatus::Pending => &[],
        OrderStatus::Confirmed => &[KitchenStep::Confirm],
        OrderStatus::Preparing => &[KitchenStep::Confirm, KitchenStep::Prepare],
        _ => &[KitchenStep::Confirm, KitchenStep::Prepare, KitchenStep::Ready],
    };
    for &s in path {
        step(&mut e, at(1_000), o, s).unwrap();
    }
    match status {
        OrderStatus::Ready => {
            // Keep it waiting: its only driver gives it back and may not take it again.
            e.apply(at(2_000), &Command::Release { driver: d1, order: o })
                .unwrap();
        }
        OrderStatus::PickedUp | OrderStatus::Delivered => {
            e.apply(at(3_000), &Command::Pickup { driver: d1, order: o })
                .unwrap();
            if status == OrderStatus::Delivered {
                e.apply(at(4_000), &Command::Deliver { driver: d1, order: o })
                    .unwrap();
            }
        }
        OrderStatus::Cancelled => {
            e.apply(
                at(3_000),
                &Command::CancelOrder {
                    order: o,
                    by: c(&e, "ann"),
                },
            )
            .unwrap();
        }
        _ => {}
    }
    assert_eq!(status_of(&e, o), status);
    (e, o)
}

fn status_of(e: &Engine, o: OrderId) -> OrderStatus {
    e.order(o).unwrap().status
}

#[test]
fn every_kitchen_move_from_every_status() {
    use KitchenStep::{Confirm, Prepare, Reject};
    use OrderStatus::*;
    for from in Profile::Food.statuses() {
        for s in KitchenStep::ALL {
            let (mut e, o) = order_in(from);
            let expected = match (from, s) {
                (Cancelled, _) => Err(Refusal::OrderCancelled),
                (Delivered, _) => Err(Refusal::AlreadyDelivered),
                (Pending, Confirm | Reject) | (Confirmed, Prepare) | (Preparing, KitchenStep::Ready) => {
                    Ok(s.target())
                }
                _ => Err(Refusal::InvalidTransition),
            };
            match expected {
                Ok(to) => {
                    let reply = step(&mut e, at(10_000), o, s).unwrap().reply;
                    assert_eq!(reply, Reply::Moved(to), "{from} {s:?}");
                    let now = status_of(&e, o);
                    // Ready dispatches at once to the idle driver.
                    assert!(
                        now == to || (to == Ready && now == Assigned),
                        "{from} {s:?}: {now}"
                    );
                }
                Err(code) => refused(&mut e, at(10_000), Command::Kitchen { order: o, step: s }, code),
            }
        }
    }
}

#[test]
fn the_table_refuses_what_the_rules_would_never_ask() {
    // `move_order` is the table's gate: a move it forbids changes nothing (the rules check
    // first, so only a slip in the engine could ask; in a debug build that slip asserts).
    let (e, o) = order_in(OrderStatus::Pending);
    for (from, to) in [
        (OrderStatus::Pending, OrderStatus::Ready),
        (OrderStatus::Pending, OrderStatus::Assigned),
        (OrderStatus::Ready, OrderStatus::Confirmed),
        (OrderStatus::PickedUp, OrderStatus::Cancelled),
        (OrderStatus::Delivered, OrderStatus::Ready),
    ] {
        assert!(!Profile::Food.allows(from, to), "{from} -> {to}");
    }
    assert_eq!(status_of(&e, o), OrderStatus::Pending);
}

#[test]
fn the_happy_path_tells_the_right_people() {
    let mut e = city();
    courier(&mut e, T0, "d1", spot(52.521, 13.40));
    let kinds =
        |out: &Outcome| -> Vec<(NoticeKind, Role)> { out.notices.iter().map(|n| (n.kind, n.role)).collect() };
    let cmd = meal(&e, "ann", "pizza", &[("margherita", 1)]);
    let placed = e.apply(T0, &cmd).unwrap();
    let o = order_of(&placed);
    assert_eq!(
        kinds(&placed),
        [
            (NoticeKind::Placed, Role::Customer),
            (NoticeKind::Placed, Role::Restaurant)
        ]
    );
    let confirmed = step(&mut e, at(1_000), o, KitchenStep::Confirm).unwrap();
    assert_eq!(kinds(&confirmed), [(NoticeKind::Confirmed, Role::Customer)]);
    assert!(step(&mut e, at(2_000), o, KitchenStep::Prepare)
        .unwrap()
        .notices
        .is_empty());
    let ready = step(&mut e, at(3_000), o, KitchenStep::Ready).unwrap();
    assert_eq!(
        kinds(&ready),
        [
            (NoticeKind::Assigned, Role::Driver),
            (NoticeKind::Assigned, Role::Customer),
            (NoticeKind::Assigned, Role::Restaurant)
        ]
    );
    assert_eq!(ready.timers.len(), 1, "the deadline starts at assignment");
    assert_eq!(ready.timers[0].at, at(3_000 + 15 * MIN));
    let d1 = d(&e, "d1");
    let picked = e
        .apply(at(4_000), &Command::Pickup { driver: d1, order: o })
        .unwrap();
    assert_eq!(kinds(&picked), [(NoticeKind::PickedUp, Role::Customer)]);
    assert_eq!(
        e.drivers()[d1.index()].location,
        Some(spot(PIZZA_AT.0, PIZZA_AT.1))
    );
    let delivered = e
        .apply(at(5_000), &Command::Deliver { driver: d1, order: o })
        .unwrap();
    assert_eq!(kinds(&delivered), [(NoticeKind::Delivered, Role::Customer)]);
    assert_eq!(e.drivers()[d1.index()].location, Some(spot(52.52, 13.4147)));
    assert_eq!(e.drivers()[d1.index()].status(), DriverStatus::Idle);
    let ann = c(&e, "ann");
    e.apply(
        at(6_000),
        &Command::Rate {
            order: o,
            stars: 5,
            by: ann,
        },
    )
    .unwrap();
    assert_eq!(e.drivers()[d1.index()].ratings, 1);
    // The order's own times.
    let food = e.order(o).unwrap().food().unwrap().clone();
    assert_eq!(
        (food.confirmed_at, food.preparing_at, food.ready_at),
        (Some(at(1_000)), Some(at(2_000)), Some(at(3_000)))
    );
}

#[test]
fn the_deadline_instant_belongs_to_the_timer() {
    // At assigned + 14m59.999s the pickup succeeds.
    let mut e = city();
    courier(&mut e, T0, "d1", spot(52.521, 13.40));
    let o = place_pizza(&mut e, T0);
    cook(&mut e, T0, o);
    let d1 = d(&e, "d1");
    assert!(e
        .apply(at(15 * MIN - 1), &Command::Pickup { driver: d1, order: o })
        .is_ok());

    // At + 15m it is refused not_your_order before the timer fires, and once the timer
    // (due at that very instant, so it fires before the next command) has run, the order is
    // already with another driver.
    let mut e = city();
    courier(&mut e, T0, "d1", spot(52.521, 13.40));
    let o = place_pizza(&mut e, T0);
    let ready = cook(&mut e, T0, o);
    courier(&mut e, at(MIN), "d2", spot(52.60, 13.40));
    let d1 = d(&e, "d1");
    refused(
        &mut e,
        at(15 * MIN),
        Command::Pickup { driver: d1, order: o },
        Refusal::NotYourOrder,
    );
    refused(
        &mut e,
        at(15 * MIN),
        Command::Release { driver: d1, order: o },
        Refusal::NotYourOrder,
    );
    let fired = fire(&mut e, &ready.timers, at(15 * MIN));
    assert_eq!(fired[0].reply, Reply::Unassigned { driver: d1 });
    assert_eq!(holder(&e, o).as_deref(), Some("d2"));
    refused(
        &mut e,
        at(15 * MIN),
        Command::Pickup { driver: d1, order: o },
        Refusal::NotYourOrder,
    );
    let d2 = d(&e, "d2");
    assert!(e
        .apply(at(15 * MIN), &Command::Pickup { driver: d2, order: o })
        .is_ok());
}

#[test]
fn an_unassignment_goes_in_the_spec_order_and_a_stale_timer_is_harmless() {
    let mut e = city();
    courier(&mut e, T0, "d1", spot(52.521, 13.40));
    let o = place_pizza(&mut e, T0);
    let first = cook(&mut e, T0, o);
    let d1 = d(&e, "d1");
    // d1 gives it back at 1m; nobody else is idle, so it waits (never back to d1).
    let released = e
        .apply(at(MIN), &Command::Release { driver: d1, order: o })
        .unwrap();
    let told: Vec<_> = released.notices.iter().map(|n| (n.kind, n.to)).collect();
    assert_eq!(
        told,
        [
            (NoticeKind::Delayed, Party::Customer(c(&e, "ann"))),
            (NoticeKind::Unassigned, Party::Driver(d1)),
        ]
    );
    assert_eq!(e.order(o).unwrap().status, OrderStatus::Ready);
    assert_eq!(e.order(o).unwrap().driver, None);
    assert_eq!(e.drivers()[d1.index()].failed_pickups, 1);
    assert_eq!(e.drivers()[d1.index()].status(), DriverStatus::Idle);
    assert_eq!(e.waiting_at(at(MIN)).collect::<Vec<_>>(), [o]);
    // d2 comes on: takes it at once, with a deadline of its own.
    let second = courier(&mut e, at(2 * MIN), "d2", spot(52.60, 13.40));
    assert_eq!(holder(&e, o).as_deref(), Some("d2"));
    assert_eq!(second.timers[0].at, at(17 * MIN));
    // The first assignment's timer, at 15m, finds another guard and does nothing.
    let before = e.clone();
    let stale = fire(&mut e, &first.timers, at(15 * MIN));
    assert_eq!(stale[0].reply, Reply::DeadlineExpired { cancelled: false });
    assert_eq!(e, before);
    // The first ready time is kept.
    assert_eq!(e.order(o).unwrap().food().unwrap().ready_at, Some(T0));
}

#[test]
fn three_failures_within_a_week_flag_the_driver_once() {
    let mut e = city();
    courier(&mut e, T0, "d1", spot(52.521, 13.40));
    let d1 = d(&e, "d1");
    let week = 7 * 24 * 60 * MIN;
    let fail = |e: &mut Engine, now: Millis| -> Outcome {
        let cmd = meal(e, "ann", "pizza", &[("cola", 1)]);
        let o = order_of(&e.apply(now, &cmd).unwrap());
        cook(e, now, o);
        let out = e.apply(now, &Command::Release { driver: d1, order: o }).unwrap();
        e.apply(
            now,
            &Command::CancelOrder {
                order: o,
                by: c(e, "ann"),
            },
        )
        .unwrap();
        out
    };
    fail(&mut e, T0);
    // The first failure leaves the window (now − 7 days, now] at exactly 7 days.
    fail(&mut e, at(week));
    let out = fail(&mut e, at(week + 1));
    assert!(!e.drivers()[d1.index()].flagged, "only 2 within the window");
    assert!(out.notices.iter().all(|n| n.kind != NoticeKind::Review));
    let out = fail(&mut e, at(week + 2));
    assert!(e.drivers()[d1.index()].flagged);
    let review: Vec<_> = out
        .notices
        .iter()
        .filter(|n| n.kind == NoticeKind::Review)
        .collect();
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].to, Party::Driver(d1));
    let out = fail(&mut e, at(week + 3));
    assert!(
        out.notices.iter().all(|n| n.kind != NoticeKind::Review),
        "flagged once"
    );
    assert_eq!(e.drivers()[d1.index()].failed_pickups, 5);
    // A flagged driver still works.
    let cmd = meal(&e, "ann", "pizza", &[("cola", 1)]);
    let o = order_of(&e.apply(at(week + 4), &cmd).unwrap());
    cook(&mut e, at(week + 4), o);
    assert_eq!(holder(&e, o).as_deref(), Some("d1"));
}

#[test]
fn a_ready_order_and_an_assigned_one_can_be_cancelled_and_free_the_driver() {
    let (mut e, o) = order_in(OrderStatus::Ready);
    e.apply(
        at(5_000),
        &Command::CancelOrder {
            order: o,
            by: c(&e, "ann"),
        },
    )
    .unwrap();
    assert_eq!(e.waiting_at(at(5_000)).count(), 0);
    let mut e = city();
    courier(&mut e, T0, "d1", spot(52.521, 13.40));
    let o = place_pizza(&mut e, T0);
    cook(&mut e, T0, o);
    let out = e
        .apply(
            at(5_000),
            &Command::CancelOrder {
                order: o,
                by: c(&e, "ann"),
            },
        )
        .unwrap();
    let told: Vec<_> = out.notices.iter().map(|n| n.role).collect();
    assert_eq!(told, [Role::Customer, Role::Restaurant, Role::Driver]);
    assert_eq!(e.drivers()[d(&e, "d1").index()].status(), DriverStatus::Idle);
}
