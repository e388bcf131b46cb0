//! Authorizers that renew their access token: [`RefreshTokenAuthorizer`] and
//! [`ClientCredentialsAuthorizer`], built on `globus-core`'s single-flight
//! [`RenewingAuthorizer`].
//!
//! Both are lazy (no request until a header is needed), renew when less than 60 seconds
//! are left, renew once for any number of concurrent callers, renew again when a service
//! answers 401, and call an `on_refresh` hook with the full [`OAuthTokenResponse`] after
//! each renewal (persist tokens there). Plug either into any client:
//!
//! ```no_run
//! use globus_auth::{AuthClient, NativeAppAuthClient, RefreshTokenAuthorizer};
//! use globus_core::secret::RefreshToken;
//!
//! # async fn demo(stored: String) -> Result<(), globus_auth::AuthError> {
//! let login = NativeAppAuthClient::builder("61338d24-54d5-408f-a10d-66c06b59f6d2").build()?;
//! let authorizer = RefreshTokenAuthorizer::builder(RefreshToken::new(stored), login)
//!     .with_on_refresh(|tokens| {
//!         // Persist `tokens.by_resource_server()` (the refresh token may have rotated).
//!         let _ = tokens;
//!     })
//!     .build();
//! let auth = AuthClient::builder().with_authorizer(authorizer).build()?;
//! let me = auth.userinfo().await?;
//! # let _ = me;
//! # Ok(()) }
//! ```
//!
//! A refresh token that Globus Auth rejects (`invalid_grant`: revoked, expired) makes the
//! request fail with an error for which `is_reauthentication_required()` is true; it is
//! tried once, and never retried through the 401 path (the token endpoint is called with
//! Basic or no authentication, whose authorizers never renew).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use globus_core::authorizer::{HeaderFuture, Renewal, RenewingAuthorizer, TokenRenewer};
use globus_core::clock::Clock;
use globus_core::http::HeaderValue;
use globus_core::secret::{AccessToken, RefreshToken};
use globus_core::{Authorizer, Error as CoreError};
use globus_scopes::IntoScopes;

use crate::error::{AuthError, Result};
use crate::login::{AnyLoginClient, ConfidentialAppAuthClient, LoginClient};
use crate::token::{OAuthTokenResponse, TokenData};

type OnRefresh = Box<dyn Fn(&OAuthTokenResponse) + Send + Sync>;

/// The renewal a response gives, and its refresh token. The response must hold the
/// tokens of exactly one resource server (the authorizer could not know which to send).
fn into_renewal(
    response: OAuthTokenResponse,
    advice: &str,
) -> Result<(Renewal<OAuthTokenResponse>, Option<RefreshToken>)> {
    let tokens = response.by_resource_server();
    let token: &TokenData = match (tokens.iter().next(), tokens.len()) {
        (Some(token), 1) => token,
        (_, count) => {
            return Err(AuthError::InvalidTokenResponse(format!(
                "expected tokens for exactly one resource server, got {count} ({}); {advice}",
                tokens.resource_servers().collect::<Vec<_>>().join(", ")
            )));
        }
    };
    let access_token = token.access_token.clone();
    let expires_at = token.expires_at_seconds;
    let refresh_token = token.refresh_token.clone();
    Ok((
        Renewal {
            access_token,
            expires_at,
            response,
        },
        refresh_token,
    ))
}

