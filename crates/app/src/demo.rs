//! A demo coalition for `interdict serve --demo`: a realistic small coalition on a fresh
//! database — the secretariat, eight and more member countries each with a competent authority
//! and customs, forensic laboratories and health agencies in some, users of every role, and the
//! example watchlist, ALRs and PENs — so every page and endpoint has something to show.

use interdict_core::CountryCode;
use interdict_domain::{OrgKind, Role};
use interdict_store::Database;

use crate::{identity, lists, screening, AppError};

/// The example files the demo loads (the shell passes them in; the binary carries them).
pub struct DemoFiles<'a> {
    pub watchlist_csv: &'a str,
    pub alr_csv: &'a str,
    pub pens_csv: &'a str,
}

/// A demo user and how to sign in as them.
pub struct DemoUser {
    pub email: String,
    pub organisation: String,
    pub role: Role,
    pub password: String,
    pub token: String,
}

/// The members: country, the authority's name, and which kinds of organisation it has besides
/// its competent authority and customs.
const MEMBERS: &[(&str, &str, &[OrgKind])] = &[
    ("CN", "China", &[OrgKind::ForensicLab, OrgKind::Police]),
    ("IN", "India", &[OrgKind::ForensicLab]),
    (
        "US",
        "United States",
        &[OrgKind::ForensicLab, OrgKind::Health, OrgKind::Police],
    ),
    ("MX", "Mexico", &[OrgKind::Health, OrgKind::Police]),
    ("CA", "Canada", &[OrgKind::Health]),
    (
        "NL",
        "Netherlands",
        &[OrgKind::ForensicLab, OrgKind::Health],
    ),
    ("DE", "Germany", &[OrgKind::ForensicLab]),
    ("NG", "Nigeria", &[OrgKind::Health]),
    ("GT", "Guatemala", &[]),
    ("BE", "Belgium", &[]),
];

fn org_name(country: &str, kind: OrgKind) -> String {
    let what = match kind {
        OrgKind::CompetentAuthority => "Competent National Authority",
        OrgKind::Customs => "Customs",
        OrgKind::Police => "Police",
        OrgKind::ForensicLab => "Forensic Laboratory",
        OrgKind::Health => "Health Agency",
        OrgKind::Secretariat => "Secretariat",
    };
    format!("{country} {what}")
}

/// The demo password of a user: long enough for the password rule, easy to type in a demo.
fn demo_password(email: &str) -> String {
    format!("demo-{}", email.split('@').next().unwrap_or("user"))
}

/// Seeds an empty database. Refused when the coalition was initialised already.
pub fn seed(
    db: &Database,
    files: &DemoFiles<'_>,
    now: i64,
    imported_at: &str,
) -> Result<Vec<DemoUser>, AppError> {
    let init = identity::init(db, "Coalition Secretariat", "admin@secretariat.demo", now)?;
    identity::set_password(
        db,
        None,
        &init.admin.email,
        &demo_password("admin.secretariat"),
    )?;
    let mut users = vec![DemoUser {
        email: init.admin.email.clone(),
        organisation: init.secretariat.name.clone(),
        role: Role::Admin,
        password: demo_password("admin.secretariat"),
        token: init.token.clone(),
    }];
    let mut add =
        |org: &interdict_domain::Organisation, local: &str, role: Role| -> Result<(), AppError> {
            let domain = org
                .country
                .map(|c| c.as_str().to_ascii_lowercase())
                .unwrap_or_else(|| "secretariat".into());
            let email = format!("{local}@{domain}.demo");
            let password = demo_password(&format!("{local}.{domain}"));
            let user = identity::add_user(db, None, &org.id, &email, role, Some(&password))?;
            let token = identity::create_token(db, None, &user.email, "demo", now)?.token;
            users.push(DemoUser {
                email,
                organisation: org.name.clone(),
                role,
                password,
                token,
            });
            Ok(())
        };
    let secretariat = init.secretariat;
    add(&secretariat, "analyst", Role::Analyst)?;
    for (code, _, extra) in MEMBERS {
        let country = CountryCode::parse(code).map_err(|e| AppError::invalid("country", e))?;
        let kinds = [OrgKind::CompetentAuthority, OrgKind::Customs]
            .into_iter()
            .chain(extra.iter().copied());
        for kind in kinds {
            let org =
                identity::add_organisation(db, None, &org_name(code, kind), Some(country), kind)?;
            let local = kind.as_str().replace('_', "-");
            match kind {
                OrgKind::CompetentAuthority => {
                    add(&org, &format!("{local}-admin"), Role::Admin)?;
                    add(&org, &format!("{local}-officer"), Role::Officer)?;
                }
                OrgKind::Customs => {
                    add(&org, &format!("{local}-officer"), Role::Officer)?;
                    add(&org, &format!("{local}-viewer"), Role::Viewer)?;
                }
                _ => add(&org, &format!("{local}-analyst"), Role::Analyst)?,
            }
        }
    }
    let list = lists::ListText {
        format: interdict_watchlist::import::Format::Csv,
        main: files.watchlist_csv,
        alt: None,
        add: None,
    };
    let parsed = lists::parse(&list).map_err(|e| AppError::invalid("watchlist", e))?;
    lists::import(
        db,
        "coalition",
        interdict_watchlist::import::Format::Csv,
        "examples/watchlist.csv",
        &parsed,
        imported_at,
    )?;
    screening::import_context(
        db,
        screening::ContextKind::Alr,
        "examples/alr.csv",
        files.alr_csv,
        imported_at,
    )?;
    screening::import_context(
        db,
        screening::ContextKind::Pens,
        "examples/pens.csv",
        files.pens_csv,
        imported_at,
    )?;
    Ok(users)
}
