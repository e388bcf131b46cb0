//! Where the decoder gets the OpenID configuration and the key set from.

use std::fmt;

use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use globus_auth::models::OpenIdConfiguration;
use globus_auth::{
    AnyLoginClient, AuthClient, AuthError, ConfidentialAppAuthClient, LoginClient,
    NativeAppAuthClient,
};
use globus_core::{ApiPath, BaseClient};

/// Anything that can fetch Globus Auth's OpenID configuration and key set: an
/// [`AuthClient`], a login client ([`NativeAppAuthClient`], [`ConfidentialAppAuthClient`],
/// [`AnyLoginClient`]), or your own implementation (a test double, a different transport).
///
/// The decoder calls it lazily, caches what it returns, and re-fetches the key set only when
/// a token names an unknown key (at most once per cooldown).
pub trait OidcSource: Send + Sync + fmt::Debug + 'static {
    /// The client id ID tokens should be addressed to, when the source knows it (a login
    /// client does; an [`AuthClient`] does not, so its decoder needs an explicit audience).
    fn client_id(&self) -> Option<String>;

    /// `GET /.well-known/openid-configuration`.
    fn fetch_openid_configuration(&self) -> BoxFuture<'_, Result<OpenIdConfiguration, AuthError>>;

    /// `GET <jwks_uri>`: the key set's raw body (the decoder enforces its size and key-count
    /// limits and skips unusable keys itself).
    fn fetch_jwks<'a>(
        &'a self,
        config: &'a OpenIdConfiguration,
    ) -> BoxFuture<'a, Result<Vec<u8>, AuthError>>;
}

/// Fetches the key set without credentials (it is public, and may live on another host: a
/// token must never follow a URL taken from a document).
async fn fetch_jwks_raw(
    base: &BaseClient,
    config: &OpenIdConfiguration,
) -> Result<Vec<u8>, AuthError> {
    let response = base
        .get(ApiPath::new(config.jwks_uri.clone()))
        .without_authorization()
        .send()
        .await?;
    Ok(response.bytes().to_vec())
}

impl OidcSource for AuthClient {
    fn client_id(&self) -> Option<String> {
        None
    }

    fn fetch_openid_configuration(&self) -> BoxFuture<'_, Result<OpenIdConfiguration, AuthError>> {
        async move { Ok(self.get_openid_configuration().await?.into_data()) }.boxed()
    }

    fn fetch_jwks<'a>(
        &'a self,
        config: &'a OpenIdConfiguration,
    ) -> BoxFuture<'a, Result<Vec<u8>, AuthError>> {
        fetch_jwks_raw(self.base_client(), config).boxed()
    }
}

macro_rules! login_source {
    ($($client:ty),*) => {$(
        impl OidcSource for $client {
            fn client_id(&self) -> Option<String> {
                Some(LoginClient::client_id(self).as_str().to_owned())
            }

            fn fetch_openid_configuration(
                &self,
            ) -> BoxFuture<'_, Result<OpenIdConfiguration, AuthError>> {
                async move { Ok(LoginClient::get_openid_configuration(self).await?.into_data()) }
                    .boxed()
            }

            fn fetch_jwks<'a>(
                &'a self,
                config: &'a OpenIdConfiguration,
            ) -> BoxFuture<'a, Result<Vec<u8>, AuthError>> {
                fetch_jwks_raw(LoginClient::base_client(self), config).boxed()
            }
        }
    )*};
}

login_source!(
    NativeAppAuthClient,
    ConfidentialAppAuthClient,
    AnyLoginClient
);
