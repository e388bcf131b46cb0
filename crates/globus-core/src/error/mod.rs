//! The crate's error type.
//!
//! Every fallible operation in `globus-core` returns [`Error`]. It says what failed: the
//! service answered with an error ([`Error::Api`], carrying the HTTP status, Globus error
//! code, message and request id), the network failed ([`Error::Network`], timeout vs
//! connect vs an interrupted body), a successful response could not be decoded
//! ([`Error::Decode`]), a limit or a security rule stopped the request, or the caller
//! misused the API. Predicates such as [`Error::is_retryable`] answer the common questions
//! without matching on variants.
//!
//! Errors never contain secrets: no tokens, no request or token-endpoint bodies.

mod api;
mod info;

use std::fmt;
use std::sync::Arc;

use http::{Method, StatusCode};

pub(crate) use api::ErrorContext;
pub use api::{BODY_EXCERPT_LIMIT, ErrorSubdocument, GlobusApiError};
pub use info::{AuthorizationParameters, ConsentRequiredInfo};

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `globus-core`.
///
/// Cloning is cheap; a shared failure (for example one token renewal awaited by many
/// tasks) is handed to every waiter as a clone.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status.
    #[error(transparent)]
    Api(Box<GlobusApiError>),

    /// The request did not complete at the network level.
    #[error(transparent)]
    Network(Box<NetworkError>),

    /// A successful response's body was not what the caller expected.
    #[error(transparent)]
    Decode(Box<DecodeError>),

    /// The response body was larger than the configured limit; it was not read further.
    #[error("response to {method} {url} exceeds the body size limit of {limit} bytes")]
    BodyTooLarge {
        /// Request method.
        method: Method,
        /// Request URL without its query.
        url: String,
        /// The limit in bytes.
        limit: usize,
    },

    /// The service answered with a redirect, which this SDK never follows: following it
    /// could re-send a token or a secret form body to another host.
    #[error(
        "{method} {url} answered {status} redirecting to {}; redirects are not followed",
        location.as_deref().map_or("an unspecified location", strip_query)
    )]
    Redirect {
        /// Request method.
        method: Method,
        /// Request URL without its query.
        url: String,
        /// The redirect status.
        status: StatusCode,
        /// The `Location` header, if any, without its query and fragment (which may carry
        /// codes or tokens; neither `Display` nor `Debug` can show them).
        location: Option<String>,
        /// The whole `Location` header, query included, for a caller that expects a
        /// redirect carrying a code (a test playing the browser against a loopback
        /// authorize endpoint). Redacted in `Debug`; read it with `expose_secret`.
        full_location: Option<crate::secret::SecretString>,
    },

    /// A URL is not allowed: only `https` is accepted, except for loopback hosts.
    #[error("refusing insecure URL {url}: only https is allowed (http only for loopback hosts)")]
    InsecureUrl {
        /// The refused URL.
        url: String,
    },

    /// The client was configured with an invalid value.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// The API was called in a way it does not support.
    #[error("usage error: {0}")]
    Usage(String),

    /// The authorizer could not produce credentials (for example a token renewal failed).
    #[error(transparent)]
    Authorization(AuthorizationError),
}

impl Error {
    /// The HTTP status of an API error.
    pub fn http_status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(err) => Some(err.http_status()),
            Error::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn api_error(&self) -> Option<&GlobusApiError> {
        match self {
            Error::Api(err) => Some(err),
            _ => None,
        }
    }

    /// The Globus error code of an API error.
    pub fn code(&self) -> Option<&str> {
        self.api_error().and_then(GlobusApiError::code)
    }

    /// The request id of an API error.
    pub fn request_id(&self) -> Option<&str> {
        self.api_error().and_then(GlobusApiError::request_id)
    }

    /// Whether the same request might succeed if tried again later: transient statuses
    /// (429, 500, 502, 503, 504) and network failures other than a failed TLS handshake.
    /// The transport has already retried these as far as its
    /// [`RetryConfig`](crate::RetryConfig) allows.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(err) => err.is_retryable(),
            Error::Network(err) => err.kind().is_retryable(),
            Error::Authorization(err) => err.is_retryable(),
            _ => false,
        }
    }

    /// Whether this is a network-level failure.
    pub fn is_network(&self) -> bool {
        matches!(self, Error::Network(_))
    }

    /// Whether a timeout or the overall deadline expired.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Network(err) if err.kind().is_timeout())
    }

    /// Whether the user must log in again: the refresh token or grant behind an authorizer
    /// is no longer valid.
    pub fn is_reauthentication_required(&self) -> bool {
        matches!(self, Error::Authorization(err) if err.is_reauthentication_required())
    }
}

impl From<GlobusApiError> for Error {
    fn from(err: GlobusApiError) -> Self {
        Error::Api(Box::new(err))
    }
}

impl From<NetworkError> for Error {
    fn from(err: NetworkError) -> Self {
        Error::Network(Box::new(err))
    }
}

impl From<DecodeError> for Error {
    fn from(err: DecodeError) -> Self {
        Error::Decode(Box::new(err))
    }
}

impl From<AuthorizationError> for Error {
    fn from(err: AuthorizationError) -> Self {
        Error::Authorization(err)
    }
}

/// The part of a URL before its query (a redirect's query can carry an authorization code).
fn strip_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or_default()
}

