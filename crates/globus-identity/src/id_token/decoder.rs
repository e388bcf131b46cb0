//! [`IdTokenDecoder`]: verification of Globus ID tokens.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use globus_auth::OAuthTokenResponse;
use globus_auth::models::{JwkSet, OpenIdConfiguration};
use globus_core::clock::{Clock, system_clock};
use globus_core::secret::SecretString;
use jsonwebtoken::Algorithm;
use serde_json::Value;

use super::cache::OidcCache;
use super::claims::{self, ClaimRules, IdTokenClaims};
use super::jwks::{KeySet, KeySetLimits, VerifyingKey};
use super::jws::{self, Jws, TokenLimits, allowed_algorithm};
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
enum IssuerCheck {
    Discovery,
    Exact(String),
    Disabled,
}

/// Verifies Globus ID tokens and returns their claims.
///
/// - **Lazy, cached, shared:** the OpenID configuration and the key set are fetched on first
///   use, once (concurrent first callers share one request), and kept. Clones share them.
///   Both can be preloaded for offline use.
/// - **Signature:** `alg` must be RS256, RS384 or RS512 *and* listed in the configuration's
///   `id_token_signing_alg_values_supported`; `none` and HMAC are refused before any key is
///   touched. A token with a `kid` is checked with that key; one without (Globus sends none)
///   with each eligible key in turn — RSA, `use` absent or `sig`, `alg` absent or equal,
///   2048 bits or more — at most [`DEFAULT_MAX_CANDIDATE_KEYS`]. Keys in the token's header
///   (`jku`, `x5u`, `jwk`, `x5c`) are ignored; `crit`, `cty`, `zip` and JWE are refused.
/// - **Rotation:** when no key matches, the key set is re-fetched — at most once per
///   cooldown (default 60 s, counted from the last fetch), single-flight — and the last good
///   set is kept if the re-fetch fails.
/// - **Claims** (checked on the raw JSON): `sub`, `iss`, `aud`, `exp`, `iat` required with
///   the right types; `iss` equal to the configuration's issuer (Python does not check it);
///   `aud` containing the client id and nothing untrusted; `azp`, if present, the client id;
///   `exp`/`iat`/`nbf` with a leeway of 300 s.
/// - **Limits** before decoding: token 256 KiB, header 8 KiB, key set 1 MiB and 100 keys.
///
/// See the [crate documentation](crate#decoding-an-id-token) for an example.
#[derive(Clone)]
pub struct IdTokenDecoder {
    inner: Arc<Inner>,
}

struct Inner {
    cache: OidcCache,
    audiences: Vec<String>,
    trusted_audiences: Vec<String>,
    issuer: IssuerCheck,
    leeway: i64,
    clock: Arc<dyn Clock>,
    token_limits: TokenLimits,
    max_candidates: usize,
    verify_signature: bool,
    verify_expiry: bool,
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
    fn new(source: Option<Arc<dyn OidcSource>>) -> Self {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Verified,
    NoCandidate,
    Rejected,
}

impl IdTokenDecoder {
    /// A decoder with the defaults, fetching through `source` (a login client gives the
    /// audience too).
    pub fn new(source: impl OidcSource) -> Result<Self> {
        Self::builder(source).build()
    }

    /// Starts configuring a decoder that fetches through `source`.
    pub fn builder(source: impl OidcSource) -> IdTokenDecoderBuilder {
        IdTokenDecoderBuilder::new(Some(Arc::new(source)))
    }

    /// Starts configuring a decoder that never fetches: preload the configuration and the
    /// key set, and give the audience.
    pub fn offline() -> IdTokenDecoderBuilder {
        IdTokenDecoderBuilder::new(None)
    }

    /// The audiences tokens must be addressed to.
    pub fn audiences(&self) -> &[String] {
        &self.inner.audiences
    }

    /// The OpenID configuration (fetched on first use).
    pub async fn openid_configuration(&self) -> Result<Arc<OpenIdConfiguration>> {
        self.inner.cache.config().await
    }

    /// Fetches the configuration and the key set now, rather than on the first decode.
    pub async fn prefetch(&self) -> Result<()> {
        self.inner.cache.keys().await.map(drop)
    }

    /// How many times the key set has been fetched (the first fetch and re-fetches).
    pub fn key_set_fetches(&self) -> u64 {
        self.inner.cache.key_fetches()
    }

    /// Verifies `token` and returns its claims.
    pub async fn decode(&self, token: &str) -> Result<IdTokenClaims> {
        self.decode_inner(token, None).await
    }

    /// Verifies `token`, which must also carry the `nonce` sent with the login (compared in
    /// constant time).
    pub async fn decode_with_nonce(&self, token: &str, nonce: &str) -> Result<IdTokenClaims> {
        self.decode_inner(token, Some(&SecretString::new(nonce)))
            .await
    }

