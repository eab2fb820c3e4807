//! Unit tests of the race counts: windows and footprints built by hand (each kind of race
//! counted when its window holds what it lost to, and not when the same operation lies
//! before the window, inside the racer's own critical section, or is about another dish,
//! order or driver), footprints read from effects, a window reaching back over many
//! entries, and a hand-built food log through the whole checker. No thread runs here.

use super::races::{count_window, Footprint, WindowRaces};
use super::{check, Races, Run};
use crate::engine::{
    CancelReason, Command, Contact, CustomerId, DriverId, Effects, Engine, EngineConfig, Event, Guard,
    ItemId, KitchenStep, LatLon, Line, OrderId, Profile, RestaurantId,
};
use crate::threaded::log::{LogEntry, Origin, Window};
use crate::time::Millis;

const R0: RestaurantId = RestaurantId(0);
const D0: DriverId = DriverId(0);
const O0: OrderId = OrderId(0);

fn meal(restaurant: u32, dishes: &[u32]) -> Command {
    Command::PlaceMeal {
        customer: CustomerId(0),
        restaurant: RestaurantId(restaurant),
        lines: dishes
            .iter()
            .map(|&d| Line {
                item: ItemId(d),
                quantity: 1,
            })
            .collect(),
        tip: 0,
        key: None,
    }
}

fn took_stock(restaurant: u32, dish: u32) -> Footprint {
    Footprint {
        stock: vec![(RestaurantId(restaurant), ItemId(dish))],
        ..Footprint::default()
    }
}

fn assigned() -> Footprint {
    Footprint {
        assigned: true,
        ..Footprint::default()
    }
}

fn freed() -> Footprint {
    Footprint {
        freed: true,
        ..Footprint::default()
    }
}

fn expire(order: OrderId) -> Command {
    Command::ExpireDeadline {
        order,
        guard: Guard::Assignment(1),
    }
}

/// The races one operation counts against `window`.
fn against(command: &Command, own: &Footprint, window: &[Footprint]) -> Races {
    let mut races = Races::default();
    count_window(&mut races, command, own, window.iter());
    races
}

#[test]
fn a_placement_races_a_stock_change_of_a_dish_it_orders_at_its_restaurant_only() {
    let none = Footprint::default();
    assert_eq!(against(&meal(0, &[1, 2]), &none, &[took_stock(0, 2)]).stock, 1);
    // Another dish, the same dish elsewhere, or no stock change at all: no race.
    assert_eq!(against(&meal(0, &[1, 2]), &none, &[took_stock(0, 3)]).stock, 0);
    assert_eq!(against(&meal(0, &[1, 2]), &none, &[took_stock(1, 2)]).stock, 0);
    assert_eq!(against(&meal(0, &[1, 2]), &none, &[assigned()]).stock, 0);
    // Counted once, however many changes it lost to.
    assert_eq!(
        against(&meal(0, &[1, 2]), &none, &[took_stock(0, 1), took_stock(0, 2)]).stock,
        1
    );
    // Only a placement races on stock.
    assert_eq!(against(&expire(O0), &none, &[took_stock(0, 2)]).stock, 0);
}

#[test]
fn an_operation_that_freed_an_order_or_a_driver_races_an_assignment_in_its_window() {
    let ready = Command::Kitchen {
        order: O0,
        step: KitchenStep::Ready,
    };
    assert_eq!(against(&ready, &freed(), &[assigned()]).dispatch, 1);
    assert_eq!(against(&ready, &freed(), &[took_stock(0, 1)]).dispatch, 0);
    // Refused, it freed nothing.
    assert_eq!(against(&ready, &Footprint::default(), &[assigned()]).dispatch, 0);
}

#[test]
fn a_pickup_loses_to_the_deadline_that_took_its_order_from_that_driver_and_a_deadline_to_the_pickup() {
    let none = Footprint::default();
    let pickup = Command::Pickup {
        driver: D0,
        order: O0,
    };
    let release = Command::Release {
        driver: D0,
        order: O0,
    };
    let took_from = |order, driver| Footprint {
        deadline_took: Some((order, driver)),
        ..Footprint::default()
    };
    assert_eq!(
        against(&pickup, &none, &[took_from(O0, D0)]).unassign_driver_lost,
        1
    );
    assert_eq!(
        against(&release, &none, &[took_from(O0, D0)]).unassign_driver_lost,
        1
    );
    // Another order's deadline, or this order's taken from another driver: no race.
    assert_eq!(
        against(&pickup, &none, &[took_from(OrderId(1), D0)]).unassign_driver_lost,
        0
    );
    assert_eq!(
        against(&pickup, &none, &[took_from(O0, DriverId(1))]).unassign_driver_lost,
        0
    );

    let picked = |order| Footprint {
        took: Some(order),
        ..Footprint::default()
    };
    assert_eq!(against(&expire(O0), &none, &[picked(O0)]).unassign_timer_lost, 1);
    assert_eq!(
        against(&expire(O0), &none, &[picked(OrderId(1))]).unassign_timer_lost,
        0
    );
    assert_eq!(against(&pickup, &none, &[picked(O0)]).unassign_timer_lost, 0);
}

