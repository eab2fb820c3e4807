//! The threaded mode (SPEC §7): a scenario's load driven by real OS threads against one
//! shared instance of the same rules engine the virtual clock uses, then checked.
//!
//! - [`kernel`]: the shared engine handle (which keeps and fires the pending deadline
//!   timers), the timed work queue and the clocks (compiled again against `shuttle` by the
//!   model-checking test);
//! - [`run`]: the threads: N workers place orders at their instants and perform drivers'
//!   and customers' actions; one timer thread wakes the engine at each deadline;
//! - [`scale`]: the time scale, its bounds and default, and wall/virtual conversions;
//! - [`script_host`]: scripts on real threads;
//! - [`log`] and [`check`]: the operation log and the replay checker.

pub mod check;
pub mod kernel;
pub mod log;
pub mod run;
pub mod scale;
pub mod script_host;

/// The synchronisation primitives the kernel uses: `std`'s here, `shuttle`'s in the model
/// test, which compiles `kernel.rs` against its own `sync` module.
pub(crate) mod sync {
    pub use std::sync::{atomic, Condvar, Mutex, MutexGuard};
    pub use std::thread;
}
