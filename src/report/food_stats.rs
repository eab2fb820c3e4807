//! Running aggregates of a food run (SPEC §8.6): per restaurant for `restaurants.csv`, and
//! over the run for the food rows of `summary.csv`. Orders are taken in as they retire and
//! placements the rules refused as they are recorded, so memory does not grow with the
//! number of orders: one tally per restaurant, indexed by its id, and the click-to-door
//! histogram of exact millisecond values, as the wait percentiles keep theirs.

use super::stats::Histogram;
use crate::engine::{CancelReason, FoodOrder, Order, OrderStatus, Refusal, RestaurantId};

/// What `restaurants.csv` says of one restaurant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestaurantTally {
    /// Orders created with it.
    pub orders: u64,
    /// Its orders it rejected.
    pub rejected: u64,
    /// Its orders cancelled for any other reason (in the food rules, by the customer).
    pub cancelled: u64,
    /// Its orders delivered.
    pub delivered: u64,
    /// Σ (total − refunded) over its orders, in cents.
    pub revenue_cents: u128,
    /// Σ refunded over its orders, in cents.
    pub refunded_cents: u128,
    /// Placements with it refused with `out_of_stock`.
    pub out_of_stock_refused: u64,
    /// Σ preparing → ready, over its orders that became ready.
    prep_sum_ms: u128,
    prepared: u64,
    /// Σ first ready → pickup, over its picked-up orders.
    ready_to_pickup_sum_ms: u128,
    picked_up: u64,
}

impl RestaurantTally {
    /// Mean of preparing → ready over its orders that became ready.
    pub fn prep_mean_ms(&self) -> Option<f64> {
        mean(self.prep_sum_ms, self.prepared)
    }

    /// Mean of first ready → pickup over its picked-up orders.
    pub fn ready_to_pickup_mean_ms(&self) -> Option<f64> {
        mean(self.ready_to_pickup_sum_ms, self.picked_up)
    }
}

/// Everything a food run adds to `summary.csv`, and the restaurants' tallies.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FoodStats {
    /// One tally per restaurant, by id (grown on demand: a restaurant with no order and no
    /// refusal may have none).
    restaurants: Vec<RestaurantTally>,
    /// Placed → delivered, over delivered orders.
    click_to_door: Histogram,
    ready_to_pickup_sum_ms: u128,
    picked_up: u64,
    /// Σ (delivered − eta), signed, and Σ |delivered − eta|, over delivered orders.
    eta_error_sum_ms: i128,
    eta_abs_error_sum_ms: u128,
    delivered: u64,
    /// Failed pickups (lapsed or released assignments) over all orders.
    pub failed_pickups: u64,
    /// Orders the restaurant rejected.
    pub rejected_by_restaurant: u64,
    /// Placements refused with `out_of_stock`.
    pub out_of_stock_refused: u64,
    /// Placements refused with `restaurant_closed`.
    pub restaurant_closed_refused: u64,
    /// Σ (total − refunded) over all orders, in cents.
    pub revenue_cents: u128,
    /// Σ refunded over all orders, in cents.
    pub refunded_cents: u128,
}

