//! The virtual clock: an event queue ordered by (time, sequence), seeded random streams,
//! the arrival process, and the run loop that turns a scenario into load on the engine.

pub mod arrivals;
pub mod behaviour;
pub mod load;
pub mod queue;
pub mod setup;
pub mod streams;

pub use queue::EventQueue;
