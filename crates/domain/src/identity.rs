//! Organisations, users and roles as the platform contract defines them
//! (`shared/spec/platform.md`, section Identity).

use interdict_core::CountryCode;
use serde::{Deserialize, Serialize};

/// The kind of authority an organisation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// The national authority of art. 12 of the 1988 Convention: files and answers pre-export
    /// notifications.
    CompetentAuthority,
    Customs,
    Police,
    ForensicLab,
    Health,
    /// The coalition's own office (no country); receives a copy of every notification.
    Secretariat,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] = [
        OrgKind::CompetentAuthority,
        OrgKind::Customs,
        OrgKind::Police,
        OrgKind::ForensicLab,
        OrgKind::Health,
        OrgKind::Secretariat,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::CompetentAuthority => "competent_authority",
            OrgKind::Customs => "customs",
            OrgKind::Police => "police",
            OrgKind::ForensicLab => "forensic_lab",
            OrgKind::Health => "health",
            OrgKind::Secretariat => "secretariat",
        }
    }
}

/// A role, each including the rights of the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads what the organisation may see.
    Viewer,
    /// Viewer, plus analytics and exports.
    Analyst,
    /// Analyst, plus creating and changing the organisation's records.
    Officer,
    /// Officer, plus the organisation's users and tokens. In the secretariat: a coalition
    /// administrator, who adds organisations.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Analyst, Role::Officer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Officer => "officer",
            Role::Admin => "admin",
        }
    }
}

/// Why a word is not one of a fixed vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {what}; expected one of: {expected}")]
pub struct UnknownWord {
    pub what: &'static str,
    pub value: String,
    pub expected: String,
}

macro_rules! vocabulary {
    ($ty:ty, $what:literal) => {
        impl std::str::FromStr for $ty {
            type Err = $crate::identity::UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s.trim())
                    .ok_or_else(|| $crate::identity::UnknownWord {
                        what: $what,
                        value: interdict_core::text::clip(s, 40),
                        expected: <$ty>::ALL
                            .iter()
                            .map(|v| v.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use vocabulary;

vocabulary!(OrgKind, "organisation kind");
vocabulary!(Role, "role");

/// One authority. Ids are assigned by the store (`org-…`), stable for the platform's life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    /// Null for the secretariat, which belongs to no country.
    pub country: Option<CountryCode>,
    pub kind: OrgKind,
}

/// A person (or a system) that signs in. Belongs to one organisation with one role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub organisation_id: String,
    pub role: Role,
    pub disabled: bool,
}

/// The authenticated caller of an operation: who, for which organisation, with what role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user: User,
    pub organisation: Organisation,
}

impl Actor {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn is_secretariat(&self) -> bool {
        self.organisation.kind == OrgKind::Secretariat
    }

    /// A secretariat admin: administers the coalition (adds organisations, sets corridors).
    pub fn is_coalition_admin(&self) -> bool {
        self.is_secretariat() && self.user.role == Role::Admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip_and_explain_errors() {
        for k in OrgKind::ALL {
            assert_eq!(k.as_str().parse::<OrgKind>().unwrap(), k);
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        let e = "boss".parse::<Role>().unwrap_err().to_string();
        assert!(e.contains("viewer, analyst, officer, admin"), "{e}");
        assert!(Role::Admin > Role::Officer && Role::Officer > Role::Analyst);
    }
}
