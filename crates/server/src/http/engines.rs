//! The engines as endpoints (any authenticated user): identify, classify, match parties, screen
//! declarations, browse the registry and the loaded watchlists; import a list (coalition admin).
//! Answers are the CLI's JSON, from the same wire types.

use axum::body::Body;
use axum::extract::Path;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use interdict_app::parties::{self, DEFAULT_LIMIT, DEFAULT_THRESHOLD};
use interdict_domain::authz::{decide, Action};
use interdict_structure::{Format as StructureFormat, RawRecord, RecordReader};
use interdict_types::{ErrorRecord, IdentificationWire, SubstanceSummaryWire};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::body::{parse_json, ApiQuery, RawBody};
use crate::http::{blocking, quick_or_blocking, RequestId, St, CHEAP_INPUT};

/// Longest text accepted in one identify or match item (the engines bound their own cost too).
const MAX_TEXT: usize = 64 * 1024;

fn ndjson(body: Vec<u8>) -> Response {
    ([(CONTENT_TYPE, "application/x-ndjson")], body).into_response()
}

fn line_error(line: u64, code: &str, message: String) -> Vec<u8> {
    let record = ErrorRecord::new(code, message).with_line(line);
    let mut v = serde_json::to_vec(&record).unwrap_or_default();
    v.push(b'\n');
    v
}

/// The non-empty lines of a JSON Lines body, numbered from 1 (a lone CR ends a line too).
fn lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    interdict_core::lines::numbered(text)
        .map(|(n, l)| (n, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentifyIn {
    /// A goods description as declared.
    pub text: String,
}

/// Which controlled substances a goods description names. `application/json` with `{"text"}`
/// answers one object; `application/x-ndjson` with one `{"text"}` a line answers JSON Lines in
/// input order (a bad line gets an error record in its place).
#[utoipa::path(post, path = "/api/v1/identify", tag = "engines", security(("bearer" = []), ("session" = [])),
    request_body(content(
        (IdentifyIn = "application/json"),
        (IdentifyIn = "application/x-ndjson"))),
    responses((status = 200, description = "The identification (see `identify --json`); JSON Lines for a JSON Lines body", content(
        (crate::http::docs::IdentificationDoc = "application/json"), (String = "application/x-ndjson"))),
              (status = 400, body = crate::http::docs::ErrorDoc), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 413, body = crate::http::docs::ErrorDoc)))]
pub async fn identify(
    state: St,
    rid: RequestId,
    _caller: Caller,
    body: RawBody,
) -> Result<Response, ApiError> {
    let app = state.app.clone();
    if body.is_ndjson() {
        let text = body.text()?.to_string();
        let out = blocking(&rid, move || {
            let mut out = Vec::new();
            for (line, raw) in lines(&text) {
                match parse_json::<IdentifyIn>(raw.as_bytes(), "text") {
                    Ok(item) if item.text.len() <= MAX_TEXT => {
                        let id = app.identifier().identify(&item.text);
                        let _ = serde_json::to_writer(
                            &mut out,
                            &IdentificationWire::new(&item.text, &id),
                        );
                        out.push(b'\n');
                    }
                    Ok(_) => out.extend(line_error(
                        line,
                        "invalid_record",
                        format!("line {line}, field text: longer than {MAX_TEXT} bytes"),
                    )),
                    Err(e) => out.extend(line_error(
                        line,
                        "invalid_record",
                        format!("line {line}: {}", e.message),
                    )),
                }
            }
            Ok(out)
        })
        .await?;
        return Ok(ndjson(out));
    }
    let input: IdentifyIn = body.json()?;
    if input.text.len() > MAX_TEXT {
        return Err(ApiError::bad_request(
            "text",
            format!("longer than {MAX_TEXT} bytes"),
        ));
    }
    let cheap = input.text.len() <= CHEAP_INPUT;
    let out = quick_or_blocking(
        &rid,
        cheap,
        || Some(()),
        || Ok(()),
        move |()| {
            let id = app.identifier().identify(&input.text);
            Ok(serde_json::to_vec(&IdentificationWire::new(&input.text, &id)).unwrap_or_default())
        },
    )
    .await?;
    Ok(([(CONTENT_TYPE, "application/json")], out).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassifyIn {
    /// A SMILES.
    #[serde(default)]
    pub smiles: Option<String>,
    /// A MOL block (V2000 or V3000).
    #[serde(default)]
    pub molblock: Option<String>,
}

/// What a structure is: the listed substance, the class-wide legal definitions it falls inside
/// (with clauses and atoms), designer-precursor relations, nearest listed structures.
/// `application/json` (`{"smiles"}` or `{"molblock"}`) answers one object; a `.smi` body
/// (`text/plain`) or SDF (`chemical/x-mdl-sdfile`) answers JSON Lines in input order.
#[utoipa::path(post, path = "/api/v1/classify", tag = "engines", security(("bearer" = []), ("session" = [])),
    request_body(content(
        (ClassifyIn = "application/json"),
        (String = "text/plain"),
        (String = "chemical/x-mdl-sdfile"))),
    responses((status = 200, description = "The classification (see `classify --json`); JSON Lines for a .smi or SDF body", content(
        (crate::http::docs::ClassificationDoc = "application/json"), (String = "application/x-ndjson"))),
              (status = 400, body = crate::http::docs::ErrorDoc), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 413, body = crate::http::docs::ErrorDoc), (status = 422, body = crate::http::docs::ErrorDoc)))]
