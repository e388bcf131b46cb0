//! Scopes: `/v2/api/scopes` and `/v2/api/clients/{client_id}/scopes`.

use globus_core::{ApiPath, ApiResponse, BaseClient};
use globus_scopes::DependentScopeSpec;
use serde::Serialize;

use super::clients::CLIENTS;
use super::{AuthClient, KeyList, send_wrapped, strings};
use crate::error::{AuthError, Result};
use crate::models::{GetScopesResponse, ScopeRecord, Wrap};

const SCOPES: &str = "/v2/api/scopes";

impl AuthClient {
    /// `GET /v2/api/scopes/{scope_id}`: one scope.
    pub async fn get_scope(&self, scope_id: impl AsRef<str>) -> Result<ApiResponse<ScopeRecord>> {
        send_wrapped(self.base.get(ApiPath::new(SCOPES).segment(scope_id))).await
    }

    /// `GET /v2/api/scopes`: the caller's clients' scopes, or the scopes looked up by
    /// scope string or id. Configure the lookup on the returned builder and `send()` it.
    pub fn get_scopes(&self) -> GetScopes<'_> {
        GetScopes {
            base: &self.base,
            scope_strings: None,
            ids: None,
            query_params: Vec::new(),
        }
    }

    /// `POST /v2/api/clients/{client_id}/scopes`: creates a scope owned by a client (a
    /// resource server). Set the options on the returned builder and `send()` it.
    ///
    /// ```no_run
    /// use globus_scopes::DependentScopeSpec;
    ///
    /// # async fn demo(auth: globus_auth::AuthClient) -> Result<(), globus_auth::AuthError> {
    /// let scope = auth
    ///     .create_scope("<client id>", "Manage", "Manage this service", "manage")
    ///     .dependent_scopes([DependentScopeSpec::new("<transfer scope id>", false, true)])
    ///     .send()
    ///     .await?;
    /// println!("{:?}", scope.scope_string);
    /// # Ok(()) }
    /// ```
    pub fn create_scope(
        &self,
        client_id: impl AsRef<str>,
        name: impl Into<String>,
        description: impl Into<String>,
        scope_suffix: impl Into<String>,
    ) -> CreateScope<'_> {
        CreateScope {
            base: &self.base,
            path: ApiPath::new(CLIENTS).segment(client_id).segment("scopes"),
            fields: ScopeFields {
                name: Some(name.into()),
                description: Some(description.into()),
                scope_suffix: Some(scope_suffix.into()),
                ..ScopeFields::default()
            },
        }
    }

    /// `PUT /v2/api/scopes/{scope_id}`: changes a scope. Only what is set on the returned
    /// builder is sent.
    pub fn update_scope(&self, scope_id: impl AsRef<str>) -> UpdateScope<'_> {
        UpdateScope {
            base: &self.base,
            path: ApiPath::new(SCOPES).segment(scope_id),
            fields: ScopeFields::default(),
        }
    }

    /// `DELETE /v2/api/scopes/{scope_id}`: deletes a scope; the answer is the deleted
    /// scope.
    pub async fn delete_scope(
        &self,
        scope_id: impl AsRef<str>,
    ) -> Result<ApiResponse<ScopeRecord>> {
        send_wrapped(self.base.delete(ApiPath::new(SCOPES).segment(scope_id))).await
    }
}

/// A pending scope lookup (from [`AuthClient::get_scopes`]).
///
/// Give scope strings **or** ids (or neither, for all the caller's scopes): both is a
/// usage error before any request, as in Python.
#[derive(Debug)]
#[must_use = "the lookup does nothing until it is sent"]
pub struct GetScopes<'a> {
    base: &'a BaseClient,
    scope_strings: Option<KeyList>,
    ids: Option<KeyList>,
    query_params: Vec<(String, String)>,
}

