//! Unit tests of the rules engine: every error code, every transition, the deadline instant,
//! dispatch order and the rankings. Each refusal test also checks that the refused command
//! left the engine exactly as it was.

use super::*;
use crate::time::Millis;

const T0: Millis = Millis(0);
// The customers of `world()`, in onboarding order.
const TOM: CustomerId = CustomerId(0);
const PAUL: CustomerId = CustomerId(1);
const ANN: CustomerId = CustomerId(2);

fn at(ms: u64) -> Millis {
    Millis(ms)
}

/// A small world: customers tom, paul, ann (email + phone) and no drivers.
fn world() -> Engine {
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

fn c(e: &Engine, name: &str) -> CustomerId {
    e.customer_by_name(name).unwrap()
}

fn d(e: &Engine, name: &str) -> DriverId {
    e.driver_by_name(name).unwrap()
}

fn driver(e: &mut Engine, now: Millis, name: &str) -> Outcome {
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

fn place(e: &mut Engine, now: Millis, from: &str, to: &str) -> OrderId {
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

fn pickup(e: &mut Engine, now: Millis, who: &str, order: OrderId) -> Result<Outcome, Refusal> {
    let driver = d(e, who);
    e.apply(now, &Command::Pickup { driver, order })
}

fn deliver(e: &mut Engine, now: Millis, who: &str, order: OrderId) -> Result<Outcome, Refusal> {
    let driver = d(e, who);
    e.apply(now, &Command::Deliver { driver, order })
}

fn cancel(e: &mut Engine, now: Millis, who: &str, order: OrderId) -> Result<Outcome, Refusal> {
    let by = c(e, who);
    e.apply(now, &Command::CancelOrder { order, by })
}

fn rate(e: &mut Engine, now: Millis, who: &str, order: OrderId, stars: i64) -> Result<Outcome, Refusal> {
    let by = c(e, who);
    e.apply(now, &Command::Rate { order, stars, by })
}

fn status(e: &Engine, order: OrderId) -> OrderStatus {
    e.order(order).unwrap().status
}

/// Applies a command that must be refused with `code`, and checks it changed nothing.
fn refused(e: &mut Engine, now: Millis, cmd: Command, code: Refusal) {
    let before = e.clone();
    assert_eq!(e.apply(now, &cmd).map(|o| o.reply), Err(code), "{cmd:?}");
    assert_eq!(*e, before, "refused {cmd:?} changed the engine");
}

/// A world with one driver holding order-1 (tom → paul), picked up if `picked`.
fn one_in_flight(picked: bool) -> (Engine, OrderId) {
    let mut e = world();
    driver(&mut e, T0, "d1");
    let o = place(&mut e, T0, "tom", "paul");
    if picked {
        pickup(&mut e, at(1_000), "d1", o).unwrap();
    }
    (e, o)
}

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
        .apply(at(60_000), &Command::ExpireDeadline { order: b })
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
        .apply(at(60_000), &Command::ExpireDeadline { order: o })
        .unwrap();
    assert_eq!(out.reply, Reply::DeadlineExpired { cancelled: false });
    assert_eq!(e, before);
    let mut e = world();
    let o = place(&mut e, T0, "tom", "paul");
    let out = e
        .apply(at(59_999), &Command::ExpireDeadline { order: o })
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
            timer: Timer::PickupDeadline(OrderId(0))
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
    e.apply(at(60_000), &Command::ExpireDeadline { order: o })
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

// ----- dispatch -----

#[test]
fn longest_idle_driver_gets_the_next_order() {
    let mut e = world();
    driver(&mut e, T0, "d1");
    driver(&mut e, T0, "d2");
    driver(&mut e, T0, "d3");
    let a = place(&mut e, T0, "tom", "paul");
    assert_eq!(e.order(a).unwrap().driver, Some(d(&e, "d1")));
    pickup(&mut e, at(1), "d1", a).unwrap();
    deliver(&mut e, at(2), "d1", a).unwrap();
    // d2 and d3 have been idle since onboarding; d1 only since its delivery.
    let b = place(&mut e, at(3), "tom", "paul");
    let c_ = place(&mut e, at(3), "tom", "paul");
    let d_ = place(&mut e, at(3), "tom", "paul");
    let drivers: Vec<_> = [b, c_, d_]
        .iter()
        .map(|o| e.order(*o).unwrap().driver.unwrap())
        .collect();
    assert_eq!(drivers, [d(&e, "d2"), d(&e, "d3"), d(&e, "d1")]);
}

#[test]
fn cancelled_assigned_order_frees_its_driver_who_takes_the_oldest_waiting_order() {
    let (mut e, first) = one_in_flight(false);
    let older = place(&mut e, at(1), "paul", "ann");
    let newer = place(&mut e, at(2), "ann", "tom");
    let out = cancel(&mut e, at(3), "tom", first).unwrap();
    assert_eq!(e.drivers()[0].duty, Duty::Assigned(older));
    assert_eq!(status(&e, newer), OrderStatus::Created);
    // The cancellation is told before the new assignment.
    let kinds: Vec<NoticeKind> = out.notices.iter().map(|n| n.kind).collect();
    assert_eq!(kinds[..3], [NoticeKind::Cancelled; 3]);
    assert_eq!(kinds[3..], [NoticeKind::Assigned; 3]);
}

#[test]
fn a_waiting_order_cancelled_by_its_sender_is_skipped() {
    let (mut e, first) = one_in_flight(true);
    let skipped = place(&mut e, at(1), "paul", "ann");
    let next = place(&mut e, at(2), "ann", "tom");
    cancel(&mut e, at(3), "paul", skipped).unwrap();
    deliver(&mut e, at(4), "d1", first).unwrap();
    assert_eq!(e.drivers()[0].duty, Duty::Assigned(next));
    assert_eq!(status(&e, skipped), OrderStatus::Cancelled);
    assert_eq!(e.order(skipped).unwrap().driver, None);
}

#[test]
fn waiting_orders_past_deadline_are_skipped_by_a_freed_driver() {
    let (mut e, first) = one_in_flight(true);
    let stale = place(&mut e, at(1_000), "paul", "ann");
    let fresh = place(&mut e, at(30_000), "ann", "tom");
    // At 61 s stale is past its deadline (its timer is late); fresh is still live.
    deliver(&mut e, at(61_000), "d1", first).unwrap();
    assert_eq!(e.drivers()[0].duty, Duty::Assigned(fresh));
    assert_eq!(status(&e, stale), OrderStatus::Created);
}

#[test]
fn nearest_policy_picks_the_closest_idle_driver_and_ties_go_to_longest_idle() {
    let mut e = Engine::default();
    e.reconfigure(|c| c.policy = Policy::Nearest).unwrap();
    let here = LatLon::new(52.52, 13.40);
    let near = LatLon::new(52.53, 13.40);
    let far = LatLon::new(52.70, 13.40);
    for (name, location) in [("s", here), ("r", far)] {
        let contact = Contact {
            email: Some("a@b".into()),
            phone: None,
        };
        e.apply(
            T0,
            &Command::OnboardCustomer {
                name: name.into(),
                contact,
                address: None,
                location,
            },
        )
        .unwrap();
    }
    for (name, location) in [("far1", far), ("near1", near), ("near2", near)] {
        e.apply(
            T0,
            &Command::OnboardDriver {
                name: name.into(),
                contact: Contact::default(),
                location,
            },
        )
        .unwrap();
    }
    let o = place(&mut e, T0, "s", "r");
    assert_eq!(e.order(o).unwrap().driver, Some(d(&e, "near1")));
    let o2 = place(&mut e, T0, "s", "r");
    assert_eq!(e.order(o2).unwrap().driver, Some(d(&e, "near2")));
    // After delivering, near1 stands at the recipient, far away.
    pickup(&mut e, at(1), "near1", o).unwrap();
    deliver(&mut e, at(2), "near1", o).unwrap();
    assert_eq!(e.drivers()[d(&e, "near1").index()].location, far);
}

#[test]
fn random_policy_is_seeded_and_reproducible() {
    let run = |seed| {
        let mut e = world();
        e.reconfigure(|c| {
            c.policy = Policy::Random;
            c.dispatch_seed = seed;
        })
        .unwrap();
        for i in 0..8 {
            driver(&mut e, T0, &format!("d{i}"));
        }
        let orders: Vec<OrderId> = (0..8).map(|_| place(&mut e, T0, "tom", "paul")).collect();
        orders
            .iter()
            .map(|o| e.order(*o).unwrap().driver.unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

// ----- idempotency -----

#[test]
fn a_repeated_key_returns_the_first_order_and_creates_nothing() {
    let mut e = world();
    let cmd = Command::PlaceOrder {
        sender: TOM,
        recipient: PAUL,
        item: ItemId(2),
        key: Some("k1".into()),
    };
    let first = e.apply(T0, &cmd).unwrap();
    let before = e.clone();
    let again = e.apply(at(5), &cmd).unwrap();
    assert_eq!(
        again.reply,
        Reply::Placed {
            order: OrderId(0),
            duplicate: true
        }
    );
    assert!(again.notices.is_empty() && again.timers.is_empty());
    assert_eq!(again.events, [Event::DuplicatePrevented(OrderId(0))]);
    assert_eq!(e, before);
    assert_eq!(
        first.reply,
        Reply::Placed {
            order: OrderId(0),
            duplicate: false
        }
    );
    let other = Command::PlaceOrder {
        sender: TOM,
        recipient: ANN,
        item: ItemId(2),
        key: Some("k1".into()),
    };
    refused(&mut e, at(6), other, Refusal::InvalidArgument);
}

// ----- every refusal code, each changing nothing -----

#[test]
fn duplicate_name_across_customers_and_drivers() {
    let mut e = world();
    driver(&mut e, T0, "d1");
    let cmd = |name: &str| Command::OnboardDriver {
        name: name.into(),
        contact: Contact::default(),
        location: None,
    };
    refused(&mut e, T0, cmd("d1"), Refusal::DuplicateName);
    refused(&mut e, T0, cmd("tom"), Refusal::DuplicateName);
    let customer = Command::OnboardCustomer {
        name: "d1".into(),
        contact: Contact::default(),
        address: None,
        location: None,
    };
    refused(&mut e, T0, customer, Refusal::DuplicateName);
}

#[test]
fn invalid_argument_for_every_listed_cause() {
    let mut e = world();
    let onboard = |email: Option<&str>, phone: Option<&str>| Command::OnboardCustomer {
        name: "new".into(),
        contact: Contact {
            email: email.map(Into::into),
            phone: phone.map(Into::into),
        },
        address: None,
        location: None,
    };
    refused(
        &mut e,
        T0,
        onboard(Some("no-at-sign"), Some("1")),
        Refusal::InvalidArgument,
    );
    refused(
        &mut e,
        T0,
        onboard(Some("a@b"), Some("12-34")),
        Refusal::InvalidArgument,
    );
    refused(
        &mut e,
        T0,
        onboard(Some("a@b"), Some("+")),
        Refusal::InvalidArgument,
    );
    let tom = TOM;
    refused(
        &mut e,
        T0,
        Command::PlaceOrder {
            sender: tom,
            recipient: tom,
            item: ItemId(0),
            key: None,
        },
        Refusal::InvalidArgument,
    );
    let (mut e, o) = one_in_flight(true);
    deliver(&mut e, at(2), "d1", o).unwrap();
    for stars in [0, 6, -1, 300] {
        refused(
            &mut e,
            at(3),
            Command::Rate {
                order: o,
                stars,
                by: TOM,
            },
            Refusal::InvalidArgument,
        );
    }
}

#[test]
fn unknown_entities() {
    let (mut e, o) = one_in_flight(false);
    let (tom, d1) = (TOM, d(&e, "d1"));
    assert_eq!(e.customer_by_name("nobody"), Err(Refusal::UnknownCustomer));
    assert_eq!(e.customer_by_name("d1"), Err(Refusal::UnknownCustomer));
    assert_eq!(e.driver_by_name("tom"), Err(Refusal::UnknownDriver));
    assert_eq!(e.item_by_name("piano"), Err(Refusal::UnknownItem));
    assert_eq!(e.order_by_name("order-2"), Err(Refusal::UnknownOrder));
    assert_eq!(e.order_by_name("order-1"), Ok(o));
    let ghost = CustomerId(99);
    refused(
        &mut e,
        T0,
        Command::PlaceOrder {
            sender: ghost,
            recipient: tom,
            item: ItemId(0),
            key: None,
        },
        Refusal::UnknownCustomer,
    );
    refused(
        &mut e,
        T0,
        Command::PlaceOrder {
            sender: tom,
            recipient: ghost,
            item: ItemId(0),
            key: None,
        },
        Refusal::UnknownCustomer,
    );
    refused(
        &mut e,
        T0,
        Command::PlaceOrder {
            sender: tom,
            recipient: tom,
            item: ItemId(9),
            key: None,
        },
        Refusal::UnknownItem,
    );
    refused(
        &mut e,
        T0,
        Command::Pickup {
            driver: DriverId(9),
            order: o,
        },
        Refusal::UnknownDriver,
    );
    refused(
        &mut e,
        T0,
        Command::Pickup {
            driver: d1,
            order: OrderId(9),
        },
        Refusal::UnknownOrder,
    );
    refused(
        &mut e,
        T0,
        Command::CancelOrder {
            order: OrderId(9),
            by: tom,
        },
        Refusal::UnknownOrder,
    );
    refused(
        &mut e,
        T0,
        Command::CancelOrder { order: o, by: ghost },
        Refusal::UnknownCustomer,
    );
    refused(
        &mut e,
        T0,
        Command::Rate {
            order: OrderId(9),
            stars: 9,
            by: tom,
        },
        Refusal::UnknownOrder,
    );
    refused(
        &mut e,
        T0,
        Command::ExpireDeadline { order: OrderId(9) },
        Refusal::UnknownOrder,
    );
}

#[test]
fn order_cancelled_for_pickup_deliver_rate_and_cancel() {
    let (mut e, o) = one_in_flight(false);
    cancel(&mut e, at(1), "tom", o).unwrap();
    let (tom, d1) = (TOM, d(&e, "d1"));
    refused(
        &mut e,
        at(2),
        Command::Pickup { driver: d1, order: o },
        Refusal::OrderCancelled,
    );
    refused(
        &mut e,
        at(2),
        Command::Deliver { driver: d1, order: o },
        Refusal::OrderCancelled,
    );
    refused(
        &mut e,
        at(2),
        Command::Rate {
            order: o,
            stars: 5,
            by: tom,
        },
        Refusal::OrderCancelled,
    );
    refused(
        &mut e,
        at(2),
        Command::CancelOrder { order: o, by: tom },
        Refusal::OrderCancelled,
    );
}

#[test]
fn not_your_order_for_drivers_and_customers() {
    let (mut e, o) = one_in_flight(false);
    driver(&mut e, T0, "d2");
    let waiting_behind = place(&mut e, T0, "paul", "ann");
    let d2 = d(&e, "d2");
    let d1 = d(&e, "d1");
    // d2 took the second order; d1 cannot touch it, and d2 cannot touch d1's.
    refused(
        &mut e,
        at(1),
        Command::Pickup { driver: d2, order: o },
        Refusal::NotYourOrder,
    );
    refused(
        &mut e,
        at(1),
        Command::Deliver { driver: d2, order: o },
        Refusal::NotYourOrder,
    );
    refused(
        &mut e,
        at(1),
        Command::Pickup {
            driver: d1,
            order: waiting_behind,
        },
        Refusal::NotYourOrder,
    );
    // A still-waiting order belongs to no driver.
    let waiting = place(&mut e, at(1), "ann", "tom");
    refused(
        &mut e,
        at(2),
        Command::Pickup {
            driver: d1,
            order: waiting,
        },
        Refusal::NotYourOrder,
    );
    refused(
        &mut e,
        at(2),
        Command::Deliver {
            driver: d1,
            order: waiting,
        },
        Refusal::NotYourOrder,
    );
    // Only the sender may cancel; only sender or recipient may rate.
    refused(
        &mut e,
        at(2),
        Command::CancelOrder { order: o, by: PAUL },
        Refusal::NotYourOrder,
    );
    pickup(&mut e, at(3), "d1", o).unwrap();
    deliver(&mut e, at(4), "d1", o).unwrap();
    refused(
        &mut e,
        at(5),
        Command::Rate {
            order: o,
            stars: 5,
            by: ANN,
        },
        Refusal::NotYourOrder,
    );
    rate(&mut e, at(5), "paul", o, 4).unwrap();
}

#[test]
fn sequencing_codes() {
    let (mut e, o) = one_in_flight(false);
    let (tom, d1) = (TOM, d(&e, "d1"));
    refused(
        &mut e,
        at(1),
        Command::Deliver { driver: d1, order: o },
        Refusal::NotPickedUp,
    );
    refused(
        &mut e,
        at(1),
        Command::Rate {
            order: o,
            stars: 5,
            by: tom,
        },
        Refusal::NotDelivered,
    );
    pickup(&mut e, at(2), "d1", o).unwrap();
    refused(
        &mut e,
        at(3),
        Command::Pickup { driver: d1, order: o },
        Refusal::AlreadyPickedUp,
    );
    refused(
        &mut e,
        at(3),
        Command::CancelOrder { order: o, by: tom },
        Refusal::AlreadyPickedUp,
    );
    refused(
        &mut e,
        at(3),
        Command::Rate {
            order: o,
            stars: 5,
            by: tom,
        },
        Refusal::NotDelivered,
    );
    deliver(&mut e, at(4), "d1", o).unwrap();
    refused(
        &mut e,
        at(5),
        Command::Pickup { driver: d1, order: o },
        Refusal::AlreadyDelivered,
    );
    refused(
        &mut e,
        at(5),
        Command::Deliver { driver: d1, order: o },
        Refusal::AlreadyDelivered,
    );
    refused(
        &mut e,
        at(5),
        Command::CancelOrder { order: o, by: tom },
        Refusal::AlreadyDelivered,
    );
    rate(&mut e, at(6), "tom", o, 5).unwrap();
    refused(
        &mut e,
        at(7),
        Command::Rate {
            order: o,
            stars: 4,
            by: PAUL,
        },
        Refusal::AlreadyRated,
    );
}

#[test]
fn the_first_applicable_code_wins() {
    let (mut e, o) = one_in_flight(false);
    cancel(&mut e, at(1), "tom", o).unwrap();
    let paul = PAUL;
    // Bad stars (invalid_argument) beat a cancelled order, which beats not_your_order.
    refused(
        &mut e,
        at(2),
        Command::Rate {
            order: o,
            stars: 9,
            by: paul,
        },
        Refusal::InvalidArgument,
    );
    refused(
        &mut e,
        at(2),
        Command::CancelOrder { order: o, by: paul },
        Refusal::OrderCancelled,
    );
    driver(&mut e, at(2), "d2");
    let d2 = d(&e, "d2");
    refused(
        &mut e,
        at(2),
        Command::Pickup { driver: d2, order: o },
        Refusal::OrderCancelled,
    );
    // A delivered order (finished) beats not_your_order for another driver.
    let (mut e, o) = one_in_flight(true);
    deliver(&mut e, at(2), "d1", o).unwrap();
    driver(&mut e, at(2), "d2");
    let d2 = d(&e, "d2");
    refused(
        &mut e,
        at(3),
        Command::Pickup { driver: d2, order: o },
        Refusal::AlreadyDelivered,
    );
}

#[test]
fn every_refusal_code_is_produced_by_some_test_here() {
    // Guards this file: a new code needs a test above. The list is the SPEC's table.
    let tested = [
        "duplicate_name",
        "invalid_argument",
        "unknown_customer",
        "unknown_driver",
        "unknown_order",
        "unknown_item",
        "order_cancelled",
        "not_your_order",
        "already_picked_up",
        "not_picked_up",
        "already_delivered",
        "not_delivered",
        "already_rated",
    ];
    let all: Vec<&str> = Refusal::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(all, tested);
}

// ----- rankings -----

#[test]
fn rankings_damp_single_ratings_and_break_ties_by_name() {
    let mut e = world();
    for name in ["zed", "amy", "bob", "cal"] {
        driver(&mut e, T0, name);
    }
    let mut now = 0;
    let mut deliver_by = |e: &mut Engine, who: &str, stars: Option<i64>| {
        now += 10;
        let o = place(e, at(now), "tom", "paul");
        let holder = e.drivers()[e.order(o).unwrap().driver.unwrap().index()]
            .name
            .clone();
        assert_eq!(holder, who, "dispatch went elsewhere");
        pickup(e, at(now + 1), who, o).unwrap();
        deliver(e, at(now + 2), who, o).unwrap();
        if let Some(s) = stars {
            rate(e, at(now + 3), "paul", o, s).unwrap();
        }
    };
    // Longest idle order is zed, amy, bob, cal, and each delivery sends the driver to the back.
    deliver_by(&mut e, "zed", Some(5));
    for _ in 0..4 {
        deliver_by(&mut e, "amy", Some(4));
        deliver_by(&mut e, "bob", Some(4));
        deliver_by(&mut e, "cal", None);
        deliver_by(&mut e, "zed", None);
    }
    let names = |ids: Vec<DriverId>| {
        ids.into_iter()
            .map(|d| e.drivers()[d.index()].name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(rankings::board(&e, RankBy::Deliveries)),
        ["zed", "amy", "bob", "cal"]
    );
    // Fleet mean 37/9 ≈ 4.11. zed: (5 + 5·4.11)/6 ≈ 4.26; amy and bob: (16 + 20.56)/9 ≈ 4.06, tied → by name;
    // cal has no rating and comes last.
    assert_eq!(
        names(rankings::board(&e, RankBy::Rating)),
        ["zed", "amy", "bob", "cal"]
    );
    let zed = rankings::rating_score(&e, d(&e, "zed")).unwrap();
    assert!((zed - (5.0 + 5.0 * 37.0 / 9.0) / 6.0).abs() < 1e-12);
    assert_eq!(rankings::rating_score(&e, d(&e, "cal")), None);
}

#[test]
fn every_driver_is_on_both_boards_even_with_no_ratings_at_all() {
    let mut e = world();
    for name in ["b", "a", "c"] {
        driver(&mut e, T0, name);
    }
    for by in [RankBy::Deliveries, RankBy::Rating] {
        let names: Vec<&str> = rankings::board(&e, by)
            .into_iter()
            .map(|d| e.drivers()[d.index()].name.as_str())
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
    }
}

#[test]
fn catalog_replacement_is_validated() {
    let mut e = world();
    assert_eq!(
        e.reconfigure(|c| c.catalog.clear()),
        Err(ConfigError::EmptyCatalog)
    );
    assert_eq!(
        e.reconfigure(|c| c.catalog = vec!["a".into(), "a".into()]),
        Err(ConfigError::DuplicateItem("a".into()))
    );
    e.reconfigure(|c| c.catalog = vec!["keys".into()]).unwrap();
    assert_eq!(e.item_by_name("keys"), Ok(ItemId(0)));
    assert_eq!(e.item_by_name("item1"), Err(Refusal::UnknownItem));
}

// ----- retirement -----

#[test]
fn only_finished_orders_retire_from_the_front_and_keys_outlive_them() {
    let (mut e, first) = one_in_flight(false);
    let keyed = Command::PlaceOrder {
        sender: TOM,
        recipient: ANN,
        item: ItemId(0),
        key: Some("k".into()),
    };
    e.apply(at(1), &keyed).unwrap();
    assert_eq!(e.retire_oldest_finished(), None, "order-1 is still assigned");
    cancel(&mut e, at(2), "tom", first).unwrap();
    // order-2 went to the freed driver; order-1 is cancelled and can go.
    assert_eq!(e.retire_oldest_finished().map(|o| o.id), Some(first));
    assert_eq!(e.order(first).map(|o| o.id), Err(Refusal::UnknownOrder));
    assert_eq!(e.orders_placed(), 2);
    assert_eq!(e.retire_oldest_finished(), None, "order-2 is assigned");
    let d1 = d(&e, "d1");
    e.apply(
        at(3),
        &Command::Pickup {
            driver: d1,
            order: OrderId(1),
        },
    )
    .unwrap();
    e.apply(
        at(4),
        &Command::Deliver {
            driver: d1,
            order: OrderId(1),
        },
    )
    .unwrap();
    assert_eq!(e.retire_oldest_finished().map(|o| o.id), Some(OrderId(1)));
    assert!(e.orders().is_empty());
    // The key still finds its (retired) order and still checks the details.
    let again = e.apply(at(5), &keyed).unwrap();
    assert_eq!(
        again.reply,
        Reply::Placed {
            order: OrderId(1),
            duplicate: true
        }
    );
    let other = Command::PlaceOrder {
        sender: TOM,
        recipient: PAUL,
        item: ItemId(0),
        key: Some("k".into()),
    };
    refused(&mut e, at(5), other, Refusal::InvalidArgument);
    assert_eq!(place(&mut e, at(6), "tom", "paul"), OrderId(2));
    e.check_invariants(at(6), true).unwrap();
}
