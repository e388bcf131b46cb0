//! [`LocalServerLoginFlowManager`]: a browser login that comes back to a server on
//! `127.0.0.1`.

mod browser;
mod http;
mod page;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{Either, select};
use globus_auth::{AnyLoginClient, NativeAppAuthClient, OAuthTokenResponse};
use globus_core::authorizer::BoxFuture;
use tokio::io::AsyncWrite;
use tokio::net::TcpListener;

use super::common::{self, FlowSettings, StartedFlow};
use super::terminal::Output;
use super::{LoginFlowConfig, LoginFlowManager, LoginFlowParams};
use crate::error::{Error, Result};

pub use browser::{
    BrowserEnvironment, BrowserOpener, BrowserUnavailable, SystemBrowser, TEXT_BROWSERS,
};
pub use http::{CONNECTION_TIMEOUT, MAX_CONNECTIONS, MAX_REQUEST_HEAD, MAX_REQUEST_LINE};
pub use page::DEFAULT_HTML_TEMPLATE;

/// How long a login waits for the browser by default: one hour, Python's wait on POSIX
/// systems (here on every system).
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// What to do when the browser cannot be used: an SSH session, a text-only browser, no
/// display, or an opener that failed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum BrowserFallback {
    /// Fail at once with [`Error::LoginFlowUnavailable`], as Python does
    /// (`LocalServerEnvironmentalLoginError`), so the app can use the command-line flow
    /// instead. The default: over SSH, a printed URL would lead a browser on another
    /// machine to that machine's loopback, and the login would wait for nothing.
    #[default]
    Fail,
    /// Print the authorize URL (the command-line flow's block) and keep waiting, for a
    /// user who can open it in a browser that reaches this machine's `127.0.0.1`.
    PrintUrl,
}

/// A login through the user's browser that comes back to a short-lived HTTP server on
/// this machine (Python's `LocalServerLoginFlowManager`). Native clients only: Globus
/// Auth lets them redirect to any loopback port.
///
/// Each login:
/// 1. checks for an SSH session (`SSH_TTY`, `SSH_CONNECTION`);
/// 2. listens on **`127.0.0.1`** (never a wider address) on a port the OS assigns; the
///    redirect URI is `http://127.0.0.1:<port>` (Python's form), requested as `/`;
/// 3. opens the authorize URL with the [`BrowserOpener`] ([`SystemBrowser`] by default),
///    applying the [`BrowserFallback`] when it cannot;
/// 4. waits — at most [`DEFAULT_LOGIN_TIMEOUT`] unless changed with
///    [`with_timeout`](Self::with_timeout), then [`Error::LoginTimedOut`] — for the
///    callback, answers the browser with a landing page, and exchanges the code.
///
/// Safer than Python:
/// - The callback's `state` must be present once and equal to the flow's (compared in
///   constant time) before its `code` or `error` is looked at.
/// - Stray requests — another path (`/favicon.ico`), a method other than `GET`, a wrong,
///   missing or duplicated state, a replay after the login, malformed or oversized
///   requests ([`MAX_REQUEST_LINE`], [`MAX_REQUEST_HEAD`]), slow ones
///   ([`CONNECTION_TIMEOUT`]) — are answered 400, 404, 405 or 431 and ignored: the login
///   keeps waiting, and nothing is sent to Globus Auth.
/// - The first valid callback decides: its code is exchanged exactly once, or its
///   `error=` becomes [`Error::LoginDenied`]. Text echoed into the page (an error
///   description) is HTML-escaped, and the page forbids scripts and caching.
/// - The callback URL, which carries the code, is never logged.
///
/// ```no_run
/// use globus_app::login_flow::{LocalServerLoginFlowManager, LoginFlowManager, LoginFlowParams};
/// use globus_auth::NativeAppAuthClient;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let client = NativeAppAuthClient::builder("61338d24-54d5-408f-a10d-66c06b59f6d2").build()?;
/// let manager = LocalServerLoginFlowManager::new(client)
///     .with_refresh_tokens(true)
///     .with_timeout(std::time::Duration::from_secs(300));
/// let params = LoginFlowParams::new(["openid", "urn:globus:auth:scope:transfer.api.globus.org:all"]);
/// let tokens = match manager.run_login_flow(&params).await {
///     // No usable browser here (SSH, text browser): fall back to pasting a code.
///     Err(globus_app::Error::LoginFlowUnavailable(why)) => {
///         eprintln!("{why}");
///         return Ok(());
///     }
///     other => other?,
/// };
/// # let _ = tokens;
/// # Ok(()) }
/// ```
pub struct LocalServerLoginFlowManager {
    client: NativeAppAuthClient,
    refresh_tokens: bool,
    prefill_named_grant: Option<String>,
    timeout: Duration,
    html_template: String,
    opener: Option<Arc<dyn BrowserOpener>>,
    environment: Option<BrowserEnvironment>,
    fallback: BrowserFallback,
    output: Output,
}

