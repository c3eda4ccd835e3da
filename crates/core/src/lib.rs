//! Value types that every part of Interdict passes around, parsed once at the edge and typed
//! from then on: [`CountryCode`], [`Locode`], [`Cas`], [`Date`] and [`IsoWeek`], [`Quantity`];
//! and the one edit distance ([`text::osa_within`]) the engines share.
//!
//! Architecture invariant: this crate depends on no other crate of the project and does no I/O.
//! A type lives here when two or more crates need it; anything with domain rules in it lives in
//! the engine or domain crate that owns the rule.

mod cas;
mod country;
mod date;
pub mod lines;
mod locode;
mod quantity;
pub mod text;

pub use cas::{Cas, CasError};
pub use country::{is_iso2, to_iso2, CountryCode, CountryError};
pub use date::{
    civil_from_days, days_from_civil, iso_week_label, rfc3339, week_start, Date, IsoWeek,
};
pub use locode::{Locode, LocodeError};
pub use quantity::{Quantity, QuantityError, Unit, MAX_QUANTITY};
