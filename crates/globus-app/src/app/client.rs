//! [`ClientApp`]: an app acting as its own confidential client (client credentials).

use std::fmt;
use std::ops::Deref;

use globus_auth::{ClientId, ConfidentialAppAuthClient};
use globus_core::secret::ClientSecret;
use globus_scopes::IntoScopes;

use super::GlobusAppConfig;
use super::build::{AppKind, AppParts, build};
use super::globus_app::GlobusApp;
use crate::error::Result;

/// An app acting as itself, a confidential client (Python's `ClientApp`): a "login" is
/// one client-credentials grant for every required scope, and its authorizers fetch new
/// tokens themselves when theirs expire (storing them).
///
/// Only the scope requirements are validated (Python removed identity checks for client
/// apps). A client app takes no login flow manager. It dereferences to [`GlobusApp`].
///
/// ```no_run
/// use globus_app::app::ClientApp;
/// use globus_scopes::TransferScopes;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let app = ClientApp::builder("my service")
///     .client_id("a8a6c7f9-6a1e-4d6f-9b9a-1b1f7f0e8d11")
///     .client_secret(std::env::var("GLOBUS_CLIENT_SECRET")?)
///     .scope_requirements([("transfer.api.globus.org", TransferScopes::all())])
///     .build()?;
/// let authorizer = app.get_authorizer("transfer.api.globus.org").await?;
/// # let _ = authorizer; Ok(()) }
/// ```
///
/// The [crate documentation](crate#apps) runs one against a fake Globus Auth.
#[derive(Clone)]
pub struct ClientApp {
    app: GlobusApp,
}

impl ClientApp {
    /// Starts building a client app named `app_name`.
    pub fn builder(app_name: impl Into<String>) -> ClientAppBuilder {
        ClientAppBuilder {
            parts: AppParts::new(app_name.into()),
        }
    }

    /// The shared app API (also reachable through `Deref`).
    pub fn as_globus_app(&self) -> &GlobusApp {
        &self.app
    }

    /// The shared app handle.
    pub fn into_globus_app(self) -> GlobusApp {
        self.app
    }
}

impl Deref for ClientApp {
    type Target = GlobusApp;

    fn deref(&self) -> &GlobusApp {
        &self.app
    }
}

impl From<ClientApp> for GlobusApp {
    fn from(app: ClientApp) -> Self {
        app.app
    }
}

impl fmt::Debug for ClientApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientApp").field(&self.app).finish()
    }
}

/// Configures a [`ClientApp`]: [`ClientApp::builder`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientAppBuilder {
    parts: AppParts,
}

impl ClientAppBuilder {
    /// The client id (with [`client_secret`](Self::client_secret)). Exclusive with
    /// [`login_client`](Self::login_client).
    pub fn client_id(mut self, client_id: impl Into<ClientId>) -> Self {
        self.parts.client_id = Some(client_id.into());
        self
    }

    /// The client secret (required with a client id).
    pub fn client_secret(mut self, client_secret: impl Into<ClientSecret>) -> Self {
        self.parts.client_secret = Some(client_secret.into());
        self
    }

    /// A confidential login client built by the caller.
    pub fn login_client(mut self, login_client: ConfidentialAppAuthClient) -> Self {
        self.parts.login_client = Some(login_client.into());
        self
    }

    /// Adds scope requirements: pairs (or a map) from resource server to anything
    /// [`IntoScopes`].
    pub fn scope_requirements<I, K, S>(mut self, requirements: I) -> Self
    where
        I: IntoIterator<Item = (K, S)>,
        K: Into<String>,
        S: IntoScopes,
    {
        for (resource_server, scopes) in requirements {
            self.parts.add_requirement(resource_server.into(), scopes);
        }
        self
    }

    /// The configuration (default: [`GlobusAppConfig::default`]; it must not set a login
    /// flow manager).
    pub fn config(mut self, config: GlobusAppConfig) -> Self {
        self.parts.config = config;
        self
    }

    /// Builds the app. Makes no network request; opens (and may create) the token storage.
    ///
    /// # Errors
    /// [`Error::Usage`](crate::Error::Usage) for Python's construction rules: a client id
    /// without a secret, both or neither of client id and login client, a login flow
    /// manager, a login client of another environment; [`Error::Scope`](crate::Error::Scope)
    /// for an invalid scope string; storage errors.
    pub fn build(self) -> Result<ClientApp> {
        Ok(ClientApp {
            app: build(self.parts, AppKind::Client)?,
        })
    }
}

impl fmt::Debug for ClientAppBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientAppBuilder")
            .field(&self.parts)
            .finish()
    }
}