impl LocalServerLoginFlowManager {
    /// A manager for a native client: the system browser, Python's landing page, a
    /// one-hour wait, no refresh tokens, no prefilled grant name, and
    /// [`BrowserFallback::Fail`].
    pub fn new(native_client: NativeAppAuthClient) -> Self {
        Self {
            client: native_client,
            refresh_tokens: false,
            prefill_named_grant: None,
            timeout: DEFAULT_LOGIN_TIMEOUT,
            html_template: DEFAULT_HTML_TEMPLATE.to_owned(),
            opener: None,
            environment: None,
            fallback: BrowserFallback::Fail,
            output: Output::stdout(),
        }
    }

    /// The manager an app uses (Python's `for_globus_app`): the grant is prefilled with
    /// `"<app name> on <host name>"` and refresh tokens are requested as `config` says.
    ///
    /// # Errors
    /// [`Error::Usage`] for a confidential client (Globus Auth allows loopback redirects
    /// for native clients only) or a config with a custom redirect URI.
    pub fn for_app(
        app_name: &str,
        login_client: impl Into<AnyLoginClient>,
        config: &LoginFlowConfig,
    ) -> Result<Self> {
        if config.login_redirect_uri.is_some() {
            return Err(Error::Usage(
                "cannot define a custom redirect_uri for LocalServerLoginFlowManager".into(),
            ));
        }
        let AnyLoginClient::Native(client) = login_client.into() else {
            return Err(Error::Usage(
                "LocalServerLoginFlowManager is only supported for native apps".into(),
            ));
        };
        Ok(Self::new(client)
            .with_refresh_tokens(config.request_refresh_tokens)
            .with_prefill_named_grant(common::default_prefill_named_grant(app_name)))
    }

    /// Requests refresh tokens too (`access_type=offline`).
    pub fn with_refresh_tokens(mut self, request_refresh_tokens: bool) -> Self {
        self.refresh_tokens = request_refresh_tokens;
        self
    }

    /// The name prefilled for this grant on the consent page (`prefill_named_grant`).
    pub fn with_prefill_named_grant(mut self, name: impl Into<String>) -> Self {
        self.prefill_named_grant = Some(name.into());
        self
    }

    /// How long to wait for the browser to come back (default
    /// [`DEFAULT_LOGIN_TIMEOUT`]); enforced by tokio's timer on every system.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The landing page, in Python's `string.Template` syntax: `$login_result` (`Login
    /// successful` or `Login failed`) and `$post_login_message` (empty, or why the login
    /// failed) are replaced by HTML-escaped text, `$$` by `$`; anything else is kept.
    pub fn with_html_template(mut self, template: impl Into<String>) -> Self {
        self.html_template = template.into();
        self
    }

    /// Opens the browser with `opener` instead of [`SystemBrowser`].
    pub fn with_browser_opener(mut self, opener: impl BrowserOpener + 'static) -> Self {
        self.opener = Some(Arc::new(opener));
        self
    }

