//! The generated steps: commands aimed at live orders or deliberately wrong, clock
//! advances, and deadline races, over a small world of customers and drivers.

use crate::*;

// ----- the generated steps -----

/// One generated step. Ids are resolved against the engine's state when the step runs, so
/// that "aimed" steps hit the orders and drivers where the races are, and the others hit
/// anything, unknown ids included.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// Advance the clock by this many milliseconds.
    Wait(u64),
    /// Advance to the deadline of a live order, or to 1 ms before it.
    WaitForDeadline { order: u8, early: bool },
    /// The one step that does not fire due timers first: move the clock to exactly the
    /// deadline of a live order and, before its timer runs, act on that order (0 pickup by
    /// its driver, 1 cancel by its sender, 2 delivery by its driver, 3 a rating). This is
    /// the race of the threaded mode (SPEC §7), where the timer thread may lag: the engine,
    /// not the timer, is the authority on time (SPEC §3.8), so it must refuse with
    /// `order_cancelled`. The timers then fire and the step ends settled like any other.
    RaceDeadlineTimer { order: u8, action: u8 },
    /// Onboard customer template N (0–4 valid, 5 a bad email, 6 a driver's name).
    OnboardCustomer(u8),
    /// Onboard driver template N (0–3 valid, 4 a customer's name, 5 a bad phone).
    OnboardDriver(u8),
    /// Place an order; selectors pick sender, recipient, item and an optional key.
    Place {
        sender: u8,
        recipient: u8,
        item: u8,
        key: Option<u8>,
    },
    /// Send the last placement again, as a double tap would.
    RepeatPlace,
    /// Cancel an order; aimed: a live order by its sender.
    Cancel { order: u8, by: u8, aimed: bool },
    /// Pick up; aimed: a driver who holds an order, and that order.
    Pickup { driver: u8, order: u8, aimed: bool },
    /// Deliver; aimed: a driver who holds an order, and that order.
    Deliver { driver: u8, order: u8, aimed: bool },
    /// Rate; aimed: a delivered order by its sender or recipient.
    Rate {
        order: u8,
        stars: i64,
        by: u8,
        aimed: bool,
    },
}

pub(crate) fn op() -> impl Strategy<Value = Op> {
    let aimed = || prop::bool::weighted(0.7);
    let stars = prop_oneof![
        8 => 1i64..=5,
        1 => prop_oneof![Just(0i64), Just(6), Just(-1), Just(i64::MAX), Just(i64::MIN)],
    ];
    prop_oneof![
        6 => (0u64..3_000).prop_map(Op::Wait),
        2 => (3_000u64..30_000).prop_map(Op::Wait),
        1 => (30_000u64..70_000).prop_map(Op::Wait),
        2 => (any::<u8>(), any::<bool>()).prop_map(|(order, early)| Op::WaitForDeadline { order, early }),
        1 => (any::<u8>(), 0u8..4).prop_map(|(order, action)| Op::RaceDeadlineTimer { order, action }),
        1 => (0u8..8).prop_map(Op::OnboardCustomer),
        1 => (0u8..7).prop_map(Op::OnboardDriver),
        7 => (any::<u8>(), any::<u8>(), any::<u8>(), prop::option::weighted(0.25, 0u8..4))
            .prop_map(|(sender, recipient, item, key)| Op::Place { sender, recipient, item, key }),
        1 => Just(Op::RepeatPlace),
        3 => (any::<u8>(), any::<u8>(), aimed()).prop_map(|(order, by, aimed)| Op::Cancel { order, by, aimed }),
        7 => (any::<u8>(), any::<u8>(), aimed())
            .prop_map(|(driver, order, aimed)| Op::Pickup { driver, order, aimed }),
        5 => (any::<u8>(), any::<u8>(), aimed())
            .prop_map(|(driver, order, aimed)| Op::Deliver { driver, order, aimed }),
        2 => (any::<u8>(), stars, any::<u8>(), aimed())
            .prop_map(|(order, stars, by, aimed)| Op::Rate { order, stars, by, aimed }),
    ]
}

/// A sequence: a few customers and drivers onboarded at time 0, then up to ~150 steps.
pub(crate) fn scenario() -> impl Strategy<Value = Vec<Op>> {
    (2u8..=5, 0u8..=2, prop::collection::vec(op(), 1..145)).prop_map(|(customers, drivers, ops)| {
        (0..customers)
            .map(Op::OnboardCustomer)
            .chain((0..drivers).map(Op::OnboardDriver))
            .chain(ops)
            .collect()
    })
}

pub(crate) fn contact(kind: u8) -> Contact {
    let email = || Some("someone@example.com".to_string());
    let phone = || Some("+4915112345".to_string());
    match kind % 4 {
        0 => Contact {
            email: email(),
            phone: phone(),
        },
        1 => Contact {
            email: email(),
            phone: None,
        },
        2 => Contact {
            email: None,
            phone: phone(),
        },
        _ => Contact::default(),
    }
}

pub(crate) fn customer_template(k: u8) -> (String, Contact) {
    match k {
        0..=4 => (format!("c{k}"), contact(k)),
        5 => (
            "cx".to_string(),
            Contact {
                email: Some("no-at-sign".to_string()),
                phone: None,
            },
        ),
        6 => ("d0".to_string(), contact(0)),
        _ => ("c7".to_string(), contact(1)),
    }
}

/// Customer 7 and driver 6 (fresh, well-formed names and contacts) come with a location off
/// the globe, which the engine must refuse; customer 6 (a taken name) too. The others have
/// none.
pub(crate) fn off_the_globe(k: u8) -> Option<courier_sim::engine::LatLon> {
    match k {
        7 => Some(courier_sim::engine::LatLon { lat: 91.0, lon: 0.0 }),
        6 => Some(courier_sim::engine::LatLon {
            lat: 0.0,
            lon: -180.5,
        }),
        _ => None,
    }
}

pub(crate) fn driver_template(k: u8) -> (String, Contact) {
    match k {
        0..=3 => (format!("d{k}"), contact(k + 3)),
        4 => ("c0".to_string(), Contact::default()),
        6 => ("d6".to_string(), Contact::default()),
        _ => (
            "dx".to_string(),
            Contact {
                email: None,
                phone: Some("12-34".to_string()),
            },
        ),
    }
}
