//! [`AuthorizationCodeFlow`]: the authorization-code grant for confidential clients.

use globus_scopes::IntoScopes;
use oauth2::CsrfToken;
use url::Url;

use super::state::FlowState;
use super::{AuthorizeParams, FlowCore};
use crate::error::{AuthError, Result};
use crate::login::{ConfidentialAppAuthClient, LoginClient};
use crate::token::{AuthorizationCode, OAuthTokenResponse};

/// A confidential client's (web app's) login: the authorization-code grant, authenticated
/// with the client secret (Python's `GlobusAuthorizationCodeFlowManager`).
///
/// Web apps usually handle the callback in another request than the one that started
/// the login: keep [`state`](Self::state) in the user's session, and in the callback
/// rebuild the flow with [`with_state`](Self::with_state) before
/// [`exchange_code`](Self::exchange_code) checks it against the returned one.
///
/// ```no_run
/// use globus_auth::{ConfidentialAppAuthClient, LoginClient};
/// use globus_core::secret::ClientSecret;
///
/// # async fn demo(session_state: String, code: String, returned_state: String)
/// # -> Result<(), globus_auth::AuthError> {
/// let client = ConfidentialAppAuthClient::builder(
///     "a8a6c7f9-6a1e-4d6f-9b9a-1b1f7f0e8d11",
///     ClientSecret::new(std::env::var("GLOBUS_CLIENT_SECRET").unwrap_or_default()),
/// )
/// .build()?;
/// // Request 1: start the login and remember the state.
/// let flow = client.oauth2_start_flow("https://app.example.org/callback", ["openid", "email"])?;
/// let _remember_in_session = flow.state().secret().clone();
/// let _redirect_user_to = flow.authorize_url();
///
/// // Request 2 (the callback): rebuild the flow with the remembered state, check, exchange.
/// let tokens = client
///     .oauth2_start_flow("https://app.example.org/callback", ["openid", "email"])?
///     .with_state(session_state)
///     .exchange_code(code, &returned_state)
///     .await?;
/// # let _ = tokens;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[doc(alias = "GlobusAuthorizationCodeFlowManager")]
pub struct AuthorizationCodeFlow {
    core: FlowCore,
}

impl AuthorizationCodeFlow {
    pub(crate) fn start(
        client: &ConfidentialAppAuthClient,
        redirect_uri: String,
        scopes: impl IntoScopes,
    ) -> Result<Self> {
        let login = client.login_core();
        let core = FlowCore::new(login, scopes, redirect_uri)?;
        tracing::debug!(
            client_id = %login.client_id,
            redirect_uri = %core.redirect_uri,
            scopes = %core.scopes,
            "starting an authorization code flow"
        );
        Ok(Self { core })
    }

    /// Uses a state chosen by the caller instead of a random one (Python's default is the
    /// fixed string `"_default"`).
    pub fn with_state(mut self, state: impl Into<String>) -> Self {
        self.core.state = FlowState::fixed(state.into());
        self
    }

    /// Asks for refresh tokens too (`access_type=offline`; default `online`).
    pub fn with_refresh_tokens(mut self, refresh_tokens: bool) -> Self {
        self.core.refresh_tokens = refresh_tokens;
        self
    }

    /// The URL to send the user to: `client_id, redirect_uri, scope, state,
    /// response_type=code, access_type` — Python's order and encoding.
    #[doc(alias = "oauth2_get_authorize_url")]
    #[doc(alias = "get_authorize_url")]
    pub fn authorize_url(&self) -> Url {
        self.pairs().to_url(&self.core.authorize_endpoint)
    }

    /// The URL to send the user to, with session requirements and extra parameters.
    ///
    /// # Errors
    /// [`AuthError::Usage`] when an extra parameter tries to override one of the
    /// [`PROTECTED_PARAMS`](super::PROTECTED_PARAMS).
    #[doc(alias = "oauth2_get_authorize_url")]
    pub fn authorize_url_with(&self, params: &AuthorizeParams) -> Result<Url> {
        self.core.finish_url(self.pairs(), params)
    }

