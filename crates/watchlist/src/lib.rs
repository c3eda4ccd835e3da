//! Watchlists and party-name matching.
//!
//! Importers turn the official files (OFAC SDN CSV, UN consolidated XML, OpenSanctions FtM JSON
//! Lines, the coalition's CSV) into [`Entity`] records; [`Index`] screens names against them.
//! No storage, HTTP or terminal code here: callers hand in text and get values back.

mod families;
pub mod import;
pub mod index;
mod lexicon;
pub mod model;
pub mod names;
mod schema;
pub mod score;
mod wade_giles;

pub use index::{Index, PartyMatch, Query};
pub use model::{Entity, ImportError};

pub use names::NameForm;
pub use schema::Schema;
pub use score::{compare, Comparison};

/// Matches scoring at least this are reported by default (the best F1 on nomenklatura's labelled pairs).
pub const DEFAULT_THRESHOLD: f32 = 0.73;
