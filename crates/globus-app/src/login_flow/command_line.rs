//! [`CommandLineLoginFlowManager`]: print the authorize URL, read the code back.

use std::fmt;

use globus_auth::{AnyLoginClient, AuthError, OAuthTokenResponse};
use globus_core::authorizer::BoxFuture;
use tokio::io::{AsyncBufRead, AsyncWrite};
use tokio::sync::Mutex;

use super::common::{self, CODE_PROMPT, FlowSettings, StartedFlow};
use super::terminal::{Input, Line, MAX_INPUT_LINE, Output};
use super::{LoginFlowConfig, LoginFlowManager, LoginFlowParams};
use crate::error::{Error, Result};

/// A login on the command line (Python's `CommandLineLoginFlowManager`): prints the
/// authorize URL, asks the user to log in in a browser, and reads the authorization code
/// they paste.
///
/// What it prints is Python's, byte for byte:
///
/// ```text
///
/// Please authenticate with Globus here:
/// -------------------------------------
/// https://auth.globus.org/v2/oauth2/authorize?client_id=...
/// -------------------------------------
///
/// Enter the resulting Authorization Code here:
/// ```
///
/// - **Clients**: a native client redirects by default to Globus's page that shows the
///   code; a confidential client needs [`with_redirect_uri`](Self::with_redirect_uri) (a
///   page of the app that shows the code), or the login fails with [`Error::Usage`].
/// - **Input**: one line, trimmed. A code is exchanged as typed: it comes with no `state`
///   to check (as in Python; for a native client PKCE still binds it to this flow). A
///   pasted callback URL (or its query string) is accepted too: its `state` is checked in
///   constant time against the flow's before its `code` is exchanged, and an `error=` in it is
///   [`Error::LoginDenied`]. The end of input before a line is [`Error::LoginInputClosed`];
///   a line longer than 8 KiB, not UTF-8, or not shaped like a code is refused before
///   anything is sent.
/// - **Terminal**: stdin and stdout by default, without blocking the async executor:
///   stdin is read on a dedicated thread (so an abandoned login never holds up the
///   runtime's shutdown; its line, if one is typed later, is dropped), stdout written
///   through tokio. Replace them with [`with_reader`](Self::with_reader) and
///   [`with_writer`](Self::with_writer); a replacement reader is kept between logins, so
///   nothing read ahead is lost.
///
/// ```no_run
/// use globus_app::login_flow::{CommandLineLoginFlowManager, LoginFlowManager, LoginFlowParams};
/// use globus_auth::NativeAppAuthClient;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let client = NativeAppAuthClient::builder("61338d24-54d5-408f-a10d-66c06b59f6d2").build()?;
/// let manager = CommandLineLoginFlowManager::new(client)
///     .with_refresh_tokens(true)
///     .with_prefill_named_grant("My App on my-laptop");
/// let tokens = manager
///     .run_login_flow(&LoginFlowParams::new(["openid", "urn:globus:auth:scope:transfer.api.globus.org:all"]))
///     .await?;
/// # let _ = tokens;
/// # Ok(()) }
/// ```
pub struct CommandLineLoginFlowManager {
    client: AnyLoginClient,
    redirect_uri: Option<String>,
    refresh_tokens: bool,
    prefill_named_grant: Option<String>,
    input: Input,
    output: Output,
    /// One login at a time owns the terminal: the URL, the prompt and the answer.
    turn: Mutex<()>,
}

impl CommandLineLoginFlowManager {
    /// A manager for a native or confidential login client, reading stdin and writing
    /// stdout, with no refresh tokens, no prefilled grant name, and (for a native client)
    /// Globus's "show the code" page as the redirect URI.
    pub fn new(login_client: impl Into<AnyLoginClient>) -> Self {
        Self {
            client: login_client.into(),
            redirect_uri: None,
            refresh_tokens: false,
            prefill_named_grant: None,
            input: Input::Stdin,
            output: Output::stdout(),
            turn: Mutex::new(()),
        }
    }

    /// The manager an app uses (Python's `for_globus_app`): the grant is prefilled with
    /// `"<app name> on <host name>"` (see
    /// [`default_prefill_named_grant`](super::default_prefill_named_grant)), and the
    /// redirect URI and refresh-token request come from `config`.
    ///
    /// # Errors
    /// [`Error::Usage`] for a confidential client without a redirect URI.
    pub fn for_app(
        app_name: &str,
        login_client: impl Into<AnyLoginClient>,
        config: &LoginFlowConfig,
    ) -> Result<Self> {
        let client = login_client.into();
        if matches!(client, AnyLoginClient::Confidential(_)) && config.login_redirect_uri.is_none()
        {
            return Err(common::confidential_needs_redirect());
        }
        let mut manager = Self::new(client)
            .with_refresh_tokens(config.request_refresh_tokens)
            .with_prefill_named_grant(common::default_prefill_named_grant(app_name));
        manager.redirect_uri.clone_from(&config.login_redirect_uri);
        Ok(manager)
    }