#[test]
fn only_what_took_effect_after_the_start_and_before_the_critical_section_is_in_a_window() {
    let mut races = Races::default();
    let mut windows = WindowRaces::new(&[]);
    // seq 0 and 1 take dish 1's stock; seq 2 placed dish 1 and began at 1, entering at 2:
    // its window holds seq 1 only.
    windows.count(
        &mut races,
        0,
        Window::empty_at(0),
        &meal(0, &[1]),
        took_stock(0, 1),
    );
    windows.count(
        &mut races,
        1,
        Window::empty_at(1),
        &meal(0, &[1]),
        took_stock(0, 1),
    );
    let window = Window { begun: 1, entered: 2 };
    windows.count(&mut races, 2, window, &meal(0, &[1]), took_stock(0, 1));
    assert_eq!((races.stock, races.raced, races.longest_window), (1, 1, 1));
    // seq 3 began after seq 2 took effect: nothing in between, no race.
    windows.count(
        &mut races,
        3,
        Window::empty_at(3),
        &meal(0, &[1]),
        Footprint::default(),
    );
    assert_eq!((races.stock, races.raced), (1, 1));
    // seq 4 and 5 share one critical section (a deadline fired on a command's way in):
    // both began at 3, entered at 4; seq 4 changed dish 1, which is not in seq 5's window.
    let shared = Window { begun: 3, entered: 4 };
    windows.count(&mut races, 4, shared, &expire(O0), took_stock(0, 1));
    windows.count(&mut races, 5, shared, &meal(0, &[1]), Footprint::default());
    assert_eq!((races.stock, races.raced), (1, 3));
}

#[test]
fn a_window_reaching_back_over_many_entries_still_finds_what_it_lost_to() {
    // 3000 entries; the last began right after the first, which took dish 1's stock.
    let entries = 3000;
    let log: Vec<LogEntry> = (0..entries)
        .map(|seq| LogEntry {
            seq,
            at: Millis::ZERO,
            origin: Origin::Command,
            command: expire(O0),
            result: Ok(crate::engine::Reply::DeadlineExpired { cancelled: false }),
            window: if seq == entries - 1 {
                Window {
                    begun: 0,
                    entered: seq,
                }
            } else {
                Window::empty_at(seq)
            },
        })
        .collect();
    let mut races = Races::default();
    let mut windows = WindowRaces::new(&log);
    windows.count(
        &mut races,
        0,
        Window::empty_at(0),
        &meal(0, &[1]),
        took_stock(0, 1),
    );
    for entry in &log[1..] {
        let command = if entry.seq == entries - 1 {
            meal(0, &[1])
        } else {
            expire(O0)
        };
        windows.count(
            &mut races,
            entry.seq,
            entry.window,
            &command,
            Footprint::default(),
        );
    }
    assert_eq!(races.stock, 1);
    assert_eq!(races.longest_window, entries - 1);
}

#[test]
fn footprints_are_read_from_effects() {
    let profile = Profile::Food;
    let with = |events: Vec<Event>| Effects {
        events,
        ..Effects::default()
    };
    let deadline = with(vec![Event::Unassigned(O0, D0), Event::Ready(O0)]);
    let f = Footprint::of(&expire(O0), &deadline, profile, Vec::new());
    assert_eq!(f.deadline_took, Some((O0, D0)));
    assert!(f.freed && !f.assigned);
    // A parcel's deadline cancels rather than unassigns; it takes the order all the same.
    let cancelled = with(vec![Event::Cancelled(O0, Some(D0), CancelReason::NoPickup)]);
    let f = Footprint::of(&expire(O0), &cancelled, Profile::Parcel, Vec::new());
    assert_eq!(f.deadline_took, Some((O0, D0)));
    // A release gives the order back: its deadline has nothing left to do.
    let release = Command::Release {
        driver: D0,
        order: O0,
    };
    let f = Footprint::of(
        &release,
        &with(vec![Event::Unassigned(O0, D0)]),
        profile,
        Vec::new(),
    );
    assert_eq!((f.took, f.deadline_took), (Some(O0), None));
    let pickup = Command::Pickup {
        driver: D0,
        order: O0,
    };
    let f = Footprint::of(&pickup, &with(vec![Event::PickedUp(O0, D0)]), profile, Vec::new());
    assert_eq!(f.took, Some(O0));
    // A meal placed is not yet assignable; a parcel placed is.
    let placed = with(vec![Event::Placed(O0)]);
    assert!(!Footprint::of(&meal(0, &[1]), &placed, profile, Vec::new()).freed);
    assert!(Footprint::of(&meal(0, &[1]), &placed, Profile::Parcel, Vec::new()).freed);
    let ready_and_assigned = with(vec![Event::Ready(O0), Event::Assigned(O0, D0)]);
    let f = Footprint::of(&expire(O0), &ready_and_assigned, profile, vec![(R0, ItemId(1))]);
    assert!(f.freed && f.assigned);
    assert_eq!(f.stock, vec![(R0, ItemId(1))]);
}

