//! courier-sim: a deterministic discrete-event simulator of delivery platforms.
//!
//! The rules live once, in the sans-IO [`engine`]; shells drive it: [`script`] runs
//! `.script` files on the virtual clock of [`sim`], and the command line in `main.rs` maps
//! their results to exit codes. Same input, seed and version give byte-identical output.

#![warn(missing_docs)]

// Lets files compiled twice (threaded/kernel.rs, clock.rs, timed_queue.rs and poison.rs, also
// built by the model test) name this crate the same way from inside it and from outside.
extern crate self as courier_sim;

pub mod engine;
pub mod input;
pub mod notify;
pub mod report;
pub mod scenario;
pub mod script;
pub mod sim;
pub mod threaded;
pub mod time;
