//! Property tests of the parcel rules (SPEC §2–§3) against the rules engine.
//!
//! Random command sequences (about 560 per `cargo test`, up to ~150 steps each, some
//! 35,000 checked engine calls in all) are played against a small world (2–5 customers
//! and up to 4 drivers, with email and phone, only one of them, or neither, onboarded at
//! random points so that waiting orders build up), with random clock advances, and with
//! unknown ids, wrong drivers, wrong customers, bad stars and reused idempotency keys so
//! that refusals are frequent. The harness drives the engine the way the virtual-clock
//! shell does: the outcomes' timers go into an `EventQueue`, and before every command and
//! on every clock advance the due timers fire at their own instants, in (time, seq) order.
//! One rare kind of step deliberately lets the deadline timer lag, as the threaded mode's
//! timer thread may: it acts on an order at exactly its deadline before the timer fires,
//! and the engine must refuse with `order_cancelled` (SPEC §3.8); the timers then fire.
//!
//! After every call of `Engine::apply` (commands and timers alike) it checks:
//! - `check_invariants`, plus the same facts computed independently from the public
//!   queries: a driver holds at most one order, an idle driver never coexists with a live
//!   waiting order (via `idle_drivers`/`waiting_at` and via the raw tables), counts are
//!   conserved (one status per order, drivers' deliveries = delivered orders, ratings);
//! - a refused command changes nothing (`engine == clone taken before`), and the refusal
//!   code is the one the SPEC's error table and precedence give (an oracle written from
//!   the SPEC, not from the engine);
//! - every order's observed status history follows created → assigned → picked_up →
//!   delivered, with cancelled only from created or assigned: no cancelled order is ever
//!   picked up and no picked-up order is ever cancelled;
//! - deadlines: once timers due at `now` have fired, no created/assigned order has
//!   `deadline <= now`; a deadline cancellation happens exactly at the deadline; a pickup
//!   succeeds only strictly before it;
//! - dispatch: an order assigned in a step has no older order still waiting and live
//!   (oldest first), a placed order goes to the longest-idle driver (tracked by the test
//!   from the order in which drivers were seen to become idle), a freed driver is the one
//!   who takes the next waiting order, and the waiting queue loses no live order;
//! - each outcome's events replay to exactly the observed status changes, its
//!   notifications are the ones §3.12 lists, and a new order sets exactly one deadline timer.
//!
//! A second property replays the recorded (time, command) pairs through a fresh engine and
//! demands identical outcomes and an identical final engine (determinism). A plain test
//! runs a fixed-seed batch of generated sequences and asserts that the generator really
//! exercises the races (pickups, deliveries, customer and deadline cancellations, and the
//! `order_cancelled`, `not_your_order`, `already_picked_up`, `not_picked_up` refusals);
//! run it with `--nocapture` to see the counts.

use std::collections::BTreeMap;

use courier_sim::engine::{
    CancelReason, Command, Contact, CustomerId, DriverId, DriverStatus, Engine, Event, ItemId, Notice,
    NoticeKind, Order, OrderId, OrderStatus, Outcome, Party, Refusal, Reply, Role, Timer, TimerRequest,
};
use courier_sim::sim::EventQueue;
use courier_sim::time::Millis;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{FileFailurePersistence, RngAlgorithm, TestRng, TestRunner};

/// The engine's default pickup deadline (SPEC §3.8).
const DEADLINE_MS: u64 = 60_000;
/// Items in the default catalog.
const CATALOG_LEN: u32 = 5;

// ----- the generated steps -----

