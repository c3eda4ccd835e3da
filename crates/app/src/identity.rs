//! Identity use cases: bootstrapping a coalition, organisations, users, API tokens, password
//! logins with throttling, browser sessions with CSRF tokens.
//!
//! Secrets never reach the store: a token, a session id and a CSRF token are random 32-byte
//! strings shown once and stored as their SHA-256; a password is stored as its Argon2id hash.
//! Nothing here logs a secret, and no error message carries one.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use interdict_core::CountryCode;
use interdict_domain::authz::{decide, Action};
use interdict_domain::{Actor, OrgKind, Organisation, Role, User};
use interdict_store::{Database, LoginThrottle, StoreError, TokenInfo};
use sha2::{Digest, Sha256};

use crate::AppError;

/// The meta key recording that `admin init` ran.
const INITIALISED: &str = "coalition_initialised";

/// How long a browser session lasts without a new login.
pub const SESSION_SECS: i64 = 12 * 60 * 60;

/// Prefix of API tokens, so a leaked one is recognisable in a scan of logs or code.
pub const TOKEN_PREFIX: &str = "itd_";

/// A fresh secret: 32 random bytes, base64url without padding, behind `prefix`.
fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", base64url(&bytes))
}

/// SHA-256 (lower-case hex) of a secret: what the store keeps.
pub fn secret_hash(secret: &str) -> String {
    crate::lists::hex(&Sha256::digest(secret.as_bytes()))
}

/// Base64url without padding (RFC 4648 §5).
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Hashes a password with Argon2id (the crate's defaults: 19 MiB, 2 passes, OWASP's minimum).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    if password.chars().count() < 12 {
        return Err(AppError::invalid(
            "password",
            "must have at least 12 characters",
        ));
    }
    if password.len() > 1024 {
        return Err(AppError::invalid(
            "password",
            "must have at most 1024 bytes",
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::invalid("password", format!("cannot be hashed: {e}")))
}

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// What `admin init` created: the secretariat, its first admin, and that admin's token.
pub struct Initialised {
    pub secretariat: Organisation,
    pub admin: User,
    pub token: String,
}

/// Creates the secretariat and its first admin with a token (shown once). Refused when the
/// coalition was initialised before.
pub fn init(
    db: &Database,
    name: &str,
    admin_email: &str,
    now: i64,
) -> Result<Initialised, AppError> {
    let email = checked_email(admin_email)?;
    let token = new_secret(TOKEN_PREFIX);
    let hash = secret_hash(&token);
    db.write(|tx| {
        if tx.meta_get(INITIALISED)?.is_some() {
            return Err(AppError::Conflict(
                "the coalition is initialised already; add users with `interdict admin user add`"
                    .into(),
            ));
        }
        let secretariat = tx.insert_organisation(name, None, OrgKind::Secretariat)?;
        let admin = tx.insert_user(&secretariat.id, &email, Role::Admin, None)?;
        let token_id = tx.insert_token(&admin.id, &hash, "admin init", now)?;
        audited_org(tx, None, &secretariat)?;
        audited_user(tx, None, "create", &admin)?;
        audited_token(tx, None, "create", &token_id, &admin, "admin init")?;
        tx.meta_set(INITIALISED, &now.to_string())?;
        Ok(Initialised {
            secretariat: secretariat.clone(),
            admin: admin.clone(),
            token: token.clone(),
        })
    })
}

fn checked_email(email: &str) -> Result<String, AppError> {
    let e = email.trim();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.is_empty()
                && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        });
    if ok {
        Ok(e.to_string())
    } else {
        Err(AppError::invalid(
            "email",
            format!(
                "`{}` is not an email address",
                interdict_core::text::clip(e, 60)
            ),
        ))
    }
}

fn checked_name(name: &str) -> Result<String, AppError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 200 || n.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "must be 1 to 200 characters without control characters",
        ));
    }
    Ok(n.to_string())
}

/// Requires `actor` (when there is one: `None` is the operator at the console, with database
/// access, bootstrapping) to be allowed `action`.
fn authorise(actor: Option<&Actor>, action: &Action<'_>) -> Result<(), AppError> {
    match actor {
        None => Ok(()),
        Some(a) => {
            let d = decide(a, action);
            if d.allowed {
                Ok(())
            } else {
                Err(AppError::Forbidden(d.reason))
            }
        }
    }
}

