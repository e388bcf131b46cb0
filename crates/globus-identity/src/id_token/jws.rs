//! Strict parsing of a compact JWS (`header.payload.signature`), before any key is used.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use serde::Deserializer as _;
use serde::de::{self, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Maps a JOSE `alg` name to one of the algorithms this crate ever accepts for ID tokens:
/// RS256, RS384, RS512. The token's `alg` must be one of these *and* listed by the OpenID
/// configuration; `none`, HMAC and everything else are refused before a key is looked at.
pub(crate) fn allowed_algorithm(name: &str) -> Option<Algorithm> {
    match name {
        "RS256" => Some(Algorithm::RS256),
        "RS384" => Some(Algorithm::RS384),
        "RS512" => Some(Algorithm::RS512),
        _ => None,
    }
}

/// Size limits applied before decoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenLimits {
    pub(crate) max_token: usize,
    pub(crate) max_header: usize,
}

/// A parsed token: nothing in it is trusted yet.
pub(crate) struct Jws<'a> {
    /// `header.payload`, exactly as received (the signature covers these bytes).
    pub(crate) signing_input: &'a str,
    /// The signature segment (strictly base64url, already checked).
    pub(crate) signature: &'a str,
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<String>,
    pub(crate) claims: Map<String, Value>,
}

impl fmt::Debug for Jws<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the token or its claims.
        f.debug_struct("Jws")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::Malformed(reason.into())
}

/// Parses `token`: size first, then structure, then the header (whose `alg` must be an
/// allowed algorithm), then the claims.
pub(crate) fn parse(token: &str, limits: TokenLimits) -> Result<Jws<'_>> {
    if token.len() > limits.max_token {
        return Err(Error::TooLarge {
            what: "ID token",
            size: token.len(),
            limit: limits.max_token,
        });
    }
    if let Some(bad) = token
        .bytes()
        .find(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'))
    {
        return Err(malformed(if bad == b'=' {
            "base64url padding ('=') is not allowed".to_owned()
        } else if bad.is_ascii_whitespace() {
            "the token contains whitespace".to_owned()
        } else {
            "the token contains characters outside base64url".to_owned()
        }));
    }
    let segments: Vec<&str> = token.split('.').collect();
    match segments.len() {
        3 => {}
        5 => {
            return Err(Error::UnsupportedHeader(
                "encrypted ID tokens (JWE) are not supported".into(),
            ));
        }
        n => return Err(malformed(format!("{n} segments, expected 3"))),
    }
    let (header_b64, payload_b64, signature) = (segments[0], segments[1], segments[2]);
    if header_b64.len() > limits.max_header {
        return Err(Error::TooLarge {
            what: "ID token header",
            size: header_b64.len(),
            limit: limits.max_header,
        });
    }
    if header_b64.is_empty() || payload_b64.is_empty() {
        return Err(malformed("empty header or payload segment"));
    }

    let header = decode_object(header_b64, "header")?;
    let (alg, kid) = check_header(&header)?;

    let claims = decode_object(payload_b64, "payload")?;
    URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| malformed("the signature is not canonical base64url"))?;
    let signing_input = &token[..header_b64.len() + 1 + payload_b64.len()];
    Ok(Jws {
        signing_input,
        signature,
        alg,
        kid,
        claims,
    })
}

/// Checks the JOSE header: refuses what this decoder never does, ignores key-bearing
/// members (`jku`, `x5u`, `jwk`, `x5c`: keys only ever come from the trusted key set), and
/// maps `alg` through the compiled allow-list.
fn check_header(header: &Map<String, Value>) -> Result<(Algorithm, Option<String>)> {
    let alg = match header.get("alg") {
        Some(Value::String(alg)) => alg,
        Some(_) => return Err(malformed("the header's alg is not a string")),
        None => return Err(malformed("the header has no alg")),
    };
    if header.contains_key("enc") {
        return Err(Error::UnsupportedHeader(
            "encrypted ID tokens (JWE) are not supported".into(),
        ));
    }
    let alg = allowed_algorithm(alg)
        .ok_or_else(|| Error::DisallowedAlgorithm(alg.chars().take(32).collect()))?;
    for member in ["crit", "cty", "zip"] {
        if header.contains_key(member) {
            return Err(Error::UnsupportedHeader(format!(
                "the header member {member:?} is not supported"
            )));
        }
    }
    match header.get("typ") {
        None => {}
        Some(Value::String(typ))
            if typ.eq_ignore_ascii_case("JWT") || typ.eq_ignore_ascii_case("application/jwt") => {}
        Some(_) => {
            return Err(Error::UnsupportedHeader(
                "typ must be JWT when present".into(),
            ));
        }
    }
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(kid)) if kid.len() <= 1024 => Some(kid.clone()),
        Some(_) => return Err(malformed("the header's kid is not a short string")),
    };
    Ok((alg, kid))
}

/// base64url (strict: no padding, canonical trailing bits) → UTF-8 JSON object with no
/// duplicate members.
fn decode_object(segment: &str, what: &'static str) -> Result<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| malformed(format!("the {what} is not canonical base64url")))?;
    parse_object(&bytes).map_err(|reason| malformed(format!("the {what} {reason}")))
}

/// Parses a JSON object, refusing duplicate member names (a second `exp` must not shadow
/// the first).
pub(crate) fn parse_object(bytes: &[u8]) -> std::result::Result<Map<String, Value>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8".to_owned())?;
    let mut de = serde_json::Deserializer::from_str(text);
    let map = de
        .deserialize_map(StrictObject)
        .map_err(|err| format!("is not a JSON object ({})", err.classify_reason()))?;
    de.end()
        .map_err(|_| "has trailing characters after the JSON object".to_owned())?;
    Ok(map)
}

trait ClassifyReason {
    fn classify_reason(&self) -> &'static str;
}

impl ClassifyReason for serde_json::Error {
    fn classify_reason(&self) -> &'static str {
        // The message could quote claim values; keep only its category.
        if self.to_string().contains("duplicate member") {
            "duplicate member"
        } else {
            match self.classify() {
                serde_json::error::Category::Io => "read error",
                serde_json::error::Category::Syntax => "syntax error",
                serde_json::error::Category::Data => "not an object",
                serde_json::error::Category::Eof => "truncated",
            }
        }
    }
}

struct StrictObject;

impl<'de> Visitor<'de> for StrictObject {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let value: Value = access.next_value()?;
            if map.contains_key(&key) {
                return Err(de::Error::custom("duplicate member"));
            }
            map.insert(key, value);
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_members_are_refused() {
        assert!(parse_object(br#"{"exp": 1, "exp": 2}"#).is_err());
        assert!(parse_object(br#"{"exp": 1, "iat": 2}"#).is_ok());
        assert!(parse_object(br#"[1]"#).is_err());
        assert!(parse_object(br#"{"a": 1} x"#).is_err());
        assert!(parse_object(b"{\"a\": \"\xff\"}").is_err());
    }

    #[test]
    fn allow_list_is_rsa_pkcs1_only() {
        for name in ["RS256", "RS384", "RS512"] {
            assert!(allowed_algorithm(name).is_some());
        }
        for name in [
            "none", "None", "HS256", "HS384", "HS512", "PS256", "ES256", "EdDSA", "rs256", "",
        ] {
            assert!(allowed_algorithm(name).is_none(), "{name}");
        }
    }
}
