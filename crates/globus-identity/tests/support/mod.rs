//! Helpers shared by globus-identity's integration tests: RSA keys generated in the tests,
//! token forging, configurations, clients aimed at httpmock.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, OnceLock};

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
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

pub fn b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// An RSA key generated in the tests.
pub struct TestKey {
    pair: KeyPair,
    pub n: String,
    pub e: String,
}

impl TestKey {
    fn generate() -> Self {
        let pair = KeyPair::generate(KeySize::Rsa2048).expect("RSA key generation");
        let public = pair.public_key();
        let n = b64(public.modulus().big_endian_without_leading_zero());
        let e = b64(public.exponent().big_endian_without_leading_zero());
        Self { pair, n, e }
    }

    /// The public key as a JWK.
    pub fn jwk(&self, kid: Option<&str>, alg: Option<&str>) -> Value {
        let mut jwk = json!({"kty": "RSA", "use": "sig", "n": self.n, "e": self.e});
        if let Some(kid) = kid {
            jwk["kid"] = json!(kid);
        }
        if let Some(alg) = alg {
            jwk["alg"] = json!(alg);
        }
        jwk
    }

    /// Signs `header.claims` with RSASSA-PKCS1-v1_5 (`alg` RS256/RS384/RS512).
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let alg = header["alg"].as_str().unwrap_or("RS256");
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        format!(
            "{input}.{}",
            b64(&self.raw_signature(alg, input.as_bytes()))
        )
    }

    pub fn raw_signature(&self, alg: &str, message: &[u8]) -> Vec<u8> {
        let encoding: &'static dyn signature::RsaEncoding = match alg {
            "RS384" => &signature::RSA_PKCS1_SHA384,
            "RS512" => &signature::RSA_PKCS1_SHA512,
            _ => &signature::RSA_PKCS1_SHA256,
        };
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(encoding, &SystemRandom::new(), message, &mut sig)
            .expect("sign");
        sig
    }

    /// The public key, DER (SubjectPublicKeyInfo).
    pub fn public_der(&self) -> Vec<u8> {
        self.pair
            .public_key()
            .as_der()
            .expect("DER")
            .as_ref()
            .to_vec()
    }

    /// The public key, PEM.
    pub fn public_pem(&self) -> String {
        let body = STANDARD.encode(self.public_der());
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        )
    }

    /// The raw modulus bytes.
    pub fn modulus(&self) -> Vec<u8> {
        self.pair
            .public_key()
            .modulus()
            .big_endian_without_leading_zero()
            .to_vec()
    }
}

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

/// A JOSE header (Globus's: no kid).
pub fn header(alg: &str) -> Value {
    json!({"typ": "JWT", "alg": alg})
}

pub fn header_kid(alg: &str, kid: &str) -> Value {
    json!({"typ": "JWT", "alg": alg, "kid": kid})
}

/// `header.payload.` + an HMAC signature keyed with `secret`.
pub fn hmac_token(alg: &str, secret: &[u8], claims: &Value) -> String {
    use aws_lc_rs::hmac;
    let algorithm = match alg {
        "HS384" => hmac::HMAC_SHA384,
        "HS512" => hmac::HMAC_SHA512,
        _ => hmac::HMAC_SHA256,
    };
    let input = format!(
        "{}.{}",
        b64(header(alg).to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let tag = hmac::sign(&hmac::Key::new(algorithm, secret), input.as_bytes());
    format!("{input}.{}", b64(tag.as_ref()))
}

/// A token whose header and claims are arbitrary JSON text, with a valid RS256 signature.
pub fn sign_raw(key: &TestKey, alg: &str, header_json: &str, claims_json: &str) -> String {
    let input = format!(
        "{}.{}",
        b64(header_json.as_bytes()),
        b64(claims_json.as_bytes())
    );
    format!("{input}.{}", b64(&key.raw_signature(alg, input.as_bytes())))
}

pub fn config_json(algs: &[&str], jwks_uri: &str) -> Value {
    json!({
        "issuer": ISSUER,
        "jwks_uri": jwks_uri,
        "authorization_endpoint": format!("{ISSUER}/v2/oauth2/authorize"),
        "token_endpoint": format!("{ISSUER}/v2/oauth2/token"),
        "id_token_signing_alg_values_supported": algs,
        "scopes_supported": ["openid", "email", "profile"],
    })
}

pub fn config(algs: &[&str]) -> OpenIdConfiguration {
    serde_json::from_value(config_json(algs, &format!("{ISSUER}/jwk.json"))).unwrap()
}

pub fn jwks(keys: &[Value]) -> Value {
    json!({ "keys": keys })
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
