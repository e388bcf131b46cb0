//! `GET /v2/api/identity_providers`.

use globus_core::{ApiResponse, BaseClient};

use super::{AuthClient, KeyList};
use crate::error::{AuthError, Result};
use crate::models::GetIdentityProvidersResponse;

impl AuthClient {
    /// `GET /v2/api/identity_providers`: look identity providers up by domain or id.
    /// Configure the lookup on the returned builder and `send()` it.
    ///
    /// ```no_run
    /// # async fn demo(auth: globus_auth::AuthClient) -> Result<(), globus_auth::AuthError> {
    /// let idps = auth.get_identity_providers().domains(["globusid.org"]).send().await?;
    /// for idp in idps.iter() {
    ///     println!("{} {:?}", idp.id, idp.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get_identity_providers(&self) -> GetIdentityProviders<'_> {
        GetIdentityProviders {
            base: &self.base,
            domains: None,
            ids: None,
            query_params: Vec::new(),
        }
    }
}

/// A pending identity-provider lookup (from
/// [`AuthClient::get_identity_providers`]).
///
/// Give domains **or** ids: both is a usage error before any request, as in Python.
/// Neither only logs a warning (the lookup can succeed through
/// [`query_param`](Self::query_param)).
#[derive(Debug)]
#[must_use = "the lookup does nothing until it is sent"]
pub struct GetIdentityProviders<'a> {
    base: &'a BaseClient,
    domains: Option<KeyList>,
    ids: Option<KeyList>,
    query_params: Vec<(String, String)>,
}

impl GetIdentityProviders<'_> {
    /// Looks up the providers of these domains (`domains=a,b`).
    pub fn domains<I>(mut self, domains: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.domains = Some(KeyList::new(domains));
        self
    }

    /// Looks up these provider ids (`ids=a,b`).
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
    /// [`AuthError::Usage`] for both domains and ids, or a key containing a comma; any
    /// error of the request.
    pub async fn send(self) -> Result<ApiResponse<GetIdentityProvidersResponse>> {
        match (&self.domains, &self.ids) {
            (Some(_), Some(_)) => {
                return Err(AuthError::Usage(
                    "get_identity_providers takes domains or ids, not both".into(),
                ));
            }
            (None, None) => tracing::warn!(
                "get_identity_providers called without domains or ids; this can only succeed \
                 with query parameters"
            ),
            _ => {}
        }
        let mut request = self.base.get("/v2/api/identity_providers");
        if let Some(domains) = self.domains {
            request = request.query("domains", domains.into_checked("domain")?);
        }
        if let Some(ids) = self.ids {
            request = request.query("ids", ids.into_checked("identity provider id")?);
        }
        Ok(request.query_pairs(self.query_params).send_json().await?)
    }
}
