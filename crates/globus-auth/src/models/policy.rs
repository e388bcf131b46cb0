//! Policies (`/v2/api/policies`): authentication requirements a project's resources
//! impose.

use serde::{Deserialize, Serialize};

use super::{Extra, Wrapped, iterable_response, null_as_default};

/// A Globus Auth policy.
///
/// Every field is optional: Globus Auth may answer an update with only some of them (the
/// conformance corpus has update answers without `id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Policy {
    /// The policy id (a UUID).
    #[serde(default)]
    pub id: Option<String>,
    /// The project the policy belongs to.
    #[serde(default)]
    pub project_id: Option<String>,
    /// The display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the policy requires a high-assurance identity provider.
    #[serde(default)]
    pub high_assurance: Option<bool>,
    /// How long (seconds) an authentication satisfies a high-assurance policy.
    #[serde(default)]
    pub authentication_assurance_timeout: Option<u64>,
    /// Whether multi-factor authentication is required.
    #[serde(default)]
    pub required_mfa: Option<bool>,
    /// Only identities from these domains satisfy the policy (`None`: no constraint).
    #[serde(default)]
    pub domain_constraints_include: Option<Vec<String>>,
    /// Identities from these domains never satisfy the policy (`None`: no constraint).
    #[serde(default)]
    pub domain_constraints_exclude: Option<Vec<String>>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Wrapped for Policy {
    const KEY: &'static str = "policy";
}

/// The body of `GET /v2/api/policies`: iterate it to get the policies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetPoliciesResponse {
    /// The policies of the caller's projects.
    #[serde(default, deserialize_with = "null_as_default")]
    pub policies: Vec<Policy>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

iterable_response!(GetPoliciesResponse, policies, Policy);
