//! The virtual clock: an event queue ordered by (time, sequence) and the loop that fires
//! due events into the engine. The load generator of SPEC §5 lives beside it.

pub mod queue;

pub use queue::EventQueue;
