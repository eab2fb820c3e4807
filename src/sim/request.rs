//! What an arrival orders ([`Request`]: a parcel, or a meal with its lines and tip) and
//! how it is drawn from the arrivals stream ([`Draw`]): uniform parties, then for a meal a
//! number of distinct dishes (Floyd's algorithm, a fixed number of draws), their
//! quantities and the tip, each rounded and held within the rules' bounds.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::engine::food::{Line, MAX_AMOUNT, MAX_QUANTITY};
use crate::engine::ItemId;
use crate::scenario::Dist;

/// What an arrival orders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// A parcel from one customer to another.
    Parcel {
        /// Customer index of the sender.
        sender: u32,
        /// Customer index of the recipient (never the sender).
        recipient: u32,
        /// Catalog index.
        item: u32,
    },
    /// A meal.
    Meal {
        /// Customer index of who orders.
        customer: u32,
        /// Restaurant index.
        restaurant: u32,
        /// Distinct dishes of its menu, in menu order, each 1 to 99 times.
        lines: Vec<Line>,
        /// Tip in cents.
        tip: u64,
    },
}

/// How an arrival's request is drawn.
#[derive(Clone, Debug)]
pub enum Draw {
    /// Sender and recipient uniform and distinct, an item uniform.
    Parcel {
        /// Customers to choose from (≥ 2 for any arrival).
        customers: u32,
        /// Catalog size.
        items: u32,
    },
    /// Customer and restaurant uniform; the lines, quantities and tip from their
    /// distributions, rounded and bounded.
    Meal {
        /// Customers to choose from (≥ 1 for any arrival).
        customers: u32,
        /// Restaurants to choose from (≥ 1 for any arrival).
        restaurants: u32,
        /// Dishes on each menu (≥ 1).
        menu: u32,
        /// Lines per order.
        lines: Dist,
        /// Quantity per line.
        quantity: Dist,
        /// Tip in cents.
        tip: Dist,
    },
}

impl Draw {
    /// Whether any arrival can be drawn.
    pub(super) fn possible(&self) -> bool {
        match self {
            Draw::Parcel { customers, items } => *customers >= 2 && *items >= 1,
            Draw::Meal {
                customers,
                restaurants,
                menu,
                ..
            } => *customers >= 1 && *restaurants >= 1 && *menu >= 1,
        }
    }

    pub(super) fn request(&self, rng: &mut ChaCha8Rng) -> Request {
        match self {
            &Draw::Parcel { customers, items } => {
                let sender = rng.random_range(0..customers);
                let mut recipient = rng.random_range(0..customers - 1);
                if recipient >= sender {
                    recipient += 1;
                }
                let item = rng.random_range(0..items);
                Request::Parcel {
                    sender,
                    recipient,
                    item,
                }
            }
            Draw::Meal {
                customers,
                restaurants,
                menu,
                lines,
                quantity,
                tip,
            } => {
                let customer = rng.random_range(0..*customers);
                let restaurant = rng.random_range(0..*restaurants);
                let count = rounded(lines.sample(rng), 1, u64::from(*menu)) as u32;
                let mut chosen = distinct(rng, count, *menu);
                chosen.sort_unstable();
                let lines = chosen
                    .into_iter()
                    .map(|item| Line {
                        item: ItemId(item),
                        quantity: rounded(quantity.sample(rng), 1, u64::from(MAX_QUANTITY)) as u32,
                    })
                    .collect();
                let tip = rounded(tip.sample(rng), 0, MAX_AMOUNT);
                Request::Meal {
                    customer,
                    restaurant,
                    lines,
                    tip,
                }
            }
        }
    }
}

/// `x` rounded half away from zero, then clamped to `[low, high]`.
pub(super) fn rounded(x: f64, low: u64, high: u64) -> u64 {
    let r = x.round();
    if r.is_nan() || r <= low as f64 {
        low
    } else if r >= high as f64 {
        high
    } else {
        r as u64
    }
}

/// `count` distinct values of `0..n` (`count ≤ n`), by Floyd's algorithm: exactly `count`
/// draws whatever values come up.
pub(super) fn distinct(rng: &mut ChaCha8Rng, count: u32, n: u32) -> Vec<u32> {
    let mut chosen = Vec::with_capacity(count as usize);
    for j in n - count..n {
        let t = rng.random_range(0..=j);
        chosen.push(if chosen.contains(&t) { j } else { t });
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::streams::{stream, Purpose};

    #[test]
    fn floyds_choice_is_uniform_over_the_dishes() {
        let mut rng = stream(5, Purpose::Arrivals);
        let mut seen = [0u32; 10];
        for _ in 0..20_000 {
            let chosen = distinct(&mut rng, 3, 10);
            assert_eq!(chosen.len(), 3);
            assert!(chosen.iter().all(|&c| c < 10));
            assert!(chosen[0] != chosen[1] && chosen[1] != chosen[2] && chosen[0] != chosen[2]);
            for c in chosen {
                seen[c as usize] += 1;
            }
        }
        // Each dish is in a 3-of-10 choice with probability 0.3: 6,000 ± 4σ (σ ≈ 65).
        assert!(
            seen.iter().all(|&n| (n as f64 - 6_000.0).abs() < 260.0),
            "{seen:?}"
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero_then_held() {
        assert_eq!(rounded(2.5, 1, 9), 3);
        assert_eq!(rounded(2.49, 1, 9), 2);
        assert_eq!(rounded(0.2, 1, 9), 1);
        assert_eq!(rounded(1e300, 1, 9), 9);
        assert_eq!(rounded(f64::NAN, 1, 9), 1);
    }
}
