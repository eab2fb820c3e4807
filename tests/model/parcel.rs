//! Parcel schedules under shuttle (SPEC §7): cancel vs pickup, deadline vs pickup (with
//! the timer thread and the clock moving concurrently, and a late pickup that reaches the
//! deadline before the timer thread does), and a freed driver vs a new order. Every
//! schedule's log is checked by the library's replay checker, and in every schedule a
//! deadline's cancellation happens at exactly created + deadline, however late the timer
//! thread runs. A deliberately broken kernel variant must be caught by the same
//! exploration.

use crate::apply;
use crate::clock::{Clock, ManualClock};
use crate::kernel::{Locking, SharedEngine};
use crate::timed_queue::TimedQueue;
use courier_sim::engine::{
    CancelReason, Command, Contact, CustomerId, DriverId, Engine, EngineConfig, ItemId, OrderId,
};
use courier_sim::threaded::check;
use courier_sim::time::Millis;
use shuttle::sync::Arc;

const DEADLINE: Millis = Millis(60_000);

/// Schedules (over all explorations) in which each race was seen, to show the exploration
/// reaches every outcome: cancel vs pickup, deadline vs pickup, a late pickup whose
/// deadline the engine fired on its way in (before the timer thread did), and a freed
/// driver taking the waiting order.
static SEEN: [std::sync::atomic::AtomicU64; 4] = [const { std::sync::atomic::AtomicU64::new(0) }; 4];

fn seen(i: usize) -> u64 {
    SEEN[i].load(std::sync::atomic::Ordering::SeqCst)
}

fn place(sender: u32, recipient: u32) -> Command {
    Command::PlaceOrder {
        sender: CustomerId(sender),
        recipient: CustomerId(recipient),
        item: ItemId(0),
        key: None,
    }
}

