//! Quantities with the units of the declaration format (`kg`, `g`, `t`, `l`, `ml`, `units`).

use std::fmt;

/// A unit of the declaration format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Kg,
    G,
    T,
    L,
    Ml,
    Units,
}

impl Unit {
    /// Parses a unit as the formats write it (case and surrounding space ignored).
    pub fn parse(text: &str) -> Option<Unit> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "kg" => Unit::Kg,
            "g" => Unit::G,
            "t" => Unit::T,
            "l" => Unit::L,
            "ml" => Unit::Ml,
            "units" => Unit::Units,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Kg => "kg",
            Unit::G => "g",
            Unit::T => "t",
            Unit::L => "l",
            Unit::Ml => "ml",
            Unit::Units => "units",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The largest quantity accepted, in any unit: 10^12 (a million tonnes in kilograms). Larger
/// figures are typing errors or attacks, and an infinite one would poison every later total.
pub const MAX_QUANTITY: f64 = 1e12;

/// A quantity as declared, finite, non-negative and at most [`MAX_QUANTITY`].
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Quantity {
    pub value: f64,
    pub unit: Unit,
}

/// Why a quantity is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuantityError {
    #[error("quantity {0} is not a finite number")]
    NotFinite(f64),
    #[error("quantity {0} is negative")]
    Negative(f64),
    #[error("quantity {0:e} is larger than {MAX_QUANTITY:e}, the largest accepted")]
    TooLarge(f64),
}

impl Quantity {
    /// Checks a value: finite, non-negative, not absurdly large.
    pub fn new(value: f64, unit: Unit) -> Result<Quantity, QuantityError> {
        if !value.is_finite() {
            return Err(QuantityError::NotFinite(value));
        }
        if value < 0.0 {
            return Err(QuantityError::Negative(value));
        }
        if value > MAX_QUANTITY {
            return Err(QuantityError::TooLarge(value));
        }
        Ok(Quantity { value, unit })
    }

    /// The mass in kilograms, where the unit is one of mass (volumes and counts have none
    /// without a density or a unit weight).
    pub fn kg(&self) -> Option<f64> {
        match self.unit {
            Unit::Kg => Some(self.value),
            Unit::G => Some(self.value / 1000.0),
            Unit::T => Some(self.value * 1000.0),
            Unit::L | Unit::Ml | Unit::Units => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_finite_negative_and_absurd_values() {
        assert!(Quantity::new(f64::INFINITY, Unit::T).is_err());
        assert!(Quantity::new(f64::NAN, Unit::Kg).is_err());
        assert!(Quantity::new(-1.0, Unit::Kg).is_err());
        assert!(Quantity::new(1e306, Unit::T).is_err());
        assert_eq!(Quantity::new(2.0, Unit::T).unwrap().kg(), Some(2000.0));
        assert_eq!(Quantity::new(2.0, Unit::L).unwrap().kg(), None);
        assert_eq!(Unit::parse(" KG "), Some(Unit::Kg));
    }
}
