//! [`GlobusAppConfig`]: how an app logs in, where it keeps tokens, and how it reacts to
//! invalid tokens (Python's `GlobusAppConfig`).

use std::fmt;
use std::sync::Arc;

use globus_auth::AnyLoginClient;
use globus_core::authorizer::BoxFuture;
use globus_core::{EnvVars, Environment};
use globus_identity::IdTokenDecoder;

use super::GlobusApp;
use crate::error::{Error, Result};
use crate::login_flow::{LoginFlowConfig, LoginFlowManager};
use crate::storage::TokenStorage;

/// Which login flow a [`UserApp`](super::UserApp) runs (Python's `login_flow_manager`
/// values).
#[derive(Clone)]
#[non_exhaustive]
pub enum LoginFlowManagerConfig {
    /// Print the authorize URL and read the code from standard input (`"command-line"`,
    /// the default of user apps): a
    /// [`CommandLineLoginFlowManager`](crate::login_flow::CommandLineLoginFlowManager).
    CommandLine,
    /// Open a browser and receive the code on a loopback server (`"local-server"`; native
    /// clients, no custom redirect URI): a
    /// [`LocalServerLoginFlowManager`](crate::login_flow::LocalServerLoginFlowManager).
    LocalServer,
    /// This manager, as given (Python's instance case).
    Manager(Arc<dyn LoginFlowManager>),
    /// A manager built for the app from its name, login client and configuration
    /// (Python's provider classes with `for_globus_app`).
    Provider(Arc<dyn LoginFlowManagerProvider>),
}

impl LoginFlowManagerConfig {
    /// Uses `manager` as given.
    pub fn manager(manager: impl LoginFlowManager + 'static) -> Self {
        Self::Manager(Arc::new(manager))
    }

    /// Builds the manager with `provider` when the app is built.
    pub fn provider(provider: impl LoginFlowManagerProvider + 'static) -> Self {
        Self::Provider(Arc::new(provider))
    }
}

impl fmt::Debug for LoginFlowManagerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CommandLine => f.write_str("CommandLine"),
            Self::LocalServer => f.write_str("LocalServer"),
            Self::Manager(manager) => f.debug_tuple("Manager").field(manager).finish(),
            Self::Provider(provider) => f.debug_tuple("Provider").field(provider).finish(),
        }
    }
}

/// What a [`LoginFlowManagerProvider`] builds a manager from.
#[derive(Debug)]
#[non_exhaustive]
pub struct LoginFlowContext<'a> {
    /// The app's name (e.g. for the `"<app name> on <hostname>"` grant name).
    pub app_name: &'a str,
    /// The app's login client.
    pub login_client: &'a AnyLoginClient,
    /// The app's configuration ([`login_redirect_uri`](GlobusAppConfig::login_redirect_uri),
    /// [`request_refresh_tokens`](GlobusAppConfig::request_refresh_tokens)).
    pub config: &'a GlobusAppConfig,
}

/// Builds a login flow manager for an app (Python's `LoginFlowManagerProvider`, the
/// `for_globus_app` class method).
pub trait LoginFlowManagerProvider: Send + Sync + fmt::Debug {
    /// The manager for this app.
    ///
    /// # Errors
    /// [`Error::Usage`] when the app cannot use this kind of flow (a confidential client
    /// without a redirect URI, for example).
    fn for_globus_app(&self, app: &LoginFlowContext<'_>) -> Result<Arc<dyn LoginFlowManager>>;
}

/// Where an app keeps its tokens (Python's `token_storage` values). Apps always use the
/// namespace `"DEFAULT"`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum TokenStorageConfig {
    /// A JSON file at Python's default path,
    /// `~/.globus/app/{client_id}/{app_name slug}/{env-prefix}tokens.json` (`"json"`, the
    /// default): a Python app with the same client id and name shares it.
    Json,
    /// A SQLite database at the same place, `tokens.db` (`"sqlite"`).
    Sqlite,
    /// Process memory (`"memory"`).
    Memory,
    /// This storage, as given.
    Storage(Arc<dyn TokenStorage>),
}

impl TokenStorageConfig {
    /// Uses `storage` as given.
    pub fn storage(storage: impl TokenStorage + 'static) -> Self {
        Self::Storage(Arc::new(storage))
    }
}

