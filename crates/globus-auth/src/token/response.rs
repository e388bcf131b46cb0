//! Parsing token-endpoint responses.

use std::fmt;

use globus_core::secret::{AccessToken, RefreshToken};
use globus_core::{GlobusApiError, Response};
use serde::Deserialize;
use serde_json::Value;

use super::IdToken;
use super::data::{ByResourceServer, TokenData};
use crate::error::{AuthError, Result};

/// The longest `expires_in` accepted as is (ten years); larger values are clamped so that
/// expiry arithmetic can never overflow.
pub const MAX_EXPIRES_IN: i64 = 10 * 365 * 24 * 3600;

/// A token response (authorization code, refresh, client credentials, or any
/// `oauth2_token` call): Python's `OAuthTokenResponse` and its subclasses.
///
/// `Debug` shows resource servers and scopes; tokens print as `[REDACTED]`.
pub struct OAuthTokenResponse {
    by_resource_server: ByResourceServer,
    id_token: Option<IdToken>,
    state: Option<String>,
    response: Response,
}

/// A dependent-token response: Globus Auth answers the dependent-token grant with a JSON
/// array of tokens (no `other_tokens`, no ID token).
pub struct DependentTokenResponse {
    by_resource_server: ByResourceServer,
    response: Response,
}

#[derive(Deserialize)]
struct RawToken {
    access_token: AccessToken,
    scope: String,
    resource_server: String,
    #[serde(default)]
    expires_in: Option<Value>,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    refresh_token: Option<RefreshToken>,
}

/// The top-level token's fields are spelled out rather than `#[serde(flatten)]`ed from
/// [`RawToken`]: flattening buffers every key and value of the body before decoding them,
/// which cost more than the rest of the parse.
#[derive(Deserialize)]
struct RawTokenResponse {
    access_token: AccessToken,
    scope: String,
    resource_server: String,
    #[serde(default)]
    expires_in: Option<Value>,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    refresh_token: Option<RefreshToken>,
    #[serde(default)]
    id_token: Option<IdToken>,
    #[serde(default)]
    state: Option<String>,
    // Python raises KeyError without it; a missing list simply means no other tokens.
    #[serde(default)]
    other_tokens: Option<Vec<RawToken>>,
}

impl RawToken {
    fn into_data(self, now: i64) -> Result<TokenData> {
        let expires_in = match &self.expires_in {
            // Unknown expiry: used until a service answers 401 (Python counts it as 0,
            // "already expired", which makes every request refresh).
            None | Some(Value::Null) => None,
            // Negative: already expired. Fractions are truncated. Anything above ten
            // years (up to 1e300 or u64::MAX) is clamped, so `now + expires_in` cannot
            // overflow. (`f64 as i64` saturates.)
            Some(Value::Number(n)) => Some(
                n.as_i64()
                    .or_else(|| n.as_f64().map(|f| f as i64))
                    .unwrap_or(MAX_EXPIRES_IN)
                    .clamp(0, MAX_EXPIRES_IN),
            ),
            Some(_) => {
                return Err(AuthError::InvalidTokenResponse(format!(
                    "expires_in of the {} token is not a number",
                    self.resource_server
                )));
            }
        };
        Ok(TokenData {
            resource_server: self.resource_server,
            scope: self.scope,
            access_token: self.access_token,
            refresh_token: self.refresh_token,
            expires_at_seconds: expires_in.map(|secs| now.saturating_add(secs)),
            token_type: self.token_type,
        })
    }
}

/// A 200 response carrying an OAuth2 error object is an error, not a token response
/// missing its `access_token`.
fn reject_error_body(response: &Response) -> Result<()> {
    let is_error = response
        .raw_json()
        .and_then(Value::as_object)
        .is_some_and(|o| o.contains_key("error") && !o.contains_key("access_token"));
    if is_error {
        let err = Box::new(GlobusApiError::from_parts(
            response.method().clone(),
            response.url(),
            response.status(),
            response.headers().clone(),
            response.bytes(),
        ));
        // A dead grant is the same news whatever the status it came with.
        return Err(if err.code() == Some("invalid_grant") {
            AuthError::ReauthenticationRequired(err)
        } else {
            AuthError::Api(err)
        });
    }
    Ok(())
}

