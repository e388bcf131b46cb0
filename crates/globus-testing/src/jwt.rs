//! RSA signing keys, the served JWKS, and ID-token signing.

use aws_lc_rs::digest;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _};
use serde_json::{Value, json};

use crate::error::Error;
use crate::util::b64url;

/// The JWS algorithm the fake signs ID tokens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-512, what Globus Auth uses in production.
    #[default]
    Rs512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
}

impl SigningAlgorithm {
    /// The JOSE name: `RS512` or `RS256`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rs512 => "RS512",
            Self::Rs256 => "RS256",
        }
    }

    fn encoding(self) -> &'static signature::RsaSignatureEncoding {
        match self {
            Self::Rs512 => &signature::RSA_PKCS1_SHA512,
            Self::Rs256 => &signature::RSA_PKCS1_SHA256,
        }
    }

    fn digest(self) -> &'static digest::Algorithm {
        match self {
            Self::Rs512 => &digest::SHA512,
            Self::Rs256 => &digest::SHA256,
        }
    }
}

struct SigningKey {
    pair: KeyPair,
    kid: Option<String>,
    n: String,
    e: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("n", &self.n)
            .finish_non_exhaustive()
    }
}

/// The fake's keys: the newest one signs and comes first in the JWKS.
#[derive(Debug)]
pub(crate) struct KeySet {
    alg: SigningAlgorithm,
    with_kid: bool,
    keys: Vec<SigningKey>,
}

impl KeySet {
    pub(crate) fn generate(alg: SigningAlgorithm, with_kid: bool) -> Result<Self, Error> {
        let mut set = Self {
            alg,
            with_kid,
            keys: Vec::new(),
        };
        set.rotate()?;
        Ok(set)
    }

    /// Adds a freshly generated key and makes it the signing key. Returns its `kid`, if kids
    /// are in use.
    pub(crate) fn rotate(&mut self) -> Result<Option<String>, Error> {
        let pair = KeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| Error::Crypto("RSA-2048 key generation failed".into()))?;
        let public = pair.public_key();
        let n = b64url(public.modulus().big_endian_without_leading_zero());
        let e = b64url(public.exponent().big_endian_without_leading_zero());
        let kid = self
            .with_kid
            .then(|| format!("globus-testing-{}", self.keys.len() + 1));
        self.keys.insert(
            0,
            SigningKey {
                pair,
                kid: kid.clone(),
                n,
                e,
            },
        );
        Ok(kid)
    }

    pub(crate) fn algorithm(&self) -> SigningAlgorithm {
        self.alg
    }

    /// The JWKS document served at `/jwk.json`.
    pub(crate) fn jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .map(|k| {
                let mut jwk = json!({
                    "alg": self.alg.as_str(),
                    "e": k.e,
                    "kty": "RSA",
                    "n": k.n,
                    "use": "sig",
                });
                if let (Some(kid), Some(obj)) = (&k.kid, jwk.as_object_mut()) {
                    obj.insert("kid".into(), Value::String(kid.clone()));
                }
                jwk
            })
            .collect();
        json!({ "keys": keys })
    }

    /// Signs `claims` as a compact JWS with the current key.
    pub(crate) fn sign(&self, claims: &Value) -> Result<String, Error> {
        let key = self
            .keys
            .first()
            .ok_or_else(|| Error::Crypto("no signing key".into()))?;
        let mut header = json!({ "alg": self.alg.as_str(), "typ": "JWT" });
        if let (Some(kid), Some(obj)) = (&key.kid, header.as_object_mut()) {
            obj.insert("kid".into(), Value::String(kid.clone()));
        }
        let signing_input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(claims.to_string().as_bytes())
        );
        let mut sig = vec![0u8; key.pair.public_modulus_len()];
        key.pair
            .sign(
                self.alg.encoding(),
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut sig,
            )
            .map_err(|_| Error::Crypto("RSA signing failed".into()))?;
        Ok(format!("{signing_input}.{}", b64url(&sig)))
    }

    /// OIDC `at_hash`: base64url of the left half of the access token's digest.
    pub(crate) fn at_hash(&self, access_token: &str) -> String {
        let d = digest::digest(self.alg.digest(), access_token.as_bytes());
        let bytes = d.as_ref();
        b64url(&bytes[..bytes.len() / 2])
    }
}
