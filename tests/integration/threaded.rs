//! The threaded mode under stress: real threads, many orders, a high time scale, and the
//! races of SPEC §7 happening many times. No assertion here depends on how the machine
//! schedules threads: the race counts and the mutation test are in `tests/model.rs`, under
//! shuttle.

use courier_sim::scenario;
use courier_sim::threaded::run::{self, Options};
use courier_sim::threaded::scale::TimeScale;

use crate::support::{courier_sim, temp_script};

/// 150 drivers can carry about 6,000 orders an hour; 10,000 arrive, so orders wait, freed
/// drivers take waiting orders, deadlines cancel, and customers cancel around pickups.
const STRESS: &str = r#"
name = "stress"
horizon = "2h"
[fleet]
drivers = 150
[demand]
customers = 1000
rate = "10000/h"
double_tap = 0.05
[behavior]
pickup_delay = "exp(30s)"
delivery_time = "exp(1m)"
no_show = 0.02
cancel = { probability = 0.15, after = "uniform(0s, 60s)" }
"#;

fn scale(x: f64) -> TimeScale {
    TimeScale::new(x).unwrap()
}

#[test]
fn stress_eight_threads_twenty_thousand_orders_zero_violations() {
    let scenario = scenario::parse("stress.toml", STRESS).unwrap();
    // Two virtual hours in about one wall second: the 60 s deadline is ~8 ms of wall time.
    let options = Options::new(11, scale(7200.0), 8);
    let outcome = run::run(&scenario, options, None).unwrap();
    eprintln!("{}", outcome.verdict);
    assert!(!outcome.stalled, "the run stalled");
    assert!(outcome.verdict.passed(), "{:#?}", outcome.verdict.violations);
    assert!(
        outcome.verdict.orders >= 19_000,
        "only {} orders",
        outcome.verdict.orders
    );
    // How often each race happens here depends on the scheduler, so this test asserts none
    // of the counts: `tests/model.rs` shows under shuttle that every race is reached.
    eprintln!("races: {:?}", outcome.verdict.races);
}

#[test]
fn a_small_run_passes_with_correct_locking() {
    // Whether a broken kernel loses an update on real threads depends on the scheduler, so
    // the mutation test lives in tests/model.rs, under shuttle; this is the real-thread run.
    let scenario = scenario::parse(
        "stress.toml",
        &STRESS.replace("horizon = \"2h\"", "horizon = \"15m\""),
    )
    .unwrap();
    let options = Options::new(3, scale(3600.0), 8);
    let outcome = run::run(&scenario, options, None).unwrap();
    assert!(outcome.verdict.passed(), "{:#?}", outcome.verdict.violations);
}

#[test]
fn the_seeds_sample_script_runs_on_real_threads_with_a_timer_thread() {
    // At 1000x the 60-second deadline is 60 ms of wall time; at --time-scale 1 (the README's
    // demo, not run here) it is a real minute.
    let r = courier_sim(&["threaded", "scenarios/sample.script", "--time-scale", "1000"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("30 passed, 0 failed"), "{}", r.stdout);
    assert!(r.stdout.contains("verdict: PASS"), "{}", r.stdout);
    let timer_line = r
        .stdout
        .lines()
        .find(|l| l.contains("timer: pickup deadline of order-2"))
        .expect("the timer fired");
    // The timer thread fired it at or after 60 s of virtual time, never before. (How late
    // depends on the machine's load: a wall-clock matter this test does not assert.)
    let clock = &timer_line[1..13];
    let (h, m, s_ms) = (&clock[0..2], &clock[3..5], &clock[6..12]);
    let ms = (h.parse::<u64>().unwrap() * 3600 + m.parse::<u64>().unwrap() * 60) * 1000
        + (s_ms.replace('.', "").parse::<u64>().unwrap());
    assert!(ms >= 60_000, "{timer_line}");
}

/// A scenario with no arrivals (one an hour for a second): a run of it ends at once at
/// any time scale, so the command line's choices can be tested without waiting.
const NO_ARRIVALS: &str = r#"
name = "quiet"
horizon = "1m"
[fleet]
drivers = 1
[demand]
customers = 2
rate = "1/h"
"#;

fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path.to_str().unwrap().to_string())
}

/// Regression (defect B): `--time-scale 1e-300` panicked (exit 101) converting to a
/// Duration, and `1e8` ran and then blamed the rules for the machine's lag (exit 1).
#[test]
fn absurd_time_scales_are_refused_with_the_bounds_and_exit_2() {
    let (dir, scenario) = temp_file("quiet.toml", NO_ARRIVALS);
    let (_script_dir, script) = temp_script("onboard driver d1\n");
    let out = dir.path().join("out");
    for file in [scenario.as_str(), script.to_str().unwrap()] {
        for bad in [
            "1e-300", "1e8", "0", "-1", "nan", "inf", "0.001", "1000001", "fast",
        ] {
            let mut args = vec!["threaded", file, "--time-scale", bad];
            if file.ends_with(".toml") {
                args.extend(["--out", out.to_str().unwrap()]);
            }
            let r = courier_sim(&args);
            assert_eq!(
                r.code, 2,
                "--time-scale {bad} on {file}: {}{}",
                r.stdout, r.stderr
            );
            assert!(
                r.stderr.contains("must be a number from 0.01 to 1000000"),
                "--time-scale {bad}: {}",
                r.stderr
            );
            assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        }
    }
}
