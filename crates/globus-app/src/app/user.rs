//! [`UserApp`]: an app acting for a user, who logs in interactively.

use std::fmt;
use std::ops::Deref;

use globus_auth::{AnyLoginClient, ClientId};
use globus_core::secret::ClientSecret;
use globus_scopes::IntoScopes;

use super::GlobusAppConfig;
use super::build::{AppKind, AppParts, build};
use super::globus_app::GlobusApp;
use crate::error::Result;

/// An app acting for a user (Python's `UserApp`): a native client (or a confidential one,
/// with its secret) whose logins run the configured
/// [login flow](super::LoginFlowManagerConfig).
///
/// Tokens are validated as in Python: unexpired (or, with
/// [refresh tokens](GlobusAppConfig::with_request_refresh_tokens), refreshable), meeting
/// the scope requirements, and always of the same identity. It dereferences to
/// [`GlobusApp`], which has the whole API (`login`, `logout`, `get_authorizer`, …).
///
/// ```no_run
/// use globus_app::app::UserApp;
/// use globus_scopes::TransferScopes;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let app = UserApp::builder("my app")
///     .client_id("61338d24-54d5-408f-a10d-66c06b59f6d2")
///     .scope_requirements([("transfer.api.globus.org", TransferScopes::all())])
///     .build()?; // tokens in ~/.globus/app/<client id>/my-app/tokens.json
/// app.login(false).await?; // runs the command-line flow if the stored tokens won't do
/// let transfer = globus_core::BaseClient::builder("transfer")
///     .with_shared_authorizer(app.authorizer_for("transfer.api.globus.org"))
///     .build()?;
/// # let _ = transfer; Ok(()) }
/// ```
///
/// The [crate documentation](crate#apps) runs a complete login against a fake Globus Auth.
#[derive(Clone)]
pub struct UserApp {
    app: GlobusApp,
}

impl UserApp {
    /// Starts building a user app named `app_name` (the name picks its token file and
    /// names the grant on the consent page).
    pub fn builder(app_name: impl Into<String>) -> UserAppBuilder {
        UserAppBuilder {
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

impl Deref for UserApp {
    type Target = GlobusApp;

    fn deref(&self) -> &GlobusApp {
        &self.app
    }
}

impl From<UserApp> for GlobusApp {
    fn from(app: UserApp) -> Self {
        app.app
    }
}

impl fmt::Debug for UserApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UserApp").field(&self.app).finish()
    }
}

/// Configures a [`UserApp`] (Python's constructor arguments): [`UserApp::builder`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct UserAppBuilder {
    parts: AppParts,
}

impl UserAppBuilder {
    /// The client id; the app builds a native login client for it, or a confidential one
    /// when a [secret](Self::client_secret) is given. Exclusive with
    /// [`login_client`](Self::login_client).
    pub fn client_id(mut self, client_id: impl Into<ClientId>) -> Self {
        self.parts.client_id = Some(client_id.into());
        self
    }

    /// The client secret of a confidential client id.
    pub fn client_secret(mut self, client_secret: impl Into<ClientSecret>) -> Self {
        self.parts.client_secret = Some(client_secret.into());
        self
    }

    /// A login client built by the caller (its environment must be the configuration's).
    pub fn login_client(mut self, login_client: impl Into<AnyLoginClient>) -> Self {
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

    /// The configuration (default: [`GlobusAppConfig::default`]).
    pub fn config(mut self, config: GlobusAppConfig) -> Self {
        self.parts.config = config;
        self
    }

    /// Builds the app. Makes no network request; opens (and may create) the token storage.
    ///
    /// # Errors
    /// [`Error::Usage`](crate::Error::Usage) for Python's construction rules: both or
    /// neither of client id and login client, a login client of another environment, a
    /// login flow that cannot serve this client; [`Error::Scope`](crate::Error::Scope) for
    /// an invalid scope string; storage errors.
    pub fn build(self) -> Result<UserApp> {
        Ok(UserApp {
            app: build(self.parts, AppKind::User)?,
        })
    }
}

impl fmt::Debug for UserAppBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UserAppBuilder").field(&self.parts).finish()
    }
}