/// Turns the error of a renewal, as `globus-core` reports it, back into the
/// [`AuthError`] that caused it.
fn auth_error(err: CoreError) -> AuthError {
    if let CoreError::Authorization(authz) = &err
        && let Some(cause) = authz.cause().and_then(|c| c.downcast_ref::<AuthError>())
    {
        return cause.clone();
    }
    err.into()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

// --- refresh tokens -----------------------------------------------------------------------

struct RefreshTokenRenewer<C> {
    client: C,
    refresh_token: Mutex<RefreshToken>,
}

impl<C: LoginClient> RefreshTokenRenewer<C> {
    async fn refresh(&self) -> Result<Renewal<OAuthTokenResponse>> {
        let current = lock(&self.refresh_token).clone();
        let response = self
            .client
            .oauth2_refresh_token(&current, Vec::new())
            .await?;
        let (renewal, rotated) = into_renewal(response, "refresh tokens are per resource server")?;
        // Rotation: a new refresh token replaces the old one (a response without one
        // keeps it: `oauth2_refresh_token` filled the old one in).
        if let Some(rotated) = rotated {
            *lock(&self.refresh_token) = rotated;
        }
        Ok(renewal)
    }
}

impl<C: LoginClient> TokenRenewer for RefreshTokenRenewer<C> {
    type Response = OAuthTokenResponse;

    async fn renew(&self) -> globus_core::Result<Renewal<OAuthTokenResponse>> {
        self.refresh()
            .await
            .map_err(|err| err.into_authorization_error("refreshing the access token"))
    }
}

impl<C: fmt::Debug> fmt::Debug for RefreshTokenRenewer<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshTokenRenewer")
            .field("client", &self.client)
            .field("refresh_token", &globus_core::secret::REDACTED)
            .finish()
    }
}

/// A `Bearer` authorizer that renews its access token with a refresh token (Python's
/// `RefreshTokenAuthorizer`), through a native or confidential login client.
///
/// See the [module documentation](self) for the behaviour. Cloning is cheap; clones share
/// the tokens.
pub struct RefreshTokenAuthorizer<C: LoginClient = AnyLoginClient> {
    inner: RenewingAuthorizer<RefreshTokenRenewer<C>>,
}

/// Configures a [`RefreshTokenAuthorizer`]: [`RefreshTokenAuthorizer::builder`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct RefreshTokenAuthorizerBuilder<C: LoginClient> {
    client: C,
    refresh_token: RefreshToken,
    initial: Option<(AccessToken, i64)>,
    on_refresh: Option<OnRefresh>,
    clock: Option<Arc<dyn Clock>>,
}

impl<C: LoginClient> RefreshTokenAuthorizerBuilder<C> {
    /// Starts from an access token obtained earlier and its expiry (Unix seconds), so the
    /// first request needs no refresh (Python requires both or neither).
    pub fn with_token(mut self, access_token: AccessToken, expires_at: i64) -> Self {
        self.initial = Some((access_token, expires_at));
        self
    }

    /// Calls `hook` with the full token response after every refresh, before any waiting
    /// request resumes. It runs on the async executor: keep it quick.
    pub fn with_on_refresh(
        mut self,
        hook: impl Fn(&OAuthTokenResponse) + Send + Sync + 'static,
    ) -> Self {
        self.on_refresh = Some(Box::new(hook));
        self
    }

    /// Decides expiry with `clock` (default: the login client's clock).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Builds the authorizer. No request is made.
    pub fn build(self) -> RefreshTokenAuthorizer<C> {
        let clock = self
            .clock
            .unwrap_or_else(|| Arc::clone(self.client.base_client().clock()));
        let renewer = RefreshTokenRenewer {
            client: self.client,
            refresh_token: Mutex::new(self.refresh_token),
        };
        let mut builder = RenewingAuthorizer::builder(renewer).with_clock(clock);
        if let Some((token, expires_at)) = self.initial {
            builder = builder.with_token(token, expires_at);
        }
        if let Some(hook) = self.on_refresh {
            builder = builder.with_on_refresh(hook);
        }
        RefreshTokenAuthorizer {
            inner: builder.build(),
        }
    }
}

impl<C: LoginClient> RefreshTokenAuthorizer<C> {
    /// An authorizer holding `refresh_token`, refreshing through `client`. No request is
    /// made until a header is needed.
    pub fn new(refresh_token: RefreshToken, client: C) -> Self {
        Self::builder(refresh_token, client).build()
    }

