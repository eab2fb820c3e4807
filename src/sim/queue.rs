//! A priority queue of events ordered by (time, sequence): events due at the same instant
//! come out first-in, first-out (SPEC §2), as in nexosim. The sequence counter is checked
//! for overflow rather than left to wrap.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use crate::time::Millis;

/// The sequence counter ran out (after 2^64 events): the run must stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SequenceExhausted;

impl std::fmt::Display for SequenceExhausted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the event sequence counter is exhausted")
    }
}

impl std::error::Error for SequenceExhausted {}

struct Entry<T> {
    at: Millis,
    seq: u64,
    event: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// Events waiting for their instant.
pub struct EventQueue<T> {
    heap: BinaryHeap<Reverse<Entry<T>>>,
    next_seq: u64,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }
}

impl<T> EventQueue<T> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `event` at `at`, after everything already scheduled for that instant.
    pub fn push(&mut self, at: Millis, event: T) -> Result<u64, SequenceExhausted> {
        let seq = self.next_seq;
        self.next_seq = seq.checked_add(1).ok_or(SequenceExhausted)?;
        self.heap.push(Reverse(Entry { at, seq, event }));
        Ok(seq)
    }

    /// The instant of the next event.
    pub fn next_time(&self) -> Option<Millis> {
        self.heap.peek().map(|Reverse(e)| e.at)
    }

    /// The next event and its instant, left in the queue.
    pub fn peek(&self) -> Option<(Millis, &T)> {
        self.heap.peek().map(|Reverse(e)| (e.at, &e.event))
    }

    /// Removes and returns the next event if it is due at or before `now`, with its
    /// instant and sequence number.
    pub fn pop_due(&mut self, now: Millis) -> Option<(Millis, u64, T)> {
        if self.next_time()? > now {
            return None;
        }
        self.heap.pop().map(|Reverse(e)| (e.at, e.seq, e.event))
    }

    /// Removes and returns the next event, whenever it is due.
    pub fn pop(&mut self) -> Option<(Millis, u64, T)> {
        self.heap.pop().map(|Reverse(e)| (e.at, e.seq, e.event))
    }

    /// Events still queued.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_instant_is_fifo_and_earlier_first() {
        let mut q = EventQueue::new();
        q.push(Millis(10), "b1").unwrap();
        q.push(Millis(5), "a").unwrap();
        q.push(Millis(10), "b2").unwrap();
        q.push(Millis(10), "b3").unwrap();
        assert_eq!(q.pop_due(Millis(4)), None);
        let order: Vec<_> = std::iter::from_fn(|| q.pop_due(Millis(10)).map(|(_, _, e)| e)).collect();
        assert_eq!(order, ["a", "b1", "b2", "b3"]);
        assert!(q.is_empty());
    }

    #[test]
    fn sequence_overflow_is_an_error_not_a_wrap() {
        let mut q = EventQueue::new();
        q.next_seq = u64::MAX;
        assert_eq!(q.push(Millis(0), ()), Err(SequenceExhausted));
    }
}
