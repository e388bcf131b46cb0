//! RSA keys made in the tests and ID-token forging: JOSE headers, claims, RS* signatures,
//! HMAC "signatures" keyed with public-key material, offline decoders at a pinned time.

use std::sync::{Arc, OnceLock};

use futures_util::FutureExt as _;
use globus_sdk::auth::models::OpenIdConfiguration;
use globus_sdk::core::clock::ManualClock;
use globus_sdk::identity::{IdTokenClaims, IdTokenDecoder, IdTokenDecoderBuilder};
use serde_json::{Value, json};

pub const ISSUER: &str = "https://auth.globus.org";
pub const AUDIENCE: &str = "6b0c1a8e-7f0e-4c7e-9b8e-3f1d2a4c5b6d";
/// A fixed "now": 2026-01-01T00:00:00Z.
pub const NOW: i64 = 1_767_225_600;

#[allow(unused_imports)] // each test binary uses some of them
pub use globus_testing::keys::{
    TestKey, b64url as b64, hmac_token, jose_header as header, jose_header_with_kid as header_kid,
    jwks, openid_configuration_json,
};

/// Two 2048-bit keys, generated once per test binary (slow in debug builds).
pub fn keys() -> &'static [TestKey; 2] {
    static KEYS: OnceLock<[TestKey; 2]> = OnceLock::new();
    KEYS.get_or_init(|| [TestKey::generate(), TestKey::generate()])
}

pub fn key() -> &'static TestKey {
    &keys()[0]
}

/// Valid claims at [`NOW`].
pub fn claims() -> Value {
    json!({
        "sub": "c8aad43e-d274-11e5-bf98-8b02896cf782",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": NOW + 3600,
        "iat": NOW,
        "preferred_username": "ada@globusid.org",
        "identity_set": [{"sub": "c8aad43e-d274-11e5-bf98-8b02896cf782", "username": "ada@globusid.org"}],
    })
}

pub fn config_json(algs: &[&str], jwks_uri: &str) -> Value {
    openid_configuration_json(ISSUER, algs, jwks_uri)
}

pub fn config(algs: &[&str]) -> OpenIdConfiguration {
    serde_json::from_value(config_json(algs, &format!("{ISSUER}/jwk.json"))).unwrap()
}

/// An offline decoder for [`AUDIENCE`] at `now`, trusting `jwks`.
pub fn offline_at(algs: &[&str], jwks: Value, now: i64) -> IdTokenDecoderBuilder {
    IdTokenDecoder::offline()
        .with_openid_configuration(config(algs))
        .with_jwks_json(jwks)
        .with_audience(AUDIENCE)
        .with_clock(Arc::new(ManualClock::new(now)))
}

pub fn offline(algs: &[&str], jwks: Value) -> IdTokenDecoderBuilder {
    offline_at(algs, jwks, NOW)
}

/// The default offline decoder: RS256 and RS512 listed, key 0 without `kid`.
pub fn decoder() -> IdTokenDecoder {
    offline(&["RS256", "RS512"], jwks(&[key().jwk(None, None)]))
        .build()
        .unwrap()
}

/// Decodes without an executor: an offline decoder never waits.
pub fn decode(
    decoder: &IdTokenDecoder,
    token: &str,
) -> globus_sdk::identity::Result<IdTokenClaims> {
    decoder
        .decode(token)
        .now_or_never()
        .expect("an offline decode completes without waiting")
}

/// The real Globus fixture (token, JWK, configuration) of the Python SDK's tests.
pub fn fixture() -> Value {
    serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../globus-identity/testdata/globus_id_token.json"
    )))
    .unwrap()
}

/// When the fixture token was fresh.
pub const FIXTURE_NOW: i64 = 1_621_481_100;
