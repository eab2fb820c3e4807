//! `nearest` dispatch among 10,000 idle drivers spread uniformly in a disc of 10 km radius
//! (a city) around Berlin: the plain scan it replaced (`dispatch::nearest_by_scan`, one
//! haversine per idle driver) against the idle set's index (`dispatch::choose`).
//! Each operation chooses the driver for one sender drawn uniformly in the same disc; the
//! idle set does not change. Prints choices per second, best of several runs, and checks
//! the two agree on every sender. Run in release mode: `cargo bench --bench dispatch`.
//!
//! Not a test: it asserts nothing about speed; its figures go in the issue notes.

// Fixed, known-good inputs: a failure here is a bug to see at once.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use courier_sim::engine::dispatch::{self, IdleSet, Policy};
use courier_sim::engine::{Contact, Driver, DriverId, Duty, LatLon};

const DRIVERS: usize = 10_000;
const SENDERS: usize = 1_000;
const RADIUS_KM: f64 = 10.0;
const CENTER: (f64, f64) = (52.52, 13.405);
const RUNS: usize = 5;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` builds this file (so it is
    // compiled and linted) and runs it without, and a benchmark is not a test.
    if !std::env::args().any(|a| a == "--bench") {
        println!("dispatch: a benchmark; run it with `cargo bench --bench dispatch`");
        return;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let mut idle = IdleSet::new();
    let drivers: Vec<Driver> = (0..DRIVERS)
        .map(|i| {
            let at = in_city(&mut rng);
            idle.insert(i as u64, DriverId(i as u32), Some(at));
            Driver {
                duty: Duty::Idle { since_seq: i as u64 },
                ..Driver::new(&format!("d{i}"), &Contact::default(), Some(at))
            }
        })
        .collect();
    let senders: Vec<Option<LatLon>> = (0..SENDERS).map(|_| Some(in_city(&mut rng))).collect();

    let scanned: Vec<_> = senders
        .iter()
        .map(|&s| dispatch::nearest_by_scan(&idle, &drivers, s))
        .collect();
    let mut unused = ChaCha8Rng::seed_from_u64(0);
    let indexed: Vec<_> = senders
        .iter()
        .map(|&s| dispatch::choose(Policy::Nearest, &idle, &drivers, s, &mut unused, &[]))
        .collect();
    assert_eq!(scanned, indexed, "the index and the scan disagree");

    let scan = best_of(|| {
        for &s in &senders {
            black_box(dispatch::nearest_by_scan(
                &idle,
                black_box(&drivers),
                black_box(s),
            ));
        }
    });
    let index = best_of(|| {
        for &s in &senders {
            black_box(dispatch::choose(
                Policy::Nearest,
                &idle,
                black_box(&drivers),
                black_box(s),
                &mut unused,
                &[],
            ));
        }
    });
    println!(
        "nearest of {DRIVERS} idle drivers in a {RADIUS_KM} km disc, {SENDERS} senders, best of {RUNS}:"
    );
    println!("  scan (old):  {scan:>12.0} choices/s");
    println!("  index (new): {index:>12.0} choices/s ({:.0}x)", index / scan);
}

/// Choices per second of the fastest of `RUNS` runs of `choose_all` (`SENDERS` choices).
fn best_of(mut choose_all: impl FnMut()) -> f64 {
    let mut best = 0.0f64;
    for _ in 0..RUNS {
        let started = Instant::now();
        choose_all();
        best = best.max(SENDERS as f64 / started.elapsed().as_secs_f64());
    }
    best
}

/// A point uniformly in the city's disc (flat-earth offsets are fine at this size).
fn in_city(rng: &mut ChaCha8Rng) -> LatLon {
    let r = RADIUS_KM * rng.random::<f64>().sqrt();
    let angle = rng.random_range(0.0..std::f64::consts::TAU);
    let km_per_degree = 111.195;
    let lat = CENTER.0 + r * angle.sin() / km_per_degree;
    let lon = CENTER.1 + r * angle.cos() / (km_per_degree * CENTER.0.to_radians().cos());
    LatLon::new(lat, lon).expect("on the globe")
}
