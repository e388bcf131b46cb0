//! Who is calling: Bearer tokens on the API and userinfo, HTTP Basic for confidential clients,
//! `client_id` in the form for native clients.

use axum::response::Response;
use http::{HeaderMap, StatusCode, header};

use crate::log::parse_basic;
use crate::respond;
use crate::scopes::AUTH_RS;
use crate::server::App;
use crate::state::AccessRecord;

/// An authenticated API caller.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    /// A Bearer access token for `auth.globus.org`.
    Token(AccessRecord),
    /// A confidential client with HTTP Basic credentials.
    Client(String),
}

impl Caller {
    /// The identity acting: the token's subject, or the client's own identity.
    pub(crate) fn identity_id(&self) -> &str {
        match self {
            Self::Token(t) => &t.identity_id,
            Self::Client(id) => id,
        }
    }

    /// The client acting.
    pub(crate) fn client_id(&self) -> &str {
        match self {
            Self::Token(t) => &t.client_id,
            Self::Client(id) => id,
        }
    }

    /// Whether the caller holds `scope` (clients authenticating as themselves hold every
    /// Auth scope).
    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        match self {
            Self::Token(t) => t.has_scope(scope),
            Self::Client(_) => true,
        }
    }
}

fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

/// A valid (known, unexpired, unrevoked) Bearer token, or a 401 in Globus's shape.
pub(crate) fn bearer(app: &App, headers: &HeaderMap) -> Result<AccessRecord, Response> {
    let Some(auth) = authorization(headers) else {
        return Err(respond::unauthorized("Call must be authenticated"));
    };
    let token = match auth.trim().split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => return Err(respond::unauthorized("Call must be authenticated")),
    };
    let now = app.now();
    match app.state().access.get(token) {
        Some(rec) if rec.active(now) => Ok(rec.clone()),
        _ => Err(respond::unauthorized(
            "Call must be authenticated: the access token is invalid, expired or revoked",
        )),
    }
}

/// A confidential client with valid HTTP Basic credentials, or a 401 in Globus's shape.
pub(crate) fn basic(app: &App, headers: &HeaderMap) -> Result<String, Response> {
    let creds = authorization(headers).and_then(parse_basic);
    match creds {
        Some((id, secret)) if app.state().check_secret(&id, &secret) => Ok(id),
        Some(_) => Err(respond::unauthorized(
            "Call must be authenticated: invalid client credentials",
        )),
        None => Err(respond::unauthorized("Call must be authenticated")),
    }
}

/// `/v2/api/*`: a Bearer token for auth.globus.org, or a confidential client's Basic auth.
pub(crate) fn api_caller(app: &App, headers: &HeaderMap) -> Result<Caller, Response> {
    let is_basic = authorization(headers)
        .is_some_and(|a| a.trim_start().to_ascii_lowercase().starts_with("basic "));
    if is_basic {
        return basic(app, headers).map(Caller::Client);
    }
    let rec = bearer(app, headers)?;
    if rec.resource_server != AUTH_RS {
        return Err(respond::unauthorized(&format!(
            "Call must be authenticated: this token is for {}, not {AUTH_RS}",
            rec.resource_server
        )));
    }
    Ok(Caller::Token(rec))
}

/// The client calling the token or revoke endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenClient {
    /// A native (public) client identified by `client_id` in the form.
    Public(String),
    /// A confidential client authenticated with HTTP Basic.
    Confidential(String),
}

impl TokenClient {
    pub(crate) fn id(&self) -> &str {
        match self {
            Self::Public(id) | Self::Confidential(id) => id,
        }
    }
}

/// Authenticates a token-endpoint caller; errors are OAuth-shaped `invalid_client` (401).
pub(crate) fn token_client(
    app: &App,
    headers: &HeaderMap,
    form: &[(String, String)],
) -> Result<TokenClient, Response> {
    let invalid = |msg: &str| respond::oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", msg);
    if let Some(auth) = authorization(headers) {
        let Some((id, secret)) = parse_basic(auth) else {
            return Err(invalid("Unsupported or malformed Authorization header"));
        };
        if !app.state().check_secret(&id, &secret) {
            return Err(invalid("Invalid client credentials"));
        }
        if form
            .iter()
            .any(|(k, v)| k == "client_id" && !v.eq_ignore_ascii_case(&id))
        {
            return Err(invalid("client_id does not match the authenticated client"));
        }
        return Ok(TokenClient::Confidential(id));
    }
    let Some(id) = form
        .iter()
        .find(|(k, _)| k == "client_id")
        .map(|(_, v)| v.clone())
    else {
        return Err(invalid("Client authentication is required"));
    };
    match app.state().client(&id) {
        Some(c) if c.public => Ok(TokenClient::Public(c.id.clone())),
        Some(_) => Err(invalid(
            "This client must authenticate with its client secret",
        )),
        None => Err(invalid("Unknown client_id")),
    }
}