pub async fn classify(
    state: St,
    rid: RequestId,
    _caller: Caller,
    body: RawBody,
) -> Result<Response, ApiError> {
    let app = state.app.clone();
    let batch = match body.media_type.as_str() {
        "text/plain" | "chemical/x-daylight-smiles" => Some(StructureFormat::Smi),
        "chemical/x-mdl-sdfile" | "chemical/x-mdl-molfile" => Some(StructureFormat::Sdf),
        _ => None,
    };
    if let Some(format) = batch {
        let bytes = body.bytes.clone();
        let out = blocking(&rid, move || {
            let engine = app.classifier()?;
            let mut out = Vec::new();
            for item in RecordReader::new(std::io::BufReader::new(&bytes[..]), format) {
                match item {
                    Ok(record) => {
                        interdict_app::classify::write_record(engine, &record, &mut out);
                    }
                    Err(e) => out.extend(line_error(0, "invalid_record", e.to_string())),
                }
            }
            Ok(out)
        })
        .await?;
        return Ok(ndjson(out));
    }
    let input: ClassifyIn = body.json()?;
    let (text, is_smiles) = match (input.smiles, input.molblock) {
        (Some(s), None) => (s, true),
        (None, Some(m)) => (m, false),
        _ => {
            return Err(ApiError::bad_request(
                "smiles",
                "give exactly one of smiles or molblock",
            ))
        }
    };
    if text.len() > 1 << 20 {
        return Err(ApiError::bad_request(
            if is_smiles { "smiles" } else { "molblock" },
            "longer than 1 MiB",
        ));
    }
    let answer = blocking(&rid, move || {
        let engine = app.classifier()?;
        let result = if is_smiles {
            engine.classify_smiles(&text)
        } else {
            engine.classify_record(&RawRecord {
                line: 1,
                name: None,
                text: interdict_structure::RawText::Molblock(text.clone()),
            })
        };
        Ok(result
            .map(|c| serde_json::to_value(&c).unwrap_or(Value::Null))
            .map_err(|e| e.to_string()))
    })
    .await?;
    match answer {
        Ok(v) => Ok(Json(v).into_response()),
        Err(message) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
            message,
        )),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchIn {
    /// The party's name as written.
    pub name: String,
    /// ISO 3166-1 alpha-2 of the party, used as a qualifier.
    #[serde(default)]
    pub country: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchParams {
    /// Report matches scoring at least this (default 0.73).
    pub threshold: Option<f32>,
    /// At most this many matches per query (default 10, at most 100).
    pub limit: Option<usize>,
}

/// Screens a party name against the watchlists loaded on the platform. `application/json`
/// (`{"name", "country"}`) answers one object; JSON Lines answers JSON Lines in input order.
#[utoipa::path(post, path = "/api/v1/parties/match", tag = "engines", security(("bearer" = []), ("session" = [])),
    params(MatchParams),
    request_body(content((MatchIn = "application/json"), (MatchIn = "application/x-ndjson"))),
    responses((status = 200, description = "The matches (see `match-party --json`); JSON Lines for a JSON Lines body", content(
        (crate::http::docs::PartyResultDoc = "application/json"), (String = "application/x-ndjson"))),
              (status = 400, body = crate::http::docs::ErrorDoc), (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn match_party(
    state: St,
    rid: RequestId,
    _caller: Caller,
    ApiQuery(params): ApiQuery<MatchParams>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let threshold = params.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(ApiError::bad_request(
            "threshold",
            "must be between 0 and 1",
        ));
    }
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::bad_request("limit", "must be between 1 and 100"));
    }
    let app = state.app.clone();
    let items: Vec<(u64, Result<MatchIn, ApiError>)> = if body.is_ndjson() {
        lines(body.text()?)
            .map(|(n, l)| (n, parse_json::<MatchIn>(l.as_bytes(), "name")))
            .collect()
    } else {
        vec![(1, Ok(body.json::<MatchIn>()?))]
    };
    let single = !body.is_ndjson();
    if single {
        if let Some((_, Ok(m))) = items.first() {
            check_match(m)?;
        }
    }
    let cheap = single && body.bytes.len() <= CHEAP_INPUT;
    let loader = app.clone();
    let out = quick_or_blocking(
        &rid,
        cheap,
        || app.fresh_index(),
        move || loader.index(),
        move |index| {
            let mut out = Vec::new();
            for (line, item) in &items {
                let checked = match item {
                    Ok(m) => check_match(m).map(|country| (m, country)),
                    Err(e) => Err(ApiError::bad_request("body", e.message.clone())),
                };
                match checked {
                    Ok((m, country)) => {
                        let wire = parties::match_party(
                            &index,
                            &m.name,
                            country.as_deref(),
                            threshold,
                            limit,
                        );
                        let _ = serde_json::to_writer(&mut out, &wire);
                        out.push(b'\n');
                    }
                    Err(e) => out.extend(line_error(
                        *line,
                        "invalid_record",
                        format!("line {line}: {}", e.message),
                    )),
                }
            }
            Ok(out)
        },
    )
    .await?;
    if single {
        let mut out = out;
        if out.last() == Some(&b'\n') {
            out.pop();
        }
        return Ok(([(CONTENT_TYPE, "application/json")], out).into_response());
    }
    Ok(ndjson(out))
}

