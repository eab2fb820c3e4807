//! What a threaded run produced and what its result means for its user: the [`Outcome`],
//! how late the workers took their work ([`Lateness`]), the [`Ending`] the binary maps to an
//! exit code, and the message for a run the machine could not keep up with, with a time
//! scale to try instead.

use crate::engine::Engine;
use crate::threaded::check::Verdict;
use crate::threaded::kernel::LockStats;
use crate::threaded::log::LogEntry;
use crate::threaded::scale::TimeScale;
use crate::time::Millis;

/// How late the worker threads took their work, in virtual time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lateness {
    /// Tasks taken (arrivals, repeats, drivers' and customers' actions).
    pub tasks: u64,
    /// The latest any task was taken after the instant it was due.
    pub max: Millis,
    /// Tasks taken `threshold` or more after they were due.
    pub over_threshold: u64,
    /// How late is too late: the scenario's pickup deadline, and at least a second. A task
    /// that late may meet a world its instant never saw (its order cancelled by the
    /// deadline, its driver gone), so the run no longer plays the scenario it was given.
    pub threshold: Millis,
}

impl Lateness {
    /// No work yet; `threshold` is how late is too late.
    pub fn new(threshold: Millis) -> Lateness {
        Lateness {
            threshold,
            ..Lateness::default()
        }
    }

    /// How late is too late under a pickup deadline of `deadline`: the deadline, and at
    /// least a second.
    pub fn threshold_for(deadline: Millis) -> Millis {
        deadline.max(Millis::from_secs(1))
    }

    /// Counts one piece of work taken `late` after it was due.
    pub fn record(&mut self, late: Millis) {
        self.tasks += 1;
        self.max = self.max.max(late);
        if self.too_late(late) {
            self.over_threshold += 1;
        }
    }

    /// Whether work `late` after it was due is too late: it may meet a deadline fired that
    /// had not, at its own instant.
    pub fn too_late(&self, late: Millis) -> bool {
        late >= self.threshold
    }

    /// Whether the machine could not keep up: some task ran at least the threshold late.
    pub fn lagged(&self) -> bool {
        self.over_threshold > 0
    }

    /// A time scale to try instead of `scale`, in round figures: one at which the latest
    /// work would have run within half the threshold.
    pub fn suggestion(&self, scale: TimeScale) -> String {
        round_figure(suggest_scale(scale, self.threshold, self.max))
    }
}

/// What a run's result means for its user (the binary maps it to an exit code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The run passed its check and kept up with its time scale.
    Passed,
    /// The run passed its check, but the machine could not keep up with the time scale.
    Lagged,
    /// A violation: the replay differed, an invariant broke, or the run stalled.
    Failed,
}

/// What a threaded run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The checker's verdict.
    pub verdict: Verdict,
    /// `(metric, value)` rows of `summary.csv`.
    pub summary: Vec<(String, String)>,
    /// The final engine.
    pub engine: Engine,
    /// Every operation, in the order it took effect.
    pub log: Vec<LogEntry>,
    /// Whether the run froze with orders live: nothing queued or in hand could end them.
    pub stalled: bool,
    /// How late the work was taken.
    pub lateness: Lateness,
    /// Wall time of the threaded part.
    pub wall: std::time::Duration,
    /// How often the engine's lock was taken, and found held (a matter of timing; the
    /// race counts in the verdict come from the log).
    pub lock: LockStats,
}

impl Outcome {
    /// Failed on any violation (a stall is one); else lagged if work ran too late; else
    /// passed.
    pub fn ending(&self) -> Ending {
        if !self.verdict.passed() || self.stalled {
            Ending::Failed
        } else if self.lateness.lagged() {
            Ending::Lagged
        } else {
            Ending::Passed
        }
    }

    /// Says how late work ran under `scale` and what to do about it.
    pub fn lag_message(&self, scale: TimeScale) -> String {
        let l = &self.lateness;
        let suggestion = l.suggestion(scale);
        format!(
            "the machine could not keep up with time scale {scale}: work ran up to {} late in virtual time \
             ({:.1?} of wall time); {} of {} tasks ran the {} pickup deadline or more after they were due, \
             so the run did not follow the scenario's timing (the replay check holds for the operations as \
             they ran); lower --time-scale (try {suggestion})",
            l.max,
            scale.wall_uncapped(l.max),
            l.over_threshold,
            l.tasks,
            l.threshold,
        )
    }
}

/// A time scale at which work that ran `max` late would have run within half of
/// `threshold`, in round figures and within the bounds.
pub(super) fn suggest_scale(scale: TimeScale, threshold: Millis, max: Millis) -> f64 {
    let factor = threshold.as_ms() as f64 / max.as_ms().max(1) as f64 / 2.0;
    let target = (scale.get() * factor.min(0.5)).max(TimeScale::MIN);
    // Two significant figures.
    let magnitude = 10f64.powf(target.log10().floor() - 1.0);
    ((target / magnitude).floor() * magnitude).max(TimeScale::MIN)
}

/// `x` with at most four decimals and no trailing zeros (`3000`, `0.25`).
pub(super) fn round_figure(x: f64) -> String {
    let text = format!("{x:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
