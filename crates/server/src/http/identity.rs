//! Identity: who am I, sign in and out, organisations, users, API tokens.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path};
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use interdict_app::identity::{self, LoginFailure};
use interdict_core::CountryCode;
use interdict_domain::{Actor, OrgKind, Organisation, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::http::auth::{Caller, SESSION_COOKIE};
use crate::http::body::RawBody;
use crate::http::{blocking, RequestId, St};
use interdict_core::rfc3339;

/// An organisation as answered.
#[derive(Serialize, ToSchema)]
pub struct OrganisationOut {
    pub id: String,
    pub name: String,
    /// ISO 3166-1 alpha-2; null for the secretariat.
    #[schema(nullable = true)]
    pub country: Option<String>,
    /// competent_authority, customs, police, forensic_lab, health or secretariat.
    pub kind: String,
}

impl From<&Organisation> for OrganisationOut {
    fn from(o: &Organisation) -> Self {
        OrganisationOut {
            id: o.id.clone(),
            name: o.name.clone(),
            country: o.country.map(|c| c.to_string()),
            kind: o.kind.to_string(),
        }
    }
}

/// A user as answered (never a password hash).
#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    pub email: String,
    pub organisation: String,
    /// viewer, analyst, officer or admin.
    pub role: String,
    pub disabled: bool,
}

impl From<&interdict_domain::User> for UserOut {
    fn from(u: &interdict_domain::User) -> Self {
        UserOut {
            id: u.id.clone(),
            email: u.email.clone(),
            organisation: u.organisation_id.clone(),
            role: u.role.to_string(),
            disabled: u.disabled,
        }
    }
}

/// `GET /api/v1/me`.
#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub user: UserOut,
    pub organisation: OrganisationOut,
    pub role: String,
}

fn me_of(actor: &Actor) -> MeOut {
    MeOut {
        user: UserOut::from(&actor.user),
        organisation: OrganisationOut::from(&actor.organisation),
        role: actor.user.role.to_string(),
    }
}

/// Who the caller is: user, organisation, role.
#[utoipa::path(get, path = "/api/v1/me", tag = "identity", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = MeOut), (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn me(Caller(actor): Caller) -> Json<MeOut> {
    Json(me_of(&actor))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIn {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    /// Send it back in `x-csrf-token` on every change made with the session cookie.
    pub csrf_token: String,
    pub expires_at: String,
    pub me: MeOut,
}

/// Signs in with a password: sets the HttpOnly, SameSite=Strict session cookie and answers the
/// CSRF token. Repeated failures from one address or for one account are slowed, then locked
/// (`rate_limited`).
#[utoipa::path(post, path = "/api/v1/session", tag = "identity", request_body = LoginIn,
    responses((status = 200, body = SessionOut), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 429, body = crate::http::docs::ErrorDoc)))]
pub async fn login(
    state: St,
    rid: RequestId,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let input: LoginIn = body.json()?;
    let now = state.now();
    let app = state.app.clone();
    let address = peer.ip().to_string();
    let outcome = blocking(&rid, move || {
        identity::login(&app.db, &input.email, &input.password, &address, now)
    })
    .await?;
    match outcome {
        Ok(s) => {
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
                s.session,
                identity::SESSION_SECS,
                if state.settings.secure_cookies {
                    "; Secure"
                } else {
                    ""
                }
            );
            let out = SessionOut {
                csrf_token: s.csrf,
                expires_at: rfc3339(s.expires_at),
                me: me_of(&s.actor),
            };
            Ok(([(SET_COOKIE, cookie)], Json(out)).into_response())
        }
        Err(LoginFailure::Locked { until }) => Err(ApiError::rate_limited(until - now)),
        Err(LoginFailure::Wrong { failures }) => {
            // Slow the next guess: a second per failure after the second, at most five.
            let delay = u64::from(failures.saturating_sub(2)).min(5);
            tokio::time::sleep(std::time::Duration::from_secs(delay)).await;
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "wrong email or password",
            ))
        }
    }
}

/// Signs out: the session ends and the cookie is cleared.
#[utoipa::path(delete, path = "/api/v1/session", tag = "identity", security(("session" = [])),
    responses((status = 204, description = "Signed out"), (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn logout(
    state: St,
    rid: RequestId,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let Some(session) = crate::http::auth::cookie(&headers, SESSION_COOKIE).map(str::to_string)
    else {
        return Err(ApiError::unauthenticated());
    };
    let app = state.app.clone();
    blocking(&rid, move || identity::logout(&app.db, &session)).await?;
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, clear)]).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationList {
    pub items: Vec<OrganisationOut>,
    #[schema(nullable = true)]
    pub next_cursor: Option<String>,
}

