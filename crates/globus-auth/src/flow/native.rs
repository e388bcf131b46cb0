//! [`NativeAppFlow`]: authorization code with PKCE, for public clients.

use globus_scopes::IntoScopes;
use oauth2::CsrfToken;
use url::Url;

use super::pkce::CodeVerifier;
use super::state::FlowState;
use super::{AuthorizeParams, FlowCore};
use crate::error::{AuthError, Result};
use crate::login::{LoginClient, NativeAppAuthClient};
use crate::token::{AuthorizationCode, OAuthTokenResponse};

/// Where a native app's login shows the code for the user to paste, relative to Auth's
/// base URL (`https://auth.globus.org/v2/web/auth-code` in production).
pub(crate) const DISPLAY_CODE_PATH: &str = "/v2/web/auth-code";

/// A native-app (public client) login: authorization code with PKCE S256 (Python's
/// `GlobusNativeAppFlowManager`).
///
/// Start it with [`NativeAppAuthClient::oauth2_start_flow`], configure it with the
/// `with_*` setters, send the user to [`authorize_url`](Self::authorize_url), then
/// exchange the code — which consumes the flow.
///
/// ```no_run
/// use globus_auth::{LoginClient, NativeAppAuthClient};
///
/// # async fn demo() -> Result<(), globus_auth::AuthError> {
/// let client = NativeAppAuthClient::builder("61338d24-54d5-408f-a10d-66c06b59f6d2").build()?;
/// let flow = client
///     .oauth2_start_flow(["openid", "profile", "urn:globus:auth:scope:transfer.api.globus.org:all"])?
///     .with_refresh_tokens(true)
///     .with_prefill_named_grant("my laptop");
/// println!("Log in at: {}", flow.authorize_url());
///
/// // Globus shows the code on its own page; the user pastes it here.
/// let mut code = String::new();
/// std::io::stdin().read_line(&mut code).ok();
/// let tokens = flow.exchange_code_without_state_check(code).await?;
/// let transfer = tokens.by_resource_server().get("transfer.api.globus.org");
/// # let _ = transfer;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[doc(alias = "GlobusNativeAppFlowManager")]
pub struct NativeAppFlow {
    core: FlowCore,
    verifier: CodeVerifier,
    challenge: String,
    prefill_named_grant: Option<String>,
    display_page: String,
}

impl NativeAppFlow {
    pub(crate) fn start(client: &NativeAppAuthClient, scopes: impl IntoScopes) -> Result<Self> {
        let login = client.login_core();
        let display_page = login
            .base
            .resolve(&DISPLAY_CODE_PATH.into())?
            .as_str()
            .to_owned();
        let core = FlowCore::new(login, scopes, display_page.clone())?;
        let verifier = CodeVerifier::generate();
        let challenge = verifier.challenge();
        tracing::debug!(
            client_id = %login.client_id,
            scopes = %core.scopes,
            "starting a native app flow"
        );
        Ok(Self {
            core,
            verifier,
            challenge,
            prefill_named_grant: None,
            display_page,
        })
    }

    /// Sends the user back to `redirect_uri` instead of Globus's "show the code" page
    /// (e.g. `http://127.0.0.1:<port>/` for a local callback server). The same value is
    /// sent, byte for byte, with the code exchange.
    pub fn with_redirect_uri(mut self, redirect_uri: impl Into<String>) -> Self {
        self.core.redirect_uri = redirect_uri.into();
        self
    }

    /// Uses a state chosen by the caller instead of a random one (Python's default is the
    /// fixed string `"_default"`).
    pub fn with_state(mut self, state: impl Into<String>) -> Self {
        self.core.state = FlowState::fixed(state.into());
        self
    }

    /// Uses a caller-chosen PKCE verifier instead of a generated one.
    pub fn with_verifier(mut self, verifier: CodeVerifier) -> Self {
        self.challenge = verifier.challenge();
        self.verifier = verifier;
        self
    }

