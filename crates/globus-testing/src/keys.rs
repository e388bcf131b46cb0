//! RSA keys and JSON Web Tokens for tests: keys generated in the test, their JWKs, tokens
//! signed with RS256/RS384/RS512 or "signed" with HMAC (for algorithm-confusion tests), and
//! the public key as DER or PEM.
//!
//! The fake Globus Auth signs its ID tokens with these keys; a test that verifies tokens
//! itself (an `IdTokenDecoder` set up offline, say) can forge any token it needs.
//!
//! ```
//! use globus_testing::keys::{TestKey, jose_header};
//! use serde_json::json;
//!
//! let key = TestKey::generate();
//! let token = key.sign(&jose_header("RS256"), &json!({"sub": "ada"}));
//! assert_eq!(token.split('.').count(), 3);
//! let jwks = json!({ "keys": [key.jwk(Some("k1"), Some("RS256"))] });
//! assert_eq!(jwks["keys"][0]["n"], key.n.as_str());
//! ```

use std::fmt;

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::error::Error;

/// Base64url without padding, as JOSE writes every binary value.
pub fn b64url(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// A JOSE header as Globus writes it: `typ` and `alg`, no `kid`.
pub fn jose_header(alg: &str) -> Value {
    json!({"typ": "JWT", "alg": alg})
}

/// A JOSE header with a `kid`.
pub fn jose_header_with_kid(alg: &str, kid: &str) -> Value {
    json!({"typ": "JWT", "alg": alg, "kid": kid})
}

/// `header.claims.tag`, where the tag is an HMAC (`HS256`, `HS384` or `HS512`) keyed with
/// `secret`: what an attacker sends when they hope a verifier will use public-key material
/// as an HMAC secret.
pub fn hmac_token(alg: &str, secret: &[u8], claims: &Value) -> String {
    use aws_lc_rs::hmac;
    let algorithm = match alg {
        "HS384" => hmac::HMAC_SHA384,
        "HS512" => hmac::HMAC_SHA512,
        _ => hmac::HMAC_SHA256,
    };
    let input = format!(
        "{}.{}",
        b64url(jose_header(alg).to_string().as_bytes()),
        b64url(claims.to_string().as_bytes())
    );
    let tag = hmac::sign(&hmac::Key::new(algorithm, secret), input.as_bytes());
    format!("{input}.{}", b64url(tag.as_ref()))
}

/// An OpenID Provider configuration document as Globus Auth serves it (the fields the SDK
/// reads), for `issuer`, signing with `algs`, its keys at `jwks_uri`.
pub fn openid_configuration_json(issuer: &str, algs: &[&str], jwks_uri: &str) -> Value {
    json!({
        "issuer": issuer,
        "jwks_uri": jwks_uri,
        "authorization_endpoint": format!("{issuer}/v2/oauth2/authorize"),
        "token_endpoint": format!("{issuer}/v2/oauth2/token"),
        "id_token_signing_alg_values_supported": algs,
        "scopes_supported": ["openid", "email", "profile"],
    })
}

/// A JWK Set document: `{"keys": [...]}`.
pub fn jwks(keys: &[Value]) -> Value {
    json!({ "keys": keys })
}

/// An RSA-2048 key pair generated in the test (never one that exists anywhere else).
///
/// The panicking methods ([`generate`](Self::generate), [`sign`](Self::sign), …) fail only
/// if the crypto library itself is broken, which no test can carry on from; the fake Globus
/// Auth uses the fallible [`try_generate`](Self::try_generate) and
/// [`try_sign_raw`](Self::try_sign_raw).
pub struct TestKey {
    pair: KeyPair,
    /// The modulus, base64url (the JWK's `n`).
    pub n: String,
    /// The public exponent, base64url (the JWK's `e`).
    pub e: String,
}

impl fmt::Debug for TestKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestKey")
            .field("n", &self.n)
            .field("e", &self.e)
            .finish_non_exhaustive()
    }
}

