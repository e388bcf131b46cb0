//! Client credentials: `/v2/api/clients/{client_id}/credentials`.

use globus_core::{ApiPath, ApiResponse};
use serde::Serialize;

use super::clients::CLIENTS;
use super::{AuthClient, send_wrapped};
use crate::error::Result;
use crate::models::{ClientCredential, GetClientCredentialsResponse, Wrap};

fn credentials_path(client_id: impl AsRef<str>) -> ApiPath {
    ApiPath::new(CLIENTS)
        .segment(client_id)
        .segment("credentials")
}

impl AuthClient {
    /// `GET /v2/api/clients/{client_id}/credentials`: a client's credentials (without
    /// their secrets).
    pub async fn get_client_credentials(
        &self,
        client_id: impl AsRef<str>,
    ) -> Result<ApiResponse<GetClientCredentialsResponse>> {
        self.get_json(credentials_path(client_id)).await
    }

    /// `POST /v2/api/clients/{client_id}/credentials` with
    /// `{"credential": {"name": ...}}`: creates a credential. Its
    /// [`secret`](ClientCredential::secret) is in this answer only.
    pub async fn create_client_credential(
        &self,
        client_id: impl AsRef<str>,
        name: impl Into<String>,
    ) -> Result<ApiResponse<ClientCredential>> {
        #[derive(Serialize)]
        struct NewCredential {
            name: String,
        }
        let body = NewCredential { name: name.into() };
        send_wrapped(
            self.base
                .post(credentials_path(client_id))
                .json(&Wrap("credential", &body)),
        )
        .await
    }

    /// `DELETE /v2/api/clients/{client_id}/credentials/{credential_id}`: deletes a
    /// credential; the answer is the deleted credential.
    pub async fn delete_client_credential(
        &self,
        client_id: impl AsRef<str>,
        credential_id: impl AsRef<str>,
    ) -> Result<ApiResponse<ClientCredential>> {
        send_wrapped(
            self.base
                .delete(credentials_path(client_id).segment(credential_id)),
        )
        .await
    }
}
