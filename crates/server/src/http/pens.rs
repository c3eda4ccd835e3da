//! Pre-export notifications, corridor policies, label keys and shipment labels
//! (`shared/spec/platform.md`, Pre-export notifications and Shipment labels). Handlers parse
//! and answer; who may act and where an action leads are `interdict-domain::pen`'s, applied in
//! `interdict-app::pens`.

use axum::extract::Path;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use interdict_app::labels;
use interdict_app::pens::{self, ActionBody, ActionName, Inbox};
use interdict_domain::pen::{CorridorPolicy, PenInput};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::body::{ApiQuery, RawBody};
use crate::http::{blocking, cursor_seq, seq_cursor, RequestId, St};

/// Files a notification (an officer of a competent authority, for its country's export). The
/// substance is resolved through the registry and the filing screened as a declaration; the
/// answer carries `id`, `status: sent`, `sent_at`, `reply_deadline` and `screening`.
#[utoipa::path(post, path = "/api/v1/pens", tag = "notifications", security(("bearer" = []), ("session" = [])),
    request_body(content = Object, description = "The notification (platform.md, Pre-export notifications)", content_type = "application/json"),
    responses((status = 201, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 403, body = crate::http::docs::ErrorDoc)))]
pub async fn file(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    body: RawBody,
) -> Result<Response, ApiError> {
    let input: PenInput = body.json()?;
    let now = state.now();
    let app = state.app.clone();
    let record = blocking(&rid, move || pens::file(&app, &actor, &input, now)).await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

/// Screens a draft notification (the body of `POST /api/v1/pens`) as filing it now would, and
/// stores nothing: `{"substance": what it resolves to, "warnings", "screening": level, flags
/// and evidence}`. The same caller and checks as filing; the filing form shows it before sending.
#[utoipa::path(post, path = "/api/v1/pens:screen", tag = "notifications", security(("bearer" = []), ("session" = [])),
    request_body(content = Object, description = "A draft notification: the body of POST /api/v1/pens", content_type = "application/json"),
    responses((status = 200, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 403, body = crate::http::docs::ErrorDoc)))]
pub async fn screen_draft(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let input: PenInput = body.json()?;
    let now = state.now();
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || pens::screen_draft(&app, &actor, &input, now)).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// `outgoing` (the caller's country exports), `incoming` (imports) or `transit`.
    pub role: Option<String>,
    /// One status: sent, acknowledged, no_objection, objection, query, withdrawn, expired,
    /// stopped, shipped.
    pub status: Option<String>,
    /// `true`: only those answered late or not at all (deadline passed unanswered).
    pub overdue: Option<bool>,
    /// Page size (default 50, at most 1000).
    pub limit: Option<usize>,
    /// Opaque cursor from the previous page.
    pub cursor: Option<String>,
}

/// The notifications the caller may see (its country's, as exporter, importer or transit;
/// every one for the secretariat), newest first, paged.
#[utoipa::path(get, path = "/api/v1/pens", tag = "notifications", security(("bearer" = []), ("session" = [])),
    params(ListParams),
    responses((status = 200, body = crate::http::docs::PageDoc), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn list(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Value>, ApiError> {
    let limit = p.limit.unwrap_or(50);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request("limit", "must be between 1 and 1000"));
    }
    let before = cursor_seq(p.cursor.as_deref())?;
    let inbox = Inbox {
        role: p
            .role
            .as_deref()
            .map(str::parse::<interdict_domain::pen::PenRole>)
            .transpose()
            .map_err(|e| ApiError::bad_request("role", e.to_string()))?,
        status: p
            .status
            .as_deref()
            .map(str::parse::<interdict_domain::pen::PenStatus>)
            .transpose()
            .map_err(|e| ApiError::bad_request("status", e.to_string()))?,
        overdue: p.overdue,
    };
    let now = state.now();
    let app = state.app.clone();
    let (items, next) = blocking(&rid, move || {
        pens::list(&app, &actor, &inbox, before, limit, now)
    })
    .await?;
    Ok(Json(
        json!({"items": items, "next_cursor": next.map(seq_cursor)}),
    ))
}

/// Notifications per country over what the caller may see: sent, received, answered, median
/// reply time in days, answered late, overdue, objections, queries.
#[utoipa::path(get, path = "/api/v1/pens:statistics", tag = "notifications", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = Object), (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn statistics(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
) -> Result<Json<Value>, ApiError> {
    let now = state.now();
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || pens::statistics(&app, &actor, now)).await?,
    ))
}

