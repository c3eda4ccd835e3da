//! Early warning (`shared/spec/platform.md`, Alerts): the alerts over what the caller's
//! organisation may see, and the organisation's webhook subscriptions.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use interdict_app::early_warning::{self, AlertQuery};
use interdict_app::subscriptions::{self, SubscriptionInput};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::body::{ApiQuery, RawBody};
use crate::http::{blocking, RequestId, St};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlertParams {
    /// Report from this date (`YYYY-MM-DD`; default: the last 12 weeks of the data). An
    /// episode running at that date is reported with its onset week.
    pub since: Option<String>,
}

/// Aberration and first-detection alerts over the incidents the caller's organisation may see
/// (coalition-wide series from records shared with the whole coalition only), each with its
/// weekly series (observed, expected, threshold, alarm weeks) and the incidents behind it;
/// overdoses and drug checking as their own `public_health` stream.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", security(("bearer" = []), ("session" = [])),
    params(AlertParams),
    responses((status = 200, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn alerts(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<AlertParams>,
) -> Result<Json<Value>, ApiError> {
    let since = p
        .since
        .as_deref()
        .map(interdict_core::Date::parse)
        .transpose()
        .map_err(|e| ApiError::bad_request("since", e))?;
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || {
            early_warning::alerts(&app, &actor, &AlertQuery { since })
        })
        .await?,
    ))
}

/// Subscribes the caller's organisation to new alerts (analysts and above): each is POSTed to
/// `url`, signed `x-interdict-signature: sha256=<hex of HMAC-SHA256 of the body under secret>`,
/// retried with back-off until answered 2xx. Internal addresses are refused unless the
/// operator allows them. The secret is never answered.
#[utoipa::path(post, path = "/api/v1/subscriptions", tag = "alerts", security(("bearer" = []), ("session" = [])),
    request_body(content = Object, description = "{\"url\", \"secret\", \"kinds\": [\"aberration\", \"first_detection\"]}", content_type = "application/json"),
    responses((status = 201, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 403, body = crate::http::docs::ErrorDoc)))]
pub async fn subscribe(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    body: RawBody,
) -> Result<Response, ApiError> {
    let input: SubscriptionInput = body.json()?;
    let allow_private = state.settings.allow_private_webhooks;
    let now = state.now();
    let app = state.app.clone();
    let made = blocking(&rid, move || {
        subscriptions::check_url(&input.url)?;
        crate::webhooks::check_destination(&input.url, allow_private).map_err(|message| {
            interdict_app::AppError::Invalid {
                field: "url".into(),
                message,
            }
        })?;
        subscriptions::create(&app, &actor, &input, now)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(made)).into_response())
}

/// The caller's organisation's subscriptions (never their secrets).
#[utoipa::path(get, path = "/api/v1/subscriptions", tag = "alerts", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = Object), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 403, body = crate::http::docs::ErrorDoc)))]
pub async fn subscriptions_list(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
) -> Result<Json<Value>, ApiError> {
    let app = state.app.clone();
    let items = blocking(&rid, move || subscriptions::list(&app, &actor)).await?;
    Ok(Json(json!({"items": items, "next_cursor": null})))
}

/// Disables a subscription: nothing more is sent to it.
#[utoipa::path(delete, path = "/api/v1/subscriptions/{id}", tag = "alerts", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "The subscription's id")),
    responses((status = 200, body = Object), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 404, body = crate::http::docs::ErrorDoc), (status = 409, body = crate::http::docs::ErrorDoc)))]
pub async fn unsubscribe(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let now = state.now();
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || subscriptions::disable(&app, &actor, &id, now)).await?,
    ))
}

/// What a subscription's outbox holds: each alert, how often it was tried, when delivered.
#[utoipa::path(get, path = "/api/v1/subscriptions/{id}/deliveries", tag = "alerts", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "The subscription's id")),
    responses((status = 200, body = Object), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 404, body = crate::http::docs::ErrorDoc)))]
pub async fn deliveries(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let app = state.app.clone();
    let items = blocking(&rid, move || subscriptions::deliveries(&app, &actor, &id)).await?;
    Ok(Json(json!({"items": items, "next_cursor": null})))
}

