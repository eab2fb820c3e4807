//! Scenario parsing: defaults, every distribution, and errors that name file, field and
//! position.

use super::*;
use crate::engine::Policy;

fn err(text: &str) -> ScenarioError {
    parse("s.toml", text).expect_err(text)
}

#[test]
fn an_empty_file_takes_every_default() {
    let s = parse("s.toml", "").unwrap();
    assert_eq!(s.seed, 42);
    assert_eq!(s.horizon.0, Millis::from_secs(3600));
    assert_eq!(s.fleet.drivers, 10);
    assert_eq!(s.demand.customers, 200);
    assert_eq!(s.policy(), Policy::LongestIdle);
    assert_eq!(s.pickup_deadline(), Millis::from_secs(60));
    assert_eq!(s.behavior.rating.probability, Probability(0.7));
    assert!(s.area.is_none());
}

#[test]
fn the_spec_example_parses() {
    let text = r#"
name = "evening"
seed = 42
horizon = "2h"
items = ["document", "keys", "small-box", "large-box"]
[fleet]
drivers = 50
[demand]
customers = 2000
rate = "40/m"
profile = [ { from = "0m", rate = "20/m" }, { from = "30m", rate = "90/m" }, { from = "1h30m", rate = "30/m" } ]
double_tap = 0.0
[behavior]
pickup_delay = "exp(20s)"
delivery_time = "lognormal(5m, 2m)"
no_show = 0.0
cancel = { probability = 0.0, after = "uniform(0s, 60s)" }
rating = { probability = 0.7, driver_mean = "uniform(3.0, 5.0)", spread = 0.8 }
[area]
center = [52.52, 13.40]
radius_km = 5
speed_kmh = 25
[dispatch]
policy = "nearest"
pickup_deadline = "60s"
[report]
events = true
notifications = false
"#;
    let s = parse("s.toml", text).unwrap();
    assert_eq!(s.name, "evening");
    assert_eq!(s.policy(), Policy::Nearest);
    let per_min = |r: f64| r * 60_000.0;
    let segments: Vec<(u64, f64)> = s
        .rate_segments()
        .iter()
        .map(|(t, r)| (t.as_ms(), per_min(*r).round()))
        .collect();
    assert_eq!(segments, [(0, 20.0), (1_800_000, 90.0), (5_400_000, 30.0)]);
    assert!(s.report.events);
}

#[test]
fn an_unknown_field_is_named_with_its_position() {
    let e = err("[fleet]\ndrivers = 5\ncars = 3\n");
    assert_eq!(e.position, Some((3, 1)), "{e}");
    assert!(e.message.contains("unknown field `cars`"), "{e}");
    assert!(e.to_string().starts_with("s.toml:3:1: "), "{e}");
}

#[test]
fn bad_values_name_the_field_and_position() {
    let cases = [
        (
            "[demand]\nrate = \"-5/m\"\n",
            "demand.rate",
            (2, 8),
            "invalid rate",
        ),
        (
            "[behavior]\npickup_delay = \"exp(-1s)\"\n",
            "behavior.pickup_delay",
            (2, 16),
            "invalid duration",
        ),
        (
            "[behavior]\nno_show = 1.5\n",
            "behavior.no_show",
            (2, 11),
            "between 0 and 1",
        ),
        ("horizon = \"soon\"\n", "horizon", (1, 11), "invalid duration"),
        ("[fleet]\ndrivers = -3\n", "fleet.drivers", (2, 11), ""),
        (
            "[dispatch]\npolicy = \"fastest\"\n",
            "dispatch.policy",
            (2, 10),
            "unknown policy",
        ),
        (
            "[behavior]\ncancel = { probability = 0.1, after = \"gamma(1s)\" }\n",
            "behavior.cancel.after",
            (2, 39),
            "unknown distribution",
        ),
    ];
    for (text, field, position, fragment) in cases {
        let e = err(text);
        assert_eq!(e.field.as_deref(), Some(field), "{text}: {e}");
        assert_eq!(e.position, Some(position), "{text}: {e}");
        assert!(e.message.contains(fragment), "{text}: {e}");
    }
}

#[test]
fn nearest_without_area_points_at_the_policy() {
    let e = err("[dispatch]\npolicy = \"nearest\"\n");
    assert_eq!(e.field.as_deref(), Some("dispatch.policy"));
    assert_eq!(e.position, Some((2, 10)));
    assert!(e.message.contains("needs an [area]"), "{e}");
}

#[test]
fn cross_field_rules() {
    assert_eq!(
        err("[demand]\ncustomers = 1\n").field.as_deref(),
        Some("demand.customers")
    );
    assert_eq!(err("items = []\n").field.as_deref(), Some("items"));
    assert_eq!(err("items = [\"a\", \"a\"]\n").field.as_deref(), Some("items"));
    let e = err(
        "[demand]\nprofile = [ { from = \"30m\", rate = \"1/m\" }, { from = \"10m\", rate = \"1/m\" } ]\n",
    );
    assert_eq!(e.field.as_deref(), Some("demand.profile"));
    assert_eq!(
        err("[area]\ncenter = [95.0, 0.0]\n").field.as_deref(),
        Some("area.center")
    );
    assert_eq!(
        err("[area]\ncenter = [1.0, 0.0]\nspeed_kmh = 0\n")
            .field
            .as_deref(),
        Some("area.speed_kmh")
    );
}

#[test]
fn a_syntax_error_has_a_position() {
    let e = err("[fleet\ndrivers = 5\n");
    assert_eq!(e.position.map(|p| p.0), Some(1), "{e}");
    assert_eq!(e.field, None);
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let e = load(Path::new("no/such/scenario.toml")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("no/such/scenario.toml: cannot read the scenario"),
        "{e}"
    );
}

