//! The idle set: idle drivers in the order they became idle, and the same drivers indexed
//! by position so that `nearest` need not measure the distance to every one of them.
//!
//! # The index
//!
//! Positioned idle drivers are grouped by their exact position, and the positions are kept
//! sorted by latitude (then longitude) in a `BTreeMap`. The haversine distance between two
//! points is never less than `R × |Δlatitude|` (radians): the `sin²(Δφ/2)` term of the
//! formula alone already gives that much, and it is the meridian arc, the shortest way
//! between two latitudes. So [`IdleSet::nearest`] walks the positions outward from the
//! sender's latitude, north and south at once, always taking next the one whose latitude is
//! closer, measures each exactly with [`LatLon::haversine_km`] (the same call the scan made),
//! and stops when the latitude gap alone is farther than the best distance found. The best
//! is compared on (distance, idle sequence), and the walk stops only when the gap is
//! strictly greater than the best distance, so a driver at exactly the same distance but
//! idle longer, at a farther latitude, is still seen: ties go to the longest idle as in the
//! scan.
//!
//! Why a sorted latitude order rather than fixed latitude bands: it has no band width to
//! tune (a city and a continent are served alike), and it visits exactly the positions
//! whose latitude lies within the bound, not whole bands. Grouping drivers by exact
//! position makes a crowd at one spot (a depot, a restaurant) cost one distance, as the
//! longest idle of the crowd is the only one who can win there. Poles and the ±180°
//! meridian need no special case: the bound uses latitude only, and the distance itself is
//! the haversine's. What it does not prune is longitude: drivers strung along the sender's
//! own parallel are all measured (never worse than the scan, which measures everyone).
//!
//! The bound is computed in floating point, as is the distance; it is shrunk by a relative
//! 1e-9 and an absolute 1e-9 km (a micrometre), many orders of magnitude more than the
//! rounding of either, so it never exceeds the computed distance of a driver it would skip.
//!
//! Within the latitude band, a spot is first compared by its straight chord through the
//! sphere to `from` (unit vectors kept with each spot: a few multiplications, no
//! trigonometry), which orders points exactly as the great-circle distance does. A spot
//! whose chord is longer than the best one's by more than a relative 1e-6 (far beyond the
//! rounding of either measure, including the haversine's near antipodes) cannot be as near
//! and is passed over; every other spot is measured with the haversine, which alone decides,
//! so the result is the scan's to the bit. In a busy city this spares most of the
//! trigonometry: the latitude band of a dense fleet holds dozens of spots, of which a few
//! are measured.
//!
//! Drivers without a position are only in the sequence order: they are chosen (longest
//! idle first) when no positioned driver is idle or the sender has no position, as the
//! scan, which counted them infinitely far, did.
//!
//! Everything is `BTreeMap`/`BTreeSet`: iteration order never depends on a hash.

use std::collections::{btree_map, BTreeMap, BTreeSet};

use crate::engine::geo::{LatLon, EARTH_RADIUS_KM};
use crate::engine::ids::DriverId;

/// Idle drivers, longest idle first, with the position each had on becoming idle, and an
/// index of the positioned ones by latitude.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IdleSet {
    /// (idle sequence, driver) → position: the set's order is longest idle first.
    by_seq: BTreeMap<(u64, DriverId), Option<LatLon>>,
    /// Distinct positions of positioned idle drivers, by latitude then longitude.
    by_position: BTreeMap<PositionKey, Spot>,
}

/// A position as a pair of totally ordered keys (latitude first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct PositionKey {
    lat: i64,
    lon: i64,
}

impl PositionKey {
    fn of(at: LatLon) -> PositionKey {
        PositionKey {
            lat: ordered(at.lat),
            lon: ordered(at.lon),
        }
    }
}

