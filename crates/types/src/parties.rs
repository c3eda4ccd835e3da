//! Party-screening answers: the watchlist entries a name matches, with the explanation.

use interdict_watchlist::PartyMatch;
use serde::Serialize;

/// One watchlist entry a party name matched.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartyMatchWire<'a> {
    pub list: &'a str,
    pub entity_id: &'a str,
    /// The entry's primary name.
    pub name: &'a str,
    /// The name of the entry (primary or alias) that matched.
    pub matched_name: &'a str,
    pub score: f64,
    pub programs: &'a [String],
    pub countries: &'a [String],
    pub explanation: &'a str,
}

impl<'a> PartyMatchWire<'a> {
    pub fn from_match(m: &'a PartyMatch<'a>) -> Self {
        PartyMatchWire {
            list: m.list,
            entity_id: &m.entity.id,
            name: m.entity.names.first().map(String::as_str).unwrap_or(""),
            matched_name: m.matched_name,
            score: crate::round3(m.score),
            programs: &m.entity.programs,
            countries: &m.entity.countries,
            explanation: &m.explanation,
        }
    }

    pub fn from_matches(matches: &'a [PartyMatch<'a>]) -> Vec<Self> {
        matches.iter().map(PartyMatchWire::from_match).collect()
    }
}

/// The query as it was asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartyQueryWire<'a> {
    pub name: &'a str,
    pub country: Option<&'a str>,
}

/// One `match-party` answer: the query and its matches, best first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartyResultWire<'a> {
    pub query: PartyQueryWire<'a>,
    pub matches: Vec<PartyMatchWire<'a>>,
}
