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
//! One difference from the virtual clock remains: a deadline that falls due between the
//! moment a line is printed and the moment its command takes the engine's lock (a few
//! microseconds of wall time) is fired first, as SPEC §2 requires, but is printed after
//! the command's result, with its own (earlier) instant.

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;

use super::check::{self, Verdict};
use super::kernel::{Clock, Locking, Parts, SharedEngine, Step, TimedQueue, WallClock};
use super::scale::TimeScale;
use crate::engine::{Command, ConfigError, Engine, EngineConfig, Outcome, Refusal, Timer};
use crate::script::host::{Fired, Host};
use crate::script::{RunSummary, ScriptError};
use crate::time::Millis;

/// Runs a script on real threads at `scale`, enforcing its expectations, then checks the
/// run's log by replay.
pub fn run_script(
    path: &std::path::Path,
    scale: TimeScale,
    out: &mut dyn std::io::Write,
) -> Result<(RunSummary, Verdict), ScriptError> {
    let (file, lines) = crate::script::load(path)?;
    let host = ThreadedHost::start(scale);
    let (summary, host) =
        crate::script::Interpreter::with_host(&file, true, out, host).run_keeping_host(&lines)?;
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
    Ok((summary, verdict))
}

/// Timer firings not yet shown to the script, in log order.
type Unreported = VecDeque<Fired>;

/// Notes a timer firing for the script (runs under the engine's lock).
fn note_firing(_: &Engine, unreported: &mut Unreported, step: &Step<'_>) {
    if let (true, Command::ExpireDeadline { order }, Ok(reply)) =
        (step.origin.is_timer(), step.command, step.result)
    {
        unreported.push_back(Fired {
            at: step.at,
            timer: Timer::PickupDeadline(*order),
            outcome: Outcome {
                reply: reply.clone(),
                notices: step.effects.notices.clone(),
                timers: step.effects.timers.clone(),
                events: step.effects.events.clone(),
            },
        });
    }
}

/// A script's host on real threads.
pub struct ThreadedHost {
    shared: Arc<SharedEngine<Unreported>>,
    clock: Arc<WallClock>,
    /// One wake-up per deadline, at its instant, for the timer thread.
    wakeups: Arc<TimedQueue<()>>,
    /// Rung by the timer thread after it fired something.
    doorbell: Receiver<()>,
    timer_thread: Option<JoinHandle<()>>,
    /// The engine as of the last change seen, for the script's reads.
    snapshot: Engine,
}

impl ThreadedHost {
    /// Starts the clock at `scale` and the timer thread.
    pub fn start(scale: TimeScale) -> ThreadedHost {
        let shared = Arc::new(SharedEngine::new(
            Engine::default(),
            Unreported::new(),
            Locking::Correct,
        ));
        let clock = Arc::new(WallClock::start(scale));
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
            wakeups,
            doorbell,
            timer_thread: Some(timer_thread),
            snapshot: Engine::default(),
        }
    }

    fn refresh(&mut self) {
        self.snapshot = self.shared.read(|engine, _| engine.clone());
    }

    /// The oldest firing not yet shown, if it happened by `until`.
    fn take_unreported(&self, until: Millis) -> Option<Fired> {
        self.shared.with_companion(|_, unreported| {
            if unreported.front().is_some_and(|f| f.at <= until) {
                unreported.pop_front()
            } else {
                None
            }
        })
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

impl Host for ThreadedHost {
    fn now(&self) -> Millis {
        self.clock.now()
    }

    fn engine(&self) -> &Engine {
        &self.snapshot
    }

    fn apply(&mut self, command: &Command) -> Result<Outcome, Refusal> {
        let applied = self.shared.apply(&*self.clock, command.clone(), note_firing);
        for op in applied.ops() {
            for timer in &op.effects.timers {
                self.wakeups.push(timer.at, ());
            }
        }
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
        loop {
            if let Some(fired) = self.take_unreported(until) {
                self.refresh();
                return Ok(Some(fired));
            }
            let now = self.clock.now();
            if now >= until {
                // Fire here whatever is due by `until` and not fired yet. Whatever the timer
                // thread fired is already noted: it fires under the same lock.
                let fired = self.shared.fire_due(until, note_firing);
                for op in &fired {
                    for timer in &op.effects.timers {
                        self.wakeups.push(timer.at, ());
                    }
                }
                let next = self.take_unreported(until);
                self.refresh();
                return Ok(next);
            }
            // Sleep until `until` comes or the timer thread fires something.
            let wall = self.clock.scale().wall(until.saturating_sub(now));
            match self.doorbell.recv_timeout(wall) {
                Ok(()) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(ScriptError::Internal("the timer thread stopped".into()))
                }
            }
        }
    }
}
