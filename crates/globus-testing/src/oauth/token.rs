//! `POST /v2/oauth2/token`: grant dispatch, the authorization-code grant and refresh.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use super::{grants, param};
use crate::authn::{self, TokenClient};
use crate::issue::{self, Grant};
use crate::respond::{self, oauth_error};
use crate::server::App;
use crate::util::{b64url, form_pairs, sha256};

/// The dependent-token grant type.
pub(crate) const DEPENDENT_GRANT: &str = "urn:globus:auth:grant_type:dependent_token";

/// The token endpoint.
pub(crate) async fn token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = form_pairs(&body);
    let Some(grant_type) = param(&form, "grant_type").map(str::to_owned) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required form field: grant_type (the body must be form-encoded)",
        );
    };
    let client = match authn::token_client(&app, &headers, &form) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    match grant_type.as_str() {
        "authorization_code" => authorization_code(&app, &client, &form),
        "refresh_token" => refresh(&app, &client, &form),
        "client_credentials" => grants::client_credentials(&app, &client, &form),
        DEPENDENT_GRANT => grants::dependent(&app, &client, &form),
        other => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Unsupported grant_type {other:?}"),
        ),
    }
}

fn invalid_grant(status: StatusCode, description: &str) -> Response {
    oauth_error(status, "invalid_grant", description)
}

/// Exchanges a code. Globus answers a bad code with 401 `invalid_grant` (see the corpus).
fn authorization_code(app: &App, client: &TokenClient, form: &[(String, String)]) -> Response {
    let bad = |d: &str| invalid_grant(StatusCode::UNAUTHORIZED, d);
    let Some(code) = param(form, "code") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required form field: code",
        );
    };
    let now = app.now();
    let record = {
        let st = app.state();
        match st.codes.get(code) {
            None => return bad("Unknown authorization code"),
            Some(r) => r.clone(),
        }
    };
    if record.used {
        return bad("The authorization code has already been used");
    }
    if now >= record.expires_at {
        return bad("The authorization code has expired");
    }
    if !record.client_id.eq_ignore_ascii_case(client.id()) {
        return bad("The authorization code was issued to another client");
    }
    if param(form, "redirect_uri") != Some(record.redirect_uri.as_str()) {
        return bad("redirect_uri does not match the one used to authorize");
    }
    match (&record.code_challenge, param(form, "code_verifier")) {
        (Some(challenge), Some(verifier)) => {
            let well_formed = (43..=128).contains(&verifier.len())
                && verifier
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
            if !well_formed {
                return bad("code_verifier must be 43-128 characters of [A-Za-z0-9-._~]");
            }
            if b64url(&sha256(verifier.as_bytes())) != *challenge {
                return bad(
                    "PKCE verification failed: code_verifier does not match code_challenge",
                );
            }
        }
        (Some(_), None) => return bad("Missing code_verifier (PKCE was used to authorize)"),
        (None, Some(_)) => {
            return bad("code_verifier given, but no code_challenge was used to authorize");
        }
        (None, None) => {}
    }
    if let Some(r) = app.state().codes.get_mut(code) {
        r.used = true;
    }
    let user_id = app.config.user.id.clone();
    let tokens = issue::issue(
        app,
        &Grant {
            client_id: &record.client_id,
            identity_id: &user_id,
            scopes: &record.scopes,
            offline: record.offline,
            nonce: record.nonce.as_deref(),
        },
    );
    respond_tokens(issue::token_response(
        app,
        &tokens,
        &record.client_id,
        &user_id,
        record.nonce.as_deref(),
        record.state.as_deref(),
    ))
}

fn respond_tokens(result: Result<serde_json::Value, Response>) -> Response {
    match result {
        Ok(body) => respond::ok(&body),
        Err(resp) => resp,
    }
}

/// Refreshes one resource server's token. Unknown, revoked or foreign refresh tokens get
/// 400 `invalid_grant`.
fn refresh(app: &App, client: &TokenClient, form: &[(String, String)]) -> Response {
    let bad = |d: &str| invalid_grant(StatusCode::BAD_REQUEST, d);
    let Some(token) = param(form, "refresh_token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required form field: refresh_token",
        );
    };
    let mut st = app.state();
    let record = match st.refresh.get(token) {
        Some(r) if !r.revoked => r.clone(),
        Some(_) => return bad("The refresh token has been revoked"),
        None => return bad("Unknown refresh token"),
    };
    if !record.client_id.eq_ignore_ascii_case(client.id()) {
        return bad("The refresh token was issued to another client");
    }
    let refresh_token = if app.config.refresh_token_rotation {
        let new = crate::util::random_token();
        if let Some(old) = st.refresh.get_mut(token) {
            old.revoked = true;
        }
        st.refresh.insert(new.clone(), record.clone());
        new
    } else {
        token.to_owned()
    };
    let issued = issue::mint(
        app,
        &mut st,
        &record.client_id,
        &record.identity_id,
        &record.resource_server,
        &record.scopes,
        &record.dependents,
        Some(refresh_token),
    );
    drop(st);
    respond_tokens(issue::token_response(
        app,
        &[issued],
        &record.client_id,
        &record.identity_id,
        record.nonce.as_deref(),
        None,
    ))
}
