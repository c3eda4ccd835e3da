//! Who may do what: one place that decides, with a reason in words.
//!
//! Every operation of the application layer asks [`decide`] before it acts, and the same rules
//! are applied in the store's queries (the caller's scope goes into the query), so no list or
//! count can include what the caller may not read.

use crate::identity::{Actor, Role};

/// What a caller wants to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action<'a> {
    /// Use an engine (identify, classify, match, screen, detect) or read the registry: any
    /// authenticated user.
    UseEngines,
    /// Read the watchlist snapshots loaded on the platform.
    ReadLists,
    /// Import a watchlist, ALR or PEN file (changes what every member's screening sees).
    ImportLists,
    /// Add an organisation to the coalition.
    AddOrganisation,
    /// Add or change users of an organisation, or their tokens.
    ManageUsers { organisation_id: &'a str },
}

/// The answer: allowed or not, and why, in words an operator can read in a log or an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub reason: String,
}

impl Decision {
    pub(crate) fn allow(reason: impl Into<String>) -> Decision {
        Decision {
            allowed: true,
            reason: reason.into(),
        }
    }

    pub(crate) fn deny(reason: impl Into<String>) -> Decision {
        Decision {
            allowed: false,
            reason: reason.into(),
        }
    }
}

/// Decides whether `actor` may do `action`. Deny by default: every allowed case is named.
pub fn decide(actor: &Actor, action: &Action<'_>) -> Decision {
    if actor.user.disabled {
        return Decision::deny("the user is disabled");
    }
    let role = actor.role();
    match action {
        Action::UseEngines | Action::ReadLists => {
            Decision::allow(format!("every {} may use the engines", role))
        }
        Action::ImportLists => {
            if actor.is_coalition_admin() {
                Decision::allow("coalition administrators maintain the shared lists")
            } else {
                Decision::deny("only a secretariat admin may import lists for the coalition")
            }
        }
        Action::AddOrganisation => {
            if actor.is_coalition_admin() {
                Decision::allow("coalition administrators add organisations")
            } else {
                Decision::deny("only a secretariat admin may add organisations")
            }
        }
        Action::ManageUsers { organisation_id } => {
            if role != Role::Admin {
                Decision::deny(format!("a {role} may not manage users"))
            } else if actor.organisation.id == *organisation_id {
                Decision::allow("an admin manages the users of their own organisation")
            } else if actor.is_coalition_admin() {
                Decision::allow("a coalition administrator may manage any organisation's users")
            } else {
                Decision::deny("an admin manages only their own organisation's users")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{OrgKind, Organisation, User};

    fn actor(kind: OrgKind, role: Role) -> Actor {
        Actor {
            user: User {
                id: "u".into(),
                email: "u@x".into(),
                organisation_id: "o1".into(),
                role,
                disabled: false,
            },
            organisation: Organisation {
                id: "o1".into(),
                name: "O".into(),
                country: None,
                kind,
            },
        }
    }

    #[test]
    fn only_coalition_admins_import_and_add_organisations() {
        for kind in OrgKind::ALL {
            for role in Role::ALL {
                let a = actor(kind, role);
                let admin = kind == OrgKind::Secretariat && role == Role::Admin;
                assert_eq!(decide(&a, &Action::ImportLists).allowed, admin);
                assert_eq!(decide(&a, &Action::AddOrganisation).allowed, admin);
                assert!(decide(&a, &Action::UseEngines).allowed);
            }
        }
    }

    #[test]
    fn admins_manage_their_own_organisation() {
        let a = actor(OrgKind::Customs, Role::Admin);
        let own = Action::ManageUsers {
            organisation_id: "o1",
        };
        let other = Action::ManageUsers {
            organisation_id: "o2",
        };
        assert!(decide(&a, &own).allowed);
        assert!(!decide(&a, &other).allowed);
        assert!(!decide(&actor(OrgKind::Customs, Role::Officer), &own).allowed);
        assert!(decide(&actor(OrgKind::Secretariat, Role::Admin), &other).allowed);
        let mut disabled = a.clone();
        disabled.user.disabled = true;
        assert!(!decide(&disabled, &own).allowed);
    }
}
