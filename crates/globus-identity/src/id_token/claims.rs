//! ID-token claims: the typed view, and the checks, done on the raw claims.
//!
//! The checks read the raw JSON themselves instead of trusting a JWT library's validation: a
//! claim of the wrong type is an error, never "absent" (the CVE-2026-25537 pattern).

use globus_core::secret::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The claims of a verified Globus ID token.
///
/// Security-relevant claims are typed and required (`sub`, `iss`, `aud`, `exp`, `iat`);
/// Globus's profile claims are optional. Every claim, modelled or not, is in
/// [`raw`](Self::raw).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct IdTokenClaims {
    /// The identity id of the user who logged in.
    pub sub: String,
    /// The issuer (`https://auth.globus.org`).
    pub iss: String,
    /// The audiences (a single `aud` string becomes a one-element list).
    pub aud: Vec<String>,
    /// Expiry, Unix seconds.
    pub exp: i64,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Not before, Unix seconds.
    pub nbf: Option<i64>,
    /// The authorized party.
    pub azp: Option<String>,
    /// The username.
    pub preferred_username: Option<String>,
    /// The user's name.
    pub name: Option<String>,
    /// The user's email.
    pub email: Option<String>,
    /// The user's organization.
    pub organization: Option<String>,
    /// The identity provider's id.
    pub identity_provider: Option<String>,
    /// The identity provider's name.
    pub identity_provider_display_name: Option<String>,
    /// Every identity linked to the user (with the `view_identity_set` scope).
    pub identity_set: Option<Vec<LinkedIdentity>>,
    /// When the user last authenticated, Unix seconds.
    pub last_authentication: Option<i64>,
    /// The access-token hash.
    pub at_hash: Option<String>,
    /// The nonce sent with the login, if any.
    pub nonce: Option<String>,
    raw: Map<String, Value>,
}

impl IdTokenClaims {
    /// Every claim, as JSON.
    pub fn raw(&self) -> &Map<String, Value> {
        &self.raw
    }

    /// One claim, as JSON.
    pub fn get(&self, claim: &str) -> Option<&Value> {
        self.raw.get(claim)
    }
}

/// One entry of a Globus ID token's `identity_set`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LinkedIdentity {
    /// The identity id.
    pub sub: String,
    /// The username.
    #[serde(default)]
    pub username: Option<String>,
    /// The name.
    #[serde(default)]
    pub name: Option<String>,
    /// The email.
    #[serde(default)]
    pub email: Option<String>,
    /// The organization.
    #[serde(default)]
    pub organization: Option<String>,
    /// The identity provider's id.
    #[serde(default)]
    pub identity_provider: Option<String>,
    /// The identity provider's name.
    #[serde(default)]
    pub identity_provider_display_name: Option<String>,
    /// When this identity last authenticated, Unix seconds.
    #[serde(default)]
    pub last_authentication: Option<i64>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What the claims are checked against.
#[derive(Debug)]
pub(crate) struct ClaimRules<'a> {
    pub(crate) audiences: &'a [String],
    pub(crate) trusted_audiences: &'a [String],
    /// `None`: the issuer check is disabled.
    pub(crate) issuer: Option<&'a str>,
    pub(crate) leeway: i64,
    pub(crate) now: i64,
    pub(crate) check_expiry: bool,
    pub(crate) nonce: Option<&'a SecretString>,
}

fn invalid(claim: &'static str, reason: &'static str) -> Error {
    Error::InvalidClaim { claim, reason }
}

/// A NumericDate: an integer JSON number. Strings, floats (`1.5e10`), `null` and booleans
/// are errors, not "absent".
fn numeric_date(claims: &Map<String, Value>, claim: &'static str) -> Result<Option<i64>> {
    match claims.get(claim) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| invalid(claim, "not an integer number of seconds")),
        Some(_) => Err(invalid(claim, "not a number")),
    }
}

/// A string claim whose type matters: `null` is an error too.
fn strict_string(claims: &Map<String, Value>, claim: &'static str) -> Result<Option<String>> {
    match claims.get(claim) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(claim, "not a string")),
    }
}

