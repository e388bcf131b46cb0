//! `GET /v2/oauth2/userinfo`.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use http::HeaderMap;
use serde_json::{Map, json};

use crate::authn;
use crate::respond;
use crate::scopes::AUTH_RS;
use crate::server::App;

/// Claims about the token's identity. Needs a Bearer token for auth.globus.org with `openid`
/// (403 otherwise); `profile` and `email` add their claims, as in the ID token.
pub(crate) async fn userinfo(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let record = match authn::bearer(&app, &headers) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if record.resource_server != AUTH_RS || !record.has_scope("openid") {
        return respond::forbidden(
            "Call must be authenticated with a token that includes the openid scope",
        );
    }
    let id = app
        .state()
        .identity_for_token(&app.config, &record.identity_id);
    let mut body = Map::new();
    body.insert("sub".into(), json!(id.id));
    if record.has_scope("profile") {
        body.insert("preferred_username".into(), json!(id.username));
        body.insert("name".into(), json!(id.name));
        body.insert("organization".into(), json!(id.organization));
        body.insert("identity_provider".into(), json!(id.identity_provider));
        body.insert(
            "identity_provider_display_name".into(),
            json!(id.identity_provider_display_name),
        );
    }
    if record.has_scope("email") {
        body.insert("email".into(), json!(id.email));
    }
    body.insert(
        "identity_set".into(),
        json!([{
            "sub": id.id,
            "username": id.username,
            "name": id.name,
            "email": id.email,
            "organization": id.organization,
            "identity_provider": id.identity_provider,
            "identity_provider_display_name": id.identity_provider_display_name,
        }]),
    );
    respond::ok(&serde_json::Value::Object(body))
}