impl FoodStats {
    /// Takes a finished food order into the aggregates.
    pub fn record_finished(&mut self, order: &Order, food: &FoodOrder) {
        let invoice = &food.invoice;
        let revenue = u128::from(invoice.total.saturating_sub(invoice.refunded));
        let refunded = u128::from(invoice.refunded);
        let ready_to_pickup = food
            .ready_at
            .zip(order.picked_up_at)
            .map(|(ready, picked)| u128::from(picked.saturating_sub(ready).as_ms()));
        let prep = food
            .preparing_at
            .zip(food.ready_at)
            .map(|(preparing, ready)| u128::from(ready.saturating_sub(preparing).as_ms()));
        let rejected = order.cancel_reason == Some(CancelReason::RestaurantRejected);

        self.revenue_cents += revenue;
        self.refunded_cents += refunded;
        self.failed_pickups += food.failed_drivers.len() as u64;
        self.rejected_by_restaurant += u64::from(rejected);
        if let Some(ms) = ready_to_pickup {
            self.ready_to_pickup_sum_ms += ms;
            self.picked_up += 1;
        }
        if let (OrderStatus::Delivered, Some(delivered)) = (order.status, order.delivered_at) {
            self.delivered += 1;
            self.click_to_door
                .add(delivered.saturating_sub(order.created_at).as_ms());
            let error = i128::from(delivered.as_ms()) - i128::from(food.eta.as_ms());
            self.eta_error_sum_ms += error;
            self.eta_abs_error_sum_ms += error.unsigned_abs();
        }

        let tally = self.tally_mut(food.restaurant);
        tally.orders += 1;
        match (order.status, rejected) {
            (OrderStatus::Delivered, _) => tally.delivered += 1,
            (OrderStatus::Cancelled, true) => tally.rejected += 1,
            (OrderStatus::Cancelled, false) => tally.cancelled += 1,
            _ => {}
        }
        tally.revenue_cents += revenue;
        tally.refunded_cents += refunded;
        if let Some(ms) = prep {
            tally.prep_sum_ms += ms;
            tally.prepared += 1;
        }
        if let Some(ms) = ready_to_pickup {
            tally.ready_to_pickup_sum_ms += ms;
            tally.picked_up += 1;
        }
    }

    /// Counts a placement with `restaurant` that the rules refused. Only `out_of_stock` and
    /// `restaurant_closed` are counted; `restaurants` is how many restaurants exist, so a
    /// refusal naming no real restaurant grows nothing.
    pub fn record_refused_placement(
        &mut self,
        restaurant: RestaurantId,
        refusal: Refusal,
        restaurants: usize,
    ) {
        if restaurant.index() >= restaurants {
            return;
        }
        match refusal {
            Refusal::OutOfStock => {
                self.out_of_stock_refused += 1;
                self.tally_mut(restaurant).out_of_stock_refused += 1;
            }
            Refusal::RestaurantClosed => self.restaurant_closed_refused += 1,
            _ => {}
        }
    }

    fn tally_mut(&mut self, restaurant: RestaurantId) -> &mut RestaurantTally {
        let i = restaurant.index();
        if self.restaurants.len() <= i {
            self.restaurants.resize(i + 1, RestaurantTally::default());
        }
        &mut self.restaurants[i]
    }

    /// The tally of one restaurant (all zero if nothing happened to it).
    pub fn restaurant(&self, restaurant: RestaurantId) -> RestaurantTally {
        self.restaurants
            .get(restaurant.index())
            .cloned()
            .unwrap_or_default()
    }

    /// Nearest-rank percentile of placed → delivered, over delivered orders.
    pub fn click_to_door_percentile(&self, p: f64) -> Option<u64> {
        self.click_to_door.percentile(p)
    }

    /// Mean of first ready → pickup, over picked-up orders.
    pub fn ready_to_pickup_mean_ms(&self) -> Option<f64> {
        mean(self.ready_to_pickup_sum_ms, self.picked_up)
    }

    /// Mean of delivered − eta (positive: later than the ETA), over delivered orders.
    pub fn eta_error_mean_ms(&self) -> Option<f64> {
        (self.delivered > 0).then(|| self.eta_error_sum_ms as f64 / self.delivered as f64)
    }

    /// Mean of |delivered − eta|, over delivered orders.
    pub fn eta_abs_error_mean_ms(&self) -> Option<f64> {
        mean(self.eta_abs_error_sum_ms, self.delivered)
    }
}