/// The country of a match query, validated; the name bounded.
fn check_match(m: &MatchIn) -> Result<Option<String>, ApiError> {
    if m.name.trim().is_empty() {
        return Err(ApiError::bad_request("name", "is empty"));
    }
    if m.name.len() > 1024 {
        return Err(ApiError::bad_request("name", "longer than 1024 bytes"));
    }
    m.country
        .as_deref()
        .map(|c| interdict_core::CountryCode::parse(c).map(|c| c.to_string()))
        .transpose()
        .map_err(|e| ApiError::bad_request("country", e.to_string()))
}

/// Bodies up to this size are screened in one task and answered in one piece (a small request
/// is not worth a stream); larger ones are streamed batch by batch as they are assessed.
const SCREEN_IN_ONE_PIECE: usize = 64 * 1024;

/// Screens declarations (CSV with a header, or JSON Lines, as `shared/spec/declarations.md`)
/// against the platform's watchlists, ALRs and notifications. Answers JSON Lines, one result
/// or error record per declaration in input order, streamed as they are assessed.
#[utoipa::path(post, path = "/api/v1/screen", tag = "engines", security(("bearer" = []), ("session" = [])),
    request_body(content((String = "text/csv"), (String = "application/x-ndjson"))),
    responses((status = 200, description = "JSON Lines of screening results (declarations.md)", content_type = "application/x-ndjson"),
              (status = 400, body = crate::http::docs::ErrorDoc), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 413, body = crate::http::docs::ErrorDoc)))]
