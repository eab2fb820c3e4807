//! `courier-sim script FILE [--check]`: every example script passes, and each way a script
//! can go wrong gives the right exit code and names the file and line.

use crate::support::{courier_sim, root, scripts_in, temp_script};

const WORLD: &str = "onboard customer tom email=aa@gmail.com phone=123\n\
                     onboard customer paul email=bb@gmail.com phone=456\n\
                     onboard driver d1\n";

#[test]
fn every_example_script_passes_under_check() {
    let scripts = scripts_in(&root().join("scenarios"));
    assert!(!scripts.is_empty(), "scenarios/ has no scripts");
    let food = scripts_in(&root().join("scenarios/food"));
    assert!(food.len() >= 7, "scenarios/food/ lacks its scripts: {food:?}");
    for script in scripts.into_iter().chain(food) {
        let path = script.to_str().unwrap();
        let run = courier_sim(&["script", path, "--check"]);
        assert_eq!(run.code, 0, "{path} failed:\n{}\n{}", run.stderr, run.stdout);
        assert!(
            run.stdout.contains(" passed, 0 failed"),
            "{path}: no expectation summary"
        );
    }
}

#[test]
fn a_wrong_expectation_exits_1_naming_file_and_line() {
    let (_dir, path) = temp_script(&format!(
        "{WORLD}place order from=tom to=paul item=item1\nexpect order order-1 created\n"
    ));
    let path = path.to_str().unwrap();
    let run = courier_sim(&["script", path, "--check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "{path}:5: expectation failed: expected order-1 to be created, found assigned"
        )),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("0 passed, 1 failed"), "{}", run.stdout);
}

