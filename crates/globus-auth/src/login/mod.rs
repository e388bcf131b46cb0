//! Login clients: [`NativeAppAuthClient`] (public, PKCE) and [`ConfidentialAppAuthClient`]
//! (client secret), and the [`LoginClient`] behaviour they share (Python's
//! `AuthLoginClient`).

mod client_admin;
mod confidential;
mod native;

use std::borrow::Cow;
use std::fmt;

use globus_core::secret::RefreshToken;
use globus_core::{ApiResponse, BaseClient, Idempotency, Response};
use serde_json::Value;

use crate::error::{AuthError, Result};
use crate::models::{JwkSet, OpenIdConfiguration};
use crate::token::OAuthTokenResponse;

pub use confidential::{ConfidentialAppAuthClient, ConfidentialAppKind, DependentTokenOptions};
pub use native::{NativeAppAuthClient, NativeAppKind};

/// The token endpoint.
pub(crate) const TOKEN_PATH: &str = "/v2/oauth2/token";
/// The revocation endpoint.
pub(crate) const REVOKE_PATH: &str = "/v2/oauth2/token/revoke";

/// A Globus Auth OAuth2 client id.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(String);

impl ClientId {
    /// Wraps a client id.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientId({})", self.0)
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ClientId {
    fn from(id: &str) -> Self {
        Self::new(id)
    }
}

impl From<String> for ClientId {
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl From<&String> for ClientId {
    fn from(id: &String) -> Self {
        Self(id.clone())
    }
}

impl AsRef<str> for ClientId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// What both login clients carry: the base client (whose authorizer is fixed: none for a
/// native app, HTTP Basic for a confidential one) and the client id. An implementation
/// detail of [`LoginClient`].
#[doc(hidden)]
#[derive(Clone)]
pub struct LoginCore {
    pub(crate) base: BaseClient,
    pub(crate) client_id: ClientId,
    /// Public (native) clients identify themselves with `client_id` in request bodies.
    pub(crate) public: bool,
}

impl LoginCore {
    /// `POST /v2/oauth2/token` with a form. An `invalid_grant` answer becomes
    /// [`AuthError::ReauthenticationRequired`].
    pub(crate) async fn token_request(
        &self,
        form: &[(impl AsRef<str>, impl AsRef<str>)],
        idempotency: Idempotency,
    ) -> Result<Response> {
        self.base
            .post(TOKEN_PATH)
            .form(form.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
            .idempotency(idempotency)
            .send()
            .await
            .map_err(AuthError::from_grant_error)
    }

    /// A token request whose answer is a standard token response.
    pub(crate) async fn token_response(
        &self,
        form: &[(impl AsRef<str>, impl AsRef<str>)],
        idempotency: Idempotency,
    ) -> Result<OAuthTokenResponse> {
        let response = self.token_request(form, idempotency).await?;
        OAuthTokenResponse::from_response(response, self.now())
    }

    pub(crate) fn now(&self) -> i64 {
        self.base.clock().now_unix()
    }

    fn with_client_id<'a>(&'a self, form: &mut Form<'a>) {
        if self.public && !form.iter().any(|(k, _)| k == "client_id") {
            form.push(("client_id".into(), self.client_id.as_str().into()));
        }
    }
}

/// A request body's fields. Names and values are borrowed where they can be: a token is
/// encoded straight from where it is kept into the body, never copied into a `String` of
/// its own, and fixed names cost no allocation.
pub(crate) type Form<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// Merges `body_params` over `form` (later keys win, as Python's dict update).
pub(crate) fn merge_form<K, V>(form: &mut Vec<(K, V)>, body_params: Vec<(String, String)>)
where
    K: AsRef<str> + From<String>,
    V: From<String>,
{
    for (key, value) in body_params {
        form.retain(|(k, _)| k.as_ref() != key);
        form.push((key.into(), value.into()));
    }
}

mod sealed {
    pub trait Sealed {}
}

/// What [`NativeAppAuthClient`] and [`ConfidentialAppAuthClient`] share (Python's
/// `AuthLoginClient`). Bring it into scope (`use globus_auth::LoginClient`) to call these
/// methods.
pub trait LoginClient: sealed::Sealed + Clone + fmt::Debug + Send + Sync + 'static {
    #[doc(hidden)]
    fn login_core(&self) -> &LoginCore;

