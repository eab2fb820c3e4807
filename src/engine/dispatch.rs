//! Dispatch policies: which idle driver gets a newly placed order (SPEC §3.4, §5).
//!
//! Idle drivers are kept in a `BTreeSet` ordered by the sequence number of the moment they
//! became idle, so "longest idle" is the first entry and every policy breaks ties the same
//! way (longest idle first), whatever the platform.

use std::collections::BTreeSet;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::geo::LatLon;
use super::ids::DriverId;
use super::model::Driver;

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

/// Idle drivers, longest idle first.
pub type IdleSet = BTreeSet<(u64, DriverId)>;

/// Picks an idle driver for an order whose sender stands at `pickup`, or `None` if no
/// driver is idle. Consumes randomness only under [`Policy::Random`] and only when there
/// is a choice to make.
pub fn choose(
    policy: Policy,
    idle: &IdleSet,
    drivers: &[Driver],
    pickup: Option<LatLon>,
    rng: &mut ChaCha8Rng,
) -> Option<DriverId> {
    match policy {
        Policy::LongestIdle => idle.first().map(|&(_, d)| d),
        Policy::Nearest => {
            let mut best: Option<(f64, DriverId)> = None;
            for &(_, d) in idle {
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
        Policy::Random => match idle.len() {
            0 => None,
            1 => idle.first().map(|&(_, d)| d),
            n => idle.iter().nth(rng.random_range(0..n)).map(|&(_, d)| d),
        },
    }
}
