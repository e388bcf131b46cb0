//! OAuth2 clients: `/v2/api/clients`. The creation request is shared with
//! [`ConfidentialAppAuthClient::create_child_client`](crate::ConfidentialAppAuthClient::create_child_client).

use globus_core::{ApiPath, ApiResponse, BaseClient};
use serde_json::{Map, Value};

use super::{AuthClient, send_wrapped, strings};
use crate::error::{AuthError, Result};
use crate::models::{Client, ClientType, CreatedClient, GetClientsResponse, Visibility, Wrap};

pub(crate) const CLIENTS: &str = "/v2/api/clients";

impl AuthClient {
    /// `GET /v2/api/clients/{client_id}`: one client, by id.
    ///
    /// Python's `get_client(client_id=...)`; the lookup by domain name,
    /// `get_client(fqdn=...)`, is [`get_client_by_fqdn`](Self::get_client_by_fqdn). Two
    /// methods make "neither" and "both" impossible instead of usage errors.
    pub async fn get_client(&self, client_id: impl AsRef<str>) -> Result<ApiResponse<Client>> {
        send_wrapped(self.base.get(ApiPath::new(CLIENTS).segment(client_id))).await
    }

    /// `GET /v2/api/clients?fqdn=...`: the client (a resource server) registered for a
    /// fully qualified domain name. Python's `get_client(fqdn=...)`.
    #[doc(alias = "get_client")]
    pub async fn get_client_by_fqdn(&self, fqdn: impl Into<String>) -> Result<ApiResponse<Client>> {
        send_wrapped(self.base.get(CLIENTS).query("fqdn", fqdn)).await
    }

    /// `GET /v2/api/clients`: the clients of the caller's projects.
    pub async fn get_clients(&self) -> Result<ApiResponse<GetClientsResponse>> {
        self.get_json(ApiPath::new(CLIENTS)).await
    }

    /// `POST /v2/api/clients`: creates a client in a project. The kind of client is
    /// required: a [`ClientType`], or [`NewClientType::PublicClient`] to let Globus Auth
    /// pick it (Python's "exactly one of `public_client` and `client_type`", enforced by
    /// the type). Set the rest on the returned builder and `send()` it.
    ///
    /// ```no_run
    /// use globus_auth::models::{ClientType, Visibility};
    ///
    /// # async fn demo(auth: globus_auth::AuthClient) -> Result<(), globus_auth::AuthError> {
    /// let created = auth
    ///     .create_client("My service", "<project id>", ClientType::ResourceServer)
    ///     .visibility(Visibility::Private)
    ///     .links("https://example.org/terms", "https://example.org/privacy")
    ///     .send()
    ///     .await?;
    /// println!("client {:?}", created.client.id);
    /// if let Some(credential) = created.credential() {
    ///     // credential.secret is shown only now: store it safely.
    ///     # let _ = credential;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn create_client(
        &self,
        name: impl Into<String>,
        project: impl Into<String>,
        client_type: impl Into<NewClientType>,
    ) -> CreateClient<'_> {
        CreateClient::new(
            &self.base,
            name.into(),
            Some(project.into()),
            client_type.into(),
        )
    }

    /// `PUT /v2/api/clients/{client_id}`: changes a client. Only what is set on the
    /// returned builder is sent; the `clear_*` setters send JSON `null`.
    pub fn update_client(&self, client_id: impl AsRef<str>) -> UpdateClient<'_> {
        UpdateClient {
            base: &self.base,
            path: ApiPath::new(CLIENTS).segment(client_id),
            name: None,
            visibility: None,
            redirect_uris: None,
            required_idp: None,
            preselect_idp: None,
            links: None,
            additional_fields: Map::new(),
        }
    }

    /// `DELETE /v2/api/clients/{client_id}`: deletes a client; the answer is the deleted
    /// client.
    pub async fn delete_client(&self, client_id: impl AsRef<str>) -> Result<ApiResponse<Client>> {
        send_wrapped(self.base.delete(ApiPath::new(CLIENTS).segment(client_id))).await
    }
}

/// How the kind of a new client is chosen: Python's `public_client=` or `client_type=`,
/// exactly one of which must be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewClientType {
    /// Sends `"public_client": <bool>` and lets Globus Auth choose the type
    /// (`public_installed_client` for `true`,
    /// `hybrid_confidential_client_resource_server` for `false`).
    PublicClient(bool),
    /// Sends `"client_type": "<type>"`.
    ClientType(ClientType),
}

