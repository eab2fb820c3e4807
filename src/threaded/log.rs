//! The operation log of a threaded run: every command applied to the shared engine, with
//! the instant it took effect, its result, and its sequence number in the order the
//! commands took effect. The checker replays it.

use crate::engine::{Command, Refusal, Reply};
use crate::time::Millis;

/// One applied command.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    /// 0, 1, 2, … in the order the commands took effect.
    pub seq: u64,
    /// The virtual instant it was applied at.
    pub at: Millis,
    /// What was applied.
    pub command: Command,
    /// What the engine answered.
    pub result: Result<Reply, Refusal>,
}
