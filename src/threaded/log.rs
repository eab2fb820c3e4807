//! The operation log of a threaded run: every operation applied to the shared engine (the
//! commands the threads asked for and the deadline timers the engine fired), with the
//! instant it took effect, its result, and its sequence number in the order the
//! operations took effect, and its [`Window`]: the operations it raced. The checker
//! replays the commands, checks the firings against its own timer schedule, and counts
//! races from the windows.

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
    /// The operations it raced and lost to.
    pub window: Window,
}

/// The operations an entry raced and lost to: those that took effect after its thread
/// began it and before its thread took the engine's lock to apply it, as the range of
/// their sequence numbers `begun..entered`. Both ends are log lengths, read from a counter
/// of logged operations, so a window is exact and never a matter of timing.
///
/// A thread begins an operation when it takes its task (a worker) or wakes for a deadline
/// (the timer thread), before it reads or locks the engine. Operations applied in one
/// critical section (the deadlines a command fires on its way in and the command; the
/// deadlines one wake-up fires) share their thread's window: they do not race each other,
/// since one thread applies them in (time, sequence) order with the lock held. An
/// operation applied with nothing else in flight (onboarding, a hand-built log) has an
/// empty window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    /// The log's length when its thread began it.
    pub begun: u64,
    /// The log's length when its thread took the lock: the first sequence number of its
    /// critical section.
    pub entered: u64,
}

impl Window {
    /// An empty window at log length `seq`.
    pub fn empty_at(seq: u64) -> Window {
        Window {
            begun: seq,
            entered: seq,
        }
    }

    /// Whether the operation at `seq` is in the window.
    pub fn contains(&self, seq: u64) -> bool {
        (self.begun..self.entered).contains(&seq)
    }

    /// How many operations it holds.
    pub fn len(&self) -> u64 {
        self.entered.saturating_sub(self.begun)
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
