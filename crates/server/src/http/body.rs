//! Request bodies: read within the size limit, parsed with the failing field named.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// The raw body, at most the configured limit (`payload_too_large` beyond), with its media type.
pub struct RawBody {
    pub bytes: Bytes,
    /// The `content-type` without parameters, lower-cased (empty when absent).
    pub media_type: String,
}

impl FromRequest<AppState> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let media_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let limit = state.settings.body_limit;
        // A declared length over the limit is refused before a byte of the body is read.
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(ApiError::payload_too_large(limit));
        }
        let bytes = axum::body::to_bytes(req.into_body(), limit)
            .await
            .map_err(|_| ApiError::payload_too_large(limit))?;
        Ok(RawBody { bytes, media_type })
    }
}

impl RawBody {
    pub fn is_ndjson(&self) -> bool {
        matches!(
            self.media_type.as_str(),
            "application/x-ndjson" | "application/jsonl" | "application/json-lines"
        )
    }

    pub fn is_json(&self) -> bool {
        self.media_type.is_empty() || self.media_type == "application/json"
    }

    /// Parses a JSON body as `T`, naming the failing field.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if !self.is_json() {
            return Err(ApiError::bad_request(
                "content-type",
                format!("expected application/json, got {}", self.media_type),
            ));
        }
        parse_json(&self.bytes, "")
    }

    /// The body as UTF-8 text.
    pub fn text(&self) -> Result<&str, ApiError> {
        std::str::from_utf8(&self.bytes).map_err(|e| {
            ApiError::bad_request("body", format!("not UTF-8 after byte {}", e.valid_up_to()))
        })
    }
}

/// Where JSON text writes a NUL character (`\u0000` after an even run of backslashes: `\\u0000`
/// is a backslash and the letters), as a byte offset. JSON cannot hold a raw one; PostgreSQL
/// refuses text holding one, which made such a body an internal error there.
fn escaped_nul(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(found) = bytes[at..].windows(6).position(|w| w == b"\\u0000") {
        let start = at + found;
        let backslashes = bytes[..start]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 0 {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

/// Parses JSON as `T`; errors name the field path (`quantity.value`) or `body`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], prefix: &str) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            if prefix.is_empty() { "body" } else { prefix },
            "the body is empty",
        ));
    }
    // Every body and line of this API is one JSON object (a struct would otherwise also read
    // from an array).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        let field = if prefix.is_empty() { "body" } else { prefix };
        return Err(ApiError::bad_request(field, "expected a JSON object"));
    }
    if let Some(at) = escaped_nul(bytes) {
        let field = if prefix.is_empty() { "body" } else { prefix };
        return Err(ApiError::bad_request(
            field,
            format!(
                "a string holds a NUL character (\\u0000) at byte {at}; no record may hold one"
            ),
        ));
    }
    // serde_json keeps its recursion limit (128 levels): a deeply nested body is refused with an
    // error instead of exhausting the stack.
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    match result {
        Ok(v) => {
            de.end()
                .map_err(|e| ApiError::bad_request("body", format!("trailing characters: {e}")))?;
            Ok(v)
        }
        Err(e) if e.inner().is_syntax() || e.inner().is_eof() => {
            let inner = e.into_inner();
            let field = if prefix.is_empty() { "body" } else { prefix };
            Err(ApiError::bad_request(
                field,
                format!(
                    "not valid JSON: {}",
                    interdict_core::text::clip(&inner.to_string(), 300)
                ),
            ))
        }
        Err(e) => {
            let path = e.path().to_string();
            let field = match (prefix.is_empty(), path.as_str()) {
                (_, ".") | (_, "") => {
                    if prefix.is_empty() {
                        "body".to_string()
                    } else {
                        prefix.to_string()
                    }
                }
                (true, p) => p.to_string(),
                (false, p) => format!("{prefix}.{p}"),
            };
            let inner = e.into_inner();
            let message = interdict_core::text::clip(&inner.to_string(), 300);
            Err(ApiError::bad_request(&field, message))
        }
    }
}

/// Query parameters parsed as `T`; a bad one is the contract's `bad_request` naming it.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let path = e.path().to_string();
                let message = interdict_core::text::clip(&e.into_inner().to_string(), 200);
                // A missing field is named in the message, not in the path.
                let field = if path == "." || path.is_empty() {
                    message.split('`').nth(1).unwrap_or("query").to_string()
                } else {
                    path
                };
                ApiError::bad_request(&field, message)
            })
    }
}

#[cfg(test)]
mod nul_tests {
    use super::escaped_nul;

    #[test]
    fn escaped_nuls_are_found_and_escaped_backslashes_are_not() {
        assert_eq!(escaped_nul(br#"{"a":"x\u0000"}"#), Some(7));
        assert_eq!(escaped_nul(br#"{"a":"x\\u0000"}"#), None);
        assert_eq!(escaped_nul(br#"{"a":"\\\u0000"}"#), Some(8));
        assert_eq!(escaped_nul(br#"{"a":"\u00001"}"#), Some(6));
        assert_eq!(escaped_nul(br#"{"a":"u0000"}"#), None);
    }
}
