//! Watchlists and party-name matching.
//!
//! Importers turn the official files (OFAC SDN CSV, UN consolidated XML, OpenSanctions FtM JSON
//! Lines, the coalition's CSV) into [`Entity`] records; [`Index`] screens names against them.
//! No storage, HTTP or terminal code here: callers hand in text and get values back.

//!
//! The public surface is what the other crates use: the importers ([`import`]), the entities they
//! produce ([`Entity`], [`ImportError`]), the index ([`Index`], [`Query`], [`PartyMatch`]) and the
//! comparison of two names ([`NameForm`], [`compare`], [`Comparison`], [`Schema`]) with the limits
//! on a name's size ([`MAX_NAME_BYTES`], [`MAX_NAME_WORDS`], [`NameError`]). How names are
//! tokenised, aligned and scored stays inside.

mod families;
pub mod import;
mod index;
mod lexicon;
mod model;
mod names;
mod schema;
mod score;
mod wade_giles;

pub use index::{Index, PartyMatch, Query};
pub use model::{Entity, ImportError};
pub use names::{
    check_size as check_name_size, NameError, NameForm, MAX_NAME_BYTES, MAX_NAME_WORDS,
};
pub use schema::Schema;
pub use score::{compare, Comparison};

/// Matches scoring at least this are reported by default (the best F1 on nomenklatura's labelled pairs).
pub const DEFAULT_THRESHOLD: f32 = 0.73;
