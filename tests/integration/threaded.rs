//! The threaded mode: real threads, many orders, a range of thread counts and time scales,
//! and the command line's handling of its flags. No assertion here depends on how fast
//! the machine is or how it schedules threads: scheduler-dependent facts (which races
//! happen) are shown under shuttle in `tests/model/`; what is asserted here holds in
//! every schedule (the replay identity, deadlines at their own instants, exit codes).

use courier_sim::engine::{CancelReason, Command, Engine, Event, Reply};
use courier_sim::scenario;
use courier_sim::sim::load::engine_config;
use courier_sim::sim::EventQueue;
use courier_sim::threaded::log::LogEntry;
use courier_sim::threaded::run::{self, Options};
use courier_sim::threaded::scale::TimeScale;
use courier_sim::time::Millis;

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
    let outcome = run::run(&scenario, options, None, &mut ()).unwrap();
    eprintln!("{}", outcome.verdict);
    assert!(!outcome.stalled, "the run stalled");
    assert!(outcome.verdict.passed(), "{:#?}", outcome.verdict.violations);
    assert!(
        outcome.verdict.orders >= 19_000,
        "only {} orders",
        outcome.verdict.orders
    );
    // How often each race happens here depends on the scheduler, and so does whether this
    // machine kept up (lag): this test asserts neither. `tests/model/` shows under
    // shuttle that every race is reached.
    eprintln!("races: {:?}; {:?}", outcome.verdict.races, outcome.lateness);
}

#[test]
fn a_small_run_passes_with_correct_locking() {
    // Whether a broken kernel loses an update on real threads depends on the scheduler, so
    // the mutation test lives in tests/model/, under shuttle; this is the real-thread run.
    let scenario = scenario::parse(
        "stress.toml",
        &STRESS.replace("horizon = \"2h\"", "horizon = \"15m\""),
    )
    .unwrap();
    let options = Options::new(3, scale(3600.0), 8);
    let outcome = run::run(&scenario, options, None, &mut ()).unwrap();
    assert!(outcome.verdict.passed(), "{:#?}", outcome.verdict.violations);
}

/// Three drivers for 30 orders a minute, 30% of them no-shows: most orders wait, deadlines
/// cancel orders both waiting and assigned, and drivers freed by deliveries, cancellations
/// and deadlines take waiting orders at once.
const DEADLINES: &str = r#"
name = "deadlines"
seed = 5
horizon = "5m"
[fleet]
drivers = 3
[demand]
customers = 40
rate = "30/m"
double_tap = 0.05
[behavior]
pickup_delay = "exp(40s)"
delivery_time = "exp(30s)"
no_show = 0.3
cancel = { probability = 0.1, after = "uniform(0s, 60s)" }
"#;

/// A deadline firing in a log (told apart by its command alone, so this test reads any
/// log, whatever else it records).
fn is_firing(entry: &LogEntry) -> bool {
    matches!(entry.command, Command::ExpireDeadline { .. })
}

/// One timer firing: its instant, its command and the engine's answer.
type Firing = (Millis, Command, Result<Reply, courier_sim::engine::Refusal>);

/// What replaying a log on the virtual clock gave.
struct VirtualReplay {
    /// The final state.
    engine: Engine,
    /// The replay's own timer firings, with their events.
    own: Vec<(Firing, Vec<Event>)>,
    /// The firings the run logged.
    logged: Vec<Firing>,
}

/// Replays a threaded run's commands on the virtual clock, with the deadline timers fired
/// by the replaying engine's own schedule, exactly as the virtual clock fires them (SPEC
/// §2): before each command, every timer due at or before its instant, each at its own
/// instant, in (time, sequence) order; at the end, whatever remains. The log's firings are
/// not applied: they are returned for comparison with the replay's own. Asserts that every
/// command gives the logged result.
fn replay_on_the_virtual_clock(config: courier_sim::engine::EngineConfig, log: &[LogEntry]) -> VirtualReplay {
    let mut engine = Engine::new(config).unwrap();
    let mut timers = EventQueue::new();
    let mut own = Vec::new();
    let mut fire_until = |engine: &mut Engine, timers: &mut EventQueue<_>, until: Millis| {
        while let Some((due, _, timer)) = timers.pop_due(until) {
            let command = courier_sim::engine::Timer::command(timer);
            let outcome = engine.apply(due, &command);
            let events = outcome.as_ref().map(|o| o.events.clone()).unwrap_or_default();
            for t in outcome.iter().flat_map(|o| &o.timers) {
                timers.push(t.at, t.timer).unwrap();
            }
            own.push(((due, command, outcome.map(|o| o.reply)), events));
        }
    };
    for entry in log.iter().filter(|e| !is_firing(e)) {
        fire_until(&mut engine, &mut timers, entry.at);
        let outcome = engine.apply(entry.at, &entry.command);
        for t in outcome.iter().flat_map(|o| &o.timers) {
            timers.push(t.at, t.timer).unwrap();
        }
        assert_eq!(
            outcome.map(|o| o.reply),
            entry.result,
            "seq {} at {:?}: {:?} gave another result on the virtual clock",
            entry.seq,
            entry.at,
            entry.command
        );
    }
    fire_until(&mut engine, &mut timers, Millis(u64::MAX));
    let logged = log
        .iter()
        .filter(|e| is_firing(e))
        .map(|e| (e.at, e.command.clone(), e.result.clone()))
        .collect();
    VirtualReplay { engine, own, logged }
}

