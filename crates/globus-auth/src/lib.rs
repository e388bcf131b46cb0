//! # globus-auth
//!
//! Globus Auth for Rust: the [`AuthClient`] API, the [`NativeAppAuthClient`] and
//! [`ConfidentialAppAuthClient`] login clients with their OAuth2 flows, and
//! [token responses](token).
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
pub use error::{AuthApiError, AuthError, Result};
pub use flow::{AuthorizationCodeFlow, AuthorizeParams, CodeVerifier, NativeAppFlow};
pub use gare::{GlobusAuthRequirementsError, to_gare, to_gares};
pub use login::{
    AnyLoginClient, ClientId, ConfidentialAppAuthClient, LoginClient, NativeAppAuthClient,
};
pub use token::{ByResourceServer, DependentTokenResponse, IdToken, OAuthTokenResponse, TokenData};