#[test]
fn without_check_a_wrong_expectation_is_shown_but_not_enforced() {
    let (_dir, path) = temp_script(&format!("{WORLD}expect driver d1 in_transit\n"));
    let run = courier_sim(&["script", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("FAIL (not enforced): expected driver d1 to be in_transit, found idle"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_expected_error_code_is_checked() {
    let (_dir, path) =
        temp_script(&format!("{WORLD}place order from=tom to=paul item=item1\ncancel order order-1 by=paul\nexpect error already_picked_up\n"));
    let run = courier_sim(&["script", path.to_str().unwrap(), "--check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains(":6: expectation failed: expected error already_picked_up, got error not_your_order"),
        "{}",
        run.stderr
    );
}

#[test]
fn malformed_lines_exit_2_with_file_line_message() {
    let cases = [
        ("items\nteleport d1\n", 2, "unknown command `teleport`"),
        (
            "place order from=tom to=paul\n",
            1,
            "missing required option `item=`",
        ),
        (
            "onboard customer tom email=a@b phone=1 address=\"12 Main\n",
            1,
            "unterminated quote",
        ),
        ("wait soon\n", 1, "invalid duration `soon`"),
        (
            "items\nexpect error out_of_luck\n",
            2,
            "unknown error code `out_of_luck`",
        ),
        // Found while running: these depend on the clock and the orders so far.
        ("wait 10s\nat 5s\n", 2, "is earlier than now"),
        (
            &format!("{WORLD}place order from=tom to=paul item=item1\ncatalog a b\n"),
            5,
            "only change before the first order",
        ),
        (
            &format!("{WORLD}place order from=tom to=paul item=item1\nset deadline=90s\n"),
            5,
            "only change before the first order",
        ),
        ("catalog a a\n", 1, "appears twice"),
    ];
    for (text, line, fragment) in cases {
        let (_dir, path) = temp_script(text);
        let path = path.to_str().unwrap();
        let run = courier_sim(&["script", path, "--check"]);
        assert_eq!(run.code, 2, "{text:?}: {}", run.stderr);
        let expected_start = format!("{path}:{line}: ");
        assert!(
            run.stderr.starts_with(&expected_start),
            "{text:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(fragment), "{text:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn a_parse_error_stops_the_script_before_anything_runs() {
    let (_dir, path) = temp_script(&format!("{WORLD}bogus\n"));
    let run = courier_sim(&["script", path.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
}

#[test]
fn a_refusal_is_a_result_not_a_script_error() {
    let (_dir, path) = temp_script(
        "onboard customer tom email=no-at-sign phone=1\nexpect error invalid_argument\n\
         status order order-7\nexpect error unknown_order\n\
         onboard customer ann email=a@b phone=1\nonboard customer bob email=b@b phone=2\nonboard driver d\n\
         place order from=ann to=bob item=item1\npickup d order-1\ndeliver d order-1\n\
         rate order-1 99999999999999999999\nexpect error invalid_argument\nrate order-1 5\nexpect ok\n",
    );
    let run = courier_sim(&["script", path.to_str().unwrap(), "--check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("error invalid_argument: "), "{}", run.stdout);
}

#[test]
fn an_unknown_file_exits_2_with_a_clear_message() {
    let run = courier_sim(&["script", "scenarios/no-such-file.script", "--check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("scenarios/no-such-file.script: cannot read the script"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"));
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(courier_sim(&["script"]).code, 2);
    assert_eq!(courier_sim(&["fly"]).code, 2);
    assert_eq!(courier_sim(&["--help"]).code, 0);
}

#[test]
fn transcripts_are_deterministic_and_match_the_golden_sample() {
    let first = courier_sim(&["script", "scenarios/sample.script"]);
    let second = courier_sim(&["script", "scenarios/sample.script"]);
    assert_eq!(first.code, 0);
    assert_eq!(first.stdout, second.stdout, "two runs differ");
    let golden = root().join("tests/golden/sample.transcript");
    // Refresh on purpose with: UPDATE_GOLDEN=1 cargo test --test integration
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &first.stdout).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).expect("tests/golden/sample.transcript exists");
    assert_eq!(
        first.stdout, expected,
        "transcript changed; if on purpose, refresh with UPDATE_GOLDEN=1"
    );
}

#[test]
fn the_readme_tour_runs_and_its_expectations_hold() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("# One command per line")
        .expect("the tour is in README.md");
    let tour = &readme[start..];
    let tour = &tour[..tour.find("```").expect("the tour's code block ends")];
    let (_dir, path) = temp_script(tour);
    let run = courier_sim(&["script", path.to_str().unwrap(), "--check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("6 passed, 0 failed"), "{}", run.stdout);
}

#[test]
fn refusal_messages_name_what_was_wrong() {
    // Regression (issue 7): every refusal of a code printed the same words
    // ("invalid argument"), so a user could not tell which value broke which rule.
    let (_dir, path) = temp_script(
        "onboard customer alice email=a@x.io phone=123\n\
         onboard customer bob email=bob phone=123\n\
         onboard customer bob email=b@x.io phone=12a\n\
         onboard customer bob email=b@x.io phone=+1 at=100,200\n\
         onboard customer bob email=b@x.io phone=+1\n\
         onboard driver d1\n\
         place order from=alice to=alice item=item1\n\
         place order from=d1 to=bob item=item1\n\
         place order from=alice to=bob item=pizza\n\
         place order from=alice to=bob item=item1 key=k\n\
         place order from=bob to=alice item=item1 key=k\n\
         rate order-1 6\n\
         pickup d1 order-7\n\
         wait 1m\n\
         pickup d1 order-1\n",
    );
    let r = courier_sim(&["script", path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for line in [
        "error invalid_argument: email \"bob\" has no @",
        "error invalid_argument: phone \"12a\" is not digits (with an optional leading +)",
        "error invalid_argument: location 100,200 is out of range",
        "error invalid_argument: sender and recipient are both \"alice\"",
        "error unknown_customer: \"d1\" is a driver, not a customer",
        "error unknown_item: no item \"pizza\" in the catalog (item1, item2, item3, item4, item5)",
        "error invalid_argument: key \"k\" was first used for order-1 with other details (from=alice to=bob item=item1)",
        "error invalid_argument: stars must be 1 to 5, found 6",
        "error unknown_order: no order order-7: it was never placed",
        "error order_cancelled: order-1 was cancelled at 00:01:00.000 (no_pickup)",
    ] {
        assert!(r.stdout.contains(line), "missing {line:?} in:\n{}", r.stdout);
    }
}

#[test]
fn silent_corners_take_the_spec_reading() {
    // SPEC §4: a well-formed value that breaks a rule is a refusal; a zero deadline, which
    // would cancel every order as it is placed, is a script error.
    let (_dir, path) = temp_script(
        "onboard driver d at=91,0\nexpect error invalid_argument\n\
         onboard customer a email=a@x phone=1\nonboard customer b email=b@x phone=2\n\
         place order from=a to=b item=item1 key=\nexpect error invalid_argument\n",
    );
    let r = courier_sim(&["script", path.to_str().unwrap(), "--check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let (_dir, path) = temp_script("set deadline=0s\n");
    let r = courier_sim(&["script", path.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("case.script:1: `set deadline=` must be above 0s"),
        "{}",
        r.stderr
    );
}
