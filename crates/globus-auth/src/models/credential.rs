//! Client credentials (`/v2/api/clients/{client_id}/credentials`).

use globus_core::secret::ClientSecret;
use serde::{Deserialize, Serialize};

use super::{Extra, Wrapped, iterable_response, null_as_default};

/// A client credential: a named secret of a confidential client.
///
/// The secret is present only in the answer that created it. It is a [`ClientSecret`]:
/// never shown by `Debug`, and left out when the model is serialised (write it out
/// deliberately with [`ClientSecret::expose_secret`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClientCredential {
    /// The credential id (a UUID).
    pub id: String,
    /// The client the credential belongs to.
    #[serde(default)]
    pub client: Option<String>,
    /// The credential's name.
    #[serde(default)]
    pub name: Option<String>,
    /// When the credential was created (ISO 8601).
    #[serde(default)]
    pub created: Option<String>,
    /// The secret, in the answer that created it; `None` afterwards.
    #[serde(default, skip_serializing)]
    pub secret: Option<ClientSecret>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Wrapped for ClientCredential {
    const KEY: &'static str = "credential";
}

/// The body of `GET /v2/api/clients/{client_id}/credentials`: iterate it to get the
/// credentials (without their secrets).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetClientCredentialsResponse {
    /// The client's credentials.
    #[serde(default, deserialize_with = "null_as_default")]
    pub credentials: Vec<ClientCredential>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

iterable_response!(GetClientCredentialsResponse, credentials, ClientCredential);
