//! The crate's error type.

use std::sync::Arc;

use globus_core::error::AuthorizationError;
use globus_core::http::StatusCode;
use globus_core::{Error as CoreError, GlobusApiError};
use globus_scopes::ScopeError;

use crate::flow::PkceError;

/// An error response from Globus Auth.
///
/// Globus Auth's error bodies are parsed by `globus-core` ([`GlobusApiError`]): the status,
/// the code (`errors[].code`, or the OAuth2 `error`), the message (`errors[].detail`, or
/// `error_description`), the request id (`errors[].id`) and any `authorization_parameters`.
pub type AuthApiError = GlobusApiError;

/// A `Result` with this crate's [`AuthError`].
pub type Result<T, E = AuthError> = std::result::Result<T, E>;

/// Everything that can go wrong in `globus-auth`.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// Globus Auth answered with an error status.
    #[error(transparent)]
    Api(Box<AuthApiError>),

    /// The refresh token (or authorization code) was rejected with `invalid_grant`: it was
    /// revoked, expired or already used. The user must log in again. Never retried.
    #[error("re-authentication required: {0}")]
    ReauthenticationRequired(Box<AuthApiError>),

    /// The request failed below the API level (network, limits, decoding, configuration).
    #[error(transparent)]
    Transport(CoreError),

    /// A scope string or scope list was invalid.
    #[error(transparent)]
    Scope(#[from] ScopeError),

    /// A token response lacked something this SDK needs (the message names it).
    #[error("invalid token response: {0}")]
    InvalidTokenResponse(String),

    /// A `by_scopes` lookup named a scope no token was issued for, or scopes spread over
    /// several tokens.
    #[error("{0}")]
    ScopeLookup(String),

    /// The `state` returned with an authorization code differs from the one sent: the
    /// response may be forged, and the code is not exchanged.
    #[error("the state returned by Globus Auth does not match the state of this login flow")]
    StateMismatch,

    /// The API was used in a way it does not support (the message says how).
    #[error("usage error: {0}")]
    Usage(String),

    /// A PKCE code verifier was refused (wrong length or characters).
    #[error(transparent)]
    Pkce(#[from] PkceError),

    /// An authorization code given to an exchange cannot be one (empty, too long,
    /// whitespace or control characters inside, a pasted URL). The code is not quoted.
    #[error("invalid authorization code: {0}")]
    InvalidAuthorizationCode(&'static str),

    /// The login redirected back with an OAuth2 `error` (e.g. `access_denied`) and the
    /// right `state`: the user (or Globus Auth) refused the authorization.
    #[error("authorization denied: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    AuthorizationDenied {
        /// The OAuth2 error code.
        error: String,
        /// The `error_description`, if any.
        description: Option<String>,
    },
}

impl AuthError {
    /// The HTTP status of an API error.
    pub fn http_status(&self) -> Option<StatusCode> {
        match self {
            AuthError::Api(err) | AuthError::ReauthenticationRequired(err) => {
                Some(err.http_status())
            }
            AuthError::Transport(err) => err.http_status(),
            _ => None,
        }
    }

    /// The Globus Auth error, if Globus Auth answered with one.
    pub fn api_error(&self) -> Option<&AuthApiError> {
        match self {
            AuthError::Api(err) | AuthError::ReauthenticationRequired(err) => Some(err),
            _ => None,
        }
    }

    /// The Globus error code (e.g. `UNAUTHORIZED`, `invalid_grant`).
    pub fn code(&self) -> Option<&str> {
        self.api_error().and_then(GlobusApiError::code)
    }

    /// The request id Globus Auth assigned to the failed request.
    pub fn request_id(&self) -> Option<&str> {
        self.api_error().and_then(GlobusApiError::request_id)
    }

    /// Whether trying again later might succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            AuthError::Api(err) => err.is_retryable(),
            AuthError::Transport(err) => err.is_retryable(),
            _ => false,
        }
    }

    /// Whether the user must log in again (a rejected refresh token, or an authorizer
    /// that reported so).
    pub fn is_reauthentication_required(&self) -> bool {
        match self {
            AuthError::ReauthenticationRequired(_) => true,
            AuthError::Transport(err) => err.is_reauthentication_required(),
            _ => false,
        }
    }

    /// Converts an error from a token-endpoint call: `invalid_grant` means the grant
    /// (refresh token or code) is dead, which the caller must see as "log in again".
    pub(crate) fn from_grant_error(err: CoreError) -> Self {
        match err {
            CoreError::Api(api) if api.code() == Some("invalid_grant") => {
                AuthError::ReauthenticationRequired(api)
            }
            other => other.into(),
        }
    }

    /// Wraps this error for `globus-core`'s authorizer machinery, keeping the
    /// re-authentication and retry signals.
    pub(crate) fn into_authorization_error(self, what: &str) -> CoreError {
        let reauth = self.is_reauthentication_required();
        let retryable = self.is_retryable();
        CoreError::Authorization(
            AuthorizationError::new(format!("{what}: {self}"), Some(Arc::new(self)))
                .with_reauthentication_required(reauth)
                .with_retryable(retryable),
        )
    }
}

impl From<CoreError> for AuthError {
    fn from(err: CoreError) -> Self {
        match err {
            CoreError::Api(api) => AuthError::Api(api),
            CoreError::Usage(message) => AuthError::Usage(message),
            other => AuthError::Transport(other),
        }
    }
}
