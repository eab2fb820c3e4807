//! The spatial index must choose exactly the driver the plain scan chooses.

use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{choose, nearest_by_scan, IdleSet, Policy};
use crate::engine::geo::LatLon;
use crate::engine::ids::DriverId;
use crate::engine::model::{Contact, Driver, Duty};

fn driver(location: Option<LatLon>) -> Driver {
    Driver {
        duty: Duty::Assigned(crate::engine::ids::OrderId(0)),
        ..Driver::new("", &Contact::default(), location)
    }
}

/// Idle drivers and the driver table beside them, changed as the engine changes them.
#[derive(Default)]
struct Fleet {
    idle: IdleSet,
    drivers: Vec<Driver>,
    next_seq: u64,
}

impl Fleet {
    fn make_idle(&mut self, which: usize, at: Option<LatLon>) {
        let id = if which < self.drivers.len() && !matches!(self.drivers[which].duty, Duty::Idle { .. }) {
            which
        } else {
            self.drivers.push(driver(None));
            self.drivers.len() - 1
        };
        let d = &mut self.drivers[id];
        d.location = at;
        d.duty = Duty::Idle {
            since_seq: self.next_seq,
        };
        assert!(self.idle.insert(self.next_seq, DriverId(id as u32), at));
        self.next_seq += 1;
    }

    fn make_busy(&mut self, pick: usize) {
        if self.idle.is_empty() {
            return;
        }
        let key = *self.idle.iter().nth(pick % self.idle.len()).unwrap();
        assert!(self.idle.remove(&key));
        self.drivers[key.1.index()].duty = Duty::Assigned(crate::engine::ids::OrderId(0));
    }

    fn agree(&self, sender: Option<LatLon>) -> Result<(), TestCaseError> {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let indexed = choose(Policy::Nearest, &self.idle, &self.drivers, sender, &mut rng, &[]);
        let scanned = nearest_by_scan(&self.idle, &self.drivers, sender);
        prop_assert_eq!(indexed, scanned, "sender {:?}", sender);
        // And with every third driver excluded (a meal never goes back to who failed it).
        let excluded: Vec<DriverId> = (0..self.drivers.len() as u32).step_by(3).map(DriverId).collect();
        let indexed = choose(
            Policy::Nearest,
            &self.idle,
            &self.drivers,
            sender,
            &mut rng,
            &excluded,
        );
        let scanned = self.scan_excluding(sender, &excluded);
        prop_assert_eq!(indexed, scanned, "sender {:?}, excluding {:?}", sender, excluded);
        Ok(())
    }

    /// The scan among the drivers not in `excluded`.
    fn scan_excluding(&self, sender: Option<LatLon>, excluded: &[DriverId]) -> Option<DriverId> {
        let mut best: Option<(f64, DriverId)> = None;
        for &(_, d) in self.idle.iter().filter(|(_, d)| !excluded.contains(d)) {
            let distance = match (sender, self.drivers[d.index()].location) {
                (Some(from), Some(at)) => at.haversine_km(from),
                _ => f64::INFINITY,
            };
            if best.is_none_or(|(shortest, _)| distance < shortest) {
                best = Some((distance, d));
            }
        }
        best.map(|(_, d)| d)
    }
}

const PALETTE: [(f64, f64); 10] = [
    (0.0, 0.0),
    (52.52, 13.405),
    (52.5201, 13.4049),
    (89.99, 179.99),
    (-89.99, -179.99),
    (90.0, 0.0),
    (-90.0, 180.0),
    (0.5, 180.0),
    (0.5, -180.0),
    (-0.0, -0.0),
];

