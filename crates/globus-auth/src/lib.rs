//! # globus-auth
//!
//! Globus Auth for Rust: the [`AuthClient`] API, the [`NativeAppAuthClient`] and
//! [`ConfidentialAppAuthClient`] login clients with their OAuth2 flows, and
//! [token responses](token).
#![warn(missing_docs)]

mod client;
mod error;
pub mod login;
pub mod models;
pub mod token;

pub use client::{
    AUTH_RESOURCE_SERVER, AuthClient, AuthClientBuilder, AuthClientKind, GetIdentities,
};
pub use client::{
    CreateClient, CreatePolicy, CreateProject, CreateScope, GetConsents, GetIdentityProviders,
    GetScopes, NewClientType, UpdateClient, UpdatePolicy, UpdateProject, UpdateScope,
};
pub use error::{AuthApiError, AuthError, Result};
pub use login::{
    AnyLoginClient, ClientId, ConfidentialAppAuthClient, LoginClient, NativeAppAuthClient,
};
pub use token::{ByResourceServer, DependentTokenResponse, IdToken, OAuthTokenResponse, TokenData};
