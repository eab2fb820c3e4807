//! Food schedules under shuttle: two customers race for the last portion of a dish, a
//! driver's pickup races the pickup deadline (with the clock and the timer thread moving
//! concurrently), and a meal becoming ready races the assignments that a delivery or an
//! unassignment makes. Every schedule passes the replay checker, and the race counts of
//! the verdict follow the log's windows: a placement counts a stock race exactly when its
//! window holds the other placement, a pickup counts as having lost to the deadline
//! exactly when its window holds the firing that unassigned it. Every kind of window race
//! happens in some schedule. The broken `CheckThenAct` kernel must be caught here too.

use crate::apply;
use crate::clock::{Clock, ManualClock};
use crate::kernel::{Locking, SharedEngine};
use crate::timed_queue::TimedQueue;
use courier_sim::engine::{
    Command, Contact, CustomerId, DriverId, Engine, EngineConfig, ItemId, KitchenStep, LatLon, Line, OrderId,
    Profile, Reply, RestaurantId,
};
use courier_sim::threaded::check::{self, Races};
use courier_sim::threaded::log::LogEntry;
use courier_sim::time::Millis;
use shuttle::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

const DEADLINE: Millis = Millis(60_000);
/// The dish with one portion; the other is unlimited.
const LAST_PORTION: ItemId = ItemId(0);
const UNLIMITED: ItemId = ItemId(1);
const D1: DriverId = DriverId(0);

/// Schedules (over all explorations) with a stock, dispatch, driver-lost and timer-lost race.
static SEEN: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];

fn at(lat: f64, lon: f64) -> LatLon {
    LatLon::new(lat, lon).unwrap()
}

fn meal(customer: u32, dish: ItemId) -> Command {
    Command::PlaceMeal {
        customer: CustomerId(customer),
        restaurant: RestaurantId(0),
        lines: vec![Line {
            item: dish,
            quantity: 1,
        }],
        tip: 0,
        key: None,
    }
}

fn kitchen(order: u32, step: KitchenStep) -> Command {
    Command::Kitchen {
        order: OrderId(order),
        step,
    }
}

/// A restaurant whose first dish has one portion, customers a, b and c, and driver d1.
/// c's order-1 is ready and assigned to d1 (its deadline at 60 s), order-2 is ready and
/// waits for a driver, order-3 is being prepared.
fn setup() -> Vec<Command> {
    let mut commands = vec![Command::OnboardRestaurant {
        name: "grill".into(),
        contact: Contact::default(),
        location: at(52.52, 13.40),
        prep: Millis::from_secs(600),
        open: true,
    }];
    for (dish, stock) in [("last", Some(1)), ("plenty", None)] {
        commands.push(Command::SetMenuItem {
            restaurant: RestaurantId(0),
            item: dish.into(),
            price: 1000,
            stock,
        });
    }
    for name in ["a", "b", "c"] {
        commands.push(Command::OnboardCustomer {
            name: name.into(),
            contact: Contact {
                email: Some(format!("{name}@x")),
                phone: None,
            },
            address: None,
            location: Some(at(52.53, 13.41)),
        });
    }
    commands.push(Command::OnboardDriver {
        name: "d1".into(),
        contact: Contact::default(),
        location: Some(at(52.52, 13.41)),
    });
    for order in 0..3 {
        commands.push(meal(2, UNLIMITED));
        let steps: &[KitchenStep] = if order < 2 {
            &[KitchenStep::Confirm, KitchenStep::Prepare, KitchenStep::Ready]
        } else {
            &[KitchenStep::Confirm, KitchenStep::Prepare]
        };
        commands.extend(steps.iter().map(|&step| kitchen(order, step)));
    }
    commands
}

/// Runs `command` on its own shuttle thread.
fn actor(
    shared: &Arc<SharedEngine<()>>,
    clock: &Arc<ManualClock>,
    timers: &Arc<TimedQueue<()>>,
    commands: Vec<Command>,
) -> shuttle::thread::JoinHandle<()> {
    let (shared, clock, timers) = (shared.clone(), clock.clone(), timers.clone());
    shuttle::thread::spawn(move || {
        for command in commands {
            apply(&shared, &clock, &timers, command);
        }
    })
}

