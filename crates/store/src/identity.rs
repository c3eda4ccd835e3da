//! Organisations, users, API tokens, browser sessions and login throttling
//! (`shared/spec/platform.md`, Identity). The store keeps hashes only: the caller hashes tokens,
//! session ids, CSRF tokens and passwords before they reach it.
//!
//! Times are whole seconds since the Unix epoch, UTC (`i64`), passed in by the caller, so that
//! expiry compares as numbers on both backends and tests control the clock.

use interdict_core::CountryCode;
use interdict_domain::{Actor, OrgKind, Organisation, Role, User};

use crate::sql::{Row, Value};
use crate::{StoreError, Tx};

/// An API token as listed to its owner: never its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: String,
    pub user_id: String,
    pub label: String,
    pub created_at: i64,
    /// Updated at most once a minute (see [`Tx::actor_by_token_hash`]).
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// When repeated login failures lock a key (an address `ip:…`, an account `user:…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginThrottle {
    /// Failures count within this many seconds of the first one.
    pub window_secs: i64,
    /// This many failures within the window lock the key …
    pub max_failures: u32,
    /// … for this many seconds from the last of them.
    pub lock_secs: i64,
}

impl Default for LoginThrottle {
    /// Five failures in 15 minutes lock for 15 minutes (OWASP's order of magnitude: slows a
    /// guesser to a few hundred tries a day without locking out a user who mistypes).
    fn default() -> LoginThrottle {
        LoginThrottle {
            window_secs: 15 * 60,
            max_failures: 5,
            lock_secs: 15 * 60,
        }
    }
}

/// A token is "used" again only after this long: most requests then read without writing, so
/// concurrent requests with one token do not contend for its row.
const LAST_USED_RESOLUTION_SECS: i64 = 60;

/// `prefix-` and 12 random hex digits (48 bits): unguessable enough for identifiers that are not
/// secrets, short enough to read out; a collision is caught by the primary key and redrawn.
fn new_id(prefix: &str, backend: crate::Backend) -> Result<String, StoreError> {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Database {
        backend,
        operation: "draw an id",
        reason: format!("no randomness from the operating system: {e}"),
    })?;
    let mut id = String::with_capacity(prefix.len() + 13);
    id.push_str(prefix);
    id.push('-');
    for b in bytes {
        id.push_str(&format!("{b:02x}"));
    }
    Ok(id)
}

/// How many times an insert draws a new id after a collision.
const ID_DRAWS: usize = 4;

/// The key that makes emails unique whatever their case.
fn email_key(email: &str) -> String {
    email.to_lowercase()
}

const ORG_COLUMNS: &str = "o.id, o.name, o.country, o.kind";
const USER_COLUMNS: &str = "u.id, u.email, u.organisation_id, u.role, u.disabled";

fn organisation_at(row: &mut Row, at: usize) -> Result<Organisation, StoreError> {
    let country = match row.opt_text(at + 2)? {
        Some(code) => Some(
            code.parse::<CountryCode>()
                .map_err(|_| StoreError::Corrupt {
                    backend: row.backend,
                    operation: row.operation,
                    detail: format!(
                        "`{}` is not a country code",
                        interdict_core::text::clip(&code, 10)
                    ),
                })?,
        ),
        None => None,
    };
    Ok(Organisation {
        id: row.text(at)?,
        name: row.text(at + 1)?,
        country,
        kind: row.parsed::<OrgKind>(at + 3, "organisation kind")?,
    })
}

fn user_at(row: &mut Row, at: usize) -> Result<User, StoreError> {
    Ok(User {
        id: row.text(at)?,
        email: row.text(at + 1)?,
        organisation_id: row.text(at + 2)?,
        role: row.parsed::<Role>(at + 3, "role")?,
        disabled: row.bool(at + 4)?,
    })
}

/// A row of `USER_COLUMNS, ORG_COLUMNS`.
fn actor_at(row: &mut Row, at: usize) -> Result<Actor, StoreError> {
    Ok(Actor {
        user: user_at(row, at)?,
        organisation: organisation_at(row, at + 5)?,
    })
}