/// Decodes a token response body. Only a body that does not decode is looked at again, as
/// untyped JSON, for an OAuth2 error object (a body that decodes has an `access_token`, so
/// it is never one): the successful path parses the body once.
fn decode<T: serde::de::DeserializeOwned>(response: &Response) -> Result<T> {
    match response.json() {
        Ok(raw) => Ok(raw),
        Err(err) => {
            reject_error_body(response)?;
            Err(token_shape_error(err))
        }
    }
}

impl OAuthTokenResponse {
    /// Parses a token response; `now` (Unix seconds) dates the expiries.
    pub fn from_response(response: Response, now: i64) -> Result<Self> {
        let RawTokenResponse {
            access_token,
            scope,
            resource_server,
            expires_in,
            token_type,
            refresh_token,
            id_token,
            state,
            other_tokens,
        } = decode(&response)?;
        let top = RawToken {
            access_token,
            scope,
            resource_server,
            expires_in,
            token_type,
            refresh_token,
        };
        let mut by_resource_server = ByResourceServer::default();
        by_resource_server.insert(top.into_data(now)?);
        for other in other_tokens.unwrap_or_default() {
            by_resource_server.insert(other.into_data(now)?);
        }
        Ok(Self {
            by_resource_server,
            id_token,
            state,
            response,
        })
    }

    /// The tokens, one entry per resource server.
    pub fn by_resource_server(&self) -> &ByResourceServer {
        &self.by_resource_server
    }

    /// The token carrying these scopes (one scope, or several separated by spaces, all of
    /// one resource server). See [`ByResourceServer::by_scopes`].
    pub fn by_scopes(&self, scopes: &str) -> Result<&TokenData> {
        self.by_resource_server.by_scopes(scopes)
    }

    /// The ID token, present when `openid` was granted (not on refreshes).
    pub fn id_token(&self) -> Option<&IdToken> {
        self.id_token.as_ref()
    }

    /// The `state` echoed by Globus Auth, if any.
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }

    /// The HTTP response (its raw JSON holds every field, tokens included).
    pub fn response(&self) -> &Response {
        &self.response
    }

    /// Takes the per-resource-server tokens.
    pub fn into_by_resource_server(self) -> ByResourceServer {
        self.by_resource_server
    }

    /// Fills in `refresh_token` where the response left it out: a refresh that omits
    /// `refresh_token` means the old one stays valid (Python sets it to `None`).
    pub(crate) fn keep_refresh_token(&mut self, refresh_token: &RefreshToken) {
        for token in self.by_resource_server.iter_mut() {
            if token.refresh_token.is_none() {
                token.refresh_token = Some(refresh_token.clone());
            }
        }
    }
}

impl DependentTokenResponse {
    /// Parses a dependent-token response (a JSON array); `now` dates the expiries.
    pub fn from_response(response: Response, now: i64) -> Result<Self> {
        let raw: Vec<RawToken> = decode(&response)?;
        let mut by_resource_server = ByResourceServer::default();
        for token in raw {
            by_resource_server.insert(token.into_data(now)?);
        }
        Ok(Self {
            by_resource_server,
            response,
        })
    }

    /// The tokens, one entry per resource server.
    pub fn by_resource_server(&self) -> &ByResourceServer {
        &self.by_resource_server
    }

    /// The token carrying these scopes. See [`ByResourceServer::by_scopes`].
    pub fn by_scopes(&self, scopes: &str) -> Result<&TokenData> {
        self.by_resource_server.by_scopes(scopes)
    }

    /// The HTTP response.
    pub fn response(&self) -> &Response {
        &self.response
    }

    /// Takes the per-resource-server tokens.
    pub fn into_by_resource_server(self) -> ByResourceServer {
        self.by_resource_server
    }
}

fn token_shape_error(err: globus_core::Error) -> AuthError {
    match err {
        globus_core::Error::Decode(decode) => AuthError::InvalidTokenResponse(format!(
            "the body is not a Globus Auth token response ({})",
            decode.reason()
        )),
        other => other.into(),
    }
}

impl fmt::Debug for OAuthTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthTokenResponse")
            .field("by_resource_server", &self.by_resource_server)
            .field("id_token", &self.id_token)
            .field(
                "state",
                &self.state.as_ref().map(|_| globus_core::secret::REDACTED),
            )
            .finish_non_exhaustive()
    }
}

impl fmt::Display for OAuthTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OAuthTokenResponse({})", self.by_resource_server)
    }
}

impl fmt::Debug for DependentTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DependentTokenResponse")
            .field("by_resource_server", &self.by_resource_server)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for DependentTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DependentTokenResponse({})", self.by_resource_server)
    }
}
