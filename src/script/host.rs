//! Where a script runs: the engine it drives and the clock its `wait` and `at` move. The
//! interpreter talks only to this trait, so one interpreter serves both the virtual clock
//! ([`VirtualHost`], the default: deterministic, instant) and real threads in real time
//! (the threaded mode's host, whose deadlines are fired by a timer thread).

use super::ScriptError;
use crate::engine::{Command, ConfigError, Engine, EngineConfig, Outcome, Refusal, Timer};
use crate::sim::EventQueue;
use crate::time::Millis;

/// A timer that fired, with the instant it fired at and what it did.
#[derive(Debug)]
pub struct Fired {
    /// When it fired.
    pub at: Millis,
    /// Which timer.
    pub timer: Timer,
    /// What applying it produced.
    pub outcome: Outcome,
}

/// The engine and clock a script drives.
pub trait Host {
    /// The current instant.
    fn now(&self) -> Millis;
    /// The engine as of now.
    fn engine(&self) -> &Engine;
    /// Applies a command at the current instant and sets its timers.
    fn apply(&mut self, command: &Command) -> Result<Outcome, Refusal>;
    /// Changes the settings (refused once an order exists).
    fn reconfigure(&mut self, change: &mut dyn FnMut(&mut EngineConfig)) -> Result<(), ConfigError>;
    /// The next timer that fires at or before `until`, waiting for it if time must pass;
    /// `None` once the clock is at `until` and no timer due by then is left.
    fn fire_next(&mut self, until: Millis) -> Result<Option<Fired>, ScriptError>;
}

/// The virtual clock: time moves only when the script says, timers fire in (time,
/// sequence) order at their own instants.
#[derive(Default)]
pub struct VirtualHost {
    engine: Engine,
    timers: EventQueue<Timer>,
    now: Millis,
}

impl VirtualHost {
    fn set_timers(&mut self, outcome: &Outcome) -> Result<(), ScriptError> {
        for request in &outcome.timers {
            self.timers
                .push(request.at, request.timer)
                .map_err(|e| ScriptError::Internal(e.to_string()))?;
        }
        Ok(())
    }
}

impl Host for VirtualHost {
    fn now(&self) -> Millis {
        self.now
    }

    fn engine(&self) -> &Engine {
        &self.engine
    }

    fn apply(&mut self, command: &Command) -> Result<Outcome, Refusal> {
        let outcome = self.engine.apply(self.now, command)?;
        // The queue's sequence runs out after 2^64 timers; a script never gets there.
        let _ = self.set_timers(&outcome);
        Ok(outcome)
    }

    fn reconfigure(&mut self, change: &mut dyn FnMut(&mut EngineConfig)) -> Result<(), ConfigError> {
        self.engine.reconfigure(change)
    }

    fn fire_next(&mut self, until: Millis) -> Result<Option<Fired>, ScriptError> {
        let Some((at, _, timer)) = self.timers.pop_due(until) else {
            self.now = self.now.max(until);
            return Ok(None);
        };
        self.now = self.now.max(at);
        let outcome = self
            .engine
            .apply(self.now, &timer.command())
            .map_err(|refusal| ScriptError::Internal(format!("a timer was refused: {refusal}")))?;
        self.set_timers(&outcome)?;
        Ok(Some(Fired {
            at: self.now,
            timer,
            outcome,
        }))
    }
}