/// Regression (defect A): a deadline acted only when the timer thread ran, so a driver was
/// freed late and `cancelled_ms` recorded the late instant (up to minutes late at 64
/// threads), and `longest_idle` picked differently from the same operations on the virtual
/// clock. Now every command first fires the deadlines due by its instant, each at its own.
#[test]
fn deadlines_take_effect_at_their_own_instant_on_1_to_64_threads_at_any_time_scale() {
    let scenario = scenario::parse("deadlines.toml", DEADLINES).unwrap();
    let deadline = scenario.pickup_deadline();
    for threads in [1, 8, 64] {
        for time_scale in [500.0, 20_000.0] {
            let case = format!("{threads} threads at time scale {time_scale}");
            let options = Options::new(scenario.seed, scale(time_scale), threads);
            let outcome = run::run(&scenario, options, None, &mut ()).unwrap();
            assert!(!outcome.stalled, "{case}: stalled");
            assert!(
                outcome.verdict.passed(),
                "{case}: {:#?}",
                outcome.verdict.violations
            );

            let config = engine_config(&scenario, scenario.seed);
            let VirtualReplay {
                engine: replayed,
                own,
                logged,
            } = replay_on_the_virtual_clock(config, &outcome.log);
            let own_firings: Vec<Firing> = own.iter().map(|(f, _)| f.clone()).collect();
            if let Some(i) =
                (0..own_firings.len().max(logged.len())).find(|&i| own_firings.get(i) != logged.get(i))
            {
                panic!(
                    "{case}: firing {i} differs: the virtual clock fired {:?}, the run logged {:?}",
                    own_firings.get(i),
                    logged.get(i)
                );
            }
            assert!(replayed == outcome.engine, "{case}: final states differ");

            let mut no_pickup = 0;
            for order in outcome.engine.orders() {
                if order.cancel_reason == Some(CancelReason::NoPickup) {
                    no_pickup += 1;
                    assert_eq!(
                        order.cancelled_at,
                        order.created_at.checked_add(deadline),
                        "{case}: {} cancelled off its deadline",
                        order.id
                    );
                }
            }
            // The load makes both happen in any schedule: a third of the assignments are
            // no-shows (each driver's no-show draws come from its own seeded stream, in
            // assignment order), whose orders only the deadline ends, freeing the driver,
            // while dozens of orders wait at any instant.
            let freed_by_deadline_took_waiting = own
                .iter()
                .filter(|(_, events)| events.iter().any(|e| matches!(e, Event::Assigned(..))))
                .count();
            assert!(no_pickup > 0, "{case}: no deadline cancelled an order");
            assert!(
                freed_by_deadline_took_waiting > 0,
                "{case}: no driver freed by a deadline took a waiting order"
            );
            eprintln!(
                "{case}: {} operations, {no_pickup} no_pickup cancellations, {freed_by_deadline_took_waiting} \
                 deadline-freed drivers took a waiting order; {:?}",
                outcome.log.len(),
                outcome.lateness
            );
        }
    }
}

/// Time at the start of a transcript line, `[HH:MM:SS.mmm] …`, in ms.
fn instant_of(clock: &str) -> u64 {
    let (h, m, s_ms) = (&clock[0..2], &clock[3..5], &clock[6..12]);
    (h.parse::<u64>().unwrap() * 3600 + m.parse::<u64>().unwrap() * 60) * 1000
        + s_ms.replace('.', "").parse::<u64>().unwrap()
}

