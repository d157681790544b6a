//! Where a hall is (就近办): its level in the district's network, the hall above it, and a
//! point on the map, so a citizen finds the nearest place that handles their item.
//!
//! Points are GCJ-02, as WeChat's `wx.getLocation({type: 'gcj02'})` and Chinese maps give
//! them; distances are great-circle, close enough to rank halls a few kilometres apart.

use crate::Invalid;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The district's three tiers of service halls ("办事不出镇街").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HallLevel {
    /// A district centre or branch (区政务服务中心, 分中心).
    #[default]
    District,
    /// A town or street centre (街镇便民服务中心).
    Town,
    /// A village or community station (村社区便民服务站).
    Community,
}

impl HallLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            HallLevel::District => "district",
            HallLevel::Town => "town",
            HallLevel::Community => "community",
        }
    }
}

impl FromStr for HallLevel {
    type Err = Invalid;

    fn from_str(s: &str) -> Result<Self, Invalid> {
        match s {
            "district" => Ok(HallLevel::District),
            "town" => Ok(HallLevel::Town),
            "community" => Ok(HallLevel::Community),
            _ => Err(Invalid::new("应为district、town或community")),
        }
    }
}

/// A point: latitude and longitude in degrees, both finite and in range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RawLocation")]
pub struct Location {
    lat: f64,
    lng: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLocation {
    lat: f64,
    lng: f64,
}

impl TryFrom<RawLocation> for Location {
    type Error = Invalid;

    fn try_from(raw: RawLocation) -> Result<Self, Invalid> {
        Location::new(raw.lat, raw.lng)
    }
}

/// The coordinates are finite (checked when built), so equality is total.
impl Eq for Location {}

/// The Earth's mean radius, metres.
const EARTH_M: f64 = 6_371_008.8;

impl Location {
    pub fn new(lat: f64, lng: f64) -> Result<Self, Invalid> {
        let ok = lat.is_finite() && lng.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng);
        if ok {
            Ok(Self { lat, lng })
        } else {
            Err(Invalid::new("坐标应为纬度,经度（-90至90，-180至180）"))
        }
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lng(self) -> f64 {
        self.lng
    }

    /// Great-circle distance (haversine), whole metres.
    pub fn metres_to(self, other: Location) -> u64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lng - self.lng).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        let metres = 2.0 * EARTH_M * a.sqrt().min(1.0).asin();
        // Finite and between 0 and half the Earth's circumference: the cast is exact.
        metres.round() as u64
    }
}

/// `lat,lng` as a query gives it: `29.5437,106.4550`.
impl FromStr for Location {
    type Err = Invalid;

    fn from_str(s: &str) -> Result<Self, Invalid> {
        let (lat, lng) = s.split_once(',').ok_or(Invalid::new("坐标应为纬度,经度"))?;
        let parse = |t: &str| t.trim().parse::<f64>().map_err(|_| Invalid::new("坐标应为纬度,经度"));
        Location::new(parse(lat)?, parse(lng)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_between_known_points_are_right_to_a_few_metres() {
        let centre: Location = "29.5437,106.4550".parse().unwrap();
        assert_eq!(centre.metres_to(centre), 0);
        // One degree of latitude is about 111.2 km everywhere.
        let north = Location::new(30.5437, 106.4550).unwrap();
        assert!(
            (111_100..111_300).contains(&centre.metres_to(north)),
            "{}",
            centre.metres_to(north)
        );
        assert_eq!(centre.metres_to(north), north.metres_to(centre));
    }

    #[test]
    fn malformed_or_out_of_range_points_are_refused() {
        for bad in [
            "",
            "29.5",
            "29.5,",
            "x,106",
            "91,106",
            "29,181",
            "NaN,106",
            "inf,106",
            "29.5,106,1",
        ] {
            assert!(bad.parse::<Location>().is_err(), "{bad}");
        }
    }

    #[test]
    fn levels_read_as_the_api_spells_them() {
        assert_eq!("community".parse::<HallLevel>().unwrap(), HallLevel::Community);
        assert!("village".parse::<HallLevel>().is_err());
        assert_eq!(serde_json::to_string(&HallLevel::Town).unwrap(), "\"town\"");
    }
}
