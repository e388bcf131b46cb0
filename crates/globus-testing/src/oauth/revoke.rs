//! `POST /v2/oauth2/token/revoke`.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::param;
use crate::authn;
use crate::respond::{self, oauth_error};
use crate::server::App;
use crate::util::form_pairs;

/// Revokes an access or refresh token (revoking a refresh token also revokes the access
/// tokens minted from it). Always `{"active": false}` for an authenticated caller, even for
/// unknown tokens (RFC 7009).
pub(crate) async fn revoke(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = form_pairs(&body);
    if let Err(resp) = authn::token_client(&app, &headers, &form) {
        return resp;
    }
    let Some(token) = param(&form, "token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required form field: token",
        );
    };
    let mut st = app.state();
    if let Some(rec) = st.access.get_mut(token) {
        rec.revoked = true;
    }
    if let Some(rec) = st.refresh.get_mut(token) {
        rec.revoked = true;
        for access in st.access.values_mut() {
            if access.refresh_token.as_deref() == Some(token) {
                access.revoked = true;
            }
        }
    }
    respond::ok(&json!({ "active": false }))
}
