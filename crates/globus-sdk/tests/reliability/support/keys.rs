//! RSA keys made in the tests and ID-token forging: JOSE headers, claims, RS* signatures,
//! HMAC "signatures" keyed with public-key material, offline decoders at a pinned time.

use std::sync::{Arc, OnceLock};

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use futures_util::FutureExt as _;
use globus_sdk::auth::models::OpenIdConfiguration;
use globus_sdk::core::clock::ManualClock;
use globus_sdk::identity::{IdTokenClaims, IdTokenDecoder, IdTokenDecoderBuilder};
use serde_json::{Value, json};

pub const ISSUER: &str = "https://auth.globus.org";
pub const AUDIENCE: &str = "6b0c1a8e-7f0e-4c7e-9b8e-3f1d2a4c5b6d";
/// A fixed "now": 2026-01-01T00:00:00Z.
pub const NOW: i64 = 1_767_225_600;

pub fn b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// An RSA key generated in the test.
pub struct TestKey {
    pair: KeyPair,
    pub n: String,
    pub e: String,
}

impl TestKey {
    pub fn generate(size: KeySize) -> Self {
        let pair = KeyPair::generate(size).expect("RSA key generation");
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

    /// `header.claims.signature` with RSASSA-PKCS1-v1_5 for the header's `alg`.
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let alg = header["alg"].as_str().unwrap_or("RS256");
        self.sign_raw(alg, &header.to_string(), &claims.to_string())
    }

    /// Signs arbitrary header and claims text.
    pub fn sign_raw(&self, alg: &str, header_json: &str, claims_json: &str) -> String {
        let input = format!(
            "{}.{}",
            b64(header_json.as_bytes()),
            b64(claims_json.as_bytes())
        );
        let encoding: &'static dyn signature::RsaEncoding = match alg {
            "RS384" => &signature::RSA_PKCS1_SHA384,
            "RS512" => &signature::RSA_PKCS1_SHA512,
            _ => &signature::RSA_PKCS1_SHA256,
        };
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(encoding, &SystemRandom::new(), input.as_bytes(), &mut sig)
            .expect("sign");
        format!("{input}.{}", b64(&sig))
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

/// Two 2048-bit keys, generated once per test binary (slow in debug builds).
pub fn keys() -> &'static [TestKey; 2] {
    static KEYS: OnceLock<[TestKey; 2]> = OnceLock::new();
    KEYS.get_or_init(|| {
        [
            TestKey::generate(KeySize::Rsa2048),
            TestKey::generate(KeySize::Rsa2048),
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
        "aud": AUDIENCE,
        "exp": NOW + 3600,
        "iat": NOW,
        "preferred_username": "ada@globusid.org",
        "identity_set": [{"sub": "c8aad43e-d274-11e5-bf98-8b02896cf782", "username": "ada@globusid.org"}],
    })
}

/// Globus's JOSE header: `typ` and `alg`, no `kid`.
pub fn header(alg: &str) -> Value {
    json!({"typ": "JWT", "alg": alg})
}

pub fn header_kid(alg: &str, kid: &str) -> Value {
    json!({"typ": "JWT", "alg": alg, "kid": kid})
}

/// `header.payload.` plus an HMAC tag keyed with `secret`.
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
