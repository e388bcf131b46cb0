//! # The Globus SDK for Rust
//!
//! Log users in with [Globus Auth](https://docs.globus.org/api/auth/), get and refresh
//! tokens, look identities up and verify ID tokens — async, typed, and safe by default.
//! This crate is the front door: it re-exports the SDK's crates under stable paths and
//! offers a [`prelude`].
//!
//! | path | crate | what it holds |
//! |---|---|---|
//! | [`globus_sdk::core`](crate::core) | `globus-core` | environments, the HTTP transport with retries, errors, authorizers, secrets, paging |
//! | [`globus_sdk::scopes`](crate::scopes) | `globus-scopes` | scope strings: model, parser, builders per service, consent trees |
//! | [`globus_sdk::auth`](crate::auth) | `globus-auth` | `AuthClient`, the native and confidential login clients, OAuth2 flows, token responses, refreshing authorizers, GARE |
//! | `globus_sdk::identity` | `globus-identity` | `IdentityMap`, `IdTokenDecoder` (feature `identity`, default) |
//! | `globus_sdk::app` | `globus-app` | `UserApp`/`ClientApp`, login flows, token storage Python apps can share (feature `app`, default) |
//! | `globus_sdk::testing` | `globus-testing` | a fake Globus Auth server and the conformance corpus, for your tests (feature `testing`) |
//!
//! The layers only point down: `core` and `scopes` at the bottom, `auth` above them,
//! `identity` above `auth`, `app` on top. Every request of every API method takes the same
//! path through `core`: resolve the URL, ask the authorizer for a header, send, classify
//! the outcome (retry, re-authorize once, or which error), decode.
//!
//! ## A guided tour
//!
//! The examples below run for real: against the fake Globus Auth of `globus-testing`,
//! started on loopback by the hidden lines. In an application, drop the
//! `with_base_url`/`with_env_vars` lines (the clients then find `https://auth.globus.org/`
//! or the environment named by `GLOBUS_SDK_ENVIRONMENT`) and use your own client id.
//!
//! ### 1. Log a user in (native app, PKCE)
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fake = globus_testing::FakeGlobusAuth::start().await?;
//! use globus_sdk::prelude::*;
//!
//! let client_id = "61338d24-54d5-408f-a10d-66c06b59f6d2";
//! # let client_id = fake.native_client_id();
//! let login = NativeAppAuthClient::builder(client_id)
//! #   .with_base_url(fake.base_url().as_str()).with_env_vars(globus_sdk::core::EnvVars::empty())
//!     .build()?;
//! let flow = login
//!     .oauth2_start_flow([AuthScopes::openid(), AuthScopes::profile(), AuthScopes::email()])?
//!     .with_refresh_tokens(true);
//! println!("Log in at {}", flow.authorize_url());
//! // The user logs in; Globus shows a code to paste (or redirects to your callback).
//! # let outcome = fake.authorize(&flow.authorize_url()).await?;
//! # let (code, state) = (outcome.code, outcome.state.unwrap_or_default());
//! let tokens = flow.exchange_code(code, &state).await?;
//!
//! let auth_tokens = tokens.by_resource_server().get("auth.globus.org").ok_or("no token")?;
//! // Secrets never print: this shows `AccessToken([REDACTED])`.
//! println!("{:?} expires at {:?}", auth_tokens.access_token, auth_tokens.expires_at_seconds);
//! # Ok(()) }
//! ```
//!
//! ### 2. Call Globus Auth with those tokens, kept fresh automatically
//!
//! A [`RefreshTokenAuthorizer`](auth::RefreshTokenAuthorizer) renews the access token
//! ahead of expiry — once, however many tasks need it — and after a `401`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fake = globus_testing::FakeGlobusAuth::start().await?;
//! # let issued = fake.issue_tokens_for("openid profile email")?;
//! # let saved = issued.refresh_token("auth.globus.org").unwrap_or_default().to_owned();
//! use globus_sdk::prelude::*;
//! use globus_sdk::core::secret::RefreshToken;
//!
//! # let login = NativeAppAuthClient::builder(fake.native_client_id())
//! #   .with_base_url(fake.base_url().as_str()).with_env_vars(globus_sdk::core::EnvVars::empty())
//! #   .build()?;
//! let authorizer = RefreshTokenAuthorizer::builder(RefreshToken::new(saved), login)
//!     .with_on_refresh(|tokens| println!("refreshed: {tokens}")) // persist them here
//!     .build();
//! let auth = AuthClient::builder()
//! #   .with_base_url(fake.base_url().as_str()).with_env_vars(globus_sdk::core::EnvVars::empty())
//!     .with_authorizer(authorizer)
//!     .build()?;
//! let me = auth.userinfo().await?;
//! println!("logged in as {:?}", me.preferred_username);
//! # Ok(()) }
//! ```
//!
//! ### 3. Look identities up, in batches
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fake = globus_testing::FakeGlobusAuth::start().await?;
//! # let token = fake.issue_tokens_for("openid")?.access_token("auth.globus.org").unwrap_or_default().to_owned();
//! use globus_sdk::prelude::*;
//! use globus_sdk::core::secret::AccessToken;
//!
//! let auth = AuthClient::builder()
//! #   .with_base_url(fake.base_url().as_str()).with_env_vars(globus_sdk::core::EnvVars::empty())
//!     .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new(token)))
//!     .build()?;
//! let identities = IdentityMap::new(auth);
//! let found = identities
//!     .get_many(["ada@globusid.org", "ae341a98-d274-11e5-b888-dbae3a8ba545"])
//!     .await?;
//! for (key, record) in &found {
//!     match record {
//!         Some(identity) => println!("{key} -> {} ({})", identity.id, identity.username),
//!         None => println!("{key} -> not found"),
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! ### 4. Verify an ID token
//!
//! An `IdTokenDecoder` (`globus_sdk::identity`) fetches the OpenID configuration and
//! key set once, then checks signature, algorithm, issuer, audience and times on every
//! token. Build one per login client and share it.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fake = globus_testing::FakeGlobusAuth::start().await?;
//! use globus_sdk::prelude::*;
//!
//! # let login = NativeAppAuthClient::builder(fake.native_client_id())
//! #   .with_base_url(fake.base_url().as_str()).with_env_vars(globus_sdk::core::EnvVars::empty())
//! #   .build()?;
//! # let flow = login.oauth2_start_flow("openid profile")?;
//! # let outcome = fake.authorize(&flow.authorize_url()).await?;
//! # let tokens = flow.exchange_code(outcome.code, &outcome.state.unwrap_or_default()).await?;
//! let decoder = IdTokenDecoder::new(login.clone())?;
//! let claims = tokens.decode_id_token(&decoder).await?;
//! println!("{} is {:?}", claims.sub, claims.preferred_username);
//! # Ok(()) }
//! ```
//!
//! ### 5. Scopes, typed
//!
//! ```
//! use globus_sdk::scopes::{GcsCollectionScopes, TransferScopes, parse_scopes};
//!
//! let data_access = GcsCollectionScopes::new("c0ffee")?.data_access().with_optional(true);
//! let transfer = TransferScopes::all().with_dependency(data_access);
//! assert_eq!(
//!     transfer.to_string(),
//!     "urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/c0ffee/data_access]"
//! );
//! assert_eq!(parse_scopes(&transfer.to_string())?, vec![transfer]);
//! # Ok::<(), globus_sdk::scopes::ScopeError>(())
//! ```
//!
//! ### 6. Errors say what failed
//!
//! Every error has predicates and keeps the Globus fields: HTTP status, Globus error
//! code, message and request id. A refresh token Globus no longer accepts is
//! `is_reauthentication_required()`: log the user in again.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fake = globus_testing::FakeGlobusAuth::start().await?;
//! use globus_sdk::prelude::*;
//! use globus_sdk::core::secret::AccessToken;
//!
//! let auth = AuthClient::builder()
//! #   .with_base_url(fake.base_url().as_str()).with_env_vars(globus_sdk::core::EnvVars::empty())
//!     .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new("not-a-token")))
//!     .build()?;
//! let err = auth.userinfo().await.expect_err("the token is not valid");
//! assert_eq!(err.http_status().map(|s| s.as_u16()), Some(401));
//! println!("code {:?}, request id {:?}: {err}", err.code(), err.request_id());
//! assert!(!err.is_retryable());
//! # Ok(()) }
//! ```
//!
//! ## Features
//!
//! - `rustls` (default): TLS through rustls with the aws-lc-rs provider; `native-tls` for
//!   the platform library instead.
//! - `identity` (default): `globus_sdk::identity` (pulls `jsonwebtoken`).
//! - `app` (default): `globus_sdk::app` (pulls SQLite, compiled from source by `rusqlite`).
//! - `testing`: `globus_sdk::testing`, the fake Globus Auth, for your own tests.
//!
//! ## Security defaults
//!
//! HTTPS only (plain HTTP only to loopback, for tests); redirects never followed; response
//! bodies capped; retries bounded, and a request that may have reached the server re-sent
//! only when idempotent (an authorization-code exchange never); PKCE S256 and a random,
//! constant-time-checked `state`; ID tokens fully verified, with only loudly named
//! `insecure_*` opt-outs; secrets in types that print `[REDACTED]`; token files 0600,
//! written atomically.
#![warn(missing_docs)]

