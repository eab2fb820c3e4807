//! Unit tests of scripts on real threads, on a clock that only the script's own thread
//! moves (each of its reads finds it `step` later), so how late each line runs is fixed by
//! the script and not by how the machine schedules threads: a machine that cannot keep up
//! reports lag and never makes a valid `at` a script error; a deadline set by a late command
//! is still reached by a `wait` of the deadline; the clock starts with the first line; and
//! how violations, lag and failed expectations decide the ending.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::ThreadId;
use std::time::Duration;

use super::{run_lines_on, ScriptOutcome, ThreadedHost};
use crate::script::host::Host;
use crate::script::{Failure, RunSummary, ScriptError};
use crate::threaded::check::Verdict;
use crate::threaded::kernel::Clock;
use crate::threaded::run::{Ending, Lateness};
use crate::threaded::scale::TimeScale;
use crate::threaded::sync::{Condvar, MutexGuard};
use crate::time::Millis;

/// A machine that runs the script's thread late, made deterministic: each read of the clock
/// by the thread that started it (the script's) finds it `step` later; other threads (the
/// timer thread) see it where it is. So every line runs a fixed number of steps after the
/// one before, whatever the scheduler does.
struct ScriptPaced {
    script: ThreadId,
    reads: AtomicU64,
    step: u64,
}

impl ScriptPaced {
    fn start(step: Millis) -> ScriptPaced {
        ScriptPaced {
            script: std::thread::current().id(),
            reads: AtomicU64::new(0),
            step: step.as_ms(),
        }
    }
}

impl Clock for ScriptPaced {
    fn now(&self) -> Millis {
        let reads = if std::thread::current().id() == self.script {
            self.reads.fetch_add(1, Ordering::SeqCst) + 1
        } else {
            self.reads.load(Ordering::SeqCst)
        };
        Millis(reads.saturating_mul(self.step))
    }

    fn wait<'a, T>(
        &self,
        cv: &Condvar,
        guard: MutexGuard<'a, T>,
        until: Option<Millis>,
    ) -> MutexGuard<'a, T> {
        match until {
            // Re-check soon: the script's thread moves the clock without notifying.
            Some(_) => cv
                .wait_timeout(guard, Duration::from_millis(1))
                .map(|(g, _)| g)
                .unwrap_or_else(|p| p.into_inner().0),
            None => cv.wait(guard).unwrap_or_else(|p| p.into_inner()),
        }
    }
}

/// Runs `text` at a time scale of a million (so its waits take microseconds of wall time)
/// on a clock the script's thread moves by `step` a read.
fn run(text: &str, step: Millis) -> Result<(ScriptOutcome, String), ScriptError> {
    let lines = crate::script::parse::parse_script(text).unwrap();
    let scale = TimeScale::new(TimeScale::MAX).unwrap();
    let mut out = Vec::new();
    let outcome = run_lines_on("case.script", &lines, scale, &mut out, move || {
        ScriptPaced::start(step)
    })?;
    Ok((outcome, String::from_utf8(out).unwrap()))
}

/// Regression: a script whose lines ran late was judged on the wall clock: `at 10s` after a
/// line that ran 10.5 s late was a script error ("`at 10s` is earlier than now"), exit 2,
/// and expectations that failed because deadlines fired before late lines were blamed on
/// the rules, with no word of lag. Now `at` is compared with the script's own instant, and
/// a line that ran the deadline or more late is reported as lag.
#[test]
fn a_late_machine_never_makes_a_valid_at_a_script_error_and_reports_lag() {
    let (outcome, transcript) = run("onboard driver d\nat 10s\nexpect ok\n", Millis::from_secs(90)).unwrap();
    assert_eq!(outcome.summary.expectations, 1, "{transcript}");
    assert!(outcome.summary.failures.is_empty(), "{transcript}");
    assert!(outcome.verdict.passed(), "{:#?}", outcome.verdict.violations);
    // The line onboarding `d` took effect 90 s (one read) or more after its instant, 0.
    assert!(outcome.lateness.lagged(), "{:?}", outcome.lateness);
    assert!(
        outcome.lateness.max >= Millis::from_secs(90),
        "{:?}",
        outcome.lateness
    );
    assert_eq!(outcome.lateness.threshold, Millis::from_secs(60));
    assert_eq!(outcome.ending(), Ending::Lagged);
    let scale = TimeScale::new(TimeScale::MAX).unwrap();
    let message = outcome.lag_message(scale);
    assert!(
        message.contains("could not keep up with time scale 1000000")
            && message.contains("lower --time-scale (try "),
        "{message}"
    );
    // The lines are stamped with the script's own instants.
    assert!(
        transcript.starts_with("[00:00:00.000] onboard driver d\n"),
        "{transcript}"
    );
    assert!(
        transcript.contains("[00:00:00.000] at 10s\n  ok: the clock is at 00:00:10.000\n"),
        "{transcript}"
    );
    assert!(
        transcript.contains("[00:00:10.000] expect ok\n  pass"),
        "{transcript}"
    );
}

