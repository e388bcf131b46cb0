//! [`GlobusApp`]: what user and client apps share (Python's `GlobusApp` base class).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use globus_auth::{AUTH_RESOURCE_SERVER, AnyLoginClient, AuthClient, ClientId, LoginClient};
use globus_core::error::AuthorizationParameters;
use globus_core::{Authorizer, Environment};
use globus_scopes::{IntoScopes, Scope};

use super::GlobusAppConfig;
use super::attach::AppAuthorizer;
use super::authorizers::{AuthorizerFactory, GlobusAuthorizer};
use super::requirements::{Requirements, parse_requirement};
use super::validating_storage::{ValidatingTokenStorage, blocking};
use crate::error::{Error, Result};
use crate::login_flow::{LoginFlowManager, LoginFlowParams};
use crate::storage::TokenStorageData;

tokio::task_local! {
    /// Set while a token-validation error handler runs: `get_authorizer` calls it makes
    /// return errors instead of calling the handler again (Python disables the handler
    /// for nested calls the same way).
    static IN_ERROR_HANDLER: bool;
}

/// How an app gets tokens.
#[derive(Debug)]
pub(crate) enum Mode {
    /// Interactive logins (user apps).
    User { flow: Arc<dyn LoginFlowManager> },
    /// Client-credentials grants (client apps).
    Client {
        client: globus_auth::ConfidentialAppAuthClient,
    },
}

/// The state behind an app handle.
pub(crate) struct AppInner {
    pub(crate) app_name: String,
    pub(crate) config: GlobusAppConfig,
    pub(crate) login_client: AnyLoginClient,
    pub(crate) mode: Mode,
    pub(crate) requirements: Arc<Requirements>,
    pub(crate) storage: ValidatingTokenStorage,
    pub(crate) factory: AuthorizerFactory,
    /// Serialises logins and logouts.
    pub(crate) login_lock: tokio::sync::Mutex<()>,
    /// Serialises calls of the token-validation error handler.
    pub(crate) handler_lock: tokio::sync::Mutex<()>,
}

/// An app: a login client, scope requirements, validated token storage and the
/// authorizers built from it (Python's `GlobusApp`). [`UserApp`](super::UserApp) and
/// [`ClientApp`](super::ClientApp) dereference to it.
///
/// Cheap to clone (clones share everything), `Send + Sync`: share one app between every
/// task and client of a program.
#[derive(Clone)]
pub struct GlobusApp {
    pub(crate) inner: Arc<AppInner>,
}

impl GlobusApp {
    /// The app's name.
    pub fn app_name(&self) -> &str {
        &self.inner.app_name
    }

    /// The client id.
    pub fn client_id(&self) -> &ClientId {
        self.inner.login_client.client_id()
    }

    /// The configuration the app was built with.
    pub fn config(&self) -> &GlobusAppConfig {
        &self.inner.config
    }

    /// The login client (native or confidential).
    pub fn login_client(&self) -> &AnyLoginClient {
        &self.inner.login_client
    }

    /// The Globus environment.
    pub fn environment(&self) -> Environment {
        self.inner.login_client.base_client().environment()
    }

    /// The app's token storage, validating (Python's `app.token_storage`);
    /// [`inner`](ValidatingTokenStorage::inner) is the storage underneath.
    pub fn token_storage(&self) -> &ValidatingTokenStorage {
        &self.inner.storage
    }

    /// Whether this is a user app (interactive logins) rather than a client app.
    pub fn is_user_app(&self) -> bool {
        matches!(self.inner.mode, Mode::User { .. })
    }

    /// A copy of the scope requirements, by resource server. `auth.globus.org` requires
    /// `openid` unless the configuration turned that off.
    pub fn scope_requirements(&self) -> BTreeMap<String, Vec<Scope>> {
        self.inner.requirements.snapshot()
    }

    /// Adds scope requirements (a map, or pairs, from resource server to anything
    /// [`IntoScopes`]: a string is parsed, so `"a b[c]"` is two scopes). Scopes already
    /// required are not repeated. The cached authorizers of those resource servers are
    /// dropped, so the next use checks the tokens against the new requirements.
    ///
    /// ```
    /// # fn demo(app: &globus_app::app::GlobusApp) -> globus_app::Result<()> {
    /// use globus_scopes::TransferScopes;
    /// app.add_scope_requirements([("transfer.api.globus.org", TransferScopes::all())])?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Scope`] for an invalid scope string (nothing is added).
    pub fn add_scope_requirements<I, K, S>(&self, requirements: I) -> Result<()>
    where
        I: IntoIterator<Item = (K, S)>,
        K: Into<String>,
        S: IntoScopes,
    {
        let parsed = requirements
            .into_iter()
            .map(|(rs, scopes)| Ok((rs.into(), parse_requirement(scopes)?)))
            .collect::<Result<Vec<_>>>()?;
        let resource_servers: Vec<String> = parsed.iter().map(|(rs, _)| rs.clone()).collect();
        for (rs, scopes) in parsed {
            self.inner.requirements.add(rs, scopes);
        }
        self.inner.factory.clear(&resource_servers);
        Ok(())
    }

