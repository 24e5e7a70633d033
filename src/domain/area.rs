//! Treated areas of the legs, with the identifiers used in files and on the command line.
//! Pure data; no IO.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Which leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    Left,
    Right,
}

/// Which part of the leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LegRegion {
    ThighFront,
    ThighBack,
    Knee,
    CalfFront,
    CalfBack,
    /// Ankle and foot; identified as `ankle`.
    Ankle,
}

impl LegRegion {
    /// Every region, from the hip down.
    pub const ALL: [LegRegion; 6] = [
        LegRegion::ThighFront,
        LegRegion::ThighBack,
        LegRegion::Knee,
        LegRegion::CalfFront,
        LegRegion::CalfBack,
        LegRegion::Ankle,
    ];

    fn id(self) -> &'static str {
        match self {
            LegRegion::ThighFront => "thigh-front",
            LegRegion::ThighBack => "thigh-back",
            LegRegion::Knee => "knee",
            LegRegion::CalfFront => "calf-front",
            LegRegion::CalfBack => "calf-back",
            LegRegion::Ankle => "ankle",
        }
    }
}

/// One treated area, such as `left-thigh-front` or `right-ankle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TreatedArea {
    pub side: Side,
    pub region: LegRegion,
}

impl TreatedArea {
    /// All twelve areas, left leg first.
    pub fn all() -> Vec<TreatedArea> {
        [Side::Left, Side::Right]
            .into_iter()
            .flat_map(|side| {
                LegRegion::ALL
                    .into_iter()
                    .map(move |region| TreatedArea { side, region })
            })
            .collect()
    }

    /// The identifier used in files and on the command line.
    pub fn id(&self) -> String {
        let side = match self.side {
            Side::Left => "left",
            Side::Right => "right",
        };
        format!("{side}-{}", self.region.id())
    }
}

impl fmt::Display for TreatedArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id())
    }
}

impl FromStr for TreatedArea {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        TreatedArea::all()
            .into_iter()
            .find(|a| a.id() == wanted)
            .ok_or_else(|| {
                format!("unknown treated area '{s}' (expected e.g. left-thigh-front, right-knee, left-calf-back, right-ankle)")
            })
    }
}

impl Serialize for TreatedArea {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id())
    }
}

impl<'de> Deserialize<'de> for TreatedArea {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Parses a comma-separated list of areas, rejecting duplicates.
pub fn parse_areas(list: &str) -> Result<Vec<TreatedArea>, String> {
    let mut areas = Vec::new();
    let parts: Vec<&str> = list.split(',').map(str::trim).collect();
    if parts.len() > 1 && parts.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "'{list}' has an empty item: list the areas separated by single commas"
        ));
    }
    for part in parts.into_iter().filter(|p| !p.is_empty()) {
        let area: TreatedArea = part.parse()?;
        if areas.contains(&area) {
            return Err(format!("treated area '{part}' is listed twice"));
        }
        areas.push(area);
    }
    areas.sort();
    Ok(areas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip() {
        for area in TreatedArea::all() {
            assert_eq!(area.id().parse::<TreatedArea>().unwrap(), area);
        }
        assert_eq!(TreatedArea::all().len(), 12);
        assert_eq!(
            parse_areas("right-knee, left-calf-back").unwrap()[0].id(),
            "left-calf-back"
        );
        assert!(parse_areas("left-elbow")
            .unwrap_err()
            .contains("left-elbow"));
        assert!(parse_areas("right-ankle,right-ankle").is_err());
    }
}
