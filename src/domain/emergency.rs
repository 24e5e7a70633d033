//! The emergency number to call, from the device's region (PRODUCT.md, "Symptoms": "the
//! emergency number follows the device's region (911, 112, 999, 000, 111, …) and the
//! button's label and link always agree"). Pure data; no IO.
//!
//! Numbers are those the countries publish for an ambulance; 112 also reaches emergency
//! services from any mobile phone in the EU/EEA and in many other countries, and is the
//! fallback, named as such, where the region is unknown. A patient (or clinic) can set the
//! number in Settings, which then comes first.

/// A region: an ISO 3166 two-letter code, upper case.
pub type Region = [u8; 2];

/// The number to call, and whether it comes from a known region (else it is the fallback,
/// and the advisory says "or your local emergency number").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyNumber {
    /// Digits only: what the `tel:` link dials and what the label shows.
    pub number: String,
    /// False for the fallback used when the region is unknown.
    pub known: bool,
    /// In Great Britain, the non-emergency line for urgent advice (NHS 111).
    pub urgent_line: Option<&'static str>,
}

/// The region of a locale tag ("en-US", "es_ES.UTF-8", "en-GB@euro"); `None` without one.
pub fn region_of(tag: &str) -> Option<Region> {
    tag.trim()
        .split(['.', '@'])
        .next()?
        .split(['-', '_'])
        .skip(1)
        .find(|part| part.len() == 2 && part.chars().all(|c| c.is_ascii_alphabetic()))
        .map(|part| {
            let b = part.as_bytes();
            [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()]
        })
}

/// Regions that dial 911: the United States and its territories, Canada, Mexico, and other
/// countries of the Americas whose single emergency number is 911.
const DIAL_911: &[&str] = &[
    "US", "CA", "MX", "PR", "VI", "GU", "AS", "MP", "CR", "PA", "SV", "UY", "PY", "EC", "DO",
];

/// EU and EEA members, and other countries whose emergency number for an ambulance is 112
/// (or where 112 reaches every emergency service).
const DIAL_112: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "CH", "AD",
    "MC", "TR", "UA", "ME", "MK", "MD", "GE", "IN",
];

/// Others with a number of their own: (region, number).
const OWN_NUMBER: &[(&str, &str)] = &[
    ("GB", "999"),
    ("GG", "999"),
    ("JE", "999"),
    ("IM", "999"),
    ("AU", "000"),
    ("NZ", "111"),
    ("JP", "119"),
    ("KR", "119"),
    ("CN", "120"),
    ("HK", "999"),
    ("SG", "995"),
    ("ZA", "112"),
    ("BR", "192"),
    ("CL", "131"),
    ("CO", "123"),
];

/// The number for `region`, unless `set` (the Settings' own number, digits and `+` only)
/// says otherwise.
pub fn emergency_number(region: Option<Region>, set: Option<&str>) -> EmergencyNumber {
    let code = region.and_then(|r| std::str::from_utf8(&r).ok().map(str::to_string));
    let urgent_line = (code.as_deref() == Some("GB")).then_some("111");
    if let Some(number) = set.map(dial_digits).filter(|n| !n.is_empty()) {
        return EmergencyNumber {
            number,
            known: true,
            urgent_line,
        };
    }
    let found = code.as_deref().and_then(|c| {
        if DIAL_911.contains(&c) {
            Some("911")
        } else if DIAL_112.contains(&c) {
            Some("112")
        } else {
            OWN_NUMBER.iter().find(|(r, _)| *r == c).map(|(_, n)| *n)
        }
    });
    EmergencyNumber {
        number: found.unwrap_or("112").to_string(),
        known: found.is_some(),
        urgent_line,
    }
}

/// What a `tel:` link dials: the digits and a leading `+`.
pub fn dial_digits(number: &str) -> String {
    number
        .trim()
        .chars()
        .enumerate()
        .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_number_follows_the_region() {
        for (tag, number, known) in [
            ("en-US", "911", true),
            ("en_CA.UTF-8", "911", true),
            ("es-MX", "911", true),
            ("es-ES", "112", true),
            ("de_DE@euro", "112", true),
            ("en-IE", "112", true),
            ("en-GB", "999", true),
            ("en-AU", "000", true),
            ("en-NZ", "111", true),
            ("en", "112", false),
            ("es-419", "112", false),
            ("", "112", false),
            ("xx-ZZ", "112", false),
        ] {
            let n = emergency_number(region_of(tag), None);
            assert_eq!((n.number.as_str(), n.known), (number, known), "{tag}");
        }
        assert_eq!(
            emergency_number(region_of("en-GB"), None).urgent_line,
            Some("111")
        );
        assert_eq!(emergency_number(region_of("en-US"), None).urgent_line, None);
    }

    #[test]
    fn a_number_set_in_settings_comes_first_and_dials_as_shown() {
        let n = emergency_number(region_of("en-US"), Some(" 0 61 12 "));
        assert_eq!(n.number, "06112");
        assert!(n.known);
        assert_eq!(dial_digits("+44 (0) 20"), "+44020");
        // Nothing dialable set: the region's number.
        assert_eq!(
            emergency_number(region_of("en-AU"), Some("abc")).number,
            "000"
        );
    }
}