#[test]
fn a_name_that_would_escape_the_reports_folder_is_refused() {
    for name in ["../x", "a/b", "/tmp/abs", ".", ".."] {
        let e = err(&format!("name = {name:?}\n"));
        assert_eq!(e.field.as_deref(), Some("name"), "{name}: {e}");
    }
    assert_eq!(
        parse("s.toml", "name = \"evening 2\"\n").unwrap().name,
        "evening 2"
    );
}

#[test]
fn an_absurd_rate_is_refused_instead_of_running_forever() {
    let e = err("[demand]\nrate = \"1e12/s\"\n");
    assert_eq!(e.field.as_deref(), Some("demand.rate"));
    assert!(e.message.contains("limit"), "{e}");
}

#[test]
fn huge_values_are_located_errors_not_aborts_or_endless_runs() {
    // Regression (issue 7): each of these was accepted, then aborted on memory, wrapped an
    // integer, overflowed a sum, or started a run that never ended.
    let located = [
        (
            "[fleet]\ndrivers = 2147483648\n",
            "fleet.drivers",
            (2, 11),
            "at most 100000 drivers",
        ),
        (
            "[demand]\ncustomers = 4294967295\n",
            "demand.customers",
            (2, 13),
            "at most 1000000 customers",
        ),
        (
            "[behavior]\ndelivery_time = \"5124095576030h\"\n",
            "behavior.delivery_time",
            (2, 17),
            "limit of 1000 days",
        ),
        (
            "horizon = \"72057594037927936ms\"\n",
            "horizon",
            (1, 11),
            "limit of 1000 days",
        ),
        (
            "[demand]\nprofile = [{ from = \"20016000h\", rate = \"1000/s\" }]\n",
            "demand.profile[0].from",
            (2, 21),
            "limit of 1000 days",
        ),
    ];
    for (text, field, position, fragment) in located {
        let e = err(text);
        assert_eq!(e.field.as_deref(), Some(field), "{text}: {e}");
        assert_eq!(e.position, Some(position), "{text}: {e}");
        assert!(e.message.contains(fragment), "{text}: {e}");
    }
    // Products of fields: rate × horizon, and the area's travel times.
    let e = err("horizon = \"24000h\"\n[demand]\nrate = \"1000/s\"\n");
    assert_eq!(e.field.as_deref(), Some("demand.rate"), "{e}");
    assert!(e.message.contains("8.640e10 orders"), "{e}");
    for (text, field) in [
        (
            "[area]\ncenter = [0.0, 0.0]\nspeed_kmh = 1e-300\n",
            "area.speed_kmh",
        ),
        ("[area]\ncenter = [0.0, 0.0]\nradius_km = 1e9\n", "area.radius_km"),
    ] {
        assert_eq!(err(text).field.as_deref(), Some(field), "{text}");
    }
    let at_the_limits =
        "horizon = \"1000h\"\n[fleet]\ndrivers = 100000\n[demand]\ncustomers = 1000000\nrate = \"1/s\"\n";
    let s = parse("limits.toml", at_the_limits).unwrap();
    assert_eq!(s.expected_orders().round(), 3_600_000.0);
}

#[test]
fn expected_orders_integrate_the_profile_within_the_horizon() {
    let text = "horizon = \"2h\"\n[demand]\nrate = \"10/m\"\nprofile = [{ from = \"1h\", rate = \"30/m\" }, { from = \"3h\", rate = \"1/s\" }]\n";
    let s = parse("p.toml", text).unwrap();
    assert_eq!(s.expected_orders().round(), 600.0 + 1800.0);
}

#[test]
fn item_names_need_a_visible_character_and_discs_stay_off_the_poles() {
    for text in [
        "items = [\"\"]\n",
        "items = [\"a\", \" \"]\n",
        "items = [\"a\\tb\"]\n",
    ] {
        assert_eq!(err(text).field.as_deref(), Some("items"), "{text}");
    }
    let e = err("[area]\ncenter = [89.0, 0.0]\nradius_km = 200.0\n");
    assert_eq!(e.field.as_deref(), Some("area.radius_km"));
    assert!(e.message.contains("reaches a pole"), "{e}");
    assert!(parse("t.toml", "[area]\ncenter = [89.0, 0.0]\nradius_km = 100.0\n").is_ok());
    // The product limit blames the profile when there is one.
    let e = err("horizon = \"24000h\"\n[demand]\nprofile = [{ from = \"0s\", rate = \"1000/s\" }]\n");
    assert_eq!(e.field.as_deref(), Some("demand.profile"));
}

#[test]
fn names_and_centres_say_exactly_what_is_wrong() {
    // Regression (review): a name with a control character printed it raw and blamed
    // slashes; a blank name was accepted; a third coordinate was silently dropped.
    for text in ["name = \"a\\u0000b\"\n", "name = \" \"\n", "name = \"a/b\"\n"] {
        let e = err(text);
        assert_eq!(e.field.as_deref(), Some("name"), "{text}");
        assert!(
            e.message
                .contains("needs a visible character, and no slash, control character"),
            "{e}"
        );
    }
    assert!(err("name = \"a\\u0000b\"\n").message.starts_with("\"a\\0b\""));
    let e = err("[area]\ncenter = [0.0, 0.0, 0.0]\n");
    assert_eq!(e.field.as_deref(), Some("area.center"));
    assert!(e.message.contains("two numbers, found 3"), "{e}");
    let e = err("[behavior]\nrating = { spread = 1e308 }\n");
    assert_eq!(e.field.as_deref(), Some("behavior.rating.spread"));
}

#[path = "food_tests.rs"]
mod food;
