//! What the shared engine ([`super::kernel`]) hands its callers: each operation as it is
//! applied ([`Step`], under the lock) and once applied ([`Op`], [`Applied`]), everything it
//! held once the threads are done ([`Parts`]), how it is locked ([`Locking`]) and how often
//! the lock was found held ([`LockStats`]). Nothing here synchronises, so these types live
//! in the library proper: the kernel, compiled again against `shuttle` by the model test
//! (`tests/model/`), uses them from here rather than compiling them twice.

use crate::engine::{Command, Effects, Engine, Refusal, Reply, TimerRequest};
use crate::threaded::log::{LogEntry, Origin};
use crate::time::Millis;

/// How the shared engine is locked. `CheckThenAct` is a deliberately broken variant for
/// the mutation tests: it checks and applies the command on a snapshot taken under the
/// lock, then writes the snapshot back under a second lock, losing concurrent updates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locking {
    /// One critical section per command.
    Correct,
    /// Broken on purpose: check on a snapshot, release the lock, act later.
    CheckThenAct,
}

/// How often the engine's lock was taken, and how often a thread found it held and waited.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LockStats {
    /// Every time a thread took the lock (operations, reads, the main thread's polls).
    pub acquisitions: u64,
    /// Of which another thread held it at the time.
    pub contended: u64,
}

/// One operation as it is applied, shown to the caller's follow-up under the lock.
#[derive(Debug)]
pub struct Step<'a> {
    /// Its position in the log.
    pub seq: u64,
    /// The instant it took effect.
    pub at: Millis,
    /// A command, or a timer the engine fired.
    pub origin: Origin,
    /// What was applied.
    pub command: &'a Command,
    /// The engine's answer.
    pub result: &'a Result<Reply, Refusal>,
    /// Its effects (empty when refused).
    pub effects: &'a Effects,
}

/// One applied operation, handed back to the caller.
#[derive(Debug)]
pub struct Op<F> {
    /// Its position in the log.
    pub seq: u64,
    /// The instant it took effect.
    pub at: Millis,
    /// A command, or a timer the engine fired.
    pub origin: Origin,
    /// The engine's answer.
    pub result: Result<Reply, Refusal>,
    /// Its effects (empty when refused); new timers are already pending in the engine.
    pub effects: Effects,
    /// What the caller computed from the state right after it, under the same lock.
    pub follow_up: F,
}

/// What one [`super::kernel::SharedEngine::apply`] did: the timers that were due by the command's
/// instant, fired first at their own instants, then the command.
#[derive(Debug)]
pub struct Applied<F> {
    /// Timers fired on the command's way in, in log order.
    pub fired: Vec<Op<F>>,
    /// The command itself.
    pub command: Op<F>,
}

impl<F> Applied<F> {
    /// Every operation, in log order: the fired timers, then the command.
    pub fn ops(&self) -> impl Iterator<Item = &Op<F>> {
        self.fired.iter().chain(std::iter::once(&self.command))
    }

    /// Every operation by value, in log order.
    pub fn into_ops(self) -> impl Iterator<Item = Op<F>> {
        self.fired.into_iter().chain(std::iter::once(self.command))
    }
}

/// Everything the shared engine held, once the threads are done.
#[derive(Debug)]
pub struct Parts<S> {
    /// The final engine.
    pub engine: Engine,
    /// The companion state.
    pub companion: S,
    /// Every operation, in the order it took effect.
    pub log: Vec<LogEntry>,
    /// Timers set and not fired, in (time, sequence) order.
    pub pending: Vec<TimerRequest>,
    /// How often the lock was taken and found held.
    pub lock: LockStats,
}