/// Adds an organisation. The secretariat has no country; every other kind needs one.
pub fn add_organisation(
    db: &Database,
    actor: Option<&Actor>,
    name: &str,
    country: Option<CountryCode>,
    kind: OrgKind,
) -> Result<Organisation, AppError> {
    authorise(actor, &Action::AddOrganisation)?;
    let name = checked_name(name)?;
    match (kind, country) {
        (OrgKind::Secretariat, Some(_)) => {
            return Err(AppError::invalid(
                "country",
                "the secretariat belongs to no country",
            ))
        }
        (OrgKind::Secretariat, None) => {}
        (_, None) => return Err(AppError::invalid("country", "is required for this kind")),
        _ => {}
    }
    db.write(|tx| {
        let org = tx.insert_organisation(&name, country, kind)?;
        audited_org(tx, actor, &org)?;
        Ok(org)
    })
}

fn audited_org(
    tx: &mut interdict_store::Tx<'_>,
    actor: Option<&Actor>,
    org: &Organisation,
) -> Result<(), AppError> {
    crate::audit::append_change(
        tx,
        actor,
        "create",
        &format!("organisations/{}", org.id),
        Some(&org.id),
        &crate::audit::json_of(org),
    )?;
    Ok(())
}

fn audited_user(
    tx: &mut interdict_store::Tx<'_>,
    actor: Option<&Actor>,
    action: &str,
    user: &User,
) -> Result<(), AppError> {
    crate::audit::append_change(
        tx,
        actor,
        action,
        &format!("users/{}", user.id),
        Some(&user.organisation_id),
        &crate::audit::json_of(user),
    )?;
    Ok(())
}

fn audited_token(
    tx: &mut interdict_store::Tx<'_>,
    actor: Option<&Actor>,
    action: &str,
    token_id: &str,
    user: &User,
    label: &str,
) -> Result<(), AppError> {
    crate::audit::append_change(
        tx,
        actor,
        action,
        &format!("tokens/{token_id}"),
        Some(&user.organisation_id),
        &serde_json::json!({"id": token_id, "user": user.id, "label": label}),
    )?;
    Ok(())
}

pub fn organisations(db: &Database) -> Result<Vec<Organisation>, AppError> {
    Ok(db.read(|tx| tx.organisations())?)
}

/// Adds a user to an organisation, with a password (hashed here) or none (token-only).
pub fn add_user(
    db: &Database,
    actor: Option<&Actor>,
    organisation_id: &str,
    email: &str,
    role: Role,
    password: Option<&str>,
) -> Result<User, AppError> {
    authorise(actor, &Action::ManageUsers { organisation_id })?;
    let email = checked_email(email)?;
    let hash = password.map(hash_password).transpose()?;
    db.write(|tx| {
        if tx.organisation(organisation_id)?.is_none() {
            return Err(AppError::NotFound(format!(
                "organisation {organisation_id}"
            )));
        }
        let user = tx.insert_user(organisation_id, &email, role, hash.as_deref())?;
        audited_user(tx, actor, "create", &user)?;
        Ok(user)
    })
}

/// A user of an organisation the actor may manage, by email; `not_found` otherwise (whether the
/// user exists elsewhere is not revealed).
fn managed_user(db: &Database, actor: Option<&Actor>, email: &str) -> Result<User, AppError> {
    let user = db.read(|tx| tx.user_by_email(email))?.ok_or_else(|| {
        AppError::NotFound(format!("user {}", interdict_core::text::clip(email, 60)))
    })?;
    match authorise(
        actor,
        &Action::ManageUsers {
            organisation_id: &user.organisation_id,
        },
    ) {
        Ok(()) => Ok(user),
        Err(_) => Err(AppError::NotFound(format!(
            "user {}",
            interdict_core::text::clip(email, 60)
        ))),
    }
}

/// Sets a user's password.
pub fn set_password(
    db: &Database,
    actor: Option<&Actor>,
    email: &str,
    password: &str,
) -> Result<(), AppError> {
    let user = managed_user(db, actor, email)?;
    let hash = hash_password(password)?;
    db.write(|tx| {
        tx.set_password_hash(&user.id, Some(&hash))?;
        tx.delete_sessions_of(&user.id)?;
        audited_user(tx, actor, "set_password", &user)?;
        Ok::<_, AppError>(())
    })
}

/// A token just created: its id and the secret, shown this once.
pub struct NewToken {
    pub id: String,
    pub token: String,
    pub user: User,
}

