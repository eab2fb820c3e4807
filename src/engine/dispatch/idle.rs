//! The idle set: idle drivers in the order they became idle, and the same drivers indexed
//! by position so that `nearest` need not measure the distance to every one of them.
//!
//! # The index
//!
//! Positioned idle drivers are grouped by their exact position (a *spot*), and the spots
//! are kept in rows: strips of latitude [`ROW_DEG`] high (about 111 m), each holding its
//! spots sorted by longitude, all in `BTreeMap`s. [`IdleSet::nearest`] walks the rows
//! outward from the sender's, north and south at once, always taking next the row whose
//! latitude is closer, and in each row walks the spots outward from the sender's
//! longitude, east and west at once. It stops a row, and the walk, once what is left can
//! only be farther than the best found.
//!
//! Which spots can still win is decided on the straight chord through the sphere (unit
//! vectors kept with each spot: a few multiplications, no trigonometry), which orders
//! points exactly as the great-circle distance does. A spot whose chord is longer than the
//! best one's by more than a relative 1e-6 (far beyond the rounding of either measure,
//! including the haversine's near antipodes) cannot be as near and is passed over; every
//! other spot is measured with [`LatLon::haversine_km`] (the same call the scan made), which
//! alone decides, compared on (distance, idle sequence): ties go to the longest idle, as in
//! the scan. So the result is the scan's to the bit.
//!
//! The walk skips spots without looking at them only where a lower bound of their chord
//! already passes that limit. With the haversine's own identity, `hav θ = hav Δφ + cos φ₁
//! cos φ₂ hav Δλ`, and `chord² = 4 hav θ`: a row no nearer in latitude than `Δφ` has no
//! spot nearer than `hav Δφ`, and within a row, whose latitudes have a cosine of at least
//! `cos φ₂`, a spot `Δλ` of longitude away has none nearer than `hav Δφ + cos φ₁ cos φ₂ hav
//! Δλ`. The bounds are computed in floating point; the limit they are held against is
//! widened by a relative 2e-6 and an absolute 1e-20 (chord², about a tenth of a millimetre
//! on the Earth), and a row's edges by 1e-9 degrees, each orders of magnitude more than the
//! rounding involved, so a spot is never skipped that the chord test would have measured.
//!
//! Why rows of latitude sorted by longitude rather than a grid of cells: only rows and
//! spots that exist are stored and walked, so a sparse fleet over a continent costs no
//! empty cells, and a dense city is cut into rows a few spots wide. Poles need no special
//! case (a row touching one has no longitude bound: its cosine is 0). Longitude wraps at
//! ±180°: a spot across the antimeridian is near though its longitude is far, so when the
//! reach in longitude crosses ±180°, the row's far end on that side is walked too.
//! Grouping drivers by exact position makes a crowd at one spot (a depot, a restaurant)
//! cost one distance, as the longest idle of the crowd is the only one who can win there.
//!
//! Drivers without a position are only in the sequence order: they are chosen (longest
//! idle first) when no positioned driver is idle or the sender has no position, as the
//! scan, which counted them infinitely far, did.
//!
//! Everything is `BTreeMap`/`BTreeSet`: iteration order never depends on a hash.

use std::collections::{btree_map, BTreeMap, BTreeSet};

use crate::engine::geo::LatLon;
use crate::engine::ids::DriverId;

/// The height of a row of the index, in degrees of latitude (about 111 m): a city's idle
/// drivers are a few per row within the reach of the nearest.
pub const ROW_DEG: f64 = 0.001;

/// How far a row's edges are widened, in degrees: far beyond the rounding of
/// `latitude / ROW_DEG` (about 1e-14 degrees), far below anything that matters.
const EDGE_SLACK_DEG: f64 = 1e-9;

/// Idle drivers, longest idle first, with the position each had on becoming idle, and an
/// index of the positioned ones by row of latitude and longitude.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IdleSet {
    /// (idle sequence, driver) → position: the set's order is longest idle first.
    by_seq: BTreeMap<(u64, DriverId), Option<LatLon>>,
    /// Rows by number ([`row_of`]), none empty.
    rows: BTreeMap<i64, Row>,
}

/// One strip of latitude: its spots by longitude (then latitude).
#[derive(Clone, Debug, PartialEq)]
struct Row {
    /// The least cosine of a latitude within the row (0 if it touches a pole).
    cos_min: f64,
    /// Never empty while in the index.
    spots: BTreeMap<SpotKey, Spot>,
}

/// A position as a pair of totally ordered keys, longitude first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SpotKey {
    lon: i64,
    lat: i64,
}

impl SpotKey {
    fn of(at: LatLon) -> SpotKey {
        SpotKey {
            lon: ordered(at.lon),
            lat: ordered(at.lat),
        }
    }

