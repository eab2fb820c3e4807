//! Unit tests of where each profile's lines may stand (SPEC §8.3, §8.4): `set profile=`
//! first and once, parcel-only lines refused in a food script and food-only lines in a
//! parcel script, and the food lines that are malformed wherever they stand. Split from
//! `food_tests.rs`, which covers what well-formed food lines mean.

use super::*;

/// The error of a whole script: its line and message.
fn error_of(script: &str) -> (usize, String) {
    let e = parse_script(script).expect_err(script);
    (e.line, e.message)
}

#[test]
fn set_profile_must_come_first_and_once() {
    assert_eq!(
        error_of("onboard driver d\nset profile=food"),
        (
            2,
            "`set profile=` must be the script's first command, before anything is set or onboarded".into()
        )
    );
    assert_eq!(error_of("set deadline=1m\nset profile=food").0, 2);
    let (line, message) = error_of("set profile=food\nset profile=food");
    assert_eq!(line, 2);
    assert!(message.contains("given twice"), "{message}");
    assert!(error_of("set profile=boat").1.contains("unknown profile `boat`"));
    // Comments, blank lines and expectations of state before it do not count.
    assert!(parse_script("# a food script\n\nset profile=food\nset deadline=20m").is_ok());
    // A parcel script may say so too.
    assert!(parse_script("set profile=parcel\nitems").is_ok());
}

#[test]
fn parcel_only_lines_are_script_errors_in_a_food_script() {
    let cases = [
        ("catalog a b", "`catalog` is parcel-only"),
        ("items", "`items` (the parcel catalog) is parcel-only"),
        ("place order from=a to=b item=c", "parcel-only"),
        ("place order from=a restaurant=r items=x*1 item=c", "parcel-only"),
        (
            "expect order order-1 cancelled reason=no_pickup",
            "`reason=no_pickup` is parcel-only",
        ),
        ("expect order order-1 created", "unknown order status `created`"),
    ];
    for (line, fragment) in cases {
        let (number, message) = error_of(&format!("set profile=food\n{line}"));
        assert_eq!(number, 2, "{line}");
        assert!(message.contains(fragment), "{line}: {message}");
    }
}

#[test]
fn food_only_lines_are_script_errors_in_a_parcel_script() {
    let cases = [
        "onboard restaurant r at=1,2",
        "menu r pizza price=1",
        "restock r pizza 1",
        "open r",
        "close r",
        "confirm order-1",
        "reject order-1",
        "prepare order-1",
        "ready order-1",
        "release d order-1",
        "status restaurant r",
        "status invoice order-1",
        "place order from=a restaurant=r items=x*1",
        "set base_fee=1",
        "set review_after=2",
        "expect invoice order-1 total=1",
        "expect stock r pizza 1",
        "expect eta order-1 1m",
        "expect driver d idle failed_pickups=1",
        "expect driver d idle at=1,2",
        "expect order order-1 cancelled reason=restaurant_rejected",
        "expect notified tom delayed order-1",
    ];
    for line in cases {
        let (number, message) = error_of(&format!("items\n{line}"));
        assert_eq!(number, 2, "{line}");
        assert!(message.contains("food-only"), "{line}: {message}");
    }
    assert!(error_of("items\nexpect order order-1 pending")
        .1
        .contains("unknown order status `pending`"));
}

#[test]
fn malformed_food_lines_name_their_line() {
    let cases = [
        ("onboard restaurant r", "missing required option `at=`"),
        ("onboard restaurant r at=north", "invalid location"),
        ("onboard restaurant r at=1,2 prep=soon", "invalid duration"),
        ("onboard restaurant at=1,2", "expected a restaurant name"),
        (
            "onboard kitchen k",
            "expected `onboard customer`, `onboard driver` or `onboard restaurant`",
        ),
        ("menu r pizza", "missing required option `price=`"),
        ("menu r price=1", "expected a restaurant and an item"),
        ("restock r pizza", "expected a restaurant, an item and an amount"),
        ("open", "expected a restaurant"),
        ("confirm", "expected an order id"),
        ("release d1", "expected a driver and an order"),
        (
            "place order from=a restaurant=r",
            "missing required option `items=`",
        ),
        (
            "place order restaurant=r items=a*1",
            "missing required option `from=`",
        ),
        (
            "status kitchen",
            "expected order, driver, orders, drivers, restaurant or invoice",
        ),
        ("set speed_kmh=fast", "invalid `speed_kmh=fast`"),
        ("set base_fee=-1", "invalid `base_fee=-1`"),
        ("set key_ttl=0s", "must be above 0s"),
        ("set review_after=x", "invalid `review_after=x`"),
        ("expect invoice order-1 total=12.5", "invalid `total=12.5`"),
        ("expect invoice order-1 colour=red", "unknown option `colour`"),
        ("expect stock r pizza lots", "invalid stock `lots`"),
        ("expect eta order-1 soon", "invalid duration"),
        ("expect driver d idle review=maybe", "expected yes or no"),
        (
            "expect driver d idle failed_pickups=-1",
            "invalid `failed_pickups=-1`",
        ),
        (
            "expect notified r baked order-1",
            "unknown notification kind `baked`",
        ),
        (
            "expect order order-1 cancelled reason=rain",
            "expected customer or restaurant_rejected",
        ),
    ];
    for (line, fragment) in cases {
        let (number, message) = error_of(&format!("set profile=food\n\n{line}"));
        assert_eq!(number, 3, "{line}");
        assert!(message.contains(fragment), "{line}: {message}");
    }
}
