//! Helpers shared by globus-identity's integration tests: RSA keys generated in the tests,
//! token forging, configurations, clients aimed at httpmock.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, OnceLock};

use globus_auth::models::OpenIdConfiguration;
use globus_auth::{AuthClient, NativeAppAuthClient};
use globus_core::clock::ManualClock;
use globus_core::{EnvVars, RetryConfig};
use globus_identity::{IdTokenDecoder, IdTokenDecoderBuilder};
use serde_json::{Value, json};

pub const ISSUER: &str = "https://auth.globus.org";
pub const CLIENT_ID: &str = "6b0c1a8e-7f0e-4c7e-9b8e-3f1d2a4c5b6d";
pub const OTHER_CLIENT: &str = "0d8c3f1e-2222-4a4a-8b8b-123456789abc";
/// A fixed "now" for the tests: 2026-01-01T00:00:00Z.
pub const NOW: i64 = 1_767_225_600;

#[allow(unused_imports)] // each test binary uses some of them
pub use globus_testing::keys::{
    TestKey, b64url as b64, hmac_token, jose_header as header, jose_header_with_kid as header_kid,
    jwks, openid_configuration_json,
};

/// Three keys, generated once per test binary (key generation is slow in debug builds).
pub fn keys() -> &'static [TestKey; 3] {
    static KEYS: OnceLock<[TestKey; 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        [
            TestKey::generate(),
            TestKey::generate(),
            TestKey::generate(),
        ]
    })
}

pub fn key() -> &'static TestKey {
    &keys()[0]
}

/// Valid claims at [`NOW`].
pub fn claims() -> Value {
    json!({
        "sub": "c8aad43e-d274-11e5-bf98-8b02896cf782",
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "exp": NOW + 3600,
        "iat": NOW,
        "preferred_username": "ada@globusid.org",
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "organization": "Analytical Engines",
        "identity_provider": "41143743-f3c8-4d60-bbdb-eeecaba85bd9",
        "identity_provider_display_name": "Globus ID",
        "last_authentication": NOW - 10,
        "identity_set": [
            {"sub": "c8aad43e-d274-11e5-bf98-8b02896cf782", "username": "ada@globusid.org",
             "name": "Ada Lovelace", "last_authentication": NOW - 10},
            {"sub": "b6e227e8-db52-11e5-b6ff-c3b1cc259e0d", "username": "ada@example.org",
             "name": null, "last_authentication": null}
        ],
    })
}

/// A token whose header and claims are arbitrary JSON text, with a valid signature.
pub fn sign_raw(key: &TestKey, alg: &str, header_json: &str, claims_json: &str) -> String {
    key.sign_raw(alg, header_json, claims_json)
}

pub fn config_json(algs: &[&str], jwks_uri: &str) -> Value {
    openid_configuration_json(ISSUER, algs, jwks_uri)
}

pub fn config(algs: &[&str]) -> OpenIdConfiguration {
    serde_json::from_value(config_json(algs, &format!("{ISSUER}/jwk.json"))).unwrap()
}

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(NOW))
}

/// An offline decoder at [`NOW`] for `CLIENT_ID`, trusting `jwks`.
pub fn offline(algs: &[&str], jwks: Value) -> IdTokenDecoderBuilder {
    IdTokenDecoder::offline()
        .with_openid_configuration(config(algs))
        .with_jwks_json(jwks)
        .with_audience(CLIENT_ID)
        .with_clock(clock())
}

/// The default offline decoder: RS256 and RS512 listed, key 0 without kid.
pub fn decoder() -> IdTokenDecoder {
    offline(&["RS256", "RS512"], jwks(&[key().jwk(None, None)]))
        .build()
        .unwrap()
}

/// The real Globus fixture (token, JWK, configuration) from the Python SDK's tests.
pub fn fixture() -> Value {
    serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/globus_id_token.json"
    )))
    .unwrap()
}

/// A native client aimed at `base_url`, with no timeouts (tests may pause tokio's clock).
pub fn native_client(base_url: &str, client_id: &str) -> NativeAppAuthClient {
    NativeAppAuthClient::builder(client_id)
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
        .with_retry_config(RetryConfig::disabled())
        .build()
        .unwrap()
}

/// An AuthClient aimed at `base_url`, with no timeouts and quick retries.
pub fn auth_client(base_url: &str) -> AuthClient {
    AuthClient::builder()
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
        .with_retry_config(
            RetryConfig::default().with_backoff(|_| std::time::Duration::from_millis(1)),
        )
        .build()
        .unwrap()
}

/// Decodes synchronously: an offline decoder never waits.
pub fn decode(
    decoder: &IdTokenDecoder,
    token: &str,
) -> globus_identity::Result<globus_identity::IdTokenClaims> {
    use futures_util::FutureExt as _;
    decoder
        .decode(token)
        .now_or_never()
        .expect("an offline decode completes without waiting")
}
