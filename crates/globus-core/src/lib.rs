//! # globus-core
//!
//! The bottom layer of the Globus SDK for Rust: everything a Globus service client needs
//! that is not specific to one service.
//!
//! - [`environment`]: named Globus environments, service URLs, `GLOBUS_SDK_*` variables.
//! - [`BaseClient`] / [`ClientBuilder`]: one cheap-to-clone client per service, with the
//!   single request path every API method shares: URL resolution, authorization,
//!   [retries](retry) with Python's defaults, body-size limits, no redirects, tracing.
//! - [`Response`] / [`ApiResponse`]: status, headers, raw and typed JSON.
//! - [`Error`]: one error type; [`GlobusApiError`] parses every Globus error body shape.
//! - [`authorizer`]: the [`Authorizer`] trait, the fixed-credential authorizers and the
//!   single-flight [`RenewingAuthorizer`].
//! - [`secret`]: redacting wrappers for tokens and secrets.
//! - [`paging`]: `Stream`-based pagination for the services that page.
//!
//! ## Example
//!
//! ```no_run
//! use globus_core::{AccessTokenAuthorizer, BaseClient, Environment, secret::AccessToken};
//!
//! # async fn demo() -> Result<(), globus_core::Error> {
//! let client = BaseClient::builder("auth")
//!     .with_environment(Environment::Production)
//!     .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new("<access token>")))
//!     .build()?;
//! let response = client.get("/v2/oauth2/userinfo").send().await?;
//! println!("{}", response.raw_json().map(|j| j.to_string()).unwrap_or_default());
//! # Ok(()) }
//! ```
//!
//! ## Security defaults
//!
//! HTTPS only (plain HTTP is accepted for loopback hosts, for local tests); TLS through
//! rustls; redirects are never followed; response bodies are capped; secrets are wrapped
//! in types whose `Debug`/`Display` print `[REDACTED]`; errors and tracing spans carry
//! method, URL without query, status and attempt number — never headers or bodies.
//!
//! ## Features
//!
//! - `rustls` (default): TLS via rustls with the aws-lc-rs provider.
//! - `rustls-no-provider`: rustls without a provider; install one at start-up.
//! - `native-tls`: the platform TLS library.
#![warn(missing_docs)]

pub mod authorizer;
mod client;
pub mod clock;
pub mod environment;
pub mod error;
pub mod paging;
mod request;
mod response;
pub mod retry;
pub mod secret;
#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
mod tls;
mod transport;

pub use authorizer::{
    AccessTokenAuthorizer, Authorizer, BasicAuthorizer, NullAuthorizer, RenewingAuthorizer,
    TokenRenewer,
};
pub use client::{
    BaseClient, BuildClient, CLIENT_INFO_HEADER, ClientBuilder, DEFAULT_MAX_BODY_SIZE, PlainClient,
    SDK_VERSION,
};
pub use environment::{EnvVars, Environment};
pub use error::{Error, GlobusApiError, Result};
pub use paging::{Paginator, PagingStyle};
pub use request::{ApiPath, Request, RequestBuilder};
pub use response::{ApiResponse, Response};
pub use retry::{Idempotency, RetryConfig};

/// Re-exports of the `http` types that appear in this crate's API.
pub use http;

#[doc(hidden)]
pub mod __private {
    //! Re-exports used by this crate's macros; not part of the public API.
    pub use serde;
}
