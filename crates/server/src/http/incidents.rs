//! Incidents, their attachments and their visibility (`shared/spec/platform.md`, Incidents and
//! "Who may see a record"); the audit log's checkpoint, proofs and entries (Audit). Handlers
//! parse and answer; who may see or change what is decided in `interdict-app` and
//! `interdict-domain::sharing`, and applied in the store's queries.

use axum::extract::Path;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use interdict_app::incidents::{self, Search};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::body::{ApiQuery, RawBody};
use crate::http::{blocking, cursor_seq, seq_cursor, RequestId, St};

/// Reports an incident for the caller's organisation (officers and admins). Substances are
/// resolved, parties screened, equipment recognised; the answer is the stored record.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "incidents", security(("bearer" = []), ("session" = [])),
    request_body(content = Object, description = "The incident (platform.md, Incidents)", content_type = "application/json"),
    responses((status = 201, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 403, body = crate::http::docs::ErrorDoc),
              (status = 422, body = crate::http::docs::ErrorDoc)))]
pub async fn create(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    body: RawBody,
) -> Result<Response, ApiError> {
    let value: Value = body.json()?;
    let input = incidents::parse_input(&value).map_err(|(f, m)| ApiError::bad_request(&f, m))?;
    let now = state.now();
    let app = state.app.clone();
    let record = blocking(&rid, move || incidents::create(&app, &actor, &input, now)).await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// A substance as any name, CAS number, SMILES or registry id.
    pub substance: Option<String>,
    /// A substance class id (`nitazene`, `fentanyl-analogue`): every member.
    pub class: Option<String>,
    /// Where it happened (ISO alpha-2).
    pub country: Option<String>,
    /// The incident type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// From this date (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// To this date (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// Words of the record (personal data is not searched).
    pub q: Option<String>,
    /// Page size (default 50, at most 1000).
    pub limit: Option<usize>,
    /// Opaque cursor from the previous page.
    pub cursor: Option<String>,
}

/// The incidents the caller may read, newest first, paged.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", security(("bearer" = []), ("session" = [])),
    params(SearchParams),
    responses((status = 200, body = crate::http::docs::PageDoc), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn search(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<Value>, ApiError> {
    let limit = p.limit.unwrap_or(50);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request("limit", "must be between 1 and 1000"));
    }
    let before = cursor_seq(p.cursor.as_deref())?;
    let search = Search {
        substance: p.substance,
        class: p.class,
        country: p.country,
        kind: p.kind,
        from: p.from,
        to: p.to,
        q: p.q,
    };
    let now = state.now();
    let app = state.app.clone();
    let page = blocking(&rid, move || {
        incidents::search(&app, &actor, &search, before, limit, now)
    })
    .await?;
    Ok(Json(json!({
        "items": page.items,
        "next_cursor": page.next.map(seq_cursor),
    })))
}

/// One incident (personal data left out, and named in `redacted`, where the caller may not see it).
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "INC-<country>-<year>-<6 digits>")),
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
        blocking(&rid, move || incidents::get(&app, &actor, &id, now)).await?,
    ))
}

/// Changes an incident (officers of the owning organisation): the fields given replace the
/// reported ones; the whole is checked and resolved again.
#[utoipa::path(patch, path = "/api/v1/incidents/{id}", tag = "incidents", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "The incident's id")),
    request_body(content = Object, description = "Fields of the create body to replace", content_type = "application/json"),
    responses((status = 200, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 403, body = crate::http::docs::ErrorDoc),
              (status = 404, body = crate::http::docs::ErrorDoc)))]
pub async fn update(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path(id): Path<String>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let patch: Map<String, Value> = body.json()?;
    let now = state.now();
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || {
            incidents::update(&app, &actor, &id, &patch, now)
        })
        .await?,
    ))
}

/// Who can read an incident: organisations, countries, and why, in words.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/visibility", tag = "incidents", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "The incident's id")),
    responses((status = 200, body = crate::http::docs::VisibilityDoc), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 404, body = crate::http::docs::ErrorDoc)))]
pub async fn visibility(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let app = state.app.clone();
    let v = blocking(&rid, move || incidents::visibility(&app, &actor, &id)).await?;
    Ok(Json(serde_json::to_value(v).unwrap_or(Value::Null)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AttachParams {
    /// The file's name, for people (not used to tell its type).
    pub filename: Option<String>,
}

/// Attaches a photograph or a laboratory report (PNG, JPEG, GIF, WebP, TIFF, PDF or plain text,
/// recognised from the content) to an incident; stored by content hash.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/attachments", tag = "incidents", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "The incident's id"), AttachParams),
    request_body(content((String = "application/octet-stream"), (String = "image/png"), (String = "image/jpeg"), (String = "application/pdf"))),
    responses((status = 201, body = crate::http::docs::AttachmentDoc), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 403, body = crate::http::docs::ErrorDoc),
              (status = 404, body = crate::http::docs::ErrorDoc), (status = 413, body = crate::http::docs::ErrorDoc),
              (status = 422, body = crate::http::docs::ErrorDoc)))]