/// A machine that runs behind, but by less than the deadline, is not lagging, and its
/// failed expectations are its own.
#[test]
fn lines_late_by_less_than_the_deadline_are_not_lag() {
    let text = "onboard driver d\nexpect error unknown_driver\n";
    let (outcome, _) = run(text, Millis::from_secs(1)).unwrap();
    assert!(!outcome.lateness.lagged(), "{:?}", outcome.lateness);
    assert!(outcome.lateness.max > Millis::ZERO, "{:?}", outcome.lateness);
    assert_eq!(outcome.summary.failures.len(), 1);
    assert_eq!(outcome.ending(), Ending::Failed);
}

/// `at` earlier than the script's own instant is still a script error, as on the virtual
/// clock.
#[test]
fn at_earlier_than_the_scripts_instant_is_still_a_script_error() {
    let error = run("at 10s\nat 5s\n", Millis::from_secs(1)).unwrap_err();
    assert!(
        error.to_string().contains("`at 5s` is earlier than now (10s)"),
        "{error}"
    );
}

/// A placement that ran late sets its deadline that much later on the wall clock; `wait`
/// of the deadline still reaches it, as on the virtual clock, so the script does not fail
/// for a lateness well under the deadline.
#[test]
fn a_wait_of_the_deadline_reaches_the_deadline_of_a_placement_that_ran_late() {
    let text = "\
onboard customer a email=a@x phone=1
onboard customer b email=b@x phone=2
onboard driver d
place order from=a to=b item=item1
wait 60s
expect order order-1 cancelled reason=no_pickup
expect driver d idle
";
    let (outcome, transcript) = run(text, Millis::from_secs(1)).unwrap();
    assert!(
        outcome.summary.failures.is_empty(),
        "{:?}\n{transcript}",
        outcome.summary.failures
    );
    assert!(!outcome.lateness.lagged(), "{:?}", outcome.lateness);
    assert!(outcome.verdict.passed(), "{:#?}", outcome.verdict.violations);
    assert_eq!(outcome.ending(), Ending::Passed);
    // The placement took effect a few seconds after its instant, 0, and its deadline a
    // minute after that, on the wall clock.
    let timer = transcript
        .lines()
        .find(|l| l.contains("timer: pickup deadline of order-1"))
        .expect("the deadline fired during the wait");
    assert!(
        timer > "[00:01:00.000]" && timer < "[00:01:59.999]",
        "{transcript}"
    );
    assert!(
        transcript.contains("  ok: the clock is at 00:01:00.000\n"),
        "{transcript}"
    );
}

/// Regression: the wall clock started when the host was built, before the first line ran,
/// so at a high scale the first line already ran late (`[00:01:33.184]` at 1,000,000).
#[test]
fn the_clock_starts_when_the_first_line_runs() {
    let started = Arc::new(AtomicBool::new(false));
    let mut host = {
        let started = started.clone();
        ThreadedHost::start_on(TimeScale::REAL_TIME, move || {
            started.store(true, Ordering::SeqCst);
            ScriptPaced::start(Millis(1))
        })
    };
    std::thread::sleep(Duration::from_millis(5));
    assert!(!started.load(Ordering::SeqCst));
    assert_eq!(host.now(), Millis::ZERO);
    // The first line begins by firing what is due at its instant.
    assert!(host.fire_next(Millis::ZERO).unwrap().is_none());
    assert!(started.load(Ordering::SeqCst));
    // Two reads of the clock since it started: one to see that nothing is due, one to
    // measure the line.
    assert_eq!(host.lateness().max, Millis(2));
    drop(host.finish());
}

fn outcome(violation: bool, lagged: bool, failed_expectations: usize) -> ScriptOutcome {
    let mut verdict = Verdict {
        replay_identical: true,
        ..Verdict::default()
    };
    if violation {
        verdict.violation("a replay mismatch".into());
    }
    let mut lateness = Lateness::new(Millis::from_secs(60));
    lateness.record(Millis::from_secs(if lagged { 61 } else { 1 }));
    let failures = (0..failed_expectations)
        .map(|line| Failure {
            line,
            message: "expected ok".into(),
        })
        .collect();
    ScriptOutcome {
        summary: RunSummary {
            expectations: 3,
            failures,
        },
        verdict,
        lateness,
    }
}

#[test]
fn a_violation_beats_lag_and_lag_beats_failed_expectations() {
    assert_eq!(outcome(false, false, 0).ending(), Ending::Passed);
    assert_eq!(outcome(false, false, 1).ending(), Ending::Failed);
    assert_eq!(outcome(false, true, 0).ending(), Ending::Lagged);
    assert_eq!(outcome(false, true, 2).ending(), Ending::Lagged);
    assert_eq!(outcome(true, true, 2).ending(), Ending::Failed);
    assert_eq!(outcome(true, false, 0).ending(), Ending::Failed);
}