/// Called when [`get_authorizer`](GlobusApp::get_authorizer) meets invalid tokens
/// (missing, expired, lacking scopes): Python's `token_validation_error_handler`.
///
/// Returning `Ok(())` means "resolved": the app then tries once more, without the handler.
/// An error is returned to the caller. While the handler runs, the app's
/// `get_authorizer` calls made by it skip the handler (no recursion), and other tasks
/// meeting invalid tokens wait for it, then try again before calling it themselves (one
/// login for a burst of requests).
pub trait TokenValidationErrorHandler: Send + Sync + fmt::Debug {
    /// Handles `error` for `app`.
    fn handle<'a>(&'a self, app: &'a GlobusApp, error: Error) -> BoxFuture<'a, Result<()>>;
}

/// The default handler (Python's `resolve_by_login_flow`): runs a login
/// ([`login(true)`](GlobusApp::login)), except for [`Error::IdentityMismatch`], which is
/// never resolved behind the user's back and is returned as is.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResolveByLogin;

impl TokenValidationErrorHandler for ResolveByLogin {
    fn handle<'a>(&'a self, app: &'a GlobusApp, error: Error) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            if matches!(error, Error::IdentityMismatch { .. }) {
                return Err(error);
            }
            tracing::debug!(%error, "invalid tokens: logging in again");
            app.login(true).await
        })
    }
}

/// An app's configuration (Python's `GlobusAppConfig`), built with `with_*` setters.
///
/// | setting | default | Python field |
/// |---|---|---|
/// | [login flow manager](Self::with_login_flow_manager) | [`CommandLine`](LoginFlowManagerConfig::CommandLine) for user apps; client apps take none | `login_flow_manager` |
/// | [login redirect URI](Self::with_login_redirect_uri) | none (the flow's default) | `login_redirect_uri` |
/// | [token storage](Self::with_token_storage) | [`Json`](TokenStorageConfig::Json) | `token_storage` |
/// | [refresh tokens](Self::with_request_refresh_tokens) | `false` | `request_refresh_tokens` |
/// | [GARE auto-redrive](Self::with_auto_redrive_gares) | `false` | `auto_redrive_gares` |
/// | [token-validation error handler](Self::with_token_validation_error_handler) | [`ResolveByLogin`] | `token_validation_error_handler` |
/// | [ID-token decoder](Self::with_id_token_decoder) | an [`IdTokenDecoder`] for the login client | `id_token_decoder` |
/// | [environment](Self::with_environment) | `GLOBUS_SDK_ENVIRONMENT`, else production | `environment` |
/// | [require openid](Self::with_require_openid) | `true` | (always on in Python) |
///
/// ```
/// use globus_app::app::{GlobusAppConfig, TokenStorageConfig};
///
/// let config = GlobusAppConfig::new()
///     .with_token_storage(TokenStorageConfig::Memory)
///     .with_request_refresh_tokens(true);
/// assert!(config.request_refresh_tokens());
/// ```
#[derive(Clone, Debug)]
pub struct GlobusAppConfig {
    login_flow_manager: Option<LoginFlowManagerConfig>,
    login_redirect_uri: Option<String>,
    token_storage: TokenStorageConfig,
    request_refresh_tokens: bool,
    auto_redrive_gares: bool,
    error_handler: Option<Arc<dyn TokenValidationErrorHandler>>,
    id_token_decoder: Option<IdTokenDecoder>,
    environment: Option<Environment>,
    env_vars: Option<EnvVars>,
    require_openid: bool,
}

impl Default for GlobusAppConfig {
    fn default() -> Self {
        Self {
            login_flow_manager: None,
            login_redirect_uri: None,
            token_storage: TokenStorageConfig::Json,
            request_refresh_tokens: false,
            auto_redrive_gares: false,
            error_handler: Some(Arc::new(ResolveByLogin)),
            id_token_decoder: None,
            environment: None,
            env_vars: None,
            require_openid: true,
        }
    }
}

impl GlobusAppConfig {
    /// The defaults (Python's `DEFAULT_CONFIG`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs logins with this flow. Only user apps log users in: a client app refuses any
    /// login flow manager.
    pub fn with_login_flow_manager(mut self, manager: LoginFlowManagerConfig) -> Self {
        self.login_flow_manager = Some(manager);
        self
    }

