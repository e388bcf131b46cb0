//! The crate's one error type.

use globus_auth::AuthError;
use globus_core::http::StatusCode;

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `globus-identity`.
///
/// ID-token failures each have their own variant, so callers (and tests) can tell a forged
/// token from an expired one; [`is_signature_error`](Self::is_signature_error),
/// [`is_claims_error`](Self::is_claims_error) and the other predicates group them.
/// Messages never quote the token or its claims' values beyond the names of the claims.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ----- identity lookups -----
    /// An identity lookup failed: Globus Auth answered with an error (401, 403, a 5xx after
    /// retries) or could not be reached. A key that Auth simply omits is *not* an error.
    #[error("identity lookup failed: {0}")]
    Auth(AuthError),

    /// A key cannot be looked up safely (it is empty, or holds a comma, which would inject
    /// another key into the comma-joined query).
    #[error("invalid identity key {key:?}: {reason}")]
    InvalidKey {
        /// The key.
        key: String,
        /// Why it was refused.
        reason: &'static str,
    },

    // ----- fetching discovery and keys -----
    /// Fetching the OpenID configuration or the key set failed.
    #[error("could not fetch the {what}: {source}")]
    FetchFailed {
        /// `"OpenID configuration"` or `"key set"`.
        what: &'static str,
        /// The underlying error.
        #[source]
        source: AuthError,
    },

    /// The key set is unusable: not a JWKS, over the key-count limit, or without a single
    /// usable RSA signing key.
    #[error("unusable key set: {0}")]
    KeySet(String),

    // ----- token structure -----
    /// The token (or one of its parts, or the key set) is larger than the limit; it was
    /// refused before being decoded.
    #[error("{what} is {size} bytes, over the limit of {limit}")]
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },

    /// The token is not a well-formed compact JWS (segments, base64url, JSON).
    #[error("malformed ID token: {0}")]
    Malformed(String),

    /// The JOSE header asks for something this decoder never does (`crit`, `cty`, `zip`,
    /// an encrypted token, an unknown `typ`).
    #[error("unsupported ID token header: {0}")]
    UnsupportedHeader(String),

    // ----- signature -----
    /// The token's `alg` is not allowed: `none`, any HMAC algorithm, anything outside
    /// {RS256, RS384, RS512}, or not listed by the OpenID configuration. Rejected before any
    /// key is touched.
    #[error("algorithm {0:?} is not allowed for ID tokens")]
    DisallowedAlgorithm(String),

    /// No key in the key set (even after a re-fetch) can verify this token.
    #[error("no key in the key set matches the ID token{}", kid.as_ref().map(|k| format!(" (kid {k:?})")).unwrap_or_default())]
    NoMatchingKey {
        /// The token's `kid`, if it had one.
        kid: Option<String>,
    },

    /// The token has no `kid` and the key set holds more eligible keys than the decoder
    /// will try.
    #[error(
        "the ID token has no kid and the key set holds {eligible} eligible keys (limit {limit})"
    )]
    TooManyCandidateKeys {
        /// How many keys were eligible.
        eligible: usize,
        /// The limit.
        limit: usize,
    },

    /// The signature does not verify.
    #[error("the ID token's signature does not verify")]
    BadSignature,

    // ----- claims -----
    /// A required claim is missing.
    #[error("the ID token has no {0:?} claim")]
    MissingClaim(&'static str),

    /// A claim has the wrong JSON type or an impossible value. Never treated as "absent".
    #[error("the ID token's {claim:?} claim is invalid: {reason}")]
    InvalidClaim {
        /// The claim.
        claim: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The token has expired (`now >= exp + leeway`).
    #[error("the ID token expired at {exp} (now {now}, leeway {leeway}s)")]
    Expired {
        /// The `exp` claim.
        exp: i64,
        /// The time of the check.
        now: i64,
        /// The leeway, in seconds.
        leeway: i64,
    },

    /// The token is not valid yet (`nbf > now + leeway`).
    #[error(
        "the ID token is not valid before {nbf} (now {now}, leeway {leeway}s): check the local clock"
    )]
    NotYetValid {
        /// The `nbf` claim.
        nbf: i64,
        /// The time of the check.
        now: i64,
        /// The leeway, in seconds.
        leeway: i64,
    },

    /// The token was issued in the future (`iat > now + leeway`): usually a local clock that
    /// is behind.
    #[error(
        "the ID token was issued at {iat}, in the future (now {now}, leeway {leeway}s): check the local clock"
    )]
    IssuedInFuture {
        /// The `iat` claim.
        iat: i64,
        /// The time of the check.
        now: i64,
        /// The leeway, in seconds.
        leeway: i64,
    },

    /// `aud` does not contain an expected audience, or contains an untrusted one.
    #[error("the ID token's audience is not this client: {0}")]
    WrongAudience(String),

    /// `azp` is present and is not this client.
    #[error("the ID token's authorized party (azp) is not this client")]
    WrongAuthorizedParty,

    /// `iss` is not exactly the issuer of the OpenID configuration.
    #[error("the ID token's issuer {found:?} is not the expected {expected:?}")]
    WrongIssuer {
        /// The expected issuer.
        expected: String,
        /// The token's `iss`.
        found: String,
    },

    /// The `nonce` claim is missing or differs from the one sent.
    #[error("the ID token's nonce does not match the nonce of the login")]
    NonceMismatch,

    // ----- set-up -----
    /// No `jsonwebtoken` crypto provider is installed (the `jwt-aws-lc-rs` feature is off
    /// and none was installed, or conflicting backends are enabled).
    #[error(
        "no jsonwebtoken crypto provider is available: enable the `jwt-aws-lc-rs` feature or install one with CryptoProvider::install_default"
    )]
    CryptoProviderUnavailable,

    /// The token response carries no ID token (`openid` was not requested, or it was a
    /// refresh).
    #[error("the token response has no id_token")]
    NoIdToken,

    /// The decoder or map was configured or used in a way it does not support.
    #[error("usage error: {0}")]
    Usage(String),

    /// An identity lookup running as a task of the tokio runtime was stopped before it
    /// finished: the runtime shut down while it was waiting.
    #[error("an identity lookup was stopped: the tokio runtime shut down")]
    LookupStopped,
}

