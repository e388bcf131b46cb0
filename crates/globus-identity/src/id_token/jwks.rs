//! The key set: parsing a JWKS into RSA verification keys, and choosing keys for a token.

use std::fmt;

use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

use super::jws::allowed_algorithm;
use crate::error::{Error, Result};

/// The smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;
/// The largest RSA modulus accepted, in bits (aws-lc-rs verifies up to 8192).
pub const MAX_RSA_BITS: usize = 8192;

/// Key material comes from the trusted key set, where padding is harmless: accept it.
const KEY_B64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Limits on a key set, checked before it is parsed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeySetLimits {
    pub(crate) max_bytes: usize,
    pub(crate) max_keys: usize,
}

/// One usable RSA verification key.
pub(crate) struct VerifyingKey {
    pub(crate) kid: Option<String>,
    /// The key's own `alg`, when it names one: the key is then used with that algorithm
    /// only.
    pub(crate) alg: Option<Algorithm>,
    pub(crate) key: DecodingKey,
    pub(crate) bits: usize,
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("bits", &self.bits)
            .finish()
    }
}

/// The usable keys of a JWKS. Unusable keys are skipped, not fatal.
#[derive(Debug)]
pub(crate) struct KeySet {
    pub(crate) keys: Vec<VerifyingKey>,
    pub(crate) skipped: usize,
}

impl KeySet {
    /// Parses a JWKS document, enforcing the limits first.
    pub(crate) fn parse(body: &[u8], limits: KeySetLimits) -> Result<Self> {
        if body.len() > limits.max_bytes {
            return Err(Error::TooLarge {
                what: "key set",
                size: body.len(),
                limit: limits.max_bytes,
            });
        }
        let json: Value = serde_json::from_slice(body)
            .map_err(|_| Error::KeySet("the key set is not JSON".into()))?;
        Self::from_json(&json, limits)
    }

    /// Builds the key set from a parsed JWKS document.
    pub(crate) fn from_json(json: &Value, limits: KeySetLimits) -> Result<Self> {
        let keys = json
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::KeySet("not a JWKS: no \"keys\" array".into()))?;
        if keys.len() > limits.max_keys {
            return Err(Error::KeySet(format!(
                "{} keys, over the limit of {}",
                keys.len(),
                limits.max_keys
            )));
        }
        let mut set = KeySet {
            keys: Vec::new(),
            skipped: 0,
        };
        for (index, jwk) in keys.iter().enumerate() {
            match parse_key(jwk) {
                Ok(key) => set.keys.push(key),
                Err(reason) => {
                    tracing::debug!(index, reason, "skipping a key of the key set");
                    set.skipped += 1;
                }
            }
        }
        if set.keys.is_empty() {
            return Err(Error::KeySet(format!(
                "no usable RSA signing key ({} skipped)",
                set.skipped
            )));
        }
        Ok(set)
    }

    /// The keys that may verify a token with this `kid` (or none) and `alg`: matching `kid`
    /// when the token has one, every key otherwise; and the key's own `alg`, if any, must be
    /// the token's.
    pub(crate) fn candidates(&self, kid: Option<&str>, alg: Algorithm) -> Vec<&VerifyingKey> {
        self.keys
            .iter()
            .filter(|k| kid.is_none() || k.kid.as_deref() == kid)
            .filter(|k| k.alg.is_none_or(|a| a == alg))
            .collect()
    }
}

fn parse_key(jwk: &Value) -> std::result::Result<VerifyingKey, &'static str> {
    let text = |name: &str| -> std::result::Result<Option<&str>, &'static str> {
        match jwk.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err("a member has the wrong type"),
        }
    };
    if !jwk.is_object() {
        return Err("not an object");
    }
    if text("kty")? != Some("RSA") {
        return Err("not an RSA key");
    }
    if text("use")?.is_some_and(|u| u != "sig") {
        return Err("not a signing key (use)");
    }
    if let Some(ops) = jwk.get("key_ops") {
        let verifies = ops
            .as_array()
            .is_some_and(|ops| ops.iter().any(|op| op.as_str() == Some("verify")));
        if !verifies {
            return Err("key_ops does not allow verify");
        }
    }
    let alg = match text("alg")? {
        None => None,
        Some(name) => Some(allowed_algorithm(name).ok_or("its alg is not RS256/RS384/RS512")?),
    };
    let kid = text("kid")?.map(str::to_owned);
    let n = KEY_B64
        .decode(text("n")?.ok_or("no modulus")?)
        .map_err(|_| "the modulus is not base64url")?;
    let e = KEY_B64
        .decode(text("e")?.ok_or("no exponent")?)
        .map_err(|_| "the exponent is not base64url")?;
    let n = strip_leading_zeros(&n);
    let e = strip_leading_zeros(&e);
    let bits = bit_length(n);
    if bits < MIN_RSA_BITS {
        return Err("the modulus is under 2048 bits");
    }
    if bits > MAX_RSA_BITS {
        return Err("the modulus is over 8192 bits");
    }
    // A sane public exponent: odd, at least 3, at most 32 bits (65537 in practice).
    let odd = e.last().is_some_and(|b| b & 1 == 1);
    if e.is_empty() || e.len() > 4 || !odd || e == [1] {
        return Err("the exponent is not a sane RSA public exponent");
    }
    Ok(VerifyingKey {
        kid,
        alg,
        key: DecodingKey::from_rsa_raw_components(n, e),
        bits,
    })
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

fn bit_length(big_endian: &[u8]) -> usize {
    match big_endian.first() {
        None => 0,
        Some(first) => big_endian.len() * 8 - first.leading_zeros() as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0x80, 0]), 16);
        assert_eq!(strip_leading_zeros(&[0, 0, 5]), &[5]);
    }

    #[test]
    fn limits_are_enforced_before_parsing() {
        let limits = KeySetLimits {
            max_bytes: 10,
            max_keys: 1,
        };
        assert!(matches!(
            KeySet::parse(&[b' '; 11], limits),
            Err(Error::TooLarge { .. })
        ));
        let limits = KeySetLimits {
            max_bytes: 1000,
            max_keys: 1,
        };
        let two = br#"{"keys": [{"kty": "RSA"}, {"kty": "RSA"}]}"#;
        assert!(matches!(KeySet::parse(two, limits), Err(Error::KeySet(_))));
        assert!(matches!(
            KeySet::parse(b"<html>", limits),
            Err(Error::KeySet(_))
        ));
        assert!(matches!(
            KeySet::parse(b"{}", limits),
            Err(Error::KeySet(_))
        ));
    }
}