/// One notification with its history of actions (who, when, what).
#[utoipa::path(get, path = "/api/v1/pens/{id}", tag = "notifications", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "PEN-<exporting country>-<year>-<6 digits>")),
    responses((status = 200, body = Object), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 404, body = crate::http::docs::ErrorDoc)))]
pub async fn get(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let now = state.now();
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || pens::get(&app, &actor, &id, now)).await?,
    ))
}

async fn action(
    state: St,
    rid: RequestId,
    actor: interdict_domain::Actor,
    id: String,
    name: ActionName,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let parsed: ActionBody = if body.bytes.iter().all(u8::is_ascii_whitespace) {
        ActionBody::default()
    } else {
        body.json()?
    };
    let now = state.now();
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || {
            pens::act(&app, &actor, &id, name, &parsed, now)
        })
        .await?,
    ))
}

macro_rules! action_handler {
    ($fn:ident, $name:expr, $path:literal, $doc:literal, $body:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "notifications", security(("bearer" = []), ("session" = [])),
            params(("id" = String, Path, description = "The notification's id")),
            request_body(content = Object, description = $body, content_type = "application/json"),
            responses((status = 200, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
                      (status = 401, body = crate::http::docs::ErrorDoc), (status = 403, body = crate::http::docs::ErrorDoc),
                      (status = 404, body = crate::http::docs::ErrorDoc), (status = 409, body = crate::http::docs::ErrorDoc)))]
        pub async fn $fn(
            state: St,
            rid: RequestId,
            Caller(actor): Caller,
            Path(id): Path<String>,
            body: RawBody,
        ) -> Result<Json<Value>, ApiError> {
            action(state, rid, actor, id, $name, body).await
        }
    };
}

action_handler!(
    acknowledge,
    ActionName::Acknowledge,
    "/api/v1/pens/{id}/acknowledge",
    "The importing authority acknowledges receipt (`sent` → `acknowledged`).",
    "Empty, or {}"
);
action_handler!(reply, ActionName::Reply, "/api/v1/pens/{id}/reply",
    "The importing authority answers: `no_objection`, `objection` or `query` (a reason is required for the last two).",
    "{\"decision\": \"no_objection\" | \"objection\" | \"query\", \"reason\": \"…\"}");
action_handler!(answer, ActionName::Answer, "/api/v1/pens/{id}/answer",
    "The exporting authority answers a query (`query` → `acknowledged`; the deadline moves by the days the query was open).",
    "{\"answer\": \"…\"}");
action_handler!(
    withdraw,
    ActionName::Withdraw,
    "/api/v1/pens/{id}/withdraw",
    "The exporting authority withdraws the notification before shipment.",
    "{\"reason\": \"…\"} (optional)"
);
action_handler!(
    stop,
    ActionName::Stop,
    "/api/v1/pens/{id}/stop",
    "A stop-shipment alert by the authority of any country named on it.",
    "{\"reason\": \"…\"}"
);
action_handler!(
    shipment,
    ActionName::Shipment,
    "/api/v1/pens/{id}/shipment",
    "The exporting authority records the shipment (`no_objection` → `shipped`).",
    "{\"actual_quantity\": {\"value\", \"unit\"}, \"shipped_on\": \"YYYY-MM-DD\"}"
);

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LabelParams {
    /// `json` (default: label text, QR as SVG, payload) or `png` (the QR code as an image).
    pub format: Option<String>,
}

/// The shipment label of a cleared notification: `{"label", "qr_svg", "payload"}`, or the QR
/// code as PNG with `?format=png`.
#[utoipa::path(get, path = "/api/v1/pens/{id}/label", tag = "labels", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "The notification's id"), LabelParams),
    responses((status = 200, body = Object), (status = 400, body = crate::http::docs::ErrorDoc), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 404, body = crate::http::docs::ErrorDoc), (status = 409, body = crate::http::docs::ErrorDoc)))]
pub async fn label(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<LabelParams>,
) -> Result<Response, ApiError> {
    let png = match p.format.as_deref() {
        None | Some("json") => false,
        Some("png") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "format",
                format!(
                    "`{}` is not json or png",
                    interdict_core::text::clip(other, 20)
                ),
            ))
        }
    };
    let now = state.now();
    let app = state.app.clone();
    let out = blocking(&rid, move || {
        let (text, payload) = pens::label(&app, &actor, &id, now)?;
        if png {
            Ok((None, Some(labels::label_png(&text)?)))
        } else {
            Ok((Some(labels::label_answer(&text, &payload)?), None))
        }
    })
    .await?;
    match out {
        (_, Some(bytes)) => Ok(([(CONTENT_TYPE, "image/png")], bytes).into_response()),
        (Some(answer), _) => Ok(Json(answer).into_response()),
        _ => Err(ApiError::not_found("no label")),
    }
}

