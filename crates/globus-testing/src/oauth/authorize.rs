//! `GET /v2/oauth2/authorize` (logs the configured user in without any UI and redirects with
//! a code) and `GET /v2/web/auth-code` (shows the code, like Globus's page).

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use http::{HeaderValue, StatusCode, Uri, header};
use url::Url;

use super::param;
use crate::respond;
use crate::scopes;
use crate::server::App;
use crate::state::{ClientRecord, CodeRecord};
use crate::util::{form_pairs, html_escape, random_token};

/// The authorize endpoint.
pub(crate) async fn authorize(State(app): State<Arc<App>>, uri: Uri) -> Response {
    let q = form_pairs(uri.query().unwrap_or("").as_bytes());
    let page = |msg: &str| {
        respond::html(
            StatusCode::BAD_REQUEST,
            "Globus Auth: invalid authorization request",
            &format!("<p>{}</p>", html_escape(msg)),
        )
    };

    // Until client and redirect URI are validated, errors are pages, never redirects.
    let Some(client_id) = param(&q, "client_id") else {
        return page("Missing required parameter: client_id");
    };
    let Some(client) = app.state().client(client_id).cloned() else {
        return page(&format!("Unknown client_id {client_id:?}"));
    };
    let Some(redirect_uri) = param(&q, "redirect_uri") else {
        return page("Missing required parameter: redirect_uri");
    };
    if !redirect_allowed(&app, &client, redirect_uri) {
        return page(&format!(
            "redirect_uri {redirect_uri:?} is not registered for client {}",
            client.id
        ));
    }
    let Ok(redirect) = Url::parse(redirect_uri) else {
        return page("redirect_uri is not a valid URL");
    };
    let state = param(&q, "state").map(str::to_owned);
    let fail = |error: &str, description: &str| {
        let mut to = redirect.clone();
        to.query_pairs_mut()
            .append_pair("error", error)
            .append_pair("error_description", description);
        if let Some(s) = &state {
            to.query_pairs_mut().append_pair("state", s);
        }
        found(&to)
    };

    if param(&q, "response_type") != Some("code") {
        return fail("unsupported_response_type", "response_type must be 'code'");
    }
    let requested = match param(&q, "scope").map(scopes::parse_known) {
        None => return fail("invalid_scope", "Missing required parameter: scope"),
        Some(Err(e)) => return fail("invalid_scope", &e),
        Some(Ok(s)) => s,
    };
    let challenge = param(&q, "code_challenge");
    if let Some(ch) = challenge {
        if param(&q, "code_challenge_method") != Some("S256") {
            return fail(
                "invalid_request",
                "code_challenge_method must be S256 (plain is not supported)",
            );
        }
        let valid = ch.len() == 43
            && ch
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return fail(
                "invalid_request",
                "code_challenge must be the base64url SHA-256 of the verifier (43 characters)",
            );
        }
    } else if client.public {
        return fail(
            "invalid_request",
            "Native (public) clients must use PKCE: code_challenge is required",
        );
    }
    let offline = match param(&q, "access_type") {
        None | Some("online") => false,
        Some("offline") => true,
        Some(_) => {
            return fail(
                "invalid_request",
                "access_type must be 'online' or 'offline'",
            );
        }
    };
    if let Some(p) = param(&q, "prompt")
        && p != "login"
        && p != "none"
    {
        return fail("invalid_request", "prompt must be 'login'");
    }

    // Session parameters (from a GARE or `oauth2_get_authorize_url`): the fake user always
    // satisfies them; only their syntax is checked. They stay visible in the request log.
    if let Some(mfa) = param(&q, "session_required_mfa")
        && !matches!(mfa, "True" | "False" | "true" | "false")
    {
        return fail(
            "invalid_request",
            "session_required_mfa must be True or False",
        );
    }
    for key in [
        "session_required_identities",
        "session_required_single_domain",
        "session_required_policies",
    ] {
        if param(&q, key).is_some_and(|v| v.split(',').any(|x| x.trim().is_empty())) {
            return fail(
                "invalid_request",
                &format!("{key} must be a comma-separated list"),
            );
        }
    }

    let code = random_token();
    let user_id = app.config.user.id.clone();
    {
        let mut st = app.state();
        st.codes.insert(
            code.clone(),
            CodeRecord {
                client_id: client.id.clone(),
                redirect_uri: redirect_uri.to_owned(),
                scopes: requested.clone(),
                code_challenge: challenge.map(str::to_owned),
                offline,
                nonce: param(&q, "nonce").map(str::to_owned),
                state: state.clone(),
                expires_at: app.now() + app.config.code_lifetime.as_secs(),
                used: false,
            },
        );
        crate::api::consents::record(&app, &mut st, &client.id, &user_id, &requested);
    }
    let mut to = redirect;
    to.query_pairs_mut().append_pair("code", &code);
    if let Some(s) = &state {
        to.query_pairs_mut().append_pair("state", s);
    }
    found(&to)
}

fn found(to: &Url) -> Response {
    let mut resp = respond::html(
        StatusCode::FOUND,
        "Redirecting",
        &format!("<p><a href=\"{0}\">{0}</a></p>", html_escape(to.as_str())),
    );
    if let Ok(v) = HeaderValue::from_str(to.as_str()) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// Registered URIs always; for native clients also Globus's code page and loopback URIs.
fn redirect_allowed(app: &App, client: &ClientRecord, uri: &str) -> bool {
    if client.redirect_uris.iter().any(|r| r == uri) {
        return true;
    }
    if !client.public {
        return false;
    }
    if uri == app.url("/v2/web/auth-code") {
        return true;
    }
    let Ok(url) = Url::parse(uri) else {
        return false;
    };
    let loopback = matches!(
        url.host_str(),
        Some("127.0.0.1") | Some("localhost") | Some("[::1]")
    );
    url.scheme() == "http" && loopback && url.username().is_empty() && url.fragment().is_none()
}

/// The page Globus shows native apps that use its default redirect URI.
pub(crate) async fn auth_code_page(uri: Uri) -> Response {
    let q = form_pairs(uri.query().unwrap_or("").as_bytes());
    if let Some(code) = param(&q, "code") {
        respond::html(
            StatusCode::OK,
            "Globus Auth: native app authorization code",
            &format!(
                "<p>Copy this code and paste it into your application:</p>\n\
                 <pre id=\"auth-code\">{}</pre>",
                html_escape(code)
            ),
        )
    } else {
        let error = param(&q, "error").unwrap_or("no code was given");
        let desc = param(&q, "error_description").unwrap_or("");
        respond::html(
            StatusCode::BAD_REQUEST,
            "Globus Auth: authorization failed",
            &format!("<p>{}: {}</p>", html_escape(error), html_escape(desc)),
        )
    }
}
