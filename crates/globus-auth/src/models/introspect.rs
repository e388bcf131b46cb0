//! Token introspection (`POST /v2/oauth2/token/introspect`, RFC 7662).

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Extra;

/// What Globus Auth says about a token (`oauth2_token_introspect`).
///
/// `active` is required and must be a boolean: a body without it, or with another type,
/// is a decoding error — never mistaken for "inactive". When `active` is `false` every
/// other member is ignored (RFC 7662 §2.2), so an inactive token never carries a scope,
/// an expiry or an identity. Members of the wrong type are errors; unknown members are
/// kept in `extra`.
///
/// ```
/// use globus_auth::models::IntrospectResponse;
///
/// let inactive: IntrospectResponse =
///     serde_json::from_str(r#"{"active": false, "scope": "ignored", "exp": 1}"#)?;
/// assert!(!inactive.active && inactive.scope.is_none() && inactive.exp.is_none());
/// assert!(serde_json::from_str::<IntrospectResponse>(r#"{"scope": "x"}"#).is_err());
/// assert!(serde_json::from_str::<IntrospectResponse>(r#"{"active": "false"}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct IntrospectResponse {
    /// Whether the token is active (known, unexpired, unrevoked).
    pub active: bool,
    /// The token type (`Bearer`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// The token's scopes, space-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The client the token was issued to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The username of the identity the token acts for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// That identity's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// That identity's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Expiry, in Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// Issue time, in Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Not-before time, in Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// The identity id the token acts for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The audiences (resource servers and client); a single string is read as a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<Vec<String>>,
    /// The issuer (`https://auth.globus.org`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// The ids of every identity linked to the user (with `include=identity_set`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_set: Option<Vec<String>>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Deserialize)]
struct ActiveToken {
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    exp: Option<i64>,
    #[serde(default)]
    iat: Option<i64>,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default, deserialize_with = "string_or_list")]
    aud: Option<Vec<String>>,
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    identity_set: Option<Vec<String>>,
    #[serde(flatten)]
    extra: Extra,
}

fn string_or_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => None,
        Some(OneOrMany::One(aud)) => Some(vec![aud]),
        Some(OneOrMany::Many(list)) => Some(list),
    })
}

impl<'de> Deserialize<'de> for IntrospectResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut object = Map::<String, Value>::deserialize(deserializer)?;
        let active = match object.remove("active") {
            Some(Value::Bool(active)) => active,
            Some(_) => return Err(de::Error::custom("`active` must be a boolean")),
            None => return Err(de::Error::missing_field("active")),
        };
        if !active {
            return Ok(Self::default());
        }
        let token = ActiveToken::deserialize(Value::Object(object))
            .map_err(|err| de::Error::custom(format!("introspection response: {err}")))?;
        Ok(Self {
            active: true,
            token_type: token.token_type,
            scope: token.scope,
            client_id: token.client_id,
            username: token.username,
            name: token.name,
            email: token.email,
            exp: token.exp,
            iat: token.iat,
            nbf: token.nbf,
            sub: token.sub,
            aud: token.aud,
            iss: token.iss,
            identity_set: token.identity_set,
            extra: token.extra,
        })
    }
}

impl IntrospectResponse {
    /// The token's scopes, one by one (none for an inactive token).
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.iter().flat_map(|s| s.split_whitespace())
    }
}
