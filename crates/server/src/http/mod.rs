//! Routes, one module per resource; each handler parses, authorises through the application
//! layer, calls it, and answers.

pub mod alerts;
pub mod audit;
pub mod auth;
pub mod body;
pub mod detect;
pub mod docs;
pub mod engines;
pub mod identity;
pub mod incidents;
pub mod ops;
pub mod pens;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::{from_app, ApiError};
use crate::state::AppState;

/// The request id given to every request (also in the `x-request-id` answer header and in every
/// log line of the request).
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId("-".into())))
    }
}

/// Runs a use case on the blocking pool (the engines and the store are synchronous), mapping
/// its failure to the contract's error.
pub async fn blocking<T: Send + 'static>(
    rid: &RequestId,
    work: impl FnOnce() -> Result<T, interdict_app::AppError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(from_app(e, &rid.0)),
        Err(e) => {
            tracing::error!(request_id = %rid.0, "task failed: {e}");
            Err(ApiError::internal(&rid.0))
        }
    }
}

/// Runs `work` over a resource: at once, on the event loop, when the work is `cheap` and the
/// resource is `ready` (known to be current without asking the database); otherwise on the
/// blocking pool after `load`ing it. A small request then costs no hand-over between threads,
/// and nothing that may block (the database, a long input) ever runs on the event loop.
pub async fn quick_or_blocking<R: Send + 'static, T: Send + 'static>(
    rid: &RequestId,
    cheap: bool,
    ready: impl FnOnce() -> Option<R>,
    load: impl FnOnce() -> Result<R, interdict_app::AppError> + Send + 'static,
    work: impl FnOnce(R) -> Result<T, interdict_app::AppError> + Send + 'static,
) -> Result<T, ApiError> {
    if cheap {
        if let Some(resource) = ready() {
            return work(resource).map_err(|e| from_app(e, &rid.0));
        }
    }
    blocking(rid, move || work(load()?)).await
}

/// Inputs up to this many bytes are cheap enough to answer on the event loop (an engine call on
/// them takes well under a millisecond).
pub const CHEAP_INPUT: usize = 4096;

/// State is cloned into handlers by axum; this alias keeps signatures short.
pub type St = axum::extract::State<AppState>;

/// Page size and offset from `?limit=` (default 50, at most 1000) and the opaque `?cursor=`.
pub fn paging(limit: Option<usize>, cursor: Option<&str>) -> Result<(usize, usize), ApiError> {
    let limit = limit.unwrap_or(50);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request("limit", "must be between 1 and 1000"));
    }
    let offset = match cursor {
        None | Some("") => 0,
        Some(c) => c
            .strip_prefix("o")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ApiError::bad_request("cursor", "not a cursor this server gave"))?,
    };
    Ok((limit, offset))
}

/// The sequence number a keyset cursor (`s<seq>`) stands for.
pub fn cursor_seq(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    match cursor {
        None | Some("") => Ok(None),
        Some(c) => c
            .strip_prefix('s')
            .and_then(|n| n.parse::<i64>().ok())
            .map(Some)
            .ok_or_else(|| ApiError::bad_request("cursor", "not a cursor this server gave")),
    }
}

/// The keyset cursor of the page after sequence number `seq`.
pub fn seq_cursor(seq: i64) -> String {
    format!("s{seq}")
}

/// The cursor of the page starting at `offset`.
pub fn cursor(offset: usize) -> String {
    format!("o{offset}")
}