impl GetScopes<'_> {
    /// Looks up these scope strings (`scope_strings=a,b`).
    pub fn scope_strings<I>(mut self, scope_strings: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.scope_strings = Some(KeyList::new(scope_strings));
        self
    }

    /// Looks up these scope ids (`ids=a,b`).
    pub fn ids<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.ids = Some(KeyList::new(ids));
        self
    }

    /// Adds an extra query parameter (Python's `query_params`).
    pub fn query_param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query_params.push((key.into(), value.into()));
        self
    }

    /// Sends the lookup.
    ///
    /// # Errors
    /// [`AuthError::Usage`] for both scope strings and ids, or a key containing a comma;
    /// any error of the request.
    pub async fn send(self) -> Result<ApiResponse<GetScopesResponse>> {
        if self.scope_strings.is_some() && self.ids.is_some() {
            return Err(AuthError::Usage(
                "get_scopes takes scope_strings or ids, not both".into(),
            ));
        }
        let mut request = self.base.get(SCOPES).query_pairs(self.query_params);
        if let Some(scope_strings) = self.scope_strings {
            request = request.query("scope_strings", scope_strings.into_checked("scope string")?);
        }
        if let Some(ids) = self.ids {
            request = request.query("ids", ids.into_checked("scope id")?);
        }
        Ok(request.send_json().await?)
    }
}

/// The members of `{"scope": {...}}`; absent ones are not sent.
#[derive(Debug, Default, Serialize)]
struct ScopeFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope_suffix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    advertised: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allows_refresh_token: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required_domains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dependent_scopes: Option<Vec<DependentScopeSpec>>,
}

/// Setters shared by [`CreateScope`] and [`UpdateScope`].
macro_rules! scope_setters {
    () => {
        /// Only identities from these domains may consent (`required_domains`; an empty
        /// list is sent as `[]`).
        pub fn required_domains<I>(mut self, domains: I) -> Self
        where
            I: IntoIterator,
            I::Item: Into<String>,
        {
            self.fields.required_domains = Some(strings(domains));
            self
        }

        /// The scopes this scope needs on the user's behalf (`dependent_scopes`; an empty
        /// list is sent as `[]`).
        pub fn dependent_scopes(
            mut self,
            dependent_scopes: impl IntoIterator<Item = DependentScopeSpec>,
        ) -> Self {
            self.fields.dependent_scopes = Some(dependent_scopes.into_iter().collect());
            self
        }

        /// Whether the scope is listed publicly (`advertised`).
        pub fn advertised(mut self, advertised: bool) -> Self {
            self.fields.advertised = Some(advertised);
            self
        }

        /// Whether refresh tokens may be issued for the scope (`allows_refresh_token`).
        pub fn allows_refresh_token(mut self, allows_refresh_token: bool) -> Self {
            self.fields.allows_refresh_token = Some(allows_refresh_token);
            self
        }
    };
}

/// A pending scope creation (from [`AuthClient::create_scope`]).
#[derive(Debug)]
#[must_use = "the request does nothing until it is sent"]
pub struct CreateScope<'a> {
    base: &'a BaseClient,
    path: ApiPath,
    fields: ScopeFields,
}

impl CreateScope<'_> {
    scope_setters!();

    /// Sends `POST /v2/api/clients/{client_id}/scopes` with `{"scope": {...}}`.
    pub async fn send(self) -> Result<ApiResponse<ScopeRecord>> {
        send_wrapped(self.base.post(self.path).json(&Wrap("scope", &self.fields))).await
    }
}

/// A pending scope update (from [`AuthClient::update_scope`]).
#[derive(Debug)]
#[must_use = "the request does nothing until it is sent"]
pub struct UpdateScope<'a> {
    base: &'a BaseClient,
    path: ApiPath,
    fields: ScopeFields,
}

impl UpdateScope<'_> {
    /// A new name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.fields.name = Some(name.into());
        self
    }

    /// A new description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.fields.description = Some(description.into());
        self
    }

    /// A new scope suffix (the last part of the scope string).
    pub fn scope_suffix(mut self, scope_suffix: impl Into<String>) -> Self {
        self.fields.scope_suffix = Some(scope_suffix.into());
        self
    }

    scope_setters!();

    /// Sends `PUT /v2/api/scopes/{scope_id}` with `{"scope": {...}}`.
    pub async fn send(self) -> Result<ApiResponse<ScopeRecord>> {
        send_wrapped(self.base.put(self.path).json(&Wrap("scope", &self.fields))).await
    }
}
