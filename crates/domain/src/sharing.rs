//! Who may see a shared record (`shared/spec/platform.md`, section "Who may see a record"): the
//! one policy that decides, in words, for a record's distribution, its TLP and the distribution
//! of its personal data.
//!
//! The store applies the same rule in its queries through [`Scope`] (the caller's organisation,
//! country and whether it is the secretariat), so a list, search or count never includes a row
//! that [`may_read`] would refuse; a test of the store checks the two agree record by record.

use std::fmt;

use interdict_core::CountryCode;
use serde::{Deserialize, Serialize};

use crate::authz::Decision;
use crate::identity::{Actor, OrgKind, Organisation, Role};

/// Who sees a record in the platform, from the narrowest to the widest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// The owning organisation alone.
    Organisation,
    /// Every organisation of the owner's country.
    Country,
    /// The owner's country and the countries in `share_with` (and the secretariat).
    Countries,
    /// Every member (and the secretariat).
    Coalition,
}

impl Distribution {
    pub const ALL: [Distribution; 4] = [
        Distribution::Organisation,
        Distribution::Country,
        Distribution::Countries,
        Distribution::Coalition,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Distribution::Organisation => "organisation",
            Distribution::Country => "country",
            Distribution::Countries => "countries",
            Distribution::Coalition => "coalition",
        }
    }
}

/// FIRST Traffic Light Protocol 2.0. Distribution decides who sees a record in the platform;
/// the TLP travels with it and decides what may leave the platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tlp {
    #[serde(rename = "clear")]
    Clear,
    #[serde(rename = "green")]
    Green,
    #[serde(rename = "amber")]
    Amber,
    #[serde(rename = "amber+strict")]
    AmberStrict,
    #[serde(rename = "red")]
    Red,
}

impl Tlp {
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    /// Whether a copy may leave the platform to someone who could not read it here (bulk
    /// exports, webhooks): only `clear` and `green`.
    pub fn may_leave(self) -> bool {
        matches!(self, Tlp::Clear | Tlp::Green)
    }

    /// Whether reading the record is itself audited (`amber`, `amber+strict`, `red`).
    pub fn read_is_audited(self) -> bool {
        !self.may_leave()
    }
}

crate::identity::vocabulary!(Distribution, "distribution");
crate::identity::vocabulary!(Tlp, "TLP");

/// The sharing attributes every shared record carries, as the owner chose them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    pub owner_organisation: String,
    /// The owning organisation's country (`None` for the secretariat).
    pub owner_country: Option<CountryCode>,
    pub distribution: Distribution,
    pub share_with: Vec<CountryCode>,
    pub tlp: Tlp,
    pub personal_data_distribution: Distribution,
}

/// What a caller asked for, before it is checked: absent fields take the defaults.
#[derive(Clone, Debug, Default)]
pub struct SharingRequest {
    pub distribution: Option<Distribution>,
    pub share_with: Vec<CountryCode>,
    pub tlp: Option<Tlp>,
    pub personal_data_distribution: Option<Distribution>,
}

/// Why a sharing request is refused, naming the field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SharingError {
    pub field: &'static str,
    pub message: String,
}

/// The defaults: a record stays in its organisation (deny by default) at TLP amber; personal
/// data goes no wider than `country`, and never wider than the record.
pub const DEFAULT_DISTRIBUTION: Distribution = Distribution::Organisation;
pub const DEFAULT_TLP: Tlp = Tlp::Amber;
pub const DEFAULT_PERSONAL_DATA: Distribution = Distribution::Country;

impl SharingRequest {
    /// The sharing of a record owned by `owner`, with the defaults filled in and the contract's
    /// rules checked: personal data never wider than the record; `countries` names at least one
    /// other country; no country twice.
    pub fn resolve(self, owner: &Organisation) -> Result<Sharing, SharingError> {
        let distribution = self.distribution.unwrap_or(DEFAULT_DISTRIBUTION);
        let personal = match self.personal_data_distribution {
            Some(p) if p > distribution => {
                return Err(SharingError {
                    field: "personal_data_distribution",
                    message: format!(
                        "`{p}` is wider than the record's distribution `{distribution}`; personal data is never shared wider than its record"
                    ),
                })
            }
            Some(p) => p,
            None => DEFAULT_PERSONAL_DATA.min(distribution),
        };
        let mut share_with = Vec::new();
        for c in self.share_with {
            if share_with.contains(&c) {
                return Err(SharingError {
                    field: "share_with",
                    message: format!("{c} is named twice"),
                });
            }
            share_with.push(c);
        }
        let widens = |d: Distribution| d == Distribution::Countries;
        if (widens(distribution) || widens(personal))
            && share_with.iter().all(|c| Some(c) == owner.country.as_ref())
        {
            return Err(SharingError {
                field: "share_with",
                message: "distribution `countries` needs at least one country to share with besides the owner's".into(),
            });
        }
        Ok(Sharing {
            owner_organisation: owner.id.clone(),
            owner_country: owner.country,
            distribution,
            share_with,
            tlp: self.tlp.unwrap_or(DEFAULT_TLP),
            personal_data_distribution: personal,
        })
    }
}

