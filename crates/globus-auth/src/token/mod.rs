//! Token responses: the tokens Globus Auth issues, one per resource server.
//!
//! Globus Auth answers a token request with the token for one resource server at the top
//! level and the others in `other_tokens`. [`OAuthTokenResponse::by_resource_server`]
//! gathers them into one [`TokenData`] per resource server;
//! [`by_scopes`](OAuthTokenResponse::by_scopes) finds the token that carries given
//! scopes. Dependent-token responses (a JSON array) are [`DependentTokenResponse`].

mod data;
mod response;

pub use data::{ByResourceServer, TokenData};
pub use response::{DependentTokenResponse, MAX_EXPIRES_IN, OAuthTokenResponse};

globus_core::secret_type! {
    /// An OpenID Connect ID token (a signed JWT). Verify and decode it with
    /// `globus_identity::IdTokenDecoder`.
    pub struct IdToken;
}

globus_core::secret_type! {
    /// An OAuth2 authorization code, as returned to the redirect URI.
    pub struct AuthorizationCode;
}
