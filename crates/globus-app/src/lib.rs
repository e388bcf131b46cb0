//! Globus apps for Rust.
//!
//! [`UserApp`] and [`ClientApp`] are the Rust counterparts of Python globus-sdk's
//! `GlobusApp`: a login client, scope requirements, validated token storage and the
//! authorizers built from it, wired together — so that a program says which scopes it
//! needs and gets clients whose requests are authorized, whose tokens are refreshed and
//! stored, and whose users are asked to log in only when needed.
//! This crate is its own crate, above `globus-auth` and `globus-identity`, because it
//! owns state on disk and interactive flows that a library using only the API clients
//! should not have to compile.
//!
//! - [`app`]: the apps, their [configuration](app::GlobusAppConfig) (Python's
//!   `GlobusAppConfig` fields and defaults), token validation and GARE redrive; the main
//!   types are also at the crate root (`globus_app::UserApp`).
//! - [`login_flow`]: how a user app gets a user through Globus Auth's authorize page.
//! - [`storage`]: token storage in memory, in a JSON file or in a SQLite database,
//!   file-compatible with Python globus-sdk.
//!
//! # Apps
//!
//! A user app logs a user in (here against a fake Globus Auth on loopback, whose
//! "browser" is a function; a real app keeps the default command-line login and the
//! default token file):
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use globus_app::app::testing::BrowserLoginFlowManager;
//! use globus_app::app::{GlobusAppConfig, LoginFlowManagerConfig, TokenStorageConfig, UserApp};
//! use globus_core::EnvVars;
//! use globus_scopes::TransferScopes;
//!
//! let fake = globus_testing::FakeGlobusAuth::start().await?;
//! let browser = fake.clone();
//! let config = GlobusAppConfig::new()
//!     .with_env_vars(EnvVars::empty().with("GLOBUS_SDK_SERVICE_URL_AUTH", fake.base_url().as_str()))
//!     .with_token_storage(TokenStorageConfig::Memory)
//!     .with_request_refresh_tokens(true)
//!     .with_login_flow_manager(LoginFlowManagerConfig::provider(
//!         BrowserLoginFlowManager::provider(move |url| {
//!             let fake = browser.clone();
//!             async move { Ok::<_, globus_testing::Error>(fake.authorize(&url).await?.redirect) }
//!         }),
//!     ));
//! let app = UserApp::builder("my app")
//!     .client_id(fake.native_client_id())
//!     .scope_requirements([("transfer.api.globus.org", TransferScopes::all())])
//!     .config(config)
//!     .build()?;
//!
//! // Clients get the app's tokens through an authorizer (this adds Auth's own scopes to
//! // the app's requirements, as in Python).
//! let auth = app.auth_client()?;
//! let transfer = globus_core::BaseClient::builder("transfer")
//!     .with_shared_authorizer(app.authorizer_for("transfer.api.globus.org"))
//!     .build()?;
//! # let _ = transfer;
//!
//! assert!(app.login_required().await?);
//! app.login(false).await?; // one login for every required scope
//! let me = auth.userinfo().await?; // refreshed and stored when it expires
//! assert_eq!(Some(me.data().sub.clone()), app.token_storage().identity_id());
//! app.logout(false).await?; // revokes, then removes
//! # Ok(()) }
//! ```
//!
//! A client app acts as itself, with client credentials: no login, its authorizers fetch
//! (and store) tokens when needed:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use globus_app::app::{ClientApp, GlobusAppConfig, TokenStorageConfig};
//! use globus_core::EnvVars;
//!
//! let fake = globus_testing::FakeGlobusAuth::start().await?;
//! let (client_id, secret) = (fake.confidential_client().id.clone(), fake.confidential_client().secret.clone());
//! let app = ClientApp::builder("my service")
//!     .client_id(client_id.as_str())
//!     .client_secret(secret)
//!     .scope_requirements([("transfer.api.globus.org", "urn:globus:auth:scope:transfer.api.globus.org:all")])
//!     .config(
//!         GlobusAppConfig::new()
//!             .with_env_vars(EnvVars::empty().with("GLOBUS_SDK_SERVICE_URL_AUTH", fake.base_url().as_str()))
//!             .with_token_storage(TokenStorageConfig::Memory),
//!     )
//!     .build()?;
//! let me = app.auth_client()?.userinfo().await?;
//! assert_eq!(me.data().sub, client_id);
//! assert!(app.token_storage().inner().get_token_data("auth.globus.org")?.is_some());
//! # Ok(()) }
//! ```
//!
//! # Token storage
//!
//! [`storage`] keeps tokens in memory, in a JSON file or in a SQLite database,
//! **file-compatible with Python globus-sdk** (same default paths, same formats), so that
//! a Rust app and a Python app share their logins — and safer than Python's (private file modes from creation, atomic
//! writes, a cross-process lock, corrupt files reported instead of overwritten).
//!
//! ```
//! use std::sync::Arc;
//! use globus_app::storage::{JsonTokenStorage, TokenStorage, TokenStorageData};
//!
//! let dir = tempfile::tempdir()?;
//! // An app would use JsonTokenStorage::for_app(client_id, app_name, "production"), which
//! // picks the same ~/.globus/app/... file as a Python GlobusApp.
//! let storage: Arc<dyn TokenStorage> = Arc::new(JsonTokenStorage::new(dir.path().join("tokens.json"))?);
//!
//! storage.store_token_data(
//!     TokenStorageData::new(
//!         "transfer.api.globus.org",
//!         "urn:globus:auth:scope:transfer.api.globus.org:all",
//!         "access-token",
//!         1_700_000_000,
//!     )
//!     .with_refresh_token("refresh-token")
//!     .with_identity_id("ae341a98-d274-11e5-b888-dbae3a8ba545"),
//! )?;
//!
//! let data = storage.get_token_data("transfer.api.globus.org")?.ok_or("not stored")?;
//! assert_eq!(data.access_token.expose_secret(), "access-token");
//! // Tokens never appear in Debug output.
//! assert!(!format!("{data:?}").contains("access-token"));
//! assert!(storage.remove_token_data("transfer.api.globus.org")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod app;
mod error;
pub mod login_flow;
pub mod storage;

pub use app::{
    ClientApp, GlobusApp, GlobusAppConfig, GlobusAuthorizer, LoginFlowManagerConfig,
    TokenStorageConfig, UserApp,
};
pub use error::{Error, Result};