impl From<ClientType> for NewClientType {
    fn from(client_type: ClientType) -> Self {
        NewClientType::ClientType(client_type)
    }
}

/// A pending client creation, from [`AuthClient::create_client`] or
/// [`ConfidentialAppAuthClient::create_child_client`](crate::ConfidentialAppAuthClient::create_child_client)
/// (which has no project).
#[derive(Debug)]
#[must_use = "the request does nothing until it is sent"]
pub struct CreateClient<'a> {
    base: &'a BaseClient,
    name: String,
    project: Option<String>,
    client_type: NewClientType,
    visibility: Option<Visibility>,
    redirect_uris: Option<Vec<String>>,
    links: Option<(String, String)>,
    required_idp: Option<String>,
    preselect_idp: Option<String>,
    additional_fields: Map<String, Value>,
}

impl<'a> CreateClient<'a> {
    pub(crate) fn new(
        base: &'a BaseClient,
        name: String,
        project: Option<String>,
        client_type: NewClientType,
    ) -> Self {
        Self {
            base,
            name,
            project,
            client_type,
            visibility: None,
            redirect_uris: None,
            links: None,
            required_idp: None,
            preselect_idp: None,
            additional_fields: Map::new(),
        }
    }

    /// Who can see the client (`visibility`).
    pub fn visibility(mut self, visibility: Visibility) -> Self {
        self.visibility = Some(visibility);
        self
    }

    /// The redirect URIs allowed in authorization flows (`redirect_uris`).
    pub fn redirect_uris<I>(mut self, uris: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.redirect_uris = Some(strings(uris));
        self
    }

    /// The terms-and-conditions and privacy-policy URLs, sent together as `links`
    /// (Python's `terms_and_conditions=` and `privacy_policy=`, which must be given
    /// together). As in Python, two empty strings send no `links`, and one empty string
    /// is a usage error.
    pub fn links(
        mut self,
        terms_and_conditions: impl Into<String>,
        privacy_policy: impl Into<String>,
    ) -> Self {
        self.links = Some((terms_and_conditions.into(), privacy_policy.into()));
        self
    }

    /// The identity provider users must log in with (`required_idp`).
    pub fn required_idp(mut self, idp_id: impl Into<String>) -> Self {
        self.required_idp = Some(idp_id.into());
        self
    }

    /// The identity provider preselected on the login page (`preselect_idp`).
    pub fn preselect_idp(mut self, idp_id: impl Into<String>) -> Self {
        self.preselect_idp = Some(idp_id.into());
        self
    }

    /// Adds a member to the client document, over any the SDK sets (Python's
    /// `additional_fields`).
    pub fn additional_field(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.additional_fields.insert(key.into(), value.into());
        self
    }

    /// Adds members to the client document, over any the SDK sets (Python's
    /// `additional_fields`).
    pub fn additional_fields<I, K>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        self.additional_fields
            .extend(fields.into_iter().map(|(k, v)| (k.into(), v)));
        self
    }

    /// The client document, validated.
    fn into_body(self) -> Result<Map<String, Value>> {
        let mut body = Map::new();
        body.insert("name".into(), self.name.into());
        if let Some(project) = self.project {
            body.insert("project".into(), project.into());
        }
        if let Some(visibility) = self.visibility {
            body.insert("visibility".into(), visibility.as_str().into());
        }
        if let Some(uris) = self.redirect_uris {
            body.insert("redirect_uris".into(), uris.into());
        }
        if let Some(idp) = self.required_idp {
            body.insert("required_idp".into(), idp.into());
        }
        if let Some(idp) = self.preselect_idp {
            body.insert("preselect_idp".into(), idp.into());
        }
        match self.client_type {
            NewClientType::PublicClient(public) => {
                body.insert("public_client".into(), public.into())
            }
            NewClientType::ClientType(kind) => {
                body.insert("client_type".into(), kind.as_str().into())
            }
        };
        if let Some((terms, privacy)) = self.links {
            match (terms.is_empty(), privacy.is_empty()) {
                (false, false) => {
                    body.insert("links".into(), links(terms.into(), privacy.into()));
                }
                (true, true) => {}
                _ => {
                    return Err(AuthError::Usage(
                        "terms_and_conditions and privacy_policy must both be set or unset".into(),
                    ));
                }
            }
        }
        body.extend(self.additional_fields);
        Ok(body)
    }

    /// Sends `POST /v2/api/clients` with `{"client": {...}}`.
    ///
    /// # Errors
    /// [`AuthError::Usage`] when exactly one of the two links is empty (before any
    /// request); any error of the request.
    pub async fn send(self) -> Result<ApiResponse<CreatedClient>> {
        let base = self.base;
        let body = self.into_body()?;
        Ok(base
            .post(CLIENTS)
            .json(&Wrap("client", &body))
            .send_json()
            .await?)
    }
}

