//! The threaded mode (SPEC §7): a scenario's load driven by real OS threads against one
//! shared instance of the same rules engine the virtual clock uses, then checked.
//!
//! - [`kernel`]: the shared engine handle (which keeps and fires the pending deadline
//!   timers), and, re-exported from the private `timed_queue` and `clock` beside it, the
//!   timed work queue and the clocks (all compiled again against `shuttle` by the
//!   model-checking test);
//! - [`run`]: the threads: N workers place orders at their instants and perform drivers'
//!   and customers' actions; one timer thread wakes the engine at each deadline;
//! - [`scale`]: the time scale, its bounds and default, and wall/virtual conversions;
//! - [`script_host`]: scripts on real threads;
//! - [`ops`]: what the shared engine hands back (operations, the final parts, lock counts);
//! - [`log`] and [`check`]: the operation log (each entry with its window of operations it
//!   raced) and the replay checker, which counts the races.

pub mod check;
mod clock;
pub mod kernel;
pub mod log;
pub mod ops;
mod poison;
pub mod run;
pub mod scale;
pub mod script_host;
mod timed_queue;

/// The synchronisation primitives the kernel uses: `std`'s here, `shuttle`'s in the model
/// test, which compiles `kernel.rs` and the files it reaches through `super::` (`clock.rs`,
/// `timed_queue.rs`, `poison.rs`) against its own `sync` module.
pub(crate) mod sync {
    pub use std::sync::{atomic, Condvar, Mutex, MutexGuard};
    pub use std::thread;
}
