//! The generated food world and steps: a few restaurants with small menus (some dishes
//! limited, some unlimited), customers and drivers on a small grid of places, and steps
//! that are aimed at where the races are (legal kitchen moves, the holder's pickup) or
//! deliberately wrong (illegal moves, other drivers, unknown ids, bad lines, reused keys).

use super::*;

/// The pickup deadline from assignment: short, so that unassignments are frequent.
pub(crate) const PICKUP_DEADLINE_MS: u64 = 120_000;
/// How long an idempotency key lives: short, so that keys expire within a run.
pub(crate) const KEY_TTL_MS: u64 = 600_000;
/// A short review window, so that old failures leave it within a run.
pub(crate) const SHORT_REVIEW_WINDOW_MS: u64 = 20 * 60_000;
/// Every restaurant's mean preparation time (only the ETA uses it).
pub(crate) const PREP_MS: u64 = 10 * 60_000;

/// A dish of the generated world.
#[derive(Clone, Debug)]
pub(crate) struct DishSpec {
    pub(crate) price: u64,
    /// `None`: unlimited.
    pub(crate) stock: Option<u64>,
}

/// A restaurant of the generated world.
#[derive(Clone, Debug)]
pub(crate) struct RestaurantSpec {
    pub(crate) at: (u8, u8),
    pub(crate) open: bool,
    pub(crate) menu: Vec<DishSpec>,
}

/// The world onboarded at time 0, and the settings.
#[derive(Clone, Debug)]
pub(crate) struct World {
    pub(crate) restaurants: Vec<RestaurantSpec>,
    pub(crate) customers: Vec<(u8, u8)>,
    pub(crate) drivers: Vec<(u8, u8)>,
    pub(crate) review_after: u32,
    pub(crate) short_review_window: bool,
}

/// A place on a grid of about 2.4 × 2.4 km: few enough places that drivers often stand at
/// the same one (ties of the `nearest` policy), and distances vary enough to matter.
pub(crate) fn place((lat, lon): (u8, u8)) -> LatLon {
    LatLon {
        lat: 52.50 + f64::from(lat % 12) * 0.002,
        lon: 13.38 + f64::from(lon % 12) * 0.003,
    }
}

/// One generated step. Ids are resolved against the test's model when the step runs.
#[derive(Clone, Debug)]
pub(crate) enum FoodOp {
    /// Advance the clock by this many milliseconds, firing due timers on the way.
    Wait(u64),
    /// Advance to the pickup deadline of an assigned order, or to 1 ms before it.
    WaitForDeadline { order: u8, early: bool },
    /// Move to exactly the deadline of an assigned order and, before its timer fires, let
    /// its driver pick it up (or release it): refused `not_your_order` (SPEC §8.2.6).
    RaceDeadline { order: u8, release: bool },
    /// Onboard driver `d{name}` late (a taken name is refused; `at.0 % 8 == 7`: no place).
    OnboardDriver { name: u8, at: (u8, u8) },
    /// Place a meal; `dedupe` drops repeated dishes, so that most placements are valid.
    Place {
        customer: u8,
        restaurant: u8,
        lines: Vec<(u8, u32)>,
        tip: u64,
        key: Option<u8>,
        dedupe: bool,
    },
    /// Send the last placement again, as a double tap would.
    RepeatPlace,
    /// A restaurant move; aimed: a live order and (mostly) the move its status allows.
    Kitchen {
        order: u8,
        step: KitchenStep,
        aimed: bool,
    },
    /// Cancel; aimed: an order not finished, by its customer.
    Cancel { order: u8, by: u8, aimed: bool },
    /// Pick up; aimed: a driver who holds an order, and that order.
    Pickup { driver: u8, order: u8, aimed: bool },
    /// Deliver; aimed: a driver who holds an order, and that order.
    Deliver { driver: u8, order: u8, aimed: bool },
    /// Release; aimed: a driver who holds an order, and that order.
    Release { driver: u8, order: u8, aimed: bool },
    /// Rate; aimed: a delivered order by its customer.
    Rate {
        order: u8,
        stars: i64,
        by: u8,
        aimed: bool,
    },
    /// Restock a dish (0 is refused).
    Restock { restaurant: u8, item: u8, amount: u64 },
    /// Open or close a restaurant.
    SetOpen { restaurant: u8, open: bool },
}

