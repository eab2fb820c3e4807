//! Driver rankings (SPEC §3.13): by deliveries, and by a damped rating score so that one
//! 5-star rating does not top the board.
//!
//! The score is (stars + 5 × fleet mean) / (ratings + 5). Boards compare scores exactly as
//! fractions of integers, so two drivers with equal scores always tie (and break by name)
//! whatever floating-point rounding would have said.

use std::cmp::Ordering;
use std::fmt;

use super::ids::DriverId;
use super::Engine;

/// The weight of the fleet mean in the damped score, in pseudo-ratings.
pub const PRIOR_WEIGHT: u64 = 5;

/// The two boards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RankBy {
    /// Delivered orders, most first.
    Deliveries,
    /// Damped rating score, best first; unrated drivers last.
    Rating,
}

impl RankBy {
    /// The SPEC's name.
    pub fn as_str(self) -> &'static str {
        match self {
            RankBy::Deliveries => "deliveries",
            RankBy::Rating => "rating",
        }
    }

    /// Reads the SPEC's name.
    pub fn parse(text: &str) -> Option<RankBy> {
        [RankBy::Deliveries, RankBy::Rating]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

impl fmt::Display for RankBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A damped score as an exact fraction: (stars·N + 5·F) / (N·(ratings + 5)), where F and N
/// are the fleet's total stars and ratings.
#[derive(Clone, Copy, Debug)]
struct Score {
    numerator: u128,
    denominator: u128,
}

impl Score {
    fn cmp_value(&self, other: &Score) -> Ordering {
        (self.numerator * other.denominator).cmp(&(other.numerator * self.denominator))
    }

    fn value(&self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }
}

fn score(engine: &Engine, driver: DriverId) -> Option<Score> {
    let d = &engine.drivers()[driver.index()];
    let (fleet_stars, fleet_ratings) = engine.fleet_ratings();
    if d.ratings == 0 || fleet_ratings == 0 {
        return None;
    }
    let n = u128::from(fleet_ratings);
    Some(Score {
        numerator: u128::from(d.stars) * n + u128::from(PRIOR_WEIGHT) * u128::from(fleet_stars),
        denominator: n * (u128::from(d.ratings) + u128::from(PRIOR_WEIGHT)),
    })
}

/// The damped rating score of a driver, or `None` for a driver with no rating.
pub fn rating_score(engine: &Engine, driver: DriverId) -> Option<f64> {
    score(engine, driver).map(|s| s.value())
}

/// Every driver, best first. Ties break by name in byte order.
pub fn board(engine: &Engine, by: RankBy) -> Vec<DriverId> {
    let drivers = engine.drivers();
    let mut ids: Vec<DriverId> = (0..drivers.len() as u32).map(DriverId).collect();
    let by_name = |a: &DriverId, b: &DriverId| {
        drivers[a.index()]
            .name
            .as_bytes()
            .cmp(drivers[b.index()].name.as_bytes())
    };
    match by {
        RankBy::Deliveries => ids.sort_by(|a, b| {
            drivers[b.index()]
                .deliveries
                .cmp(&drivers[a.index()].deliveries)
                .then_with(|| by_name(a, b))
        }),
        RankBy::Rating => {
            let scores: Vec<Option<Score>> = ids.iter().map(|&d| score(engine, d)).collect();
            ids.sort_by(|a, b| {
                let order = match (&scores[a.index()], &scores[b.index()]) {
                    (Some(x), Some(y)) => y.cmp_value(x),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                };
                order.then_with(|| by_name(a, b))
            });
        }
    }
    ids
}
