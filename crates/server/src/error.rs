//! The contract's errors: every failure is an HTTP status and
//! `{"error": {"code", "message", "details"}}`. Internals are logged with the request id and
//! never sent; a record the caller may not see is `not_found`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use interdict_app::AppError;
use interdict_app::ErrorKind;
use serde_json::{json, Value};

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Value,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            details: json!({}),
        }
    }

    /// `bad_request` naming the field (`quantity.value`, `body`, `content-type`).
    pub fn bad_request(field: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            details: json!({ "field": field }),
            ..ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
        }
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "a valid API token (Authorization: Bearer …) or session cookie is required",
        )
    }

    pub fn forbidden(reason: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", reason)
    }

    pub fn not_found(what: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", what)
    }

    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "conflict", message)
    }

    pub fn payload_too_large(limit: usize) -> ApiError {
        ApiError {
            details: json!({ "limit_bytes": limit }),
            ..ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the request body is larger than {limit} bytes"),
            )
        }
    }

    pub fn rate_limited(retry_after_secs: i64) -> ApiError {
        ApiError {
            details: json!({ "retry_after_seconds": retry_after_secs }),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many failed sign-ins; try again later",
            )
        }
    }

    /// The database or another service is not reachable: try again later.
    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    /// Something went wrong inside: the message names the request id, nothing of the internals
    /// (which are logged under that id).
    pub fn internal(request_id: &str) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("internal error; quote request id {request_id} to the operator"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            json!({"error": {"code": self.code, "message": self.message, "details": self.details}});
        (self.status, Json(body)).into_response()
    }
}

/// Maps a use case's failure. Store failures other than "unavailable", "conflict" and
/// "not found" are internal: logged in full, answered with the request id only.
pub fn from_app(err: AppError, request_id: &str) -> ApiError {
    match err {
        AppError::Invalid { field, message } => ApiError::bad_request(&field, message),
        AppError::Forbidden(reason) => ApiError::forbidden(reason),
        AppError::NotFound(what) => ApiError::not_found(format!("{what} not found")),
        AppError::Conflict(message) => ApiError::conflict(message),
        AppError::Unprocessable(message) => ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
            message,
        ),
        AppError::Unavailable(message) => {
            tracing::warn!(request_id, "unavailable: {message}");
            ApiError::unavailable("a service the platform needs is not available; try again later")
        }
        AppError::Store(e) => match e.kind() {
            ErrorKind::Unavailable => {
                tracing::warn!(request_id, "database unavailable: {e}");
                ApiError::unavailable("the database is not available; try again later")
            }
            ErrorKind::Conflict => ApiError::conflict(e.to_string()),
            ErrorKind::NotFound => ApiError::not_found(e.to_string()),
            ErrorKind::Internal => {
                tracing::error!(request_id, "database error: {e}");
                ApiError::internal(request_id)
            }
        },
        other @ AppError::Corrupt { .. } => {
            tracing::error!(request_id, "{other}");
            ApiError::internal(request_id)
        }
    }
}
