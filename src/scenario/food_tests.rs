//! Food scenarios: the profile's defaults, its own sections, and the fields of the other
//! profile refused where they were written.

use super::*;

const AREA: &str = "[area]\ncenter = [52.52, 13.405]\n";

fn food(rest: &str) -> Result<Scenario, ScenarioError> {
    parse("f.toml", &format!("profile = \"food\"\n{rest}{AREA}"))
}

#[test]
fn a_food_scenario_takes_the_food_defaults() {
    let s = food("").unwrap();
    assert!(s.is_food());
    assert_eq!(s.policy(), Policy::Nearest);
    assert_eq!(s.pickup_deadline(), Millis::from_secs(15 * 60));
    let f = s.food();
    assert_eq!(f.restaurants.count, 10);
    assert_eq!(f.restaurants.menu, 12);
    assert_eq!(f.restaurants.stock, None);
    assert_eq!(f.pricing.base_fee_cents, 299);
    assert_eq!(f.pricing.per_km_cents, 50);
    assert_eq!(f.review_after, 3);
    assert_eq!(s.pickup_delay(), DurationDist::parse("exp(1m)").unwrap());
    assert_eq!(s.last_leg(), DurationDist::parse("lognormal(2m, 1m)").unwrap());
    // The parcel profile keeps its own.
    let p = parse("p.toml", "").unwrap();
    assert_eq!(p.policy(), Policy::LongestIdle);
    assert_eq!(p.pickup_deadline(), Millis::from_secs(60));
    assert_eq!(p.last_leg(), DurationDist::parse("exp(5m)").unwrap());
    assert_eq!(p.catalog().len(), 5);
}

#[test]
fn the_spec_food_example_parses() {
    let text = include_str!("../../scenarios/food-evening.toml");
    let s = parse("food-evening.toml", text).unwrap();
    assert!(s.is_food());
    let s = food(
        "[restaurants]\ncount = 40\nprep = \"lognormal(12m, 4m)\"\nconfirm_delay = \"uniform(10s, 90s)\"\nreject = 0.02\nmenu = 12\nprice_cents = \"uniform(600, 2400)\"\nstock = 300\n[demand]\nlines = \"uniform(1, 3)\"\nquantity = \"uniform(1, 2)\"\ntip_cents = \"uniform(0, 400)\"\n[behavior]\ndropoff = \"lognormal(2m, 1m)\"\n[dispatch]\nreview_after = 5\n[pricing]\nbase_fee_cents = 199\nper_km_cents = 0\n",
    )
    .unwrap();
    let f = s.food();
    assert_eq!((f.restaurants.count, f.restaurants.stock), (40, Some(300)));
    assert_eq!(f.restaurants.reject, Probability(0.02));
    assert_eq!((f.pricing.base_fee_cents, f.pricing.per_km_cents), (199, 0));
    assert_eq!(f.review_after, 5);
}