/// The coalition's member organisations.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "identity", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = OrganisationList), (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn organisations(
    state: St,
    rid: RequestId,
    _caller: Caller,
) -> Result<Json<OrganisationList>, ApiError> {
    let app = state.app.clone();
    let orgs = blocking(&rid, move || identity::organisations(&app.db)).await?;
    Ok(Json(OrganisationList {
        items: orgs.iter().map(OrganisationOut::from).collect(),
        next_cursor: None,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationIn {
    pub name: String,
    /// ISO 3166-1 alpha-2; absent or null only for the secretariat.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub country: Option<CountryCode>,
    #[schema(value_type = String)]
    pub kind: OrgKind,
}

/// Adds an organisation (a coalition administrator: an admin of the secretariat).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "identity", request_body = OrganisationIn,
    security(("bearer" = []), ("session" = [])),
    responses((status = 201, body = OrganisationOut), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 403, body = crate::http::docs::ErrorDoc)))]
pub async fn add_organisation(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    body: RawBody,
) -> Result<(StatusCode, Json<OrganisationOut>), ApiError> {
    let input: OrganisationIn = body.json()?;
    let app = state.app.clone();
    let now = state.now();
    let org = blocking(&rid, move || {
        let org = identity::add_organisation(
            &app.db,
            Some(&actor),
            &input.name,
            input.country,
            input.kind,
        )?;
        // A competent authority gets its label key with the organisation.
        if app.has_audit_key() {
            interdict_app::labels::ensure_keys(&app, now)?;
        }
        Ok(org)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(OrganisationOut::from(&org))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIn {
    /// The organisation's id.
    pub organisation: String,
    pub email: String,
    #[schema(value_type = String)]
    pub role: Role,
    /// At least 12 characters; absent for a token-only user.
    #[serde(default)]
    pub password: Option<String>,
}

/// Adds a user (an admin of the organisation, or a coalition administrator).
#[utoipa::path(post, path = "/api/v1/users", tag = "identity", request_body = UserIn,
    security(("bearer" = []), ("session" = [])),
    responses((status = 201, body = UserOut), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 403, body = crate::http::docs::ErrorDoc),
              (status = 404, body = crate::http::docs::ErrorDoc), (status = 409, body = crate::http::docs::ErrorDoc)))]
pub async fn add_user(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    body: RawBody,
) -> Result<(StatusCode, Json<UserOut>), ApiError> {
    let input: UserIn = body.json()?;
    let app = state.app.clone();
    let user = blocking(&rid, move || {
        identity::add_user(
            &app.db,
            Some(&actor),
            &input.organisation,
            &input.email,
            input.role,
            input.password.as_deref(),
        )
    })
    .await?;
    Ok((StatusCode::CREATED, Json(UserOut::from(&user))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    /// Whose token: the caller's own when absent; another user's needs the admin role over them.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
}

/// A token just made: the secret is shown this once and stored only as a hash.
#[derive(Serialize, ToSchema)]
pub struct NewTokenOut {
    pub id: String,
    pub token: String,
    pub user: UserOut,
}

/// Creates an API token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "identity", request_body = TokenIn,
    security(("bearer" = []), ("session" = [])),
    responses((status = 201, body = NewTokenOut), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 404, body = crate::http::docs::ErrorDoc)))]
pub async fn create_token(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    body: RawBody,
) -> Result<(StatusCode, Json<NewTokenOut>), ApiError> {
    let input: TokenIn = body.json()?;
    let now = state.now();
    let app = state.app.clone();
    let made = blocking(&rid, move || {
        let email = input
            .email
            .clone()
            .unwrap_or_else(|| actor.user.email.clone());
        identity::create_token(
            &app.db,
            Some(&actor),
            &email,
            input.label.as_deref().unwrap_or(""),
            now,
        )
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenOut {
            id: made.id,
            token: made.token,
            user: UserOut::from(&made.user),
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    pub id: String,
    pub label: String,
    pub created_at: String,
    #[schema(nullable = true)]
    pub last_used_at: Option<String>,
    #[schema(nullable = true)]
    pub revoked_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    pub items: Vec<TokenOut>,
    #[schema(nullable = true)]
    pub next_cursor: Option<String>,
}

/// The caller's own tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "identity", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = TokenList), (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn tokens(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
) -> Result<Json<TokenList>, ApiError> {
    let app = state.app.clone();
    let list = blocking(&rid, move || identity::tokens_of(&app.db, &actor)).await?;
    Ok(Json(TokenList {
        items: list
            .into_iter()
            .map(|t| TokenOut {
                id: t.id,
                label: t.label,
                created_at: rfc3339(t.created_at),
                last_used_at: t.last_used_at.map(rfc3339),
                revoked_at: t.revoked_at.map(rfc3339),
            })
            .collect(),
        next_cursor: None,
    }))
}

/// Revokes a token (one's own, or one of a user one administers).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "identity", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "The token's id")),
    responses((status = 204, description = "Revoked"), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 404, body = crate::http::docs::ErrorDoc)))]
pub async fn revoke_token(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let now = state.now();
    let app = state.app.clone();
    blocking(&rid, move || identity::revoke_token(&app, &actor, &id, now)).await?;
    Ok(StatusCode::NO_CONTENT)
}