    /// Starts configuring an authorizer.
    pub fn builder(refresh_token: RefreshToken, client: C) -> RefreshTokenAuthorizerBuilder<C> {
        RefreshTokenAuthorizerBuilder {
            client,
            refresh_token,
            initial: None,
            on_refresh: None,
            clock: None,
        }
    }

    /// A valid access token, refreshing first if needed.
    ///
    /// # Errors
    /// [`AuthError::ReauthenticationRequired`] when the refresh token was rejected, or
    /// the error of the refresh.
    pub async fn access_token(&self) -> Result<AccessToken> {
        self.inner.access_token().await.map_err(auth_error)
    }

    /// The current refresh token (after any rotation).
    pub fn refresh_token(&self) -> RefreshToken {
        lock(&self.inner.renewer().refresh_token).clone()
    }

    /// The current access token and its expiry, without refreshing.
    pub fn current_token(&self) -> Option<(AccessToken, Option<i64>)> {
        self.inner.current_token()
    }

    /// Forces a refresh on the next use.
    pub fn expire(&self) {
        self.inner.expire();
    }

    /// The login client.
    pub fn client(&self) -> &C {
        &self.inner.renewer().client
    }
}

impl<C: LoginClient> Authorizer for RefreshTokenAuthorizer<C> {
    fn authorization_header(&self) -> HeaderFuture<'_> {
        self.inner.authorization_header()
    }

    fn handle_missing_authorization(&self, rejected: Option<&HeaderValue>) -> bool {
        self.inner.handle_missing_authorization(rejected)
    }

    fn scheme(&self) -> Option<&'static str> {
        self.inner.scheme()
    }
}

impl<C: LoginClient> Clone for RefreshTokenAuthorizer<C> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<C: LoginClient> fmt::Debug for RefreshTokenAuthorizer<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RefreshTokenAuthorizer")
            .field(&self.inner)
            .finish()
    }
}

impl<C: LoginClient> fmt::Debug for RefreshTokenAuthorizerBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshTokenAuthorizerBuilder")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

// --- client credentials ---------------------------------------------------------------------

#[derive(Debug)]
struct ClientCredentialsRenewer {
    client: ConfidentialAppAuthClient,
    scopes: String,
}

impl ClientCredentialsRenewer {
    async fn fetch(&self) -> Result<Renewal<OAuthTokenResponse>> {
        let response = self
            .client
            .oauth2_client_credentials_tokens(self.scopes.as_str())
            .await?;
        let (renewal, _) = into_renewal(
            response,
            "ensure the scopes are for only one resource server",
        )?;
        Ok(renewal)
    }
}

impl TokenRenewer for ClientCredentialsRenewer {
    type Response = OAuthTokenResponse;

    async fn renew(&self) -> globus_core::Result<Renewal<OAuthTokenResponse>> {
        self.fetch()
            .await
            .map_err(|err| err.into_authorization_error("fetching a client-credentials token"))
    }
}

/// A `Bearer` authorizer that gets its access token with a confidential client's
/// credentials, for scopes of one resource server (Python's
/// `ClientCredentialsAuthorizer`).
///
/// ```no_run
/// use globus_auth::{ClientCredentialsAuthorizer, ConfidentialAppAuthClient};
/// use globus_core::secret::ClientSecret;
///
/// # fn demo() -> Result<(), globus_auth::AuthError> {
/// let client = ConfidentialAppAuthClient::builder(
///     "a8a6c7f9-6a1e-4d6f-9b9a-1b1f7f0e8d11",
///     ClientSecret::new(std::env::var("GLOBUS_CLIENT_SECRET").unwrap_or_default()),
/// )
/// .build()?;
/// let authorizer = ClientCredentialsAuthorizer::builder(
///     client,
///     "urn:globus:auth:scope:transfer.api.globus.org:all",
/// )
/// .build()?;
/// # let _ = authorizer;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientCredentialsAuthorizer {
    inner: RenewingAuthorizer<ClientCredentialsRenewer>,
}

