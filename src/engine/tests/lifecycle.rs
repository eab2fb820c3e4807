//! An order's life through the transition table, and the pickup deadline's exact instant.

use super::*;

// ----- transitions -----

#[test]
fn full_life_created_assigned_picked_up_delivered() {
    let mut e = world();
    let o = place(&mut e, T0, "tom", "paul");
    assert_eq!(status(&e, o), OrderStatus::Created);
    driver(&mut e, at(10), "d1");
    assert_eq!(status(&e, o), OrderStatus::Assigned);
    assert_eq!(e.order(o).unwrap().assigned_at, Some(at(10)));
    pickup(&mut e, at(20), "d1", o).unwrap();
    assert_eq!(status(&e, o), OrderStatus::PickedUp);
    assert_eq!(e.drivers()[0].status(), DriverStatus::InTransit);
    deliver(&mut e, at(30), "d1", o).unwrap();
    assert_eq!(status(&e, o), OrderStatus::Delivered);
    assert_eq!(e.drivers()[0].status(), DriverStatus::Idle);
    assert_eq!(e.drivers()[0].deliveries, 1);
    assert_eq!(e.drivers()[0].busy_ms, 20);
    e.check_invariants(at(30), true).unwrap();
}

#[test]
fn created_to_cancelled_by_sender_and_by_deadline() {
    let mut e = world();
    let a = place(&mut e, T0, "tom", "paul");
    let b = place(&mut e, T0, "tom", "paul");
    cancel(&mut e, at(5), "tom", a).unwrap();
    assert_eq!(e.order(a).unwrap().cancel_reason, Some(CancelReason::Customer));
    let out = e
        .apply(
            at(60_000),
            &Command::ExpireDeadline {
                order: b,
                guard: Guard::Creation,
            },
        )
        .unwrap();
    assert_eq!(out.reply, Reply::DeadlineExpired { cancelled: true });
    assert_eq!(e.order(b).unwrap().cancel_reason, Some(CancelReason::NoPickup));
    assert_eq!(e.order(b).unwrap().cancelled_at, Some(at(60_000)));
}

#[test]
fn assigned_to_cancelled_notifies_the_driver_too() {
    let (mut e, o) = one_in_flight(false);
    let out = cancel(&mut e, at(5), "tom", o).unwrap();
    let told: Vec<(Role, NoticeKind)> = out.notices.iter().map(|n| (n.role, n.kind)).collect();
    assert_eq!(
        told,
        [
            (Role::Sender, NoticeKind::Cancelled),
            (Role::Recipient, NoticeKind::Cancelled),
            (Role::Driver, NoticeKind::Cancelled)
        ]
    );
    assert_eq!(e.drivers()[0].assigned_then_cancelled, 1);
}

#[test]
fn deadline_timer_is_harmless_after_pickup_or_before_due() {
    let (mut e, o) = one_in_flight(true);
    let before = e.clone();
    let out = e
        .apply(
            at(60_000),
            &Command::ExpireDeadline {
                order: o,
                guard: Guard::Creation,
            },
        )
        .unwrap();
    assert_eq!(out.reply, Reply::DeadlineExpired { cancelled: false });
    assert_eq!(e, before);
    let mut e = world();
    let o = place(&mut e, T0, "tom", "paul");
    let out = e
        .apply(
            at(59_999),
            &Command::ExpireDeadline {
                order: o,
                guard: Guard::Creation,
            },
        )
        .unwrap();
    assert_eq!(out.reply, Reply::DeadlineExpired { cancelled: false });
    assert_eq!(status(&e, o), OrderStatus::Created);
}

#[test]
fn placement_notifies_sender_and_recipient_then_assignment_all_three() {
    let mut e = world();
    driver(&mut e, T0, "d1");
    let cmd = Command::PlaceOrder {
        sender: TOM,
        recipient: PAUL,
        item: ItemId(1),
        key: None,
    };
    let out = e.apply(T0, &cmd).unwrap();
    let told: Vec<(Role, NoticeKind)> = out.notices.iter().map(|n| (n.role, n.kind)).collect();
    assert_eq!(
        told,
        [
            (Role::Sender, NoticeKind::Placed),
            (Role::Recipient, NoticeKind::Placed),
            (Role::Driver, NoticeKind::Assigned),
            (Role::Sender, NoticeKind::Assigned),
            (Role::Recipient, NoticeKind::Assigned),
        ]
    );
    assert_eq!(
        out.timers,
        [TimerRequest {
            at: at(60_000),
            timer: Timer::PickupDeadline {
                order: OrderId(0),
                guard: Guard::Creation
            }
        }]
    );
}

// ----- the deadline's instant -----

#[test]
fn pickup_at_59_999_s_succeeds() {
    let (mut e, o) = one_in_flight(false);
    pickup(&mut e, at(59_999), "d1", o).unwrap();
    assert_eq!(status(&e, o), OrderStatus::PickedUp);
}

#[test]
fn pickup_at_60_s_is_refused_even_before_the_timer_fires_and_the_driver_is_freed_by_it() {
    let (mut e, o) = one_in_flight(false);
    let waiting = place(&mut e, at(30_000), "paul", "ann");
    let d1 = d(&e, "d1");
    // The timer has not fired: the engine still refuses, on its own authority.
    refused(
        &mut e,
        at(60_000),
        Command::Pickup { driver: d1, order: o },
        Refusal::OrderCancelled,
    );
    refused(
        &mut e,
        at(60_000),
        Command::Deliver { driver: d1, order: o },
        Refusal::OrderCancelled,
    );
    refused(
        &mut e,
        at(60_000),
        Command::CancelOrder { order: o, by: TOM },
        Refusal::OrderCancelled,
    );
    // The timer at the same instant cancels it and the driver takes the waiting order at once.
    e.apply(
        at(60_000),
        &Command::ExpireDeadline {
            order: o,
            guard: Guard::Creation,
        },
    )
    .unwrap();
    assert_eq!(status(&e, o), OrderStatus::Cancelled);
    assert_eq!(e.drivers()[0].duty, Duty::Assigned(waiting));
    assert_eq!(e.order(waiting).unwrap().assigned_at, Some(at(60_000)));
    e.check_invariants(at(60_000), true).unwrap();
}

#[test]
fn an_order_past_its_deadline_is_never_assigned() {
    let mut e = world();
    let o = place(&mut e, T0, "tom", "paul");
    // The driver arrives at the deadline, before the timer has fired.
    driver(&mut e, at(60_000), "d1");
    assert_eq!(status(&e, o), OrderStatus::Created);
    assert_eq!(e.drivers()[0].status(), DriverStatus::Idle);
}

#[test]
fn the_deadline_is_configurable_before_the_first_order_only() {
    let mut e = world();
    e.reconfigure(|c| c.pickup_deadline = Millis(90_000)).unwrap();
    driver(&mut e, T0, "d1");
    let o = place(&mut e, T0, "tom", "paul");
    pickup(&mut e, at(89_999), "d1", o).unwrap();
    assert_eq!(
        e.reconfigure(|c| c.pickup_deadline = Millis(1)),
        Err(ConfigError::OrdersExist)
    );
}
