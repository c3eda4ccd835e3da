//! Who is calling: an API token (`Authorization: Bearer …`) or the web UI's session cookie, with
//! its CSRF token (`x-csrf-token`) on every request that changes something. Anything else is
//! `unauthenticated`; a session without the right CSRF token on a change is `forbidden`.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::Method;
use interdict_domain::Actor;

use crate::error::ApiError;
use crate::http::{blocking, RequestId};
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "interdict_session";
/// The header carrying the CSRF token of a session.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// An authenticated caller.
pub struct Caller(pub Actor);

/// The value of one cookie of the request.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let rid = RequestId::from_request_parts(parts, state).await?;
        let now = state.now();
        let app = state.app.clone();
        if let Some(value) = parts.headers.get(AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(|t| t.trim().to_string())
                .ok_or_else(ApiError::unauthenticated)?;
            if let Some(actor) = interdict_app::identity::recently_authenticated(&app, &token) {
                return Ok(Caller(actor));
            }
            let actor = blocking(&rid, move || {
                interdict_app::identity::authenticate_token(&app, &token, now)
            })
            .await?;
            return actor.map(Caller).ok_or_else(ApiError::unauthenticated);
        }
        if let Some(session) = cookie(&parts.headers, SESSION_COOKIE).map(str::to_string) {
            let csrf = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let changes = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            let found = blocking(&rid, move || {
                interdict_app::identity::authenticate_session(
                    &app.db,
                    &session,
                    csrf.as_deref(),
                    now,
                )
            })
            .await?;
            return match found {
                None => Err(ApiError::unauthenticated()),
                Some((_, false)) if changes => Err(ApiError::forbidden(
                    "a change made with a session cookie needs its CSRF token in the x-csrf-token header",
                )),
                Some((actor, _)) => Ok(Caller(actor)),
            };
        }
        Err(ApiError::unauthenticated())
    }
}
