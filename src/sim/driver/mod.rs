//! The driver loop every shell runs the engine with (DESIGN.md, "Growing to every
//! profile"): apply a command, hand what it produced to the shell, then set the timers it
//! asked for; fire each due timer at its own instant, in (time, sequence) order, with its
//! follow-ups computed like any command's (SPEC §2). Written once here, it is used by the
//! virtual-clock load run (`load.rs`), the script host on the virtual clock
//! (`script::host`) and the threaded mode's shared engine (`threaded::kernel`, whose only
//! extras are the lock and the log).
//!
//! Shape. A [`Driver`] owns the engine, the current instant and one [`Agenda`]: the pending
//! engine timers and, for a shell that has them, its own events (arrivals, the actions of
//! drivers and customers), ordered together by (time, sequence). One agenda rather than a
//! timer queue beside the shell's own, because the virtual-clock run interleaves the two by
//! sequence at equal instants: a deadline and an action due at the same millisecond come
//! out in the order they were scheduled, which two queues could only keep by sharing a
//! counter. Shells without events of their own (the threaded kernel, the script host) use
//! `Driver<Infallible>`, whose agenda holds timers only; they fire what is due by a
//! command's instant ([`Driver::fire_due`]) before applying it.
//!
//! What each applied step produced (a [`Step`]: instant, command, result, effects) goes to
//! a callback the shell passes, `on_step(engine, step, agenda)`, before the step's timers
//! are queued: the load run counts and writes its report rows there and schedules the
//! behaviour model's follow-ups (which so keep their place ahead of the step's timers), the
//! kernel logs the step under its lock, the script host keeps the outcome to print.
//!
//! Dead timers. A deadline whose order has been picked up, has ended or been retired, or
//! whose guard no longer matches, does nothing. The load run, which retires ended orders
//! and meets millions of such timers, has the driver skip them without applying anything
//! ([`Driver::skipping_dead_timers`]); the threaded shells apply every timer, since their
//! log must hold every firing for the replay checker.
//!
//! The replay checker (`threaded::check`) keeps its own timers on purpose: it is the oracle
//! this loop is checked against, and an oracle running the same loop would share its bugs.

use std::convert::Infallible;

use super::queue::{EventQueue, SequenceExhausted};
use crate::engine::{Command, Effects, Engine, Refusal, Reply, Timer, TimerRequest};
use crate::time::Millis;

/// One entry of the agenda.
enum Due<E> {
    /// A timer the engine asked for.
    Timer(Timer),
    /// One of the shell's own events.
    Shell(E),
}

/// What waits for its instant: engine timers and the shell's own events, in (time,
/// sequence) order, first-in first-out at equal instants.
pub struct Agenda<E> {
    queue: EventQueue<Due<E>>,
}

impl<E> Default for Agenda<E> {
    fn default() -> Self {
        Agenda {
            queue: EventQueue::new(),
        }
    }
}

impl<E> Agenda<E> {
    /// Schedules one of the shell's events at `at`, after everything already due then.
    #[inline]
    pub fn schedule(&mut self, at: Millis, event: E) -> Result<(), SequenceExhausted> {
        self.queue.push(at, Due::Shell(event)).map(|_| ())
    }

    #[inline]
    fn set_timer(&mut self, request: &TimerRequest) -> Result<(), SequenceExhausted> {
        self.queue.push(request.at, Due::Timer(request.timer)).map(|_| ())
    }

    /// The instant of the next entry, timer or event.
    pub fn next_time(&self) -> Option<Millis> {
        self.queue.next_time()
    }

    /// Entries waiting.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

/// One applied step, shown to the shell's callback: a command, or a timer the driver fired.
#[derive(Debug)]
pub struct Step<'a> {
    /// The instant it took effect (a timer's own due instant).
    pub at: Millis,
    /// What was applied (a timer applies its [`Timer::command`]).
    pub command: &'a Command,
    /// The timer, when the step is a firing.
    pub timer: Option<Timer>,
    /// The engine's answer.
    pub result: &'a Result<Reply, Refusal>,
    /// Its effects (empty when refused); its timers are queued right after the callback.
    pub effects: &'a Effects,
}

