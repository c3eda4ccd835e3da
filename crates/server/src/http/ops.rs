//! Operations: liveness, readiness, metrics.

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::ApiError;
use crate::http::{blocking, RequestId, St};

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "The process is up")))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// The database is reachable and migrated.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "Ready"),
    (status = 503, description = "The database is not reachable or not migrated", body = crate::http::docs::ErrorDoc)))]
pub async fn readyz(state: St, rid: RequestId) -> Result<Json<serde_json::Value>, ApiError> {
    let app = state.app.clone();
    let version = blocking(&rid, move || {
        app.db.ping()?;
        Ok(app.db.schema_version()?)
    })
    .await?;
    Ok(Json(json!({"status": "ready", "schema_version": version})))
}

/// Prometheus metrics: requests by route and status, latency, database pool.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
pub async fn metrics(state: St) -> Response {
    let text = state.metrics.render(state.app.db.pool_stats());
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}