/// One generated step. Ids are resolved against the engine's state when the step runs, so
/// that "aimed" steps hit the orders and drivers where the races are, and the others hit
/// anything, unknown ids included.
#[derive(Clone, Debug)]
enum Op {
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

fn op() -> impl Strategy<Value = Op> {
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
fn scenario() -> impl Strategy<Value = Vec<Op>> {
    (2u8..=5, 0u8..=2, prop::collection::vec(op(), 1..145)).prop_map(|(customers, drivers, ops)| {
        (0..customers)
            .map(Op::OnboardCustomer)
            .chain((0..drivers).map(Op::OnboardDriver))
            .chain(ops)
            .collect()
    })
}

fn contact(kind: u8) -> Contact {
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

fn customer_template(k: u8) -> (String, Contact) {
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
fn off_the_globe(k: u8) -> Option<courier_sim::engine::LatLon> {
    match k {
        7 => Some(courier_sim::engine::LatLon { lat: 91.0, lon: 0.0 }),
        6 => Some(courier_sim::engine::LatLon {
            lat: 0.0,
            lon: -180.5,
        }),
        _ => None,
    }
}

fn driver_template(k: u8) -> (String, Contact) {
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

// ----- the SPEC, written down independently of the engine -----

/// The order status moves of SPEC §3, and nothing else.
fn legal_move(from: OrderStatus, to: OrderStatus) -> bool {
    use OrderStatus::*;
    matches!(
        (from, to),
        (Created, Assigned)
            | (Created, Cancelled)
            | (Assigned, PickedUp)
            | (Assigned, Cancelled)
            | (PickedUp, Delivered)
    )
}

fn valid_email(email: &str) -> bool {
    email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
}

fn valid_phone(phone: &str) -> bool {
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Cancelled, or still waiting for a pickup that can no longer come in time (SPEC §3.8:
/// the engine, not the timer, is the authority on time).
fn finished_by_cancel(order: &Order, now: Millis) -> bool {
    match order.status {
        OrderStatus::Cancelled => true,
        OrderStatus::Created | OrderStatus::Assigned => now >= order.deadline,
        OrderStatus::PickedUp | OrderStatus::Delivered => false,
    }
}

/// What the SPEC's error table and precedence say a command at `now` must get: `Ok`, or
/// the refusal codes that are acceptable (several only where the SPEC does not order them).
fn expected(before: &Engine, now: Millis, command: &Command) -> Result<(), Vec<Refusal>> {
    use OrderStatus::*;
    use Refusal::*;
    let customer_known = |c: CustomerId| c.index() < before.customers().len();
    let driver_known = |d: DriverId| d.index() < before.drivers().len();
    let one = |r: Refusal| Err(vec![r]);
    match command {
        Command::OnboardCustomer {
            name,
            contact,
            location,
            ..
        }
        | Command::OnboardDriver {
            name,
            contact,
            location,
        } => {
            let taken = before.customers().iter().any(|c| &c.name == name)
                || before.drivers().iter().any(|d| &d.name == name);
            // A location is two numbers; one off the globe breaks a rule (SPEC §4 reading).
            let on_the_globe = location.is_none_or(|l| l.lat.abs() <= 90.0 && l.lon.abs() <= 180.0);
            let valid = contact.email.as_deref().is_none_or(valid_email)
                && contact.phone.as_deref().is_none_or(valid_phone)
                && on_the_globe;
            let mut codes = Vec::new();
            if taken {
                codes.push(DuplicateName);
            }
            if !valid {
                codes.push(InvalidArgument);
            }
            if codes.is_empty() {
                Ok(())
            } else {
                Err(codes)
            }
        }
        Command::PlaceOrder {
            sender,
            recipient,
            item,
            key,
        } => {
            let mut unknown = Vec::new();
            if !customer_known(*sender) || !customer_known(*recipient) {
                unknown.push(UnknownCustomer);
            }
            if item.index() >= before.catalog().len() {
                unknown.push(UnknownItem);
            }
            if !unknown.is_empty() {
                return Err(unknown);
            }
            if sender == recipient || key.as_deref() == Some("") {
                return one(InvalidArgument);
            }
            let reused = key
                .as_deref()
                .and_then(|k| before.orders().iter().find(|o| o.key.as_deref() == Some(k)));
            if reused.is_some_and(|o| (o.sender, o.recipient, o.item) != (*sender, *recipient, *item)) {
                return one(InvalidArgument);
            }
            Ok(())
        }
        Command::CancelOrder { order, by } => {
            let mut unknown = Vec::new();
            let o = before.orders().get(order.index());
            if o.is_none() {
                unknown.push(UnknownOrder);
            }
            if !customer_known(*by) {
                unknown.push(UnknownCustomer);
            }
            let Some(o) = o.filter(|_| unknown.is_empty()) else {
                return Err(unknown);
            };
            if finished_by_cancel(o, now) {
                one(OrderCancelled)
            } else if o.status == Delivered {
                one(AlreadyDelivered)
            } else if o.sender != *by {
                one(NotYourOrder)
            } else if o.status == PickedUp {
                one(AlreadyPickedUp)
            } else {
                Ok(())
            }
        }
        Command::Pickup { driver, order } | Command::Deliver { driver, order } => {
            let pickup = matches!(command, Command::Pickup { .. });
            let mut unknown = Vec::new();
            if !driver_known(*driver) {
                unknown.push(UnknownDriver);
            }
            let o = before.orders().get(order.index());
            if o.is_none() {
                unknown.push(UnknownOrder);
            }
            let Some(o) = o.filter(|_| unknown.is_empty()) else {
                return Err(unknown);
            };
            if finished_by_cancel(o, now) {
                one(OrderCancelled)
            } else if o.status == Delivered {
                one(AlreadyDelivered)
            } else if o.status == Created || o.driver != Some(*driver) {
                one(NotYourOrder)
            } else if pickup && o.status == PickedUp {
                one(AlreadyPickedUp)
            } else if !pickup && o.status == Assigned {
                one(NotPickedUp)
            } else {
                Ok(())
            }
        }
        Command::Rate { order, stars, by } => {
            let mut unknown = Vec::new();
            let o = before.orders().get(order.index());
            if o.is_none() {
                unknown.push(UnknownOrder);
            }
            if !customer_known(*by) {
                unknown.push(UnknownCustomer);
            }
            let Some(o) = o.filter(|_| unknown.is_empty()) else {
                return Err(unknown);
            };
            if !(1..=5).contains(stars) {
                one(InvalidArgument)
            } else if finished_by_cancel(o, now) {
                one(OrderCancelled)
            } else if *by != o.sender && *by != o.recipient {
                one(NotYourOrder)
            } else if o.status != Delivered {
                one(NotDelivered)
            } else if o.rating.is_some() {
                one(AlreadyRated)
            } else {
                Ok(())
            }
        }
        Command::ExpireDeadline { order } => {
            if order.index() < before.orders().len() {
                Ok(())
            } else {
                one(UnknownOrder)
            }
        }
    }
}

// ----- what a run saw -----

#[derive(Clone, Debug, Default)]
struct Stats {
    sequences: u64,
    steps: u64,
    commands: u64,
    timers_fired: u64,
    orders_placed: u64,
    duplicates_prevented: u64,
    placed_and_waited: u64,
    freed_driver_took_waiting: u64,
    pickups: u64,
    pickups_in_last_ms: u64,
    deliveries: u64,
    ratings: u64,
    customer_cancels: u64,
    customer_cancels_of_assigned: u64,
    deadline_cancels: u64,
    deadline_cancels_of_assigned: u64,
    pickups_refused_at_deadline: u64,
    commands_racing_a_timer: u64,
    max_waiting: u64,
    refusals: BTreeMap<&'static str, u64>,
}

impl Stats {
    fn merge(&mut self, other: &Stats) {
        self.sequences += other.sequences;
        self.steps += other.steps;
        self.commands += other.commands;
        self.timers_fired += other.timers_fired;
        self.orders_placed += other.orders_placed;
        self.duplicates_prevented += other.duplicates_prevented;
        self.placed_and_waited += other.placed_and_waited;
        self.freed_driver_took_waiting += other.freed_driver_took_waiting;
        self.pickups += other.pickups;
        self.pickups_in_last_ms += other.pickups_in_last_ms;
        self.deliveries += other.deliveries;
        self.ratings += other.ratings;
        self.customer_cancels += other.customer_cancels;
        self.customer_cancels_of_assigned += other.customer_cancels_of_assigned;
        self.deadline_cancels += other.deadline_cancels;
        self.deadline_cancels_of_assigned += other.deadline_cancels_of_assigned;
        self.pickups_refused_at_deadline += other.pickups_refused_at_deadline;
        self.commands_racing_a_timer += other.commands_racing_a_timer;
        self.max_waiting = self.max_waiting.max(other.max_waiting);
        for (code, n) in &other.refusals {
            *self.refusals.entry(code).or_default() += n;
        }
    }

    fn refused(&self, code: &str) -> u64 {
        self.refusals.get(code).copied().unwrap_or(0)
    }
}

type Entry = (Millis, Command, Result<Outcome, Refusal>);

/// The virtual-clock harness: the engine, its timers, the clock, and what the test has
/// observed so far.
struct Harness {
    engine: Engine,
    timers: EventQueue<Timer>,
    now: Millis,
    /// Every (time, command, result) applied, timers included, for replay.
    log: Vec<Entry>,
    /// Each order's observed statuses, one entry per observed change.
    history: Vec<Vec<OrderStatus>>,
    /// Idle drivers in the order the test saw them become idle: longest idle first.
    idle_model: Vec<DriverId>,
    last_place: Option<Command>,
    stats: Stats,
}

fn fail<T>(message: String) -> Result<T, TestCaseError> {
    Err(TestCaseError::fail(message))
}

impl Harness {
    fn new() -> Harness {
        Harness {
            engine: Engine::default(),
            timers: EventQueue::new(),
            now: Millis::ZERO,
            log: Vec::new(),
            history: Vec::new(),
            idle_model: Vec::new(),
            last_place: None,
            stats: Stats {
                sequences: 1,
                ..Stats::default()
            },
        }
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        self.stats.steps += 1;
        match *op {
            Op::Wait(ms) => self.advance_to(Millis(self.now.0 + ms))?,
            Op::WaitForDeadline { order, early } => {
                let live: Vec<Millis> = self
                    .engine
                    .orders()
                    .iter()
                    .filter(|o| matches!(o.status, OrderStatus::Created | OrderStatus::Assigned))
                    .map(|o| o.deadline)
                    .filter(|d| d.0 > self.now.0 + 1)
                    .collect();
                if !live.is_empty() {
                    let deadline = live[usize::from(order) % live.len()];
                    self.advance_to(Millis(deadline.0 - u64::from(early)))?;
                }
            }
            Op::RaceDeadlineTimer { order, action } => {
                let live: Vec<&Order> = self
                    .engine
                    .orders()
                    .iter()
                    .filter(|o| matches!(o.status, OrderStatus::Created | OrderStatus::Assigned))
                    .filter(|o| o.deadline > self.now)
                    .collect();
                if !live.is_empty() {
                    let target = live[usize::from(order) % live.len()].clone();
                    let holder = target.driver.unwrap_or(DriverId(0));
                    let command = match action {
                        0 => Command::Pickup {
                            driver: holder,
                            order: target.id,
                        },
                        1 => Command::CancelOrder {
                            order: target.id,
                            by: target.sender,
                        },
                        2 => Command::Deliver {
                            driver: holder,
                            order: target.id,
                        },
                        _ => Command::Rate {
                            order: target.id,
                            stars: 5,
                            by: target.sender,
                        },
                    };
                    // Timers due before the deadline fire as usual; those due at it lag.
                    self.advance_to(Millis(target.deadline.0 - 1))?;
                    self.now = target.deadline;
                    self.stats.commands += 1;
                    self.stats.commands_racing_a_timer += 1;
                    self.apply(self.now, command, false)?;
                    self.fire_until(self.now)?;
                }
            }
            _ => {
                // Timers due at or before now fire before the next command runs (SPEC §2).
                self.fire_until(self.now)?;
                if let Some(command) = self.resolve(op) {
                    if matches!(command, Command::PlaceOrder { .. }) {
                        self.last_place = Some(command.clone());
                    }
                    self.stats.commands += 1;
                    self.apply(self.now, command, true)?;
                }
            }
        }
        self.check_settled()
    }

    fn advance_to(&mut self, target: Millis) -> Result<(), TestCaseError> {
        self.fire_until(target)?;
        self.now = target;
        Ok(())
    }

    /// Fires every timer due at or before `until`, each at its own instant, in (time, seq)
    /// order, as the virtual-clock shell does.
    fn fire_until(&mut self, until: Millis) -> Result<(), TestCaseError> {
        while let Some((at, _seq, timer)) = self.timers.pop_due(until) {
            prop_assert!(
                at >= self.now,
                "timer due at {:?} found only at {:?}",
                at,
                self.now
            );
            self.now = at;
            self.stats.timers_fired += 1;
            let all_due_fired = self.timers.next_time().is_none_or(|next| next > at);
            self.apply(at, timer.command(), all_due_fired)?;
            if let Some((_, command, Err(refusal))) = self.log.last() {
                return fail(format!("timer {command:?} was refused: {refusal}"));
            }
        }
        Ok(())
    }

    fn resolve(&self, op: &Op) -> Option<Command> {
        let e = &self.engine;
        let (nc, nd, no) = (e.customers().len(), e.drivers().len(), e.orders().len());
        // Mostly a known id; one time in 16 (or when there is none) an unknown one.
        let customer = |sel: u8| {
            CustomerId(if nc == 0 || sel % 16 == 15 {
                (nc + usize::from(sel % 3)) as u32
            } else {
                (usize::from(sel) % nc) as u32
            })
        };
        let driver = |sel: u8| {
            DriverId(if nd == 0 || sel % 16 == 15 {
                (nd + usize::from(sel % 3)) as u32
            } else {
                (usize::from(sel) % nd) as u32
            })
        };
        // Unknown one time in 16; else half the time one of the 6 newest, half any.
        let order = |sel: u8| {
            OrderId(if no == 0 || sel % 16 == 15 {
                (no + usize::from(sel % 3)) as u32
            } else if sel & 0x80 != 0 {
                (no - 1 - usize::from(sel) % no.min(6)) as u32
            } else {
                (usize::from(sel) % no) as u32
            })
        };
        let holders: Vec<(DriverId, OrderId)> = e
            .drivers()
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.order().map(|o| (DriverId(i as u32), o)))
            .collect();
        Some(match *op {
            Op::Wait(_) | Op::WaitForDeadline { .. } | Op::RaceDeadlineTimer { .. } => return None,
            Op::OnboardCustomer(k) => {
                let (name, contact) = customer_template(k);
                Command::OnboardCustomer {
                    name,
                    contact,
                    address: None,
                    location: off_the_globe(k),
                }
            }
            Op::OnboardDriver(k) => {
                let (name, contact) = driver_template(k);
                Command::OnboardDriver {
                    name,
                    contact,
                    location: off_the_globe(k),
                }
            }
            Op::Place {
                sender,
                recipient,
                item,
                key,
            } => Command::PlaceOrder {
                sender: customer(sender),
                recipient: customer(recipient),
                item: ItemId(if item % 16 == 15 {
                    CATALOG_LEN
                } else {
                    u32::from(item) % CATALOG_LEN
                }),
                // Key 3 is the empty key: well formed, but it breaks a rule.
                key: key.map(|k| if k == 3 { String::new() } else { format!("key-{k}") }),
            },
            Op::RepeatPlace => return self.last_place.clone(),
            Op::Cancel { order: o, by, aimed } => {
                let live: Vec<&Order> = e
                    .orders()
                    .iter()
                    .filter(|o| matches!(o.status, OrderStatus::Created | OrderStatus::Assigned))
                    .collect();
                if aimed && !live.is_empty() {
                    let target = live[usize::from(o) % live.len()];
                    Command::CancelOrder {
                        order: target.id,
                        by: target.sender,
                    }
                } else {
                    Command::CancelOrder {
                        order: order(o),
                        by: customer(by),
                    }
                }
            }
            Op::Pickup {
                driver: d,
                order: o,
                aimed,
            }
            | Op::Deliver {
                driver: d,
                order: o,
                aimed,
            } => {
                let (driver, order) = if aimed && !holders.is_empty() {
                    holders[usize::from(d) % holders.len()]
                } else {
                    (driver(d), order(o))
                };
                if matches!(op, Op::Pickup { .. }) {
                    Command::Pickup { driver, order }
                } else {
                    Command::Deliver { driver, order }
                }
            }
            Op::Rate {
                order: o,
                stars,
                by,
                aimed,
            } => {
                let delivered: Vec<&Order> = e
                    .orders()
                    .iter()
                    .filter(|o| o.status == OrderStatus::Delivered)
                    .collect();
                if aimed && !delivered.is_empty() {
                    let target = delivered[usize::from(o) % delivered.len()];
                    Command::Rate {
                        order: target.id,
                        stars,
                        by: if by % 2 == 0 {
                            target.sender
                        } else {
                            target.recipient
                        },
                    }
                } else {
                    Command::Rate {
                        order: order(o),
                        stars,
                        by: customer(by),
                    }
                }
            }
        })
    }

    /// Applies one command (or fired timer) at `at` and checks everything about it.
    /// `all_due_fired`: every deadline timer due at `at` has run once this call is done.
    fn apply(&mut self, at: Millis, command: Command, all_due_fired: bool) -> Result<(), TestCaseError> {
        let before = self.engine.clone();
        let result = self.engine.apply(at, &command);

        // The refusal code (or success) is the one the SPEC's table gives.
        match (expected(&before, at, &command), &result) {
            (Ok(()), Ok(_)) => {}
            (Err(codes), Err(refusal)) if codes.contains(refusal) => {}
            (want, got) => {
                return fail(format!(
                    "{command:?} at {at:?}: SPEC expects {want:?}, engine gave {:?}",
                    got.as_ref().map(|o| &o.reply)
                ))
            }
        }

        match &result {
            Err(refusal) => {
                prop_assert!(
                    self.engine == before,
                    "refused {:?} ({}) changed the engine",
                    command,
                    refusal
                );
                *self.stats.refusals.entry(refusal.code()).or_default() += 1;
                if let Command::Pickup { order, .. } = command {
                    if *refusal == Refusal::OrderCancelled && before.orders()[order.index()].deadline == at {
                        self.stats.pickups_refused_at_deadline += 1;
                    }
                }
            }
            Ok(outcome) => {
                self.check_outcome(&before, at, &command, outcome)?;
                for request in &outcome.timers {
                    if let Err(exhausted) = self.timers.push(request.at, request.timer) {
                        return fail(exhausted.to_string());
                    }
                }
            }
        }

        self.check_history(at, &before)?;
        self.check_idle_model(&before, &command, &result)?;
        self.check_state(at, all_due_fired)?;
        self.log.push((at, command, result));
        Ok(())
    }

    /// Checks a successful command: its reply, its preconditions in the state before, its
    /// effect on the state after, its events, notifications and timers.
    fn check_outcome(
        &mut self,
        before: &Engine,
        at: Millis,
        command: &Command,
        outcome: &Outcome,
    ) -> Result<(), TestCaseError> {
        let after = &self.engine;
        let assigned: Vec<(OrderId, DriverId)> = outcome
            .events
            .iter()
            .filter_map(|e| match *e {
                Event::Assigned(o, d) => Some((o, d)),
                _ => None,
            })
            .collect();
        prop_assert!(
            assigned.len() <= 1,
            "one command assigned several orders: {:?}",
            assigned
        );
        // The driver who takes an order in this step, if any must: the one freed or chosen.
        let mut taker: Option<DriverId> = None;

        match *command {
            Command::OnboardCustomer { .. } => {
                let id = CustomerId(before.customers().len() as u32);
                prop_assert_eq!(&outcome.reply, &Reply::Onboarded(Party::Customer(id)));
            }
            Command::OnboardDriver { .. } => {
                let id = DriverId(before.drivers().len() as u32);
                prop_assert_eq!(&outcome.reply, &Reply::Onboarded(Party::Driver(id)));
                taker = Some(id);
            }
            Command::PlaceOrder {
                sender,
                recipient,
                item,
                ref key,
            } => {
                let Reply::Placed { order, duplicate } = outcome.reply else {
                    return fail(format!("placement replied {:?}", outcome.reply));
                };
                if duplicate {
                    self.stats.duplicates_prevented += 1;
                    let first = &before.orders()[order.index()];
                    prop_assert_eq!(first.key.as_ref(), key.as_ref());
                    prop_assert!(after == before, "a duplicate placement changed the engine");
                    prop_assert!(outcome.notices.is_empty() && outcome.timers.is_empty());
                } else {
                    self.stats.orders_placed += 1;
                    prop_assert_eq!(
                        order,
                        OrderId(before.orders().len() as u32),
                        "order ids are sequential"
                    );
                    let o = &after.orders()[order.index()];
                    prop_assert_eq!((o.sender, o.recipient, o.item), (sender, recipient, item));
                    prop_assert_eq!(o.created_at, at);
                    prop_assert_eq!(o.deadline, Millis(at.0 + DEADLINE_MS));
                    prop_assert_eq!(
                        &outcome.timers,
                        &vec![TimerRequest {
                            at: o.deadline,
                            timer: Timer::PickupDeadline(order),
                        }]
                    );
                    // Assigned at once to the longest-idle driver, or waits if none is idle.
                    match self.idle_model.first() {
                        Some(&longest) => {
                            prop_assert_eq!(o.status, OrderStatus::Assigned);
                            taker = Some(longest);
                        }
                        None => {
                            prop_assert_eq!(o.status, OrderStatus::Created);
                            self.stats.placed_and_waited += 1;
                        }
                    }
                }
            }
            Command::CancelOrder { order, by } => {
                prop_assert_eq!(&outcome.reply, &Reply::Cancelled);
                let b = &before.orders()[order.index()];
                prop_assert!(matches!(b.status, OrderStatus::Created | OrderStatus::Assigned));
                prop_assert!(by == b.sender && at < b.deadline);
                let a = &after.orders()[order.index()];
                prop_assert_eq!(
                    (a.status, a.cancel_reason, a.cancelled_at),
                    (OrderStatus::Cancelled, Some(CancelReason::Customer), Some(at))
                );
                self.stats.customer_cancels += 1;
                if b.status == OrderStatus::Assigned {
                    self.stats.customer_cancels_of_assigned += 1;
                    taker = b.driver;
                }
            }
            Command::Pickup { driver, order } => {
                prop_assert_eq!(&outcome.reply, &Reply::PickedUp);
                let b = &before.orders()[order.index()];
                prop_assert!(
                    b.status == OrderStatus::Assigned && b.driver == Some(driver),
                    "picked up {:?} which was {:?} with {:?}",
                    order,
                    b.status,
                    b.driver
                );
                prop_assert!(
                    at < b.deadline,
                    "pickup of {:?} at {:?}, deadline {:?}",
                    order,
                    at,
                    b.deadline
                );
                let a = &after.orders()[order.index()];
                prop_assert_eq!((a.status, a.picked_up_at), (OrderStatus::PickedUp, Some(at)));
                prop_assert_eq!(after.drivers()[driver.index()].status(), DriverStatus::InTransit);
                self.stats.pickups += 1;
                if at.0 + 1 == b.deadline.0 {
                    self.stats.pickups_in_last_ms += 1;
                }
            }
            Command::Deliver { driver, order } => {
                prop_assert_eq!(&outcome.reply, &Reply::Delivered);
                let b = &before.orders()[order.index()];
                prop_assert!(b.status == OrderStatus::PickedUp && b.driver == Some(driver));
                let a = &after.orders()[order.index()];
                prop_assert_eq!((a.status, a.delivered_at), (OrderStatus::Delivered, Some(at)));
                prop_assert_eq!(
                    after.drivers()[driver.index()].deliveries,
                    before.drivers()[driver.index()].deliveries + 1
                );
                self.stats.deliveries += 1;
                taker = Some(driver);
            }
            Command::Rate { order, stars, by } => {
                prop_assert_eq!(&outcome.reply, &Reply::Rated);
                let b = &before.orders()[order.index()];
                prop_assert!(b.status == OrderStatus::Delivered && b.rating.is_none());
                prop_assert!(by == b.sender || by == b.recipient);
                prop_assert!((1..=5).contains(&stars));
                prop_assert_eq!(after.orders()[order.index()].rating, Some(stars as u8));
                self.stats.ratings += 1;
            }
            Command::ExpireDeadline { order } => {
                let b = &before.orders()[order.index()];
                let due =
                    matches!(b.status, OrderStatus::Created | OrderStatus::Assigned) && at >= b.deadline;
                prop_assert_eq!(&outcome.reply, &Reply::DeadlineExpired { cancelled: due });
                if due {
                    prop_assert_eq!(at, b.deadline, "a deadline timer fired late or early");
                    let a = &after.orders()[order.index()];
                    prop_assert_eq!(
                        (a.status, a.cancel_reason, a.cancelled_at),
                        (OrderStatus::Cancelled, Some(CancelReason::NoPickup), Some(at))
                    );
                    self.stats.deadline_cancels += 1;
                    if b.status == OrderStatus::Assigned {
                        self.stats.deadline_cancels_of_assigned += 1;
                        taker = b.driver;
                    }
                } else {
                    prop_assert!(
                        after == before,
                        "a deadline timer that cancelled nothing changed the engine"
                    );
                }
            }
        }

        if let Some(&(order, driver)) = assigned.first() {
            prop_assert_eq!(
                Some(driver),
                taker,
                "{:?} went to the wrong driver after {:?}",
                order,
                command
            );
            if !matches!(command, Command::PlaceOrder { .. }) {
                self.stats.freed_driver_took_waiting += 1;
            }
        }
        self.check_events(before, outcome)
    }

    /// The outcome's events, applied to the statuses before, give exactly the statuses
    /// after; each transition is legal; the notifications are those of SPEC §3.12.
    fn check_events(&self, before: &Engine, outcome: &Outcome) -> Result<(), TestCaseError> {
        use OrderStatus::*;
        let after = &self.engine;
        let mut status: Vec<Option<OrderStatus>> = before.orders().iter().map(|o| Some(o.status)).collect();
        let mut holder: Vec<Option<DriverId>> = before.orders().iter().map(|o| o.driver).collect();
        status.resize(after.orders().len(), None);
        holder.resize(after.orders().len(), None);
        let mut notices = Vec::new();
        let mut tell = |kind, order: OrderId, roles: &[(Party, Role)]| {
            for &(to, role) in roles {
                notices.push(Notice {
                    kind,
                    order,
                    to,
                    role,
                });
            }
        };
        for event in &outcome.events {
            let o = match *event {
                Event::Placed(o)
                | Event::DuplicatePrevented(o)
                | Event::Assigned(o, _)
                | Event::PickedUp(o, _)
                | Event::Delivered(o, _)
                | Event::Cancelled(o, _, _)
                | Event::Rated(o, _, _) => o,
            };
            prop_assert!(o.index() < status.len(), "event about unknown {:?}", o);
            let i = o.index();
            let order = &after.orders()[i];
            let (sender, recipient) = (
                (Party::Customer(order.sender), Role::Sender),
                (Party::Customer(order.recipient), Role::Recipient),
            );
            let was = status[i];
            let mut advance = |from: &[OrderStatus], to: OrderStatus| {
                if was.is_some_and(|s| from.contains(&s)) {
                    status[i] = Some(to);
                    Ok(())
                } else {
                    fail(format!("event {event:?} on an order that was {was:?}"))
                }
            };
            match *event {
                Event::Placed(_) => {
                    prop_assert!(was.is_none(), "{:?} placed twice", o);
                    status[i] = Some(Created);
                    tell(NoticeKind::Placed, o, &[sender, recipient]);
                }
                Event::DuplicatePrevented(_) => prop_assert!(was.is_some()),
                Event::Assigned(_, d) => {
                    advance(&[Created], Assigned)?;
                    holder[i] = Some(d);
                    tell(
                        NoticeKind::Assigned,
                        o,
                        &[(Party::Driver(d), Role::Driver), sender, recipient],
                    );
                }
                Event::PickedUp(_, d) => {
                    advance(&[Assigned], PickedUp)?;
                    prop_assert_eq!(holder[i], Some(d));
                    tell(NoticeKind::PickedUp, o, &[sender, recipient]);
                }
                Event::Delivered(_, d) => {
                    advance(&[PickedUp], Delivered)?;
                    prop_assert_eq!(holder[i], Some(d));
                    tell(NoticeKind::Delivered, o, &[sender, recipient]);
                }
                Event::Cancelled(_, held, _) => {
                    advance(&[Created, Assigned], Cancelled)?;
                    let expected_holder = if was == Some(Assigned) { holder[i] } else { None };
                    prop_assert_eq!(held, expected_holder, "cancelled {:?} names the wrong driver", o);
                    match held {
                        Some(d) => tell(
                            NoticeKind::Cancelled,
                            o,
                            &[sender, recipient, (Party::Driver(d), Role::Driver)],
                        ),
                        None => tell(NoticeKind::Cancelled, o, &[sender, recipient]),
                    }
                }
                Event::Rated(_, d, _) => {
                    prop_assert_eq!(was, Some(Delivered));
                    prop_assert_eq!(holder[i], Some(d));
                }
            }
        }
        let observed: Vec<Option<OrderStatus>> = after.orders().iter().map(|o| Some(o.status)).collect();
        prop_assert_eq!(
            status,
            observed,
            "the events do not account for the status changes"
        );
        prop_assert_eq!(&outcome.notices, &notices, "notifications differ from SPEC §3.12");
        Ok(())
    }

    /// Each order's statuses, as observed after every apply, follow the SPEC's life cycle.
    fn check_history(&mut self, at: Millis, before: &Engine) -> Result<(), TestCaseError> {
        for (i, order) in self.engine.orders().iter().enumerate() {
            let now = order.status;
            match self.history.get_mut(i) {
                None => {
                    prop_assert!(
                        matches!(now, OrderStatus::Created | OrderStatus::Assigned),
                        "{:?} appeared as {:?}",
                        order.id,
                        now
                    );
                    self.history.push(vec![now]);
                }
                Some(seen) => {
                    let last = seen.last().copied().unwrap_or(OrderStatus::Created);
                    if last != now {
                        prop_assert!(
                            legal_move(last, now),
                            "{:?} moved {:?} -> {:?} at {:?}; history {:?}",
                            order.id,
                            last,
                            now,
                            at,
                            seen
                        );
                        seen.push(now);
                    }
                    let picked = seen.contains(&OrderStatus::PickedUp);
                    let cancelled = seen.contains(&OrderStatus::Cancelled);
                    prop_assert!(
                        !(picked && cancelled),
                        "{:?} was both picked up and cancelled: {:?}",
                        order.id,
                        seen
                    );
                }
            }
            // Oldest first: an order assigned in this step has no older order still waiting.
            let newly_assigned = now == OrderStatus::Assigned
                && before
                    .orders()
                    .get(i)
                    .is_none_or(|b| b.status != OrderStatus::Assigned);
            if newly_assigned {
                if let Some(older) = self
                    .engine
                    .orders()
                    .range(..i)
                    .find(|o| o.status == OrderStatus::Created && o.deadline > at)
                {
                    return fail(format!(
                        "{:?} was assigned at {at:?} while older {:?} still waits",
                        order.id, older.id
                    ));
                }
            }
        }
        Ok(())
    }

    /// Tracks which drivers are idle and since when (longest idle first), from what the
    /// test observes, and compares with the engine's idle set.
    fn check_idle_model(
        &mut self,
        before: &Engine,
        command: &Command,
        result: &Result<Outcome, Refusal>,
    ) -> Result<(), TestCaseError> {
        let after = &self.engine;
        let idle_after = |d: DriverId| after.drivers()[d.index()].status() == DriverStatus::Idle;
        let left: Vec<DriverId> = self
            .idle_model
            .iter()
            .copied()
            .filter(|&d| !idle_after(d))
            .collect();
        prop_assert!(
            left.len() <= 1,
            "several idle drivers left idleness at once: {:?}",
            left
        );
        if let Some(&d) = left.first() {
            // Only a placement takes an idle driver, and it takes the longest idle.
            prop_assert!(
                matches!(command, Command::PlaceOrder { .. }) && result.is_ok(),
                "idle driver {:?} got busy on {:?}",
                d,
                command
            );
            prop_assert_eq!(Some(&d), self.idle_model.first(), "not the longest-idle driver");
            self.idle_model.remove(0);
        }
        let joined: Vec<DriverId> = (0..after.drivers().len())
            .map(|i| DriverId(i as u32))
            .filter(|&d| idle_after(d) && !self.idle_model.contains(&d))
            .collect();
        prop_assert!(
            joined.len() <= 1,
            "several drivers became idle at once: {:?}",
            joined
        );
        if let Some(&d) = joined.first() {
            let was_busy = before
                .drivers()
                .get(d.index())
                .is_none_or(|b| b.status() != DriverStatus::Idle);
            prop_assert!(was_busy, "{:?} was idle but unknown to the model", d);
            self.idle_model.push(d);
        }
        let engine_idle: Vec<DriverId> = after.idle_drivers().collect();
        prop_assert_eq!(&engine_idle, &self.idle_model, "idle drivers, longest idle first");
        Ok(())
    }

    /// State checks that hold after every apply.
    fn check_state(&mut self, at: Millis, all_due_fired: bool) -> Result<(), TestCaseError> {
        let e = &self.engine;
        if let Err(violation) = e.check_invariants(at, all_due_fired) {
            return fail(format!("check_invariants at {at:?}: {violation}"));
        }

        // Idle drivers and live waiting orders never coexist, by the engine's queries...
        let waiting: Vec<OrderId> = e.waiting_at(at).collect();
        self.stats.max_waiting = self.stats.max_waiting.max(waiting.len() as u64);
        if e.idle_drivers().next().is_some() {
            prop_assert!(
                waiting.is_empty(),
                "idle drivers {:?} while {:?} wait",
                e.idle_drivers().collect::<Vec<_>>(),
                waiting
            );
        }
        // ...and by the raw tables; and the waiting queue has lost no live order.
        let live_waiting: Vec<OrderId> = e
            .orders()
            .iter()
            .filter(|o| o.status == OrderStatus::Created && at < o.deadline)
            .map(|o| o.id)
            .collect();
        prop_assert_eq!(&waiting, &live_waiting, "waiting queue vs live created orders");
        let idle = e
            .drivers()
            .iter()
            .filter(|d| d.status() == DriverStatus::Idle)
            .count();
        prop_assert!(
            idle == 0 || live_waiting.is_empty(),
            "{} idle drivers while {:?} wait",
            idle,
            live_waiting
        );

        // A driver holds at most one order, and holds exactly the orders assigned to them.
        for (i, driver) in e.drivers().iter().enumerate() {
            let held: Vec<&Order> = e
                .orders()
                .iter()
                .filter(|o| {
                    matches!(o.status, OrderStatus::Assigned | OrderStatus::PickedUp)
                        && o.driver == Some(DriverId(i as u32))
                })
                .collect();
            prop_assert!(
                held.len() <= 1,
                "driver {} holds {} orders",
                driver.name,
                held.len()
            );
            prop_assert_eq!(driver.order(), held.first().map(|o| o.id));
            let status = match held.first().map(|o| o.status) {
                None => DriverStatus::Idle,
                Some(OrderStatus::Assigned) => DriverStatus::Assigned,
                Some(_) => DriverStatus::InTransit,
            };
            prop_assert_eq!(driver.status(), status);
        }

        // Counts are conserved.
        let mut by_status = BTreeMap::new();
        for o in e.orders() {
            *by_status.entry(o.status).or_insert(0u64) += 1;
        }
        prop_assert_eq!(by_status.values().sum::<u64>(), e.orders().len() as u64);
        prop_assert_eq!(
            self.stats.orders_placed,
            e.orders().len() as u64,
            "orders vs placements"
        );
        let delivered = by_status.get(&OrderStatus::Delivered).copied().unwrap_or(0);
        let deliveries: u64 = e.drivers().iter().map(|d| u64::from(d.deliveries)).sum();
        prop_assert_eq!(deliveries, delivered, "drivers' deliveries vs delivered orders");
        let stars: u64 = e.orders().iter().filter_map(|o| o.rating).map(u64::from).sum();
        let rated = e.orders().iter().filter(|o| o.rating.is_some()).count() as u64;
        prop_assert_eq!(
            e.fleet_ratings(),
            (stars, rated),
            "fleet ratings vs order ratings"
        );

        // Deadlines: picked up strictly before; cancelled for no pickup exactly at it;
        // and once the due timers have run nothing waits past it.
        for o in e.orders() {
            if let Some(p) = o.picked_up_at {
                prop_assert!(
                    p < o.deadline,
                    "{:?} picked up at {:?}, deadline {:?}",
                    o.id,
                    p,
                    o.deadline
                );
            }
            match o.cancel_reason {
                Some(CancelReason::NoPickup) => prop_assert_eq!(o.cancelled_at, Some(o.deadline)),
                Some(CancelReason::Customer) => prop_assert!(o.cancelled_at.is_some_and(|c| c < o.deadline)),
                None => {}
            }
            if all_due_fired && matches!(o.status, OrderStatus::Created | OrderStatus::Assigned) {
                prop_assert!(
                    o.deadline > at,
                    "{:?} is {:?} at {:?}, past its deadline {:?}",
                    o.id,
                    o.status,
                    at,
                    o.deadline
                );
            }
        }
        Ok(())
    }

    /// After a whole step every timer due at `now` has fired.
    fn check_settled(&self) -> Result<(), TestCaseError> {
        prop_assert!(
            self.timers.next_time().is_none_or(|t| t > self.now),
            "a due timer was left unfired"
        );
        for o in self.engine.orders() {
            if matches!(o.status, OrderStatus::Created | OrderStatus::Assigned) {
                prop_assert!(o.deadline > self.now, "{:?} outlived its deadline", o.id);
            }
        }
        Ok(())
    }
}

/// Runs a generated sequence through the harness, checking after every apply.
fn run(ops: &[Op]) -> Result<Harness, TestCaseError> {
    let mut h = Harness::new();
    for (i, op) in ops.iter().enumerate() {
        if let Err(TestCaseError::Fail(reason) | TestCaseError::Reject(reason)) = h.step(op) {
            let tail: Vec<String> = h
                .log
                .iter()
                .rev()
                .take(12)
                .rev()
                .map(|(at, c, r)| format!("  {at:?} {c:?} -> {:?}", r.as_ref().map(|o| &o.reply)))
                .collect();
            return fail(format!(
                "step {i} ({op:?}) at {:?}: {}\nlast applies:\n{}",
                h.now,
                reason.message(),
                tail.join("\n")
            ));
        }
    }
    Ok(h)
}

/// `cases` sequences per property; a failing case is saved beside this file
/// (`tests/properties.proptest-regressions`) and replayed first on the next run.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Every rule checked after every step of a random sequence.
    #[test]
    fn parcel_rules_hold_after_every_step(ops in scenario()) {
        run(&ops)?;
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// The same (time, command) pairs through a fresh engine give the same outcomes and the
    /// same engine; running the same sequence twice gives the same log.
    #[test]
    fn replay_is_deterministic(ops in scenario()) {
        let first = run(&ops)?;
        let mut fresh = Engine::default();
        for (i, (at, command, result)) in first.log.iter().enumerate() {
            let again = fresh.apply(*at, command);
            prop_assert!(&again == result, "apply #{} {:?} at {:?}: {:?} then {:?}", i, command, at, result, again);
        }
        prop_assert!(fresh == first.engine, "replay ended in a different engine");
        let second = run(&ops)?;
        prop_assert!(second.log == first.log && second.engine == first.engine, "a second run differs");
    }
}

/// The generator is able to produce the races: run a fixed-seed batch and count.
#[test]
fn generator_exercises_every_race() {
    let mut runner = TestRunner::new_with_rng(
        ProptestConfig::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let strategy = scenario();
    let mut total = Stats::default();
    for n in 0..256 {
        let ops = strategy
            .new_tree(&mut runner)
            .expect("a generated sequence")
            .current();
        match run(&ops) {
            Ok(h) => total.merge(&h.stats),
            Err(e) => panic!("sequence {n} failed: {e}\n{ops:?}"),
        }
    }
    eprintln!("{total:#?}");
    let counts = [
        ("successful pickups", total.pickups),
        ("deliveries", total.deliveries),
        ("customer cancellations", total.customer_cancels),
        ("deadline cancellations", total.deadline_cancels),
        (
            "deadline cancellations of assigned orders",
            total.deadline_cancels_of_assigned,
        ),
        (
            "freed drivers taking a waiting order",
            total.freed_driver_took_waiting,
        ),
        ("placements that waited", total.placed_and_waited),
        ("duplicates prevented", total.duplicates_prevented),
        ("ratings", total.ratings),
        (
            "pickups refused exactly at the deadline",
            total.pickups_refused_at_deadline,
        ),
        (
            "pickups in the deadline's last millisecond",
            total.pickups_in_last_ms,
        ),
        ("commands racing a deadline timer", total.commands_racing_a_timer),
        ("order_cancelled refusals", total.refused("order_cancelled")),
        ("not_your_order refusals", total.refused("not_your_order")),
        ("already_picked_up refusals", total.refused("already_picked_up")),
        ("not_picked_up refusals", total.refused("not_picked_up")),
        ("already_delivered refusals", total.refused("already_delivered")),
    ];
    for (what, count) in counts {
        assert!(count >= 10, "only {count} {what} in 256 sequences: {total:#?}");
    }
    assert!(
        total.max_waiting >= 3,
        "waiting orders never built up: {total:#?}"
    );
}
