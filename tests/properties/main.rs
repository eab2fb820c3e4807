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
//!
//! The food rules (SPEC §8) have their own property in the `food` module, in this binary so
//! that both compile once.

mod food;
mod harness;
mod ops;
mod oracle;

pub(crate) use std::collections::BTreeMap;

pub(crate) use courier_sim::engine::{
    CancelReason, Command, Contact, CustomerId, DriverId, DriverStatus, Engine, Event, Guard, ItemId, Notice,
    NoticeKind, Order, OrderId, OrderStatus, Outcome, Party, Refusal, Reply, Role, Timer, TimerRequest,
};
pub(crate) use courier_sim::sim::EventQueue;
pub(crate) use courier_sim::time::Millis;
pub(crate) use proptest::prelude::*;
pub(crate) use proptest::strategy::ValueTree;
pub(crate) use proptest::test_runner::{FileFailurePersistence, RngAlgorithm, TestRng, TestRunner};

/// The engine's default pickup deadline (SPEC §3.8).
const DEADLINE_MS: u64 = 60_000;
/// Items in the default catalog.
const CATALOG_LEN: u32 = 5;

pub(crate) use harness::{fail, Harness, Stats};
pub(crate) use ops::*;
pub(crate) use oracle::*;

/// Runs a generated sequence through the harness, checking after every apply.
pub(crate) fn run(ops: &[Op]) -> Result<Harness, TestCaseError> {
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
pub(crate) fn config(cases: u32) -> ProptestConfig {
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
pub(crate) fn generator_exercises_every_race() {
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