impl Tx<'_> {
    // ---- organisations ----

    /// Adds an organisation with a new id `org-…`.
    pub fn insert_organisation(
        &mut self,
        name: &str,
        country: Option<CountryCode>,
        kind: OrgKind,
    ) -> Result<Organisation, StoreError> {
        let operation = "insert an organisation (organisations)";
        self.require_writable(operation)?;
        let country_text = country.as_ref().map(|c| c.as_str().to_string());
        for _ in 0..ID_DRAWS {
            let id = new_id("org", self.backend())?;
            let inserted = self.execute(
                operation,
                "INSERT INTO organisations (id, name, country, kind) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO NOTHING",
                &[
                    Value::Text(&id),
                    Value::Text(name),
                    Value::OptText(country_text.as_deref()),
                    Value::Text(kind.as_str()),
                ],
            )?;
            if inserted == 1 {
                return Ok(Organisation {
                    id,
                    name: name.to_string(),
                    country,
                    kind,
                });
            }
        }
        Err(self.id_exhausted(operation))
    }

    fn id_exhausted(&self, operation: &'static str) -> StoreError {
        StoreError::Database {
            backend: self.backend(),
            operation,
            reason: format!("{ID_DRAWS} random ids in a row were taken"),
        }
    }

    pub fn organisation(&mut self, id: &str) -> Result<Option<Organisation>, StoreError> {
        let operation = "read an organisation (organisations)";
        let sql = format!("SELECT {ORG_COLUMNS} FROM organisations o WHERE o.id = $1");
        self.query_opt(operation, &sql, &[Value::Text(id)])?
            .map(|mut r| organisation_at(&mut r, 0))
            .transpose()
    }

    /// Every organisation, by name (then id).
    pub fn organisations(&mut self) -> Result<Vec<Organisation>, StoreError> {
        let operation = "list organisations (organisations)";
        let sql = format!("SELECT {ORG_COLUMNS} FROM organisations o ORDER BY o.name, o.id");
        self.query(operation, &sql, &[])?
            .into_iter()
            .map(|mut r| organisation_at(&mut r, 0))
            .collect()
    }

    fn require_organisation(
        &mut self,
        operation: &'static str,
        id: &str,
    ) -> Result<(), StoreError> {
        let found = self.query_opt(
            operation,
            "SELECT 1 FROM organisations WHERE id = $1",
            &[Value::Text(id)],
        )?;
        found.map(drop).ok_or_else(|| StoreError::NotFound {
            operation,
            what: "organisation",
            id: id.to_string(),
        })
    }

    fn require_user(&mut self, operation: &'static str, id: &str) -> Result<(), StoreError> {
        let found = self.query_opt(
            operation,
            "SELECT 1 FROM users WHERE id = $1",
            &[Value::Text(id)],
        )?;
        found.map(drop).ok_or_else(|| StoreError::NotFound {
            operation,
            what: "user",
            id: id.to_string(),
        })
    }

    // ---- users ----

    /// Adds a user with a new id `usr-…`. An email already in use, in any letter case, is
    /// [`StoreError::Conflict`]; an unknown organisation [`StoreError::NotFound`].
    /// `password_hash` is `None` for a user who signs in with tokens only.
    pub fn insert_user(
        &mut self,
        organisation_id: &str,
        email: &str,
        role: Role,
        password_hash: Option<&str>,
    ) -> Result<User, StoreError> {
        let operation = "insert a user (users)";
        self.require_writable(operation)?;
        self.require_organisation(operation, organisation_id)?;
        let key = email_key(email);
        for _ in 0..ID_DRAWS {
            let id = new_id("usr", self.backend())?;
            let inserted = self.execute(
                operation,
                "INSERT INTO users (id, organisation_id, email, email_key, role, password_hash, disabled)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
                &[
                    Value::Text(&id),
                    Value::Text(organisation_id),
                    Value::Text(email),
                    Value::Text(&key),
                    Value::Text(role.as_str()),
                    Value::OptText(password_hash),
                    Value::Bool(false),
                ],
            )?;
            if inserted == 1 {
                return Ok(User {
                    id,
                    email: email.to_string(),
                    organisation_id: organisation_id.to_string(),
                    role,
                    disabled: false,
                });
            }
        }
        Err(self.id_exhausted(operation))
    }

    pub fn user(&mut self, id: &str) -> Result<Option<User>, StoreError> {
        let operation = "read a user (users)";
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        self.query_opt(operation, &sql, &[Value::Text(id)])?
            .map(|mut r| user_at(&mut r, 0))
            .transpose()
    }

    /// The user with this email, in any letter case.
    pub fn user_by_email(&mut self, email: &str) -> Result<Option<User>, StoreError> {
        Ok(self
            .user_and_password_hash_by_email(email)?
            .map(|(user, _)| user))
    }

    /// For a password login: the user with this email (any case) and the stored password hash
    /// (`None` for a token-only user). Disabled users are returned too; the caller refuses them.
    pub fn user_and_password_hash_by_email(
        &mut self,
        email: &str,
    ) -> Result<Option<(User, Option<String>)>, StoreError> {
        let operation = "read a user by email (users)";
        let sql =
            format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email_key = $1");
        let key = email_key(email);
        self.query_opt(operation, &sql, &[Value::Text(&key)])?
            .map(|mut r| Ok((user_at(&mut r, 0)?, r.opt_text(5)?)))
            .transpose()
    }

    /// The users of an organisation, by email.
    pub fn users_of(&mut self, organisation_id: &str) -> Result<Vec<User>, StoreError> {
        let operation = "list users (users)";
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.organisation_id = $1 ORDER BY u.email_key"
        );
        self.query(operation, &sql, &[Value::Text(organisation_id)])?
            .into_iter()
            .map(|mut r| user_at(&mut r, 0))
            .collect()
    }

    /// Sets (or, with `None`, removes) a user's password hash.
    pub fn set_password_hash(
        &mut self,
        user_id: &str,
        password_hash: Option<&str>,
    ) -> Result<(), StoreError> {
        let operation = "set a password (users)";
        self.require_writable(operation)?;
        let changed = self.execute(
            operation,
            "UPDATE users SET password_hash = $2 WHERE id = $1",
            &[Value::Text(user_id), Value::OptText(password_hash)],
        )?;
        self.changed_one(changed, operation, "user", user_id)
    }

    /// Disables (or enables) a user: a disabled user's tokens and sessions stop working at once.
    pub fn set_user_disabled(&mut self, user_id: &str, disabled: bool) -> Result<(), StoreError> {
        let operation = "disable a user (users)";
        self.require_writable(operation)?;
        let changed = self.execute(
            operation,
            "UPDATE users SET disabled = $2 WHERE id = $1",
            &[Value::Text(user_id), Value::Bool(disabled)],
        )?;
        self.changed_one(changed, operation, "user", user_id)
    }

    fn changed_one(
        &self,
        changed: u64,
        operation: &'static str,
        what: &'static str,
        id: &str,
    ) -> Result<(), StoreError> {
        if changed == 0 {
            return Err(StoreError::NotFound {
                operation,
                what,
                id: id.to_string(),
            });
        }
        Ok(())
    }

    // ---- API tokens ----

    /// Stores a new token of a user (only its hash) and returns the token's id `tok-…`, which
    /// names it in lists and revocations. A hash stored before is [`StoreError::Conflict`].
    pub fn insert_token(
        &mut self,
        user_id: &str,
        token_hash: &str,
        label: &str,
        created_at: i64,
    ) -> Result<String, StoreError> {
        let operation = "insert a token (api_tokens)";
        self.require_writable(operation)?;
        self.require_user(operation, user_id)?;
        for _ in 0..ID_DRAWS {
            let id = new_id("tok", self.backend())?;
            let inserted = self.execute(
                operation,
                "INSERT INTO api_tokens (id, user_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO NOTHING",
                &[
                    Value::Text(&id),
                    Value::Text(user_id),
                    Value::Text(token_hash),
                    Value::Text(label),
                    Value::Int(created_at),
                ],
            )?;
            if inserted == 1 {
                return Ok(id);
            }
        }
        Err(self.id_exhausted(operation))
    }

    /// Who a bearer token (its hash) authenticates: `None` if unknown, revoked, or its user is
    /// disabled. Records the use (`last_used_at = now`) when the last one is over a minute old,
    /// so this needs a write transaction.
    pub fn actor_by_token_hash(
        &mut self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Actor>, StoreError> {
        let operation = "authenticate a token (api_tokens)";
        self.require_writable(operation)?;
        let sql = format!(
            "SELECT {USER_COLUMNS}, {ORG_COLUMNS}, t.id, t.last_used_at FROM api_tokens t
             JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.organisation_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = $2"
        );
        let Some(mut row) = self.query_opt(
            operation,
            &sql,
            &[Value::Text(token_hash), Value::Bool(false)],
        )?
        else {
            return Ok(None);
        };
        let actor = actor_at(&mut row, 0)?;
        let token_id = row.text(9)?;
        let last_used = row.opt_int(10)?;
        if last_used.is_none_or(|t| t <= now - LAST_USED_RESOLUTION_SECS) {
            self.execute(
                operation,
                "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1",
                &[Value::Text(&token_id), Value::Int(now)],
            )?;
        }
        Ok(Some(actor))
    }

    /// Revokes a token for good (revoking it again changes nothing).
    pub fn revoke_token(&mut self, token_id: &str, now: i64) -> Result<(), StoreError> {
        let operation = "revoke a token (api_tokens)";
        self.require_writable(operation)?;
        let changed = self.execute(
            operation,
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
            &[Value::Text(token_id), Value::Int(now)],
        )?;
        self.changed_one(changed, operation, "token", token_id)
    }

    pub fn token(&mut self, token_id: &str) -> Result<Option<TokenInfo>, StoreError> {
        let operation = "read a token (api_tokens)";
        self.query_opt(
            operation,
            "SELECT id, user_id, label, created_at, last_used_at, revoked_at FROM api_tokens WHERE id = $1",
            &[Value::Text(token_id)],
        )?
        .map(token_info)
        .transpose()
    }

    /// A user's tokens, oldest first, revoked ones included.
    pub fn tokens_of(&mut self, user_id: &str) -> Result<Vec<TokenInfo>, StoreError> {
        let operation = "list tokens (api_tokens)";
        self.query(
            operation,
            "SELECT id, user_id, label, created_at, last_used_at, revoked_at FROM api_tokens
             WHERE user_id = $1 ORDER BY created_at, id",
            &[Value::Text(user_id)],
        )?
        .into_iter()
        .map(token_info)
        .collect()
    }

    // ---- browser sessions ----

    /// Opens a session (its hash and its CSRF token's hash) until `expires_at`.
    pub fn insert_session(
        &mut self,
        session_hash: &str,
        user_id: &str,
        csrf_hash: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let operation = "insert a session (sessions)";
        self.require_writable(operation)?;
        self.require_user(operation, user_id)?;
        self.execute(
            operation,
            "INSERT INTO sessions (session_hash, user_id, csrf_hash, expires_at) VALUES ($1, $2, $3, $4)",
            &[
                Value::Text(session_hash),
                Value::Text(user_id),
                Value::Text(csrf_hash),
                Value::Int(expires_at),
            ],
        )?;
        Ok(())
    }

    /// Who a session cookie (its hash) authenticates, with the session's CSRF hash: `None` if
    /// unknown, expired (`expires_at <= now`) or its user is disabled.
    pub fn actor_by_session_hash(
        &mut self,
        session_hash: &str,
        now: i64,
    ) -> Result<Option<(Actor, String)>, StoreError> {
        let operation = "authenticate a session (sessions)";
        let sql = format!(
            "SELECT {USER_COLUMNS}, {ORG_COLUMNS}, s.csrf_hash FROM sessions s
             JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id
             WHERE s.session_hash = $1 AND s.expires_at > $2 AND u.disabled = $3"
        );
        self.query_opt(
            operation,
            &sql,
            &[
                Value::Text(session_hash),
                Value::Int(now),
                Value::Bool(false),
            ],
        )?
        .map(|mut r| Ok((actor_at(&mut r, 0)?, r.text(9)?)))
        .transpose()
    }

    /// Ends a session (logout); whether there was one.
    pub fn delete_session(&mut self, session_hash: &str) -> Result<bool, StoreError> {
        let operation = "delete a session (sessions)";
        self.require_writable(operation)?;
        let n = self.execute(
            operation,
            "DELETE FROM sessions WHERE session_hash = $1",
            &[Value::Text(session_hash)],
        )?;
        Ok(n > 0)
    }

    /// Ends every session of a user (after a password change); how many there were.
    pub fn delete_sessions_of(&mut self, user_id: &str) -> Result<u64, StoreError> {
        let operation = "delete a user's sessions (sessions)";
        self.require_writable(operation)?;
        self.execute(
            operation,
            "DELETE FROM sessions WHERE user_id = $1",
            &[Value::Text(user_id)],
        )
    }

    /// Housekeeping: removes sessions expired at `now`; how many.
    pub fn delete_expired_sessions(&mut self, now: i64) -> Result<u64, StoreError> {
        let operation = "delete expired sessions (sessions)";
        self.require_writable(operation)?;
        self.execute(
            operation,
            "DELETE FROM sessions WHERE expires_at <= $1",
            &[Value::Int(now)],
        )
    }

    // ---- login throttling ----

    /// Counts a failed login for `key` at `now` and returns the failures in the current window
    /// (1 after the window has passed). Reaching `policy.max_failures` locks the key for
    /// `policy.lock_secs`; every further failure while at or over the limit extends the lock.
    pub fn record_login_failure(
        &mut self,
        key: &str,
        now: i64,
        policy: LoginThrottle,
    ) -> Result<u32, StoreError> {
        let operation = "record a login failure (login_failures)";
        self.require_writable(operation)?;
        let window_opened_before = now - policy.window_secs;
        let mut row = self
            .query_opt(
                operation,
                "INSERT INTO login_failures (key, window_start, failures) VALUES ($1, $2, 1)
                 ON CONFLICT (key) DO UPDATE SET
                   failures = CASE WHEN login_failures.window_start <= $3 THEN 1
                                   ELSE login_failures.failures + 1 END,
                   window_start = CASE WHEN login_failures.window_start <= $3 THEN excluded.window_start
                                       ELSE login_failures.window_start END
                 RETURNING failures",
                &[Value::Text(key), Value::Int(now), Value::Int(window_opened_before)],
            )?
            .ok_or_else(|| StoreError::Database {
                backend: self.backend(),
                operation,
                reason: "the upsert returned no row".into(),
            })?;
        let failures = u32::try_from(row.int(0)?).unwrap_or(u32::MAX);
        if failures >= policy.max_failures {
            self.execute(
                operation,
                "UPDATE login_failures SET locked_until = $2 WHERE key = $1",
                &[
                    Value::Text(key),
                    Value::Int(now.saturating_add(policy.lock_secs)),
                ],
            )?;
        }
        Ok(failures)
    }

    /// Forgets the failures of `key` (after a successful login).
    pub fn clear_login_failures(&mut self, key: &str) -> Result<(), StoreError> {
        let operation = "clear login failures (login_failures)";
        self.require_writable(operation)?;
        self.execute(
            operation,
            "DELETE FROM login_failures WHERE key = $1",
            &[Value::Text(key)],
        )?;
        Ok(())
    }

    /// Until when `key` may not log in, if it is locked at `now`.
    pub fn login_locked_until(&mut self, key: &str, now: i64) -> Result<Option<i64>, StoreError> {
        let operation = "read a login lock (login_failures)";
        let row = self.query_opt(
            operation,
            "SELECT locked_until FROM login_failures WHERE key = $1 AND locked_until > $2",
            &[Value::Text(key), Value::Int(now)],
        )?;
        match row {
            Some(mut r) => r.opt_int(0),
            None => Ok(None),
        }
    }
}

fn token_info(mut r: Row) -> Result<TokenInfo, StoreError> {
    Ok(TokenInfo {
        id: r.text(0)?,
        user_id: r.text(1)?,
        label: r.text(2)?,
        created_at: r.int(3)?,
        last_used_at: r.opt_int(4)?,
        revoked_at: r.opt_int(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_a_prefix_and_twelve_hex_digits() {
        let id = new_id("org", crate::Backend::Sqlite).unwrap();
        assert_eq!(id.len(), 16, "{id}");
        assert!(id.starts_with("org-"));
        assert!(id[4..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_ne!(new_id("org", crate::Backend::Sqlite).unwrap(), id);
    }

    #[test]
    fn email_keys_ignore_case() {
        assert_eq!(
            email_key("Ana.Lopez@Aduana.GOB.mx"),
            "ana.lopez@aduana.gob.mx"
        );
    }
}
