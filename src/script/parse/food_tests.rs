//! Unit tests of the food profile's grammar (SPEC §8.4): every food command, `set` option
//! and `expect` form, and what each parses to. Kept apart from `tests.rs` (the parcel
//! grammar) so both stay short; `profile_tests.rs` covers where each profile's lines may
//! stand and the malformed food lines.

use super::*;

/// The statements of a food script whose first line is `set profile=food`.
fn food(lines: &str) -> Result<Vec<Stmt>, ParseError> {
    parse_script(&format!("set profile=food\n{lines}"))
        .map(|ls| ls.into_iter().skip(1).map(|l| l.stmt).collect())
}

/// The one statement after `set profile=food`, or the parse error's message.
fn one_food(line: &str) -> Result<Stmt, String> {
    food(line).map(|mut s| s.remove(0)).map_err(|e| e.message)
}

#[test]
fn set_profile_food_with_other_settings() {
    let lines = parse_script(
        "set profile=food\nset deadline=20m policy=longest_idle base_fee=199 per_km_fee=40 speed_kmh=12.5 key_ttl=1h review_after=2",
    )
    .unwrap();
    assert_eq!(
        lines[0].stmt,
        Stmt::Set(Settings {
            profile: Some(Profile::Food),
            ..Settings::default()
        })
    );
    assert_eq!(
        lines[1].stmt,
        Stmt::Set(Settings {
            profile: None,
            deadline: Some(Millis(1_200_000)),
            policy: Some(Policy::LongestIdle),
            base_fee: Some(199),
            per_km_fee: Some(40),
            speed_kmh: Some(12.5),
            key_ttl: Some(Millis(3_600_000)),
            review_after: Some(2),
        })
    );
    // The profile and food settings may share the first line.
    assert!(parse_script("set profile=food base_fee=0").is_ok());
}

#[test]
fn settings_apply_over_the_profile_defaults() {
    let mut config = EngineConfig::default();
    Settings {
        profile: Some(Profile::Food),
        base_fee: Some(1),
        ..Settings::default()
    }
    .apply_to(&mut config);
    let mut expected = EngineConfig::for_profile(Profile::Food);
    expected.food.base_fee = 1;
    assert_eq!(config, expected);
}

#[test]
fn parses_every_food_command() {
    assert_eq!(
        one_food("onboard restaurant pizzeria at=52.5,13.4 email=p@x.io phone=+49 prep=20m open=no"),
        Ok(Stmt::OnboardRestaurant {
            name: "pizzeria".into(),
            at: LatLon::new(52.5, 13.4).unwrap(),
            email: Some("p@x.io".into()),
            phone: Some("+49".into()),
            prep: Millis(1_200_000),
            open: Some("no".into()),
        })
    );
    assert_eq!(
        one_food("onboard restaurant r at=1,2"),
        Ok(Stmt::OnboardRestaurant {
            name: "r".into(),
            at: LatLon::new(1.0, 2.0).unwrap(),
            email: None,
            phone: None,
            prep: Millis(720_000),
            open: None,
        })
    );
    // `open=` is kept as written: a value other than yes/no is refused when it runs.
    assert!(matches!(
        one_food("onboard restaurant r at=1,2 open=maybe"),
        Ok(Stmt::OnboardRestaurant { open: Some(o), .. }) if o == "maybe"
    ));
    assert_eq!(
        one_food("menu r pizza price=850 stock=3"),
        Ok(Stmt::Menu {
            restaurant: "r".into(),
            item: "pizza".into(),
            price: "850".into(),
            stock: Some("3".into()),
        })
    );
    // Amounts are kept as written, so a malformed one is a refusal, not a script error.
    assert!(
        matches!(one_food("menu r pizza price=-1"), Ok(Stmt::Menu { price, stock: None, .. }) if price == "-1")
    );
    assert_eq!(
        one_food("restock r pizza x"),
        Ok(Stmt::Restock {
            restaurant: "r".into(),
            item: "pizza".into(),
            amount: "x".into(),
        })
    );
    assert_eq!(
        one_food("open r"),
        Ok(Stmt::SetOpen {
            restaurant: "r".into(),
            open: true
        })
    );
    assert_eq!(
        one_food("close r"),
        Ok(Stmt::SetOpen {
            restaurant: "r".into(),
            open: false
        })
    );
    assert_eq!(
        one_food("place order from=tom restaurant=r items=a*1,,b tip=-5 key=k"),
        Ok(Stmt::PlaceMeal {
            from: "tom".into(),
            restaurant: "r".into(),
            items: "a*1,,b".into(),
            tip: Some("-5".into()),
            key: Some("k".into()),
        })
    );
    assert!(matches!(
        one_food("place order from=tom restaurant=r items="),
        Ok(Stmt::PlaceMeal { items, tip: None, key: None, .. }) if items.is_empty()
    ));
    for step in KitchenStep::ALL {
        assert_eq!(
            one_food(&format!("{} order-3", step.as_str())),
            Ok(Stmt::Kitchen {
                step,
                order: "order-3".into()
            })
        );
    }
    assert_eq!(
        one_food("release d1 order-1"),
        Ok(Stmt::Release {
            driver: "d1".into(),
            order: "order-1".into()
        })
    );
    assert_eq!(
        one_food("status restaurant r"),
        Ok(Stmt::StatusRestaurant("r".into()))
    );
    assert_eq!(
        one_food("status invoice order-1"),
        Ok(Stmt::StatusInvoice("order-1".into()))
    );
    // The shared commands keep their form.
    assert!(matches!(
        one_food("cancel order order-1"),
        Ok(Stmt::Cancel { .. })
    ));
    assert!(matches!(one_food("rate order-1 5 by=r"), Ok(Stmt::Rate { .. })));
    assert!(matches!(
        one_food("onboard driver d at=1,2"),
        Ok(Stmt::OnboardDriver { .. })
    ));
}

