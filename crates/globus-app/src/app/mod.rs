//! Apps: [`UserApp`] and [`ClientApp`], the Rust counterparts of Python globus-sdk's
//! `GlobusApp` (`globus_app/` and `token_storage/validating_token_storage/`).
//!
//! An app ties together a login client, scope requirements per resource server, a
//! [`ValidatingTokenStorage`] and the authorizers built from it. Share one app (it is a
//! cheap, `Send + Sync` handle) between every task and client of a program:
//!
//! - [`GlobusApp::authorizer_for`] gives any client an authorizer backed by the app
//!   (`ClientBuilder::with_shared_authorizer`); [`GlobusApp::auth_client`] builds an
//!   `AuthClient` with it.
//! - [`GlobusApp::get_authorizer`] gives the authorizer itself, cached per resource server.
//! - [`GlobusApp::login`], [`login_required`](GlobusApp::login_required),
//!   [`logout`](GlobusApp::logout), [`add_scope_requirements`](GlobusApp::add_scope_requirements).
//! - [`GlobusApp::with_gare_redrive`] runs a request and, when enabled, answers a Globus
//!   Auth requirements error with one login and one retry.
//!
//! | Python | here |
//! |---|---|
//! | `GlobusAppConfig` | [`GlobusAppConfig`] |
//! | `UserApp(app_name, client_id=…, client_secret=…, login_client=…, scope_requirements=…, config=…)` | [`UserApp::builder`] |
//! | `ClientApp(…)` | [`ClientApp::builder`] |
//! | `app.login(force=…)` / `app.login(auth_params=…)` | [`login`](GlobusApp::login) / [`login_with_auth_params`](GlobusApp::login_with_auth_params) |
//! | `app.login_required()`, `app.logout(sweep=…)` | [`login_required`](GlobusApp::login_required), [`logout`](GlobusApp::logout) |
//! | `app.add_scope_requirements(…)`, `app.scope_requirements` | [`add_scope_requirements`](GlobusApp::add_scope_requirements), [`scope_requirements`](GlobusApp::scope_requirements) |
//! | `app.get_authorizer(rs)` | [`get_authorizer`](GlobusApp::get_authorizer) |
//! | `SomeClient(app=app)` | [`authorizer_for`](GlobusApp::authorizer_for), [`auth_client`](GlobusApp::auth_client) |
//! | `auto_redrive_gares=True` (a transport retry check) | [`with_gare_redrive`](GlobusApp::with_gare_redrive) |
//! | `app.token_storage` (`ValidatingTokenStorage`) | [`token_storage`](GlobusApp::token_storage) |
//! | `resolve_by_login_flow` | [`ResolveByLogin`] |
//!
//! ## Where this differs from Python
//!
//! - **Concurrency:** an app is shared by many tasks. One authorizer per resource server is
//!   built (once) and cached, so that expired tokens give one refresh, stored once; a
//!   burst of requests meeting invalid tokens gives one call of the error handler (one
//!   login); logins and logouts are serialised.
//! - **`openid`** can be turned off ([`GlobusAppConfig::with_require_openid`]).
//! - **Logout then login as someone else** works: a logout forgets the identity (Python's
//!   `ValidatingTokenStorage` keeps it, and rejects the next user).
//! - **Unknown expiry:** a token whose response gave no `expires_in` is stored with
//!   [`UNKNOWN_EXPIRY`] and used until rejected (Python stores it as already expired).
//! - **GARE redrive** wraps the request ([`GlobusApp::with_gare_redrive`]): the Rust
//!   transport has no hook for `403`s.
//! - Storage I/O runs on tokio's blocking pool; the one exception is the write after a
//!   token renewal, made by the authorizer's `on_refresh` hook on the executor (once per
//!   renewal).

mod attach;
mod authorizers;
mod build;
mod client;
mod config;
mod gare_redrive;
mod globus_app;
mod requirements;
pub mod testing;
mod user;
mod validating_storage;
mod validators;

pub use attach::AppAuthorizer;
pub use authorizers::GlobusAuthorizer;
pub use client::{ClientApp, ClientAppBuilder};
pub use config::{
    GlobusAppConfig, LoginFlowContext, LoginFlowManagerConfig, LoginFlowManagerProvider,
    ResolveByLogin, TokenStorageConfig, TokenValidationErrorHandler,
};
pub use gare_redrive::{GareSource, RedriveError};
pub use globus_app::GlobusApp;
pub use user::{UserApp, UserAppBuilder};
pub use validating_storage::{UNKNOWN_EXPIRY, ValidatingTokenStorage};
