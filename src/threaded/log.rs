//! The operation log of a threaded run: every operation applied to the shared engine (the
//! commands the threads asked for and the deadline timers the engine fired), with the
//! instant it took effect, its result, and its sequence number in the order the
//! operations took effect. The checker replays the commands and checks the firings
//! against its own timer schedule.

use crate::engine::{Command, Refusal, Reply};
use crate::time::Millis;

/// What put an entry in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A command a thread asked for: a placement, a driver's or a customer's action.
    Command,
    /// A deadline timer the engine fired at its due instant because the clock reached it:
    /// the timer thread asked, or the run ended and fired what was left.
    Timer,
    /// A deadline timer the engine fired at its due instant on a command's way in: the
    /// command's instant had reached it before the timer thread did (SPEC §2: timers due
    /// at or before an instant fire before the next command at that instant).
    TimerBeforeCommand,
}

impl Origin {
    /// Whether the engine fired this entry as a timer.
    pub fn is_timer(self) -> bool {
        self != Origin::Command
    }
}

/// One applied operation.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    /// 0, 1, 2, … in the order the operations took effect.
    pub seq: u64,
    /// The virtual instant it was applied at: a timer's own due instant, a command's
    /// instant on the clock (never earlier than the entry before it).
    pub at: Millis,
    /// A command, or a timer firing.
    pub origin: Origin,
    /// What was applied (a firing applies [`Command::ExpireDeadline`]).
    pub command: Command,
    /// What the engine answered.
    pub result: Result<Reply, Refusal>,
}
