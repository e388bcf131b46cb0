//! Identity providers (`GET /v2/api/identity_providers`).

use serde::{Deserialize, Serialize};

use super::{Extra, iterable_response, null_as_default};

/// An identity provider: an organization whose logins Globus Auth accepts (Globus ID, a
/// university, Google, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IdentityProvider {
    /// The identity provider id (a UUID).
    pub id: String,
    /// The display name, e.g. `Globus ID`.
    #[serde(default)]
    pub name: Option<String>,
    /// The short name, e.g. `globusid`.
    #[serde(default)]
    pub short_name: Option<String>,
    /// The domains of its usernames, e.g. `["globusid.org"]`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub domains: Vec<String>,
    /// Other names the provider is known by.
    #[serde(default, deserialize_with = "null_as_default")]
    pub alternative_names: Vec<String>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of `GET /v2/api/identity_providers`: iterate it to get the providers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetIdentityProvidersResponse {
    /// The providers found.
    #[serde(default, deserialize_with = "null_as_default")]
    pub identity_providers: Vec<IdentityProvider>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

iterable_response!(
    GetIdentityProvidersResponse,
    identity_providers,
    IdentityProvider
);
