//! Helper types for tests: the outcome of an authorize "visit", token-issuing options and
//! issued token responses, and a PKCE helper.

use std::fmt;

use serde_json::Value;
use url::Url;

/// Where the authorize endpoint redirected the "browser".
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizeOutcome {
    /// The authorization code.
    pub code: String,
    /// The `state` echoed back, exactly as sent.
    pub state: Option<String>,
    /// The full redirect URL (the registered redirect URI plus `code` and `state`).
    pub redirect: Url,
}

impl fmt::Debug for AuthorizeOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut redirect = self.redirect.clone();
        redirect.set_query(None);
        f.debug_struct("AuthorizeOutcome")
            .field("code", &"<redacted>")
            .field("state", &self.state)
            .field("redirect", &redirect.as_str())
            .finish()
    }
}

/// Options for [`FakeGlobusAuth::issue_tokens`](crate::FakeGlobusAuth::issue_tokens).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IssueOptions {
    /// Space-separated scopes.
    pub scopes: String,
    /// The client the tokens are issued to; default the native client.
    pub client_id: Option<String>,
    /// The identity the tokens act for; default the user.
    pub identity_id: Option<String>,
    /// Whether to issue refresh tokens; default `true`.
    pub refresh_tokens: bool,
    /// A nonce for the ID token.
    pub nonce: Option<String>,
}

impl IssueOptions {
    /// Options for `scopes`, for the user and the native client, with refresh tokens.
    pub fn new(scopes: impl Into<String>) -> Self {
        Self {
            scopes: scopes.into(),
            client_id: None,
            identity_id: None,
            refresh_tokens: true,
            nonce: None,
        }
    }

    /// Issues to this client instead of the native one.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// Acts for this identity instead of the user (e.g. a client id for client tokens).
    pub fn identity_id(mut self, id: impl Into<String>) -> Self {
        self.identity_id = Some(id.into());
        self
    }

    /// Whether to issue refresh tokens.
    pub fn refresh_tokens(mut self, yes: bool) -> Self {
        self.refresh_tokens = yes;
        self
    }

    /// Puts this nonce in the ID token.
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }
}

/// A token response as the token endpoint would send it. `Debug` hides the tokens.
#[derive(Clone, PartialEq)]
pub struct IssuedTokens {
    body: Value,
}

impl IssuedTokens {
    pub(crate) fn new(body: Value) -> Self {
        Self { body }
    }

    /// The full response body (`access_token`, `other_tokens`, `id_token`…).
    pub fn json(&self) -> &Value {
        &self.body
    }

    /// The per-resource-server token objects: the top-level one, then `other_tokens`.
    pub fn tokens(&self) -> Vec<&Value> {
        let others = self
            .body
            .get("other_tokens")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        std::iter::once(&self.body).chain(others).collect()
    }

    fn for_rs(&self, rs: &str) -> Option<&Value> {
        self.tokens()
            .into_iter()
            .find(|t| t.get("resource_server").and_then(Value::as_str) == Some(rs))
    }

    /// The resource servers, top-level first.
    pub fn resource_servers(&self) -> Vec<&str> {
        self.tokens()
            .into_iter()
            .filter_map(|t| t.get("resource_server").and_then(Value::as_str))
            .collect()
    }

    /// The access token for a resource server.
    pub fn access_token(&self, resource_server: &str) -> Option<&str> {
        self.for_rs(resource_server)?.get("access_token")?.as_str()
    }

    /// The refresh token for a resource server.
    pub fn refresh_token(&self, resource_server: &str) -> Option<&str> {
        self.for_rs(resource_server)?.get("refresh_token")?.as_str()
    }

    /// The ID token, if `openid` was granted.
    pub fn id_token(&self) -> Option<&str> {
        self.body.get("id_token")?.as_str()
    }
}

impl fmt::Debug for IssuedTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scopes: Vec<(&str, &str)> = self
            .tokens()
            .into_iter()
            .map(|t| {
                (
                    t.get("resource_server")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                    t.get("scope").and_then(Value::as_str).unwrap_or(""),
                )
            })
            .collect();
        f.debug_struct("IssuedTokens")
            .field("scopes_by_resource_server", &scopes)
            .field("id_token", &self.id_token().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// The PKCE S256 challenge for a verifier: base64url (no padding) of its SHA-256.
///
/// ```
/// // RFC 7636, appendix B.
/// assert_eq!(
///     globus_testing::pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
///     "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
/// );
/// ```
pub fn pkce_challenge(verifier: &str) -> String {
    crate::util::b64url(&crate::util::sha256(verifier.as_bytes()))
}