/// One schedule: a and b place the last portion; d1 picks up and delivers order-1 while
/// the clock reaches its deadline and the timer thread waits for it; order-3 becomes ready.
fn scenario(locking: Locking) {
    let config = EngineConfig {
        pickup_deadline: DEADLINE,
        ..EngineConfig::for_profile(Profile::Food)
    };
    let shared = Arc::new(SharedEngine::new(
        Engine::new(config.clone()).unwrap(),
        (),
        locking,
    ));
    let clock = Arc::new(ManualClock::default());
    let timers: Arc<TimedQueue<()>> = Arc::new(TimedQueue::default());
    for command in setup() {
        apply(&shared, &clock, &timers, command);
    }
    let timer_thread = {
        let (shared, clock, timers) = (shared.clone(), clock.clone(), timers.clone());
        shuttle::thread::spawn(move || {
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
    let pickup = Command::Pickup {
        driver: D1,
        order: OrderId(0),
    };
    let deliver = Command::Deliver {
        driver: D1,
        order: OrderId(0),
    };
    let actors = vec![
        actor(&shared, &clock, &timers, vec![meal(0, LAST_PORTION)]),
        actor(&shared, &clock, &timers, vec![meal(1, LAST_PORTION)]),
        actor(&shared, &clock, &timers, vec![pickup, deliver]),
        actor(&shared, &clock, &timers, vec![kitchen(2, KitchenStep::Ready)]),
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
    let races = &verdict.races;
    assert_eq!(*races, races_seen_in(&parts.log, races), "{:#?}", parts.log);
    let hits = [
        races.stock,
        races.dispatch,
        races.unassign_driver_lost,
        races.unassign_timer_lost,
    ];
    for (i, hit) in hits.into_iter().enumerate() {
        if hit > 0 && locking == Locking::Correct {
            SEEN[i].fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// `races` with its stock and unassign counts replaced by what the log's windows show,
/// read here from the log alone: the later placement of the last portion raced the earlier
/// one if its window holds it; the pickup lost to the deadline if its window holds the
/// firing that unassigned the order, and the deadline lost to the pickup if its window
/// holds the accepted pickup.
fn races_seen_in(log: &[LogEntry], races: &Races) -> Races {
    let placements: Vec<&LogEntry> = log
        .iter()
        .filter(|e| matches!(&e.command, Command::PlaceMeal { lines, .. } if lines[0].item == LAST_PORTION))
        .collect();
    let stock = u64::from(placements[1].window.contains(placements[0].seq));
    let pickup = log
        .iter()
        .find(|e| matches!(e.command, Command::Pickup { .. }))
        .unwrap();
    let deadline = log.iter().find(|e| {
        matches!(
            e.command,
            Command::ExpireDeadline {
                order: OrderId(0),
                ..
            }
        )
    });
    let unassigned = deadline.filter(|d| matches!(d.result, Ok(Reply::Unassigned { .. })));
    let driver_lost = unassigned.is_some_and(|d| pickup.window.contains(d.seq));
    let timer_lost = deadline.is_some_and(|d| pickup.result.is_ok() && d.window.contains(pickup.seq));
    Races {
        stock,
        unassign_driver_lost: u64::from(driver_lost),
        unassign_timer_lost: u64::from(timer_lost),
        ..races.clone()
    }
}

#[test]
fn food_schedules_pass_the_checker_and_count_each_race_their_windows_show() {
    shuttle::check_random(|| scenario(Locking::Correct), 2_000);
    shuttle::check_pct(|| scenario(Locking::Correct), 2_000, 3);
    let seen: Vec<u64> = SEEN.iter().map(|s| s.load(Ordering::SeqCst)).collect();
    eprintln!("schedules with a stock, dispatch, driver-lost and timer-lost race: {seen:?}");
    assert!(
        seen.iter().all(|&c| c > 0),
        "some race never happened in 4000 schedules: {seen:?}"
    );
}

#[test]
fn exploration_catches_the_check_then_act_variant_on_food() {
    let caught =
        std::panic::catch_unwind(|| shuttle::check_random(|| scenario(Locking::CheckThenAct), 2_000));
    assert!(
        caught.is_err(),
        "no schedule of the broken kernel failed the checker"
    );
}