/// What kind of network failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetworkErrorKind {
    /// Connecting took longer than the connect timeout.
    ConnectTimeout,
    /// The response did not arrive within the read timeout.
    Timeout,
    /// The overall deadline for the call (all attempts and waits) expired.
    DeadlineExceeded,
    /// The connection could not be established (refused, unreachable, DNS).
    Connect,
    /// The TLS handshake failed: the server's certificate was refused (untrusted, expired,
    /// for another host) or the server does not speak TLS. Never retried: trying again
    /// cannot fix a certificate, and the SDK never falls back to plain HTTP.
    Tls,
    /// The connection broke after the request was sent (reset, truncated body).
    Interrupted,
    /// Any other transport failure.
    Other,
}

impl NetworkErrorKind {
    /// Whether this kind is a timeout.
    pub fn is_timeout(self) -> bool {
        matches!(
            self,
            Self::ConnectTimeout | Self::Timeout | Self::DeadlineExceeded
        )
    }

    /// Whether the failure happened before the request could have reached the server, so
    /// that re-sending it is safe for every method.
    pub fn is_before_send(self) -> bool {
        matches!(self, Self::ConnectTimeout | Self::Connect | Self::Tls)
    }

    /// Whether trying again might succeed: every kind but [`Tls`](Self::Tls).
    pub fn is_retryable(self) -> bool {
        !matches!(self, Self::Tls)
    }
}

impl fmt::Display for NetworkErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ConnectTimeout => "connect timeout",
            Self::Timeout => "timeout",
            Self::DeadlineExceeded => "deadline exceeded",
            Self::Connect => "connection error",
            Self::Tls => "TLS handshake failure",
            Self::Interrupted => "connection interrupted",
            Self::Other => "network error",
        })
    }
}

/// A network-level failure of one request (after retries).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{kind} on {method} {url}")]
pub struct NetworkError {
    kind: NetworkErrorKind,
    method: Method,
    url: String,
    #[source]
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl NetworkError {
    /// Creates a network error. `url` must not contain a query string.
    pub fn new(
        kind: NetworkErrorKind,
        method: Method,
        url: impl Into<String>,
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            kind,
            method,
            url: url.into(),
            source,
        }
    }

    /// What kind of failure this was.
    pub fn kind(&self) -> NetworkErrorKind {
        self.kind
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request URL, without its query.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// A 2xx response whose body could not be decoded into the expected type.
///
/// Deliberately carries no body text: a token response that fails to decode still holds
/// tokens. The position and the expected type are enough to locate the problem;
/// [`Response::text`](crate::Response::text) gives the body to those who ask for it.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "could not decode the {status} response to {method} {url} as {expected}: {reason} \
     (content type {}, {body_len} bytes)",
    content_type.as_deref().unwrap_or("none")
)]
pub struct DecodeError {
    pub(crate) method: Method,
    pub(crate) url: String,
    pub(crate) status: StatusCode,
    pub(crate) content_type: Option<String>,
    pub(crate) body_len: usize,
    pub(crate) expected: &'static str,
    pub(crate) reason: String,
}

impl DecodeError {
    /// Builds a decode error from a `serde_json` failure, keeping only its category and
    /// position (its message can quote body text).
    pub(crate) fn from_json(
        method: Method,
        url: String,
        status: StatusCode,
        content_type: Option<String>,
        body_len: usize,
        expected: &'static str,
        err: &serde_json::Error,
    ) -> Self {
        let what = match err.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "JSON of an unexpected shape",
            serde_json::error::Category::Eof => "truncated or empty JSON",
        };
        Self {
            method,
            url,
            status,
            content_type,
            body_len,
            expected,
            reason: format!("{what} at line {} column {}", err.line(), err.column()),
        }
    }

    /// Builds a decode error with a custom reason. The reason must not quote body text.
    pub fn new(
        method: Method,
        url: impl Into<String>,
        status: StatusCode,
        expected: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            method,
            url: url.into(),
            status,
            content_type: None,
            body_len: 0,
            expected,
            reason: reason.into(),
        }
    }

    /// The HTTP status of the response.
    pub fn http_status(&self) -> StatusCode {
        self.status
    }

    /// The name of the type the body should have decoded into.
    pub fn expected(&self) -> &'static str {
        self.expected
    }

    /// Why decoding failed (category and position).
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// An authorizer could not provide credentials, typically because renewing a token failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct AuthorizationError {
    message: String,
    reauthentication_required: bool,
    retryable: bool,
    #[source]
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl AuthorizationError {
    /// Creates an error with a message and an optional cause.
    pub fn new(
        message: impl Into<String>,
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            message: message.into(),
            reauthentication_required: false,
            retryable: false,
            source,
        }
    }

    /// Marks the error as needing a new login (a revoked or expired refresh token).
    pub fn with_reauthentication_required(mut self, required: bool) -> Self {
        self.reauthentication_required = required;
        self
    }

    /// Marks the error as transient (the renewal may succeed later).
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// Whether the user must log in again.
    pub fn is_reauthentication_required(&self) -> bool {
        self.reauthentication_required
    }

    /// Whether trying again later might succeed.
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// The underlying error, for downcasting (e.g. to the auth crate's error type).
    pub fn cause(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.source.as_deref()
    }
}
