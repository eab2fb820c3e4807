//! What the log and its replay feed the reports of a threaded run: the counters the log
//! gives at once ([`counters_from_log`]), each replayed operation taken into the summary
//! counters ([`count`]), and written as rows of the event and notification reports
//! ([`report_operation`]). Operations are counted and written as they replay, not as they
//! ran live, so the reports describe them exactly as the checker saw them.

use crate::engine::{Command, Engine, Event, Refusal, Reply};
use crate::notify;
use crate::report::{ReportError, Reports, Stats};
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

/// Takes one replayed operation into the summary counters.
pub(super) fn count(
    stats: &mut Stats,
    command: &Command,
    outcome: Result<&crate::engine::Outcome, Refusal>,
    engine: &Engine,
) {
    let outcome = match (command, outcome) {
        (_, Ok(outcome)) => outcome,
        (Command::Pickup { .. }, Err(Refusal::OrderCancelled)) => return stats.pickup_refused_cancelled += 1,
        (Command::CancelOrder { .. }, Err(Refusal::AlreadyPickedUp)) => {
            return stats.cancel_refused_picked_up += 1
        }
        (Command::CancelOrder { .. }, Err(Refusal::AlreadyDelivered)) => {
            return stats.cancel_refused_delivered += 1
        }
        (_, Err(_)) => return,
    };
    for event in &outcome.events {
        match event {
            Event::Placed(_) => stats.orders_placed += 1,
            Event::DuplicatePrevented(_) => stats.duplicates_prevented += 1,
            Event::Rated(..) => stats.ratings += 1,
            _ => {}
        }
    }
    for notice in &outcome.notices {
        stats.notifications_sent += notify::channel_count(engine, notice.to) as u64;
    }
}

/// Writes one replayed operation's rows: a refusal, or its events and its notifications
/// (each when the reports want them).
pub(super) fn report_operation(
    reports: &mut Reports,
    entry: &LogEntry,
    engine: &Engine,
    outcome: Result<&crate::engine::Outcome, Refusal>,
) -> Result<(), ReportError> {
    let at = entry.at;
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(refusal) => {
            let detail = format!("{}:{refusal}", entry.command.name());
            let driver = entry
                .command
                .driver()
                .map_or("", |d| engine.drivers()[d.index()].name.as_str());
            return reports.event(at, "refused", entry.command.order(), driver, &detail);
        }
    };
    if reports.wants_events() {
        for event in &outcome.events {
            let driver = event
                .driver()
                .map_or("", |d| engine.drivers()[d.index()].name.as_str());
            reports.event(at, event.kind(), Some(event.order()), driver, &event.detail())?;
        }
    }
    if reports.wants_notifications() {
        for notice in &outcome.notices {
            for delivery in notify::deliveries(engine, at, notice) {
                reports.notification(&delivery)?;
            }
        }
    }
    Ok(())
}
