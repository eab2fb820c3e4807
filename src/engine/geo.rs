//! Positions on the globe, the haversine distance between them, and travel time at a speed
//! (SPEC §5, §8.2): the engine's geometry, used by dispatch, the ETA and the load model.

use crate::time::Millis;

/// Mean Earth radius used by the haversine formula, in kilometres.
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// A latitude/longitude pair in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatLon {
    /// Degrees north, −90..=90.
    pub lat: f64,
    /// Degrees east, −180..=180.
    pub lon: f64,
}

impl LatLon {
    /// A position, if both coordinates are finite and in range.
    pub fn new(lat: f64, lon: f64) -> Option<LatLon> {
        let ok = lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
        ok.then_some(LatLon { lat, lon })
    }

    /// Reads `LAT,LON`, as the script's `at=` option writes it.
    pub fn parse(text: &str) -> Option<LatLon> {
        let (lat, lon) = text.split_once(',')?;
        LatLon::new(lat.trim().parse().ok()?, lon.trim().parse().ok()?)
    }

    /// Reads `LAT,LON` as two finite numbers, on the globe or not: a script's `at=` is well
    /// formed when it is two numbers, and the engine refuses one off the globe
    /// (`invalid_argument`) rather than the parser failing the script.
    pub fn parse_numbers(text: &str) -> Option<LatLon> {
        let (lat, lon) = text.split_once(',')?;
        let (lat, lon): (f64, f64) = (lat.trim().parse().ok()?, lon.trim().parse().ok()?);
        (lat.is_finite() && lon.is_finite()).then_some(LatLon { lat, lon })
    }

    /// Great-circle distance to `other`, in kilometres.
    pub fn haversine_km(self, other: LatLon) -> f64 {
        let (lat1, lat2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.lon - self.lon).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

/// Travel time from `from` to `to` at `speed_kmh`, rounded half away from zero to whole ms
/// (SPEC §8.3). Computed as distance ÷ (speed in km per ms), the form the load model has
/// always used, so reports stay byte-identical.
pub fn travel_ms(from: LatLon, to: LatLon, speed_kmh: f64) -> Millis {
    Millis((from.haversine_km(to) / (speed_kmh / 3_600_000.0)).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_matches_known_distances() {
        let paris = LatLon::new(48.8566, 2.3522).unwrap();
        let london = LatLon::new(51.5074, -0.1278).unwrap();
        let d = paris.haversine_km(london);
        assert!((d - 343.5).abs() < 1.0, "{d}");
        assert_eq!(paris.haversine_km(paris), 0.0);
        // One degree of latitude is about 111.19 km on this sphere.
        let a = LatLon::new(0.0, 0.0).unwrap();
        let b = LatLon::new(1.0, 0.0).unwrap();
        assert!((a.haversine_km(b) - 111.19).abs() < 0.01);
    }

    #[test]
    fn parse_checks_ranges() {
        assert_eq!(LatLon::parse("12.5,-3"), LatLon::new(12.5, -3.0));
        for bad in ["91,0", "0,181", "x,1", "1", "NaN,1", ""] {
            assert_eq!(LatLon::parse(bad), None, "{bad}");
        }
    }
}
