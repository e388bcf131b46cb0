//! # globus-identity
//!
//! Globus identities for Rust, on top of [`globus_auth`]:
//!
//! - [`IdentityMap`]: resolves identity ids and usernames to identity records in batches
//!   of 100, with a shareable cache, several requests in flight, and one request for many
//!   concurrent lookups of the same key (Python's `IdentityMap`, made async).
//! - [`IdTokenDecoder`]: verifies Globus ID tokens strictly — RS256/RS384/RS512 only,
//!   issuer and audience checked, required claims typed — with a lazily fetched, cached key
//!   set that follows key rotation without letting forged `kid`s hammer Globus Auth
//!   (Python's `IDTokenDecoder`, made safe).
//!
//! Every failure is one [`Error`] type with a distinct variant per cause.
//!
//! ## Looking identities up
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use globus_auth::AuthClient;
//! use globus_core::{AccessTokenAuthorizer, EnvVars, secret::AccessToken};
//! use globus_identity::IdentityMap;
//!
//! // A fake Globus Auth on loopback stands in for auth.globus.org.
//! let fake = globus_testing::FakeGlobusAuth::start().await?;
//! let tokens = fake.issue_tokens_for("openid profile email")?;
//! let token = tokens.access_token("auth.globus.org").unwrap_or_default();
//! let auth = AuthClient::builder()
//!     .with_env_vars(EnvVars::empty())
//!     .with_base_url(fake.base_url().as_str())
//!     .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new(token)))
//!     .build()?;
//!
//! let map = IdentityMap::new(auth);
//! let found = map
//!     .get_many(["ada@uchicago.edu", "bob@globusid.org", "ae341a98-d274-11e5-b888-dbae3a8ba545"])
//!     .await?; // two requests: one for the usernames, one for the id
//! let ada = found["ada@uchicago.edu"].as_ref().expect("the fake knows everyone");
//! // Every record is cached under its id too: no request for this one.
//! assert!(map.get(&ada.id).await?.is_some());
//! assert_eq!(fake.hits(http::Method::GET, "/v2/api/identities"), 2);
//! # Ok(()) }
//! ```
//!
//! ## Decoding an ID token
//!
//! A decoder is built once — from a login client, which also gives the audience — and
//! shared. Here it is offline, with a preloaded configuration and key set, decoding a real
//! Globus ID token (RS512, no `kid`) at a pinned time:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use futures_util::FutureExt as _;
//! use globus_core::clock::ManualClock;
//! use globus_identity::IdTokenDecoder;
//!
//! # let fixture: serde_json::Value = serde_json::from_str(include_str!(concat!(
//! #     env!("CARGO_MANIFEST_DIR"), "/testdata/globus_id_token.json")))?;
//! # let config = serde_json::from_value(fixture["openid_configuration"].clone())?;
//! # let jwks = fixture["jwks"].clone();
//! # let id_token = fixture["token_response"]["id_token"].as_str().unwrap_or_default();
//! let decoder = IdTokenDecoder::offline()
//!     .with_openid_configuration(config) // issuer https://auth.globus.org, RS512
//!     .with_jwks_json(jwks)
//!     .with_audience("7fb58e00-839d-44e3-8047-10a502612dca")
//!     .with_clock(Arc::new(ManualClock::new(1_621_481_100))) // when the token was fresh
//!     .build()?;
//! let claims = decoder.decode(id_token).now_or_never().expect("offline: never waits")?;
//! assert_eq!(claims.preferred_username.as_deref(), Some("sirosen2@globusid.org"));
//! assert_eq!(claims.identity_set.map(|set| set.len()), Some(3));
//! # Ok(()) }
//! ```
//!
//! ## Decisions (where Python differs)
//!
//! - **Negative cache on** (5 min): Python re-fetches an unknown key on every lookup.
//! - **`iss` checked** against the configuration's issuer, exactly; opt out with
//!   [`insecure_disable_issuer_check`](IdTokenDecoderBuilder::insecure_disable_issuer_check).
//! - **`exp`, `iat`, `sub`, `iss`, `aud` required**, typed; `exp` rejected on or after
//!   `exp + leeway` (PyJWT's rule), `iat`/`nbf` after `now + leeway`.
//! - **Keys:** by `kid` when present; without one (Globus), each eligible key in turn, at most
//!   5; never "the first key". Unknown keys cause at most one key-set re-fetch per 60 s.
//! - **Limits:** token 256 KiB, header 8 KiB, key set 1 MiB and 100 keys, RSA ≥ 2048 bits.
//!
//! ## Features
//!
//! - `jwt-aws-lc-rs` (default): signatures are verified with aws-lc-rs, through
//!   `jsonwebtoken`, whose provider this crate installs explicitly. Without it (or if
//!   another crate enables a conflicting `jsonwebtoken` backend and none is installed),
//!   building a decoder fails with [`Error::CryptoProviderUnavailable`] instead of
//!   panicking.
#![warn(missing_docs)]

mod error;
pub mod id_token;
pub mod identity_map;

pub use error::{Error, Result};
pub use id_token::{
    DecodeIdToken, IdTokenClaims, IdTokenDecoder, IdTokenDecoderBuilder, OidcSource,
};
pub use identity_map::{
    CachedIdentity, IdentityCache, IdentityLookup, IdentityMap, IdentityMapBuilder, IdentityRecord,
};

/// Makes sure `jsonwebtoken` has a crypto provider: installs aws-lc-rs's (when the feature is
/// on and nothing else was installed), and reports a typed error when there is none.
pub(crate) fn crypto_provider() -> Result<()> {
    use jsonwebtoken::crypto::CryptoProvider;
    #[cfg(feature = "jwt-aws-lc-rs")]
    {
        // Fails only when a provider is already installed, which is just as good.
        let _ = CryptoProvider::install_default(&jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER);
    }
    CryptoProvider::try_get_default()
        .map(drop)
        .ok_or(Error::CryptoProviderUnavailable)
}