    /// The redirect URI of logins (for the command-line flow; a confidential client needs
    /// one).
    pub fn with_login_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.login_redirect_uri = Some(uri.into());
        self
    }

    /// Keeps tokens there.
    pub fn with_token_storage(mut self, storage: TokenStorageConfig) -> Self {
        self.token_storage = storage;
        self
    }

    /// Whether logins ask for refresh tokens. With them, a user app's authorizers refresh
    /// expired access tokens (and store the results); without, an expired token needs a
    /// new login.
    pub fn with_request_refresh_tokens(mut self, request: bool) -> Self {
        self.request_refresh_tokens = request;
        self
    }

    /// Whether [`GlobusApp::with_gare_redrive`] answers a `403` carrying a Globus Auth
    /// requirements error with one login and one retry.
    pub fn with_auto_redrive_gares(mut self, redrive: bool) -> Self {
        self.auto_redrive_gares = redrive;
        self
    }

    /// Handles invalid tokens met by `get_authorizer` with `handler`.
    pub fn with_token_validation_error_handler(
        mut self,
        handler: impl TokenValidationErrorHandler + 'static,
    ) -> Self {
        self.error_handler = Some(Arc::new(handler));
        self
    }

    /// Returns invalid-token errors to the caller instead of handling them (Python's
    /// `token_validation_error_handler=None`).
    pub fn without_token_validation_error_handler(mut self) -> Self {
        self.error_handler = None;
        self
    }

    /// Verifies ID tokens with `decoder` (its audience must be the app's client id).
    pub fn with_id_token_decoder(mut self, decoder: IdTokenDecoder) -> Self {
        self.id_token_decoder = Some(decoder);
        self
    }

    /// Uses this Globus environment. A login client given to the app must be of the same.
    pub fn with_environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// Reads `GLOBUS_SDK_*` settings (environment, service URLs, timeout) from this
    /// snapshot instead of the process environment, for the clients the app builds.
    pub fn with_env_vars(mut self, env_vars: EnvVars) -> Self {
        self.env_vars = Some(env_vars);
        self
    }

    /// Whether every app requires `openid` on `auth.globus.org` (default `true`, as in
    /// Python, where it cannot be turned off). The ID token it brings names the identity
    /// that logged in, which guards against a login silently switching users. Turn it off
    /// for apps that cannot get one (a client-credentials app without that consent): user
    /// apps then accept logins without an ID token, and still reject a change of identity
    /// when one is known.
    pub fn with_require_openid(mut self, require: bool) -> Self {
        self.require_openid = require;
        self
    }

    /// The configured login flow manager (`None`: the default).
    pub fn login_flow_manager(&self) -> Option<&LoginFlowManagerConfig> {
        self.login_flow_manager.as_ref()
    }

    /// The configured login redirect URI.
    pub fn login_redirect_uri(&self) -> Option<&str> {
        self.login_redirect_uri.as_deref()
    }

    /// The configured token storage.
    pub fn token_storage(&self) -> &TokenStorageConfig {
        &self.token_storage
    }

    /// Whether logins ask for refresh tokens.
    pub fn request_refresh_tokens(&self) -> bool {
        self.request_refresh_tokens
    }

    /// Whether GAREs are redriven.
    pub fn auto_redrive_gares(&self) -> bool {
        self.auto_redrive_gares
    }

    /// The token-validation error handler (`None`: errors are returned).
    pub fn token_validation_error_handler(&self) -> Option<&Arc<dyn TokenValidationErrorHandler>> {
        self.error_handler.as_ref()
    }

    /// The configured ID-token decoder (`None`: one is built for the login client).
    pub fn id_token_decoder(&self) -> Option<&IdTokenDecoder> {
        self.id_token_decoder.as_ref()
    }

    /// Whether `openid` is required.
    pub fn require_openid(&self) -> bool {
        self.require_openid
    }

    /// What the login flow managers' `for_app` constructors take from this configuration
    /// (the redirect URI and the refresh-token request).
    pub fn login_flow_config(&self) -> LoginFlowConfig {
        let config =
            LoginFlowConfig::new().with_request_refresh_tokens(self.request_refresh_tokens);
        match &self.login_redirect_uri {
            Some(uri) => config.with_login_redirect_uri(uri.clone()),
            None => config,
        }
    }

    /// The `GLOBUS_SDK_*` settings used: the configured snapshot, else the process's.
    pub(crate) fn env_vars(&self) -> EnvVars {
        self.env_vars.clone().unwrap_or_else(EnvVars::from_process)
    }

    /// The environment: the configured one, else `GLOBUS_SDK_ENVIRONMENT`, else
    /// production.
    ///
    /// # Errors
    /// [`Error::Usage`] when `GLOBUS_SDK_ENVIRONMENT` names no environment.
    pub fn environment(&self) -> Result<Environment> {
        match self.environment {
            Some(environment) => Ok(environment),
            None => self
                .env_vars()
                .environment()
                .map_err(|err| Error::Usage(err.to_string())),
        }
    }
}
