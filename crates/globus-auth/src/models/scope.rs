//! Scopes (`/v2/api/scopes`, `/v2/api/clients/{client_id}/scopes`) as Globus Auth stores
//! them.

use globus_scopes::DependentScopeSpec;
use serde::{Deserialize, Serialize};

use super::{Extra, Wrapped, iterable_response, null_as_default};

/// A scope as Globus Auth stores it: its string, owner, and dependent scopes.
///
/// Not to be confused with [`globus_scopes::Scope`], a parsed scope string such as
/// `urn:globus:auth:scope:transfer.api.globus.org:all`; this record's
/// [`scope_string`](Self::scope_string) is one of those.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScopeRecord {
    /// The scope id (a UUID).
    pub id: String,
    /// The scope string, e.g. `https://auth.globus.org/scopes/<client id>/manage`.
    #[serde(default)]
    pub scope_string: Option<String>,
    /// The name shown on consent screens.
    #[serde(default)]
    pub name: Option<String>,
    /// The description shown on consent screens.
    #[serde(default)]
    pub description: Option<String>,
    /// The id of the client (resource server) that owns the scope.
    #[serde(default)]
    pub client: Option<String>,
    /// Whether the scope is listed publicly.
    #[serde(default)]
    pub advertised: Option<bool>,
    /// Whether refresh tokens may be issued for the scope.
    #[serde(default)]
    pub allows_refresh_token: Option<bool>,
    /// Only identities from these domains may consent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub required_domains: Vec<String>,
    /// The scopes this scope needs on the user's behalf (the same shape the create and
    /// update calls take).
    #[serde(default, deserialize_with = "null_as_default")]
    pub dependent_scopes: Vec<DependentScopeSpec>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Wrapped for ScopeRecord {
    const KEY: &'static str = "scope";
}

/// The body of `GET /v2/api/scopes`: iterate it to get the scopes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetScopesResponse {
    /// The scopes found.
    #[serde(default, deserialize_with = "null_as_default")]
    pub scopes: Vec<ScopeRecord>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

iterable_response!(GetScopesResponse, scopes, ScopeRecord);
