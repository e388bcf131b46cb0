//! [`IdTokenDecoderBuilder`]: the decoder's settings, defaults and preloaded documents.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use globus_auth::models::{JwkSet, OpenIdConfiguration};
use globus_core::clock::{Clock, system_clock};
use serde_json::Value;

use super::cache::OidcCache;
use super::decoder::{IdTokenDecoder, Inner};
use super::jwks::{KeySet, KeySetLimits};
use super::jws::TokenLimits;
use super::source::OidcSource;
use crate::error::{Error, Result};

/// Leeway on `exp`, `iat` and `nbf` (Python's `jwt_leeway`).
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(300);
/// The shortest time between two key-set fetches triggered by unknown keys.
pub const DEFAULT_REFETCH_COOLDOWN: Duration = Duration::from_secs(60);
/// The largest token accepted. Globus ID tokens carry the whole `identity_set` (the real
/// fixture spends ~2.2 KB on 3 identities), so there is ample room.
pub const DEFAULT_MAX_TOKEN_SIZE: usize = 256 * 1024;
/// The largest JOSE header accepted (base64url text).
pub const DEFAULT_MAX_HEADER_SIZE: usize = 8 * 1024;
/// The largest key-set body accepted.
pub const DEFAULT_MAX_KEY_SET_SIZE: usize = 1024 * 1024;
/// The most keys a key set may hold.
pub const DEFAULT_MAX_KEYS: usize = 100;
/// The most keys tried for one token (a token without `kid` is tried against every eligible
/// key, as Globus sends no `kid`).
pub const DEFAULT_MAX_CANDIDATE_KEYS: usize = 5;

#[derive(Debug, Clone)]
pub(super) enum IssuerCheck {
    Discovery,
    Exact(String),
    Disabled,
}

/// Configures an [`IdTokenDecoder`]: [`IdTokenDecoder::builder`] or
/// [`IdTokenDecoder::offline`].
#[must_use]
pub struct IdTokenDecoderBuilder {
    source: Option<Arc<dyn OidcSource>>,
    config: Option<OpenIdConfiguration>,
    jwks: Option<Value>,
    audiences: Option<Vec<String>>,
    trusted_audiences: Vec<String>,
    issuer: IssuerCheck,
    leeway: Duration,
    clock: Arc<dyn Clock>,
    cooldown: Duration,
    token_limits: TokenLimits,
    key_set_limits: KeySetLimits,
    max_candidates: usize,
    verify_signature: bool,
    verify_expiry: bool,
}