pub async fn attach(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<AttachParams>,
    body: RawBody,
) -> Result<Response, ApiError> {
    if body.bytes.is_empty() {
        return Err(ApiError::bad_request("body", "the body is empty"));
    }
    let now = state.now();
    let app = state.app.clone();
    let declared = Some(body.media_type.clone());
    let record = blocking(&rid, move || {
        incidents::attach(
            &app,
            &actor,
            &id,
            &body.bytes,
            declared.as_deref(),
            p.filename.as_deref(),
            now,
        )
    })
    .await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

/// The attachments of an incident.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/attachments", tag = "incidents", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "The incident's id")),
    responses((status = 200, body = crate::http::docs::PageDoc), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 404, body = crate::http::docs::ErrorDoc)))]
pub async fn attachments(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let app = state.app.clone();
    let items = blocking(&rid, move || incidents::attachments(&app, &actor, &id)).await?;
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

/// An attachment's content, with its recognised type.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/attachments/{attachment}", tag = "incidents", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "The incident's id"), ("attachment" = String, Path, description = "The attachment's id")),
    responses((status = 200, description = "The content", content_type = "application/octet-stream"),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 404, body = crate::http::docs::ErrorDoc)))]
pub async fn attachment(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let now = state.now();
    let app = state.app.clone();
    let (media_type, content) = blocking(&rid, move || {
        incidents::attachment_content(&app, &actor, &id, &attachment, now)
    })
    .await?;
    Ok((
        [
            (CONTENT_TYPE, media_type),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment".to_string(),
            ),
        ],
        content,
    )
        .into_response())
}

/// Imports incidents: CSV (the columns of `interdict alerts --incidents`, `id` being the
/// reporter's own reference, plus any field of the create body; lists separated by `;`) or
/// JSON Lines of the create body. One result or error record per line, in order; the good
/// lines are stored in one transaction, and importing a file again finds what the first import
/// made.
#[utoipa::path(post, path = "/api/v1/incidents:import", tag = "incidents", security(("bearer" = []), ("session" = [])),
    request_body(content((String = "text/csv"), (String = "application/x-ndjson"))),
    responses((status = 200, description = "JSON Lines: one result or error record per line", content_type = "application/x-ndjson"),
              (status = 400, body = crate::http::docs::ErrorDoc), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 403, body = crate::http::docs::ErrorDoc), (status = 413, body = crate::http::docs::ErrorDoc)))]
pub async fn import(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    body: RawBody,
) -> Result<Response, ApiError> {
    let text = body.text()?.to_string();
    let json_lines = body.is_ndjson() || body.media_type == "application/json";
    let now = state.now();
    let app = state.app.clone();
    let results = blocking(&rid, move || {
        let lines = if json_lines {
            incidents::read_import_json_lines(&text)
        } else {
            incidents::read_import_csv(&text)
        };
        incidents::import(&app, &actor, lines, now)
    })
    .await?;
    let mut out = Vec::new();
    for r in results {
        let _ = serde_json::to_writer(&mut out, &r.to_json());
        out.push(b'\n');
    }
    Ok(([(CONTENT_TYPE, "application/x-ndjson")], out).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    /// The organisation the export is for (its id); the caller's own when absent. Records it may
    /// not read itself go only at TLP:CLEAR or TLP:GREEN, their personal data never.
    pub recipient: Option<String>,
    /// A substance as any name, CAS number, SMILES or registry id.
    pub substance: Option<String>,
    /// A substance class id: every member.
    pub class: Option<String>,
    /// Where it happened (ISO alpha-2).
    pub country: Option<String>,
    /// The incident type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// From this date (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// To this date (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// Words of the record.
    pub q: Option<String>,
}

/// A bulk export (analysts and above) of the incidents the caller may read, as JSON Lines,
/// following each record's TLP for the recipient.
#[utoipa::path(get, path = "/api/v1/incidents:export", tag = "incidents", security(("bearer" = []), ("session" = [])),
    params(ExportParams),
    responses((status = 200, description = "JSON Lines: one incident a line", content_type = "application/x-ndjson"),
              (status = 400, body = crate::http::docs::ErrorDoc), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 403, body = crate::http::docs::ErrorDoc)))]
pub async fn export(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    let search = Search {
        substance: p.substance,
        class: p.class,
        country: p.country,
        kind: p.kind,
        from: p.from,
        to: p.to,
        q: p.q,
    };
    let now = state.now();
    let app = state.app.clone();
    let recipient = p.recipient;
    let records = blocking(&rid, move || {
        incidents::export(&app, &actor, &search, recipient.as_deref(), now)
    })
    .await?;
    let mut out = Vec::new();
    for r in &records {
        let _ = serde_json::to_writer(&mut out, r);
        out.push(b'\n');
    }
    Ok(([(CONTENT_TYPE, "application/x-ndjson")], out).into_response())
}
