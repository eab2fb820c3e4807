//! Scripts on real threads, in real time: the host behind `courier-sim threaded
//! FILE.script`. Commands are applied by the script's thread to the shared engine at the
//! wall clock's instant; pickup deadlines are kept by the shared engine and fired at their
//! own instants: by a timer thread that waits on a condition variable for each deadline's
//! instant (so at `--time-scale 1` the seed's 60-second cancellation happens a real
//! minute after the order), or by the next command or `wait` that reaches them first.
//! Every firing is noted, under the engine's lock, in a list the script reads before its
//! next line, so the transcript shows each one with its instant and no firing can slip
//! between the check and the read. Everything is logged like any threaded run, for the
//! checker.
//!
//! Two clocks. The wall clock (scaled) starts when the first line runs and gives every
//! command its instant. The script's own instant is where its `wait` and `at` lines have
//! taken it, exactly as on the virtual clock: it stamps the lines, `wait` adds to it and
//! `at` is compared with it, so a machine that runs behind never turns a valid `at` into a
//! script error. Each line runs at or after its own instant; how much after (its lateness,
//! on the wall clock) is measured, and a line that ran the pickup deadline in force (at
//! least a second) or more late may have met a deadline fired that, at its own instant,
//! had not: the script reports lag, not its expectations ([`ScriptOutcome::ending`]).
//!
//! A deadline set by a command that ran late is due, in the script's time, that much
//! earlier than on the wall clock: `wait 60s` after a placement reaches its 60-second
//! deadline however late the placement ran, as on the virtual clock, by waiting on the wall
//! clock for the deadline itself.
//!
//! One difference from the virtual clock remains: a deadline that falls due between the
//! moment a line is printed and the moment its command takes the engine's lock (a few
//! microseconds of wall time) is fired first, as SPEC §2 requires, but is printed after
//! the command's result, with its own (earlier) instant.

#[cfg(test)]
mod tests;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;

use super::check::{self, Verdict};
use super::kernel::{Clock, Locking, Op, Parts, SharedEngine, Step, TimedQueue, WallClock};
use super::run::{Ending, Lateness};
use super::scale::TimeScale;
use super::sync::{Condvar, MutexGuard};
use crate::engine::{Command, ConfigError, Engine, EngineConfig, Outcome, Refusal, Timer};
use crate::script::host::{Fired, Host};
use crate::script::parse::Line;
use crate::script::{RunSummary, ScriptError};
use crate::time::Millis;

/// What a script on real threads produced.
#[derive(Debug)]
pub struct ScriptOutcome {
    /// Its expectations.
    pub summary: RunSummary,
    /// The checker's verdict on its log.
    pub verdict: Verdict,
    /// How late its lines ran after their own instants.
    pub lateness: Lateness,
}

impl ScriptOutcome {
    /// Failed on a violation (whatever the lag); else lagged if a line ran too late (its
    /// expectations then judge the machine, not the rules); else failed on a failed
    /// expectation; else passed.
    pub fn ending(&self) -> Ending {
        if !self.verdict.passed() {
            Ending::Failed
        } else if self.lateness.lagged() {
            Ending::Lagged
        } else if !self.summary.failures.is_empty() {
            Ending::Failed
        } else {
            Ending::Passed
        }
    }

    /// Says how late the lines ran under `scale` and what to do about it.
    pub fn lag_message(&self, scale: TimeScale) -> String {
        let l = &self.lateness;
        format!(
            "the machine could not keep up with time scale {scale}: the script's lines ran up to {} late \
             in virtual time ({:.1?} of wall time), the {} pickup deadline or more after their instants, so \
             the script did not follow its timing and its expectations do not count (the replay check \
             holds for the operations as they ran); lower --time-scale (try {})",
            l.max,
            scale.wall_uncapped(l.max),
            l.threshold,
            l.suggestion(scale)
        )
    }
}

/// Runs a script on real threads at `scale`, enforcing its expectations, then checks the
/// run's log by replay.
pub fn run_script(
    path: &std::path::Path,
    scale: TimeScale,
    out: &mut dyn std::io::Write,
) -> Result<ScriptOutcome, ScriptError> {
    let (file, lines) = crate::script::load(path)?;
    run_lines_on(&file, &lines, scale, out, move || WallClock::start(scale))
}

/// [`run_script`] of parsed `lines` (`file` names them in messages), on the clock
/// `start_clock` starts when the first line runs.
pub fn run_lines_on<C: Clock + Send + 'static>(
    file: &str,
    lines: &[Line],
    scale: TimeScale,
    out: &mut dyn std::io::Write,
    start_clock: impl FnOnce() -> C + Send + 'static,
) -> Result<ScriptOutcome, ScriptError> {
    let host = ThreadedHost::start_on(scale, start_clock);
    let (summary, host) =
        crate::script::Interpreter::with_host(file, true, out, host).run_keeping_host(lines)?;
    let lateness = host.lateness;
    let parts = host.finish();
    // Settings are not commands: the replay starts from the settings in force at the end.
    let config = parts.engine.config().clone();
    let run = check::Run {
        config: &config,
        log: &parts.log,
        engine: &parts.engine,
        pending: &parts.pending,
    };
    let verdict = check::check(run, |_, _, _| {});
    Ok(ScriptOutcome {
        summary,
        verdict,
        lateness,
    })
}