impl Error {
    /// Whether the token failed signature verification: bad signature, disallowed
    /// algorithm, or no usable key.
    pub fn is_signature_error(&self) -> bool {
        matches!(
            self,
            Error::BadSignature
                | Error::DisallowedAlgorithm(_)
                | Error::NoMatchingKey { .. }
                | Error::TooManyCandidateKeys { .. }
        )
    }

    /// Whether the token was authentic but its claims were rejected (time, audience,
    /// issuer, nonce, missing or mistyped claims).
    pub fn is_claims_error(&self) -> bool {
        matches!(
            self,
            Error::MissingClaim(_)
                | Error::InvalidClaim { .. }
                | Error::Expired { .. }
                | Error::NotYetValid { .. }
                | Error::IssuedInFuture { .. }
                | Error::WrongAudience(_)
                | Error::WrongAuthorizedParty
                | Error::WrongIssuer { .. }
                | Error::NonceMismatch
        )
    }

    /// Whether the token is structurally unusable (malformed, too large, unsupported header).
    pub fn is_malformed(&self) -> bool {
        matches!(
            self,
            Error::Malformed(_) | Error::TooLarge { .. } | Error::UnsupportedHeader(_)
        )
    }

    /// Whether the failure is about time (expired, not yet valid, issued in the future):
    /// possibly a skewed local clock.
    pub fn is_time_error(&self) -> bool {
        matches!(
            self,
            Error::Expired { .. } | Error::NotYetValid { .. } | Error::IssuedInFuture { .. }
        )
    }

    /// Whether the token has expired.
    pub fn is_expired(&self) -> bool {
        matches!(self, Error::Expired { .. })
    }

    /// The Globus Auth error underneath, if Auth answered or could not be reached.
    pub fn auth_error(&self) -> Option<&AuthError> {
        match self {
            Error::Auth(err) | Error::FetchFailed { source: err, .. } => Some(err),
            _ => None,
        }
    }

    /// The HTTP status of the Auth error underneath.
    pub fn http_status(&self) -> Option<StatusCode> {
        self.auth_error().and_then(AuthError::http_status)
    }

    /// Whether trying again later might succeed (a transient Auth failure).
    pub fn is_retryable(&self) -> bool {
        self.auth_error().is_some_and(AuthError::is_retryable)
    }
}

impl From<AuthError> for Error {
    fn from(err: AuthError) -> Self {
        Error::Auth(err)
    }
}