/// Whether a script's run kept up, or lagged and said so: exit 0, or exit 2 with the lag
/// message. Which one a run gets depends on the machine, so tests accept both.
fn kept_up_or_said_it_lagged(r: &crate::support::Run) -> bool {
    match r.code {
        0 => !r.stderr.contains("could not keep up"),
        2 => {
            r.stderr.contains("the machine could not keep up with time scale")
                && r.stderr.contains("lower --time-scale (try ")
        }
        _ => false,
    }
}

#[test]
fn the_seeds_sample_script_runs_on_real_threads_with_a_timer_thread() {
    // At 100x the 60-second deadline is 600 ms of wall time; at --time-scale 1 (the
    // README's demo, not run here) it is a real minute.
    let r = courier_sim(&["threaded", "scenarios/sample.script", "--time-scale", "100"]);
    // A machine paused 600 ms between a line's instant and the line (the placement and the
    // pickup of order-1, say) may see a deadline fire that, on the script's clock, had not:
    // that is lag (exit 2, and its message), never a failure (exit 1). (Regression, issue
    // 6: at 1000x a 60 ms pause failed this test.)
    assert!(kept_up_or_said_it_lagged(&r), "{}{}", r.stdout, r.stderr);
    if r.code == 0 {
        assert!(r.stdout.contains("30 passed, 0 failed"), "{}", r.stdout);
    }
    assert!(r.stdout.contains("verdict: PASS"), "{}", r.stdout);
    let timer_line = r
        .stdout
        .lines()
        .find(|l| l.contains("timer: pickup deadline of order-2"))
        .expect("the timer fired");
    // Regression (defect A): the deadline fired when the timer thread woke, a little (or a
    // lot) after created + 60 s. It takes effect at exactly created + 60 s, however late
    // any thread runs.
    let status = r
        .stdout
        .lines()
        .find(|l| l.starts_with("  ok: order-2: ") && l.contains(", created "))
        .expect("the status line of order-2");
    let created = status.split(", created ").nth(1).expect("its creation instant");
    assert_eq!(
        instant_of(&timer_line[1..13]),
        instant_of(created) + 60_000,
        "{timer_line}\n{status}"
    );
}

