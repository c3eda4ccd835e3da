//! Party screening: a name (with the party's country, if known) against the loaded watchlists,
//! and two names compared. The shells read and check the queries (a CSV, a request body) and
//! print; what a query is matched with and how the answer is made is decided here, so
//! `match-party` and `POST /api/v1/parties/match` answer alike.

use interdict_types::{NameComparisonWire, PartyMatchWire, PartyQueryWire, PartyResultWire};
use interdict_watchlist::{compare, Index, NameForm, PartyMatch, Query, Schema};

pub use interdict_watchlist::DEFAULT_THRESHOLD;

/// At most this many matches per query unless the caller asks for another number.
pub const DEFAULT_LIMIT: usize = 10;

/// The watchlist entries `name` matches at or above `threshold`, best first, at most `limit`.
/// A party's kind (person, organisation, vessel) is not known from a declaration or a query,
/// so every entry is a candidate.
pub fn search<'i>(
    index: &'i Index,
    name: &str,
    country: Option<&str>,
    threshold: f32,
    limit: usize,
) -> Vec<PartyMatch<'i>> {
    index.search(
        &Query {
            name,
            country,
            schema: Schema::Unknown,
        },
        threshold,
        limit,
    )
}

/// The answer to a query whose matches are `hits`: the query as it was asked and every match
/// with its countries and explanation.
pub fn answer<'q>(
    name: &'q str,
    country: Option<&'q str>,
    hits: &[PartyMatch<'_>],
) -> PartyResultWire<'q> {
    PartyResultWire {
        query: PartyQueryWire { name, country },
        matches: PartyMatchWire::from_matches(hits),
    }
}

/// [`search`], answered.
pub fn match_party<'q>(
    index: &Index,
    name: &'q str,
    country: Option<&'q str>,
    threshold: f32,
    limit: usize,
) -> PartyResultWire<'q> {
    answer(
        name,
        country,
        &search(index, name, country, threshold, limit),
    )
}

/// Two names compared as the watchlist index compares them (`schema` as the lists write it,
/// `person`, `organization`, …; anything else is unknown); a match from [`DEFAULT_THRESHOLD`].
/// A name over the size limits is compared shortened, and the explanation says so.
pub fn compare_names<'a>(name1: &'a str, name2: &'a str, schema: &str) -> NameComparisonWire<'a> {
    let c = compare(
        &NameForm::new(name1),
        &NameForm::new(name2),
        Schema::parse(schema),
    );
    NameComparisonWire {
        name1,
        name2,
        score: interdict_types::round3(c.score),
        is_match: c.score >= DEFAULT_THRESHOLD,
        explanation: c.explanation,
    }
}