#[test]
fn a_field_of_the_other_profile_is_refused_where_it_was_written() {
    let cases: [(&str, &str, &str, (usize, usize)); 4] = [
        ("items = [\"pie\"]\n", "items", "a parcel field", (2, 9)),
        (
            "[behavior]\ndelivery_time = \"5m\"\n",
            "behavior.delivery_time",
            "behavior.dropoff",
            (3, 17),
        ),
        (
            "[fleet]\ndrivers = 3\n[pricing]\nbase_fee_cents = 1\n",
            "",
            "",
            (0, 0),
        ),
        ("[demand]\nlines = \"2\"\n", "", "", (0, 0)),
    ];
    for (text, field, fragment, position) in cases {
        match food(text) {
            Err(e) => {
                assert_eq!(e.field.as_deref(), Some(field), "{text}: {e}");
                assert!(e.message.contains(fragment), "{text}: {e}");
                assert!(e.message.contains("this is a food scenario"), "{e}");
                assert_eq!(e.position, Some(position), "{text}: {e}");
            }
            Ok(_) => assert!(field.is_empty(), "{text} was accepted"),
        }
    }
    let parcel = [
        ("[restaurants]\ncount = 3\n", "restaurants", (1, 1)),
        ("[pricing]\nper_km_cents = 3\n", "pricing", (1, 1)),
        ("[demand]\ntip_cents = \"100\"\n", "demand.tip_cents", (2, 13)),
        ("[demand]\nquantity = \"1\"\n", "demand.quantity", (2, 12)),
        ("[behavior]\ndropoff = \"1m\"\n", "behavior.dropoff", (2, 11)),
        ("[dispatch]\nreview_after = 2\n", "dispatch.review_after", (2, 16)),
    ];
    for (text, field, position) in parcel {
        let e = err(text);
        assert_eq!(e.field.as_deref(), Some(field), "{text}: {e}");
        assert!(
            e.message.contains("a food field, and this is a parcel scenario"),
            "{e}"
        );
        assert!(e.message.contains("profile = \"food\""), "{e}");
        assert_eq!(e.position, Some(position), "{text}: {e}");
    }
}

#[test]
fn food_values_are_bounded_and_located() {
    let cases = [
        ("profile = \"meals\"\n", "profile", "expected parcel or food"),
        ("profile = \"food\"\n", "area", "needs an [area]"),
        (
            &format!("profile = \"food\"\n{AREA}[restaurants]\nmenu = 0\n") as &str,
            "restaurants.menu",
            "at least 1 dish",
        ),
        (
            &format!("profile = \"food\"\n{AREA}[restaurants]\nmenu = 1001\n"),
            "restaurants.menu",
            "at most 1000",
        ),
        (
            &format!("profile = \"food\"\n{AREA}[restaurants]\ncount = 100001\n"),
            "restaurants.count",
            "at most 100000",
        ),
        (
            &format!("profile = \"food\"\n{AREA}[restaurants]\ncount = 2000\nmenu = 1000\n"),
            "restaurants.menu",
            "at most 1000000 in all",
        ),
        (
            &format!("profile = \"food\"\n{AREA}[restaurants]\ncount = 0\n"),
            "restaurants.count",
            "at least 1 restaurant",
        ),
        (
            &format!("profile = \"food\"\n{AREA}[restaurants]\nstock = -1\n"),
            "restaurants.stock",
            "from 0 to",
        ),
        (
            &format!("profile = \"food\"\n{AREA}[restaurants]\nstock = 1000000001\n"),
            "restaurants.stock",
            "from 0 to",
        ),
        (
            &format!("profile = \"food\"\n{AREA}[restaurants]\nprice_cents = \"uniform(5, 1)\"\n"),
            "restaurants.price_cents",
            "",
        ),
        (
            &format!("profile = \"food\"\n{AREA}[restaurants]\nreject = 2\n"),
            "restaurants.reject",
            "between 0 and 1",
        ),
        (
            &format!("profile = \"food\"\n{AREA}[pricing]\nbase_fee_cents = 1e3\n"),
            "pricing.base_fee_cents",
            "",
        ),
        (
            &format!("profile = \"food\"\n{AREA}[dispatch]\nreview_after = 0\n"),
            "dispatch.review_after",
            "from 1 to 1000000",
        ),
        (
            &format!("profile = \"food\"\n{AREA}[demand]\ncustomers = 0\n"),
            "demand.customers",
            "at least 1 customer",
        ),
        (
            &format!("profile = \"food\"\n{AREA}[restaurants]\ncolour = 1\n"),
            "restaurants.colour",
            "unknown field `colour`",
        ),
    ];
    for (text, field, fragment) in cases {
        let e = err(text);
        assert_eq!(e.field.as_deref(), Some(field), "{text}: {e}");
        assert!(e.message.contains(fragment), "{text}: {e}");
    }
    // One customer is enough for food: they order for themself.
    assert!(food("[demand]\ncustomers = 1\n").is_ok());
}
