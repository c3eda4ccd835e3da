//! The contract's flag codes (`shared/spec/declarations.md`), a leaf of the crate: the weights of
//! the context are indexed by code and the flags carry one, so both depend on this module and
//! it depends on neither.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The flag codes of the contract, in the order of the spec. The declaration order is the order
/// flags of one severity are listed in, so `Ord` sorts as the spec does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlagCode {
    ControlledPrecursor,
    ControlledDrug,
    ClassAnalog,
    DesignerPrecursor,
    HsMismatch,
    CasInvalid,
    CasNameConflict,
    VagueDescription,
    WatchlistParty,
    AlrExceeded,
    NoPen,
    TabletingMachine,
    RouteRisk,
}

impl FlagCode {
    /// Every code, in the order of the spec.
    pub const ALL: [FlagCode; 13] = [
        FlagCode::ControlledPrecursor,
        FlagCode::ControlledDrug,
        FlagCode::ClassAnalog,
        FlagCode::DesignerPrecursor,
        FlagCode::HsMismatch,
        FlagCode::CasInvalid,
        FlagCode::CasNameConflict,
        FlagCode::VagueDescription,
        FlagCode::WatchlistParty,
        FlagCode::AlrExceeded,
        FlagCode::NoPen,
        FlagCode::TabletingMachine,
        FlagCode::RouteRisk,
    ];

    /// The stable identifier machines read (`CONTROLLED_PRECURSOR`).
    pub const fn as_str(self) -> &'static str {
        match self {
            FlagCode::ControlledPrecursor => "CONTROLLED_PRECURSOR",
            FlagCode::ControlledDrug => "CONTROLLED_DRUG",
            FlagCode::ClassAnalog => "CLASS_ANALOG",
            FlagCode::DesignerPrecursor => "DESIGNER_PRECURSOR",
            FlagCode::HsMismatch => "HS_MISMATCH",
            FlagCode::CasInvalid => "CAS_INVALID",
            FlagCode::CasNameConflict => "CAS_NAME_CONFLICT",
            FlagCode::VagueDescription => "VAGUE_DESCRIPTION",
            FlagCode::WatchlistParty => "WATCHLIST_PARTY",
            FlagCode::AlrExceeded => "ALR_EXCEEDED",
            FlagCode::NoPen => "NO_PEN",
            FlagCode::TabletingMachine => "TABLETING_MACHINE",
            FlagCode::RouteRisk => "ROUTE_RISK",
        }
    }

    /// The code written exactly as [`FlagCode::as_str`] writes it (case matters).
    pub fn parse(text: &str) -> Option<FlagCode> {
        FlagCode::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The position in [`FlagCode::ALL`], for tables indexed by code.
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

/// The codes as strings, in the order of the spec (for callers that count or list by code).
pub const FLAG_CODES: &[&str] = &FLAG_CODE_STRINGS;

const FLAG_CODE_STRINGS: [&str; 13] = {
    let mut out = [""; 13];
    let mut i = 0;
    while i < FlagCode::ALL.len() {
        out[i] = FlagCode::ALL[i].as_str();
        i += 1;
    }
    out
};

impl fmt::Display for FlagCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of the contract's flag codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a flag code")]
pub struct UnknownFlagCode(pub String);

impl FromStr for FlagCode {
    type Err = UnknownFlagCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FlagCode::parse(s).ok_or_else(|| UnknownFlagCode(s.to_string()))
    }
}

impl Serialize for FlagCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_keep_the_spec_order_and_spelling() {
        let spec = [
            "CONTROLLED_PRECURSOR",
            "CONTROLLED_DRUG",
            "CLASS_ANALOG",
            "DESIGNER_PRECURSOR",
            "HS_MISMATCH",
            "CAS_INVALID",
            "CAS_NAME_CONFLICT",
            "VAGUE_DESCRIPTION",
            "WATCHLIST_PARTY",
            "ALR_EXCEEDED",
            "NO_PEN",
            "TABLETING_MACHINE",
            "ROUTE_RISK",
        ];
        assert_eq!(FLAG_CODES, spec);
        for (i, code) in FlagCode::ALL.iter().enumerate() {
            assert_eq!(code.index(), i);
            assert_eq!(FlagCode::parse(code.as_str()), Some(*code));
            assert_eq!(
                serde_json::to_string(code).unwrap(),
                format!("\"{}\"", spec[i])
            );
        }
        let mut sorted = FlagCode::ALL;
        sorted.sort();
        assert_eq!(sorted, FlagCode::ALL);
        assert_eq!(FlagCode::parse("route_risk"), None);
        assert!("NOPE".parse::<FlagCode>().is_err());
    }
}
