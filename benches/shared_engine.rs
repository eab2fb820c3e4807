//! Throughput of the threaded mode's shared engine: N threads apply commands as fast as they
//! can (no time scale, no waiting), each placing an order, picking it up and delivering it
//! with the driver the engine assigned. Prints operations per second for 1, 2, 4 and 8
//! threads. Run in release mode: `cargo bench --bench shared_engine`.
//!
//! Not a test: it asserts nothing about speed; its figures go in the issue notes.

// Fixed, known-good inputs: a failure here is a bug to see at once.
#![allow(clippy::expect_used)]

use std::sync::Arc;
use std::time::Instant;

use courier_sim::engine::{Command, Contact, CustomerId, Engine, EngineConfig, Event, ItemId, Reply};
use courier_sim::threaded::kernel::{Locking, ManualClock, SharedEngine};

const OPERATIONS: u64 = 600_000;
const DRIVERS: usize = 64;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` builds this file (so it is
    // compiled and linted) and runs it without, and a benchmark is not a test.
    if !std::env::args().any(|a| a == "--bench") {
        println!("shared_engine: a benchmark; run it with `cargo bench --bench shared_engine`");
        return;
    }
    for threads in [1, 2, 4, 8] {
        let mut best = 0.0f64;
        for _ in 0..3 {
            best = best.max(run(threads));
        }
        println!("{threads} thread(s): {best:>10.0} operations/s (best of 3, {OPERATIONS} operations)");
    }
}

fn run(threads: usize) -> f64 {
    let config = EngineConfig {
        pickup_deadline: courier_sim::time::Millis::from_secs(3600),
        ..EngineConfig::default()
    };
    let shared = Arc::new(SharedEngine::new(
        Engine::new(config).expect("valid config"),
        (),
        Locking::Correct,
    ));
    let clock = Arc::new(ManualClock::default());
    for i in 0..16 {
        let contact = Contact {
            email: Some(format!("c{i}@x")),
            phone: Some("1".into()),
        };
        let command = Command::OnboardCustomer {
            name: format!("c{i}"),
            contact,
            address: None,
            location: None,
        };
        shared.apply(&*clock, command, |_, _, _| ());
    }
    for i in 0..DRIVERS {
        let command = Command::OnboardDriver {
            name: format!("d{i}"),
            contact: Contact::default(),
            location: None,
        };
        shared.apply(&*clock, command, |_, _, _| ());
    }
    let per_thread = OPERATIONS / threads as u64 / 3;
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (shared, clock) = (shared.clone(), clock.clone());
            std::thread::spawn(move || {
                for i in 0..per_thread {
                    let sender = CustomerId((t * 2) as u32 % 16);
                    let recipient = CustomerId(((t * 2) as u32 + 1 + (i % 3) as u32 * 2) % 16);
                    let place = Command::PlaceOrder {
                        sender,
                        recipient,
                        item: ItemId(0),
                        key: None,
                    };
                    let applied = shared.apply(&*clock, place, |_, _, _| ());
                    let assigned = applied.command.effects.events.iter().find_map(|e| match e {
                        Event::Assigned(o, d) => Some((*o, *d)),
                        _ => None,
                    });
                    let Some((order, driver)) = assigned else {
                        assert!(matches!(applied.command.result, Ok(Reply::Placed { .. })));
                        continue;
                    };
                    shared.apply(&*clock, Command::Pickup { driver, order }, |_, _, _| ());
                    shared.apply(&*clock, Command::Deliver { driver, order }, |_, _, _| ());
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("bench thread");
    }
    let elapsed = started.elapsed().as_secs_f64();
    (per_thread * threads as u64 * 3) as f64 / elapsed
}
