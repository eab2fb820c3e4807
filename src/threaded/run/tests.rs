//! Unit tests of a threaded run: a machine that cannot keep up (made deterministic by a
//! stepping clock) finishes, passes its check and reports lag; how violations, stalls and
//! lag decide the ending; the suggested time scale; the note naming meals that no driver
//! may take again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::ending::{round_figure, suggest_scale};
use super::{run_on, Ending, Lateness, Options, Outcome};
use crate::engine::{CancelReason, Engine};
use crate::threaded::check::Verdict;
use crate::threaded::kernel::Clock;
use crate::threaded::scale::TimeScale;
use crate::threaded::sync::{Condvar, MutexGuard};
use crate::time::Millis;

/// A machine that cannot keep up, made deterministic: each read of the clock finds it
/// `step` later than the read before, so every task is taken at least `step` after it
/// was due, however the threads are scheduled.
struct SteppingClock {
    reads: AtomicU64,
    step: u64,
}

impl Clock for SteppingClock {
    fn now(&self) -> Millis {
        Millis(
            self.reads
                .fetch_add(1, Ordering::SeqCst)
                .saturating_mul(self.step),
        )
    }

    fn wait<'a, T>(
        &self,
        cv: &Condvar,
        guard: MutexGuard<'a, T>,
        until: Option<Millis>,
    ) -> MutexGuard<'a, T> {
        match until {
            Some(_) => cv
                .wait_timeout(guard, Duration::from_millis(1))
                .map(|(g, _)| g)
                .unwrap_or_else(|p| p.into_inner().0),
            None => cv.wait(guard).unwrap_or_else(|p| p.into_inner()),
        }
    }
}

const LOAD: &str = r#"
name = "lag"
horizon = "5m"
[fleet]
drivers = 3
[demand]
customers = 20
rate = "20/m"
[behavior]
pickup_delay = "exp(20s)"
delivery_time = "exp(30s)"
cancel = { probability = 0.1, after = "uniform(0s, 60s)" }
"#;

/// Regression (defect B): a run whose machine could not keep up was cut at a time limit
/// with orders live and reported invented rule violations (exit 1). Now it finishes its
/// work, its replay is checked, and it reports lag, not a violation.
#[test]
fn a_lagging_run_finishes_its_work_passes_its_check_and_says_lower_the_time_scale() {
    let scenario = crate::scenario::parse("lag.toml", LOAD).unwrap();
    let scale = TimeScale::new(1000.0).unwrap();
    let options = Options::new(1, scale, 4);
    let clock = || SteppingClock {
        reads: AtomicU64::new(0),
        step: 90_000,
    };
    let outcome = run_on(&scenario, options, None, &mut (), clock).unwrap();
    assert!(outcome.verdict.passed(), "{:#?}", outcome.verdict.violations);
    assert!(!outcome.stalled);
    assert!(outcome.verdict.orders > 0);
    assert!(outcome.engine.orders().iter().all(|o| o.status.is_final()));
    assert!(outcome.lateness.lagged(), "{:?}", outcome.lateness);
    assert!(outcome.lateness.max >= Millis(90_000), "{:?}", outcome.lateness);
    assert_eq!(outcome.lateness.threshold, Millis::from_secs(60));
    assert_eq!(outcome.ending(), Ending::Lagged);
    let message = outcome.lag_message(scale);
    assert!(message.contains("lower --time-scale (try "), "{message}");
    assert!(
        message.contains("could not keep up with time scale 1000"),
        "{message}"
    );
    assert!(!message.contains("violation"), "{message}");
    // Even so, every deadline took effect at its own instant.
    for order in outcome.engine.orders() {
        if order.cancel_reason == Some(CancelReason::NoPickup) {
            assert_eq!(
                order.cancelled_at,
                order.created_at.checked_add(Millis::from_secs(60))
            );
        }
    }
}

fn outcome(verdict_passes: bool, stalled: bool, late_tasks: u64) -> Outcome {
    let mut verdict = Verdict {
        replay_identical: true,
        ..Verdict::default()
    };
    if !verdict_passes {
        verdict.violation("a replay mismatch".into());
    }
    Outcome {
        verdict,
        summary: Vec::new(),
        engine: Engine::default(),
        log: Vec::new(),
        stalled,
        lateness: Lateness {
            tasks: 10,
            max: Millis::from_secs(if late_tasks > 0 { 100 } else { 1 }),
            over_threshold: late_tasks,
            threshold: Millis::from_secs(60),
        },
        wall: Duration::ZERO,
        lock: Default::default(),
    }
}

