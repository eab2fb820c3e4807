//! `courier-sim script FILE [--check]` on food scripts (SPEC §8.4): exit 0 when every
//! expectation holds, 1 naming the line of one that does not, 2 for a malformed line (a
//! parcel-only command, a misplaced `set profile=`), with refusals staying results.

use crate::support::{courier_sim, temp_script};

const WORLD: &str = "set profile=food\n\
                     onboard restaurant pizzeria at=52.52,13.405\n\
                     menu pizzeria margherita price=850 stock=2\n\
                     onboard customer tom email=t@x.io phone=1 at=52.53,13.405\n\
                     onboard driver d1 at=52.51,13.405\n";

#[test]
fn a_food_script_whose_expectations_hold_exits_0() {
    let (_dir, path) = temp_script(&format!(
        "{WORLD}place order from=tom restaurant=pizzeria items=margherita*2 tip=100\n\
         expect invoice order-1 subtotal=1700 fee=355 tip=100 total=2155\n\
         expect stock pizzeria margherita 0\n\
         place order from=tom restaurant=pizzeria items=margherita*1\n\
         expect error out_of_stock\n\
         place order from=tom restaurant=nowhere items=x*y\n\
         expect error unknown_restaurant\n\
         place order from=tom restaurant=pizzeria items=margherita*1,,margherita*1\n\
         expect error invalid_argument\n"
    ));
    let run = courier_sim(&["script", path.to_str().unwrap(), "--check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("5 passed, 0 failed"), "{}", run.stdout);
}

#[test]
fn a_wrong_food_expectation_exits_1_naming_file_and_line() {
    let (_dir, path) = temp_script(&format!(
        "{WORLD}place order from=tom restaurant=pizzeria items=margherita*1\nexpect invoice order-1 total=1\n"
    ));
    let path = path.to_str().unwrap();
    let run = courier_sim(&["script", path, "--check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "{path}:7: expectation failed: expected order-1 total 1, found 1205"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn malformed_food_lines_exit_2_with_file_line_message() {
    let cases = [
        (format!("{WORLD}catalog a b\n"), 6, "`catalog` is parcel-only"),
        (format!("{WORLD}items\n"), 6, "parcel-only"),
        (
            format!("{WORLD}place order from=tom to=tom item=item1\n"),
            6,
            "parcel-only",
        ),
        (
            format!("{WORLD}expect order order-1 cancelled reason=no_pickup\n"),
            6,
            "`reason=no_pickup` is parcel-only",
        ),
        (format!("{WORLD}set profile=food\n"), 6, "given twice"),
        (
            "onboard driver d1\nset profile=food\n".to_string(),
            2,
            "must be the script's first command",
        ),
        ("menu r pizza price=1\n".to_string(), 1, "`menu` is food-only"),
        (
            format!("{WORLD}place order from=tom restaurant=pizzeria items=margherita*1\nset deadline=20m\n"),
            7,
            "only change before the first order",
        ),
        (
            "set profile=food speed_kmh=0\n".to_string(),
            1,
            "speed_kmh must be above 0",
        ),
        (
            "set profile=food\nonboard restaurant r email=a@b\n".to_string(),
            2,
            "missing required option `at=`",
        ),
    ];
    for (text, line, fragment) in cases {
        let (_dir, path) = temp_script(&text);
        let path = path.to_str().unwrap();
        let run = courier_sim(&["script", path, "--check"]);
        assert_eq!(run.code, 2, "{text:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with(&format!("{path}:{line}: ")),
            "{text:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(fragment), "{text:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn food_transcripts_are_deterministic() {
    let path = "scenarios/food/driver-no-show.script";
    let first = courier_sim(&["script", path]);
    let second = courier_sim(&["script", path]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout, second.stdout, "two runs differ");
    assert!(
        first.stdout.contains(
            "[00:15:00.000] timer: pickup deadline of order-1\n  order-1 unassigned from d1: not picked up by 00:15:00.000; d1 has 1 failed pickup; re-dispatched to d2\n"
        ),
        "{}",
        first.stdout
    );
}
