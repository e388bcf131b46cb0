//! RSA signing keys, the served JWKS, and ID-token signing.

use aws_lc_rs::digest;
use serde_json::{Value, json};

use crate::error::Error;
use crate::keys::{TestKey, b64url};

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

    fn digest(self) -> &'static digest::Algorithm {
        match self {
            Self::Rs512 => &digest::SHA512,
            Self::Rs256 => &digest::SHA256,
        }
    }
}

#[derive(Debug)]
struct SigningKey {
    key: TestKey,
    kid: Option<String>,
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
        let key = TestKey::try_generate()?;
        let kid = self
            .with_kid
            .then(|| format!("globus-testing-{}", self.keys.len() + 1));
        self.keys.insert(
            0,
            SigningKey {
                key,
                kid: kid.clone(),
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
            .map(|k| k.key.jwk(k.kid.as_deref(), Some(self.alg.as_str())))
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
        key.key
            .try_sign_raw(self.alg.as_str(), &header.to_string(), &claims.to_string())
    }

    /// OIDC `at_hash`: base64url of the left half of the access token's digest.
    pub(crate) fn at_hash(&self, access_token: &str) -> String {
        let d = digest::digest(self.alg.digest(), access_token.as_bytes());
        let bytes = d.as_ref();
        b64url(&bytes[..bytes.len() / 2])
    }
}
