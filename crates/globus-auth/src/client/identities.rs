//! `GET /v2/api/identities`.

use std::fmt;

use globus_core::{ApiResponse, BaseClient};

use super::KeyList;
use crate::error::{AuthError, Result};
use crate::models::GetIdentitiesResponse;

/// A pending identity lookup (from [`AuthClient::get_identities`](super::AuthClient::get_identities)).
///
/// Give ids **or** usernames: both at once is a usage error before any request (Python
/// only logs a warning and lets the server reject it). Usernames are looked up with
/// `provision=false` unless [`provision`](Self::provision) says otherwise; ids never send
/// `provision`.
#[must_use = "the lookup does nothing until it is sent"]
pub struct GetIdentities<'a> {
    base: &'a BaseClient,
    ids: Option<KeyList>,
    usernames: Option<KeyList>,
    provision: bool,
    query_params: Vec<(String, String)>,
}

impl<'a> GetIdentities<'a> {
    pub(crate) fn new(base: &'a BaseClient) -> Self {
        Self {
            base,
            ids: None,
            usernames: None,
            provision: false,
            query_params: Vec::new(),
        }
    }

    /// Looks up these identity ids.
    pub fn ids<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.ids = Some(KeyList::new(ids));
        self
    }

    /// Looks up these usernames.
    pub fn usernames<I>(mut self, usernames: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.usernames = Some(KeyList::new(usernames));
        self
    }

    /// Asks Auth to create identities for unknown usernames (`provision=true`).
    pub fn provision(mut self, provision: bool) -> Self {
        self.provision = provision;
        self
    }

    /// Adds an extra query parameter (Python's `query_params`).
    pub fn query_param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query_params.push((key.into(), value.into()));
        self
    }

    /// Sends the lookup.
    pub async fn send(self) -> Result<ApiResponse<GetIdentitiesResponse>> {
        if self.ids.is_some() && self.usernames.is_some() {
            return Err(AuthError::Usage(
                "get_identities takes ids or usernames, not both".into(),
            ));
        }
        let mut request = self.base.get("/v2/api/identities");
        if let Some(usernames) = self.usernames {
            request = request
                .query("usernames", usernames.into_checked("username")?)
                .query("provision", if self.provision { "true" } else { "false" });
        }
        if let Some(ids) = self.ids {
            request = request.query("ids", ids.into_checked("identity id")?);
        }
        Ok(request.query_pairs(self.query_params).send_json().await?)
    }
}

impl fmt::Debug for GetIdentities<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetIdentities")
            .field("ids", &self.ids)
            .field("usernames", &self.usernames)
            .field("provision", &self.provision)
            .finish_non_exhaustive()
    }
}
