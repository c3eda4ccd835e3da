//! The audit log (`shared/spec/platform.md`, Audit): signed checkpoints, RFC 9162 inclusion and
//! consistency proofs, and the entries about an organisation's own records.

use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::body::ApiQuery;
use crate::http::{blocking, RequestId, St};

/// A checkpoint of the log as it is now, signed by the platform's key (Ed25519 over the
/// canonical JSON of `{key_id, root_hash, timestamp, tree_size}`).
#[utoipa::path(get, path = "/api/v1/audit/checkpoint", tag = "audit", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = crate::http::docs::CheckpointDoc), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 503, body = crate::http::docs::ErrorDoc)))]
pub async fn checkpoint(
    state: St,
    rid: RequestId,
    _caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let now = state.now();
    let app = state.app.clone();
    let c = blocking(&rid, move || app.audit_checkpoint(now)).await?;
    Ok(Json(serde_json::to_value(c).unwrap_or(Value::Null)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InclusionParams {
    /// The entry's sequence number (its leaf index).
    pub seq: u64,
    /// The size of the tree to prove it in.
    pub tree_size: u64,
}

/// RFC 9162 inclusion proof of entry `seq` in the tree of `tree_size` entries.
#[utoipa::path(get, path = "/api/v1/audit/proof/inclusion", tag = "audit", security(("bearer" = []), ("session" = [])),
    params(InclusionParams),
    responses((status = 200, body = crate::http::docs::InclusionDoc), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn inclusion(
    state: St,
    rid: RequestId,
    _caller: Caller,
    ApiQuery(p): ApiQuery<InclusionParams>,
) -> Result<Json<Value>, ApiError> {
    let app = state.app.clone();
    let proof = blocking(&rid, move || app.audit_inclusion(p.seq, p.tree_size)).await?;
    Ok(Json(serde_json::to_value(proof).unwrap_or(Value::Null)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyParams {
    /// The size of the earlier tree.
    pub from: u64,
    /// The size of the later tree.
    pub to: u64,
}

/// RFC 9162 consistency proof between the trees of `from` and `to` entries.
#[utoipa::path(get, path = "/api/v1/audit/proof/consistency", tag = "audit", security(("bearer" = []), ("session" = [])),
    params(ConsistencyParams),
    responses((status = 200, body = crate::http::docs::ConsistencyDoc), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn consistency(
    state: St,
    rid: RequestId,
    _caller: Caller,
    ApiQuery(p): ApiQuery<ConsistencyParams>,
) -> Result<Json<Value>, ApiError> {
    let app = state.app.clone();
    let proof = blocking(&rid, move || app.audit_consistency(p.from, p.to)).await?;
    Ok(Json(serde_json::to_value(proof).unwrap_or(Value::Null)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EntriesParams {
    /// One resource (`incidents/INC-MX-2025-000001`); absent: every record of the organisation.
    pub resource: Option<String>,
    /// Page size (default 50, at most 1000).
    pub limit: Option<usize>,
    /// Opaque cursor from the previous page.
    pub cursor: Option<String>,
}

/// The entries about the caller's organisation's own records, oldest first, paged.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = []), ("session" = [])),
    params(EntriesParams),
    responses((status = 200, body = crate::http::docs::PageDoc), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn entries(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<EntriesParams>,
) -> Result<Json<Value>, ApiError> {
    let limit = p.limit.unwrap_or(50);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request("limit", "must be between 1 and 1000"));
    }
    let from = crate::http::cursor_seq(p.cursor.as_deref())?.unwrap_or(0);
    let app = state.app.clone();
    let (items, next) = blocking(&rid, move || {
        interdict_app::audit::entries_of(&app, &actor, p.resource.as_deref(), from, limit)
    })
    .await?;
    Ok(Json(json!({
        "items": items,
        "next_cursor": next.map(crate::http::seq_cursor),
    })))
}