/// Timer firings not yet shown to the script, in log order.
type Unreported = VecDeque<Fired>;

/// Notes a timer firing for the script (runs under the engine's lock).
fn note_firing(_: &Engine, unreported: &mut Unreported, step: &Step<'_>) {
    if let (true, &Command::ExpireDeadline { order, guard }, Ok(reply)) =
        (step.origin.is_timer(), step.command, step.result)
    {
        unreported.push_back(Fired {
            at: step.at,
            timer: Timer::PickupDeadline { order, guard },
            outcome: Outcome {
                reply: reply.clone(),
                notices: step.effects.notices.clone(),
                timers: step.effects.timers.clone(),
                events: step.effects.events.clone(),
            },
        });
    }
}

/// A clock that stands at 0 until it is started, then is the clock it was started with:
/// the script's wall clock starts when its first line runs, not when the host is built.
struct LateStart<C> {
    clock: OnceLock<C>,
}

impl<C: Clock + Send> Clock for LateStart<C> {
    fn now(&self) -> Millis {
        self.clock.get().map_or(Millis::ZERO, Clock::now)
    }

    fn wait<'a, T>(
        &self,
        cv: &Condvar,
        guard: MutexGuard<'a, T>,
        until: Option<Millis>,
    ) -> MutexGuard<'a, T> {
        match self.clock.get() {
            Some(clock) => clock.wait(cv, guard, until),
            // Nothing is due before the first command, which starts the clock first.
            None => cv.wait(guard).unwrap_or_else(|p| p.into_inner()),
        }
    }
}

/// A script's host on real threads.
pub struct ThreadedHost<C: Clock + Send + 'static = WallClock> {
    shared: Arc<SharedEngine<Unreported>>,
    clock: Arc<LateStart<C>>,
    /// Starts the wall clock, when the first line runs.
    start_clock: Option<Box<dyn FnOnce() -> C + Send>>,
    scale: TimeScale,
    /// One wake-up per deadline, at its instant, for the timer thread.
    wakeups: Arc<TimedQueue<()>>,
    /// Rung by the timer thread after it fired something.
    doorbell: Receiver<()>,
    timer_thread: Option<JoinHandle<()>>,
    /// The engine as of the last change seen, for the script's reads.
    snapshot: Engine,
    /// The script's own instant: where its `wait` and `at` lines have taken it.
    intended: Millis,
    /// The deadlines the script's commands set, as (due in the script's time, due on the
    /// wall clock), earliest in the script's time first.
    deadlines: BinaryHeap<Reverse<(Millis, Millis)>>,
    /// The latest wall-clock instant of a deadline due by the script's instant: `wait` and
    /// `at` wait for it too.
    reach: Millis,
    /// How late the lines ran after their own instants.
    lateness: Lateness,
}

impl ThreadedHost<WallClock> {
    /// The timer thread, and a wall clock at `scale` that starts when the first line runs.
    pub fn start(scale: TimeScale) -> ThreadedHost<WallClock> {
        ThreadedHost::start_on(scale, move || WallClock::start(scale))
    }
}

