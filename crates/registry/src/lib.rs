//! The substance registry and identification of controlled substances from declared goods text.
//!
//! The registry is curated data (`data/*.csv` at the repository root) compiled into the binary.
//! [`Identifier`] answers "which controlled substance does this text describe, under which lists,
//! and how sure are we". This crate knows nothing of storage, HTTP or terminals.

mod fuzzy;
pub mod identify;
pub mod model;
pub mod normalize;

pub use identify::{
    CasMention, Identification, Identifier, MatchedOn, SubstanceMatch, DEFAULT_THRESHOLD,
};
pub use interdict_core::{Cas, CasError};
pub use model::{
    Category, Control, ControlList, DataError, Form, Registry, Substance, Synonym, SynonymKind,
};