fn world() -> impl Strategy<Value = World> {
    let dish = (
        100u64..2_000,
        prop_oneof![2 => Just(None), 3 => (0u64..10).prop_map(Some)],
    )
        .prop_map(|(price, stock)| DishSpec { price, stock });
    let restaurant = (
        any::<(u8, u8)>(),
        prop::bool::weighted(0.85),
        prop::collection::vec(dish, 1..4),
    )
        .prop_map(|(at, open, menu)| RestaurantSpec { at, open, menu });
    (
        prop::collection::vec(restaurant, 1..4),
        prop::collection::vec(any::<(u8, u8)>(), 2..5),
        prop::collection::vec(any::<(u8, u8)>(), 0..4),
        1u32..=3,
        any::<bool>(),
    )
        .prop_map(
            |(restaurants, customers, drivers, review_after, short_review_window)| World {
                restaurants,
                customers,
                drivers,
                review_after,
                short_review_window,
            },
        )
}

fn food_op() -> impl Strategy<Value = FoodOp> {
    use FoodOp::*;
    let aimed = || prop::bool::weighted(0.85);
    let quantity = prop_oneof![24 => 1u32..=3, 2 => 4u32..=99, 1 => Just(0u32), 1 => Just(100u32)];
    let lines = prop_oneof![
        1 => prop::collection::vec((any::<u8>(), quantity.clone()), 0..1),
        12 => prop::collection::vec((any::<u8>(), quantity), 1..4),
    ];
    let tip = prop_oneof![3 => Just(0u64), 2 => 1u64..500];
    let stars = prop_oneof![8 => 1i64..=5, 1 => prop_oneof![Just(0i64), Just(6), Just(-1)]];
    prop_oneof![
        5 => (0u64..5_000).prop_map(Wait),
        3 => (5_000u64..60_000).prop_map(Wait),
        2 => (60_000u64..240_000).prop_map(Wait),
        1 => (240_000u64..720_000).prop_map(Wait),
        2 => (any::<u8>(), any::<bool>()).prop_map(|(order, early)| WaitForDeadline { order, early }),
        1 => (any::<u8>(), any::<bool>()).prop_map(|(order, release)| RaceDeadline { order, release }),
        1 => (0u8..6, any::<(u8, u8)>()).prop_map(|(name, at)| OnboardDriver { name, at }),
        10 => (
            any::<u8>(),
            any::<u8>(),
            lines,
            tip,
            prop::option::weighted(0.35, 0u8..4),
            prop::bool::weighted(0.85)
        )
            .prop_map(|(customer, restaurant, lines, tip, key, dedupe)| Place {
                customer,
                restaurant,
                lines,
                tip,
                key,
                dedupe
            }),
        1 => Just(RepeatPlace),
        14 => (any::<u8>(), prop::sample::select(KitchenStep::ALL.to_vec()), aimed())
            .prop_map(|(order, step, aimed)| Kitchen { order, step, aimed }),
        2 => (any::<u8>(), any::<u8>(), aimed()).prop_map(|(order, by, aimed)| Cancel { order, by, aimed }),
        6 => (any::<u8>(), any::<u8>(), aimed()).prop_map(|(driver, order, aimed)| Pickup { driver, order, aimed }),
        5 => (any::<u8>(), any::<u8>(), aimed()).prop_map(|(driver, order, aimed)| Deliver { driver, order, aimed }),
        2 => (any::<u8>(), any::<u8>(), aimed()).prop_map(|(driver, order, aimed)| Release { driver, order, aimed }),
        2 => (any::<u8>(), stars, any::<u8>(), aimed())
            .prop_map(|(order, stars, by, aimed)| Rate { order, stars, by, aimed }),
        2 => (any::<u8>(), any::<u8>(), prop_oneof![8 => 1u64..5, 1 => Just(0u64)])
            .prop_map(|(restaurant, item, amount)| Restock { restaurant, item, amount }),
        1 => (any::<u8>(), prop::bool::weighted(0.7)).prop_map(|(restaurant, open)| SetOpen { restaurant, open }),
    ]
}

/// A world and up to ~200 steps.
pub(crate) fn food_scenario() -> impl Strategy<Value = (World, Vec<FoodOp>)> {
    (world(), prop::collection::vec(food_op(), 1..200))
}
