//! The client-credentials and dependent-token grants (confidential clients only).

use axum::response::Response;
use http::StatusCode;
use serde_json::Value;

use super::param;
use crate::authn::TokenClient;
use crate::issue::{self, Grant};
use crate::respond::{self, oauth_error};
use crate::scopes::{self, RequestedScope};
use crate::server::App;

fn confidential(client: &TokenClient) -> Result<&str, Response> {
    match client {
        TokenClient::Confidential(id) => Ok(id),
        TokenClient::Public(_) => Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "This grant requires a confidential client authenticated with HTTP Basic",
        )),
    }
}

fn requested(form: &[(String, String)]) -> Result<Option<Vec<RequestedScope>>, Response> {
    match param(form, "scope") {
        None => Ok(None),
        Some(s) => scopes::parse_known(s)
            .map(Some)
            .map_err(|e| oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", &e)),
    }
}

/// `grant_type=client_credentials`: tokens for the client's own identity.
pub(crate) fn client_credentials(
    app: &App,
    client: &TokenClient,
    form: &[(String, String)],
) -> Response {
    let client_id = match confidential(client) {
        Ok(id) => id.to_owned(),
        Err(resp) => return resp,
    };
    let scopes = match requested(form) {
        Ok(Some(s)) => s,
        Ok(None) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "Missing required form field: scope",
            );
        }
        Err(resp) => return resp,
    };
    let tokens = issue::issue(
        app,
        &Grant {
            client_id: &client_id,
            identity_id: &client_id,
            scopes: &scopes,
            offline: false,
            nonce: None,
        },
    );
    match issue::token_response(app, &tokens, &client_id, &client_id, None, None) {
        Ok(body) => respond::ok(&body),
        Err(resp) => resp,
    }
}

/// The dependent-token grant: for an active `token`, tokens for the same identity, issued to
/// the calling client. Without `scope`, the dependent scopes the token was granted with (the
/// `a[b]` syntax, or the registered scope's `dependent_scopes`) are used. Answers a JSON array.
pub(crate) fn dependent(app: &App, client: &TokenClient, form: &[(String, String)]) -> Response {
    let client_id = match confidential(client) {
        Ok(id) => id.to_owned(),
        Err(resp) => return resp,
    };
    let Some(token) = param(form, "token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required form field: token",
        );
    };
    let now = app.now();
    let record = match app.state().access.get(token) {
        Some(r) if r.active(now) => r.clone(),
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "The token is invalid, expired or revoked",
            );
        }
    };
    let offline = match param(form, "access_type") {
        None | Some("online") => false,
        Some("offline") => true,
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "access_type must be 'online' or 'offline'",
            );
        }
    };
    let scopes = match requested(form) {
        Ok(Some(s)) => s,
        Ok(None) => {
            let mut deps = record.dependents.clone();
            deps.extend(registered_dependents(app, &record.scopes));
            let mut out = Vec::new();
            for d in deps {
                if let Ok(mut parsed) = scopes::parse_known(&d) {
                    out.append(&mut parsed);
                }
            }
            out
        }
        Err(resp) => return resp,
    };
    let tokens = issue::issue(
        app,
        &Grant {
            client_id: &client_id,
            identity_id: &record.identity_id,
            scopes: &scopes,
            offline,
            nonce: None,
        },
    );
    respond::ok(&issue::dependent_response(&tokens))
}

/// Scope strings of the `dependent_scopes` registered (via the scopes API) for `scopes`.
fn registered_dependents(app: &App, scope_strings: &[String]) -> Vec<String> {
    let st = app.state();
    let by_id = |id: &str| {
        st.scopes
            .iter()
            .find(|s| s.get("id").and_then(Value::as_str) == Some(id))
            .and_then(|s| s.get("scope_string").and_then(Value::as_str))
            .map(str::to_owned)
            .or_else(|| st.synthesized_scopes.get(id).cloned())
    };
    st.scopes
        .iter()
        .filter(|s| {
            s.get("scope_string")
                .and_then(Value::as_str)
                .is_some_and(|ss| scope_strings.iter().any(|x| x == ss))
        })
        .flat_map(|s| {
            s.get("dependent_scopes")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|d| d.get("scope").and_then(Value::as_str).and_then(by_id))
        .collect()
}
