//! Dispatch policies: which idle driver gets a newly placed order (SPEC §3.4, §5).
//!
//! Idle drivers are kept in an [`IdleSet`] ordered by the sequence number of the moment they
//! became idle, so "longest idle" is the first entry and every policy breaks ties the same
//! way (longest idle first), whatever the platform. The set also indexes its drivers by
//! position, so `nearest` finds its driver without measuring the distance to every idle
//! driver (see the `idle` submodule); [`nearest_by_scan`] keeps the plain scan it replaced,
//! as the reference the tests and the benchmark compare it with.

mod idle;
#[cfg(test)]
mod tests;
mod waiting;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::geo::LatLon;
use super::ids::DriverId;
use super::model::{Driver, Duty};

pub use idle::IdleSet;
pub use waiting::WaitingLine;

/// How an idle driver is chosen for a new order. A driver who becomes idle always takes
/// the oldest waiting order, whatever the policy (SPEC §3.5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Policy {
    /// The driver who became idle earliest.
    #[default]
    LongestIdle,
    /// The idle driver closest to the sender (haversine); drivers or senders without a
    /// position count as infinitely far, so ties fall back to longest idle.
    Nearest,
    /// A uniformly random idle driver, from the engine's seeded stream.
    Random,
}

impl Policy {
    /// Every policy.
    pub const ALL: [Policy; 3] = [Policy::LongestIdle, Policy::Nearest, Policy::Random];

    /// The SPEC's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::LongestIdle => "longest_idle",
            Policy::Nearest => "nearest",
            Policy::Random => "random",
        }
    }

    /// Reads the SPEC's name.
    pub fn parse(text: &str) -> Option<Policy> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// Picks an idle driver for an order to be fetched at `pickup` (a parcel's sender, a meal's
/// restaurant), or `None` if no driver is idle. Drivers in `excluded` (who failed this
/// order) are never chosen. Consumes randomness only under [`Policy::Random`] and only when
/// there is a choice to make.
///
/// `drivers` is the engine's driver table; the idle set holds each idle driver's position
/// as it was when they became idle, which is their position still (a driver only moves
/// while busy).
pub fn choose(
    policy: Policy,
    idle: &IdleSet,
    drivers: &[Driver],
    pickup: Option<LatLon>,
    rng: &mut ChaCha8Rng,
    excluded: &[DriverId],
) -> Option<DriverId> {
    if !excluded.is_empty() {
        return choose_excluding(policy, idle, pickup, rng, excluded);
    }
    match policy {
        Policy::LongestIdle => idle.first(),
        Policy::Nearest => {
            let chosen = match pickup {
                Some(from) => idle.nearest(from).or_else(|| idle.first()),
                None => idle.first(),
            };
            debug_assert!(
                chosen.is_none_or(|d| {
                    let driver = &drivers[d.index()];
                    let Duty::Idle { since_seq } = driver.duty else {
                        return false;
                    };
                    idle.position(&(since_seq, d)) == Some(driver.location)
                }),
                "{chosen:?} is not idle where the idle set has them"
            );
            chosen
        }
        Policy::Random => match idle.len() {
            0 => None,
            1 => idle.first(),
            n => idle.iter().nth(rng.random_range(0..n)).map(|&(_, d)| d),
        },
    }
}

/// [`choose`] when some drivers may not take the order: the same rules among the others.
fn choose_excluding(
    policy: Policy,
    idle: &IdleSet,
    pickup: Option<LatLon>,
    rng: &mut ChaCha8Rng,
    excluded: &[DriverId],
) -> Option<DriverId> {
    let eligible = |d: DriverId| !excluded.contains(&d);
    match policy {
        Policy::LongestIdle => idle.first_where(eligible),
        Policy::Nearest => pickup
            .and_then(|from| idle.nearest_where(from, eligible))
            .or_else(|| idle.first_where(eligible)),
        Policy::Random => {
            let n = idle.iter().filter(|&&(_, d)| eligible(d)).count();
            match n {
                0 => None,
                1 => idle.first_where(eligible),
                n => {
                    let pick = rng.random_range(0..n);
                    idle.iter().map(|&(_, d)| d).filter(|&d| eligible(d)).nth(pick)
                }
            }
        }
    }
}

/// The `nearest` choice by measuring every idle driver: the closest to `pickup`, ties to
/// the longest idle, drivers or a sender without a position infinitely far. This is what
/// [`choose`] did before the idle set had a spatial index; it is kept as the reference the
/// index must agree with, exactly, in every case.
pub fn nearest_by_scan(idle: &IdleSet, drivers: &[Driver], pickup: Option<LatLon>) -> Option<DriverId> {
    let mut best: Option<(f64, DriverId)> = None;
    for &(_, d) in idle.iter() {
        let distance = match (pickup, drivers[d.index()].location) {
            (Some(from), Some(at)) => at.haversine_km(from),
            _ => f64::INFINITY,
        };
        // Strictly closer only: on a tie the longer-idle driver, seen first, keeps it.
        if best.is_none_or(|(shortest, _)| distance < shortest) {
            best = Some((distance, d));
        }
    }
    best.map(|(_, d)| d)
}
