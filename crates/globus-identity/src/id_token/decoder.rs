//! [`IdTokenDecoder`]: verification of Globus ID tokens.

use std::fmt;
use std::sync::Arc;

use globus_auth::OAuthTokenResponse;
use globus_auth::models::OpenIdConfiguration;
use globus_core::clock::Clock;
use globus_core::secret::SecretString;
use jsonwebtoken::Algorithm;

use super::builder::{IdTokenDecoderBuilder, IssuerCheck};
use super::cache::OidcCache;
use super::claims::{self, ClaimRules, IdTokenClaims};
use super::jwks::{KeySet, VerifyingKey};
use super::jws::{self, Jws, TokenLimits, allowed_algorithm};
use super::source::OidcSource;
use crate::error::{Error, Result};

/// Verifies Globus ID tokens and returns their claims.
///
/// - **Lazy, cached, shared:** the OpenID configuration and the key set are fetched on first
///   use, once (concurrent first callers share one request), and kept. Clones share them.
///   Both can be preloaded for offline use.
/// - **Signature:** `alg` must be RS256, RS384 or RS512 *and* listed in the configuration's
///   `id_token_signing_alg_values_supported`; `none` and HMAC are refused before any key is
///   touched. A token with a `kid` is checked with that key; one without (Globus sends none)
///   with each eligible key in turn — RSA, `use` absent or `sig`, `alg` absent or equal,
///   2048 bits or more — at most [`DEFAULT_MAX_CANDIDATE_KEYS`](super::DEFAULT_MAX_CANDIDATE_KEYS). Keys in the token's header
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
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) cache: OidcCache,
    pub(super) audiences: Vec<String>,
    pub(super) trusted_audiences: Vec<String>,
    pub(super) issuer: IssuerCheck,
    pub(super) leeway: i64,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) token_limits: TokenLimits,
    pub(super) max_candidates: usize,
    pub(super) verify_signature: bool,
    pub(super) verify_expiry: bool,
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
