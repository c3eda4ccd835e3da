//! Wire types: what Interdict's answers look like when serialised. The CLI's JSON Lines and the
//! HTTP API print the same JSON from these same types, so an answer is the same whichever shell
//! gave it.
//!
//! Architecture invariant: serialisation only — no I/O, no engine logic. A wire type borrows from
//! the engine's result where it can (answers are serialised on hot paths), and its field order is
//! the order on the wire (serde_json keeps insertion order).

mod alerts;
mod detect;
mod error;
mod identify;
mod parties;
mod substances;

pub use alerts::AlertWire;
pub use detect::PointWire;
pub use error::{ErrorBody, ErrorRecord};
pub use identify::{CasMentionWire, IdentificationWire, SubstanceMatchWire};
pub use parties::{NameComparisonWire, PartyMatchWire, PartyQueryWire, PartyResultWire};
pub use substances::SubstanceSummaryWire;

/// Scores on the wire: three decimals, so answers are stable across platforms and readable.
pub fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}
