//! The summary counters a threaded run's log gives before its replay
//! ([`counters_from_log`]): its operations, the no-shows and the run's end. What each
//! replayed operation adds to the counters and the report rows is recorded by
//! [`crate::sim::record`], the same recorder as the virtual clock's, so the two modes'
//! reports cannot drift apart.

use crate::engine::Reply;
use crate::report::Stats;
use crate::threaded::log::LogEntry;
use crate::time::Millis;

/// The summary counters the log gives before its replay: its operations, the no-shows, and
/// the run's end.
pub(super) fn counters_from_log(horizon: Millis, log: &[LogEntry], no_shows: u64) -> Stats {
    let mut stats = Stats::new(horizon);
    stats.events_processed = log.len() as u64;
    stats.no_shows = no_shows;
    // As in `sim::load::run`: the run lasts until the last operation that did something,
    // not until a deadline timer of an order long delivered.
    let idle_timer = |e: &&LogEntry| matches!(e.result, Ok(Reply::DeadlineExpired { cancelled: false }));
    stats.sim_end_ms = log
        .iter()
        .rev()
        .find(|e| !idle_timer(e))
        .map_or(0, |e| e.at.as_ms());
    stats
}
