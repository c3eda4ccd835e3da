//! Party-screening answers: the watchlist entries a name matches, with the explanation.

use interdict_screen::PartyHit;
use interdict_watchlist::PartyMatch;
use serde::Serialize;

/// One watchlist entry a party name matched, as `match-party` and `POST /api/v1/parties/match`
/// write it: the screening result's [`PartyHit`] (the one definition of a match's fields) in
/// its shape with the entity's countries, `{"list", "entity_id", "name", "matched_name",
/// "score", "programs", "countries", "explanation"}`. The watchlist index explains every match,
/// so `explanation` is always written.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct PartyMatchWire(pub PartyHit);

impl PartyMatchWire {
    pub fn from_match(m: &PartyMatch<'_>) -> Self {
        PartyMatchWire(PartyHit::from_match(m).with_countries(m))
    }

    pub fn from_matches(matches: &[PartyMatch<'_>]) -> Vec<Self> {
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
    pub matches: Vec<PartyMatchWire>,
}

/// One `compare-names` answer: the two names, the score, whether it reaches the matching
/// threshold, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NameComparisonWire<'a> {
    pub name1: &'a str,
    pub name2: &'a str,
    pub score: f64,
    #[serde(rename = "match")]
    pub is_match: bool,
    pub explanation: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_watchlist::{Entity, Schema};

    #[test]
    fn a_match_is_written_with_its_countries_as_before() {
        let entity = Entity {
            id: "W-1".into(),
            schema: Schema::Organization,
            names: vec!["Hubei Amarvel Biotech Co., Ltd.".into(), "Amarvel".into()],
            countries: vec!["CN".into()],
            programs: vec!["ILLICIT-DRUGS-EO14059".into()],
            notes: String::new(),
        };
        let m = PartyMatch {
            list: "coalition",
            entity: &entity,
            matched_name: "Amarvel",
            score: 0.93449,
            explanation: "matched: amarvel".into(),
        };
        let wire = PartyResultWire {
            query: PartyQueryWire {
                name: "amarvel",
                country: None,
            },
            matches: PartyMatchWire::from_matches(std::slice::from_ref(&m)),
        };
        assert_eq!(
            serde_json::to_string(&wire).unwrap(),
            r#"{"query":{"name":"amarvel","country":null},"matches":[{"list":"coalition","entity_id":"W-1","name":"Hubei Amarvel Biotech Co., Ltd.","matched_name":"Amarvel","score":0.934,"programs":["ILLICIT-DRUGS-EO14059"],"countries":["CN"],"explanation":"matched: amarvel"}]}"#
        );
    }

    #[test]
    fn a_comparison_is_written_as_before() {
        let wire = NameComparisonWire {
            name1: "Bill Smith",
            name2: "William Smith",
            score: 0.9,
            is_match: true,
            explanation: "matched: bill=william".into(),
        };
        assert_eq!(
            serde_json::to_string(&wire).unwrap(),
            r#"{"name1":"Bill Smith","name2":"William Smith","score":0.9,"match":true,"explanation":"matched: bill=william"}"#
        );
    }
}
