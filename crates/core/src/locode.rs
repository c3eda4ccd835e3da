//! UN/LOCODE: a country code and three letters or digits naming a port or place (`NLRTM`).

use std::fmt;

use crate::country::CountryCode;

/// A UN/LOCODE, validated: a known country code and three ASCII letters or digits 2–9.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Locode {
    country: CountryCode,
    place: [u8; 3],
}

/// Why a string is not a UN/LOCODE.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a UN/LOCODE (a country code and three letters or digits, e.g. NLRTM)")]
pub struct LocodeError(pub String);

impl Locode {
    /// Parses `NLRTM` or `NL RTM` in either case. Works on characters, so any text (`€AB`)
    /// is refused with an error, never sliced through a character.
    pub fn parse(text: &str) -> Result<Locode, LocodeError> {
        let bad = || LocodeError(crate::text::clip(text.trim(), 40));
        let compact: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() != 5 || !compact.iter().all(char::is_ascii_alphanumeric) {
            return Err(bad());
        }
        let upper: String = compact.iter().map(char::to_ascii_uppercase).collect();
        let country = CountryCode::parse(&upper[..2]).map_err(|_| bad())?;
        let p = upper.as_bytes();
        let place_ok = p[2..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'9').contains(b));
        if !place_ok {
            return Err(bad());
        }
        Ok(Locode {
            country,
            place: [p[2], p[3], p[4]],
        })
    }

    /// The country the place is in.
    pub fn country(&self) -> CountryCode {
        self.country
    }
}

impl fmt::Display for Locode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.country)?;
        for b in self.place {
            write!(f, "{}", b as char)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Locode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Locode({self})")
    }
}

impl serde::Serialize for Locode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Locode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Locode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ports_and_refuses_the_rest() {
        let rtm = Locode::parse("nl rtm").unwrap();
        assert_eq!(rtm.to_string(), "NLRTM");
        assert_eq!(rtm.country().as_str(), "NL");
        assert_eq!(Locode::parse("CNSHA").unwrap().to_string(), "CNSHA");
        assert_eq!(Locode::parse("USNY2").unwrap().to_string(), "USNY2");
        assert!(Locode::parse("€AB").is_err());
        assert!(Locode::parse("€ABCD").is_err());
        assert!(Locode::parse("XXRTM").is_err());
        assert!(Locode::parse("NLRT").is_err());
        assert!(Locode::parse("NLRT1").is_err());
    }
}
