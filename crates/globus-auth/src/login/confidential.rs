//! [`ConfidentialAppAuthClient`]: a client that authenticates with its secret (portals,
//! services, automation).

use std::fmt;
use std::sync::Arc;

use globus_core::secret::ClientSecret;
use globus_core::{BaseClient, BasicAuthorizer, BuildClient, ClientBuilder};

use super::{ClientId, LoginClient, LoginCore, sealed};

/// A Globus Auth client for a confidential app: every request is authenticated with HTTP
/// Basic (client id and secret, encoded as the Python SDK does).
///
/// ```no_run
/// use globus_auth::ConfidentialAppAuthClient;
/// use globus_core::secret::ClientSecret;
///
/// # fn demo() -> Result<(), globus_auth::AuthError> {
/// let client = ConfidentialAppAuthClient::builder(
///     "a8a6c7f9-6a1e-4d6f-9b9a-1b1f7f0e8d11",
///     ClientSecret::new(std::env::var("GLOBUS_CLIENT_SECRET").unwrap_or_default()),
/// )
/// .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ConfidentialAppAuthClient {
    core: LoginCore,
}

/// The [`BuildClient`] of [`ConfidentialAppAuthClient`].
#[derive(Debug, Clone)]
pub struct ConfidentialAppKind {
    client_id: ClientId,
    client_secret: ClientSecret,
}

impl BuildClient for ConfidentialAppKind {
    type Output = ConfidentialAppAuthClient;

    fn finish(self, base: BaseClient) -> globus_core::Result<ConfidentialAppAuthClient> {
        if base.authorizer().is_some() {
            return Err(globus_core::Error::Usage(
                "a confidential app client authenticates with its secret: do not give it an authorizer"
                    .into(),
            ));
        }
        let basic = BasicAuthorizer::new(self.client_id.as_str(), self.client_secret);
        Ok(ConfidentialAppAuthClient {
            core: LoginCore {
                base: base.with_authorizer(Some(Arc::new(basic))),
                client_id: self.client_id,
                public: false,
            },
        })
    }
}

impl ConfidentialAppAuthClient {
    /// Starts building a client for `client_id` with its secret.
    pub fn builder(
        client_id: impl Into<ClientId>,
        client_secret: ClientSecret,
    ) -> ClientBuilder<ConfidentialAppKind> {
        ClientBuilder::with_finisher(
            crate::AuthClient::SERVICE_NAME,
            ConfidentialAppKind {
                client_id: client_id.into(),
                client_secret,
            },
        )
    }
}

impl sealed::Sealed for ConfidentialAppAuthClient {}

impl LoginClient for ConfidentialAppAuthClient {
    fn login_core(&self) -> &LoginCore {
        &self.core
    }
}

impl fmt::Debug for ConfidentialAppAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfidentialAppAuthClient")
            .field("client_id", &self.core.client_id)
            .field("client_secret", &globus_core::secret::REDACTED)
            .field("base_url", &self.core.base.base_url().as_str())
            .finish()
    }
}
