//! [`AuthClient`]: the Globus Auth API (identities, projects, policies, clients, scopes,
//! consents, OpenID Connect discovery).

mod clients;
mod consents;
mod credentials;
mod identities;
mod identity_providers;
pub(crate) mod oidc;
mod policies;
mod projects;
mod scopes;

use std::fmt;

use globus_core::{ApiPath, ApiResponse, BaseClient, BuildClient, ClientBuilder, RequestBuilder};
use globus_scopes::{AuthScopes, Scope};
use serde::de::DeserializeOwned;

use crate::error::{AuthError, Result};
use crate::models::{Envelope, JwkSet, OpenIdConfiguration, UserInfo, Wrapped};

pub(crate) use clients::CLIENTS;
pub use clients::{CreateClient, NewClientType, UpdateClient};
pub use consents::GetConsents;
pub use identities::GetIdentities;
pub use identity_providers::GetIdentityProviders;
pub use policies::{CreatePolicy, UpdatePolicy};
pub use projects::{CreateProject, UpdateProject};
pub use scopes::{CreateScope, GetScopes, UpdateScope};

/// The Globus Auth resource server.
pub const AUTH_RESOURCE_SERVER: &str = "auth.globus.org";

/// A client for the Globus Auth API, authorized by any
/// [`Authorizer`](globus_core::Authorizer) (usually a bearer token for
/// `auth.globus.org`).
///
/// Cheap to clone. Each method describes one request; retries, limits, errors and tracing
/// are handled once, in `globus-core`. Method names follow the Python SDK's.
///
/// ```no_run
/// use globus_auth::AuthClient;
/// use globus_core::{AccessTokenAuthorizer, secret::AccessToken};
///
/// # async fn demo() -> Result<(), globus_auth::AuthError> {
/// let auth = AuthClient::builder()
///     .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new("<token>")))
///     .build()?;
/// let identities = auth.get_identities().usernames(["sirosen@globusid.org"]).send().await?;
/// for identity in identities.iter() {
///     println!("{} {}", identity.username, identity.id);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AuthClient {
    base: BaseClient,
}

/// Builds an [`AuthClient`]: [`AuthClient::builder`].
pub type AuthClientBuilder = ClientBuilder<AuthClientKind>;

/// The [`BuildClient`] of [`AuthClient`].
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthClientKind;

impl BuildClient for AuthClientKind {
    type Output = AuthClient;

    fn finish(self, base: BaseClient) -> globus_core::Result<AuthClient> {
        Ok(AuthClient { base })
    }
}

impl AuthClient {
    /// The service name used to find Auth's base URL (`https://auth.globus.org/` in
    /// production).
    pub const SERVICE_NAME: &'static str = "auth";

    /// Starts building a client. Without [`with_authorizer`](ClientBuilder::with_authorizer)
    /// requests carry no `Authorization` header.
    pub fn builder() -> AuthClientBuilder {
        ClientBuilder::with_finisher(Self::SERVICE_NAME, AuthClientKind)
    }

    /// Wraps an already configured base client.
    pub fn from_base_client(base: BaseClient) -> Self {
        Self { base }
    }

    /// The base client: its `get`, `post`, … are the escape hatch for endpoints this SDK
    /// does not model.
    pub fn base_client(&self) -> &BaseClient {
        &self.base
    }

    /// The scopes an app needs to use this client: `openid profile email` (Python's
    /// `default_scope_requirements`).
    pub fn default_scope_requirements() -> Vec<Scope> {
        vec![
            AuthScopes::openid(),
            AuthScopes::profile(),
            AuthScopes::email(),
        ]
    }

    /// `GET /.well-known/openid-configuration`: the OpenID Connect discovery document.
    pub async fn get_openid_configuration(&self) -> Result<ApiResponse<OpenIdConfiguration>> {
        oidc::get_openid_configuration(&self.base).await
    }

    /// `GET <jwks_uri>`: the key set that signs ID tokens. Fetches the discovery document
    /// first unless it is given. (Python's `as_pem` is left to `globus-identity`, which
    /// turns keys into verifiers.)
    pub async fn get_jwk(
        &self,
        openid_configuration: Option<&OpenIdConfiguration>,
    ) -> Result<ApiResponse<JwkSet>> {
        oidc::get_jwk(&self.base, openid_configuration).await
    }

    /// `GET /v2/oauth2/userinfo`: who the access token belongs to.
    pub async fn userinfo(&self) -> Result<ApiResponse<UserInfo>> {
        self.get_json(ApiPath::new("/v2/oauth2/userinfo")).await
    }

    /// `GET /v2/api/identities`: look identities up by id or username. Configure the
    /// lookup on the returned builder and `send()` it.
    pub fn get_identities(&self) -> GetIdentities<'_> {
        GetIdentities::new(&self.base)
    }

    /// `GET` a path and decode the body.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        path: ApiPath,
    ) -> Result<ApiResponse<T>> {
        Ok(self.base.get(path).send_json().await?)
    }
}

/// Sends a request whose answer wraps one resource (`{"project": {...}}`) and unwraps it;
/// the response's raw JSON keeps the wrapper.
pub(crate) async fn send_wrapped<T: Wrapped>(
    request: RequestBuilder<'_>,
) -> Result<ApiResponse<T>> {
    Ok(request
        .send_json::<Envelope<T>>()
        .await?
        .map(Envelope::into_inner))
}

/// Collects strings (Python's "listify").
pub(crate) fn strings<I>(values: I) -> Vec<String>
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    values.into_iter().map(Into::into).collect()
}

/// Keys for a comma-joined query parameter, joined as they are given: one string, not a
/// list of copies joined again when sending. A key holding a comma (which would inject
/// another key) is remembered and refused when the lookup is sent.
#[derive(Debug)]
pub(crate) struct KeyList {
    joined: String,
    with_comma: Option<String>,
}

impl KeyList {
    pub(crate) fn new<I>(keys: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut list = KeyList {
            joined: String::new(),
            with_comma: None,
        };
        for key in keys {
            let key = key.as_ref();
            if key.contains(',') && list.with_comma.is_none() {
                list.with_comma = Some(key.to_owned());
            }
            if !list.joined.is_empty() {
                list.joined.push(',');
            }
            list.joined.push_str(key);
        }
        list
    }

    /// The joined keys, or the usage error for the first key holding a comma.
    pub(crate) fn into_checked(self, what: &str) -> Result<String> {
        match self.with_comma {
            Some(bad) => Err(AuthError::Usage(format!(
                "{what} {bad:?} contains a comma, which would inject another key into the lookup"
            ))),
            None => Ok(self.joined),
        }
    }
}

impl fmt::Debug for AuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthClient")
            .field("base", &self.base)
            .finish()
    }
}
