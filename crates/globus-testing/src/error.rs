//! The crate's error type.

/// Errors from starting or driving the fake (never from the requests it serves: those get
/// HTTP error responses).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Binding the loopback listener or another socket operation failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Key generation or signing failed.
    #[error("crypto error: {0}")]
    Crypto(String),
    /// A URL could not be parsed or built.
    #[error("invalid URL: {0}")]
    Url(#[from] url::ParseError),
    /// A helper's own HTTP request failed.
    #[error("HTTP error: {0}")]
    Http(String),
    /// The authorize endpoint did not answer with a redirect carrying a code.
    #[error("authorize request failed with HTTP {status}: {body}")]
    AuthorizeFailed {
        /// The HTTP status of the answer.
        status: u16,
        /// The answer's body (an HTML or text error page).
        body: String,
    },
    /// The authorize endpoint redirected back with an OAuth error.
    #[error("authorize request denied: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    AuthorizeDenied {
        /// The OAuth `error` code, e.g. `invalid_scope`.
        error: String,
        /// The `error_description`, if any.
        description: Option<String>,
        /// The `state` echoed back, if any.
        state: Option<String>,
    },
    /// A helper was given something it cannot use (an unknown client, a bad scope string…).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The background server thread could not be started.
    #[error("the fake's background thread failed: {0}")]
    Background(String),
}
