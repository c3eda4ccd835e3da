//! WATCHLIST_PARTY: a party of the declaration matches a watchlist entry. Also the wire types of
//! the result's `parties` array.

use interdict_watchlist::PartyMatch;
use serde::Serialize;

use crate::checks::round3;
use crate::code::FlagCode;
use crate::declaration::Declaration;
use crate::evidence::{PartyRole, WatchlistParty};
use crate::flag::{Flag, Severity};

/// One watchlist entry a party name matches: the single definition of this wire type
/// (`parties[].matches[]` of a screening result; `shared/spec/declarations.md`).
///
/// Written as `{"list", "entity_id", "name", "matched_name", "score", "programs",
/// "countries"?, "explanation"?}`. `countries` is written only when set: screening results
/// leave it out (the declaration contract has no countries there), while `match-party`'s
/// output has it, so [`PartyHit::with_countries`] gives that shape (`interdict_types::PartyMatchWire`
/// is a hit in that shape: the fields are declared here only). `explanation` is left out
/// when empty (the watchlist index always explains a match, so in practice it is present).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartyHit {
    /// The watchlist (`us-ofac-sdn`, or the file stem of a `--watchlist`).
    pub list: String,
    pub entity_id: String,
    /// The entity's primary name.
    pub name: String,
    /// The listed name (primary or alias) that matched best.
    pub matched_name: String,
    /// In [0, 1], rounded to three decimals.
    pub score: f64,
    pub programs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub countries: Option<Vec<String>>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub explanation: String,
}

impl PartyHit {
    /// The screening shape of a match (no countries).
    pub fn from_match(m: &PartyMatch<'_>) -> PartyHit {
        PartyHit {
            list: m.list.to_string(),
            entity_id: m.entity.id.clone(),
            name: m.entity.names.first().cloned().unwrap_or_default(),
            matched_name: m.matched_name.to_string(),
            score: round3(f64::from(m.score)),
            programs: m.entity.programs.clone(),
            countries: None,
            explanation: m.explanation.clone(),
        }
    }

    /// The same hit with the entity's countries, as `match-party` writes it.
    pub fn with_countries(mut self, m: &PartyMatch<'_>) -> PartyHit {
        self.countries = Some(m.entity.countries.clone());
        self
    }
}

/// One party of a declaration with the entries it matches (best first).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartyOut {
    pub role: PartyRole,
    pub name: String,
    pub matches: Vec<PartyHit>,
}

/// The declaration's parties with the country each is screened with: the consignee is taken to
/// be in the importing country; a notify party's country is not known.
pub(crate) fn parties_of(d: &Declaration) -> Vec<(PartyRole, &str, Option<&str>)> {
    let roles = [
        (
            PartyRole::Exporter,
            Some(d.exporter_name.as_str()),
            Some(d.exporter_country.as_str()),
        ),
        (
            PartyRole::Importer,
            Some(d.importer_name.as_str()),
            Some(d.importer_country.as_str()),
        ),
        (
            PartyRole::Consignee,
            d.consignee_name.as_deref(),
            Some(d.importer_country.as_str()),
        ),
        (PartyRole::NotifyParty, d.notify_party.as_deref(), None),
    ];
    roles
        .into_iter()
        .filter_map(|(role, name, country)| Some((role, name?, country)))
        .collect()
}

/// The flag for a party whose best match is `best`: critical from a score of 0.9.
pub(crate) fn flag(role: PartyRole, name: &str, best: &PartyHit) -> Flag {
    Flag::new(
        FlagCode::WatchlistParty,
        if best.score >= 0.9 {
            Severity::Critical
        } else {
            Severity::High
        },
        format!(
            "{role} \"{name}\" matches {} entry {} \"{}\" (score {:.2})",
            best.list, best.entity_id, best.matched_name, best.score
        ),
        WatchlistParty {
            role,
            name: name.to_string(),
            list: best.list.clone(),
            entity_id: best.entity_id.clone(),
            matched_name: best.matched_name.clone(),
            score: best.score,
            programs: best.programs.clone(),
            explanation: best.explanation.clone(),
        },
    )
    .with_strength(best.score)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_are_written_in_both_shapes() {
        let hit = PartyHit {
            list: "coalition".into(),
            entity_id: "W-1".into(),
            name: "Hubei Amarvel Biotech Co., Ltd.".into(),
            matched_name: "Hubei Amarvel Biotech Co., Ltd.".into(),
            score: 0.93,
            programs: vec!["ILLICIT-DRUGS-EO14059".into()],
            countries: None,
            explanation: "matched: hubei, amarvel".into(),
        };
        assert_eq!(
            serde_json::to_string(&hit).unwrap(),
            r#"{"list":"coalition","entity_id":"W-1","name":"Hubei Amarvel Biotech Co., Ltd.","matched_name":"Hubei Amarvel Biotech Co., Ltd.","score":0.93,"programs":["ILLICIT-DRUGS-EO14059"],"explanation":"matched: hubei, amarvel"}"#
        );
        let with = PartyHit {
            countries: Some(vec!["CN".into()]),
            ..hit
        };
        assert!(serde_json::to_string(&with)
            .unwrap()
            .contains(r#""programs":["ILLICIT-DRUGS-EO14059"],"countries":["CN"],"explanation""#));
        assert_eq!(
            serde_json::to_string(&PartyRole::NotifyParty).unwrap(),
            "\"notify_party\""
        );
    }
}