/// One schedule: order-1 is assigned to d1 and order-2 waits. Concurrently: d1 picks up
/// order-1, its sender cancels it, the clock reaches its deadline while the timer thread
/// waits for it, and a new order-3 arrives while d1 may be freed.
fn scenario(locking: Locking) {
    let config = EngineConfig {
        pickup_deadline: DEADLINE,
        ..EngineConfig::default()
    };
    let shared = Arc::new(SharedEngine::new(
        Engine::new(config.clone()).unwrap(),
        (),
        locking,
    ));
    let clock = Arc::new(ManualClock::default());
    let timers: Arc<TimedQueue<()>> = Arc::new(TimedQueue::default());
    for name in ["a", "b", "c"] {
        let contact = Contact {
            email: Some(format!("{name}@x")),
            phone: None,
        };
        let command = Command::OnboardCustomer {
            name: name.into(),
            contact,
            address: None,
            location: None,
        };
        apply(&shared, &clock, &timers, command);
    }
    apply(
        &shared,
        &clock,
        &timers,
        Command::OnboardDriver {
            name: "d1".into(),
            contact: Contact::default(),
            location: None,
        },
    );
    apply(&shared, &clock, &timers, place(0, 1));
    apply(&shared, &clock, &timers, place(1, 2));

    let timer_thread = {
        let (shared, clock, timers) = (shared.clone(), clock.clone(), timers.clone());
        shuttle::thread::spawn(move || {
            // The timer thread only waits for each deadline's instant and asks the engine
            // to fire what is due; the engine fires each timer at its own instant.
            while timers.pop_due(&*clock).is_some() {
                let fired = shared.fire_due(clock.now(), |_, _, _| ());
                for op in &fired {
                    for t in &op.effects.timers {
                        timers.push(t.at, ());
                    }
                }
                timers.done();
            }
        })
    };
    let actors = vec![
        {
            let (shared, clock, timers) = (shared.clone(), clock.clone(), timers.clone());
            shuttle::thread::spawn(move || {
                apply(
                    &shared,
                    &clock,
                    &timers,
                    Command::Pickup {
                        driver: DriverId(0),
                        order: OrderId(0),
                    },
                );
                apply(
                    &shared,
                    &clock,
                    &timers,
                    Command::Deliver {
                        driver: DriverId(0),
                        order: OrderId(0),
                    },
                );
            })
        },
        {
            let (shared, clock, timers) = (shared.clone(), clock.clone(), timers.clone());
            shuttle::thread::spawn(move || {
                apply(
                    &shared,
                    &clock,
                    &timers,
                    Command::CancelOrder {
                        order: OrderId(0),
                        by: CustomerId(0),
                    },
                );
            })
        },
        {
            let (shared, clock, timers) = (shared.clone(), clock.clone(), timers.clone());
            shuttle::thread::spawn(move || {
                apply(&shared, &clock, &timers, place(2, 0));
            })
        },
        {
            let (clock, timers) = (clock.clone(), timers.clone());
            shuttle::thread::spawn(move || {
                clock.advance_to(DEADLINE);
                timers.notify();
            })
        },
    ];
    for actor in actors {
        actor.join().unwrap();
    }
    // Let every deadline (order-3's too) fall due, then stop the timer thread once it has
    // nothing due left.
    clock.advance_to(Millis(10 * DEADLINE.as_ms()));
    timers.notify();
    while !timers.is_idle() {
        shuttle::thread::yield_now();
    }
    timers.close();
    timer_thread.join().unwrap();

    let shared = Arc::try_unwrap(shared).ok().expect("every thread has finished");
    let parts = shared.into_parts();
    let run = check::Run {
        config: &config,
        log: &parts.log,
        engine: &parts.engine,
        pending: &parts.pending,
    };
    let verdict = check::check(run, |_, _, _| {});
    assert!(verdict.passed(), "{verdict}\n{:#?}", verdict.violations);
    // However late the timer thread ran (the clock may have jumped far past a deadline
    // before it woke), a deadline takes effect at its own instant.
    for order in parts.engine.orders() {
        if order.cancel_reason == Some(CancelReason::NoPickup) {
            assert_eq!(
                order.cancelled_at,
                Some(Millis(order.created_at.as_ms() + DEADLINE.as_ms())),
                "{order:?}"
            );
        }
    }
    let r = &verdict.races;
    let hits = [
        r.cancel_vs_pickup,
        r.deadline_vs_pickup,
        r.late_pickup_before_timer,
        r.freed_driver_took_waiting,
    ];
    for (i, hit) in hits.into_iter().enumerate() {
        if hit > 0 && locking == Locking::Correct {
            SEEN[i].fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

#[test]
fn random_and_pct_schedules_of_the_races_all_pass_the_checker() {
    shuttle::check_random(|| scenario(Locking::Correct), 3_000);
    shuttle::check_pct(|| scenario(Locking::Correct), 3_000, 3);
    let counts: Vec<u64> = (0..4).map(seen).collect();
    eprintln!("schedules with cancel vs pickup, deadline vs pickup, late pickup before timer, freed driver: {counts:?}");
    assert!(
        counts.iter().all(|&c| c > 0),
        "some race never happened in 6000 schedules: {counts:?}"
    );
}

/// One schedule with a zero pickup deadline: each placement sets its deadline due at its
/// own instant. Two placements race at instant 0 while the clock stands still: the second
/// must find the first's deadline fired on its way in (SPEC §2: timers due at or before an
/// instant fire before the next command), and the timer thread must wake for a deadline due
/// at the current instant, with no command and no clock movement to prompt it.
fn zero_deadline() {
    let config = EngineConfig {
        pickup_deadline: Millis::ZERO,
        ..EngineConfig::default()
    };
    let shared = Arc::new(SharedEngine::new(
        Engine::new(config.clone()).unwrap(),
        (),
        Locking::Correct,
    ));
    let clock = Arc::new(ManualClock::default());
    let timers: Arc<TimedQueue<()>> = Arc::new(TimedQueue::default());
    for name in ["a", "b"] {
        let contact = Contact {
            email: Some(format!("{name}@x")),
            phone: None,
        };
        let command = Command::OnboardCustomer {
            name: name.into(),
            contact,
            address: None,
            location: None,
        };
        apply(&shared, &clock, &timers, command);
    }
    let driver = Command::OnboardDriver {
        name: "d1".into(),
        contact: Contact::default(),
        location: None,
    };
    apply(&shared, &clock, &timers, driver);
    let timer_thread = {
        let (shared, clock, timers) = (shared.clone(), clock.clone(), timers.clone());
        shuttle::thread::spawn(move || {
            while timers.pop_due(&*clock).is_some() {
                shared.fire_due(clock.now(), |_, _, _| ());
                timers.done();
            }
        })
    };
    let placers: Vec<_> = [(0, 1), (1, 0)]
        .into_iter()
        .map(|(from, to)| {
            let (shared, clock, timers) = (shared.clone(), clock.clone(), timers.clone());
            shuttle::thread::spawn(move || apply(&shared, &clock, &timers, place(from, to)))
        })
        .collect();
    for placer in placers {
        placer.join().unwrap();
    }
    // The clock stays at 0: only the timer thread can fire the last placement's deadline.
    while !timers.is_idle() {
        shuttle::thread::yield_now();
    }
    timers.close();
    timer_thread.join().unwrap();

    let shared = Arc::try_unwrap(shared).ok().expect("every thread has finished");
    let parts = shared.into_parts();
    assert!(parts.pending.is_empty(), "{:?}", parts.pending);
    let run = check::Run {
        config: &config,
        log: &parts.log,
        engine: &parts.engine,
        pending: &parts.pending,
    };
    let verdict = check::check(run, |_, _, _| {});
    assert!(verdict.passed(), "{verdict}\n{:#?}", verdict.violations);
    for order in parts.engine.orders() {
        assert_eq!(order.cancel_reason, Some(CancelReason::NoPickup), "{order:?}");
        assert_eq!(order.cancelled_at, Some(order.created_at), "{order:?}");
    }
    // The first placement's deadline fired before the second placement took effect.
    let commands: Vec<&Command> = parts.log.iter().map(|e| &e.command).collect();
    let second = commands
        .iter()
        .rposition(|c| matches!(c, Command::PlaceOrder { .. }));
    let first_expired = commands
        .iter()
        .position(|c| matches!(c, Command::ExpireDeadline { .. }));
    assert!(first_expired < second, "{commands:#?}");
}

/// Regression: with `pickup_deadline = "0s"` the checker reported every placement as a
/// violation ("order-1 is still created past its deadline"), though its deadline rightly
/// fires right after it.
#[test]
fn a_zero_deadline_fires_before_the_next_command_and_wakes_the_timer_thread() {
    shuttle::check_random(zero_deadline, 1_000);
    shuttle::check_pct(zero_deadline, 1_000, 3);
}

#[test]
fn exploration_catches_the_check_then_act_variant() {
    let caught =
        std::panic::catch_unwind(|| shuttle::check_random(|| scenario(Locking::CheckThenAct), 3_000));
    assert!(
        caught.is_err(),
        "no schedule of the broken kernel failed the checker"
    );
}