/// Creates an API token for a user (oneself, or a user the actor manages).
pub fn create_token(
    db: &Database,
    actor: Option<&Actor>,
    email: &str,
    label: &str,
    now: i64,
) -> Result<NewToken, AppError> {
    let own = actor.is_some_and(|a| a.user.email.eq_ignore_ascii_case(email.trim()));
    let user = if own {
        actor
            .map(|a| a.user.clone())
            .ok_or_else(|| AppError::NotFound("user".into()))?
    } else {
        managed_user(db, actor, email.trim())?
    };
    let label = if label.trim().is_empty() {
        "api"
    } else {
        label.trim()
    };
    let label = checked_name(label)?;
    let token = new_secret(TOKEN_PREFIX);
    let hash = secret_hash(&token);
    let id = db.write(|tx| {
        let id = tx.insert_token(&user.id, &hash, &label, now)?;
        audited_token(tx, actor, "create", &id, &user, &label)?;
        Ok::<_, AppError>(id)
    })?;
    Ok(NewToken { id, token, user })
}

/// The tokens of the caller (never their hashes).
pub fn tokens_of(db: &Database, actor: &Actor) -> Result<Vec<TokenInfo>, AppError> {
    Ok(db.read(|tx| tx.tokens_of(&actor.user.id))?)
}

/// Revokes a token of the caller, or of a user the caller manages. Any other id is `not_found`.
/// This process forgets every token it trusted (another process sharing the database stops
/// trusting the revoked one within [`crate::engines::TOKEN_TTL`]).
pub fn revoke_token(
    app: &crate::App,
    actor: &Actor,
    token_id: &str,
    now: i64,
) -> Result<(), AppError> {
    let revoked = revoke_in_database(&app.db, actor, token_id, now);
    app.forget_tokens();
    revoked
}

fn revoke_in_database(
    db: &Database,
    actor: &Actor,
    token_id: &str,
    now: i64,
) -> Result<(), AppError> {
    let not_found = || {
        AppError::NotFound(format!(
            "token {}",
            interdict_core::text::clip(token_id, 40)
        ))
    };
    db.write(|tx| {
        let token = tx.token(token_id)?.ok_or_else(not_found)?;
        if token.user_id != actor.user.id {
            let owner = tx.user(&token.user_id)?.ok_or_else(not_found)?;
            if !decide(
                actor,
                &Action::ManageUsers {
                    organisation_id: &owner.organisation_id,
                },
            )
            .allowed
            {
                return Err(not_found());
            }
        }
        tx.revoke_token(token_id, now)?;
        let owner = tx.user(&token.user_id)?.ok_or_else(not_found)?;
        audited_token(tx, Some(actor), "revoke", token_id, &owner, &token.label)?;
        Ok(())
    })
}

/// Who a bearer token authenticates, asking the database (a shell first tries
/// [`recently_authenticated`], without blocking, and calls this where blocking is allowed).
/// The answer is remembered for [`crate::engines::TOKEN_TTL`], so a burst of requests costs one
/// database write (the token's `last_used_at`), not one each; revocations made through `app`
/// clear that memory at once.
pub fn authenticate_token(
    app: &crate::App,
    token: &str,
    now: i64,
) -> Result<Option<Actor>, AppError> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 128 {
        return Ok(None);
    }
    let hash = secret_hash(token);
    let actor = db_actor(&app.db, &hash, now)?;
    match &actor {
        Some(a) => app.remember_actor(&hash, a),
        None => app.forget_token(&hash),
    }
    Ok(actor)
}

/// The actor of a token this process authenticated within [`crate::engines::TOKEN_TTL`], if
/// any: no database, no blocking (a shell may call it on its event loop).
pub fn recently_authenticated(app: &crate::App, token: &str) -> Option<Actor> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 128 {
        return None;
    }
    app.cached_actor(&secret_hash(token))
}

fn db_actor(db: &Database, hash: &str, now: i64) -> Result<Option<Actor>, AppError> {
    Ok(db.write(|tx| tx.actor_by_token_hash(hash, now))?)
}

/// A browser session just opened: the cookie value and the CSRF token the page sends back on
/// every change (both shown this once).
pub struct NewSession {
    pub session: String,
    pub csrf: String,
    pub actor: Actor,
    pub expires_at: i64,
}