/// Applies `command` to `engine` at instant 0 and logs it with `window`.
fn op(engine: &mut Engine, log: &mut Vec<LogEntry>, command: Command, window: Window) {
    let result = engine.apply(Millis::ZERO, &command).map(|o| o.reply);
    log.push(LogEntry {
        seq: log.len() as u64,
        at: Millis::ZERO,
        origin: Origin::Command,
        command,
        result,
        window,
    });
}

/// A food platform with two customers and restaurant-0, whose dish 0 has 2 portions and
/// dish 1 is unlimited; its log has empty windows.
fn food_platform() -> (EngineConfig, Engine, Vec<LogEntry>) {
    let config = EngineConfig::for_profile(Profile::Food);
    let mut engine = Engine::new(config.clone()).unwrap();
    let mut log = Vec::new();
    let at = |lat, lon| LatLon::new(lat, lon).unwrap();
    let mut setup = vec![Command::OnboardRestaurant {
        name: "restaurant-0".into(),
        contact: Contact::default(),
        location: at(52.52, 13.40),
        prep: Millis::from_secs(600),
        open: true,
    }];
    for (name, stock) in [("dish-0", Some(2)), ("dish-1", None)] {
        setup.push(Command::SetMenuItem {
            restaurant: R0,
            item: name.into(),
            price: 1000,
            stock,
        });
    }
    for name in ["ann", "bob"] {
        setup.push(Command::OnboardCustomer {
            name: name.into(),
            contact: Contact {
                email: Some(format!("{name}@x")),
                phone: None,
            },
            address: None,
            location: Some(at(52.53, 13.41)),
        });
    }
    for command in setup {
        let window = Window::empty_at(log.len() as u64);
        op(&mut engine, &mut log, command, window);
    }
    (config, engine, log)
}

#[test]
fn the_checker_counts_a_stock_race_from_a_food_logs_windows() {
    let (config, mut engine, mut log) = food_platform();
    let first = log.len() as u64;
    // ann takes a portion of dish 0; bob's placement of dish 0 began before it took effect.
    op(&mut engine, &mut log, meal(0, &[0]), Window::empty_at(first));
    let raced = Window {
        begun: first,
        entered: first + 1,
    };
    op(&mut engine, &mut log, meal(0, &[0]), raced);
    // A placement of the unlimited dish 1 whose window holds both: nothing it orders changed.
    let unlimited = Window {
        begun: first,
        entered: first + 2,
    };
    op(&mut engine, &mut log, meal(0, &[1]), unlimited);
    let run = Run {
        config: &config,
        log: &log,
        engine: &engine,
        pending: &[],
    };
    let verdict = check(run, |_, _, _| {});
    assert!(verdict.passed(), "{:#?}", verdict.violations);
    let r = &verdict.races;
    assert_eq!((r.stock, r.raced, r.longest_window), (1, 2, 2), "{r:?}");
}

#[test]
fn a_window_that_does_not_end_before_its_entry_is_a_violation() {
    let (config, mut engine, mut log) = food_platform();
    let seq = log.len() as u64;
    let bad = Window {
        begun: seq,
        entered: seq + 1,
    };
    op(&mut engine, &mut log, meal(0, &[0]), bad);
    let run = Run {
        config: &config,
        log: &log,
        engine: &engine,
        pending: &[],
    };
    let verdict = check(run, |_, _, _| {});
    assert!(!verdict.passed());
    assert!(
        verdict.violations[0].contains("does not end before it"),
        "{:?}",
        verdict.violations
    );
}