#[test]
fn parses_every_food_expectation() {
    let expect = |line: &str| match one_food(line) {
        Ok(Stmt::Expect(e)) => Ok(e),
        Ok(other) => panic!("{line}: not an expectation: {other:?}"),
        Err(message) => Err(message),
    };
    assert_eq!(
        expect("expect order order-1 cancelled reason=restaurant_rejected driver=d"),
        Ok(Expectation::Order {
            order: "order-1".into(),
            status: OrderStatus::Cancelled,
            driver: Some("d".into()),
            reason: Some(CancelReason::RestaurantRejected),
        })
    );
    for status in [
        "pending",
        "confirmed",
        "preparing",
        "ready",
        "assigned",
        "picked_up",
        "delivered",
    ] {
        assert!(
            expect(&format!("expect order order-1 {status}")).is_ok(),
            "{status}"
        );
    }
    assert_eq!(
        expect("expect driver d1 idle order=order-2 at=52.5,-0.125 failed_pickups=3 review=yes"),
        Ok(Expectation::Driver {
            name: "d1".into(),
            status: DriverStatus::Idle,
            order: Some("order-2".into()),
            at: Some(LatLon {
                lat: 52.5,
                lon: -0.125
            }),
            failed_pickups: Some(3),
            review: Some(true),
        })
    );
    assert_eq!(
        expect("expect invoice order-1 subtotal=1 fee=2 tip=3 total=6 refunded=0"),
        Ok(Expectation::Invoice {
            order: "order-1".into(),
            subtotal: Some(1),
            fee: Some(2),
            tip: Some(3),
            total: Some(6),
            refunded: Some(0),
        })
    );
    assert_eq!(
        expect("expect invoice order-1 refunded=455"),
        Ok(Expectation::Invoice {
            order: "order-1".into(),
            subtotal: None,
            fee: None,
            tip: None,
            total: None,
            refunded: Some(455),
        })
    );
    assert_eq!(
        expect("expect stock r pizza 4"),
        Ok(Expectation::Stock {
            restaurant: "r".into(),
            item: "pizza".into(),
            stock: Some(4)
        })
    );
    assert_eq!(
        expect("expect stock r cola unlimited"),
        Ok(Expectation::Stock {
            restaurant: "r".into(),
            item: "cola".into(),
            stock: None
        })
    );
    assert_eq!(
        expect("expect eta order-1 17m20s242ms"),
        Ok(Expectation::Eta {
            order: "order-1".into(),
            eta: Millis(1_040_242)
        })
    );
    for kind in [
        "placed",
        "confirmed",
        "assigned",
        "delayed",
        "unassigned",
        "review",
        "cancelled",
    ] {
        assert!(
            expect(&format!("expect notified r {kind} order-1")).is_ok(),
            "{kind}"
        );
    }
    let codes = [
        "unknown_restaurant",
        "restaurant_closed",
        "out_of_stock",
        "invalid_transition",
    ];
    for code in codes {
        let script = format!("set profile=food\nopen r\nexpect error {code}");
        assert!(parse_script(&script).is_ok(), "{code}");
    }
}
