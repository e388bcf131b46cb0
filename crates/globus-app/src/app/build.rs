//! Building an app: Python's `GlobusApp.__init__` and the construction rules of
//! `UserApp` and `ClientApp`.

use std::fmt;
use std::sync::Arc;

use globus_auth::{
    AUTH_RESOURCE_SERVER, AnyLoginClient, AuthClient, ClientId, ConfidentialAppAuthClient,
    LoginClient, NativeAppAuthClient,
};
use globus_core::Environment;
use globus_core::secret::ClientSecret;
use globus_identity::IdTokenDecoder;
use globus_scopes::{AuthScopes, IntoScopes, Scope};

use super::GlobusAppConfig;
use super::attach::ConsentAuthorizer;
use super::authorizers::{AuthorizerFactory, FactoryKind};
use super::config::{LoginFlowContext, LoginFlowManagerConfig, TokenStorageConfig};
use super::globus_app::{AppInner, GlobusApp, Mode};
use super::requirements::{Requirements, parse_requirement};
use super::validating_storage::{Rules, ValidatingTokenStorage};
use super::validators::ExpiryRule;
use crate::error::{Error, Result};
use crate::login_flow::{
    CommandLineLoginFlowManager, LocalServerLoginFlowManager, LoginFlowManager,
};
use crate::storage::{JsonTokenStorage, MemoryTokenStorage, SqliteTokenStorage, TokenStorage};

/// Which app is being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AppKind {
    User,
    Client,
}

/// What the app builders collect.
pub(crate) struct AppParts {
    pub(crate) app_name: String,
    pub(crate) client_id: Option<ClientId>,
    pub(crate) client_secret: Option<ClientSecret>,
    pub(crate) login_client: Option<AnyLoginClient>,
    /// Requirements as given; a parse error is reported by `build`.
    pub(crate) requirements: Vec<(String, Result<Vec<Scope>>)>,
    pub(crate) config: GlobusAppConfig,
}

impl AppParts {
    pub(crate) fn new(app_name: String) -> Self {
        Self {
            app_name,
            client_id: None,
            client_secret: None,
            login_client: None,
            requirements: Vec::new(),
            config: GlobusAppConfig::default(),
        }
    }

    pub(crate) fn add_requirement(&mut self, resource_server: String, scopes: impl IntoScopes) {
        self.requirements
            .push((resource_server, parse_requirement(scopes)));
    }
}

impl fmt::Debug for AppParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppParts")
            .field("app_name", &self.app_name)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("login_client", &self.login_client)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn usage(message: impl Into<String>) -> Error {
    Error::Usage(message.into())
}

/// Resolves the login client (Python's `_resolve_client_info` and
/// `_initialize_login_client`).
fn login_client(
    parts: &mut AppParts,
    kind: AppKind,
    environment: Environment,
) -> Result<AnyLoginClient> {
    match (parts.login_client.take(), parts.client_id.take()) {
        (Some(_), Some(_)) => Err(usage(
            "client_id and login_client are mutually exclusive: give one",
        )),
        (Some(client), None) => {
            if parts.client_secret.is_some() {
                return Err(usage(
                    "client_secret and login_client are mutually exclusive: the login client \
                     already holds its credentials",
                ));
            }
            if client.client_id().as_str().is_empty() {
                return Err(usage("the login client has an empty client id"));
            }
            let client_environment = client.base_client().environment();
            if client_environment != environment {
                return Err(usage(format!(
                    "[Environment Mismatch] the login client's environment ({}) does not match \
                     the app's configured environment ({})",
                    client_environment.as_str(),
                    environment.as_str()
                )));
            }
            if kind == AppKind::Client && matches!(client, AnyLoginClient::Native(_)) {
                return Err(usage(
                    "a ClientApp must use a ConfidentialAppAuthClient for its login client",
                ));
            }
            Ok(client)
        }
        (None, Some(client_id)) => {
            let config = &parts.config;
            let built = match (parts.client_secret.take(), kind) {
                (Some(secret), _) => ConfidentialAppAuthClient::builder(client_id, secret)
                    .with_environment(environment)
                    .with_env_vars(config.env_vars())
                    .with_app_name(parts.app_name.clone())
                    .build()
                    .map(AnyLoginClient::from),
                (None, AppKind::Client) => {
                    return Err(usage(
                        "a ClientApp requires a client_secret to build its login client",
                    ));
                }
                (None, AppKind::User) => NativeAppAuthClient::builder(client_id)
                    .with_environment(environment)
                    .with_env_vars(config.env_vars())
                    .with_app_name(parts.app_name.clone())
                    .build()
                    .map(AnyLoginClient::from),
            };
            built.map_err(|err| Error::Auth(err.into()))
        }
        (None, None) => Err(usage(
            "could not set up a login client: one of client_id or login_client is required",
        )),
    }
}