/// The part of a caller that decides what it may read, as the store's queries use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub organisation_id: String,
    pub country: Option<CountryCode>,
    pub secretariat: bool,
    /// A competent authority: sees the notifications its country is named on.
    pub competent_authority: bool,
}

impl Scope {
    /// The scope of an active user; a disabled user has none (reads nothing).
    pub fn of(actor: &Actor) -> Option<Scope> {
        (!actor.user.disabled).then(|| Scope::of_organisation(&actor.organisation))
    }

    pub fn of_organisation(org: &Organisation) -> Scope {
        Scope {
            organisation_id: org.id.clone(),
            country: org.country,
            secretariat: org.kind == OrgKind::Secretariat,
            competent_authority: org.kind == OrgKind::CompetentAuthority,
        }
    }
}

/// Whether `scope` is reached by `distribution` of a record shared as `sharing`, and why. The
/// record's and its personal data's reach both come from here.
pub fn reaches(sharing: &Sharing, distribution: Distribution, scope: &Scope) -> Decision {
    if scope.organisation_id == sharing.owner_organisation {
        return Decision::allow("the caller's organisation owns the record");
    }
    let same_country = scope.country.is_some() && scope.country == sharing.owner_country;
    match distribution {
        Distribution::Organisation => Decision::deny("shared with the owning organisation alone"),
        Distribution::Country if same_country => {
            Decision::allow("shared with every organisation of the owner's country")
        }
        Distribution::Country => Decision::deny("shared only within the owner's country"),
        Distribution::Countries if same_country => {
            Decision::allow("shared with the owner's country, which is the caller's")
        }
        Distribution::Countries if scope.secretariat => {
            Decision::allow("the secretariat sees records shared with several countries")
        }
        Distribution::Countries
            if scope
                .country
                .as_ref()
                .is_some_and(|c| sharing.share_with.contains(c)) =>
        {
            Decision::allow("the caller's country is among the countries it is shared with")
        }
        Distribution::Countries => {
            Decision::deny("the caller's country is not among the countries it is shared with")
        }
        Distribution::Coalition => Decision::allow("shared with every member of the coalition"),
    }
}

/// Whether `actor` may read a record shared as `sharing`. A record it may not read is
/// `not_found` to it (its existence is not revealed).
pub fn may_read(actor: &Actor, sharing: &Sharing) -> Decision {
    match Scope::of(actor) {
        None => Decision::deny("the user is disabled"),
        Some(scope) => reaches(sharing, sharing.distribution, &scope),
    }
}

/// Whether `actor` may read the record's personal data (it reads the record without it, and
/// the answer names what was left out).
pub fn may_read_personal_data(actor: &Actor, sharing: &Sharing) -> Decision {
    match Scope::of(actor) {
        None => Decision::deny("the user is disabled"),
        Some(scope) => reaches(sharing, sharing.personal_data_distribution, &scope),
    }
}

/// What a change of a record needs: an officer or admin of the owning organisation. A caller
/// that may read the record but not change it is `forbidden`; one that may not read it,
/// `not_found`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeDecision {
    Allowed,
    Forbidden(String),
    NotFound,
}

pub fn may_change(actor: &Actor, sharing: &Sharing) -> ChangeDecision {
    if !may_read(actor, sharing).allowed {
        return ChangeDecision::NotFound;
    }
    if actor.organisation.id != sharing.owner_organisation {
        return ChangeDecision::Forbidden(
            "only the owning organisation changes its records".into(),
        );
    }
    if actor.role() < Role::Officer {
        return ChangeDecision::Forbidden(format!(
            "a {} may read but not change the organisation's records",
            actor.role()
        ));
    }
    ChangeDecision::Allowed
}

