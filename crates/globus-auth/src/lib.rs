//! # globus-auth
//!
//! Globus Auth for Rust: the [`AuthClient`] API, the [`NativeAppAuthClient`] and
//! [`ConfidentialAppAuthClient`] login clients with their OAuth2 flows, and
//! [token responses](token).
//!
//! ## The Auth API
//!
//! [`AuthClient`] has every method of the Python SDK's `AuthClient`, under the same names
//! (the one exception, `get_client(fqdn=...)`, is [`AuthClient::get_client_by_fqdn`]).
//! Methods with optional arguments return a request builder: set what you need, then
//! `send()` it. Single resources come back unwrapped from Globus Auth's `{"project": ...}`
//! wrappers as typed [`models`]; lists can be iterated; the raw JSON stays reachable.
//!
//! ```no_run
//! use globus_auth::AuthClient;
//! use globus_core::{AccessTokenAuthorizer, secret::AccessToken};
//!
//! # async fn demo() -> Result<(), globus_auth::AuthError> {
//! let auth = AuthClient::builder()
//!     .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new("<token>")))
//!     .build()?;
//!
//! // Create, read, update and delete a project.
//! let project = auth
//!     .create_project("My project", "support@example.org")
//!     .admin_ids(["<identity id>"])
//!     .send()
//!     .await?;
//! let fetched = auth.get_project(&project.id).await?;
//! assert_eq!(fetched.display_name.as_deref(), Some("My project"));
//! auth.update_project(&project.id).display_name("Renamed").send().await?;
//! for project in auth.get_projects().await?.iter() {
//!     println!("{} {:?}", project.id, project.display_name);
//! }
//! auth.delete_project(&project.id).await?;
//! # Ok(()) }
//! ```
//!
//! Arguments Python lets you set to `None` to clear a value are `clear_*` setters here
//! (`update_client(id).clear_required_idp()` sends `"required_idp": null`); leaving a
//! setter uncalled sends nothing, as Python's `MISSING` does.
#![warn(missing_docs)]
#![doc = include_str!("../docs/login-flows.md")]

pub mod authorizers;
mod client;
mod error;
pub mod flow;
pub mod gare;
pub mod login;
pub mod models;
pub mod token;

pub use authorizers::{
    ClientCredentialsAuthorizer, ClientCredentialsAuthorizerBuilder, RefreshTokenAuthorizer,
    RefreshTokenAuthorizerBuilder,
};
pub use client::{
    AUTH_RESOURCE_SERVER, AuthClient, AuthClientBuilder, AuthClientKind, GetIdentities,
};
pub use client::{
    CreateClient, CreatePolicy, CreateProject, CreateScope, GetConsents, GetIdentityProviders,
    GetScopes, NewClientType, UpdateClient, UpdatePolicy, UpdateProject, UpdateScope,
};
pub use error::{AuthApiError, AuthError, Result};
pub use flow::{AuthorizationCodeFlow, AuthorizeParams, CodeVerifier, NativeAppFlow};
pub use gare::{GlobusAuthRequirementsError, to_gare, to_gares};
pub use login::{
    AnyLoginClient, ClientId, ConfidentialAppAuthClient, LoginClient, NativeAppAuthClient,
};
pub use token::{ByResourceServer, DependentTokenResponse, IdToken, OAuthTokenResponse, TokenData};
