//! [`NativeAppAuthClient`]: a public client (desktop, CLI, notebook) that logs users in
//! with PKCE and holds no secret.

use std::fmt;
use std::sync::Arc;

use globus_core::{BaseClient, BuildClient, ClientBuilder, NullAuthorizer};
use globus_scopes::IntoScopes;

use super::{ClientId, LoginClient, LoginCore, sealed};
use crate::error::Result;
use crate::flow::NativeAppFlow;

/// A Globus Auth client for a native app (a public client).
///
/// Its requests never carry an `Authorization` header; it identifies itself with
/// `client_id` in request bodies.
///
/// ```no_run
/// use globus_auth::{LoginClient, NativeAppAuthClient};
///
/// # fn demo() -> Result<(), globus_auth::AuthError> {
/// let client = NativeAppAuthClient::builder("61338d24-54d5-408f-a10d-66c06b59f6d2")
///     .with_app_name("my-app")
///     .build()?;
/// assert_eq!(client.client_id().as_str(), "61338d24-54d5-408f-a10d-66c06b59f6d2");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct NativeAppAuthClient {
    core: LoginCore,
}

/// The [`BuildClient`] of [`NativeAppAuthClient`].
#[derive(Debug, Clone)]
pub struct NativeAppKind {
    client_id: ClientId,
}

impl BuildClient for NativeAppKind {
    type Output = NativeAppAuthClient;

    fn finish(self, base: BaseClient) -> globus_core::Result<NativeAppAuthClient> {
        if base.authorizer().is_some() {
            return Err(globus_core::Error::Usage(
                "a native app client sends no Authorization header: do not give it an authorizer"
                    .into(),
            ));
        }
        Ok(NativeAppAuthClient {
            core: LoginCore {
                base: base.with_authorizer(Some(Arc::new(NullAuthorizer))),
                client_id: self.client_id,
                public: true,
            },
        })
    }
}

impl NativeAppAuthClient {
    /// Starts building a client for `client_id`.
    pub fn builder(client_id: impl Into<ClientId>) -> ClientBuilder<NativeAppKind> {
        ClientBuilder::with_finisher(
            crate::AuthClient::SERVICE_NAME,
            NativeAppKind {
                client_id: client_id.into(),
            },
        )
    }

    /// Starts a native-app login (authorization code with PKCE) for `scopes` (a string,
    /// a [`Scope`](globus_scopes::Scope), or a list of either).
    ///
    /// The flow redirects to Globus's "show the code" page
    /// (`<auth base URL>/v2/web/auth-code`) unless given another redirect URI, uses a
    /// random `state` and a fresh PKCE verifier, and asks for no refresh tokens; change
    /// these with its `with_*` setters. Makes no request.
    ///
    /// # Errors
    /// [`AuthError::Scope`](crate::AuthError::Scope) when `scopes` is empty,
    /// [`AuthError::Usage`](crate::AuthError::Usage) when the client id is empty.
    pub fn oauth2_start_flow(&self, scopes: impl IntoScopes) -> Result<NativeAppFlow> {
        NativeAppFlow::start(self, scopes)
    }
}

impl sealed::Sealed for NativeAppAuthClient {}

impl LoginClient for NativeAppAuthClient {
    fn login_core(&self) -> &LoginCore {
        &self.core
    }
}

impl fmt::Debug for NativeAppAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NativeAppAuthClient")
            .field("client_id", &self.core.client_id)
            .field("base_url", &self.core.base.base_url().as_str())
            .finish()
    }
}