/// Why a login failed. Wrong email and wrong password are one answer, so neither is revealed.
#[derive(Debug)]
pub enum LoginFailure {
    /// Wrong credentials; `failures` so far in the window (the caller slows its answer).
    Wrong { failures: u32 },
    /// Locked until this time after too many failures.
    Locked { until: i64 },
}

/// A password login from `address`: throttled per address and per account.
pub fn login(
    db: &Database,
    email: &str,
    password: &str,
    address: &str,
    now: i64,
) -> Result<Result<NewSession, LoginFailure>, AppError> {
    let policy = LoginThrottle::default();
    let keys = [
        format!("ip:{address}"),
        format!("user:{}", email.trim().to_lowercase()),
    ];
    let locked = db.read(|tx| {
        let mut until = None;
        for k in &keys {
            if let Some(t) = tx.login_locked_until(k, now)? {
                until = Some(until.map_or(t, |u: i64| u.max(t)));
            }
        }
        Ok::<_, StoreError>(until)
    })?;
    if let Some(until) = locked {
        return Ok(Err(LoginFailure::Locked { until }));
    }
    let found = db.read(|tx| tx.user_and_password_hash_by_email(email.trim()))?;
    let actor = match &found {
        Some((user, Some(hash)))
            if !user.disabled && password.len() <= 1024 && verify_password(password, hash) =>
        {
            db.read(|tx| tx.organisation(&user.organisation_id))?
                .map(|organisation| Actor {
                    user: user.clone(),
                    organisation,
                })
        }
        _ => {
            // Spend the time of a verification anyway, so timing does not tell which emails exist.
            if found.is_none() {
                let _ = verify_password(password, dummy_hash());
            }
            None
        }
    };
    let Some(actor) = actor else {
        let failures = db.write(|tx| {
            let mut most = 0;
            for k in &keys {
                most = most.max(tx.record_login_failure(k, now, policy)?);
            }
            Ok::<_, StoreError>(most)
        })?;
        return Ok(Err(LoginFailure::Wrong { failures }));
    };
    let session = new_secret("");
    let csrf = new_secret("");
    let expires_at = now + SESSION_SECS;
    db.write(|tx| {
        for k in &keys {
            tx.clear_login_failures(k)?;
        }
        tx.delete_expired_sessions(now)?;
        tx.insert_session(
            &secret_hash(&session),
            &actor.user.id,
            &secret_hash(&csrf),
            expires_at,
        )
    })?;
    Ok(Ok(NewSession {
        session,
        csrf,
        actor,
        expires_at,
    }))
}

/// An Argon2id hash of a random password, verified against when the email is unknown.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&new_secret("dummy-")).unwrap_or_default())
}

/// Who a session cookie authenticates, and whether `csrf` (when the request changes something)
/// is the session's CSRF token.
pub fn authenticate_session(
    db: &Database,
    session: &str,
    csrf: Option<&str>,
    now: i64,
) -> Result<Option<(Actor, bool)>, AppError> {
    if session.len() > 128 {
        return Ok(None);
    }
    let found = db.read(|tx| tx.actor_by_session_hash(&secret_hash(session), now))?;
    Ok(found.map(|(actor, csrf_hash)| {
        let csrf_ok =
            csrf.is_some_and(|c| constant_time_eq(secret_hash(c).as_bytes(), csrf_hash.as_bytes()));
        (actor, csrf_ok)
    }))
}

/// Ends a session.
pub fn logout(db: &Database, session: &str) -> Result<(), AppError> {
    db.write(|tx| tx.delete_session(&secret_hash(session)))?;
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The actor a user is, by email (the CLI acts for a named user; no credential, since whoever
/// runs it has the database).
pub fn actor_by_email(db: &Database, email: &str) -> Result<Actor, AppError> {
    db.read(|tx| {
        let user = tx.user_by_email(email)?.ok_or_else(|| {
            AppError::NotFound(format!("user {}", interdict_core::text::clip(email, 80)))
        })?;
        let organisation = tx.organisation(&user.organisation_id)?.ok_or_else(|| {
            AppError::corrupt("users", format!("user {} has no organisation", user.id))
        })?;
        Ok(Actor { user, organisation })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
        assert!(hash_password("short").is_err());
        assert!(dummy_hash().starts_with("$argon2id$"));
        assert!(!verify_password("x", dummy_hash()));
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = new_secret(TOKEN_PREFIX);
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 43);
        assert_ne!(a, new_secret(TOKEN_PREFIX));
        assert_eq!(secret_hash("abc").len(), 64);
    }
}
