//! Model checking of the threaded mode's kernel with `shuttle`: the very files the library
//! uses (in `src/threaded/`: `kernel.rs`, the shared engine handle with its pending
//! deadline timers and the windows of its log; `timed_queue.rs`, the timed queue the timer
//! thread waits on; `clock.rs`, the clocks; `poison.rs`, how they lock) are compiled here
//! against shuttle's `Mutex`, `Condvar`, atomics and threads, and shuttle explores
//! thousands of thread schedules of the races of SPEC §7, for parcels (`parcel.rs`) and
//! meals (`food.rs`). Every schedule's log is checked by the library's replay checker, and
//! a deliberately broken kernel variant must be caught by the same exploration.
//!
//! Timed waits never time out under shuttle, so the timer thread runs on a manual clock
//! that a test thread advances, waking the queue, exactly as DESIGN.md suggests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sync {
    pub use shuttle::sync::{atomic, Condvar, Mutex, MutexGuard};
    pub use shuttle::thread;
}

// The kernel and the files it reaches through `super::`, at the same level as in the
// library (`src/threaded/`), so that `super::sync`, `super::clock` and the rest resolve here
// to this test's modules.
#[allow(dead_code)]
#[path = "../../src/threaded/clock.rs"]
mod clock;
// Its re-exports of the clocks and the queue keep the library's `kernel::` paths; unused here.
#[allow(dead_code, unused_imports)]
#[path = "../../src/threaded/kernel.rs"]
mod kernel;
#[path = "../../src/threaded/poison.rs"]
mod poison;
#[allow(dead_code)]
#[path = "../../src/threaded/timed_queue.rs"]
mod timed_queue;

mod food;
mod parcel;

use clock::ManualClock;
use courier_sim::engine::Command;
use kernel::SharedEngine;
use timed_queue::TimedQueue;

/// Applies a command (after the deadlines due by its instant) and gives the timer thread a
/// wake-up for each timer set.
fn apply(shared: &SharedEngine<()>, clock: &ManualClock, wakeups: &TimedQueue<()>, command: Command) {
    let applied = shared.apply(clock, command, |_, _, _| ());
    for op in applied.ops() {
        for t in &op.effects.timers {
            wakeups.push(t.at, ());
        }
    }
}