    /// Decides with `environment` instead of the process's (read at each login): the SSH
    /// check, and the default opener's text-browser and display checks.
    pub fn with_environment(mut self, environment: BrowserEnvironment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// What to do when the browser cannot be used (default [`BrowserFallback::Fail`]).
    pub fn with_browser_fallback(mut self, fallback: BrowserFallback) -> Self {
        self.fallback = fallback;
        self
    }

    /// Prints (with [`BrowserFallback::PrintUrl`]) to `writer` instead of stdout.
    pub fn with_writer<W>(mut self, writer: W) -> Self
    where
        W: AsyncWrite + Send + Unpin + 'static,
    {
        self.output = Output::new(writer);
        self
    }

    /// The login client.
    pub fn login_client(&self) -> &NativeAppAuthClient {
        &self.client
    }

    /// How long a login waits for the browser.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Whether refresh tokens are requested.
    pub fn requests_refresh_tokens(&self) -> bool {
        self.refresh_tokens
    }

    /// The prefilled grant name, if any.
    pub fn prefill_named_grant(&self) -> Option<&str> {
        self.prefill_named_grant.as_deref()
    }

    async fn run(&self, params: &LoginFlowParams) -> Result<OAuthTokenResponse> {
        let environment = self
            .environment
            .clone()
            .unwrap_or_else(BrowserEnvironment::from_process);
        let remote = environment.is_remote_session();
        if remote && self.fallback == BrowserFallback::Fail {
            return Err(unavailable(&BrowserUnavailable::RemoteSession));
        }

        let listener = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(listen_error)?;
        let port = listener.local_addr().map_err(listen_error)?.port();
        let redirect_uri = format!("http://{}:{port}", Ipv4Addr::LOCALHOST);
        let flow = StartedFlow::start(
            "LocalServerLoginFlowManager",
            &AnyLoginClient::Native(self.client.clone()),
            params,
            FlowSettings {
                redirect_uri: Some(&redirect_uri),
                refresh_tokens: self.refresh_tokens,
                prefill_named_grant: self.prefill_named_grant.as_deref(),
            },
        )?;
        let url = flow.authorize_url(&params.authorize)?;
        let receiver = http::Receiver::new(flow, &self.html_template);
        tracing::debug!(%redirect_uri, "login callback server listening");

        let login = async {
            let mut serve = pin!(receiver.serve(&listener));
            let opened = if remote {
                Err(BrowserUnavailable::RemoteSession)
            } else {
                let opener: Arc<dyn BrowserOpener> = match &self.opener {
                    Some(opener) => Arc::clone(opener),
                    None => Arc::new(SystemBrowser::new().with_environment(environment)),
                };
                // The server answers while the opener runs (it may play the browser).
                let open = opener.open_browser(url.to_string());
                match select(serve.as_mut(), open).await {
                    Either::Left((outcome, _)) => return outcome,
                    Either::Right((opened, _)) => opened,
                }
            };
            if let Err(why) = opened {
                match self.fallback {
                    BrowserFallback::Fail => return Err(unavailable(&why)),
                    BrowserFallback::PrintUrl => {
                        tracing::debug!(reason = %why, "printing the authorize URL instead");
                        let block = common::authorize_url_block(url.as_str());
                        self.output.write(&block).await?;
                    }
                }
            }
            serve.await
        };
        tokio::time::timeout(self.timeout, login)
            .await
            .unwrap_or(Err(Error::LoginTimedOut {
                waited: self.timeout,
            }))
    }
}

fn unavailable(why: &BrowserUnavailable) -> Error {
    Error::LoginFlowUnavailable(why.to_string())
}

fn listen_error(source: std::io::Error) -> Error {
    Error::LoginIo {
        operation: "listen on 127.0.0.1",
        source,
    }
}

impl LoginFlowManager for LocalServerLoginFlowManager {
    fn run_login_flow<'a>(
        &'a self,
        params: &'a LoginFlowParams,
    ) -> BoxFuture<'a, Result<OAuthTokenResponse>> {
        Box::pin(self.run(params))
    }
}

impl fmt::Debug for LocalServerLoginFlowManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalServerLoginFlowManager")
            .field("client", &self.client)
            .field("refresh_tokens", &self.refresh_tokens)
            .field("prefill_named_grant", &self.prefill_named_grant)
            .field("timeout", &self.timeout)
            .field("custom_opener", &self.opener.is_some())
            .field("environment", &self.environment)
            .field("fallback", &self.fallback)
            .finish_non_exhaustive()
    }
}
