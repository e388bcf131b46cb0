//! Identities (`GET /v2/api/identities`).

use serde::{Deserialize, Serialize};

use super::{Extra, iterable_response};

/// A Globus identity record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Identity {
    /// The identity id (a UUID).
    pub id: String,
    /// The username, e.g. `user@globusid.org`.
    pub username: String,
    /// The person's name, if shared.
    #[serde(default)]
    pub name: Option<String>,
    /// The email address, if shared.
    #[serde(default)]
    pub email: Option<String>,
    /// The organization, if shared.
    #[serde(default)]
    pub organization: Option<String>,
    /// The id of the identity provider.
    #[serde(default)]
    pub identity_provider: Option<String>,
    /// Whether the identity has been used, is private or closed.
    #[serde(default)]
    pub status: Option<IdentityStatus>,
    /// The identity type (e.g. `login`).
    #[serde(default)]
    pub identity_type: Option<String>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `status` of an identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum IdentityStatus {
    /// Never used to log in.
    Unused,
    /// Used to log in.
    Used,
    /// Visible only to its owner.
    Private,
    /// Closed.
    Closed,
    /// A status this SDK does not know.
    #[serde(untagged)]
    Other(String),
}

/// The body of `GET /v2/api/identities`: iterate it to get the identities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetIdentitiesResponse {
    /// The identities found. Keys Auth does not know are simply absent.
    pub identities: Vec<Identity>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

iterable_response!(GetIdentitiesResponse, identities, Identity);