pub use globus_auth as auth;
pub use globus_core as core;
pub use globus_scopes as scopes;

#[cfg(feature = "app")]
pub use globus_app as app;
#[cfg(feature = "identity")]
pub use globus_identity as identity;
#[cfg(feature = "testing")]
pub use globus_testing as testing;

/// The SDK version.
pub const VERSION: &str = globus_core::SDK_VERSION;

/// The names most programs use: `use globus_sdk::prelude::*;`.
pub mod prelude {
    pub use globus_auth::{
        AUTH_RESOURCE_SERVER, AnyLoginClient, AuthClient, AuthError, ClientCredentialsAuthorizer,
        ConfidentialAppAuthClient, LoginClient, NativeAppAuthClient, OAuthTokenResponse,
        RefreshTokenAuthorizer, TokenData,
    };
    pub use globus_core::{
        AccessTokenAuthorizer, Authorizer, BaseClient, EnvVars, Environment, RetryConfig,
    };
    pub use globus_scopes::{
        AuthScopes, IntoScopes, Scope, ScopeCollection, TransferScopes, parse_scopes,
    };

    #[cfg(feature = "identity")]
    pub use globus_identity::{DecodeIdToken, IdTokenDecoder, IdentityMap};
}

/// The README's code blocks, compiled as doctests so the README never goes stale.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