    fn pairs(&self) -> super::url::QueryPairs {
        let mut pairs = self.core.base_pairs();
        pairs.set("access_type", Some(self.core.access_type()));
        pairs
    }

    /// Checks the `state` that came back with a code, without consuming the flow.
    ///
    /// # Errors
    /// [`AuthError::StateMismatch`].
    pub fn verify_state(&self, returned_state: &str) -> Result<()> {
        self.core.state.verify(returned_state)
    }

    /// Exchanges the code for tokens after checking, in constant time, that
    /// `returned_state` is this flow's state (pass `""` when the callback had none).
    ///
    /// Sends `grant_type=authorization_code, code, redirect_uri`, authenticated with HTTP
    /// Basic, once (never replayed).
    ///
    /// # Errors
    /// [`AuthError::StateMismatch`] and [`AuthError::InvalidAuthorizationCode`] (nothing
    /// is sent), [`AuthError::ReauthenticationRequired`] when Globus Auth answers
    /// `invalid_grant`, or any API/transport error.
    #[doc(alias = "oauth2_exchange_code_for_tokens")]
    #[doc(alias = "exchange_code_for_tokens")]
    pub async fn exchange_code(
        self,
        code: impl Into<AuthorizationCode>,
        returned_state: &str,
    ) -> Result<OAuthTokenResponse> {
        let code = self.core.checked_code(&code.into(), Some(returned_state))?;
        self.send(code).await
    }

    /// Exchanges the code without checking the state; allowed only when the caller fixed
    /// the state with [`with_state`](Self::with_state) (and checks it some other way).
    ///
    /// # Errors
    /// [`AuthError::Usage`] when the state was generated by this flow (nothing is sent),
    /// and the errors of [`exchange_code`](Self::exchange_code).
    #[doc(alias = "oauth2_exchange_code_for_tokens")]
    pub async fn exchange_code_without_state_check(
        self,
        code: impl Into<AuthorizationCode>,
    ) -> Result<OAuthTokenResponse> {
        if !self.core.state.fixed {
            return Err(AuthError::Usage(
                "this flow generated its state: pass the returned state to exchange_code".into(),
            ));
        }
        let code = self.core.checked_code(&code.into(), None)?;
        self.send(code).await
    }

    /// Reads the redirect back from Globus Auth — the full callback URL or its query
    /// string, exactly as received — and exchanges its code.
    ///
    /// The `state` is checked first (exactly one, equal to this flow's, in constant time),
    /// then an `error` is reported, then the single `code` is exchanged; nothing is sent
    /// unless all of that holds.
    ///
    /// # Errors
    /// [`AuthError::StateMismatch`] for a missing, duplicated or different state,
    /// [`AuthError::AuthorizationDenied`] for an `error=` callback,
    /// [`AuthError::InvalidAuthorizationCode`] for a missing, duplicated or malformed code,
    /// and the errors of [`exchange_code`](Self::exchange_code).
    #[doc(alias = "oauth2_exchange_code_for_tokens")]
    pub async fn exchange_callback(self, callback: &str) -> Result<OAuthTokenResponse> {
        let code = self.core.read_callback(callback)?;
        self.send(code).await
    }

    async fn send(self, code: String) -> Result<OAuthTokenResponse> {
        let form = vec![
            ("grant_type".to_owned(), "authorization_code".to_owned()),
            ("code".to_owned(), code),
            ("redirect_uri".to_owned(), self.core.redirect_uri.clone()),
        ];
        self.core.exchange(form).await
    }

    /// The requested scopes, space-separated.
    pub fn scopes(&self) -> &str {
        &self.core.scopes
    }

    /// The redirect URI.
    pub fn redirect_uri(&self) -> &str {
        &self.core.redirect_uri
    }

    /// The state sent in the authorize URL.
    pub fn state(&self) -> &CsrfToken {
        self.core.state_token()
    }

    /// Whether refresh tokens are requested.
    pub fn refresh_tokens(&self) -> bool {
        self.core.refresh_tokens
    }
}
