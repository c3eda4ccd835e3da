//! `interdict serve`, `interdict admin …`, `interdict migrate`: the platform's shell commands.

use std::io::{self, Read, Write};

use anyhow::{Context as _, Result};
use interdict_app::{identity, App, Database};
use interdict_core::CountryCode;
use interdict_domain::{OrgKind, Role};
use serde_json::json;

use crate::cli::{AdminCommand, OrgCommand, ServeArgs, TokenCommand, UserCommand};
use crate::exit;
use crate::output::Context;

pub fn now() -> i64 {
    crate::output::now_secs()
}

/// `interdict serve`.
pub fn serve(ctx: &Context, args: &ServeArgs) -> Result<u8> {
    let db = ctx.database()?;
    let mut users = Vec::new();
    if args.demo {
        let files = interdict_app::demo::DemoFiles {
            watchlist_csv: include_str!("../../../../examples/watchlist.csv"),
            alr_csv: include_str!("../../../../examples/alr.csv"),
            pens_csv: include_str!("../../../../examples/pens.csv"),
        };
        let fresh = db.read(|tx| tx.organisations())?.is_empty();
        if fresh {
            users = interdict_app::demo::seed(&db, &files, now(), &crate::output::now_rfc3339())
                .context("seeding the demo coalition")?;
        } else if !ctx.quiet {
            eprintln!("--demo: the database has a coalition already; serving it as it is");
        }
    }
    let settings = interdict_server::Settings {
        secure_cookies: !args.insecure_cookies,
        clock_offset_days: args.clock_offset,
        allow_private_webhooks: args.allow_private_webhooks,
        ..Default::default()
    };
    if args.demo && !ctx.audit_key_path().exists() {
        super::platform::create_key(ctx, &db)?;
    }
    let app = App::new(db);
    super::platform::load_key(ctx, &app)?;
    if !users.is_empty() && app.has_audit_key() {
        // The demo's history starts weeks ago: its authorities' keys are older still, so the
        // labels it signed back then verify.
        interdict_app::labels::ensure_keys(&app, now() - 400 * 86_400)?;
    }
    super::platform::ensure_label_keys(ctx, &app)?;
    if !users.is_empty() {
        let n = interdict_app::demo::seed_incidents(&app, &users, now())
            .context("seeding the demo incidents")?;
        if !ctx.quiet {
            eprintln!("--demo: {n} incidents over the last year");
        }
        let n = interdict_app::demo::seed_notifications(
            &app,
            include_str!("../../../../examples/pens.csv"),
            now(),
        )
        .context("seeding the demo notifications")?;
        if !ctx.quiet {
            eprintln!("--demo: {n} pre-export notifications in every status");
        }
        let n = interdict_app::demo::seed_trends(&app, now()).context("seeding the demo trends")?;
        if !ctx.quiet {
            eprintln!("--demo: {n} incidents of a substitution after a control and a new analogue");
        }
    }
    let state = interdict_server::AppState::new(app, settings);
    if !users.is_empty() {
        eprintln!(
            "Demo coalition on http://{} — sign in as (password, then API token):",
            args.listen
        );
        let mut shown = 0;
        for u in &users {
            if shown < 8 && (u.role == Role::Admin || u.role == Role::Officer) {
                eprintln!(
                    "  {:<44} {:<8} {:<34} {}",
                    u.email,
                    u.role.as_str(),
                    u.password,
                    u.token
                );
                shown += 1;
            }
        }
        eprintln!(
            "  ({} demo users in all; every password is demo-<the email without @…demo>)",
            users.len()
        );
    }
    interdict_server::run(args.listen, state)?;
    Ok(exit::OK)
}

/// `interdict migrate`: brings the database's schema up to date and says what it did.
pub fn migrate(ctx: &Context) -> Result<u8> {
    let db = ctx.database()?;
    let version = db.schema_version()?;
    if !ctx.quiet {
        eprintln!("{}: schema version {version}", db.location());
    }
    Ok(exit::OK)
}

fn print(ctx: &Context, value: serde_json::Value, human: String) -> Result<()> {
    let mut out = io::stdout().lock();
    if ctx.json {
        writeln!(out, "{value}")?;
    } else {
        writeln!(out, "{human}")?;
    }
    Ok(())
}

/// One organisation: JSON, or `id, name, country, kind` separated by tabs.
fn print_org(ctx: &Context, org: &interdict_domain::Organisation) -> Result<()> {
    let country = org.country.map(|c| c.to_string()).unwrap_or_default();
    print(
        ctx,
        serde_json::to_value(org)?,
        format!("{}\t{}\t{country}\t{}", org.id, org.name, org.kind),
    )
}

/// `interdict admin …`: bootstrap a coalition without the API (an operator with access to the
/// database; no caller to authorise).
pub fn admin(ctx: &Context, cmd: &AdminCommand) -> Result<u8> {
    let db: Database = ctx.database()?;
    match cmd {
        AdminCommand::Init { name, email } => {
            let init = identity::init(&db, name, email, now())?;
            super::platform::create_key(ctx, &db)?;
            print(
                ctx,
                json!({"organisation": init.secretariat.id, "user": init.admin.id, "email": init.admin.email, "token": init.token}),
                format!(
                    "created the secretariat {} and its admin {}\ntoken (shown once): {}",
                    init.secretariat.id, init.admin.email, init.token
                ),
            )?;
        }
        AdminCommand::Org(OrgCommand::Add {
            name,
            country,
            kind,
        }) => {
            let kind: OrgKind = kind.parse()?;
            let country = country.as_deref().map(CountryCode::parse).transpose()?;
            let org = identity::add_organisation(&db, None, name, country, kind)?;
            let path = ctx.audit_key_path();
            if kind == OrgKind::CompetentAuthority && path.exists() {
                let app = App::new(db.clone());
                super::platform::load_key(ctx, &app)?;
                super::platform::ensure_label_keys(ctx, &app)?;
            }
            print_org(ctx, &org)?;
        }
        AdminCommand::Org(OrgCommand::List) => {
            for org in identity::organisations(&db)? {
                print_org(ctx, &org)?;
            }
        }
        AdminCommand::User(UserCommand::Add {
            org,
            email,
            role,
            password_stdin,
        }) => {
            let role: Role = role.parse()?;
            let password = if *password_stdin {
                let mut p = String::new();
                io::stdin()
                    .read_to_string(&mut p)
                    .context("reading the password from standard input")?;
                Some(p.trim_end_matches(['\n', '\r']).to_string())
            } else {
                None
            };
            let user = identity::add_user(&db, None, org, email, role, password.as_deref())?;
            print(
                ctx,
                serde_json::to_value(&user)?,
                format!("{}\t{}\t{}", user.id, user.email, user.role),
            )?;
        }
        AdminCommand::Token(TokenCommand::Create { user, label }) => {
            let made = identity::create_token(&db, None, user, label, now())?;
            print(
                ctx,
                json!({"id": made.id, "user": made.user.email, "token": made.token}),
                made.token.clone(),
            )?;
        }
    }
    Ok(exit::OK)
}
