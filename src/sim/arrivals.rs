//! Order arrivals: a Poisson process whose rate is piecewise constant (a rate profile, such
//! as a dinner rush), drawn from the arrivals stream alone, and what each arrival asks for
//! (a parcel, or a meal: customer, restaurant, lines and tip).
//!
//! Nothing but the arrivals stream decides an arrival, and its draws do not depend on the
//! policy or the fleet, so for one seed the arrivals (time, parties, what, double tap) are
//! identical across policies and fleet sizes: common random numbers.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp1};

pub use super::request::{Draw, Request};
use crate::engine::{Command, CustomerId, ItemId, RestaurantId};
use crate::time::Millis;

/// A retried placement follows the first within this span.
pub const MAX_RETRY_DELAY_MS: u64 = 2_000;

/// One order arrival.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// 0-based arrival number.
    pub index: u64,
    /// When it arrives.
    pub at: Millis,
    /// What is ordered.
    pub request: Request,
    /// For a double tap: how long after the first send the second comes.
    pub retry_after: Option<Millis>,
}

impl Arrival {
    /// The placement command; a double tap's two sends share the key `tap-N`.
    pub fn command(&self) -> Command {
        let key = self.retry_after.map(|_| format!("tap-{}", self.index + 1));
        match &self.request {
            &Request::Parcel {
                sender,
                recipient,
                item,
            } => Command::PlaceOrder {
                sender: CustomerId(sender),
                recipient: CustomerId(recipient),
                item: ItemId(item),
                key,
            },
            Request::Meal {
                customer,
                restaurant,
                lines,
                tip,
            } => Command::PlaceMeal {
                customer: CustomerId(*customer),
                restaurant: RestaurantId(*restaurant),
                lines: lines.clone(),
                tip: *tip,
                key,
            },
        }
    }
}

/// Nanoseconds per millisecond: arrival times are kept in integer nanoseconds, so time
/// always advances exactly and a long horizon loses no precision (an `f64` of milliseconds
/// stops advancing near 2^53).
const NS_PER_MS: u64 = 1_000_000;

/// The arrival process of a scenario.
pub struct Arrivals {
    rng: ChaCha8Rng,
    /// `(from, orders per ns)`, in order, starting at 0; `from` in ns.
    segments: Vec<(u64, f64)>,
    /// The segment in force at `t` (time only moves forward).
    segment: usize,
    /// End of arrivals, in ns.
    horizon: u64,
    draw: Draw,
    double_tap: f64,
    /// Time of the last arrival, in ns.
    t: u64,
    next_index: u64,
}

impl Arrivals {
    /// The process for these settings; `segments` (orders per ms) must start at time 0.
    /// Instants are bounded by [`Millis::MAX_DURATION`] (the scenario's limits), so their
    /// nanoseconds fit a `u64`.
    pub fn new(
        rng: ChaCha8Rng,
        segments: Vec<(Millis, f64)>,
        horizon: Millis,
        draw: Draw,
        double_tap: f64,
    ) -> Arrivals {
        let ns = |t: Millis| t.as_ms().saturating_mul(NS_PER_MS);
        Arrivals {
            rng,
            segments: segments
                .into_iter()
                .map(|(from, per_ms)| (ns(from), per_ms / NS_PER_MS as f64))
                .collect(),
            segment: 0,
            horizon: ns(horizon),
            draw,
            double_tap,
            t: 0,
            next_index: 0,
        }
    }

    /// The rate in force at `t` (ns), and when it next changes; moves the cursor forward.
    fn segment_at(&mut self, t: u64) -> (f64, u64) {
        while self
            .segments
            .get(self.segment + 1)
            .is_some_and(|&(from, _)| from <= t)
        {
            self.segment += 1;
        }
        let end = self.segments.get(self.segment + 1).map_or(u64::MAX, |s| s.0);
        (self.segments.get(self.segment).map_or(0.0, |s| s.1), end)
    }
}

impl Iterator for Arrivals {
    type Item = Arrival;

