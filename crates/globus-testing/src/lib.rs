//! # globus-testing
//!
//! An in-process, stateful **fake Globus Auth** server on loopback, for tests and offline
//! demos, plus the Globus Auth conformance corpus with [httpmock] helpers.
//!
//! The fake speaks Globus Auth's real wire shapes: OIDC discovery and a JWKS, the authorize
//! redirect with PKCE, the token endpoint (authorization code, refresh, client credentials and
//! dependent tokens, grouped per resource server with `other_tokens`), revocation,
//! introspection, userinfo, RS512-signed ID tokens, deterministic identity lookups, and
//! in-memory projects, policies, clients, credentials, scopes and consents, with Globus's
//! error bodies. Tests can inject faults (a status with `Retry-After`, a delay, a malformed
//! body, a dropped connection) and assert on a request log.
//!
//! It depends on no other globus-rs crate: it is a server, driven over real HTTP.
//!
//! ## A native-app login by hand
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use globus_testing::http_client::{TestRequest, pkce_verifier};
//! use globus_testing::{FakeGlobusAuth, pkce_challenge};
//!
//! let fake = FakeGlobusAuth::start().await?;
//!
//! // 1. The app builds the authorize URL (PKCE S256, as the Python SDK's native flow does).
//! let verifier = pkce_verifier();
//! let redirect_uri = fake.native_redirect_uri();
//! let mut authorize = fake.url("/v2/oauth2/authorize");
//! authorize
//!     .query_pairs_mut()
//!     .append_pair("client_id", fake.native_client_id())
//!     .append_pair("redirect_uri", redirect_uri.as_str())
//!     .append_pair(
//!         "scope",
//!         "openid profile email urn:globus:auth:scope:transfer.api.globus.org:all",
//!     )
//!     .append_pair("state", "_default")
//!     .append_pair("response_type", "code")
//!     .append_pair("code_challenge", &pkce_challenge(&verifier))
//!     .append_pair("code_challenge_method", "S256")
//!     .append_pair("access_type", "offline");
//!
//! // 2. The "browser" visits it: the fake logs its user in and redirects with a code.
//! let outcome = fake.authorize(&authorize).await?;
//! assert_eq!(outcome.state.as_deref(), Some("_default"));
//!
//! // 3. The app exchanges the code: a native client sends its client_id in the form and
//! //    no Authorization header.
//! let resp = TestRequest::post(fake.url("/v2/oauth2/token"))
//!     .form(&[
//!         ("client_id", fake.native_client_id()),
//!         ("grant_type", "authorization_code"),
//!         ("code", &outcome.code),
//!         ("code_verifier", &verifier),
//!         ("redirect_uri", redirect_uri.as_str()),
//!     ])
//!     .send()
//!     .await?;
//! assert_eq!(resp.status, 200);
//! let tokens = resp.json();
//! assert_eq!(tokens["resource_server"], "auth.globus.org");
//! assert_eq!(tokens["other_tokens"][0]["resource_server"], "transfer.api.globus.org");
//! assert!(tokens["id_token"].is_string());
//! assert!(tokens["refresh_token"].is_string());
//!
//! // The request log shows exactly what was sent (Debug output redacts the secrets).
//! let sent = fake.last_request().expect("logged");
//! assert_eq!(sent.form_param("grant_type").as_deref(), Some("authorization_code"));
//! assert!(sent.authorization().is_none());
//! # Ok(()) }
//! ```
//!
//! ## What it validates
//!
//! - **authorize**: known `client_id`; `redirect_uri` registered (native clients may also use
//!   `<base>/v2/web/auth-code` and any `http://127.0.0.1`/`localhost` URI); errors about
//!   these are 400 pages, never redirects. Then `response_type=code`, known scopes
//!   (`openid`, `profile`, `email`, `urn:globus:auth:scope:<rs>:<name>`,
//!   `https://auth.globus.org/scopes/<rs>/<name>`, with `a[b]` dependent scopes), PKCE S256
//!   (required for native clients), `access_type`; these errors redirect with `error=`.
//! - **token**: client authentication (native: `client_id` in the form and no Authorization;
//!   confidential: HTTP Basic), code single-use, expiry, client, `redirect_uri` and PKCE
//!   verifier (failures: 401 `invalid_grant`, as in the corpus); refresh tokens (unknown or
//!   revoked: 400 `invalid_grant`); `client_credentials` and dependent tokens for
//!   confidential clients only.
//! - **API** (`/v2/api/*`): a Bearer token for `auth.globus.org` (valid, unexpired,
//!   unrevoked) or a confidential client's Basic credentials; errors in Globus's hybrid
//!   JSON:API shape. Unknown routes get a loud 404 naming the method and path.
//!
//! ## Time
//!
//! The fake's clock is tokio's: under `tokio::time::pause()` (with the fake started by
//! [`FakeGlobusAuthBuilder::build`] on the same runtime) tokens expire only when the test
//! advances time, and injected delays cost nothing. [`FakeGlobusAuth::advance_clock`] moves
//! it by hand.
//!
//! ## Design
//!
//! Routing is [axum] 0.8 with no default features, on the hyper 1 stack the workspace already
//! builds; the accept loop is the fake's own (hyper's HTTP/1 connection API), so that a fault
//! can close a connection without any response. RSA keys, signatures and digests use
//! aws-lc-rs, already in the graph under rustls and jsonwebtoken. State sits behind mutexes
//! that are never held across an `.await`.
//!
//! [axum]: https://docs.rs/axum
//! [httpmock]: https://docs.rs/httpmock

#![warn(missing_docs)]
// Handlers validate with `?` and return ready-made HTTP error responses; their size does
// not matter in a test server.
#![allow(clippy::result_large_err)]

mod api;
mod authn;
pub mod bench;
mod builder;
pub mod capture;
mod clock;
mod config;
pub mod corpus;
mod directory;
mod error;
mod faults;
mod handle;
pub mod http_client;
mod issue;
mod jwt;
pub mod keys;
mod log;
pub mod loopback;
mod oauth;
pub mod raw;
mod respond;
mod routes;
mod scopes;
mod server;
mod state;
mod tokens;
mod util;

pub use builder::FakeGlobusAuthBuilder;
pub use config::{ConfidentialClient, FakeUser};
pub use error::Error;
pub use faults::{Fault, FaultAction};
pub use handle::FakeGlobusAuth;
pub use jwt::SigningAlgorithm;
pub use log::RecordedRequest;
pub use tokens::{AuthorizeOutcome, IssueOptions, IssuedTokens, pkce_challenge};
