//! `POST /v2/oauth2/token/introspect`.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::param;
use crate::authn;
use crate::respond::{self, oauth_error};
use crate::server::App;
use crate::util::form_pairs;

/// Introspects an access token for a confidential client (HTTP Basic). Unknown, expired and
/// revoked tokens are `{"active": false}`. `include=identity_set` adds the identity ids.
pub(crate) async fn introspect(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(resp) = authn::basic(&app, &headers) {
        return resp;
    }
    let form = form_pairs(&body);
    let Some(token) = param(&form, "token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required form field: token",
        );
    };
    let now = app.now();
    let record = match app.state().access.get(token) {
        Some(r) if r.active(now) => r.clone(),
        _ => return respond::ok(&json!({ "active": false })),
    };
    let identity = app
        .state()
        .identity_for_token(&app.config, &record.identity_id);
    let mut body = json!({
        "active": true,
        "aud": [record.resource_server, record.client_id],
        "client_id": record.client_id,
        "email": identity.email,
        "exp": record.expires_at,
        "iat": record.issued_at,
        "iss": app.issuer(),
        "name": identity.name,
        "nbf": record.issued_at,
        "scope": record.scopes.join(" "),
        "sub": identity.id,
        "token_type": "Bearer",
        "username": identity.username,
    });
    let includes = param(&form, "include").unwrap_or("");
    if includes.split(',').any(|i| i.trim() == "identity_set")
        && let Some(obj) = body.as_object_mut()
    {
        obj.insert(
            "identity_set".into(),
            Value::Array(vec![json!(identity.id)]),
        );
    }
    respond::ok(&body)
}
