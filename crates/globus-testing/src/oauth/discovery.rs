//! `/.well-known/openid-configuration` and `/jwk.json`.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use crate::respond;
use crate::server::App;

/// The OIDC discovery document, shaped like production's with this server's URLs.
pub(crate) async fn openid_configuration(State(app): State<Arc<App>>) -> Response {
    let alg = app.keys().algorithm().as_str();
    respond::ok(&json!({
        "issuer": app.issuer(),
        "authorization_endpoint": app.url("/v2/oauth2/authorize"),
        "userinfo_endpoint": app.url("/v2/oauth2/userinfo"),
        "token_endpoint": app.url("/v2/oauth2/token"),
        "revocation_endpoint": app.url("/v2/oauth2/token/revoke"),
        "introspection_endpoint": app.url("/v2/oauth2/token/introspect"),
        "jwks_uri": app.url("/jwk.json"),
        "response_types_supported": ["code", "token", "token id_token", "id_token"],
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "client_credentials",
            "urn:globus:auth:grant_type:dependent_token"
        ],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": [alg],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "claims_supported": [
            "at_hash", "aud", "email", "exp", "name", "nonce",
            "preferred_username", "iat", "iss", "sub"
        ],
        "subject_types_supported": ["public"],
    }))
}

/// The JWKS: every key, newest first.
pub(crate) async fn jwks(State(app): State<Arc<App>>) -> Response {
    let doc = app.keys().jwks();
    respond::ok(&doc)
}
