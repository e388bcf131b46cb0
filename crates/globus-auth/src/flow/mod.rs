//! OAuth2 login flows: the authorize URL, PKCE, `state`, and the code exchange.
//!
//! A flow is started on a login client ([`NativeAppAuthClient::oauth2_start_flow`],
//! [`ConfidentialAppAuthClient::oauth2_start_flow`]), configured with chained setters,
//! asked for its [authorize URL](NativeAppFlow::authorize_url), and finally **consumed**
//! by the code exchange: a flow's PKCE verifier and `state` serve one login only.
//!
//! | Python (`globus_sdk`) | Rust |
//! |---|---|
//! | `GlobusNativeAppFlowManager` | [`NativeAppFlow`] |
//! | `GlobusAuthorizationCodeFlowManager` | [`AuthorizationCodeFlow`] |
//! | `oauth2_get_authorize_url(session_…=…, query_params=…)` | [`NativeAppFlow::authorize_url_with`] + [`AuthorizeParams`] |
//! | `oauth2_exchange_code_for_tokens(code)` | [`NativeAppFlow::exchange_code`], [`NativeAppFlow::exchange_callback`] |
//!
//! Differences from Python, all on the safe side:
//! - **`state` is random** (32 bytes from a CSPRNG) unless set with `with_state` (Python's
//!   fixed `"_default"` remains possible), and the exchange **checks** the returned
//!   state in constant time before sending anything. `exchange_code_without_state_check`
//!   skips the check only when the caller fixed the state, or for a native app using
//!   Globus's "show the code" page (no state comes back to the app there; PKCE binds the
//!   code to this flow).
//! - [`exchange_callback`](NativeAppFlow::exchange_callback) reads the redirect itself:
//!   exactly one `state` (checked before anything else), then `error=`, then one `code`.
//! - Codes are trimmed and refused if they contain whitespace or control characters or
//!   look like a URL.
//! - Extra query parameters cannot override `client_id`, `redirect_uri`, `state`,
//!   `response_type` or the PKCE challenge ([`PROTECTED_PARAMS`]).
//! - The exchange is sent as [`Idempotency::SingleUse`](globus_core::Idempotency): it is
//!   never replayed once it may have reached Globus Auth.
//!
//! [`NativeAppAuthClient::oauth2_start_flow`]: crate::NativeAppAuthClient::oauth2_start_flow
//! [`ConfidentialAppAuthClient::oauth2_start_flow`]: crate::ConfidentialAppAuthClient::oauth2_start_flow

mod confidential;
mod native;
mod params;
mod pkce;
mod state;
mod url;

use globus_core::Idempotency;
use globus_scopes::IntoScopes;
use oauth2::CsrfToken;

use crate::error::{AuthError, Result};
use crate::login::LoginCore;
use crate::token::{AuthorizationCode, OAuthTokenResponse};

pub use confidential::AuthorizationCodeFlow;
pub use native::NativeAppFlow;
pub use params::{AuthorizeParams, PROTECTED_PARAMS};
pub use pkce::{
    CodeVerifier, MAX_VERIFIER_LEN, MIN_VERIFIER_ENTROPY_BYTES, MIN_VERIFIER_LEN, PkceError,
};
pub use state::{MAX_CODE_LEN, STATE_ENTROPY_BYTES};

use self::state::FlowState;
use self::url::QueryPairs;

/// The authorize endpoint, relative to Auth's base URL.
const AUTHORIZE_PATH: &str = "/v2/oauth2/authorize";

/// What both flows share.
#[derive(Debug)]
struct FlowCore {
    login: LoginCore,
    scopes: String,
    redirect_uri: String,
    state: FlowState,
    refresh_tokens: bool,
    authorize_endpoint: ::url::Url,
}

impl FlowCore {
    fn new(login: &LoginCore, scopes: impl IntoScopes, redirect_uri: String) -> Result<Self> {
        if login.client_id.as_str().is_empty() {
            return Err(AuthError::Usage(
                "a login flow needs a client id; this client's is empty".into(),
            ));
        }
        let scopes = globus_scopes::serialize(scopes, true)?;
        let authorize_endpoint = login.base.resolve(&AUTHORIZE_PATH.into())?;
        Ok(Self {
            login: login.clone(),
            scopes,
            redirect_uri,
            state: FlowState::generate(),
            refresh_tokens: false,
            authorize_endpoint,
        })
    }

    /// `client_id, redirect_uri, scope, state, response_type=code`.
    fn base_pairs(&self) -> QueryPairs {
        let mut pairs = QueryPairs::default();
        pairs.set("client_id", Some(self.login.client_id.as_str().to_owned()));
        pairs.set("redirect_uri", Some(self.redirect_uri.clone()));
        pairs.set("scope", Some(self.scopes.clone()));
        pairs.set("state", Some(self.state.secret().to_owned()));
        pairs.set("response_type", Some("code".to_owned()));
        pairs
    }

    fn access_type(&self) -> String {
        if self.refresh_tokens {
            "offline"
        } else {
            "online"
        }
        .to_owned()
    }

    fn finish_url(&self, mut pairs: QueryPairs, params: &AuthorizeParams) -> Result<::url::Url> {
        pairs.extend_with(params)?;
        Ok(pairs.to_url(&self.authorize_endpoint))
    }

    /// Checks the state, then the code; returns the cleaned code.
    fn checked_code(
        &self,
        code: &AuthorizationCode,
        returned_state: Option<&str>,
    ) -> Result<String> {
        if let Some(returned) = returned_state {
            self.state.verify(returned)?;
        }
        state::clean_code(code)
    }

    async fn exchange(&self, form: Vec<(String, String)>) -> Result<OAuthTokenResponse> {
        tracing::debug!(
            client_id = %self.login.client_id,
            redirect_uri = %self.redirect_uri,
            "exchanging an authorization code for tokens"
        );
        self.login
            .token_response(&form, Idempotency::SingleUse)
            .await
    }

    fn read_callback(&self, callback: &str) -> Result<String> {
        let code = state::read_callback(&self.state, callback)?;
        state::clean_code(&code)
    }

    fn state_token(&self) -> &CsrfToken {
        &self.state.token
    }
}
