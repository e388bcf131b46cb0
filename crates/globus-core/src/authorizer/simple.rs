//! Authorizers with fixed credentials.

use std::fmt;

use base64::Engine as _;
use http::HeaderValue;

use super::{Authorizer, HeaderFuture, bearer_header, sensitive_header};
use crate::error::Result;
use crate::secret::{AccessToken, ClientSecret};

/// Sends no `Authorization` header (and removes one the caller set). Used by native-app
/// login clients, which identify themselves with `client_id` in the request body.
#[derive(Debug, Clone, Copy, Default)]
pub struct NullAuthorizer;

impl Authorizer for NullAuthorizer {
    fn authorization_header(&self) -> HeaderFuture<'_> {
        HeaderFuture::ready(Ok(None))
    }
}

/// Sends `Authorization: Bearer <token>` with a fixed access token.
///
/// ```
/// use globus_core::{AccessTokenAuthorizer, secret::AccessToken};
/// let authorizer = AccessTokenAuthorizer::new(AccessToken::new("AT"));
/// assert!(!format!("{authorizer:?}").contains("AT\""));
/// ```
#[derive(Clone)]
pub struct AccessTokenAuthorizer {
    token: AccessToken,
    // Built once: the header is cloned (a reference-count bump) for every request.
    header: Result<HeaderValue>,
}

impl AccessTokenAuthorizer {
    /// An authorizer for `token`. A token that cannot be an HTTP header value makes every
    /// request fail with a usage error.
    pub fn new(token: AccessToken) -> Self {
        let header = bearer_header(token.expose_secret());
        Self { token, header }
    }

    /// The access token.
    pub fn access_token(&self) -> &AccessToken {
        &self.token
    }
}

impl fmt::Debug for AccessTokenAuthorizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessTokenAuthorizer")
            .field("token", &self.token)
            .finish()
    }
}

impl Authorizer for AccessTokenAuthorizer {
    fn authorization_header(&self) -> HeaderFuture<'_> {
        HeaderFuture::ready(self.header.clone().map(Some))
    }

    fn scheme(&self) -> Option<&'static str> {
        Some("bearer")
    }
}

/// Sends `Authorization: Basic base64(username:password)`, encoded as the Python SDK does:
/// UTF-8, no URL-encoding of either part. Confidential clients use it with their client id
/// and secret.
///
/// ```
/// use globus_core::{Authorizer, BasicAuthorizer, secret::ClientSecret};
/// # tokio_test_block_on(async {
/// let authorizer = BasicAuthorizer::new("user", ClientSecret::new("テスト"));
/// let header = authorizer.authorization_header().await?.unwrap();
/// assert_eq!(header.to_str().unwrap(), "Basic dXNlcjrjg4bjgrnjg4g=");
/// # Ok::<(), globus_core::Error>(())
/// # }).unwrap();
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Clone)]
pub struct BasicAuthorizer {
    username: String,
    header: Result<HeaderValue>,
}

impl BasicAuthorizer {
    /// An authorizer for `username` (a client id) and `password` (a client secret).
    pub fn new(username: impl Into<String>, password: ClientSecret) -> Self {
        let username = username.into();
        let credentials = format!("{username}:{}", password.expose_secret());
        let encoded = base64::engine::general_purpose::STANDARD.encode(credentials.as_bytes());
        let header = sensitive_header(&format!("Basic {encoded}"));
        Self { username, header }
    }

    /// The username (client id).
    pub fn username(&self) -> &str {
        &self.username
    }
}

impl fmt::Debug for BasicAuthorizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuthorizer")
            .field("username", &self.username)
            .field("password", &crate::secret::REDACTED)
            .finish()
    }
}

impl Authorizer for BasicAuthorizer {
    fn authorization_header(&self) -> HeaderFuture<'_> {
        HeaderFuture::ready(self.header.clone().map(Some))
    }

    fn scheme(&self) -> Option<&'static str> {
        Some("basic")
    }
}
