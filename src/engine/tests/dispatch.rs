//! Who gets an order: longest idle, a freed driver taking the oldest waiting order, skipped
//! cancelled and late orders, and the `nearest` and `random` policies.

use super::*;

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
