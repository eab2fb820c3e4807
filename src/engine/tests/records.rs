//! What the engine keeps: idempotency keys, the rankings, the catalog, and the retirement
//! of finished orders.

use super::*;

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
