//! Login flows: how a [`UserApp`](crate) gets a user through Globus Auth's authorize page
//! and back with an authorization code.
//!
//! A [`LoginFlowManager`] runs one login for a [`LoginFlowParams`] (the scopes to request
//! and the session requirements) and returns the token response. Two managers come with
//! the crate, as in Python globus-sdk:
//!
//! - [`CommandLineLoginFlowManager`] prints the authorize URL and reads the code the user
//!   pastes (native or confidential clients). It works everywhere a terminal does,
//!   including over SSH.
//! - [`LocalServerLoginFlowManager`] opens the browser and receives the code on a
//!   short-lived server on `127.0.0.1` (native clients). It checks the returned `state`,
//!   ignores stray requests, and escapes what it echoes.
//!
//! Build them with `new` and `with_*` setters, or with `for_app`, which takes what an app
//! configures ([`LoginFlowConfig`]) and names the grant `"<app name> on <host name>"`
//! ([`default_prefill_named_grant`]).
//!
//! ```no_run
//! use globus_app::Error;
//! use globus_app::login_flow::{
//!     CommandLineLoginFlowManager, LocalServerLoginFlowManager, LoginFlowConfig,
//!     LoginFlowManager, LoginFlowParams,
//! };
//! use globus_auth::NativeAppAuthClient;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = NativeAppAuthClient::builder("61338d24-54d5-408f-a10d-66c06b59f6d2").build()?;
//! let config = LoginFlowConfig::new().with_request_refresh_tokens(true);
//! let params = LoginFlowParams::new(["openid", "urn:globus:auth:scope:transfer.api.globus.org:all"]);
//!
//! // Prefer the browser; where it cannot be used (SSH, a text browser), paste a code.
//! let browser = LocalServerLoginFlowManager::for_app("My App", client.clone(), &config)?;
//! let tokens = match browser.run_login_flow(&params).await {
//!     Err(Error::LoginFlowUnavailable(_)) => {
//!         CommandLineLoginFlowManager::for_app("My App", client, &config)?
//!             .run_login_flow(&params)
//!             .await?
//!     }
//!     other => other?,
//! };
//! let transfer = tokens.by_resource_server().get("transfer.api.globus.org");
//! # let _ = transfer;
//! # Ok(()) }
//! ```

mod command_line;
mod common;
mod local_server;
mod terminal;

use std::fmt;

use globus_auth::OAuthTokenResponse;
use globus_auth::flow::AuthorizeParams;
use globus_core::authorizer::BoxFuture;

use crate::error::Result;

pub use command_line::CommandLineLoginFlowManager;
pub use common::default_prefill_named_grant;
pub use local_server::{
    BrowserEnvironment, BrowserFallback, BrowserOpener, BrowserUnavailable, CONNECTION_TIMEOUT,
    DEFAULT_HTML_TEMPLATE, DEFAULT_LOGIN_TIMEOUT, LocalServerLoginFlowManager, MAX_CONNECTIONS,
    MAX_REQUEST_HEAD, MAX_REQUEST_LINE, SystemBrowser, TEXT_BROWSERS,
};

/// What one login must achieve.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LoginFlowParams {
    /// The scopes to request, serialised (dependent scopes in brackets).
    pub required_scopes: Vec<String>,
    /// Session requirements (`session_required_*`, `session_message`, `prompt`) and any
    /// extra authorize-URL parameters, e.g. from a Globus Auth requirements error.
    pub authorize: AuthorizeParams,
}

impl LoginFlowParams {
    /// A login for these scopes with no session requirements.
    pub fn new<I>(required_scopes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Self {
            required_scopes: required_scopes.into_iter().map(Into::into).collect(),
            authorize: AuthorizeParams::new(),
        }
    }

    /// Adds session requirements.
    pub fn with_authorize_params(mut self, authorize: AuthorizeParams) -> Self {
        self.authorize = authorize;
        self
    }
}

/// Runs interactive logins (Python's `LoginFlowManager`).
///
/// Implementations start a flow on their login client with the requested scopes, get the
/// user to the authorize URL, receive the code (typed in, or sent to a local server), and
/// exchange it. The trait is object safe: apps hold an `Arc<dyn LoginFlowManager>`.
pub trait LoginFlowManager: Send + Sync + fmt::Debug {
    /// Runs one login and returns the tokens it produced.
    fn run_login_flow<'a>(
        &'a self,
        params: &'a LoginFlowParams,
    ) -> BoxFuture<'a, Result<OAuthTokenResponse>>;
}

/// What a login flow manager takes from an app's configuration: Python's
/// `GlobusAppConfig.login_redirect_uri` and `request_refresh_tokens`, read by the
/// managers' `for_app` constructors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoginFlowConfig {
    /// The redirect URI for the command-line flow (required with a confidential client;
    /// refused by the local-server flow).
    pub login_redirect_uri: Option<String>,
    /// Whether to request refresh tokens (`access_type=offline`).
    pub request_refresh_tokens: bool,
}

impl LoginFlowConfig {
    /// No redirect URI, no refresh tokens (Python's defaults).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the redirect URI.
    pub fn with_login_redirect_uri(mut self, redirect_uri: impl Into<String>) -> Self {
        self.login_redirect_uri = Some(redirect_uri.into());
        self
    }

    /// Sets whether refresh tokens are requested.
    pub fn with_request_refresh_tokens(mut self, request_refresh_tokens: bool) -> Self {
        self.request_refresh_tokens = request_refresh_tokens;
        self
    }
}