fn mean(sum: u128, n: u64) -> Option<f64> {
    (n > 0).then(|| sum as f64 / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{CustomerId, DriverId, Invoice, OrderDetail, OrderId};
    use crate::time::Millis;

    fn meal(restaurant: u32, invoice: Invoice) -> Order {
        let food = FoodOrder {
            restaurant: RestaurantId(restaurant),
            lines: Vec::new(),
            prices: Vec::new(),
            invoice,
            eta: Millis(10_000),
            confirmed_at: None,
            preparing_at: None,
            ready_at: None,
            failed_drivers: Vec::new(),
        };
        let ids = (CustomerId(0), CustomerId(0));
        Order::new(
            OrderId(0),
            ids,
            None,
            Millis(1_000),
            OrderDetail::Food(Box::new(food)),
        )
    }

    fn invoice(total: u64, refunded: u64) -> Invoice {
        Invoice {
            subtotal: total,
            refunded,
            total,
            ..Invoice::default()
        }
    }

    fn record(stats: &mut FoodStats, order: &Order) {
        if let Some(food) = order.food() {
            stats.record_finished(order, food);
        }
    }

    #[test]
    fn a_delivered_order_counts_its_times_revenue_and_eta_error() {
        let mut order = meal(1, invoice(2_000, 0));
        if let OrderDetail::Food(food) = &mut order.detail {
            food.confirmed_at = Some(Millis(2_000));
            food.preparing_at = Some(Millis(2_000));
            food.ready_at = Some(Millis(5_000));
            food.failed_drivers = vec![DriverId(3)];
        }
        order.status = OrderStatus::Delivered;
        order.picked_up_at = Some(Millis(6_500));
        order.delivered_at = Some(Millis(9_000));
        let mut stats = FoodStats::default();
        record(&mut stats, &order);
        assert_eq!(stats.click_to_door_percentile(50.0), Some(8_000));
        assert_eq!(stats.ready_to_pickup_mean_ms(), Some(1_500.0));
        assert_eq!(stats.eta_error_mean_ms(), Some(-1_000.0));
        assert_eq!(stats.eta_abs_error_mean_ms(), Some(1_000.0));
        assert_eq!((stats.revenue_cents, stats.refunded_cents), (2_000, 0));
        assert_eq!(stats.failed_pickups, 1);
        let r = stats.restaurant(RestaurantId(1));
        assert_eq!((r.orders, r.delivered, r.rejected, r.cancelled), (1, 1, 0, 0));
        assert_eq!(r.prep_mean_ms(), Some(3_000.0));
        assert_eq!(r.ready_to_pickup_mean_ms(), Some(1_500.0));
        assert_eq!(stats.restaurant(RestaurantId(0)), RestaurantTally::default());
    }

    #[test]
    fn rejections_and_cancellations_are_told_apart_and_refunds_leave_revenue() {
        let mut stats = FoodStats::default();
        let mut rejected = meal(0, invoice(1_500, 1_500));
        rejected.status = OrderStatus::Cancelled;
        rejected.cancel_reason = Some(CancelReason::RestaurantRejected);
        let mut cancelled = meal(0, invoice(1_500, 400));
        cancelled.status = OrderStatus::Cancelled;
        cancelled.cancel_reason = Some(CancelReason::Customer);
        record(&mut stats, &rejected);
        record(&mut stats, &cancelled);
        let r = stats.restaurant(RestaurantId(0));
        assert_eq!((r.orders, r.rejected, r.cancelled, r.delivered), (2, 1, 1, 0));
        assert_eq!((r.revenue_cents, r.refunded_cents), (1_100, 1_900));
        assert_eq!(r.prep_mean_ms(), None);
        assert_eq!(stats.rejected_by_restaurant, 1);
        assert_eq!(stats.click_to_door_percentile(50.0), None);
        assert_eq!(stats.eta_error_mean_ms(), None);
    }

    #[test]
    fn refused_placements_count_only_for_real_restaurants() {
        let mut stats = FoodStats::default();
        stats.record_refused_placement(RestaurantId(2), Refusal::OutOfStock, 3);
        stats.record_refused_placement(RestaurantId(2), Refusal::RestaurantClosed, 3);
        stats.record_refused_placement(RestaurantId(2), Refusal::InvalidArgument, 3);
        stats.record_refused_placement(RestaurantId(u32::MAX), Refusal::OutOfStock, 3);
        assert_eq!(stats.out_of_stock_refused, 1);
        assert_eq!(stats.restaurant_closed_refused, 1);
        assert_eq!(stats.restaurant(RestaurantId(2)).out_of_stock_refused, 1);
        assert_eq!(stats.restaurants.len(), 3);
    }
}
