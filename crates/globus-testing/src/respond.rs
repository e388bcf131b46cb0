//! Response builders: JSON bodies, Globus's hybrid JSON:API error shape, OAuth errors, HTML.

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use serde_json::{Value, json};

use crate::util::random_uuid;

/// A JSON response.
pub(crate) fn json(status: StatusCode, body: &Value) -> Response {
    with_type(status, "application/json", body.to_string())
}

/// A 200 JSON response.
pub(crate) fn ok(body: &Value) -> Response {
    json(StatusCode::OK, body)
}

/// A response with the given content type and body.
pub(crate) fn with_type(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// A small HTML page.
pub(crate) fn html(status: StatusCode, title: &str, body_html: &str) -> Response {
    let title = crate::util::html_escape(title);
    with_type(
        status,
        "text/html; charset=utf-8",
        format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
             <body><h1>{title}</h1>\n{body_html}\n</body></html>\n"
        ),
    )
}

/// Globus Auth's error body: a JSON:API `errors` array plus OAuth-style `error` fields, e.g.
/// `{"errors":[{"status":"401","id":"…","code":"UNAUTHORIZED","detail":"…","title":"Unauthorized"}],
/// "error":"unauthorized","error_description":"Unauthorized"}`.
pub(crate) fn globus_error(status: StatusCode, code: &str, detail: &str) -> Response {
    let (title, error) = match status.as_u16() {
        // Globus labels both 401 and 403 "Unauthorized" (see the corpus's userinfo 403).
        401 | 403 => ("Unauthorized", "unauthorized"),
        404 => ("Not Found", "not_found"),
        405 => ("Method Not Allowed", "method_not_allowed"),
        409 => ("Conflict", "conflict"),
        _ => ("Bad Request", "invalid_request"),
    };
    let body = json!({
        "errors": [{
            "status": status.as_u16().to_string(),
            "id": random_uuid(),
            "code": code,
            "detail": detail,
            "title": title,
        }],
        "error": error,
        "error_description": title,
    });
    json(status, &body)
}

/// 401 `UNAUTHORIZED` in Globus's shape.
pub(crate) fn unauthorized(detail: &str) -> Response {
    globus_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", detail)
}

/// 403 `FORBIDDEN` in Globus's shape.
pub(crate) fn forbidden(detail: &str) -> Response {
    globus_error(StatusCode::FORBIDDEN, "FORBIDDEN", detail)
}

/// 400 `BAD_REQUEST` in Globus's shape.
pub(crate) fn bad_request(detail: &str) -> Response {
    globus_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", detail)
}

/// 404 `NOT_FOUND` in Globus's shape.
pub(crate) fn not_found(detail: &str) -> Response {
    globus_error(StatusCode::NOT_FOUND, "NOT_FOUND", detail)
}

/// An OAuth token-endpoint error: `{"error": "...", "error_description": "..."}`.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json(
        status,
        &json!({ "error": error, "error_description": description }),
    )
}

/// Parses a JSON request body into an object, or answers 400.
pub(crate) fn json_body(body: &[u8]) -> Result<serde_json::Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(bad_request("The request body must be a JSON object")),
        Err(e) => Err(bad_request(&format!(
            "The request body is not valid JSON: {e}"
        ))),
    }
}

/// Takes the object under `wrapper` (e.g. `{"project": {...}}`), or answers 400.
pub(crate) fn wrapped(
    body: &[u8],
    wrapper: &str,
) -> Result<serde_json::Map<String, Value>, Response> {
    let mut map = json_body(body)?;
    match map.remove(wrapper) {
        Some(Value::Object(inner)) => Ok(inner),
        _ => Err(bad_request(&format!(
            "The request body must be a JSON object of the form {{\"{wrapper}\": {{...}}}}"
        ))),
    }
}