    /// The authorizer for `resource_server` (Python's `get_authorizer`): built from the
    /// validated stored tokens, cached until a login, a logout, or new requirements for
    /// that resource server.
    ///
    /// When the tokens are missing, expired or short of the requirements, the configured
    /// [error handler](super::TokenValidationErrorHandler) runs (by default: a login),
    /// then the app tries once more.
    ///
    /// # Errors
    /// The validation error when there is no handler or it failed
    /// ([`Error::is_login_required`] tells whether a login would help); storage and
    /// network errors.
    pub async fn get_authorizer(&self, resource_server: &str) -> Result<GlobusAuthorizer> {
        let first = self.inner.factory.get(resource_server).await;
        let error = match first {
            Err(err) if is_validation_error(&err) => err,
            other => return other,
        };
        let nested = IN_ERROR_HANDLER.try_with(|on| *on).unwrap_or(false);
        let Some(handler) = self.inner.config.token_validation_error_handler() else {
            return Err(error);
        };
        if nested {
            return Err(error);
        }
        let _handling = self.inner.handler_lock.lock().await;
        // Another task may have resolved it while this one waited.
        let error = match self.inner.factory.get(resource_server).await {
            Err(err) if is_validation_error(&err) => err,
            other => return other,
        };
        IN_ERROR_HANDLER
            .scope(true, handler.handle(self, error))
            .await?;
        self.inner.factory.get(resource_server).await
    }

    /// An authorizer for any client's requests to `resource_server`, backed by this app:
    /// each request takes its header from [`get_authorizer`](Self::get_authorizer) (so it
    /// follows logins, refreshes and new requirements), and a `401` renews a renewing
    /// authorizer once. Pass it to `ClientBuilder::with_shared_authorizer`:
    ///
    /// ```
    /// # fn demo(app: &globus_app::app::UserApp) -> Result<(), globus_core::Error> {
    /// let transfer = globus_core::BaseClient::builder("transfer")
    ///     .with_shared_authorizer(app.authorizer_for("transfer.api.globus.org"))
    ///     .build()?;
    /// # let _ = transfer; Ok(()) }
    /// ```
    ///
    /// Failures reach the client as `globus_core::Error::Authorization`, whose cause is
    /// this crate's [`Error`] and whose `is_reauthentication_required()` says whether a
    /// login would help.
    pub fn authorizer_for(&self, resource_server: impl Into<String>) -> Arc<dyn Authorizer> {
        Arc::new(AppAuthorizer::new(self.clone(), resource_server.into()))
    }

    /// An [`AuthClient`] authorized by this app (Python's `AuthClient(app=app)`): like
    /// Python, it adds Auth's default requirements (`openid profile email`) to the app's.
    ///
    /// # Errors
    /// None in practice (the scopes are constants); the type leaves room for
    /// [`Error::Scope`].
    pub fn auth_client(&self) -> Result<AuthClient> {
        self.add_scope_requirements([(
            AUTH_RESOURCE_SERVER,
            AuthClient::default_scope_requirements(),
        )])?;
        let base = self
            .inner
            .login_client
            .base_client()
            .with_authorizer(Some(self.authorizer_for(AUTH_RESOURCE_SERVER)));
        Ok(AuthClient::from_base_client(base))
    }

    /// Logs in when needed (Python's `login(force=...)`): when `force`, or when
    /// [`login_required`](Self::login_required). A user app runs its login flow for every
    /// required scope; a client app makes one client-credentials grant for them. The
    /// tokens are validated and stored, and cached authorizers dropped.
    ///
    /// # Errors
    /// The flow's errors; [`Error::IdentityMismatch`] when another user logged in (the
    /// stored tokens are kept: [`logout`](Self::logout) first to switch users);
    /// [`Error::Usage`] when there is nothing to log in for.
    pub async fn login(&self, force: bool) -> Result<()> {
        let _login = self.inner.login_lock.lock().await;
        if force || self.login_required_unlocked().await? {
            self.run_login(None).await?;
        }
        Ok(())
    }

