//! Running aggregates for `summary.csv`: counters and exact percentiles, in memory that
//! does not grow with the number of orders (a histogram keyed by millisecond value,
//! bounded by the pickup deadline since no order is assigned after it). A food run's own
//! aggregates, the restaurants' tallies among them, are in [`super::food_stats`].

use std::collections::BTreeMap;

use super::food_stats::FoodStats;
use crate::engine::{CancelReason, Order, OrderStatus};

/// Everything `summary.csv` reports, gathered while the run goes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Orders created.
    pub orders_placed: u64,
    /// Repeated placements that found their key and created nothing.
    pub duplicates_prevented: u64,
    /// Orders delivered.
    pub delivered: u64,
    /// Orders cancelled by the deadline.
    pub cancelled_no_pickup: u64,
    /// Orders cancelled by their sender.
    pub cancelled_by_customer: u64,
    /// Pickups refused because the order was cancelled.
    pub pickup_refused_cancelled: u64,
    /// Customer cancellations refused because the order was picked up.
    pub cancel_refused_picked_up: u64,
    /// Customer cancellations refused because the order was delivered.
    pub cancel_refused_delivered: u64,
    /// Assigned drivers who never came.
    pub no_shows: u64,
    /// Food: meals still waiting for a driver when nothing more could happen (every driver
    /// failed them, or there are none).
    pub stranded: u64,
    /// Ratings given.
    pub ratings: u64,
    /// Messages processed by the vendors (one per channel).
    pub notifications_sent: u64,
    /// Events taken from the queue.
    pub events_processed: u64,
    /// Instant of the last event.
    pub sim_end_ms: u64,
    /// When arrivals end (the scenario's horizon).
    pub arrivals_end_ms: u64,
    /// Busy time of the whole fleet within `[0, arrivals_end_ms)`: from each order's
    /// assignment to its delivery or cancellation (exactly the engine's busy spells), so
    /// utilization can leave out the drain after arrivals stop.
    pub busy_during_arrivals_ms: u128,
    /// Food: the restaurants' tallies and the food rows of the summary (empty in a parcel
    /// run).
    pub food: FoodStats,
    wait_assign: Histogram,
    wait_pickup_sum_ms: u128,
    picked_up: u64,
    delivery_time_sum_ms: u128,
}

impl Stats {
    /// Takes a finished order's times into the aggregates.
    pub fn record_finished(&mut self, order: &Order) {
        match (order.status, order.cancel_reason) {
            (OrderStatus::Delivered, _) => self.delivered += 1,
            (OrderStatus::Cancelled, Some(CancelReason::NoPickup)) => self.cancelled_no_pickup += 1,
            (OrderStatus::Cancelled, Some(CancelReason::Customer)) => self.cancelled_by_customer += 1,
            _ => {}
        }
        if let Some(assigned) = order.assigned_at {
            self.wait_assign
                .add(assigned.saturating_sub(order.created_at).as_ms());
            // A driver is busy from the assignment until the delivery or the cancellation.
            if let Some(end) = order.delivered_at.or(order.cancelled_at) {
                let clip = |t: crate::time::Millis| t.as_ms().min(self.arrivals_end_ms);
                self.busy_during_arrivals_ms += u128::from(clip(end).saturating_sub(clip(assigned)));
            }
        }
        if let Some(picked) = order.picked_up_at {
            self.picked_up += 1;
            self.wait_pickup_sum_ms += u128::from(picked.saturating_sub(order.created_at).as_ms());
            if let Some(delivered) = order.delivered_at {
                self.delivery_time_sum_ms += u128::from(delivered.saturating_sub(picked).as_ms());
            }
        }
        if let Some(food) = order.food() {
            self.food.record_finished(order, food);
        }
    }

    /// Statistics of a run whose arrivals end at `horizon`.
    pub fn new(horizon: crate::time::Millis) -> Stats {
        Stats {
            arrivals_end_ms: horizon.as_ms(),
            ..Stats::default()
        }
    }

    /// Nearest-rank percentile of creation → assignment, over assigned orders.
    pub fn wait_assign_percentile(&self, p: f64) -> Option<u64> {
        self.wait_assign.percentile(p)
    }

    /// Mean of creation → pickup, over picked-up orders.
    pub fn wait_pickup_mean_ms(&self) -> Option<f64> {
        (self.picked_up > 0).then(|| self.wait_pickup_sum_ms as f64 / self.picked_up as f64)
    }

    /// Mean of pickup → delivery, over delivered orders.
    pub fn delivery_time_mean_ms(&self) -> Option<f64> {
        (self.delivered > 0).then(|| self.delivery_time_sum_ms as f64 / self.delivered as f64)
    }
}

/// Counts of exact millisecond values.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Histogram {
    counts: BTreeMap<u64, u64>,
    total: u64,
}

impl Histogram {
    pub(super) fn add(&mut self, value: u64) {
        *self.counts.entry(value).or_insert(0) += 1;
        self.total += 1;
    }

    /// The smallest value with at least p% of the samples at or below it.
    pub(super) fn percentile(&self, p: f64) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((p / 100.0) * self.total as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (&value, &count) in &self.counts {
            seen += count;
            if seen >= rank {
                return Some(value);
            }
        }
        self.counts.keys().next_back().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut h = Histogram::default();
        for v in 1..=100 {
            h.add(v);
        }
        assert_eq!(h.percentile(50.0), Some(50));
        assert_eq!(h.percentile(90.0), Some(90));
        assert_eq!(h.percentile(99.0), Some(99));
        assert_eq!(h.percentile(100.0), Some(100));
        let mut one = Histogram::default();
        one.add(7);
        assert_eq!(one.percentile(50.0), Some(7));
        assert_eq!(Histogram::default().percentile(50.0), None);
    }
}