/// `{"terms_and_conditions": ..., "privacy_policy": ...}`.
fn links(terms_and_conditions: Value, privacy_policy: Value) -> Value {
    let mut links = Map::new();
    links.insert("terms_and_conditions".into(), terms_and_conditions);
    links.insert("privacy_policy".into(), privacy_policy);
    Value::Object(links)
}

/// A pending client update (from [`AuthClient::update_client`]).
///
/// Clearing is explicit: `clear_required_idp()` sends `"required_idp": null`, where not
/// calling `required_idp` sends nothing (Python's `None` versus `MISSING`).
#[derive(Debug)]
#[must_use = "the request does nothing until it is sent"]
pub struct UpdateClient<'a> {
    base: &'a BaseClient,
    path: ApiPath,
    name: Option<String>,
    visibility: Option<Visibility>,
    redirect_uris: Option<Vec<String>>,
    /// `Some(None)`: sent as `null`.
    required_idp: Option<Option<String>>,
    /// `Some(None)`: sent as `null`.
    preselect_idp: Option<Option<String>>,
    /// `Some(None)`: both links sent as `null`.
    links: Option<Option<(String, String)>>,
    additional_fields: Map<String, Value>,
}

impl UpdateClient<'_> {
    /// A new name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// A new visibility.
    pub fn visibility(mut self, visibility: Visibility) -> Self {
        self.visibility = Some(visibility);
        self
    }

    /// Replaces the redirect URIs.
    pub fn redirect_uris<I>(mut self, uris: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.redirect_uris = Some(strings(uris));
        self
    }

    /// New terms-and-conditions and privacy-policy URLs, sent together as `links`.
    pub fn links(
        mut self,
        terms_and_conditions: impl Into<String>,
        privacy_policy: impl Into<String>,
    ) -> Self {
        self.links = Some(Some((terms_and_conditions.into(), privacy_policy.into())));
        self
    }

    /// Removes both links: sends `"links": {"terms_and_conditions": null,
    /// "privacy_policy": null}` (Python's `terms_and_conditions=None,
    /// privacy_policy=None`).
    pub fn clear_links(mut self) -> Self {
        self.links = Some(None);
        self
    }

    /// A new required identity provider.
    pub fn required_idp(mut self, idp_id: impl Into<String>) -> Self {
        self.required_idp = Some(Some(idp_id.into()));
        self
    }

    /// Removes the required identity provider (`"required_idp": null`).
    pub fn clear_required_idp(mut self) -> Self {
        self.required_idp = Some(None);
        self
    }

    /// A new preselected identity provider.
    pub fn preselect_idp(mut self, idp_id: impl Into<String>) -> Self {
        self.preselect_idp = Some(Some(idp_id.into()));
        self
    }

    /// Removes the preselected identity provider (`"preselect_idp": null`).
    pub fn clear_preselect_idp(mut self) -> Self {
        self.preselect_idp = Some(None);
        self
    }

    /// Adds a member to the client document, over any the SDK sets (Python's
    /// `additional_fields`).
    pub fn additional_field(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.additional_fields.insert(key.into(), value.into());
        self
    }

    /// Sends `PUT /v2/api/clients/{client_id}` with `{"client": {...}}`.
    pub async fn send(self) -> Result<ApiResponse<Client>> {
        let mut body = Map::new();
        if let Some(name) = self.name {
            body.insert("name".into(), name.into());
        }
        if let Some(visibility) = self.visibility {
            body.insert("visibility".into(), visibility.as_str().into());
        }
        if let Some(uris) = self.redirect_uris {
            body.insert("redirect_uris".into(), uris.into());
        }
        if let Some(idp) = self.required_idp {
            body.insert("required_idp".into(), idp.into());
        }
        if let Some(idp) = self.preselect_idp {
            body.insert("preselect_idp".into(), idp.into());
        }
        match self.links {
            Some(Some((terms, privacy))) => {
                body.insert("links".into(), links(terms.into(), privacy.into()));
            }
            Some(None) => {
                body.insert("links".into(), links(Value::Null, Value::Null));
            }
            None => {}
        }
        body.extend(self.additional_fields);
        send_wrapped(self.base.put(self.path).json(&Wrap("client", &body))).await
    }
}