fn seconds(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

impl IdTokenDecoderBuilder {
    pub(super) fn new(source: Option<Arc<dyn OidcSource>>) -> Self {
        Self {
            source,
            config: None,
            jwks: None,
            audiences: None,
            trusted_audiences: Vec::new(),
            issuer: IssuerCheck::Discovery,
            leeway: DEFAULT_LEEWAY,
            clock: system_clock(),
            cooldown: DEFAULT_REFETCH_COOLDOWN,
            token_limits: TokenLimits {
                max_token: DEFAULT_MAX_TOKEN_SIZE,
                max_header: DEFAULT_MAX_HEADER_SIZE,
            },
            key_set_limits: KeySetLimits {
                max_bytes: DEFAULT_MAX_KEY_SET_SIZE,
                max_keys: DEFAULT_MAX_KEYS,
            },
            max_candidates: DEFAULT_MAX_CANDIDATE_KEYS,
            verify_signature: true,
            verify_expiry: true,
        }
    }

    /// Tokens must be addressed to `audience` (default: the login client's id).
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences = Some(vec![audience.into()]);
        self
    }

    /// Tokens must be addressed to one of `audiences`.
    pub fn with_audiences<I>(mut self, audiences: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.audiences = Some(audiences.into_iter().map(Into::into).collect());
        self
    }

    /// Extra audiences a token may *also* name besides ours (default: none, so a token
    /// addressed to us and to another client is refused).
    pub fn with_trusted_audiences<I>(mut self, audiences: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.trusted_audiences = audiences.into_iter().map(Into::into).collect();
        self
    }

    /// `iss` must equal `issuer` (default: the configuration's `issuer`).
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = IssuerCheck::Exact(issuer.into());
        self
    }

    /// Does not check `iss` (Python's behaviour). The token is still verified with Globus
    /// Auth's keys.
    pub fn insecure_disable_issuer_check(mut self) -> Self {
        self.issuer = IssuerCheck::Disabled;
        self
    }

    /// The leeway on `exp`, `iat` and `nbf` (default [`DEFAULT_LEEWAY`]).
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// The clock for time claims and the re-fetch cooldown (tests pass a
    /// [`ManualClock`](globus_core::clock::ManualClock)).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The shortest time between key-set fetches caused by unknown keys (default
    /// [`DEFAULT_REFETCH_COOLDOWN`]).
    pub fn with_refetch_cooldown(mut self, cooldown: Duration) -> Self {
        self.cooldown = cooldown;
        self
    }

    /// The largest token accepted, in bytes (default [`DEFAULT_MAX_TOKEN_SIZE`]).
    pub fn with_max_token_size(mut self, bytes: usize) -> Self {
        self.token_limits.max_token = bytes;
        self
    }

    /// The largest key set accepted: bytes and keys (defaults [`DEFAULT_MAX_KEY_SET_SIZE`],
    /// [`DEFAULT_MAX_KEYS`]).
    pub fn with_key_set_limits(mut self, max_bytes: usize, max_keys: usize) -> Self {
        self.key_set_limits = KeySetLimits {
            max_bytes,
            max_keys,
        };
        self
    }

    /// The most keys tried for one token (default [`DEFAULT_MAX_CANDIDATE_KEYS`]).
    pub fn with_max_candidate_keys(mut self, max: usize) -> Self {
        self.max_candidates = max.max(1);
        self
    }

    /// Uses this OpenID configuration instead of fetching it.
    pub fn with_openid_configuration(mut self, config: OpenIdConfiguration) -> Self {
        self.config = Some(config);
        self
    }

    /// Uses this key set instead of fetching it (it is still re-fetched on an unknown key,
    /// when the decoder has a client).
    pub fn with_jwks(mut self, jwks: &JwkSet) -> Self {
        self.jwks = serde_json::to_value(jwks).ok();
        self
    }

    /// Uses this key set (JWKS JSON) instead of fetching it.
    pub fn with_jwks_json(mut self, jwks: Value) -> Self {
        self.jwks = Some(jwks);
        self
    }

    /// **Insecure:** does not verify signatures, so anyone can forge a token this decoder
    /// accepts. For inspecting tokens in tests and tools, never for authentication.
    pub fn insecure_disable_signature_check(mut self) -> Self {
        self.verify_signature = false;
        self
    }

    /// **Insecure:** accepts expired tokens. For decoding old tokens (fixtures, logs); never
    /// for authentication.
    pub fn insecure_disable_expiry_check(mut self) -> Self {
        self.verify_expiry = false;
        self
    }

    /// Builds the decoder. Makes no request. Fails when no audience is known (an
    /// [`AuthClient`](globus_auth::AuthClient) source needs
    /// [`with_audience`](Self::with_audience)), when a decoder without a client lacks the
    /// preloaded configuration or key set, when the preloaded key set is unusable, or when no
    /// crypto provider is available.
    pub fn build(self) -> Result<IdTokenDecoder> {
        crate::crypto_provider()?;
        let audiences = match self.audiences {
            Some(audiences) => audiences,
            None => self
                .source
                .as_ref()
                .and_then(|s| s.client_id())
                .map(|id| vec![id])
                .unwrap_or_default(),
        };
        if audiences.is_empty() {
            return Err(Error::Usage(
                "no audience: build the decoder from a login client or call with_audience".into(),
            ));
        }
        if self.source.is_none() && (self.config.is_none() || self.jwks.is_none()) {
            return Err(Error::Usage(
                "a decoder without a client needs both the OpenID configuration and the key set"
                    .into(),
            ));
        }
        let keys = match &self.jwks {
            Some(json) => {
                let size = serde_json::to_vec(json).map(|v| v.len()).unwrap_or(0);
                if size > self.key_set_limits.max_bytes {
                    return Err(Error::TooLarge {
                        what: "key set",
                        size,
                        limit: self.key_set_limits.max_bytes,
                    });
                }
                Some(KeySet::from_json(json, self.key_set_limits)?)
            }
            None => None,
        };
        let cache = OidcCache::new(
            self.source,
            self.config,
            keys,
            Arc::clone(&self.clock),
            seconds(self.cooldown),
            self.key_set_limits,
        );
        Ok(IdTokenDecoder {
            inner: Arc::new(Inner {
                cache,
                audiences,
                trusted_audiences: self.trusted_audiences,
                issuer: self.issuer,
                leeway: seconds(self.leeway),
                clock: self.clock,
                token_limits: self.token_limits,
                max_candidates: self.max_candidates,
                verify_signature: self.verify_signature,
                verify_expiry: self.verify_expiry,
            }),
        })
    }
}

impl fmt::Debug for IdTokenDecoderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdTokenDecoderBuilder")
            .field("audiences", &self.audiences)
            .field("issuer", &self.issuer)
            .field("leeway", &self.leeway)
            .field("verify_signature", &self.verify_signature)
            .field("verify_expiry", &self.verify_expiry)
            .finish_non_exhaustive()
    }
}