/// Positions: none, exact palette points and their mirror images (ties), jittered palette
/// points (clusters), a dense city a few rows of the index high, anywhere, near the poles,
/// astride ±180° (far and near it), and on the index's row edges.
fn position() -> impl Strategy<Value = Option<LatLon>> {
    let palette = (0..PALETTE.len(), any::<bool>(), any::<bool>()).prop_map(|(i, flip_lat, flip_lon)| {
        let (lat, lon) = PALETTE[i];
        let lat = if flip_lat { -lat } else { lat };
        let lon = if flip_lon { -lon } else { lon };
        LatLon::new(lat, lon)
    });
    let cluster = (0..3usize, -0.02..0.02f64, -0.02..0.02f64).prop_map(|(i, dlat, dlon)| {
        let (lat, lon) = PALETTE[i + 1];
        LatLon::new((lat + dlat).clamp(-90.0, 90.0), (lon + dlon).clamp(-180.0, 180.0))
    });
    let anywhere = (-90.0..=90.0f64, -180.0..=180.0f64).prop_map(|(lat, lon)| LatLon::new(lat, lon));
    let poles = (89.0..=90.0f64, any::<bool>(), -180.0..=180.0f64)
        .prop_map(|(lat, south, lon)| LatLon::new(if south { -lat } else { lat }, lon));
    let antimeridian = (-90.0..=90.0f64, 179.0..=180.0f64, any::<bool>())
        .prop_map(|(lat, lon, west)| LatLon::new(lat, if west { -lon } else { lon }));
    let coarse = (-18i32..=18, -36i32..=36)
        .prop_map(|(lat, lon)| LatLon::new(f64::from(lat) * 5.0, f64::from(lon) * 5.0));
    let city = (-0.003..0.003f64, -0.004..0.004f64)
        .prop_map(|(dlat, dlon)| LatLon::new(52.52 + dlat, 13.405 + dlon));
    let astride = (-0.002..0.002f64, 0.0..0.003f64, any::<bool>()).prop_map(|(dlat, dlon, west)| {
        LatLon::new(-33.0 + dlat, if west { -180.0 + dlon } else { 180.0 - dlon })
    });
    let edges = (
        -3i32..=3,
        prop_oneof![Just(0.0), Just(1e-12), Just(-1e-12), Just(1e-9)],
        -0.003..0.003f64,
    )
        .prop_map(|(row, nudge, dlon)| {
            LatLon::new(
                52.52 + f64::from(row) * super::idle::ROW_DEG + nudge,
                13.405 + dlon,
            )
        });
    prop_oneof![
        2 => Just(None),
        4 => palette,
        4 => cluster,
        4 => city,
        2 => anywhere,
        2 => poles,
        2 => antimeridian,
        2 => astride,
        2 => edges,
        2 => coarse,
    ]
}

#[derive(Clone, Debug)]
enum Op {
    /// A busy driver (or a new one) becomes idle here.
    Idle(usize, Option<LatLon>),
    /// An idle driver is assigned.
    Busy(usize),
    /// An order is placed by a sender here.
    Place(Option<LatLon>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..64usize, position()).prop_map(|(w, at)| Op::Idle(w, at)),
        2 => any::<usize>().prop_map(Op::Busy),
        4 => position().prop_map(Op::Place),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_index_chooses_what_the_scan_chooses(ops in prop::collection::vec(op(), 1..160),
                                               senders in prop::collection::vec(position(), 1..24)) {
        let mut fleet = Fleet::default();
        for op in ops {
            match op {
                Op::Idle(which, at) => fleet.make_idle(which, at),
                Op::Busy(pick) => fleet.make_busy(pick),
                Op::Place(sender) => fleet.agree(sender)?,
            }
            prop_assert_eq!(fleet.idle.check(), Ok(()));
        }
        for sender in senders {
            fleet.agree(sender)?;
        }
    }
}

#[test]
fn a_tie_across_the_sender_s_parallel_goes_to_the_longest_idle() {
    // Equidistant north and south of the equator: the southern driver became idle first
    // though the northern one is met first (the walk tries north first on equal gaps).
    let mut fleet = Fleet::default();
    fleet.make_idle(0, LatLon::new(0.5, 0.0));
    fleet.make_idle(0, LatLon::new(-0.5, 0.0));
    fleet.make_idle(0, LatLon::new(0.5, 0.0));
    let sender = LatLon::new(0.0, 0.0);
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let chosen = choose(
        Policy::Nearest,
        &fleet.idle,
        &fleet.drivers,
        sender,
        &mut rng,
        &[],
    );
    assert_eq!(chosen, Some(DriverId(0)));
    fleet.make_busy(0);
    let chosen = choose(
        Policy::Nearest,
        &fleet.idle,
        &fleet.drivers,
        sender,
        &mut rng,
        &[],
    );
    assert_eq!(
        chosen,
        Some(DriverId(1)),
        "a longer-idle tie in the other direction"
    );
}

#[test]
fn without_positions_nearest_is_longest_idle() {
    let mut fleet = Fleet::default();
    fleet.make_idle(0, None);
    fleet.make_idle(0, LatLon::new(1.0, 1.0));
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    assert_eq!(
        choose(Policy::Nearest, &fleet.idle, &fleet.drivers, None, &mut rng, &[]),
        Some(DriverId(0))
    );
    assert_eq!(
        choose(
            Policy::Nearest,
            &fleet.idle,
            &fleet.drivers,
            LatLon::new(50.0, 50.0),
            &mut rng,
            &[]
        ),
        Some(DriverId(1)),
        "any positioned driver beats one without a position"
    );
    fleet.make_busy(1);
    assert_eq!(
        choose(
            Policy::Nearest,
            &fleet.idle,
            &fleet.drivers,
            LatLon::new(50.0, 50.0),
            &mut rng,
            &[]
        ),
        Some(DriverId(0))
    );
}

#[test]
fn removing_the_last_driver_of_a_spot_empties_the_index() {
    let mut fleet = Fleet::default();
    for _ in 0..3 {
        fleet.make_idle(usize::MAX, LatLon::new(10.0, 10.0));
    }
    for _ in 0..3 {
        fleet.make_busy(0);
        assert_eq!(fleet.idle.check(), Ok(()));
    }
    assert!(fleet.idle.is_empty());
    assert_eq!(fleet.idle, IdleSet::new());
}
