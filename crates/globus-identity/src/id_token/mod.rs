//! [`IdTokenDecoder`]: strict verification of Globus ID tokens, with a cached, rotating key
//! set.

mod builder;
mod cache;
mod claims;
mod decoder;
mod jwks;
mod jws;
mod source;

use std::future::Future;

use globus_auth::OAuthTokenResponse;

pub use self::builder::{
    DEFAULT_LEEWAY, DEFAULT_MAX_CANDIDATE_KEYS, DEFAULT_MAX_HEADER_SIZE, DEFAULT_MAX_KEY_SET_SIZE,
    DEFAULT_MAX_KEYS, DEFAULT_MAX_TOKEN_SIZE, DEFAULT_REFETCH_COOLDOWN, IdTokenDecoderBuilder,
};
pub use self::claims::{IdTokenClaims, LinkedIdentity};
pub use self::decoder::IdTokenDecoder;
pub use self::jwks::{MAX_RSA_BITS, MIN_RSA_BITS};
pub use self::source::OidcSource;
use crate::error::Result;

/// Python's `OAuthTokenResponse.decode_id_token`, with a decoder passed in: one decoder is
/// built once and shared, so no call re-fetches the configuration or the key set.
///
/// ```no_run
/// use globus_identity::{DecodeIdToken, IdTokenDecoder};
///
/// # async fn demo(
/// #     login: globus_auth::NativeAppAuthClient,
/// #     tokens: globus_auth::OAuthTokenResponse,
/// # ) -> Result<(), globus_identity::Error> {
/// let decoder = IdTokenDecoder::new(login)?; // audience: the client id
/// let claims = tokens.decode_id_token(&decoder).await?;
/// println!("logged in as {}", claims.preferred_username.unwrap_or_default());
/// # Ok(()) }
/// ```
pub trait DecodeIdToken {
    /// Verifies the response's ID token with `decoder`.
    /// [`Error::NoIdToken`](crate::Error::NoIdToken) when there is none.
    fn decode_id_token(
        &self,
        decoder: &IdTokenDecoder,
    ) -> impl Future<Output = Result<IdTokenClaims>> + Send;
}

impl DecodeIdToken for OAuthTokenResponse {
    fn decode_id_token(
        &self,
        decoder: &IdTokenDecoder,
    ) -> impl Future<Output = Result<IdTokenClaims>> + Send {
        decoder.decode_token_response(self)
    }
}