/// An integer whose order is `f64::total_cmp`'s order of `x`.
fn ordered(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// The idle drivers standing at one position.
#[derive(Clone, Debug, PartialEq)]
struct Spot {
    at: LatLon,
    /// `at` as a unit vector, for the chord prefilter.
    unit: [f64; 3],
    /// Never empty while in the index; longest idle first.
    drivers: BTreeSet<(u64, DriverId)>,
}

impl IdleSet {
    /// An empty set.
    pub fn new() -> IdleSet {
        IdleSet::default()
    }

    /// How many drivers are idle.
    pub fn len(&self) -> usize {
        self.by_seq.len()
    }

    /// Whether no driver is idle.
    pub fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }

    /// Whether this driver is idle with this idle sequence.
    pub fn contains(&self, key: &(u64, DriverId)) -> bool {
        self.by_seq.contains_key(key)
    }

    /// Idle drivers with their idle sequence, longest idle first.
    pub fn iter(&self) -> btree_map::Keys<'_, (u64, DriverId), Option<LatLon>> {
        self.by_seq.keys()
    }

    /// The longest idle driver.
    pub fn first(&self) -> Option<DriverId> {
        self.by_seq.first_key_value().map(|(&(_, d), _)| d)
    }

    /// The position a driver had when they became idle (with this idle sequence): `None`
    /// if they are not in the set, `Some(None)` if they are idle without a position.
    pub fn position(&self, key: &(u64, DriverId)) -> Option<Option<LatLon>> {
        self.by_seq.get(key).copied()
    }

    /// Adds a driver who just became idle, standing at `at`. Returns whether they were not
    /// already in the set under this sequence.
    pub fn insert(&mut self, since_seq: u64, driver: DriverId, at: Option<LatLon>) -> bool {
        if self.by_seq.contains_key(&(since_seq, driver)) {
            return false;
        }
        self.by_seq.insert((since_seq, driver), at);
        if let Some(at) = at {
            self.by_position
                .entry(PositionKey::of(at))
                .or_insert_with(|| Spot {
                    at,
                    unit: unit_vector(at),
                    drivers: BTreeSet::new(),
                })
                .drivers
                .insert((since_seq, driver));
        }
        true
    }

    /// Removes a driver who is no longer idle. Returns whether they were in the set.
    pub fn remove(&mut self, key: &(u64, DriverId)) -> bool {
        let Some(at) = self.by_seq.remove(key) else {
            return false;
        };
        if let Some(at) = at {
            let position = PositionKey::of(at);
            if let Some(spot) = self.by_position.get_mut(&position) {
                spot.drivers.remove(key);
                if spot.drivers.is_empty() {
                    self.by_position.remove(&position);
                }
            }
        }
        true
    }

    /// The positioned idle driver closest to `from` by [`LatLon::haversine_km`] (measured
    /// from the driver to `from`), ties to the longest idle; `None` if no idle driver has a
    /// position.
    pub fn nearest(&self, from: LatLon) -> Option<DriverId> {
        self.nearest_where(from, |_| true)
    }

    /// The longest idle driver for whom `eligible` holds.
    pub fn first_where(&self, eligible: impl Fn(DriverId) -> bool) -> Option<DriverId> {
        self.by_seq.keys().map(|&(_, d)| d).find(|&d| eligible(d))
    }

    /// As [`IdleSet::nearest`], among the drivers for whom `eligible` holds (a food order is
    /// never given back to a driver who failed it). At each position the longest idle
    /// eligible driver stands for the spot.
    pub fn nearest_where(&self, from: LatLon, eligible: impl Fn(DriverId) -> bool) -> Option<DriverId> {
        let split = PositionKey {
            lat: ordered(from.lat),
            lon: i64::MIN,
        };
        let mut north = self.by_position.range(split..).map(|(_, s)| s).peekable();
        let mut south = self.by_position.range(..split).rev().map(|(_, s)| s).peekable();
        let from_unit = unit_vector(from);
        // (distance, idle sequence, driver) of the best so far, and its squared chord.
        let mut best: Option<(f64, u64, DriverId)> = None;
        let mut best_chord2 = f64::INFINITY;
        loop {
            let north_gap = north.peek().map(|s| latitude_bound_km(from, s.at));
            let south_gap = south.peek().map(|s| latitude_bound_km(from, s.at));
            let (gap, go_south) = match (north_gap, south_gap) {
                (None, None) => break,
                (Some(n), Some(s)) if s < n => (s, true),
                (Some(n), _) => (n, false),
                (None, Some(s)) => (s, true),
            };
            // Every position left on either side is at least `gap` away: done once that is
            // farther than the best (not merely as far: a tie may still be idle longer).
            if best.is_some_and(|(shortest, _, _)| gap > shortest) {
                break;
            }
            let Some(spot) = (if go_south { south.next() } else { north.next() }) else {
                break;
            };
            let chord2 = chord2(spot.unit, from_unit);
            if chord2 > best_chord2 * (1.0 + 1e-6) + 1e-24 {
                continue;
            }
            let Some(&(seq, driver)) = spot.drivers.iter().find(|&&(_, d)| eligible(d)) else {
                continue;
            };
            let distance = spot.at.haversine_km(from);
            let better = best.is_none_or(|(shortest, best_seq, _)| {
                distance < shortest || (distance == shortest && seq < best_seq)
            });
            if better {
                best = Some((distance, seq, driver));
                best_chord2 = chord2;
            }
        }
        best.map(|(_, _, d)| d)
    }

    /// Checks the index against the sequence order: every positioned idle driver indexed
    /// once at their position, no empty spot, nothing else.
    pub fn check(&self) -> Result<(), String> {
        let mut indexed = 0usize;
        for (key, spot) in &self.by_position {
            if *key != PositionKey::of(spot.at) || spot.drivers.is_empty() {
                return Err(format!("bad spot at {:?}", spot.at));
            }
            for entry in &spot.drivers {
                if self.by_seq.get(entry) != Some(&Some(spot.at)) {
                    return Err(format!("{entry:?} indexed at {:?} but not idle there", spot.at));
                }
            }
            indexed += spot.drivers.len();
        }
        let positioned = self.by_seq.values().filter(|at| at.is_some()).count();
        if indexed != positioned {
            return Err(format!(
                "{indexed} drivers indexed by position, {positioned} idle with one"
            ));
        }
        Ok(())
    }
}

/// A position as a point of the unit sphere.
fn unit_vector(at: LatLon) -> [f64; 3] {
    let (lat, lon) = (at.lat.to_radians(), at.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The squared straight-line distance between two points of the unit sphere: it grows with
/// the great-circle distance, so it orders points alike.
fn chord2(a: [f64; 3], b: [f64; 3]) -> f64 {
    let d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
}

/// A lower bound, in kilometres, of the haversine distance between `from` and any point at
/// `at`'s latitude: the meridian arc between the two latitudes, shrunk to cover rounding.
fn latitude_bound_km(from: LatLon, at: LatLon) -> f64 {
    let arc = (at.lat - from.lat).abs().to_radians() * EARTH_RADIUS_KM;
    arc * (1.0 - 1e-9) - 1e-9
}
