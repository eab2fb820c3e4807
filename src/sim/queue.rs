//! A priority queue of events ordered by (time, sequence): events due at the same instant
//! come out first-in, first-out (SPEC §2), as in nexosim. The sequence counter is checked
//! for overflow rather than left to wrap.
//!
//! Shape: a calendar. Only the entries of the current second (of virtual time) are in a
//! binary heap; later ones wait unsorted in one bucket per second, for an hour ahead, and
//! anything later in a second heap. When the current second's entries are all taken, the
//! next second that holds any becomes current and its bucket is moved into the heap. The
//! order out is exactly one heap's, (time, sequence), since every entry of the current
//! second precedes every entry of a later one; what changes is the cost. A load run's agenda
//! holds thousands of entries (deadline timers 15 minutes out, kitchens, trips), and a
//! single heap of them sifted through cache misses on every take; here an entry costs a
//! push onto its bucket and two operations on a heap of one second's entries, which stays in
//! the nearest cache.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

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

/// How much virtual time one bucket of the calendar spans, in milliseconds.
const BUCKET_MS: u64 = 1_000;

/// How many buckets the calendar keeps ahead of the current one (about 68 minutes).
const BUCKETS: u64 = 4_096;

/// Events waiting for their instant.
pub struct EventQueue<T> {
    /// Every entry of the current bucket or earlier; empty only if the queue is.
    near: BinaryHeap<Reverse<Entry<T>>>,
    /// The current bucket: `near` holds every entry whose bucket is this one or earlier.
    current: u64,
    /// `ahead[i]` holds, unsorted, entries of bucket `current + 1 + i`, for `i < BUCKETS`.
    ahead: VecDeque<Vec<Entry<T>>>,
    /// Emptied buckets, kept for reuse.
    spare: Vec<Vec<Entry<T>>>,
    /// Entries beyond the calendar when queued (some may be within it by now).
    far: BinaryHeap<Reverse<Entry<T>>>,
    len: usize,
    next_seq: u64,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        EventQueue {
            near: BinaryHeap::new(),
            current: 0,
            ahead: VecDeque::new(),
            spare: Vec::new(),
            far: BinaryHeap::new(),
            len: 0,
            next_seq: 0,
        }
    }
}

fn bucket_of(at: Millis) -> u64 {
    at.as_ms() / BUCKET_MS
}

impl<T> EventQueue<T> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `event` at `at`, after everything already scheduled for that instant.
    #[inline]
    pub fn push(&mut self, at: Millis, event: T) -> Result<u64, SequenceExhausted> {
        let seq = self.next_seq;
        self.next_seq = seq.checked_add(1).ok_or(SequenceExhausted)?;
        let entry = Entry { at, seq, event };
        let bucket = bucket_of(at);
        self.len += 1;
        if bucket <= self.current {
            self.near.push(Reverse(entry));
            return Ok(seq);
        }
        let offset = bucket - self.current - 1;
        if offset < BUCKETS {
            let offset = offset as usize;
            while self.ahead.len() <= offset {
                let empty = self.spare.pop().unwrap_or_default();
                self.ahead.push_back(empty);
            }
            self.ahead[offset].push(entry);
        } else {
            self.far.push(Reverse(entry));
        }
        if self.near.is_empty() {
            self.advance();
        }
        Ok(seq)
    }

    /// Makes the next bucket holding anything the current one, its entries in `near`
    /// (with those of `far` that are due by its end). Called when `near` is empty.
    fn advance(&mut self) {
        while self.near.is_empty() {
            match self.ahead.pop_front() {
                Some(mut bucket) => {
                    self.current += 1;
                    self.near.extend(bucket.drain(..).map(Reverse));
                    self.spare.push(bucket);
                }
                None => match self.far.peek() {
                    // Nothing within the calendar: jump to the first of the far entries.
                    Some(Reverse(e)) => self.current = self.current.max(bucket_of(e.at)),
                    None => return,
                },
            }
            while let Some(Reverse(e)) = self.far.peek() {
                if bucket_of(e.at) > self.current {
                    break;
                }
                if let Some(e) = self.far.pop() {
                    self.near.push(e);
                }
            }
        }
    }

    /// The instant of the next event.
    pub fn next_time(&self) -> Option<Millis> {
        self.near.peek().map(|Reverse(e)| e.at)
    }

    /// The next event and its instant, left in the queue.
    pub fn peek(&self) -> Option<(Millis, &T)> {
        self.near.peek().map(|Reverse(e)| (e.at, &e.event))
    }

    /// Removes and returns the next event if it is due at or before `now`, with its
    /// instant and sequence number.
    pub fn pop_due(&mut self, now: Millis) -> Option<(Millis, u64, T)> {
        if self.next_time()? > now {
            return None;
        }
        self.pop()
    }

    /// Removes and returns the next event, whenever it is due.
    #[inline]
    pub fn pop(&mut self) -> Option<(Millis, u64, T)> {
        let Reverse(e) = self.near.pop()?;
        self.len -= 1;
        if self.near.is_empty() && self.len > 0 {
            self.advance();
        }
        Some((e.at, e.seq, e.event))
    }

    /// Events still queued.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.len == 0
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
    fn the_calendar_gives_the_order_one_heap_gives() {
        // Pushes never before the last instant taken (as in a simulation): due at once,
        // within a second, minutes or hours ahead, about the calendar's end and past it, at
        // the end of time, with many ties, in rounds that take more or fewer than they push, so that
        // time runs through hours and the queue sometimes empties. The order out must be
        // (time, sequence), as a single sorted list of everything pushed says.
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        let mut q = EventQueue::new();
        let mut expected = Vec::new();
        let mut taken = Vec::new();
        let mut now = 0u64;
        for round in 0..300u64 {
            let (pushes, takes) = (next(400), next(500));
            for i in 0..pushes + takes {
                if next(pushes + takes) < takes {
                    if let Some((at, seq, e)) = q.pop() {
                        assert!(at.0 >= now, "time went back");
                        now = at.0;
                        taken.push((at.0, seq, e));
                    }
                    continue;
                }
                let at = match next(14) {
                    // About the calendar's end, where entries go one way or the other.
                    12..=13 => now.saturating_add(BUCKET_MS * (BUCKETS - 2 + next(4)) + next(2)),
                    0..=1 => now,
                    2..=3 => now.saturating_add(next(1_000)),
                    4..=5 => now.saturating_add(1_000 * next(3)),
                    6..=8 => now.saturating_add(next(900_000)),
                    9..=10 => now.saturating_add(3_000_000 + next(3_000_000)),
                    _ if next(20) == 0 => u64::MAX,
                    _ => now.saturating_add(next(100_000_000)),
                };
                let event = round * 1_000 + i;
                let seq = q.push(Millis(at), event).unwrap();
                expected.push((at, seq, event));
                assert_eq!(q.len(), expected.len() - taken.len());
            }
        }
        while let Some((at, seq, e)) = q.pop() {
            taken.push((at.0, seq, e));
        }
        expected.sort_unstable();
        assert_eq!(taken, expected);
        assert!(q.is_empty());
    }

    #[test]
    fn sequence_overflow_is_an_error_not_a_wrap() {
        let mut q = EventQueue::new();
        q.next_seq = u64::MAX;
        assert_eq!(q.push(Millis(0), ()), Err(SequenceExhausted));
    }
}