impl Step<'_> {
    /// Whether the driver fired this step as a timer.
    pub fn is_timer(&self) -> bool {
        self.timer.is_some()
    }
}

/// A timer taken from the agenda.
#[derive(Clone, Debug, PartialEq)]
pub struct Firing {
    /// Its due instant, at which it took effect.
    pub at: Millis,
    /// Which timer.
    pub timer: Timer,
    /// The engine's answer; `None` for a dead timer the driver skipped.
    pub result: Option<Result<Reply, Refusal>>,
}

/// What [`Driver::next`] took from the agenda.
#[derive(Debug)]
pub enum Next<E> {
    /// A timer, fired (or skipped as dead) by the driver.
    Fired(Firing),
    /// One of the shell's events, due at this instant (now the driver's), for the shell to
    /// handle.
    Event(Millis, E),
}

/// The shell's callback after each applied step, with the engine as the step left it and
/// the agenda for its follow-ups.
pub trait OnStep<E, X>: FnMut(&Engine, &Step<'_>, &mut Agenda<E>) -> Result<(), X> {}
impl<E, X, T: FnMut(&Engine, &Step<'_>, &mut Agenda<E>) -> Result<(), X>> OnStep<E, X> for T {}

/// The engine, the current instant and the agenda, driven one step at a time.
pub struct Driver<E = Infallible> {
    engine: Engine,
    agenda: Agenda<E>,
    now: Millis,
    /// Reused for every step's effects.
    effects: Effects,
    skip_dead_timers: bool,
}

impl<E> Default for Driver<E> {
    fn default() -> Self {
        Driver::new(Engine::default())
    }
}

impl<E> Driver<E> {
    /// Drives `engine` from instant 0, applying every timer it sets when it falls due.
    pub fn new(engine: Engine) -> Self {
        Driver {
            engine,
            agenda: Agenda::default(),
            now: Millis::ZERO,
            effects: Effects::default(),
            skip_dead_timers: false,
        }
    }

    /// Skips, without applying them, deadline timers that would do nothing (see the module
    /// docs): for a shell that retires ended orders and logs no firing.
    pub fn skipping_dead_timers(mut self) -> Self {
        self.skip_dead_timers = true;
        self
    }

    /// The engine as of now.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The engine, for what is not a command: settings, retiring ended orders.
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// The current instant: the latest a step took effect at, or the clock was moved to.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Moves the clock to `at` (never back) without firing anything.
    pub fn advance_to(&mut self, at: Millis) {
        self.now = self.now.max(at);
    }

    /// The agenda, to schedule the shell's own events.
    pub fn agenda_mut(&mut self) -> &mut Agenda<E> {
        &mut self.agenda
    }

    /// The engine and the agenda at once, to schedule a follow-up the engine decides.
    pub fn engine_and_agenda(&mut self) -> (&Engine, &mut Agenda<E>) {
        (&self.engine, &mut self.agenda)
    }

    /// The instant of the next entry of the agenda.
    pub fn next_due(&self) -> Option<Millis> {
        self.agenda.next_time()
    }

    /// Applies `command` at the current instant (firing nothing first: see
    /// [`Driver::fire_due`]), shows the step to `on_step`, then queues its timers.
    #[inline]
    pub fn apply<X: From<SequenceExhausted>>(
        &mut self,
        command: &Command,
        on_step: impl OnStep<E, X>,
    ) -> Result<Result<Reply, Refusal>, X> {
        self.step(self.now, command, None, on_step)
    }

    /// Fires the next timer if it is due at or before `until` and no event of the shell's
    /// comes first, at its own instant.
    #[inline]
    pub fn fire_next<X: From<SequenceExhausted>>(
        &mut self,
        until: Millis,
        on_step: impl OnStep<E, X>,
    ) -> Result<Option<Firing>, X> {
        match self.agenda.queue.peek() {
            Some((at, Due::Timer(_))) if at <= until => {}
            _ => return Ok(None),
        }
        match self.agenda.queue.pop() {
            Some((at, _, Due::Timer(timer))) => self.fire(at, timer, on_step).map(Some),
            _ => Ok(None),
        }
    }

    /// Fires, in (time, sequence) order, every timer due at or before `until`, each at its
    /// own instant: what must happen before a command at `until` (SPEC §2).
    pub fn fire_due<X: From<SequenceExhausted>>(
        &mut self,
        until: Millis,
        mut on_step: impl OnStep<E, X>,
    ) -> Result<(), X> {
        while self.fire_next(until, &mut on_step)?.is_some() {}
        Ok(())
    }

    /// Takes the next entry of the agenda: a timer is fired here (or skipped as dead), an
    /// event of the shell's is handed back for the shell to handle. `None` once the agenda
    /// is empty.
    #[inline]
    pub fn next<X: From<SequenceExhausted>>(
        &mut self,
        on_step: impl OnStep<E, X>,
    ) -> Result<Option<Next<E>>, X> {
        match self.agenda.queue.pop() {
            None => Ok(None),
            Some((at, _, Due::Timer(timer))) => self.fire(at, timer, on_step).map(|f| Some(Next::Fired(f))),
            Some((at, _, Due::Shell(event))) => {
                self.advance_to(at);
                Ok(Some(Next::Event(at, event)))
            }
        }
    }

    /// The final engine and the timers still pending, in (time, sequence) order.
    pub fn into_parts(mut self) -> (Engine, Vec<TimerRequest>) {
        let pending = std::iter::from_fn(|| self.agenda.queue.pop())
            .filter_map(|(at, _, due)| match due {
                Due::Timer(timer) => Some(TimerRequest { at, timer }),
                Due::Shell(_) => None,
            })
            .collect();
        (self.engine, pending)
    }

    #[inline]
    fn fire<X: From<SequenceExhausted>>(
        &mut self,
        due: Millis,
        timer: Timer,
        on_step: impl OnStep<E, X>,
    ) -> Result<Firing, X> {
        self.advance_to(due);
        let at = self.now;
        let result = if self.skip_dead_timers && !self.would_act(timer) {
            None
        } else {
            Some(self.step(at, &timer.command(), Some(timer), on_step)?)
        };
        Ok(Firing { at, timer, result })
    }

    /// Whether `timer` would still do something now: its order waits for a pickup past
    /// the deadline the timer guards.
    #[inline]
    fn would_act(&self, timer: Timer) -> bool {
        let Timer::PickupDeadline { order, guard } = timer;
        self.engine
            .order(order)
            .is_ok_and(|o| o.deadline_acts(guard, self.now))
    }

    #[inline]
    fn step<X: From<SequenceExhausted>>(
        &mut self,
        at: Millis,
        command: &Command,
        timer: Option<Timer>,
        mut on_step: impl OnStep<E, X>,
    ) -> Result<Result<Reply, Refusal>, X> {
        let mut effects = std::mem::take(&mut self.effects);
        let result = self.engine.apply_into(at, command, &mut effects);
        let step = Step {
            at,
            command,
            timer,
            result: &result,
            effects: &effects,
        };
        let observed = on_step(&self.engine, &step, &mut self.agenda);
        // The timers after the callback's follow-ups, so those come first at equal instants.
        let queued = match (&observed, &result) {
            (Ok(()), Ok(_)) => effects.timers.iter().try_for_each(|r| self.agenda.set_timer(r)),
            _ => Ok(()),
        };
        self.effects = effects;
        observed?;
        queued?;
        Ok(result)
    }
}

#[cfg(test)]
mod tests;