    /// Logs in with these requirements (Python's `login(auth_params=...)`), always: their
    /// `required_scopes` are added to the app's for this login, and the session
    /// requirements (identities, domains, policies, MFA, message, prompt) go to the
    /// authorize URL. A client app uses only the scopes.
    ///
    /// # Errors
    /// As [`login`](Self::login).
    pub async fn login_with_auth_params(&self, params: &AuthorizationParameters) -> Result<()> {
        let _login = self.inner.login_lock.lock().await;
        self.run_login(Some(params)).await
    }

    /// Whether a login is needed for the current requirements (Python's
    /// `login_required`): whether, for some required resource server, no authorizer can
    /// be made from the stored tokens (missing, expired without a refresh token, or short
    /// of the requirements — dependent scopes included). The error handler is not called.
    ///
    /// # Errors
    /// Storage errors, and the consent lookup's errors.
    pub async fn login_required(&self) -> Result<bool> {
        self.login_required_unlocked().await
    }

    async fn login_required_unlocked(&self) -> Result<bool> {
        for resource_server in self.inner.requirements.resource_servers() {
            match self.inner.factory.get(&resource_server).await {
                Ok(_) => {}
                Err(err) if is_validation_error(&err) => return Ok(true),
                Err(err) => return Err(err),
            }
        }
        Ok(false)
    }

    async fn run_login(&self, params: Option<&AuthorizationParameters>) -> Result<()> {
        let extra = params
            .and_then(|p| p.required_scopes.clone())
            .unwrap_or_default();
        let scopes = self.inner.requirements.login_scopes(&extra)?;
        if scopes.is_empty() {
            return Err(Error::Usage(
                "the app has no scope requirements, so there is nothing to log in for".into(),
            ));
        }
        let response = match &self.inner.mode {
            Mode::User { flow } => {
                let mut flow_params = LoginFlowParams::new(scopes);
                if let Some(params) = params {
                    flow_params = flow_params.with_authorize_params(params.into());
                }
                flow.run_login_flow(&flow_params).await?
            }
            Mode::Client { client } => client.oauth2_client_credentials_tokens(scopes).await?,
        };
        self.inner.storage.store_token_response(&response).await?;
        self.inner.factory.clear(&[]);
        Ok(())
    }

    /// Logs out (Python's `logout(sweep=...)`): for each required resource server — or,
    /// with `sweep`, every token in the storage — revokes the access token, then the
    /// refresh token if any, then removes the record. Cached authorizers and consents are
    /// dropped, and the identity is read again from what remains (nothing after a sweep,
    /// or when only required tokens were stored), so that another user can log in (Python
    /// keeps the old identity and rejects the next user).
    ///
    /// # Errors
    /// A revocation or storage error stops the logout: the records not yet removed stay,
    /// so that a second logout can revoke them.
    pub async fn logout(&self, sweep: bool) -> Result<()> {
        let _login = self.inner.login_lock.lock().await;
        let storage = self.inner.storage.inner();
        let records: Vec<TokenStorageData> = if sweep {
            blocking(storage, |s| s.get_token_data_by_resource_server())
                .await?
                .into_values()
                .collect()
        } else {
            let wanted = self.inner.requirements.resource_servers();
            blocking(storage, move |s| {
                let mut found = Vec::new();
                for rs in &wanted {
                    found.extend(s.get_token_data(rs)?);
                }
                Ok(found)
            })
            .await?
        };
        let client = &self.inner.login_client;
        let result = async {
            for data in records {
                client
                    .oauth2_revoke_token(data.access_token.expose_secret(), Vec::new())
                    .await?;
                if let Some(refresh_token) = &data.refresh_token {
                    client
                        .oauth2_revoke_token(refresh_token.expose_secret(), Vec::new())
                        .await?;
                }
                let rs = data.resource_server;
                blocking(storage, move |s| s.remove_token_data(&rs)).await?;
            }
            Ok(())
        }
        .await;
        self.inner.factory.clear(&[]);
        self.inner.storage.forget_identity().await;
        result
    }
}

/// Whether an error is one of token validation (Python's `TokenValidationError`), which
/// a login can resolve and which the error handler sees.
pub(crate) fn is_validation_error(error: &Error) -> bool {
    matches!(
        error,
        Error::MissingToken { .. }
            | Error::ExpiredToken { .. }
            | Error::UnmetScopeRequirements { .. }
            | Error::MissingIdentity
            | Error::IdentityMismatch { .. }
    )
}

impl fmt::Debug for GlobusApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GlobusApp")
            .field("app_name", &self.inner.app_name)
            .field("client_id", self.client_id())
            .field("user_app", &self.is_user_app())
            .field("environment", &self.environment())
            .field("scope_requirements", &self.inner.requirements)
            .field("token_storage", &self.inner.storage)
            .finish_non_exhaustive()
    }
}