/// A profile claim: Globus sends `null` for unknown values.
fn profile_string(claims: &Map<String, Value>, claim: &'static str) -> Result<Option<String>> {
    match claims.get(claim) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(claim, "not a string")),
    }
}

fn audiences(claims: &Map<String, Value>) -> Result<Vec<String>> {
    match claims.get("aud") {
        None => Err(Error::MissingClaim("aud")),
        Some(Value::String(aud)) => Ok(vec![aud.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| invalid("aud", "not a string or a list of strings"))
            })
            .collect(),
        Some(_) => Err(invalid("aud", "not a string or a list of strings")),
    }
}

/// Checks the claims and builds the typed view.
pub(crate) fn validate(
    claims: Map<String, Value>,
    rules: &ClaimRules<'_>,
) -> Result<IdTokenClaims> {
    let sub = strict_string(&claims, "sub")?.ok_or(Error::MissingClaim("sub"))?;
    if sub.is_empty() {
        return Err(invalid("sub", "empty"));
    }

    let iss = strict_string(&claims, "iss")?;
    let iss = match (rules.issuer, iss) {
        (Some(_), None) => return Err(Error::MissingClaim("iss")),
        (Some(expected), Some(found)) if found != expected => {
            return Err(Error::WrongIssuer {
                expected: expected.to_owned(),
                found,
            });
        }
        (_, iss) => iss.unwrap_or_default(),
    };

    let aud = audiences(&claims)?;
    if aud.is_empty() {
        return Err(Error::WrongAudience(
            "the aud claim is an empty list".into(),
        ));
    }
    if !aud.iter().any(|a| rules.audiences.contains(a)) {
        return Err(Error::WrongAudience(
            "aud does not contain this client's id".into(),
        ));
    }
    if aud
        .iter()
        .any(|a| !rules.audiences.contains(a) && !rules.trusted_audiences.contains(a))
    {
        return Err(Error::WrongAudience(
            "aud contains an audience that is not trusted".into(),
        ));
    }
    let azp = strict_string(&claims, "azp")?;
    if let Some(azp) = &azp
        && !rules.audiences.contains(azp)
    {
        return Err(Error::WrongAuthorizedParty);
    }

    let exp = numeric_date(&claims, "exp")?.ok_or(Error::MissingClaim("exp"))?;
    let iat = numeric_date(&claims, "iat")?.ok_or(Error::MissingClaim("iat"))?;
    let nbf = numeric_date(&claims, "nbf")?;
    let (now, leeway) = (rules.now, rules.leeway);
    // RFC 7519: the token must not be accepted on or after `exp` (PyJWT's rule, with leeway).
    if rules.check_expiry && now >= exp.saturating_add(leeway) {
        return Err(Error::Expired { exp, now, leeway });
    }
    if iat > now.saturating_add(leeway) {
        return Err(Error::IssuedInFuture { iat, now, leeway });
    }
    if let Some(nbf) = nbf
        && nbf > now.saturating_add(leeway)
    {
        return Err(Error::NotYetValid { nbf, now, leeway });
    }

    let nonce = strict_string(&claims, "nonce")?;
    if let Some(expected) = rules.nonce {
        match &nonce {
            Some(found) if expected.ct_eq(found) => {}
            _ => return Err(Error::NonceMismatch),
        }
    }

    let identity_set = match claims.get("identity_set") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            Vec::<LinkedIdentity>::deserialize(value)
                .map_err(|_| invalid("identity_set", "not a list of identities"))?,
        ),
    };
    let last_authentication = match claims.get("last_authentication") {
        None | Some(Value::Null) => None,
        Some(_) => numeric_date(&claims, "last_authentication")?,
    };

    Ok(IdTokenClaims {
        sub,
        iss,
        aud,
        exp,
        iat,
        nbf,
        azp,
        preferred_username: profile_string(&claims, "preferred_username")?,
        name: profile_string(&claims, "name")?,
        email: profile_string(&claims, "email")?,
        organization: profile_string(&claims, "organization")?,
        identity_provider: profile_string(&claims, "identity_provider")?,
        identity_provider_display_name: profile_string(&claims, "identity_provider_display_name")?,
        identity_set,
        last_authentication,
        at_hash: strict_string(&claims, "at_hash")?,
        nonce,
        raw: claims,
    })
}