/// Resolves the token storage (Python's `_resolve_token_storage`; the namespace of the
/// storages the app creates is always `"DEFAULT"`).
fn token_storage(
    config: &GlobusAppConfig,
    client_id: &str,
    app_name: &str,
    environment: Environment,
) -> Result<Arc<dyn TokenStorage>> {
    Ok(match config.token_storage() {
        TokenStorageConfig::Json => Arc::new(JsonTokenStorage::for_app(
            client_id,
            app_name,
            environment.as_str(),
        )?),
        TokenStorageConfig::Sqlite => Arc::new(SqliteTokenStorage::for_app(
            client_id,
            app_name,
            environment.as_str(),
        )?),
        TokenStorageConfig::Memory => Arc::new(MemoryTokenStorage::new()),
        TokenStorageConfig::Storage(storage) => Arc::clone(storage),
    })
}

/// Resolves a user app's login flow manager (Python's `_resolve_login_flow_manager`).
fn login_flow(
    app_name: &str,
    login_client: &AnyLoginClient,
    config: &GlobusAppConfig,
) -> Result<Arc<dyn LoginFlowManager>> {
    let choice = config
        .login_flow_manager()
        .cloned()
        .unwrap_or(LoginFlowManagerConfig::CommandLine);
    match choice {
        LoginFlowManagerConfig::Manager(manager) => Ok(manager),
        LoginFlowManagerConfig::Provider(provider) => provider.for_globus_app(&LoginFlowContext {
            app_name,
            login_client,
            config,
        }),
        LoginFlowManagerConfig::CommandLine => Ok(Arc::new(CommandLineLoginFlowManager::for_app(
            app_name,
            login_client.clone(),
            &config.login_flow_config(),
        )?)),
        LoginFlowManagerConfig::LocalServer => Ok(Arc::new(LocalServerLoginFlowManager::for_app(
            app_name,
            login_client.clone(),
            &config.login_flow_config(),
        )?)),
    }
}

/// Builds an app.
pub(crate) fn build(mut parts: AppParts, kind: AppKind) -> Result<GlobusApp> {
    if kind == AppKind::Client && parts.config.login_flow_manager().is_some() {
        return Err(usage("a ClientApp cannot use a login flow manager"));
    }
    let environment = parts.config.environment()?;
    let login_client = login_client(&mut parts, kind, environment)?;
    let AppParts {
        app_name,
        requirements: given,
        config,
        ..
    } = parts;

    let requirements = Arc::new(Requirements::default());
    for (resource_server, scopes) in given {
        requirements.add(resource_server, scopes?);
    }
    if config.require_openid() {
        // Python attaches an Auth client with `openid` to every app, last.
        requirements.add(AUTH_RESOURCE_SERVER.to_owned(), vec![AuthScopes::openid()]);
    }

    let client_id = login_client.client_id().as_str().to_owned();
    let storage = token_storage(&config, &client_id, &app_name, environment)?;
    let clock = Arc::clone(login_client.base_client().clock());
    let decoder = match config.id_token_decoder() {
        Some(decoder) => decoder.clone(),
        None => IdTokenDecoder::builder(login_client.clone())
            .with_clock(Arc::clone(&clock))
            .build()?,
    };

    let (rules, factory_kind, mode) = match (kind, &login_client) {
        (AppKind::User, _) => {
            let refresh = config.request_refresh_tokens();
            let rules = Rules {
                expiry: if refresh {
                    ExpiryRule::HasRefreshToken
                } else {
                    ExpiryRule::NotExpired
                },
                check_identity: true,
                require_identity: config.require_openid(),
            };
            let factory_kind = if refresh {
                FactoryKind::RefreshToken(login_client.clone())
            } else {
                FactoryKind::AccessToken
            };
            let flow = login_flow(&app_name, &login_client, &config)?;
            (rules, factory_kind, Mode::User { flow })
        }
        (AppKind::Client, AnyLoginClient::Confidential(client)) => {
            let rules = Rules {
                expiry: ExpiryRule::None,
                check_identity: false,
                require_identity: false,
            };
            let mode = Mode::Client {
                client: client.clone(),
            };
            (rules, FactoryKind::ClientCredentials(client.clone()), mode)
        }
        (AppKind::Client, AnyLoginClient::Native(_)) => {
            return Err(usage("a ClientApp requires a confidential client"));
        }
    };

    let inner = Arc::new_cyclic(|weak| {
        let consent_client = AuthClient::from_base_client(
            login_client
                .base_client()
                .with_authorizer(Some(Arc::new(ConsentAuthorizer { app: weak.clone() }))),
        );
        let storage = ValidatingTokenStorage::new(
            storage,
            rules,
            Arc::clone(&requirements),
            consent_client,
            decoder,
            Arc::clone(&clock),
        );
        let factory = AuthorizerFactory::new(
            factory_kind,
            storage.clone(),
            Arc::clone(&requirements),
            clock,
        );
        AppInner {
            app_name,
            config,
            login_client,
            mode,
            requirements,
            storage,
            factory,
            login_lock: tokio::sync::Mutex::new(()),
            handler_lock: tokio::sync::Mutex::new(()),
        }
    });
    Ok(GlobusApp { inner })
}
