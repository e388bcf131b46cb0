//! Fuzzes Globus error-body parsing: arbitrary bytes with a chosen status and content type
//! through `GlobusApiError::from_parts`, every accessor, `Display`/`Debug`, the GARE
//! readers and the Auth error conversion. Nothing may panic, and `Display`/`Debug` must
//! stay bounded (they never echo the raw body).
#![no_main]

use globus_core::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use globus_core::{Error as CoreError, GlobusApiError};
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("application/json"),
    Some("application/json; charset=utf-8"),
    Some("application/vnd.api+json"),
    Some("application/problem+json"),
    Some("APPLICATION/JSON"),
    Some("text/html"),
    Some("text/plain; charset=utf-8"),
];

const STATUSES: &[u16] = &[400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504, 301, 307];

fuzz_target!(|data: &[u8]| {
    let [selector, status_selector, body @ ..] = data else {
        return;
    };
    let mut headers = HeaderMap::new();
    if let Some(ct) = CONTENT_TYPES[usize::from(*selector) % CONTENT_TYPES.len()] {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    if selector & 0x80 != 0 {
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("3"));
    }
    let status = STATUSES[usize::from(*status_selector) % STATUSES.len()];
    let status = StatusCode::from_u16(status).expect("valid status");
    let err = GlobusApiError::from_parts(
        Method::POST,
        "https://auth.globus.org/v2/oauth2/token",
        status,
        headers,
        body,
    );

    assert_eq!(err.http_status(), status);
    assert_eq!(err.body_len(), body.len());
    assert!(err.body_excerpt().len() <= 4 * globus_core::error::BODY_EXCERPT_LIMIT);
    let _ = (err.code(), err.message(), err.request_id(), err.raw_json());
    for sub in err.errors() {
        let _ = (sub.code(), sub.message(), sub.raw().len());
    }
    if let Some(params) = err.authorization_parameters() {
        let _ = format!("{params:?}");
    }
    if let Some(consent) = err.consent_required() {
        let _ = format!("{consent:?}");
    }
    let shown = format!("{err} {err:?}");
    // Display/Debug show parsed fields (code, messages, id), never the raw body: their
    // size is bounded by the body's size plus a constant.
    assert!(shown.len() <= 8 * body.len() + 4096, "{} bytes shown", shown.len());

    // The GARE readers and the Auth-layer conversion.
    let _ = globus_auth::gare::to_gare(&err);
    let _ = globus_auth::gare::to_gares([&err]);
    let core: CoreError = err.into();
    let auth: globus_auth::AuthError = core.into();
    let _ = (
        auth.to_string(),
        format!("{auth:?}"),
        auth.is_reauthentication_required(),
        auth.is_retryable(),
        globus_auth::gare::to_gare(&auth),
    );
});
