//! Virtual time as the threads of the threaded mode see it: the [`Clock`] they read and wait
//! by, the scaled [`WallClock`] of a real run, and the [`ManualClock`] that moves only when
//! told, for model checking and for onboarding before a run starts. Like the kernel, this
//! file waits only through `super::sync`, so the model-checking test (`tests/model/`)
//! compiles it again against `shuttle`.

use super::sync::{atomic, Condvar, MutexGuard};
use courier_sim::threaded::scale::TimeScale;
use courier_sim::time::Millis;

/// Virtual time as the threads see it.
pub trait Clock: Sync {
    /// The current virtual instant.
    fn now(&self) -> Millis;
    /// Waits on `cv` (releasing `guard`) until notified or, on clocks that can, until the
    /// virtual instant `until`.
    fn wait<'a, T>(&self, cv: &Condvar, guard: MutexGuard<'a, T>, until: Option<Millis>)
        -> MutexGuard<'a, T>;
}

/// The wall clock, scaled: virtual time = wall time since the start × the scale. Every
/// conversion saturates (see [`courier_sim::threaded::scale`]), so no scale and no
/// instant can make it overflow or panic.
pub struct WallClock {
    start: std::time::Instant,
    scale: TimeScale,
}

impl WallClock {
    /// Starts now.
    pub fn start(scale: TimeScale) -> WallClock {
        WallClock {
            start: std::time::Instant::now(),
            scale,
        }
    }

    /// Its time scale.
    pub fn scale(&self) -> TimeScale {
        self.scale
    }
}

impl Clock for WallClock {
    fn now(&self) -> Millis {
        self.scale.virtual_of(self.start.elapsed())
    }

    fn wait<'a, T>(
        &self,
        cv: &Condvar,
        guard: MutexGuard<'a, T>,
        until: Option<Millis>,
    ) -> MutexGuard<'a, T> {
        match until {
            Some(t) => {
                // One virtual millisecond more than needed, so a floored `now` is past `t`
                // on waking instead of spinning on rounding. Long waits are cut into
                // pieces of at most a minute; the caller re-checks and waits again.
                let span = Millis(t.as_ms().saturating_sub(self.now().as_ms()).saturating_add(1));
                cv.wait_timeout(guard, self.scale.wall(span))
                    .map(|(g, _)| g)
                    .unwrap_or_else(|p| p.into_inner().0)
            }
            None => cv.wait(guard).unwrap_or_else(|p| p.into_inner()),
        }
    }
}

/// A clock that moves only when told: for model checking, where timed waits never time
/// out. Whoever moves it must then wake the queues
/// ([`TimedQueue::notify`](super::timed_queue::TimedQueue::notify)).
#[derive(Default)]
pub struct ManualClock {
    now: atomic::AtomicU64,
}

impl ManualClock {
    /// Moves the clock to `t` (never backwards).
    pub fn advance_to(&self, t: Millis) {
        self.now.fetch_max(t.as_ms(), atomic::Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Millis {
        Millis(self.now.load(atomic::Ordering::SeqCst))
    }

    fn wait<'a, T>(
        &self,
        cv: &Condvar,
        guard: MutexGuard<'a, T>,
        _until: Option<Millis>,
    ) -> MutexGuard<'a, T> {
        cv.wait(guard).unwrap_or_else(|p| p.into_inner())
    }
}