impl<C: Clock + Send + 'static> ThreadedHost<C> {
    /// The timer thread, and the clock `start_clock` starts when the first line runs;
    /// `scale` converts the script's waits to wall time.
    pub fn start_on(scale: TimeScale, start_clock: impl FnOnce() -> C + Send + 'static) -> ThreadedHost<C> {
        let engine = Engine::default();
        let threshold = Lateness::threshold_for(engine.config().pickup_deadline);
        let shared = Arc::new(SharedEngine::new(engine, Unreported::new(), Locking::Correct));
        let clock = Arc::new(LateStart {
            clock: OnceLock::new(),
        });
        let wakeups: Arc<TimedQueue<()>> = Arc::new(TimedQueue::default());
        let (bell, doorbell) = mpsc::channel();
        let timer_thread = {
            let (shared, clock, wakeups) = (shared.clone(), clock.clone(), wakeups.clone());
            std::thread::spawn(move || {
                while wakeups.pop_due(&*clock).is_some() {
                    let fired = shared.fire_due(clock.now(), note_firing);
                    for op in &fired {
                        for timer in &op.effects.timers {
                            wakeups.push(timer.at, ());
                        }
                    }
                    wakeups.done();
                    if !fired.is_empty() {
                        // The script may have ended; a bell nobody hears is fine.
                        let _ = bell.send(());
                    }
                }
            })
        };
        ThreadedHost {
            shared,
            clock,
            start_clock: Some(Box::new(start_clock)),
            scale,
            wakeups,
            doorbell,
            timer_thread: Some(timer_thread),
            snapshot: Engine::default(),
            intended: Millis::ZERO,
            deadlines: BinaryHeap::new(),
            reach: Millis::ZERO,
            lateness: Lateness::new(threshold),
        }
    }

    /// How late the lines ran after their own instants, so far.
    pub fn lateness(&self) -> Lateness {
        self.lateness
    }

    /// Starts the wall clock, the first time a line runs.
    fn begin(&mut self) {
        if let Some(start) = self.start_clock.take() {
            let _ = self.clock.clock.set(start());
        }
    }

    /// Records that the script, at its own instant, acts at wall-clock instant `at`.
    fn measure(&mut self, at: Millis) {
        self.lateness.threshold = Lateness::threshold_for(self.snapshot.config().pickup_deadline);
        self.lateness.record(at.saturating_sub(self.intended));
    }

    /// Hands each timer `ops` set to the timer thread, and notes when it is due in the
    /// script's time: as much earlier than on the wall clock as its operation ran late.
    fn set_timers(&mut self, ops: &[&Op<()>]) {
        for op in ops {
            let late = op.at.saturating_sub(self.intended);
            for timer in &op.effects.timers {
                self.wakeups.push(timer.at, ());
                self.deadlines
                    .push(Reverse((timer.at.saturating_sub(late), timer.at)));
            }
        }
    }

    fn refresh(&mut self) {
        self.snapshot = self.shared.read(|engine, _| engine.clone());
    }

    /// The oldest firing not yet shown. Every noted firing has happened in the engine, so
    /// it is shown before the script's next line, whatever the script's instant.
    fn take_unreported(&self) -> Option<Fired> {
        self.shared.with_companion(|_, unreported| unreported.pop_front())
    }

    /// Stops the timer thread and returns the final engine, log and pending timers.
    pub fn finish(mut self) -> Parts<Unreported> {
        self.wakeups.close();
        if let Some(thread) = self.timer_thread.take() {
            // A panicked timer thread leaves its damage in the log, which the checker sees.
            let _ = thread.join();
        }
        let shared =
            Arc::try_unwrap(self.shared).unwrap_or_else(|_| unreachable!("the timer thread has ended"));
        shared.into_parts()
    }
}

impl<C: Clock + Send + 'static> Host for ThreadedHost<C> {
    /// The script's own instant (not the wall clock's, which may run ahead of it).
    fn now(&self) -> Millis {
        self.intended
    }

    fn engine(&self) -> &Engine {
        &self.snapshot
    }

    fn apply(&mut self, command: &Command) -> Result<Outcome, Refusal> {
        self.begin();
        let applied = self.shared.apply(&*self.clock, command.clone(), note_firing);
        self.measure(applied.command.at);
        let ops: Vec<&Op<()>> = applied.ops().collect();
        self.set_timers(&ops);
        self.refresh();
        let op = applied.command;
        let fx = op.effects;
        op.result.map(|reply| Outcome {
            reply,
            notices: fx.notices,
            timers: fx.timers,
            events: fx.events,
        })
    }

    fn reconfigure(&mut self, change: &mut dyn FnMut(&mut EngineConfig)) -> Result<(), ConfigError> {
        let result = self.shared.reconfigure(change);
        self.refresh();
        result
    }

    fn fire_next(&mut self, until: Millis) -> Result<Option<Fired>, ScriptError> {
        self.begin();
        // The script reaches `until` once the wall clock has, and once every deadline due
        // by `until` in the script's time has fired.
        while let Some(&Reverse((due, at))) = self.deadlines.peek() {
            if due > until {
                break;
            }
            self.reach = self.reach.max(at);
            self.deadlines.pop();
        }
        let target = until.max(self.reach);
        loop {
            if let Some(fired) = self.take_unreported() {
                self.refresh();
                return Ok(Some(fired));
            }
            let now = self.clock.now();
            if now >= target {
                // Fire here whatever is due by `target` and not fired yet. Whatever the
                // timer thread fired is already noted: it fires under the same lock.
                let fired = self.shared.fire_due(target, note_firing);
                let ops: Vec<&Op<()>> = fired.iter().collect();
                self.set_timers(&ops);
                let next = self.take_unreported();
                self.refresh();
                if next.is_none() {
                    if until <= self.intended {
                        // A line is starting (or a `wait 0s` ends): what it reads is the
                        // engine as of the refresh, so it runs as late as the clock now
                        // says, read after it. (While `wait` or `at` moves the script's
                        // instant, the wall clock is meant to be ahead of the instant left.)
                        let now = self.clock.now();
                        self.measure(now);
                    }
                    self.intended = self.intended.max(until);
                }
                return Ok(next);
            }
            // Sleep until `target` comes or the timer thread fires something.
            let wall = self.scale.wall(target.saturating_sub(now));
            match self.doorbell.recv_timeout(wall) {
                Ok(()) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(ScriptError::Internal("the timer thread stopped".into()))
                }
            }
        }
    }
}