/// Checks a label online: the signature under a published, unrevoked key of the exporting
/// country's authority, its validity, and whether the notification was stopped or withdrawn
/// since. `{"valid", "reason", "problem", "payload"}`.
#[utoipa::path(post, path = "/api/v1/labels/verify", tag = "labels", security(("bearer" = []), ("session" = [])),
    request_body(content = Object, description = "{\"label\": \"ITD1.…\"}", content_type = "application/json"),
    responses((status = 200, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn verify(
    state: St,
    rid: RequestId,
    Caller(_actor): Caller,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct VerifyIn {
        label: String,
    }
    let input: VerifyIn = body.json()?;
    let now = state.now();
    let app = state.app.clone();
    let verdict = blocking(&rid, move || labels::verify_online(&app, &input.label, now)).await?;
    Ok(Json(serde_json::to_value(verdict).unwrap_or_default()))
}

/// Every published label key (public keys only): what `interdict keys export` writes for
/// offline checks.
#[utoipa::path(get, path = "/api/v1/keys", tag = "labels", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = Object), (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn keys(
    state: St,
    rid: RequestId,
    Caller(_actor): Caller,
) -> Result<Json<Value>, ApiError> {
    let app = state.app.clone();
    let set = blocking(&rid, move || labels::key_set(&app)).await?;
    Ok(Json(serde_json::to_value(set).unwrap_or_default()))
}

/// A new signing key for the caller's competent authority (its admin); earlier keys keep
/// verifying the labels they signed until revoked.
#[utoipa::path(post, path = "/api/v1/keys:rotate", tag = "labels", security(("bearer" = []), ("session" = [])),
    responses((status = 201, body = Object), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 403, body = crate::http::docs::ErrorDoc)))]
pub async fn rotate(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
) -> Result<Response, ApiError> {
    let now = state.now();
    let app = state.app.clone();
    let key = blocking(&rid, move || labels::rotate(&app, &actor, now)).await?;
    Ok((StatusCode::CREATED, Json(key)).into_response())
}

/// Revokes a key (an admin of its organisation): labels it signed no longer verify.
#[utoipa::path(post, path = "/api/v1/keys/{key_id}/revoke", tag = "labels", security(("bearer" = []), ("session" = [])),
    params(("key_id" = String, Path, description = "The key's id")),
    responses((status = 200, body = Object), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 403, body = crate::http::docs::ErrorDoc), (status = 404, body = crate::http::docs::ErrorDoc),
              (status = 409, body = crate::http::docs::ErrorDoc)))]
pub async fn revoke(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path(key_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let now = state.now();
    let app = state.app.clone();
    let key = blocking(&rid, move || labels::revoke(&app, &actor, &key_id, now)).await?;
    Ok(Json(serde_json::to_value(key).unwrap_or_default()))
}

/// Sets a corridor's policy (a secretariat admin): reply period in working days and what the
/// importer's silence means when it ends.
#[utoipa::path(put, path = "/api/v1/corridors/{corridor}", tag = "notifications", security(("bearer" = []), ("session" = [])),
    params(("corridor" = String, Path, description = "<exporting>-<importing>, such as CN-MX")),
    request_body(content = Object, description = "{\"reply_working_days\": 15, \"silence_means\": \"expired\" | \"no_objection\"}", content_type = "application/json"),
    responses((status = 200, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 403, body = crate::http::docs::ErrorDoc)))]
pub async fn put_corridor(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path(corridor): Path<String>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let policy: CorridorPolicy = body.json()?;
    let now = state.now();
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || {
            pens::put_corridor(&app, &actor, &corridor, &policy, now)
        })
        .await?,
    ))
}

/// A corridor's policy (the default, 15 working days and silence = expired, when none was set).
#[utoipa::path(get, path = "/api/v1/corridors/{corridor}", tag = "notifications", security(("bearer" = []), ("session" = [])),
    params(("corridor" = String, Path, description = "<exporting>-<importing>, such as CN-MX")),
    responses((status = 200, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn corridor(
    state: St,
    rid: RequestId,
    Caller(_actor): Caller,
    Path(corridor): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || pens::corridor(&app, &corridor)).await?,
    ))
}