impl TestKey {
    /// Generates a key.
    ///
    /// # Errors
    /// [`Error::Crypto`] when the crypto library cannot generate one.
    pub fn try_generate() -> Result<Self, Error> {
        let pair = KeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| Error::Crypto("RSA-2048 key generation failed".into()))?;
        let public = pair.public_key();
        let n = b64url(public.modulus().big_endian_without_leading_zero());
        let e = b64url(public.exponent().big_endian_without_leading_zero());
        Ok(Self { pair, n, e })
    }

    /// Generates a key (slow in debug builds: generate once per test binary).
    ///
    /// # Panics
    /// If the crypto library cannot generate a key.
    pub fn generate() -> Self {
        Self::try_generate().unwrap_or_else(|err| panic!("{err}"))
    }

    /// The public key as a JWK, with a `kid` and an `alg` if given.
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

    /// `header.claims.signature`, signed with RSASSA-PKCS1-v1_5 for the header's `alg`
    /// (`RS256` when it names none or another).
    ///
    /// # Panics
    /// If the crypto library cannot sign.
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let alg = header["alg"].as_str().unwrap_or("RS256");
        self.sign_raw(alg, &header.to_string(), &claims.to_string())
    }

    /// Signs arbitrary header and claims text (duplicate keys, odd spacing, not JSON at all).
    ///
    /// # Panics
    /// If the crypto library cannot sign.
    pub fn sign_raw(&self, alg: &str, header_json: &str, claims_json: &str) -> String {
        self.try_sign_raw(alg, header_json, claims_json)
            .unwrap_or_else(|err| panic!("{err}"))
    }

    /// [`sign_raw`](Self::sign_raw), reporting a failure.
    ///
    /// # Errors
    /// [`Error::Crypto`] when the crypto library cannot sign.
    pub fn try_sign_raw(
        &self,
        alg: &str,
        header_json: &str,
        claims_json: &str,
    ) -> Result<String, Error> {
        let input = format!(
            "{}.{}",
            b64url(header_json.as_bytes()),
            b64url(claims_json.as_bytes())
        );
        let signature = self.try_raw_signature(alg, input.as_bytes())?;
        Ok(format!("{input}.{}", b64url(&signature)))
    }

    /// The RSASSA-PKCS1-v1_5 signature of `message` (`alg` `RS384`, `RS512`, else SHA-256).
    ///
    /// # Panics
    /// If the crypto library cannot sign.
    pub fn raw_signature(&self, alg: &str, message: &[u8]) -> Vec<u8> {
        self.try_raw_signature(alg, message)
            .unwrap_or_else(|err| panic!("{err}"))
    }

    fn try_raw_signature(&self, alg: &str, message: &[u8]) -> Result<Vec<u8>, Error> {
        let encoding: &'static dyn signature::RsaEncoding = match alg {
            "RS384" => &signature::RSA_PKCS1_SHA384,
            "RS512" => &signature::RSA_PKCS1_SHA512,
            _ => &signature::RSA_PKCS1_SHA256,
        };
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(encoding, &SystemRandom::new(), message, &mut sig)
            .map_err(|_| Error::Crypto("RSA signing failed".into()))?;
        Ok(sig)
    }

    /// The public key, DER (SubjectPublicKeyInfo).
    ///
    /// # Panics
    /// If the crypto library cannot encode it.
    pub fn public_der(&self) -> Vec<u8> {
        match self.pair.public_key().as_der() {
            Ok(der) => der.as_ref().to_vec(),
            Err(_) => panic!("the public key could not be DER-encoded"),
        }
    }

    /// The public key, PEM (`-----BEGIN PUBLIC KEY-----`, 64 characters a line).
    pub fn public_pem(&self) -> String {
        let body = STANDARD.encode(self.public_der());
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            // Base64 is ASCII: every chunk is valid UTF-8.
            .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
            .collect();
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        )
    }

    /// The modulus, big-endian bytes.
    pub fn modulus(&self) -> Vec<u8> {
        self.pair
            .public_key()
            .modulus()
            .big_endian_without_leading_zero()
            .to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_compact_jws_with_the_header_and_claims_given() {
        let key = TestKey::generate();
        let token = key.sign(&jose_header_with_kid("RS512", "k"), &json!({"sub": "x"}));
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header, json!({"typ": "JWT", "alg": "RS512", "kid": "k"}));
        // 2048-bit RSA: a 256-byte signature.
        assert_eq!(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().len(), 256);
        assert!(key.public_pem().starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(b64url(&key.modulus()), key.n);
        assert!(!format!("{key:?}").contains("pair"));
        let hmac = hmac_token("HS256", b"secret", &json!({}));
        assert_eq!(hmac.split('.').count(), 3);
    }
}