/// What a country's authorities need: notifications answered late or not at all, imports
/// against the ALR, incidents without an identified substance, seizures per notification,
/// alerts unanswered — each with its figures, the coalition's median and what it suggests,
/// over what the caller may see.
#[utoipa::path(get, path = "/api/v1/countries/{cc}/needs", tag = "needs", security(("bearer" = []), ("session" = [])),
    params(("cc" = String, Path, description = "ISO 3166-1 alpha-2")),
    responses((status = 200, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn country_needs(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    Path(cc): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let now = state.now();
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || {
            interdict_app::needs::country_needs(&app, &actor, &cc, now)
        })
        .await?,
    ))
}

/// The member countries ranked by each needs indicator (the secretariat).
#[utoipa::path(get, path = "/api/v1/needs", tag = "needs", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = Object), (status = 401, body = crate::http::docs::ErrorDoc),
              (status = 403, body = crate::http::docs::ErrorDoc)))]
pub async fn needs(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
) -> Result<Json<Value>, ApiError> {
    let now = state.now();
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || {
            interdict_app::needs::ranking(&app, &actor, now)
        })
        .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FlowParams {
    /// A substance as any name, CAS number or registry id.
    pub substance: Option<String>,
    /// A class id (`fentanyl-precursor`, `ats-precursor`).
    pub class: Option<String>,
    /// From this date (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// To this date (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// `pens` (licit trade), `incidents` (diversion and trafficking) or `all` (default).
    pub source: Option<String>,
}

fn date_param(field: &str, v: Option<&str>) -> Result<Option<interdict_core::Date>, ApiError> {
    v.map(interdict_core::Date::parse)
        .transpose()
        .map_err(|e| ApiError::bad_request(field, e))
}

/// How precursors move: edges (from, to, via, notifications, incidents, quantity_kg,
/// substances) and nodes (country, lat, lon, in_kg, out_kg, incidents) from the notifications
/// and incidents the caller may see.
#[utoipa::path(get, path = "/api/v1/flows", tag = "flows", security(("bearer" = []), ("session" = [])),
    params(FlowParams),
    responses((status = 200, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn flows(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<FlowParams>,
) -> Result<Json<Value>, ApiError> {
    let source = match p.source.as_deref() {
        None | Some("all") => None,
        Some("pens") => Some(interdict_flows_source(true)),
        Some("incidents") => Some(interdict_flows_source(false)),
        Some(other) => {
            return Err(ApiError::bad_request(
                "source",
                format!(
                    "`{}` is not pens, incidents or all",
                    interdict_core::text::clip(other, 20)
                ),
            ))
        }
    };
    let query = interdict_app::flows::FlowQuery {
        substance: p.substance,
        class: p.class,
        from: date_param("from", p.from.as_deref())?,
        to: date_param("to", p.to.as_deref())?,
        source,
    };
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || {
            interdict_app::flows::flows(&app, &actor, &query)
        })
        .await?,
    ))
}

fn interdict_flows_source(pens: bool) -> interdict_app::flows::Source {
    if pens {
        interdict_app::flows::Source::Notification
    } else {
        interdict_app::flows::Source::Incident
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangeParams {
    /// The window in days ending today (default 90): compared with the windows before it.
    pub window: Option<i64>,
}

/// Corridors that are new, or grew or shrank beyond their history, in the last `window` days,
/// and substitutions: a substance's flows falling after its control while its unlisted
/// relatives rise.
#[utoipa::path(get, path = "/api/v1/flows/changes", tag = "flows", security(("bearer" = []), ("session" = [])),
    params(ChangeParams),
    responses((status = 200, body = Object), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc)))]
pub async fn flow_changes(
    state: St,
    rid: RequestId,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<ChangeParams>,
) -> Result<Json<Value>, ApiError> {
    let window = p.window.unwrap_or(90);
    if !(7..=3650).contains(&window) {
        return Err(ApiError::bad_request("window", "must be 7 to 3650 days"));
    }
    let now = state.now();
    let app = state.app.clone();
    Ok(Json(
        blocking(&rid, move || {
            interdict_app::flows::changes(&app, &actor, window, now)
        })
        .await?,
    ))
}
