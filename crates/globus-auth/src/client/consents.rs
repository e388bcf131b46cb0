//! `GET /v2/api/identities/{identity_id}/consents`.

use globus_core::{ApiPath, ApiResponse, BaseClient};

use super::AuthClient;
use crate::error::Result;
use crate::models::GetConsentsResponse;

impl AuthClient {
    /// `GET /v2/api/identities/{identity_id}/consents`: the consents a user has granted.
    /// Without [`all`](GetConsents::all), only those rooted at the calling client.
    ///
    /// ```no_run
    /// # async fn demo(auth: globus_auth::AuthClient) -> Result<(), Box<dyn std::error::Error>> {
    /// let consents = auth.get_consents("<identity id>").send().await?;
    /// let forest = consents.to_forest()?;
    /// let ok = forest.meets_scope_requirements("urn:globus:auth:scope:transfer.api.globus.org:all")?;
    /// # let _ = ok;
    /// # Ok(()) }
    /// ```
    pub fn get_consents(&self, identity_id: impl AsRef<str>) -> GetConsents<'_> {
        GetConsents {
            base: &self.base,
            path: ApiPath::new("/v2/api/identities")
                .segment(identity_id)
                .segment("consents"),
            all: false,
        }
    }
}

/// A pending consent lookup (from [`AuthClient::get_consents`]).
#[derive(Debug)]
#[must_use = "the lookup does nothing until it is sent"]
pub struct GetConsents<'a> {
    base: &'a BaseClient,
    path: ApiPath,
    all: bool,
}

impl GetConsents<'_> {
    /// Also returns consents granted to other clients (`all=True`; needs the
    /// `view_consents` scope). Default `false`.
    pub fn all(mut self, all: bool) -> Self {
        self.all = all;
        self
    }

    /// Sends the lookup. `all` is always sent, capitalised as Python renders its booleans
    /// (`all=False` / `all=True`).
    pub async fn send(self) -> Result<ApiResponse<GetConsentsResponse>> {
        Ok(self
            .base
            .get(self.path)
            .query("all", if self.all { "True" } else { "False" })
            .send_json()
            .await?)
    }
}