    /// Verifies the ID token of a token response. The decoder's cached configuration and
    /// keys are used: nothing is re-fetched per call (Python builds a new decoder, and
    /// fetches twice, on every call).
    pub async fn decode_token_response(
        &self,
        response: &OAuthTokenResponse,
    ) -> Result<IdTokenClaims> {
        let token = response.id_token().ok_or(Error::NoIdToken)?;
        self.decode(token.expose_secret()).await
    }

    async fn decode_inner(
        &self,
        token: &str,
        nonce: Option<&SecretString>,
    ) -> Result<IdTokenClaims> {
        let inner = &*self.inner;
        let jws = jws::parse(token, inner.token_limits)?;
        let config = inner.cache.config().await?;
        check_listed(jws.alg, &config)?;
        if inner.verify_signature {
            self.verify_signature(&jws).await?;
        }
        let issuer = match &inner.issuer {
            IssuerCheck::Discovery => Some(config.issuer.as_str()),
            IssuerCheck::Exact(issuer) => Some(issuer.as_str()),
            IssuerCheck::Disabled => None,
        };
        let rules = ClaimRules {
            audiences: &inner.audiences,
            trusted_audiences: &inner.trusted_audiences,
            issuer,
            leeway: inner.leeway,
            now: inner.clock.now_unix(),
            check_expiry: inner.verify_expiry,
            nonce,
        };
        claims::validate(jws.claims, &rules)
    }

    async fn verify_signature(&self, jws: &Jws<'_>) -> Result<()> {
        let keys = self.inner.cache.keys().await?;
        let first = self.try_keys(&keys, jws)?;
        let outcome = match first {
            Outcome::Verified => return Ok(()),
            // The key the token names does not verify it: a bad signature, not a rotation.
            Outcome::Rejected if jws.kid.is_some() => Outcome::Rejected,
            // An unknown kid, or no kid and no key verifies: maybe the keys rotated.
            _ => match self.inner.cache.refresh(&keys).await {
                Some(newer) => self.try_keys(&newer, jws)?,
                None => first,
            },
        };
        match outcome {
            Outcome::Verified => Ok(()),
            Outcome::NoCandidate => Err(Error::NoMatchingKey {
                kid: jws.kid.clone(),
            }),
            Outcome::Rejected => Err(Error::BadSignature),
        }
    }

    fn try_keys(&self, keys: &KeySet, jws: &Jws<'_>) -> Result<Outcome> {
        let candidates = keys.candidates(jws.kid.as_deref(), jws.alg);
        if candidates.is_empty() {
            return Ok(Outcome::NoCandidate);
        }
        if candidates.len() > self.inner.max_candidates {
            return Err(Error::TooManyCandidateKeys {
                eligible: candidates.len(),
                limit: self.inner.max_candidates,
            });
        }
        Ok(if candidates.into_iter().any(|key| verify_with(jws, key)) {
            Outcome::Verified
        } else {
            Outcome::Rejected
        })
    }
}

/// The token's algorithm must be listed by the configuration (an empty list means RS256,
/// the OpenID Connect default). `none` or HMAC in the list change nothing: they never pass
/// the compiled allow-list.
fn check_listed(alg: Algorithm, config: &OpenIdConfiguration) -> Result<()> {
    let listed = &config.id_token_signing_alg_values_supported;
    let ok = if listed.is_empty() {
        alg == Algorithm::RS256
    } else {
        listed
            .iter()
            .any(|name| allowed_algorithm(name) == Some(alg))
    };
    if ok {
        Ok(())
    } else {
        Err(Error::DisallowedAlgorithm(format!("{alg:?}")))
    }
}

fn verify_with(jws: &Jws<'_>, key: &VerifyingKey) -> bool {
    // The algorithm is the allow-listed one; the key is an RSA key from the trusted set, so
    // the token cannot choose how its key is used.
    match jsonwebtoken::crypto::verify(
        jws.signature,
        jws.signing_input.as_bytes(),
        &key.key,
        jws.alg,
    ) {
        Ok(valid) => valid,
        Err(err) => {
            tracing::debug!(kid = ?key.kid, error = %err, "signature verification error");
            false
        }
    }
}

impl fmt::Debug for IdTokenDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("IdTokenDecoder")
            .field("audiences", &inner.audiences)
            .field("issuer", &inner.issuer)
            .field("leeway", &inner.leeway)
            .field("has_client", &inner.cache.has_source())
            .field("verify_signature", &inner.verify_signature)
            .field("verify_expiry", &inner.verify_expiry)
            .finish_non_exhaustive()
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
