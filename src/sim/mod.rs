//! The virtual clock: an event queue ordered by (time, sequence), the driver loop every
//! shell runs the engine with (apply, then timers, then follow-ups), what each step leaves
//! in a run's counters and reports, seeded random streams, the arrival process, and the
//! load run that turns a scenario into load on the engine.

pub mod arrivals;
pub mod behaviour;
pub mod driver;
pub mod load;
pub mod queue;
pub mod record;
pub mod request;
pub mod setup;
pub mod streams;

pub use queue::EventQueue;
