//! The substance registry and identification of controlled substances from declared goods text.
//!
//! The registry is curated data (`data/*.csv` at the repository root) compiled into the binary.
//! [`Identifier`] answers "which controlled substance does this text describe, under which lists,
//! and how sure are we". This crate knows nothing of storage, HTTP or terminals.
//!
//! The modules are private; what other crates may use is re-exported here, so the inside can be
//! rearranged without breaking them.

mod fuzzy;
mod identify;
mod model;
mod normalize;

pub use identify::{
    CasMention, Identification, Identifier, MatchedOn, SubstanceMatch, DEFAULT_THRESHOLD,
    MAX_TEXT_BYTES,
};
pub use interdict_core::{Cas, CasError};
pub use model::{
    Category, ClassId, Control, ControlList, DataError, DataFiles, Form, LexiconEntry, NationalHs,
    Registry, Substance, SubstanceClass, Synonym, SynonymKind,
};
/// The compact key identification compares names by (lower-case ASCII letters and digits, Greek
/// spelled out, a few spelling folds): callers use it to key names the same way.
pub use normalize::compact;
