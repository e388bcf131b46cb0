//! OAuth2 clients (`/v2/api/clients`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::{ClientCredential, Extra, Wrapped, iterable_response, null_as_default};

/// What kind of OAuth2 client a client is (Globus Auth's `client_type`).
///
/// The Python SDK's type hints list the first six; its 4.10 test fixtures also create
/// `public_webapp_client`s, so that one is named too. Any other value is kept in
/// [`Other`](Self::Other), so new kinds neither break decoding nor need an SDK release
/// to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClientType {
    /// `client_identity`: a service account with no login flows.
    ClientIdentity,
    /// `confidential_client`: a client with a secret, for user logins.
    ConfidentialClient,
    /// `globus_connect_server`: a Globus Connect Server endpoint.
    GlobusConnectServer,
    /// `public_installed_client`: a native app (no secret, PKCE).
    PublicInstalledClient,
    /// `hybrid_confidential_client_resource_server`: a confidential client that is also a
    /// resource server.
    HybridConfidentialClientResourceServer,
    /// `resource_server`: a service that accepts tokens.
    ResourceServer,
    /// `public_webapp_client`: a browser app (no secret).
    PublicWebappClient,
    /// A client type this SDK does not name, sent and read as-is.
    #[serde(untagged)]
    Other(String),
}

impl ClientType {
    /// The wire value, e.g. `resource_server`.
    pub fn as_str(&self) -> &str {
        match self {
            ClientType::ClientIdentity => "client_identity",
            ClientType::ConfidentialClient => "confidential_client",
            ClientType::GlobusConnectServer => "globus_connect_server",
            ClientType::PublicInstalledClient => "public_installed_client",
            ClientType::HybridConfidentialClientResourceServer => {
                "hybrid_confidential_client_resource_server"
            }
            ClientType::ResourceServer => "resource_server",
            ClientType::PublicWebappClient => "public_webapp_client",
            ClientType::Other(other) => other,
        }
    }
}

impl fmt::Display for ClientType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who can see a client's name and details on consent screens (`visibility`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Visibility {
    /// `public`: anyone.
    Public,
    /// `private`: only the project's admins.
    Private,
    /// A value this SDK does not know, sent and read as-is.
    #[serde(untagged)]
    Other(String),
}

impl Visibility {
    /// The wire value, e.g. `public`.
    pub fn as_str(&self) -> &str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
            Visibility::Other(other) => other,
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Globus Auth OAuth2 client.
///
/// Every field is optional or defaults to empty: Globus Auth's answers vary (a
/// newly created client may come back without `id` in the conformance corpus, an update
/// may echo only some fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Client {
    /// The client id (a UUID).
    #[serde(default)]
    pub id: Option<String>,
    /// The name shown to users.
    #[serde(default)]
    pub name: Option<String>,
    /// The kind of client.
    #[serde(default)]
    pub client_type: Option<ClientType>,
    /// Whether the client is public (has no secret).
    #[serde(default)]
    pub public_client: Option<bool>,
    /// The project that owns the client.
    #[serde(default)]
    pub project: Option<String>,
    /// Who can see the client.
    #[serde(default)]
    pub visibility: Option<Visibility>,
    /// The redirect URIs allowed in authorization flows.
    #[serde(default, deserialize_with = "null_as_default")]
    pub redirect_uris: Vec<String>,
    /// The OAuth2 grant types the client may use.
    #[serde(default, deserialize_with = "null_as_default")]
    pub grant_types: Vec<String>,
    /// The fully qualified domain names of a resource server.
    #[serde(default, deserialize_with = "null_as_default")]
    pub fqdns: Vec<String>,
    /// The ids of the scopes the client owns.
    #[serde(default, deserialize_with = "null_as_default")]
    pub scopes: Vec<String>,
    /// Terms-and-conditions and privacy-policy links.
    #[serde(default)]
    pub links: Option<ClientLinks>,
    /// The identity provider users must log in with.
    #[serde(default)]
    pub required_idp: Option<String>,
    /// The identity provider preselected on the login page.
    #[serde(default)]
    pub preselect_idp: Option<String>,
    /// The client this one was created from (a child client, a native app instance).
    #[serde(default)]
    pub parent_client: Option<String>,
    /// Whether users are asked to name the grant.
    #[serde(default)]
    pub prompt_for_named_grant: Option<bool>,
    /// Whether userinfo describes the effective identity.
    #[serde(default)]
    pub userinfo_from_effective_identity: Option<bool>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Wrapped for Client {
    const KEY: &'static str = "client";
}

/// A client's `links`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClientLinks {
    /// The terms-and-conditions URL.
    #[serde(default)]
    pub terms_and_conditions: Option<String>,
    /// The privacy-policy URL.
    #[serde(default)]
    pub privacy_policy: Option<String>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of `GET /v2/api/clients`: iterate it to get the clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetClientsResponse {
    /// The clients of the caller's projects.
    #[serde(default, deserialize_with = "null_as_default")]
    pub clients: Vec<Client>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

iterable_response!(GetClientsResponse, clients, Client);

/// The answer to a client creation (`create_client`, `create_child_client`,
/// `create_native_app_instance`): the client and, for clients with a secret, the
/// credential created with it.
///
/// Globus Auth answers `{"client": {...}, "included": {"client_credential": {...}}}`; the
/// credential's secret is shown this once. The Python SDK's test fixtures for
/// `create_native_app_instance` nest that whole answer in one more `client` member; it is
/// read the same way.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CreatedClient {
    /// The new client.
    pub client: Client,
    /// What was created with it.
    pub included: Option<ClientIncluded>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CreatedClient {
    /// The credential created with the client, holding its secret (shown only now).
    pub fn credential(&self) -> Option<&ClientCredential> {
        self.included.as_ref()?.client_credential.as_ref()
    }
}

/// The `included` member of a [`CreatedClient`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClientIncluded {
    /// The credential created with the client.
    #[serde(default)]
    pub client_credential: Option<ClientCredential>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

impl<'de> Deserialize<'de> for CreatedClient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            client: serde_json::Map<String, Value>,
            #[serde(default)]
            included: Option<Value>,
            #[serde(flatten)]
            extra: Extra,
        }

        let Raw {
            mut client,
            mut included,
            extra,
        } = Raw::deserialize(deserializer)?;
        // A client has no `client` member of its own: one holding an object is the
        // doubly wrapped answer of the Python fixtures.
        if included.is_none()
            && matches!(client.get("client"), Some(Value::Object(_)))
            && let Some(Value::Object(inner)) = client.remove("client")
        {
            included = client.remove("included");
            client = inner;
        }
        let client =
            Client::deserialize(Value::Object(client)).map_err(serde::de::Error::custom)?;
        let included = included
            .map(ClientIncluded::deserialize)
            .transpose()
            .map_err(serde::de::Error::custom)?;
        Ok(CreatedClient {
            client,
            included,
            extra,
        })
    }
}
