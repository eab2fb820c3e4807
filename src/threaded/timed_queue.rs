//! Waiting for work without polling: the [`TimedQueue`] of work due at virtual instants that
//! the worker threads and the timer thread take from, and the [`Progress`] counter a thread
//! waits on for a condition spanning several locks. Like the kernel, this file synchronises
//! only through `super::sync`, so the model-checking test (`tests/model/`) compiles it
//! again against `shuttle`.

use super::clock::Clock;
use super::poison::lock;
use super::sync::{Condvar, Mutex};
use courier_sim::sim::EventQueue;
use courier_sim::time::Millis;

struct QueueState<T> {
    queue: EventQueue<T>,
    closed: bool,
    /// Items taken and not yet reported done.
    busy: usize,
}

/// Work due at virtual instants, for one or more consumer threads. Consumers block on a
/// condition variable until the earliest item is due (no polling), a producer adds an
/// earlier one, or the queue closes.
pub struct TimedQueue<T> {
    state: Mutex<QueueState<T>>,
    cv: Condvar,
}

impl<T> Default for TimedQueue<T> {
    fn default() -> Self {
        TimedQueue {
            state: Mutex::new(QueueState {
                queue: EventQueue::new(),
                closed: false,
                busy: 0,
            }),
            cv: Condvar::new(),
        }
    }
}

impl<T> TimedQueue<T> {
    /// Adds an item due at `at` and wakes the consumers.
    pub fn push(&self, at: Millis, item: T) {
        let mut state = lock(&self.state);
        // Sequence exhaustion needs 2^64 pushes; a dropped item there is the least harm.
        let _ = state.queue.push(at, item);
        drop(state);
        self.cv.notify_all();
    }

    /// Takes the next item once it is due; `None` once the queue is closed.
    pub fn pop_due<C: Clock>(&self, clock: &C) -> Option<(Millis, T)> {
        let mut state = lock(&self.state);
        loop {
            if state.closed {
                return None;
            }
            let next = state.queue.next_time();
            if let Some(due) = next.filter(|&t| t <= clock.now()) {
                let (at, _, item) = state.queue.pop_due(due)?;
                state.busy += 1;
                return Some((at, item));
            }
            state = clock.wait(&self.cv, state, next);
        }
    }

    /// Reports an item taken by [`TimedQueue::pop_due`] as handled.
    pub fn done(&self) {
        let mut state = lock(&self.state);
        state.busy = state.busy.saturating_sub(1);
        drop(state);
        self.cv.notify_all();
    }

    /// Nothing queued and nothing being handled.
    pub fn is_idle(&self) -> bool {
        let state = lock(&self.state);
        state.queue.is_empty() && state.busy == 0
    }

    /// Items still queued.
    pub fn len(&self) -> usize {
        lock(&self.state).queue.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Wakes every waiting consumer (after a manual clock moved).
    pub fn notify(&self) {
        let _guard = lock(&self.state);
        self.cv.notify_all();
    }

    /// Stops the consumers; items still queued are dropped.
    pub fn close(&self) {
        lock(&self.state).closed = true;
        self.cv.notify_all();
    }
}

/// Work in flight across the queues of a run, and a counter of "something happened", for a
/// thread that waits for a condition spanning several locks without polling.
///
/// `outstanding` counts every item pushed to any queue and not yet reported done. A
/// handler pushes an item's follow-ups before it reports the item done, so `outstanding`
/// reaches 0 only when no thread holds or can be handed any work: the run is then frozen,
/// and whatever is still unfinished can never finish.
#[derive(Default)]
pub struct Progress {
    state: Mutex<ProgressState>,
    cv: Condvar,
}

#[derive(Default)]
struct ProgressState {
    generation: u64,
    outstanding: u64,
}

impl Progress {
    /// Counts an item about to be pushed to a queue (call before pushing).
    pub fn add(&self) {
        lock(&self.state).outstanding += 1;
    }

    /// Counts an item done (after its follow-ups were pushed) and wakes the waiters.
    pub fn finish(&self) {
        let mut state = lock(&self.state);
        state.outstanding = state.outstanding.saturating_sub(1);
        state.generation += 1;
        drop(state);
        self.cv.notify_all();
    }

    /// Records that something happened and wakes the waiters.
    pub fn bump(&self) {
        lock(&self.state).generation += 1;
        self.cv.notify_all();
    }

    /// Items pushed and not yet done.
    pub fn outstanding(&self) -> u64 {
        lock(&self.state).outstanding
    }

    /// How many things have happened so far.
    pub fn generation(&self) -> u64 {
        lock(&self.state).generation
    }

    /// Blocks until something happens after generation `seen`, or the clock reaches
    /// `until` (on clocks with timed waits).
    pub fn wait_for_change<C: Clock>(&self, clock: &C, seen: u64, until: Millis) {
        let mut state = lock(&self.state);
        while state.generation == seen && clock.now() < until {
            state = clock.wait(&self.cv, state, Some(until));
        }
    }
}
