//! What the replay checker concludes about a threaded run: the [`Verdict`] (operations,
//! refusals, violations, whether the replay was identical) and the [`Races`] it counted.
//! Kept apart from the replay so the reports and the command line can read a verdict
//! without the machinery that produced it.

use std::fmt;

/// How often the interesting races happened in one run. The first five are read from an
/// operation's own outcome; the rest from windows, the operations each one raced and lost
/// to (see [`crate::threaded::log::Window`] and `races.rs`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Races {
    /// A customer cancellation and a pickup of one order competed: the cancel came too late
    /// (`already_picked_up`) or the pickup did (`order_cancelled` for a customer cancel).
    pub cancel_vs_pickup: u64,
    /// A pickup lost to the deadline (`order_cancelled` on a `no_pickup` order: parcels).
    pub deadline_vs_pickup: u64,
    /// …of which the pickup came at or after the deadline before the timer thread had
    /// fired it: the engine fired the deadline itself on the pickup's way in, at the
    /// deadline's own instant, and then refused the pickup.
    pub late_pickup_before_timer: u64,
    /// A driver freed by a delivery, cancellation, deadline or release took a waiting
    /// order at once.
    pub freed_driver_took_waiting: u64,
    /// Orders that found no idle driver when they became assignable (a parcel placed, a
    /// meal ready) and waited.
    pub waited_for_a_driver: u64,
    /// Operations whose window held at least one other operation.
    pub raced: u64,
    /// The most operations one window held.
    pub longest_window: u64,
    /// Placements whose window held a change to the stock of a dish they order.
    pub stock: u64,
    /// Operations that made an order assignable or a driver free whose window held an
    /// assignment.
    pub dispatch: u64,
    /// Pickups or releases whose window held the deadline firing that took the order from
    /// that driver.
    pub unassign_driver_lost: u64,
    /// Deadline firings whose window held the order's pickup or release.
    pub unassign_timer_lost: u64,
}

/// The checker's conclusion.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Operations in the log.
    pub operations: u64,
    /// Of which refused.
    pub refused: u64,
    /// Orders placed.
    pub orders: u64,
    /// Everything that went wrong, first ones first (capped).
    pub violations: Vec<String>,
    /// Violations found in all (the list keeps only the first few).
    pub violation_count: u64,
    /// Whether replay gave the same results and the same final state.
    pub replay_identical: bool,
    /// Race counts.
    pub races: Races,
}

impl Verdict {
    /// No violation and an identical replay.
    pub fn passed(&self) -> bool {
        self.violation_count == 0 && self.replay_identical
    }

    /// Records a violation.
    pub fn violation(&mut self, message: String) {
        self.violation_count += 1;
        if self.violations.len() < 20 {
            self.violations.push(message);
        }
    }
}

impl fmt::Display for Verdict {
    /// Three lines: the verdict, the races read from outcomes, the races read from windows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.races;
        writeln!(
            f,
            "verdict: {} — {} operations ({} refused), {} orders, {} violations, replay {}",
            if self.passed() { "PASS" } else { "FAIL" },
            self.operations,
            self.refused,
            self.orders,
            self.violation_count,
            if self.replay_identical {
                "identical"
            } else {
                "DIFFERENT"
            },
        )?;
        writeln!(
            f,
            "races: cancel vs pickup {}, deadline vs pickup {} ({} before the timer fired), \
             freed driver took a waiting order {}, orders waited for a driver {}",
            r.cancel_vs_pickup,
            r.deadline_vs_pickup,
            r.late_pickup_before_timer,
            r.freed_driver_took_waiting,
            r.waited_for_a_driver,
        )?;
        write!(
            f,
            "races by window: {} operations raced (longest window {}); stock {}, dispatch {}, \
             unassign {} (driver lost {}, timer lost {})",
            r.raced,
            r.longest_window,
            r.stock,
            r.dispatch,
            r.unassign_driver_lost + r.unassign_timer_lost,
            r.unassign_driver_lost,
            r.unassign_timer_lost,
        )
    }
}