    fn next(&mut self) -> Option<Arrival> {
        if !self.draw.possible() {
            return None;
        }
        // Time-change method: one unit-rate exponential, spent across rate segments.
        let mut work: f64 = Exp1.sample(&mut self.rng);
        let mut t = self.t;
        loop {
            if t >= self.horizon {
                self.t = self.horizon;
                return None;
            }
            let (rate, end) = self.segment_at(t);
            let end = end.min(self.horizon);
            let span = (end - t) as f64;
            if rate > 0.0 && work <= rate * span {
                // Rounding may overshoot the segment by a nanosecond at most.
                let step = (work / rate).round() as u64;
                t += step.min(end - t);
                break;
            }
            work -= rate * span;
            t = end;
        }
        if t >= self.horizon {
            self.t = self.horizon;
            return None;
        }
        self.t = t;
        let request = self.draw.request(&mut self.rng);
        let tap: f64 = self.rng.random();
        let retry_delay = self.rng.random_range(0..=MAX_RETRY_DELAY_MS);
        let index = self.next_index;
        self.next_index += 1;
        Some(Arrival {
            index,
            at: Millis(t / NS_PER_MS),
            request,
            retry_after: (tap < self.double_tap).then_some(Millis(retry_delay)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::streams::{stream, Purpose};

    fn arrivals(segments: Vec<(Millis, f64)>, horizon_ms: u64) -> Vec<Arrival> {
        Arrivals::new(
            stream(9, Purpose::Arrivals),
            segments,
            Millis(horizon_ms),
            Draw::Parcel {
                customers: 50,
                items: 4,
            },
            0.1,
        )
        .collect()
    }

    #[test]
    fn counts_follow_the_rate_profile() {
        let per_min = |n: f64| n / 60_000.0;
        // 10/m for an hour, then 100/m for an hour, then nothing.
        let segs = vec![
            (Millis(0), per_min(10.0)),
            (Millis(3_600_000), per_min(100.0)),
            (Millis(7_200_000), 0.0),
        ];
        let all = arrivals(segs, 3 * 3_600_000);
        let first = all.iter().filter(|a| a.at.as_ms() < 3_600_000).count() as f64;
        let second = all
            .iter()
            .filter(|a| (3_600_000..7_200_000).contains(&a.at.as_ms()))
            .count() as f64;
        // Poisson counts: 600 ± 3·24.5 and 6000 ± 3·77.
        assert!((first - 600.0).abs() < 75.0, "{first}");
        assert!((second - 6000.0).abs() < 235.0, "{second}");
        assert!(all.iter().all(|a| a.at.as_ms() < 7_200_000));
    }

    #[test]
    fn arrivals_are_ordered_within_the_horizon_with_distinct_parties() {
        let all = arrivals(vec![(Millis(0), 0.01)], 600_000);
        assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(all.iter().all(|a| matches!(a.request,
            Request::Parcel { sender, recipient, item } if sender != recipient && sender < 50 && recipient < 50 && item < 4)));
        let taps = all.iter().filter(|a| a.retry_after.is_some()).count() as f64 / all.len() as f64;
        assert!((taps - 0.1).abs() < 0.03, "{taps}");
    }

    #[test]
    fn time_advances_exactly_however_late_the_profile_steps() {
        // Regression: with time an f64 of milliseconds, a step near 2^56 ms at 1000/s never
        // advanced (each arrival added less than one ulp) and the run never ended. Steps
        // are now bounded (1000 days), and integer nanoseconds advance exactly.
        let last = Millis::MAX_DURATION.as_ms();
        let segs = vec![(Millis(0), 0.0), (Millis(last - 10_000), 1.0)];
        let all = arrivals(segs, last);
        // 10 s at 1000/s: about 10,000 ± 300 arrivals, all in the last 10 s, in order.
        assert!((all.len() as f64 - 10_000.0).abs() < 400.0, "{}", all.len());
        assert!(all
            .iter()
            .all(|a| a.at.as_ms() >= last - 10_000 && a.at.as_ms() < last));
        assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
    }

    #[test]
    fn a_zero_rate_gives_no_arrivals() {
        assert!(arrivals(vec![(Millis(0), 0.0)], 600_000).is_empty());
    }

    #[test]
    fn meals_have_distinct_dishes_in_menu_order_and_bounded_numbers() {
        let dist = |text: &str| {
            crate::scenario::Dist::parse(text, |v| v.trim().parse::<f64>().map_err(|e| e.to_string()))
                .unwrap()
        };
        let draw = Draw::Meal {
            customers: 30,
            restaurants: 4,
            menu: 5,
            // Up to 9 lines asked for on a 5-dish menu: held to 5.
            lines: dist("uniform(0, 9)"),
            quantity: dist("normal(50, 100)"),
            tip: dist("uniform(0, 400)"),
        };
        let all: Vec<Arrival> = Arrivals::new(
            stream(3, Purpose::Arrivals),
            vec![(Millis(0), 0.01)],
            Millis(600_000),
            draw,
            0.0,
        )
        .collect();
        assert!(all.len() > 4_000, "{}", all.len());
        let mut counts = [0u32; 6];
        for a in &all {
            let Request::Meal {
                customer,
                restaurant,
                lines,
                tip,
            } = &a.request
            else {
                panic!("a parcel among meals");
            };
            assert!(*customer < 30 && *restaurant < 4 && *tip <= 400);
            assert!(lines.windows(2).all(|w| w[0].item < w[1].item), "{lines:?}");
            assert!(lines
                .iter()
                .all(|l| l.item.0 < 5 && (1..=99).contains(&l.quantity)));
            counts[lines.len()] += 1;
        }
        // Never empty, never past the menu, and every count in between occurs.
        assert_eq!(counts[0], 0);
        assert!(counts[1..].iter().all(|&c| c > 0), "{counts:?}");
    }
}