pub async fn screen(
    state: St,
    rid: RequestId,
    _caller: Caller,
    body: RawBody,
) -> Result<Response, ApiError> {
    let name = if body.is_ndjson() || body.media_type == "application/json" {
        "request.jsonl"
    } else {
        "request.csv"
    };
    let bytes = body.bytes.clone();
    let app = state.app.clone();
    if bytes.len() <= SCREEN_IN_ONE_PIECE {
        let cheap = bytes.len() <= CHEAP_INPUT;
        let loader = app.clone();
        let out = quick_or_blocking(
            &rid,
            cheap,
            || app.fresh_screener(),
            move || loader.screener(),
            move |screener| {
                let mut out = Vec::new();
                interdict_app::screening::screen_bytes(&screener, name, &bytes, |chunk| {
                    out.extend_from_slice(&chunk);
                    true
                })?;
                Ok(out)
            },
        )
        .await?;
        return Ok(ndjson(out));
    }
    let screener = blocking(&rid, move || app.screener()).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(16);
    let request_id = rid.0.clone();
    tokio::task::spawn_blocking(move || {
        let send = |chunk: Vec<u8>| tx.blocking_send(Ok(bytes::Bytes::from(chunk))).is_ok();
        let result = interdict_app::screening::screen_bytes(&screener, name, &bytes, send);
        if let Err(e) = result {
            tracing::warn!(request_id, "screening stopped: {e}");
        }
    });
    let stream = ReceiverStream(rx);
    Ok((
        [(CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response())
}

/// A stream over a channel's receiver, for streamed bodies.
struct ReceiverStream<T>(tokio::sync::mpsc::Receiver<T>);

impl<T> futures_core::Stream for ReceiverStream<T> {
    type Item = T;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<T>> {
        self.0.poll_recv(cx)
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubstanceParams {
    /// Any name, synonym, CAS number or id; absent lists the whole registry.
    pub q: Option<String>,
    /// A control list id (`UN-1988-TABLE-I`): only its substances.
    pub list: Option<String>,
    /// Page size (default 50, at most 1000).
    pub limit: Option<usize>,
    /// Opaque cursor from the previous page.
    pub cursor: Option<String>,
}

/// Searches the registry (or lists it), paged.
#[utoipa::path(get, path = "/api/v1/substances", tag = "registry", security(("bearer" = []), ("session" = [])),
    params(SubstanceParams),
    responses((status = 200, body = crate::http::docs::SubstancePageDoc), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn substances(
    state: St,
    _caller: Caller,
    ApiQuery(p): ApiQuery<SubstanceParams>,
) -> Result<Json<Value>, ApiError> {
    let (limit, offset) = crate::http::paging(p.limit, p.cursor.as_deref())?;
    let registry = state.app.registry();
    if let Some(list) = &p.list {
        if registry.list(list).is_none() {
            return Err(ApiError::bad_request(
                "list",
                format!(
                    "unknown control list `{}`",
                    interdict_core::text::clip(list, 40)
                ),
            ));
        }
    }
    let found: Vec<(&interdict_registry::Substance, Option<f32>)> =
        match p.q.as_deref().map(str::trim) {
            Some(q) if !q.is_empty() => {
                if q.len() > 1024 {
                    return Err(ApiError::bad_request("q", "longer than 1024 bytes"));
                }
                interdict_app::substances::search(registry, q)
                    .into_iter()
                    .map(|(s, x)| (s, Some(x)))
                    .collect()
            }
            _ => interdict_app::substances::on_list(registry, None)
                .into_iter()
                .map(|s| (s, None))
                .collect(),
        };
    let filtered: Vec<_> = found
        .into_iter()
        .filter(|(s, _)| {
            p.list
                .as_ref()
                .is_none_or(|l| s.controls.iter().any(|c| &c.list == l))
        })
        .collect();
    let page: Vec<Value> = filtered
        .iter()
        .skip(offset)
        .take(limit)
        .map(|(s, score)| {
            serde_json::to_value(SubstanceSummaryWire::new(s, *score)).unwrap_or(Value::Null)
        })
        .collect();
    let next = (offset + limit < filtered.len()).then(|| crate::http::cursor(offset + limit));
    Ok(Json(
        serde_json::json!({"items": page, "next_cursor": next}),
    ))
}

/// One substance: names, CAS, HS codes, structure, every control with its legal source.
#[utoipa::path(get, path = "/api/v1/substances/{id}", tag = "registry", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "Registry id (`npp`) or a CAS number")),
    responses((status = 200, body = crate::http::docs::SubstanceDoc), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 404, body = crate::http::docs::ErrorDoc)))]
pub async fn substance(
    state: St,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let s = interdict_app::substances::find(state.app.registry(), &id).ok_or_else(|| {
        ApiError::not_found(format!(
            "substance {} not found",
            interdict_core::text::clip(&id, 40)
        ))
    })?;
    Ok(Json(serde_json::to_value(s).unwrap_or(Value::Null)))
}

/// The watchlist snapshots loaded on the platform.
#[utoipa::path(get, path = "/api/v1/lists", tag = "registry", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = crate::http::docs::ListPageDoc), (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn lists(state: St, rid: RequestId, _caller: Caller) -> Result<Json<Value>, ApiError> {
    let app = state.app.clone();
    let snapshots = blocking(&rid, move || interdict_app::lists::status(&app.db)).await?;
    let items: Vec<Value> = snapshots
        .iter()
        .map(|s| {
            serde_json::json!({"name": s.name, "format": s.format, "source": s.source,
            "imported_at": s.imported_at, "checksum": s.checksum, "records": s.record_count})
        })
        .collect();
    Ok(Json(
        serde_json::json!({"items": items, "next_cursor": null}),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `ofac-sdn`, `un-xml`, `ftm` or `csv`.
    pub format: String,
    /// The list's name (default: from the format).
    pub name: Option<String>,
    /// Replace the loaded snapshot even when the file yields no records or fewer than half
    /// of its records (refused with 409 otherwise: an empty file or an error page must not
    /// silently empty a list screening relies on).
    #[serde(default)]
    pub allow_shrink: bool,
}

/// Imports a watchlist file (the body) as the new snapshot of its list (coalition admin);
/// same formats as `interdict lists import`.
#[utoipa::path(post, path = "/api/v1/lists/import", tag = "registry", security(("bearer" = []), ("session" = [])),
    params(ImportParams),
    request_body(content((String = "text/csv"), (String = "application/xml"), (String = "application/x-ndjson"))),
    responses((status = 201, description = "Imported", body = crate::http::docs::ImportDoc),
              (status = 400, body = crate::http::docs::ErrorDoc), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 403, body = crate::http::docs::ErrorDoc),
              (status = 409, description = "The file yields no records or fewer than half of the loaded snapshot's (see allow_shrink)", body = crate::http::docs::ErrorDoc),
              (status = 413, body = crate::http::docs::ErrorDoc)))]
pub async fn import_list(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<ImportParams>,
    body: RawBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let decision = decide(&actor, &Action::ImportLists);
    if !decision.allowed {
        return Err(ApiError::forbidden(decision.reason));
    }
    let format = interdict_watchlist::import::Format::parse(&p.format)
        .ok_or_else(|| ApiError::bad_request("format", "expected ofac-sdn, un-xml, ftm or csv"))?;
    let name = p
        .name
        .clone()
        .unwrap_or_else(|| format.default_list_name().to_string());
    interdict_app::lists::check_list_name(&name).map_err(|e| crate::error::from_app(e, &rid.0))?;
    let allow_shrink = p.allow_shrink;
    let text = body.text()?.to_string();
    let now = interdict_core::rfc3339(state.now());
    let app = state.app.clone();
    let imported = blocking(&rid, move || {
        let list = interdict_app::lists::ListText {
            format,
            main: &text,
            alt: None,
            add: None,
        };
        let parsed =
            interdict_app::lists::parse(&list).map_err(|e| interdict_app::AppError::Invalid {
                field: "body".into(),
                message: e.to_string(),
            })?;
        interdict_app::lists::check_shrink(
            &app.db,
            interdict_app::lists::KIND,
            &name,
            "the request body",
            parsed.entities.len(),
            allow_shrink,
        )?;
        let imported = interdict_app::lists::import(
            &app.db,
            Some(&actor),
            &name,
            format,
            "api",
            &parsed,
            &now,
        )?;
        app.context_changed();
        Ok(imported)
    })
    .await?;
    let s = &imported.snapshot;
    Ok((
        StatusCode::CREATED,
        Json(
            serde_json::json!({"list": s.name, "format": s.format, "source": s.source, "entities": imported.entities,
            "names": imported.names, "checksum": s.checksum, "imported_at": s.imported_at}),
        ),
    ))
}