    /// Where Globus Auth sends the user after login: a page that shows the code. Required
    /// for a confidential client; for a native client the default is Globus's page
    /// (`<auth base URL>/v2/web/auth-code`).
    pub fn with_redirect_uri(mut self, redirect_uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(redirect_uri.into());
        self
    }

    /// Requests refresh tokens too (`access_type=offline`).
    pub fn with_refresh_tokens(mut self, request_refresh_tokens: bool) -> Self {
        self.refresh_tokens = request_refresh_tokens;
        self
    }

    /// The name prefilled for this grant on the consent page (`prefill_named_grant`);
    /// used by native clients only, as in Python.
    pub fn with_prefill_named_grant(mut self, name: impl Into<String>) -> Self {
        self.prefill_named_grant = Some(name.into());
        self
    }

    /// Reads the code from `reader` instead of stdin.
    pub fn with_reader<R>(mut self, reader: R) -> Self
    where
        R: AsyncBufRead + Send + Unpin + 'static,
    {
        self.input = Input::reader(reader);
        self
    }

    /// Prints the URL and the prompt to `writer` instead of stdout.
    pub fn with_writer<W>(mut self, writer: W) -> Self
    where
        W: AsyncWrite + Send + Unpin + 'static,
    {
        self.output = Output::new(writer);
        self
    }

    /// The login client.
    pub fn login_client(&self) -> &AnyLoginClient {
        &self.client
    }

    /// The redirect URI set with [`with_redirect_uri`](Self::with_redirect_uri) (`None`:
    /// Globus's "show the code" page).
    pub fn redirect_uri(&self) -> Option<&str> {
        self.redirect_uri.as_deref()
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
        let flow = StartedFlow::start(
            "CommandLineLoginFlowManager",
            &self.client,
            params,
            FlowSettings {
                redirect_uri: self.redirect_uri.as_deref(),
                refresh_tokens: self.refresh_tokens,
                prefill_named_grant: self.prefill_named_grant.as_deref(),
            },
        )?;
        let url = flow.authorize_url(&params.authorize)?;

        let line = {
            let _turn = self.turn.lock().await;
            let block = common::authorize_url_block(url.as_str());
            self.output.write(&block).await?;
            self.output.write(CODE_PROMPT).await?;
            self.input.read_line(MAX_INPUT_LINE).await?
        };
        let text = match line {
            Line::Text(text) => text,
            Line::Closed => return Err(Error::LoginInputClosed),
            Line::TooLong => return Err(invalid_input("the input is too long")),
            Line::NotUtf8 => return Err(invalid_input("the input is not UTF-8 text")),
        };
        let text = text.trim();
        if looks_like_callback(text) {
            flow.exchange_callback(text).await
        } else {
            flow.exchange_typed_code(text.to_owned()).await
        }
    }
}

fn invalid_input(why: &'static str) -> Error {
    Error::Auth(AuthError::InvalidAuthorizationCode(why))
}

/// A pasted redirect (a URL, or a query string with `code`, `state` or `error`) rather
/// than a bare code.
fn looks_like_callback(input: &str) -> bool {
    input.contains("://")
        || input.starts_with('?')
        || input.split('&').any(|pair| {
            ["code=", "state=", "error="]
                .iter()
                .any(|k| pair.starts_with(k))
        })
}

impl LoginFlowManager for CommandLineLoginFlowManager {
    fn run_login_flow<'a>(
        &'a self,
        params: &'a LoginFlowParams,
    ) -> BoxFuture<'a, Result<OAuthTokenResponse>> {
        Box::pin(self.run(params))
    }
}

impl fmt::Debug for CommandLineLoginFlowManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommandLineLoginFlowManager")
            .field("client", &self.client)
            .field("redirect_uri", &self.redirect_uri)
            .field("refresh_tokens", &self.refresh_tokens)
            .field("prefill_named_grant", &self.prefill_named_grant)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_are_recognised() {
        for callback in [
            "https://auth.globus.org/v2/web/auth-code?code=abc&state=xyz",
            "?code=abc&state=xyz",
            "code=abc&state=xyz",
            "state=xyz&code=abc",
            "error=access_denied&state=xyz",
        ] {
            assert!(looks_like_callback(callback), "{callback}");
        }
        for code in ["abc123", "c0de=", "abcode=x", "Zm9vYmFy=="] {
            assert!(!looks_like_callback(code), "{code}");
        }
    }
}
