//! OpenID Connect: discovery document, key set and userinfo.

use serde::{Deserialize, Serialize};

use super::Extra;

/// The OpenID Connect discovery document (`GET /.well-known/openid-configuration`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpenIdConfiguration {
    /// The issuer identifier (`https://auth.globus.org` in production).
    pub issuer: String,
    /// Where the key set is.
    pub jwks_uri: String,
    /// The authorization endpoint.
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    /// The token endpoint.
    #[serde(default)]
    pub token_endpoint: Option<String>,
    /// The userinfo endpoint.
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    /// The revocation endpoint.
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    /// The introspection endpoint.
    #[serde(default)]
    pub introspection_endpoint: Option<String>,
    /// The algorithms ID tokens may be signed with (Globus production: `RS512`).
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// Supported scopes.
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    /// Supported claims.
    #[serde(default)]
    pub claims_supported: Vec<String>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A JSON Web Key Set (`GET <jwks_uri>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JwkSet {
    /// The keys.
    pub keys: Vec<Jwk>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One JSON Web Key. Only public-key members are modelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Jwk {
    /// Key type (`RSA`).
    pub kty: String,
    /// Key id, if any (Globus sends none).
    #[serde(default)]
    pub kid: Option<String>,
    /// The algorithm the key is meant for.
    #[serde(default)]
    pub alg: Option<String>,
    /// What the key is for (`sig`).
    #[serde(default, rename = "use")]
    pub key_use: Option<String>,
    /// RSA modulus, base64url.
    #[serde(default)]
    pub n: Option<String>,
    /// RSA public exponent, base64url.
    #[serde(default)]
    pub e: Option<String>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of `GET /v2/oauth2/userinfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserInfo {
    /// The identity id of the user.
    pub sub: String,
    /// The username.
    #[serde(default)]
    pub preferred_username: Option<String>,
    /// The user's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The user's email.
    #[serde(default)]
    pub email: Option<String>,
    /// The user's organization.
    #[serde(default)]
    pub organization: Option<String>,
    /// The identity provider's id.
    #[serde(default)]
    pub identity_provider: Option<String>,
    /// The identity provider's display name.
    #[serde(default)]
    pub identity_provider_display_name: Option<String>,
    /// Every identity linked to the user (with the `view_identity_set` scope).
    #[serde(default)]
    pub identity_set: Option<Vec<serde_json::Value>>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}