    /// The first key at longitude `lon` and every key east of it.
    fn from_lon(lon: f64) -> SpotKey {
        SpotKey {
            lon: ordered(lon),
            lat: i64::MIN,
        }
    }

    /// The last key at longitude `lon`.
    fn to_lon(lon: f64) -> SpotKey {
        SpotKey {
            lon: ordered(lon),
            lat: i64::MAX,
        }
    }
}

/// An integer whose order is `f64::total_cmp`'s order of `x`.
fn ordered(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// The row a latitude belongs to.
fn row_of(lat: f64) -> i64 {
    (lat / ROW_DEG).floor() as i64
}

/// A row's latitudes, widened by [`EDGE_SLACK_DEG`]: every position in the row lies within.
fn row_edges_deg(row: i64) -> (f64, f64) {
    (
        row as f64 * ROW_DEG - EDGE_SLACK_DEG,
        (row + 1) as f64 * ROW_DEG + EDGE_SLACK_DEG,
    )
}

impl Row {
    fn new(row: i64) -> Row {
        let (south, north) = row_edges_deg(row);
        let farthest_from_equator = south.abs().max(north.abs()).min(90.0);
        Row {
            cos_min: farthest_from_equator.to_radians().cos().max(0.0),
            spots: BTreeMap::new(),
        }
    }
}

/// The idle drivers standing at one position.
#[derive(Clone, Debug, PartialEq)]
struct Spot {
    at: LatLon,
    /// `at` as a unit vector, for the chord test.
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
            let row = row_of(at.lat);
            self.rows
                .entry(row)
                .or_insert_with(|| Row::new(row))
                .spots
                .entry(SpotKey::of(at))
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
            let (row_key, spot_key) = (row_of(at.lat), SpotKey::of(at));
            if let Some(row) = self.rows.get_mut(&row_key) {
                if let Some(spot) = row.spots.get_mut(&spot_key) {
                    spot.drivers.remove(key);
                    if spot.drivers.is_empty() {
                        row.spots.remove(&spot_key);
                        if row.spots.is_empty() {
                            self.rows.remove(&row_key);
                        }
                    }
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
        let mut search = Search::new(from, eligible);
        let home = row_of(from.lat);
        let mut north = self.rows.range(home..).peekable();
        let mut south = self.rows.range(..home).rev().peekable();
        loop {
            let north_gap = north.peek().map(|&(&r, _)| search.latitude_gap_hav(r, home));
            let south_gap = south.peek().map(|&(&r, _)| search.latitude_gap_hav(r, home));
            let (gap, go_south) = match (north_gap, south_gap) {
                (None, None) => break,
                (Some(n), Some(s)) if s < n => (s, true),
                (Some(n), _) => (n, false),
                (None, Some(s)) => (s, true),
            };
            // Rows only get farther on either side: done once the nearer is out of reach.
            if gap > search.reach_hav {
                break;
            }
            let Some((_, row)) = (if go_south { south.next() } else { north.next() }) else {
                break;
            };
            search.walk_row(row, gap);
        }
        search.best.map(|(_, _, d)| d)
    }

    /// Checks the index against the sequence order: every positioned idle driver indexed
    /// once at their position in the right row, no empty spot or row, nothing else.
    pub fn check(&self) -> Result<(), String> {
        let mut indexed = 0usize;
        for (&number, row) in &self.rows {
            if row.spots.is_empty() || row.cos_min.to_bits() != Row::new(number).cos_min.to_bits() {
                return Err(format!("bad row {number}"));
            }
            for (key, spot) in &row.spots {
                if *key != SpotKey::of(spot.at) || row_of(spot.at.lat) != number || spot.drivers.is_empty() {
                    return Err(format!("bad spot at {:?} in row {number}", spot.at));
                }
                for entry in &spot.drivers {
                    if self.by_seq.get(entry) != Some(&Some(spot.at)) {
                        return Err(format!("{entry:?} indexed at {:?} but not idle there", spot.at));
                    }
                }
                indexed += spot.drivers.len();
            }
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

/// One `nearest` walk in progress: the sender, the best spot so far, and how far a spot
/// may be and still be measured.
struct Search<E> {
    from: LatLon,
    from_unit: [f64; 3],
    cos_from: f64,
    eligible: E,
    /// (distance, idle sequence, driver) of the best so far.
    best: Option<(f64, u64, DriverId)>,
    /// The chord test's limit: a spot whose squared chord is above it is not measured.
    limit_chord2: f64,
    /// The limit widened to cover the bounds' rounding, in haversine units (chord² / 4):
    /// whatever a bound puts above it is certainly above `limit_chord2`.
    reach_hav: f64,
}

impl<E: Fn(DriverId) -> bool> Search<E> {
    fn new(from: LatLon, eligible: E) -> Self {
        let (lat, lon) = (from.lat.to_radians(), from.lon.to_radians());
        let cos_from = lat.cos();
        Search {
            from,
            from_unit: [cos_from * lon.cos(), cos_from * lon.sin(), lat.sin()],
            cos_from: cos_from.max(0.0),
            eligible,
            best: None,
            limit_chord2: f64::INFINITY,
            reach_hav: f64::INFINITY,
        }
    }

    /// A lower bound, in haversine units, for any spot of row `row`: from the latitude
    /// between the sender and the row's nearer edge (none for the sender's own row).
    fn latitude_gap_hav(&self, row: i64, home: i64) -> f64 {
        let (south, north) = row_edges_deg(row);
        let gap_deg = match row.cmp(&home) {
            std::cmp::Ordering::Equal => 0.0,
            std::cmp::Ordering::Greater => (south - self.from.lat).max(0.0),
            std::cmp::Ordering::Less => (self.from.lat - north).max(0.0),
        };
        hav(gap_deg.to_radians())
    }

    /// How many degrees of longitude from the sender a spot of a row may be and still be
    /// in reach: `None` when the row sets no bound in longitude (the reach covers every
    /// longitude, or the row or the sender is at a pole).
    fn longitude_reach_deg(&self, gap_hav: f64, cos_min: f64) -> Option<f64> {
        let room = self.reach_hav - gap_hav;
        if room < 0.0 {
            return Some(-1.0);
        }
        let scale = self.cos_from * cos_min;
        // Written so that a NaN, too, sets no bound.
        let bounded = scale > 0.0 && room < scale;
        if !bounded {
            return None;
        }
        let half = (room / scale).sqrt().asin();
        Some((2.0 * half).to_degrees() * (1.0 + 1e-9) + EDGE_SLACK_DEG)
    }

    /// Measures what in `row` may beat the best, walking out from the sender's longitude.
    fn walk_row(&mut self, row: &Row, gap_hav: f64) {
        let lon = self.from.lon;
        let mut east = row
            .spots
            .range(SpotKey::from_lon(lon)..)
            .map(|(_, s)| s)
            .peekable();
        let mut west = row
            .spots
            .range(..SpotKey::from_lon(lon))
            .rev()
            .map(|(_, s)| s)
            .peekable();
        let mut reach = self.longitude_reach_deg(gap_hav, row.cos_min);
        loop {
            let east_gap = east.peek().map(|s| s.at.lon - lon);
            let west_gap = west.peek().map(|s| lon - s.at.lon);
            let (gap, go_west) = match (east_gap, west_gap) {
                (None, None) => break,
                (Some(e), Some(w)) if w < e => (w, true),
                (Some(e), _) => (e, false),
                (None, Some(w)) => (w, true),
            };
            // Longitudes only get farther on either side, up to the antimeridian.
            if reach.is_some_and(|r| gap > r) {
                break;
            }
            let Some(spot) = (if go_west { west.next() } else { east.next() }) else {
                break;
            };
            if self.visit(spot) {
                reach = self.longitude_reach_deg(gap_hav, row.cos_min);
            }
        }
        // Across ±180°: the far end of a side not walked to its end may be near the other
        // way round. Spots walked already are measured again, to no effect.
        let Some(reach) = reach.filter(|&r| r >= 0.0) else {
            return;
        };
        if east.peek().is_some() {
            let start = lon + 360.0 - reach - EDGE_SLACK_DEG;
            if start <= 180.0 {
                for spot in row
                    .spots
                    .range(SpotKey::from_lon(start.max(lon))..)
                    .map(|(_, s)| s)
                {
                    self.visit(spot);
                }
            }
        }
        if west.peek().is_some() {
            let end = lon - 360.0 + reach + EDGE_SLACK_DEG;
            if end >= -180.0 {
                for spot in row.spots.range(..=SpotKey::to_lon(end.min(lon))).map(|(_, s)| s) {
                    self.visit(spot);
                }
            }
        }
    }

    /// Measures `spot` unless the chord test rules it out; returns whether it became the
    /// best.
    fn visit(&mut self, spot: &Spot) -> bool {
        let chord2 = chord2(spot.unit, self.from_unit);
        if chord2 > self.limit_chord2 {
            return false;
        }
        let Some(&(seq, driver)) = spot.drivers.iter().find(|&&(_, d)| (self.eligible)(d)) else {
            return false;
        };
        let distance = spot.at.haversine_km(self.from);
        let better = self.best.is_none_or(|(shortest, best_seq, _)| {
            distance < shortest || (distance == shortest && seq < best_seq)
        });
        if better {
            self.best = Some((distance, seq, driver));
            self.limit_chord2 = chord2 * (1.0 + 1e-6) + 1e-24;
            self.reach_hav = (self.limit_chord2 + 1e-20) * (1.0 + 2e-6) / 4.0;
        }
        better
    }
}

/// The haversine of an angle in radians: sin²(θ/2).
fn hav(angle: f64) -> f64 {
    let s = (angle / 2.0).sin();
    s * s
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