    /// Asks for refresh tokens too (`access_type=offline`; default `online`).
    pub fn with_refresh_tokens(mut self, refresh_tokens: bool) -> Self {
        self.core.refresh_tokens = refresh_tokens;
        self
    }

    /// Prefills the name of this grant on the consent page (`prefill_named_grant`).
    pub fn with_prefill_named_grant(mut self, name: impl Into<String>) -> Self {
        self.prefill_named_grant = Some(name.into());
        self
    }

    /// The URL to send the user to, with no session requirements: `client_id,
    /// redirect_uri, scope, state, response_type=code, code_challenge,
    /// code_challenge_method=S256, access_type`, then `prefill_named_grant` when set —
    /// Python's order and encoding.
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
        pairs.set("code_challenge", Some(self.challenge.clone()));
        pairs.set("code_challenge_method", Some("S256".to_owned()));
        pairs.set("access_type", Some(self.core.access_type()));
        pairs.set("prefill_named_grant", self.prefill_named_grant.clone());
        pairs
    }

    /// Checks the `state` that came back with a code, without consuming the flow (a local
    /// callback server can ignore a forged callback and keep waiting).
    ///
    /// # Errors
    /// [`AuthError::StateMismatch`].
    pub fn verify_state(&self, returned_state: &str) -> Result<()> {
        self.core.state.verify(returned_state)
    }

    /// Exchanges the code for tokens after checking, in constant time, that
    /// `returned_state` is this flow's state (pass `""` when the callback had none).
    ///
    /// Sends `client_id, grant_type=authorization_code, code, code_verifier,
    /// redirect_uri` and no `Authorization` header, once (never replayed).
    ///
    /// # Errors
    /// [`AuthError::StateMismatch`] (nothing is sent),
    /// [`AuthError::InvalidAuthorizationCode`] (nothing is sent),
    /// [`AuthError::ReauthenticationRequired`] when Globus Auth answers `invalid_grant`
    /// (the code expired or was used), or any API/transport error.
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

    /// Exchanges the code without checking the state. Allowed only when the caller fixed
    /// the state ([`with_state`](Self::with_state)), or when the redirect URI is Globus's
    /// "show the code" page, where the user pastes the code and no state comes back (PKCE
    /// still binds the code to this flow).
    ///
    /// # Errors
    /// [`AuthError::Usage`] in any other case (nothing is sent), and the errors of
    /// [`exchange_code`](Self::exchange_code).
    #[doc(alias = "oauth2_exchange_code_for_tokens")]
    pub async fn exchange_code_without_state_check(
        self,
        code: impl Into<AuthorizationCode>,
    ) -> Result<OAuthTokenResponse> {
        if !self.core.state.fixed && self.core.redirect_uri != self.display_page {
            return Err(AuthError::Usage(
                "this flow generated its state and redirects to the app: pass the returned \
                 state to exchange_code"
                    .into(),
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
            (
                "client_id".to_owned(),
                self.core.login.client_id.as_str().to_owned(),
            ),
            ("grant_type".to_owned(), "authorization_code".to_owned()),
            ("code".to_owned(), code),
            (
                "code_verifier".to_owned(),
                self.verifier.expose_secret().to_owned(),
            ),
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

    /// The state sent in the authorize URL (keep it if the flow must be rebuilt later).
    pub fn state(&self) -> &CsrfToken {
        self.core.state_token()
    }

    /// The PKCE verifier (keep it if the flow must be rebuilt later).
    pub fn verifier(&self) -> &CodeVerifier {
        &self.verifier
    }

    /// The PKCE `S256` challenge sent in the authorize URL.
    pub fn code_challenge(&self) -> &str {
        &self.challenge
    }

    /// Whether refresh tokens are requested.
    pub fn refresh_tokens(&self) -> bool {
        self.core.refresh_tokens
    }
}