/// Regression: a threaded script that fell behind was never reported as lag. At 1,000,000
/// the sample's first line was stamped `[00:01:33.184]` (the clock started before it ran),
/// deadlines fired before late lines, and the run ended "18 passed, 12 failed", exit 1,
/// blaming the expectations. Now the clock starts with the first line, each line is
/// stamped with the script's own instant, and a line that ran the deadline or more late
/// ends the run with the lag message and exit 2, after the transcript and the results.
#[test]
fn a_script_that_falls_behind_reports_lag_never_failed_expectations() {
    let r = courier_sim(&["threaded", "scenarios/sample.script", "--time-scale", "1000000"]);
    assert!(kept_up_or_said_it_lagged(&r), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with("[00:00:00.000] onboard customer tom"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(" passed, "), "{}", r.stdout);
    assert!(r.stdout.contains("verdict: PASS"), "{}", r.stdout);
    assert!(!r.stderr.contains("reproduce with"), "{}", r.stderr);

    // `at` is compared with the script's instant, not with the lagging wall clock: a late
    // first line never makes `at 10s` a script error ("`at 10s` is earlier than now").
    let (_dir, script) = temp_script("onboard driver d\nat 10s\nexpect ok\n");
    let r = courier_sim(&["threaded", script.to_str().unwrap(), "--time-scale", "100000"]);
    assert!(kept_up_or_said_it_lagged(&r), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("1 passed, 0 failed"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(
        r.stdout
            .contains("[00:00:00.000] at 10s\n  ok: the clock is at 00:00:10.000"),
        "{}",
        r.stdout
    );
}

/// A failed expectation (without lag) says how to reproduce the run, as the docs promise.
#[test]
fn a_failed_threaded_script_says_how_to_reproduce_it() {
    let (_dir, script) = temp_script("onboard driver d1\nexpect error unknown_driver\n");
    let path = script.to_str().unwrap();
    let r = courier_sim(&["threaded", path, "--time-scale", "2"]);
    // Exit 2 only if its second line ran 60 s late at --time-scale 2 (30 wall seconds).
    if r.code == 2 {
        assert!(kept_up_or_said_it_lagged(&r), "{}{}", r.stdout, r.stderr);
        return;
    }
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("0 passed, 1 failed"), "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!(
            "reproduce with: courier-sim threaded {path} --time-scale 2\n"
        )),
        "{}",
        r.stderr
    );
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

#[test]
fn a_script_refuses_seed_threads_and_out_instead_of_ignoring_them() {
    let (_dir, script) = temp_script("onboard driver d1\n");
    let script = script.to_str().unwrap();
    for flags in [
        &["--seed", "3"][..],
        &["--threads", "2"],
        &["--out", "somewhere"],
        &["--seed", "3", "--threads", "8", "--time-scale", "10"],
    ] {
        let mut args = vec!["threaded", script];
        args.extend(flags);
        let r = courier_sim(&args);
        assert_eq!(r.code, 2, "{flags:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("cannot be used with a script") && r.stderr.contains(flags[0]),
            "{flags:?}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{flags:?} ran the script: {}", r.stdout);
    }
}

#[test]
fn without_a_time_scale_a_scenario_lasts_about_twenty_wall_seconds_and_says_so() {
    let (dir, scenario) = temp_file("quiet.toml", NO_ARRIVALS);
    let out = dir.path().join("out");
    let r = courier_sim(&["threaded", &scenario, "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // One minute of arrivals and an order's life (the 1 m deadline and about 5 m 21 s of
    // service) in 20 s: (60 + 381) ÷ 20 = 22.05 virtual ms per wall ms, in two figures.
    assert!(
        r.stderr.contains(
            "at time scale 22 (the default: (the horizon + an order's life of about 6m21s) ÷ 20 s, \
             at most 20000; set it with --time-scale)"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("the arrivals last about 2.7s of wall time, the whole run about 20.0s"),
        "{}",
        r.stderr
    );
    // No progress bar when stderr is not a terminal, and never one in the reports.
    assert!(!r.stderr.contains("virtual time"), "{}", r.stderr);
    let orders = std::fs::read_to_string(out.join("orders.csv")).unwrap();
    assert!(!orders.contains("virtual time"));
}

/// Regression: the default was the horizon ÷ 20 s within the flag's bounds, so a 24000 h
/// horizon ran at 1,000,000 and ended in the lag exit, and a 10 s horizon ran at 0.5 and
/// drained its minutes-long deliveries for many wall minutes. The default now covers the
/// orders' life after the horizon too, and stops at 20,000, saying how long that takes.
#[test]
fn the_default_time_scale_covers_the_orders_life_and_stops_at_twenty_thousand() {
    // No arrivals (rate 0), so each run ends at once whatever its scale.
    let (dir, long) = temp_file("long.toml", "horizon = \"24000h\"\n[demand]\nrate = \"0/h\"\n");
    let out = dir.path().join("out");
    let r = courier_sim(&["threaded", &long, "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("at time scale 20000 (the default"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("the arrivals last about 1h12m of wall time, the whole run about 1h12m"),
        "{}",
        r.stderr
    );
    let (dir, short) = temp_file("short.toml", "horizon = \"10s\"\n[demand]\nrate = \"0/h\"\n");
    let out = dir.path().join("out");
    let r = courier_sim(&["threaded", &short, "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("at time scale 20 (the default"), "{}", r.stderr);
    // (10 s + 6 m 21 s) ÷ 20 = 19.55, so 20, and the run lasts 391 ÷ 20 s.
    assert!(r.stderr.contains("the whole run about 19.6s"), "{}", r.stderr);
}

#[test]
fn without_a_time_scale_a_script_runs_in_real_time_and_says_so() {
    let (_dir, script) = temp_script("onboard driver d1\nexpect ok\n");
    let r = courier_sim(&["threaded", script.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("at time scale 1 (real time, the default for a script)"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("1 passed, 0 failed"), "{}", r.stdout);
}

#[test]
fn thread_counts_stay_within_1_to_1024_and_missing_files_are_named() {
    let (dir, scenario) = temp_file("quiet.toml", NO_ARRIVALS);
    for bad in ["0", "1025"] {
        let r = courier_sim(&["threaded", &scenario, "--threads", bad]);
        assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("between 1 and 1024"), "{}", r.stderr);
    }
    for missing in ["missing.toml", "missing.script"] {
        let path = dir.path().join(missing);
        let r = courier_sim(&["threaded", path.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains(missing) && r.stderr.contains("cannot read"),
            "{}",
            r.stderr
        );
    }
}

/// Regression: with `pickup_deadline = "0s"` every placement sets a deadline due at its own
/// instant, which fires right after it; the checker wanted it fired already and failed a
/// valid run ("order-1 is still created past its deadline", exit 1) every time.
#[test]
fn a_zero_pickup_deadline_passes_its_check() {
    let (dir, path) = temp_file(
        "d0s.toml",
        "horizon = \"30m\"\n[dispatch]\npickup_deadline = \"0s\"\n",
    );
    let out = dir.path().join("out");
    let args = ["threaded", &path, "--time-scale", "2000", "--threads", "1"];
    let r = courier_sim(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
    assert!(r.stdout.contains("verdict: PASS"), "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("violation:"), "{}", r.stdout);
    // Whether this machine kept up is not asserted: a lag ends in exit 2, never 1.
    assert!(
        r.code == 0 || (r.code == 2 && r.stderr.contains("could not keep up")),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn a_scenario_too_large_to_keep_in_memory_is_refused_before_it_starts() {
    // Regression (issue 7): a threaded run keeps every order and operation for its replay,
    // so an unbounded scenario grew until the machine ran out of memory.
    let (dir, path) = temp_file("huge.toml", "horizon = \"24h\"\n[demand]\nrate = \"30/s\"\n");
    let out = format!("{}/out", dir.path().display());
    let r = crate::support::courier_sim(&["threaded", &path, "--out", &out]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("at most 2000000 expected orders; huge expects about 2592000"),
        "{}",
        r.stderr
    );
    assert!(!std::path::Path::new(&out).exists());
    // Regression: the header announcing the run came first, then the refusal.
    assert!(!r.stderr.contains("threaded run of"), "{}", r.stderr);
}

#[test]
fn a_refused_report_folder_is_refused_before_the_threads_run() {
    let (dir, path) = temp_file("small.toml", "horizon = \"1h\"\n");
    let out = dir.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let r = crate::support::courier_sim(&["threaded", &path, "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("not a courier-sim report folder"),
        "{}",
        r.stderr
    );
    // Refused up front: no verdict was printed, so no run took place.
    assert!(!r.stdout.contains("verdict"), "{}", r.stdout);
    // Regression: the header announcing the run came first, then the refusal.
    assert!(!r.stderr.contains("threaded run of"), "{}", r.stderr);
}

#[test]
fn threaded_reports_give_utilization_during_arrivals_too() {
    let (dir, path) = temp_file("small.toml", "horizon = \"30m\"\n[demand]\nrate = \"2/m\"\n");
    let out = dir.path().join("out");
    let r = crate::support::courier_sim(&[
        "threaded",
        &path,
        "--time-scale",
        "3000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(r.code == 0 || r.code == 2, "{}{}", r.stdout, r.stderr);
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let during = summary
        .lines()
        .find_map(|l| l.strip_prefix("driver_utilization_during_arrivals,"))
        .unwrap();
    let during: f64 = during.parse().unwrap();
    assert!(during > 0.0 && during <= 1.0, "{summary}");
}

/// Runs `courier-sim ARGS…` with stderr a pipe whose reading end is already closed (as
/// after `2>&1 | head -1`), and returns its exit code.
fn exit_code_with_stderr_closed(args: &[&str]) -> i32 {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_courier-sim"))
        .args(args)
        .current_dir(crate::support::root())
        .stdout(std::process::Stdio::null())
        .stderr(writer)
        .status()
        .unwrap();
    status.code().expect("exited, not killed")
}

/// Regression: `threaded … 2>&1 | head -1` exited 101: `eprintln!` panics when stderr is a
/// closed pipe. Every message of `threaded` is now written ignoring errors, so the exit
/// code is the one the run deserves.
#[test]
fn a_closed_stderr_never_turns_the_exit_code_into_a_panic() {
    let (dir, scenario) = temp_file("quiet.toml", NO_ARRIVALS);
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let bad_line = dir.path().join("bad.script");
    std::fs::write(&bad_line, "at 10s\nat 5s\n").unwrap();
    let failing = dir.path().join("failing.script");
    std::fs::write(&failing, "onboard driver d1\nexpect error unknown_driver\n").unwrap();
    let missing = dir.path().join("missing.toml");
    // The failed expectation's exit 1 would be a lag's 2 only if the script's second line
    // ran a minute late at --time-scale 1; either way, never 101.
    let cases: [(&[&str], &[i32]); 6] = [
        (
            &["threaded", &scenario, "--time-scale", "1000", "--out", out],
            &[0],
        ),
        (&["threaded", &scenario, "--threads", "0"], &[2]),
        (&["threaded", missing.to_str().unwrap()], &[2]),
        (
            &["threaded", bad_line.to_str().unwrap(), "--time-scale", "1000000"],
            &[2],
        ),
        (&["threaded", failing.to_str().unwrap()], &[1, 2]),
        (&["threaded", failing.to_str().unwrap(), "--seed", "1"], &[2]),
    ];
    for (args, codes) in cases {
        let code = exit_code_with_stderr_closed(args);
        assert!(codes.contains(&code), "{args:?}: exit {code}");
    }
}
