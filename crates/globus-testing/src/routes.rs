//! The route table, and loud answers for unknown routes and wrong methods.

use std::sync::Arc;

use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use http::{Method, StatusCode, Uri};

use crate::api::{clients, consents, identities, policies, projects, scopes};
use crate::oauth::{authorize, discovery, introspect, revoke, token, userinfo};
use crate::respond::globus_error;
use crate::server::App;

/// Every route the fake serves.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route("/jwk.json", get(discovery::jwks))
        .route("/v2/oauth2/authorize", get(authorize::authorize))
        .route("/v2/web/auth-code", get(authorize::auth_code_page))
        .route("/v2/oauth2/token", post(token::token))
        .route("/v2/oauth2/token/revoke", post(revoke::revoke))
        .route("/v2/oauth2/token/introspect", post(introspect::introspect))
        .route(
            "/v2/oauth2/userinfo",
            get(userinfo::userinfo).post(userinfo::userinfo),
        )
        .route("/v2/api/identities", get(identities::get_identities))
        .route("/v2/api/identities/{id}/consents", get(consents::get))
        .route(
            "/v2/api/identity_providers",
            get(identities::get_identity_providers),
        )
        .route(
            "/v2/api/projects",
            get(projects::list).post(projects::create),
        )
        .route(
            "/v2/api/projects/{id}",
            get(projects::get)
                .put(projects::update)
                .delete(projects::delete),
        )
        .route(
            "/v2/api/policies",
            get(policies::list).post(policies::create),
        )
        .route(
            "/v2/api/policies/{id}",
            get(policies::get)
                .put(policies::update)
                .delete(policies::delete),
        )
        .route("/v2/api/clients", get(clients::list).post(clients::create))
        .route(
            "/v2/api/clients/{id}",
            get(clients::get)
                .put(clients::update)
                .delete(clients::delete),
        )
        .route(
            "/v2/api/clients/{id}/credentials",
            get(clients::list_credentials).post(clients::create_credential),
        )
        .route(
            "/v2/api/clients/{id}/credentials/{cred}",
            axum::routing::delete(clients::delete_credential),
        )
        .route("/v2/api/clients/{id}/scopes", post(scopes::create))
        .route("/v2/api/scopes", get(scopes::list))
        .route(
            "/v2/api/scopes/{id}",
            get(scopes::get).put(scopes::update).delete(scopes::delete),
        )
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .with_state(app)
}

async fn unknown_route(method: Method, uri: Uri) -> Response {
    tracing::warn!(%method, path = uri.path(), "globus-testing: request to an unknown route");
    globus_error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        &format!(
            "globus-testing's fake Globus Auth has no route for {method} {} \
             (is the base URL or the path wrong?)",
            uri.path()
        ),
    )
}

async fn wrong_method(method: Method, uri: Uri) -> Response {
    tracing::warn!(%method, path = uri.path(), "globus-testing: method not allowed");
    globus_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        &format!(
            "globus-testing's fake Globus Auth does not accept {method} on {}",
            uri.path()
        ),
    )
}