#[test]
fn a_violation_or_a_stall_fails_whatever_the_lag_and_lag_alone_is_not_a_failure() {
    assert_eq!(outcome(true, false, 0).ending(), Ending::Passed);
    assert_eq!(outcome(true, false, 3).ending(), Ending::Lagged);
    assert_eq!(outcome(false, false, 3).ending(), Ending::Failed);
    assert_eq!(outcome(true, true, 0).ending(), Ending::Failed);
    assert_eq!(outcome(true, true, 3).ending(), Ending::Failed);
}

#[test]
fn the_suggested_scale_is_round_and_within_the_bounds() {
    let scale = |x| TimeScale::new(x).unwrap();
    // Work 100 s late against a 60 s threshold at 20000: at most 20000 × 0.3 = 6000.
    assert_eq!(
        suggest_scale(scale(20_000.0), Millis::from_secs(60), Millis::from_secs(100)),
        6000.0
    );
    assert_eq!(
        suggest_scale(scale(7200.0), Millis::from_secs(60), Millis::from_secs(3600)),
        60.0
    );
    assert_eq!(
        suggest_scale(scale(0.01), Millis::from_secs(60), Millis(u64::MAX)),
        TimeScale::MIN
    );
    assert!(suggest_scale(scale(1_000_000.0), Millis::from_secs(60), Millis(61_000)) <= 500_000.0);
    let noisy = suggest_scale(scale(0.3), Millis::from_secs(60), Millis::from_secs(80));
    assert_eq!(round_figure(noisy), "0.11");
    assert_eq!(round_figure(3000.0), "3000");
}

#[test]
fn a_meal_is_stranded_only_once_every_driver_has_failed_it() {
    use crate::engine::{
        Command, Contact, CustomerId, DriverId, EngineConfig, ItemId, KitchenStep, LatLon, Line, OrderId,
        Profile, RestaurantId,
    };
    let mut engine = Engine::new(EngineConfig::for_profile(Profile::Food)).unwrap();
    let here = LatLon::new(52.52, 13.40).unwrap();
    let order = OrderId(0);
    let commands = [
        Command::OnboardRestaurant {
            name: "grill".into(),
            contact: Contact::default(),
            location: here,
            prep: Millis::from_secs(600),
            open: true,
        },
        Command::SetMenuItem {
            restaurant: RestaurantId(0),
            item: "soup".into(),
            price: 500,
            stock: None,
        },
        Command::OnboardCustomer {
            name: "ann".into(),
            contact: Contact {
                email: Some("ann@x".into()),
                phone: None,
            },
            address: None,
            location: Some(here),
        },
        Command::OnboardDriver {
            name: "dan".into(),
            contact: Contact::default(),
            location: Some(here),
        },
        Command::PlaceMeal {
            customer: CustomerId(0),
            restaurant: RestaurantId(0),
            lines: vec![Line {
                item: ItemId(0),
                quantity: 1,
            }],
            tip: 0,
            key: None,
        },
        Command::Kitchen {
            order,
            step: KitchenStep::Confirm,
        },
        Command::Kitchen {
            order,
            step: KitchenStep::Prepare,
        },
    ];
    for command in &commands {
        engine.apply(Millis::ZERO, command).unwrap();
    }
    let stranded = |engine: &Engine| engine.orders().iter().filter(|o| engine.is_stranded(o)).count();
    assert_eq!(stranded(&engine), 0, "cooking");
    let ready = Command::Kitchen {
        order,
        step: KitchenStep::Ready,
    };
    engine.apply(Millis::ZERO, &ready).unwrap();
    assert_eq!(stranded(&engine), 0, "assigned to the only driver");
    // The only driver gives it back: nobody may take it now.
    let release = Command::Release {
        driver: DriverId(0),
        order,
    };
    engine.apply(Millis::ZERO, &release).unwrap();
    assert_eq!(stranded(&engine), 1, "failed by every driver");
}
