//! Scripts on real threads, in real time: the host behind `courier-sim threaded
//! FILE.script`. Commands are applied by the script's thread to the shared engine at the
//! wall clock's instant; pickup deadlines are fired by a timer thread that waits on a
//! condition variable, so at `--time-scale 1` the seed's 60-second cancellation happens a
//! real minute after the order. Fired timers reach the script through a channel and are
//! printed as they happen. Everything is logged like any threaded run, for the checker.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::kernel::{Clock, Locking, SharedEngine, TimedQueue, WallClock};
use super::log::LogEntry;
use super::scale::TimeScale;
use crate::engine::{Command, ConfigError, Engine, EngineConfig, Outcome, Refusal, Timer};
use crate::script::host::{Fired, Host};
use crate::script::ScriptError;
use crate::time::Millis;

/// Runs a script on real threads at `scale`, enforcing its expectations, then checks the
/// run's log by replay.
pub fn run_script(
    path: &std::path::Path,
    scale: TimeScale,
    out: &mut dyn std::io::Write,
) -> Result<(crate::script::RunSummary, super::check::Verdict), ScriptError> {
    let (file, lines) = crate::script::load(path)?;
    let host = ThreadedHost::start(scale);
    let (summary, host) =
        crate::script::Interpreter::with_host(&file, true, out, host).run_keeping_host(&lines)?;
    let (config, engine, log) = host.finish();
    let verdict = super::check::check(&config, &log, &engine, |_, _, _| {});
    Ok((summary, verdict))
}

/// A script's host on real threads.
pub struct ThreadedHost {
    shared: Arc<SharedEngine<()>>,
    clock: Arc<WallClock>,
    scale: TimeScale,
    timers: Arc<TimedQueue<Timer>>,
    fired: Receiver<Fired>,
    timer_thread: Option<JoinHandle<()>>,
    /// The engine as of the last change seen, for the script's reads.
    snapshot: Engine,
}

impl ThreadedHost {
    /// Starts the clock at `scale` and the timer thread.
    pub fn start(scale: TimeScale) -> ThreadedHost {
        let shared = Arc::new(SharedEngine::new(Engine::default(), (), Locking::Correct));
        let clock = Arc::new(WallClock::start(scale));
        let timers: Arc<TimedQueue<Timer>> = Arc::new(TimedQueue::default());
        let (sender, fired) = mpsc::channel();
        let timer_thread = {
            let (shared, clock, timers) = (shared.clone(), clock.clone(), timers.clone());
            std::thread::spawn(move || {
                while let Some((_, timer)) = timers.pop_due(&*clock) {
                    let applied = shared.apply(&*clock, timer.command(), |_, _, _, _, _| ());
                    if let Ok(reply) = applied.result {
                        let fx = applied.effects;
                        let outcome = Outcome {
                            reply,
                            notices: fx.notices,
                            timers: fx.timers,
                            events: fx.events,
                        };
                        // The script may have ended; a fired timer nobody reads is fine.
                        let _ = sender.send(Fired {
                            at: applied.at,
                            timer,
                            outcome,
                        });
                    }
                    timers.done();
                }
            })
        };
        ThreadedHost {
            shared,
            clock,
            scale,
            timers,
            fired,
            timer_thread: Some(timer_thread),
            snapshot: Engine::default(),
        }
    }

    fn refresh(&mut self) {
        self.snapshot = self.shared.read(|engine, _| engine.clone());
    }

    /// Stops the timer thread and returns the settings, final engine and operation log.
    pub fn finish(mut self) -> (EngineConfig, Engine, Vec<LogEntry>) {
        self.timers.close();
        if let Some(thread) = self.timer_thread.take() {
            // A panicked timer thread leaves its damage in the log, which the checker sees.
            let _ = thread.join();
        }
        let shared =
            Arc::try_unwrap(self.shared).unwrap_or_else(|_| unreachable!("the timer thread has ended"));
        let (engine, (), log) = shared.into_parts();
        (engine.config().clone(), engine, log)
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
        let applied = self
            .shared
            .apply(&*self.clock, command.clone(), |_, _, _, _, _| ());
        for timer in &applied.effects.timers {
            self.timers.push(timer.at, timer.timer);
        }
        self.refresh();
        let fx = applied.effects;
        applied.result.map(|reply| Outcome {
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
            match self.fired.try_recv() {
                Ok(fired) => {
                    self.refresh();
                    return Ok(Some(fired));
                }
                Err(mpsc::TryRecvError::Disconnected) => {
                    return Err(ScriptError::Internal("the timer thread stopped".into()))
                }
                Err(mpsc::TryRecvError::Empty) => {}
            }
            let now = self.clock.now();
            if now >= until && self.timers.settled(until) {
                return Ok(None);
            }
            // Sleep until `until` comes or a timer fires, whichever is first; once `until`
            // has come, until the timers due by then have fired.
            let wait = if now < until {
                self.scale.wall(until.saturating_sub(now))
            } else {
                Duration::from_secs(1)
            };
            match self.fired.recv_timeout(wait) {
                Ok(fired) => {
                    self.refresh();
                    return Ok(Some(fired));
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(ScriptError::Internal("the timer thread stopped".into()))
                }
            }
        }
    }
}
