//! CAS Registry Numbers: parsing from the forms traders write, and check-digit validation.
//!
//! A CAS RN is 2–7 digits, 2 digits and one check digit (`39742-60-4`). Declarations carry it with
//! or without hyphens (`39742604`), so both are accepted; the check digit is what separates a real
//! number from a typo.

use std::fmt;
use std::str::FromStr;

/// A CAS Registry Number whose check digit has been verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cas(u64);

/// Why a string is not a valid CAS RN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CasError {
    #[error("`{0}` is not in CAS format (2-7 digits, 2 digits, 1 check digit, e.g. 39742-60-4)")]
    Format(String),
    #[error("`{text}` fails its CAS check digit (expected {expected}, found {found})")]
    CheckDigit {
        text: String,
        expected: u8,
        found: u8,
    },
}

impl Cas {
    /// Parses `39742-60-4` or `39742604` (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Cas, CasError> {
        let original = text.trim();
        let bad = || CasError::Format(crate::text::clip(original, 40));
        // Unicode hyphens and full-width digits read as ASCII; `120 - 57 - 0` and `120 57 0`
        // as `120-57-0`.
        let folded = crate::text::fold(original);
        let spaced: Vec<&str> = folded.split_whitespace().collect();
        let joined = if folded.contains('-') || spaced.len() <= 1 {
            spaced.concat()
        } else if spaced.len() == 3 {
            spaced.join("-")
        } else {
            return Err(bad());
        };
        let trimmed = joined.as_str();
        let digits: String = if trimmed.contains('-') {
            let parts: Vec<&str> = trimmed.split('-').collect();
            if parts.len() != 3
                || !(2..=7).contains(&parts[0].len())
                || parts[1].len() != 2
                || parts[2].len() != 1
                || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(bad());
            }
            parts.concat()
        } else {
            if !(5..=10).contains(&trimmed.len()) || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            trimmed.to_string()
        };
        Self::from_digits(digits.as_bytes()).map_err(|(expected, found)| CasError::CheckDigit {
            text: crate::text::clip(original, 40),
            expected,
            found,
        })
    }

    /// Validates a run of 5–10 ASCII digits whose last digit is the check digit.
    /// Returns `(expected, found)` check digits on failure.
    pub fn from_digits(digits: &[u8]) -> Result<Cas, (u8, u8)> {
        if !(5..=10).contains(&digits.len()) || !digits.iter().all(u8::is_ascii_digit) {
            return Err((0, 0));
        }
        let (body, check) = digits.split_at(digits.len() - 1);
        let found = check[0] - b'0';
        let expected = check_digit(body);
        // A leading zero is not part of a registry number.
        if expected != found || body[0] == b'0' {
            return Err((expected, found));
        }
        let value = digits
            .iter()
            .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
        Ok(Cas(value))
    }

    /// The number without hyphens, as an integer (useful as a compact key).
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

/// The CAS check digit: the sum of the digits from the right, weighted 1, 2, 3, …, modulo 10.
fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| (i as u32 + 1) * u32::from(d - b'0'))
        .sum();
    (sum % 10) as u8
}

impl fmt::Display for Cas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.to_string();
        let n = s.len();
        write!(f, "{}-{}-{}", &s[..n - 3], &s[n - 3..n - 1], &s[n - 1..])
    }
}

impl FromStr for Cas {
    type Err = CasError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cas::parse(s)
    }
}

impl serde::Serialize for Cas {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Cas {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Cas::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hyphenated_and_bare_forms() {
        let npp = Cas::parse("39742-60-4").unwrap();
        assert_eq!(npp.to_string(), "39742-60-4");
        assert_eq!(Cas::parse("39742604").unwrap(), npp);
        assert_eq!(Cas::parse(" 108-24-7 ").unwrap().to_string(), "108-24-7");
        assert_eq!(Cas::parse("7732-18-5").unwrap().to_string(), "7732-18-5");
    }

    #[test]
    fn unicode_hyphens_spaces_and_full_width_digits_read_as_written_in_ascii() {
        let piperonal = Cas::parse("120-57-0").unwrap();
        for text in [
            "120\u{2010}57\u{2011}0",
            "120\u{2212}57\u{2212}0",
            "120 - 57 - 0",
            "120 57 0",
            "\u{ff11}\u{ff12}\u{ff10}\u{ff0d}\u{ff15}\u{ff17}\u{ff0d}\u{ff10}",
        ] {
            assert_eq!(Cas::parse(text), Ok(piperonal), "{text}");
        }
        assert!(Cas::parse("120 57").is_err());
        assert!(Cas::parse("1 2 0 5 7 0").is_err());
    }

    #[test]
    fn rejects_bad_check_digit_and_format() {
        assert_eq!(
            Cas::parse("1609-66-5"),
            Err(CasError::CheckDigit {
                text: "1609-66-5".into(),
                expected: 1,
                found: 5
            })
        );
        assert!(matches!(Cas::parse("39742-6-04"), Err(CasError::Format(_))));
        assert!(matches!(Cas::parse("12-34"), Err(CasError::Format(_))));
        assert!(matches!(Cas::parse("abc-de-f"), Err(CasError::Format(_))));
        assert!(matches!(Cas::parse(""), Err(CasError::Format(_))));
        assert!(matches!(
            Cas::parse("12345678901"),
            Err(CasError::Format(_))
        ));
    }
}
