//! The login clients' client-creating calls: a native app instance from a template
//! (`NativeAppAuthClient::create_native_app_instance`) and a child client of a
//! confidential client (`ConfidentialAppAuthClient::create_child_client`).

use globus_core::ApiResponse;
use serde::Serialize;

use super::{ConfidentialAppAuthClient, LoginClient, NativeAppAuthClient};
use crate::client::{CLIENTS, CreateClient, NewClientType};
use crate::error::Result;
use crate::models::{CreatedClient, Wrap};

impl NativeAppAuthClient {
    /// `POST /v2/api/clients` with `{"client": {"name": ..., "template_id": ...}}`:
    /// creates an instance of a native app template, a confidential client whose
    /// credential (and secret) comes back in the answer
    /// ([`CreatedClient::credential`]). Sent without credentials, as every request of a
    /// native app client.
    pub async fn create_native_app_instance(
        &self,
        template_id: impl Into<String>,
        name: impl Into<String>,
    ) -> Result<ApiResponse<CreatedClient>> {
        #[derive(Serialize)]
        struct Instance {
            name: String,
            template_id: String,
        }
        let body = Instance {
            name: name.into(),
            template_id: template_id.into(),
        };
        Ok(self
            .base_client()
            .post(CLIENTS)
            .json(&Wrap("client", &body))
            .send_json()
            .await?)
    }
}

impl ConfidentialAppAuthClient {
    /// `POST /v2/api/clients`: creates a child client of this client, authenticated with
    /// this client's secret. The same request as
    /// [`AuthClient::create_client`](crate::AuthClient::create_client) without a project
    /// (the child belongs to this client's): the kind is required, the rest is set on the
    /// returned builder, and `links` is sent only when both links are given.
    ///
    /// ```no_run
    /// use globus_auth::NewClientType;
    ///
    /// # async fn demo(app: globus_auth::ConfidentialAppAuthClient) -> Result<(), globus_auth::AuthError> {
    /// let child = app
    ///     .create_child_client("My child app", NewClientType::PublicClient(true))
    ///     .redirect_uris(["https://example.org/callback"])
    ///     .send()
    ///     .await?;
    /// println!("{:?}", child.client.id);
    /// # Ok(()) }
    /// ```
    pub fn create_child_client(
        &self,
        name: impl Into<String>,
        client_type: impl Into<NewClientType>,
    ) -> CreateClient<'_> {
        CreateClient::new(self.base_client(), name.into(), None, client_type.into())
    }
}