/// Configures a [`ClientCredentialsAuthorizer`]: [`ClientCredentialsAuthorizer::builder`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientCredentialsAuthorizerBuilder {
    client: ConfidentialAppAuthClient,
    scopes: Result<String>,
    initial: Option<(AccessToken, i64)>,
    on_refresh: Option<OnRefresh>,
    clock: Option<Arc<dyn Clock>>,
}

impl ClientCredentialsAuthorizerBuilder {
    /// Starts from an access token obtained earlier and its expiry (Unix seconds).
    pub fn with_token(mut self, access_token: AccessToken, expires_at: i64) -> Self {
        self.initial = Some((access_token, expires_at));
        self
    }

    /// Calls `hook` with the full token response after every renewal.
    pub fn with_on_refresh(
        mut self,
        hook: impl Fn(&OAuthTokenResponse) + Send + Sync + 'static,
    ) -> Self {
        self.on_refresh = Some(Box::new(hook));
        self
    }

    /// Decides expiry with `clock` (default: the client's clock).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Builds the authorizer. No request is made.
    ///
    /// # Errors
    /// [`AuthError::Scope`] when the scopes are empty.
    pub fn build(self) -> Result<ClientCredentialsAuthorizer> {
        let scopes = self.scopes?;
        let clock = self
            .clock
            .unwrap_or_else(|| Arc::clone(self.client.base_client().clock()));
        let renewer = ClientCredentialsRenewer {
            client: self.client,
            scopes,
        };
        let mut builder = RenewingAuthorizer::builder(renewer).with_clock(clock);
        if let Some((token, expires_at)) = self.initial {
            builder = builder.with_token(token, expires_at);
        }
        if let Some(hook) = self.on_refresh {
            builder = builder.with_on_refresh(hook);
        }
        Ok(ClientCredentialsAuthorizer {
            inner: builder.build(),
        })
    }
}

impl ClientCredentialsAuthorizer {
    /// An authorizer for `scopes` (all of one resource server), serialised once.
    ///
    /// # Errors
    /// [`AuthError::Scope`] when the scopes are empty.
    pub fn new(client: ConfidentialAppAuthClient, scopes: impl IntoScopes) -> Result<Self> {
        Self::builder(client, scopes).build()
    }

    /// Starts configuring an authorizer for `scopes` (all of one resource server).
    pub fn builder(
        client: ConfidentialAppAuthClient,
        scopes: impl IntoScopes,
    ) -> ClientCredentialsAuthorizerBuilder {
        ClientCredentialsAuthorizerBuilder {
            client,
            scopes: globus_scopes::serialize(scopes, true).map_err(AuthError::from),
            initial: None,
            on_refresh: None,
            clock: None,
        }
    }

    /// A valid access token, fetching one first if needed.
    ///
    /// # Errors
    /// The error of the token request.
    pub async fn access_token(&self) -> Result<AccessToken> {
        self.inner.access_token().await.map_err(auth_error)
    }

    /// The scopes requested, as sent.
    pub fn scopes(&self) -> &str {
        &self.inner.renewer().scopes
    }

    /// The current access token and its expiry, without renewing.
    pub fn current_token(&self) -> Option<(AccessToken, Option<i64>)> {
        self.inner.current_token()
    }

    /// Forces a renewal on the next use.
    pub fn expire(&self) {
        self.inner.expire();
    }
}

impl Authorizer for ClientCredentialsAuthorizer {
    fn authorization_header(&self) -> HeaderFuture<'_> {
        self.inner.authorization_header()
    }

    fn handle_missing_authorization(&self, rejected: Option<&HeaderValue>) -> bool {
        self.inner.handle_missing_authorization(rejected)
    }

    fn scheme(&self) -> Option<&'static str> {
        self.inner.scheme()
    }
}

impl fmt::Debug for ClientCredentialsAuthorizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientCredentialsAuthorizer")
            .field(&self.inner)
            .finish()
    }
}

impl fmt::Debug for ClientCredentialsAuthorizerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentialsAuthorizerBuilder")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}
