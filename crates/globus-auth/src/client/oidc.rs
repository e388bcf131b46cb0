//! OpenID Connect discovery, shared by [`AuthClient`](super::AuthClient) and the login
//! clients.

use globus_core::{ApiPath, ApiResponse, BaseClient};

use crate::error::Result;
use crate::models::{JwkSet, OpenIdConfiguration};

/// `GET /.well-known/openid-configuration`. The document is public, so no credentials
/// are sent.
pub(crate) async fn get_openid_configuration(
    base: &BaseClient,
) -> Result<ApiResponse<OpenIdConfiguration>> {
    Ok(base
        .get("/.well-known/openid-configuration")
        .without_authorization()
        .send_json()
        .await?)
}

/// `GET <jwks_uri>`. The key set is public and may live on another host, so no
/// credentials are sent (a token must never follow a URL taken from a document).
pub(crate) async fn get_jwk(
    base: &BaseClient,
    openid_configuration: Option<&OpenIdConfiguration>,
) -> Result<ApiResponse<JwkSet>> {
    let fetched;
    let config = match openid_configuration {
        Some(config) => config,
        None => {
            fetched = get_openid_configuration(base).await?;
            fetched.data()
        }
    };
    Ok(base
        .get(ApiPath::new(config.jwks_uri.clone()))
        .without_authorization()
        .send_json()
        .await?)
}