/// Whether `actor` may create records for its organisation (officers and admins).
pub fn may_create(actor: &Actor) -> Decision {
    if actor.user.disabled {
        Decision::deny("the user is disabled")
    } else if actor.role() >= Role::Officer {
        Decision::allow("officers create their organisation's records")
    } else {
        Decision::deny(format!(
            "a {} may not create records; officers and admins may",
            actor.role()
        ))
    }
}

/// Whether `actor` may export records in bulk (analysts and above: "analytics and exports").
pub fn may_export(actor: &Actor) -> Decision {
    if actor.user.disabled {
        Decision::deny("the user is disabled")
    } else if actor.role() >= Role::Analyst {
        Decision::allow("analysts export what their organisation may read")
    } else {
        Decision::deny(format!(
            "a {} may not export; analysts, officers and admins may",
            actor.role()
        ))
    }
}

/// Who can read a record, in lists and in words (`GET …/{id}/visibility`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Visibility {
    /// Ids of the organisations that may read it.
    pub organisations: Vec<String>,
    /// The countries whose organisations (some or all) may read it.
    pub countries: Vec<CountryCode>,
    pub why: String,
}

/// Who of `members` can read a record shared as `sharing`, and why, in words.
pub fn visibility(sharing: &Sharing, members: &[Organisation]) -> Visibility {
    let mut organisations = Vec::new();
    let mut countries: Vec<CountryCode> = Vec::new();
    for org in members {
        if reaches(sharing, sharing.distribution, &Scope::of_organisation(org)).allowed {
            organisations.push(org.id.clone());
            if let Some(c) = &org.country {
                if !countries.contains(c) {
                    countries.push(*c);
                }
            }
        }
    }
    countries.sort();
    let owner_country = sharing
        .owner_country
        .as_ref()
        .map_or("no country".to_string(), |c| c.to_string());
    let list = |cs: &[CountryCode]| {
        cs.iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let reach = match sharing.distribution {
        Distribution::Organisation => "Only the owning organisation can read this record.".to_string(),
        Distribution::Country => format!(
            "Every organisation of the owner's country ({owner_country}) can read this record."
        ),
        Distribution::Countries => format!(
            "The organisations of the owner's country ({owner_country}) and of {} can read this record, and so can the secretariat.",
            list(&sharing.share_with)
        ),
        Distribution::Coalition => {
            "Every member of the coalition, and the secretariat, can read this record.".to_string()
        }
    };
    let personal = match sharing.personal_data_distribution {
        d if d == sharing.distribution => {
            "Its personal data is shared as widely as the record.".to_string()
        }
        Distribution::Organisation => {
            "Its personal data (names, dates of birth, identity numbers) is shown only to the owning organisation; others see the record with those fields left out.".to_string()
        }
        Distribution::Country => format!(
            "Its personal data is shown only to organisations of {owner_country}; others see the record with those fields left out."
        ),
        Distribution::Countries => format!(
            "Its personal data is shown only to organisations of {owner_country} and {} and to the secretariat; others see the record with those fields left out.",
            list(&sharing.share_with)
        ),
        Distribution::Coalition => "Its personal data is shown to every member.".to_string(),
    };
    let tlp = if sharing.tlp.may_leave() {
        format!(
            "It is TLP:{}, so copies may leave the platform (exports, subscriptions).",
            sharing.tlp.as_str().to_uppercase()
        )
    } else {
        format!(
            "It is TLP:{}: it does not leave the platform except to organisations that may read it here, and every read of it is audited.",
            sharing.tlp.as_str().to_uppercase()
        )
    };
    Visibility {
        organisations,
        countries,
        why: format!("{reach} {personal} {tlp}"),
    }
}

impl fmt::Display for Sharing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} / TLP:{} / personal data {}",
            self.distribution,
            self.tlp.as_str(),
            self.personal_data_distribution
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::User;

    fn org(id: &str, country: Option<&str>, kind: OrgKind) -> Organisation {
        Organisation {
            id: id.into(),
            name: id.into(),
            country: country.map(|c| CountryCode::parse(c).unwrap()),
            kind,
        }
    }

    fn actor(o: &Organisation, role: Role) -> Actor {
        Actor {
            user: User {
                id: format!("u-{}", o.id),
                email: "x@y".into(),
                organisation_id: o.id.clone(),
                role,
                disabled: false,
            },
            organisation: o.clone(),
        }
    }

    fn cc(c: &str) -> CountryCode {
        CountryCode::parse(c).unwrap()
    }

    #[test]
    fn each_distribution_reaches_whom_the_contract_says() {
        let owner = org("mx-customs", Some("MX"), OrgKind::Customs);
        let same_country = org("mx-police", Some("MX"), OrgKind::Police);
        let shared = org("us-ca", Some("US"), OrgKind::CompetentAuthority);
        let third = org("de-ca", Some("DE"), OrgKind::CompetentAuthority);
        let secretariat = org("sec", None, OrgKind::Secretariat);
        let sees = |d: Distribution, o: &Organisation| {
            let sharing = SharingRequest {
                distribution: Some(d),
                share_with: vec![cc("US")],
                tlp: None,
                personal_data_distribution: Some(Distribution::Organisation),
            }
            .resolve(&owner)
            .unwrap();
            may_read(&actor(o, Role::Viewer), &sharing).allowed
        };
        for (d, expect) in [
            (
                Distribution::Organisation,
                [true, false, false, false, false],
            ),
            (Distribution::Country, [true, true, false, false, false]),
            (Distribution::Countries, [true, true, true, false, true]),
            (Distribution::Coalition, [true, true, true, true, true]),
        ] {
            let got = [&owner, &same_country, &shared, &third, &secretariat].map(|o| sees(d, o));
            assert_eq!(got, expect, "{d}");
        }
    }

    #[test]
    fn personal_data_is_never_wider_than_its_record_and_defaults_to_country() {
        let owner = org("mx", Some("MX"), OrgKind::Customs);
        let wide = SharingRequest {
            distribution: Some(Distribution::Country),
            personal_data_distribution: Some(Distribution::Coalition),
            ..SharingRequest::default()
        }
        .resolve(&owner)
        .unwrap_err();
        assert_eq!(wide.field, "personal_data_distribution");
        let coalition = SharingRequest {
            distribution: Some(Distribution::Coalition),
            ..SharingRequest::default()
        }
        .resolve(&owner)
        .unwrap();
        assert_eq!(coalition.personal_data_distribution, Distribution::Country);
        let own = SharingRequest::default().resolve(&owner).unwrap();
        assert_eq!(own.distribution, Distribution::Organisation);
        assert_eq!(own.personal_data_distribution, Distribution::Organisation);
        assert_eq!(own.tlp, Tlp::Amber);
    }

    #[test]
    fn countries_needs_someone_to_share_with() {
        let owner = org("mx", Some("MX"), OrgKind::Customs);
        let e = SharingRequest {
            distribution: Some(Distribution::Countries),
            share_with: vec![cc("MX")],
            ..SharingRequest::default()
        }
        .resolve(&owner)
        .unwrap_err();
        assert_eq!(e.field, "share_with");
    }

    #[test]
    fn only_officers_of_the_owner_change_and_others_learn_nothing() {
        let owner = org("mx", Some("MX"), OrgKind::Customs);
        let other = org("de", Some("DE"), OrgKind::Customs);
        let sharing = SharingRequest {
            distribution: Some(Distribution::Country),
            ..SharingRequest::default()
        }
        .resolve(&owner)
        .unwrap();
        assert_eq!(
            may_change(&actor(&owner, Role::Officer), &sharing),
            ChangeDecision::Allowed
        );
        assert!(matches!(
            may_change(&actor(&owner, Role::Analyst), &sharing),
            ChangeDecision::Forbidden(_)
        ));
        assert_eq!(
            may_change(&actor(&other, Role::Admin), &sharing),
            ChangeDecision::NotFound
        );
    }

    #[test]
    fn visibility_lists_exactly_the_readers() {
        let owner = org("mx", Some("MX"), OrgKind::Customs);
        let members = vec![
            owner.clone(),
            org("us", Some("US"), OrgKind::Police),
            org("de", Some("DE"), OrgKind::Police),
            org("sec", None, OrgKind::Secretariat),
        ];
        let sharing = SharingRequest {
            distribution: Some(Distribution::Countries),
            share_with: vec![cc("US")],
            tlp: Some(Tlp::Red),
            personal_data_distribution: None,
        }
        .resolve(&owner)
        .unwrap();
        let v = visibility(&sharing, &members);
        assert_eq!(v.organisations, ["mx", "us", "sec"]);
        assert_eq!(v.countries, [cc("MX"), cc("US")]);
        assert!(v.why.contains("TLP:RED"), "{}", v.why);
    }

    #[test]
    fn tlp_words_round_trip() {
        for t in Tlp::ALL {
            assert_eq!(t.as_str().parse::<Tlp>().unwrap(), t);
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
        assert!("amber strict".parse::<Tlp>().is_err());
    }
}
