//! Where a script runs: the engine it drives and the clock its `wait` and `at` move. The
//! interpreter talks only to this trait, so one interpreter serves both the virtual clock
//! ([`VirtualHost`], the default: deterministic, instant) and real threads in real time
//! (the threaded mode's host, whose deadlines are fired by a timer thread).

use std::convert::Infallible;

use super::ScriptError;
use crate::engine::{Command, ConfigError, Engine, EngineConfig, Outcome, Refusal, Timer};
use crate::sim::driver::{Agenda, Driver, Step};
use crate::sim::queue::SequenceExhausted;
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
/// sequence) order at their own instants, by the driver loop every shell uses.
#[derive(Default)]
pub struct VirtualHost {
    driver: Driver,
}

/// A step's outcome, kept from the driver's callback to hand to the script.
fn keep_outcome(
    kept: &mut Option<Outcome>,
) -> impl FnMut(&Engine, &Step<'_>, &mut Agenda<Infallible>) -> Result<(), SequenceExhausted> + '_ {
    |_, step, _| {
        *kept = step.result.as_ref().ok().map(|reply| Outcome {
            reply: reply.clone(),
            notices: step.effects.notices.clone(),
            timers: step.effects.timers.clone(),
            events: step.effects.events.clone(),
        });
        Ok(())
    }
}

impl Host for VirtualHost {
    fn now(&self) -> Millis {
        self.driver.now()
    }

    fn engine(&self) -> &Engine {
        self.driver.engine()
    }

    fn apply(&mut self, command: &Command) -> Result<Outcome, Refusal> {
        let mut kept = None;
        // The queue's sequence runs out after 2^64 timers; a script never gets there.
        match self.driver.apply(command, keep_outcome(&mut kept)) {
            Ok(Err(refusal)) => Err(refusal),
            _ => Ok(kept.unwrap_or_else(|| unreachable!("an applied command's outcome is kept"))),
        }
    }

    fn reconfigure(&mut self, change: &mut dyn FnMut(&mut EngineConfig)) -> Result<(), ConfigError> {
        self.driver.engine_mut().reconfigure(change)
    }

    fn fire_next(&mut self, until: Millis) -> Result<Option<Fired>, ScriptError> {
        let mut kept = None;
        let fired = self
            .driver
            .fire_next(until, keep_outcome(&mut kept))
            .map_err(|e| ScriptError::Internal(e.to_string()))?;
        let Some(firing) = fired else {
            self.driver.advance_to(until);
            return Ok(None);
        };
        match (firing.result, kept) {
            (Some(Ok(_)), Some(outcome)) => Ok(Some(Fired {
                at: firing.at,
                timer: firing.timer,
                outcome,
            })),
            (Some(Err(refusal)), _) => Err(ScriptError::Internal(format!("a timer was refused: {refusal}"))),
            _ => Err(ScriptError::Internal("a timer was skipped".into())),
        }
    }
}
