//! Flags: a code, a severity, a message and the typed evidence each flag carries.
//!
//! The wire form is `{"code", "severity", "message", "evidence"}` (`shared/spec/declarations.md`).
//! The codes are in [`crate::code`], the evidence types in [`crate::evidence`].

use serde::Serialize;

use crate::code::FlagCode;
use crate::evidence::Evidence;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

/// One reason for concern about a declaration.
#[derive(Clone, Debug, Serialize)]
pub struct Flag {
    pub code: FlagCode,
    pub severity: Severity,
    pub message: String,
    pub evidence: Evidence,
    /// The share of the flag's weight that applies (a watchlist match at 0.8 counts 0.8 of it).
    #[serde(skip)]
    pub strength: f64,
}

impl Flag {
    /// A flag at full strength.
    pub(crate) fn new(
        code: FlagCode,
        severity: Severity,
        message: String,
        evidence: impl Into<Evidence>,
    ) -> Flag {
        Flag {
            code,
            severity,
            message,
            evidence: evidence.into(),
            strength: 1.0,
        }
    }

    /// The same flag counting only `strength` of its weight.
    pub(crate) fn with_strength(mut self, strength: f64) -> Flag {
        self.strength = strength;
        self
    }
}