    /// The client id.
    fn client_id(&self) -> &ClientId {
        &self.login_core().client_id
    }

    /// The base client (for raw requests with this client's credentials).
    fn base_client(&self) -> &BaseClient {
        &self.login_core().base
    }

    /// `GET /.well-known/openid-configuration`.
    fn get_openid_configuration(
        &self,
    ) -> impl Future<Output = Result<ApiResponse<OpenIdConfiguration>>> + Send {
        crate::client::oidc::get_openid_configuration(&self.login_core().base)
    }

    /// `GET <jwks_uri>`, fetching the discovery document first unless given.
    fn get_jwk(
        &self,
        openid_configuration: Option<&OpenIdConfiguration>,
    ) -> impl Future<Output = Result<ApiResponse<JwkSet>>> + Send {
        crate::client::oidc::get_jwk(&self.login_core().base, openid_configuration)
    }

    /// `POST /v2/oauth2/token` with any form (Python's generic `oauth2_token`);
    /// `body_params` are merged over `form_data`.
    fn oauth2_token(
        &self,
        form_data: Vec<(String, String)>,
        body_params: Vec<(String, String)>,
    ) -> impl Future<Output = Result<OAuthTokenResponse>> + Send {
        async move {
            let core = self.login_core();
            let mut form = form_data;
            merge_form(&mut form, body_params);
            core.token_response(&form, Idempotency::NonIdempotent).await
        }
    }

    /// `POST /v2/oauth2/token` with `grant_type=refresh_token`.
    ///
    /// A response without a new refresh token keeps this one (Python drops it). A revoked
    /// or expired refresh token is [`AuthError::ReauthenticationRequired`] and is never
    /// retried.
    fn oauth2_refresh_token(
        &self,
        refresh_token: &RefreshToken,
        body_params: Vec<(String, String)>,
    ) -> impl Future<Output = Result<OAuthTokenResponse>> + Send {
        async move {
            let core = self.login_core();
            let mut form: Form<'_> = vec![
                ("refresh_token".into(), refresh_token.expose_secret().into()),
                ("grant_type".into(), "refresh_token".into()),
            ];
            core.with_client_id(&mut form);
            merge_form(&mut form, body_params);
            // A refresh may rotate the refresh token: re-sending it after a failure that
            // may have reached Auth could present a dead token, so it is NonIdempotent.
            let mut response = core
                .token_response(&form, Idempotency::NonIdempotent)
                .await?;
            response.keep_refresh_token(refresh_token);
            Ok(response)
        }
    }

    /// `POST /v2/oauth2/token/revoke`: revokes an access or refresh token. Revocation is
    /// idempotent (RFC 7009), so it is retried like a GET.
    fn oauth2_revoke_token(
        &self,
        token: &str,
        body_params: Vec<(String, String)>,
    ) -> impl Future<Output = Result<ApiResponse<Value>>> + Send {
        let token = token.to_owned();
        async move {
            let core = self.login_core();
            let mut form: Form<'_> = vec![("token".into(), token.into())];
            core.with_client_id(&mut form);
            merge_form(&mut form, body_params);
            Ok(core
                .base
                .post(REVOKE_PATH)
                .form(form.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
                .idempotency(Idempotency::Idempotent)
                .send_json()
                .await?)
        }
    }
}

/// Either login client, for code that decides at run time (an app built from a client
/// id with or without a secret).
#[derive(Clone, Debug)]
pub enum AnyLoginClient {
    /// A native app (public client).
    Native(NativeAppAuthClient),
    /// A confidential client.
    Confidential(ConfidentialAppAuthClient),
}

impl sealed::Sealed for AnyLoginClient {}

impl LoginClient for AnyLoginClient {
    fn login_core(&self) -> &LoginCore {
        match self {
            AnyLoginClient::Native(client) => client.login_core(),
            AnyLoginClient::Confidential(client) => client.login_core(),
        }
    }
}

impl From<NativeAppAuthClient> for AnyLoginClient {
    fn from(client: NativeAppAuthClient) -> Self {
        AnyLoginClient::Native(client)
    }
}

impl From<ConfidentialAppAuthClient> for AnyLoginClient {
    fn from(client: ConfidentialAppAuthClient) -> Self {
        AnyLoginClient::Confidential(client)
    }
}

impl fmt::Debug for LoginCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginClient")
            .field("client_id", &self.client_id)
            .field("base", &self.base)
            .finish()
    }
}
