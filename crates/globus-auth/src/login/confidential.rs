//! [`ConfidentialAppAuthClient`]: a client that authenticates with its secret (portals,
//! services, automation).

use std::fmt;
use std::sync::Arc;

use globus_core::secret::ClientSecret;
use globus_core::{
    ApiResponse, BaseClient, BasicAuthorizer, BuildClient, ClientBuilder, Idempotency,
};
use globus_scopes::{IntoScopes, ScopeList};

use super::{ClientId, LoginClient, LoginCore, merge_form, sealed};
use crate::error::Result;
use crate::flow::AuthorizationCodeFlow;
use crate::models::IntrospectResponse;
use crate::token::{DependentTokenResponse, OAuthTokenResponse};

/// The introspection endpoint.
const INTROSPECT_PATH: &str = "/v2/oauth2/token/introspect";
/// The dependent-token grant type.
const DEPENDENT_TOKEN_GRANT: &str = "urn:globus:auth:grant_type:dependent_token";

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

    /// Starts an authorization-code login that returns to `redirect_uri` (registered for
    /// this client) for `scopes`. The flow uses a random `state` and asks for no refresh
    /// tokens; change these with its `with_*` setters. Makes no request.
    ///
    /// # Errors
    /// [`AuthError::Scope`](crate::AuthError::Scope) when `scopes` is empty,
    /// [`AuthError::Usage`](crate::AuthError::Usage) when the client id is empty.
    pub fn oauth2_start_flow(
        &self,
        redirect_uri: impl Into<String>,
        scopes: impl IntoScopes,
    ) -> Result<AuthorizationCodeFlow> {
        AuthorizationCodeFlow::start(self, redirect_uri.into(), scopes)
    }

    /// `POST /v2/oauth2/token` with `grant_type=client_credentials` and `scope` (the
    /// scopes serialised as Python's `ScopeParser.serialize` does): tokens for the client
    /// itself.
    ///
    /// The grant consumes nothing single-use, so it is re-sent after a failure that may
    /// have reached Globus Auth (at worst an extra, unused token is issued).
    ///
    /// ```no_run
    /// # use globus_auth::ConfidentialAppAuthClient;
    /// # async fn demo(client: ConfidentialAppAuthClient) -> Result<(), globus_auth::AuthError> {
    /// let tokens = client
    ///     .oauth2_client_credentials_tokens("urn:globus:auth:scope:transfer.api.globus.org:all")
    ///     .await?;
    /// let transfer = tokens.by_resource_server().get("transfer.api.globus.org");
    /// # let _ = transfer;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`AuthError::Scope`](crate::AuthError::Scope) for empty scopes (nothing is sent), or
    /// any API/transport error.
    pub async fn oauth2_client_credentials_tokens(
        &self,
        scopes: impl IntoScopes,
    ) -> Result<OAuthTokenResponse> {
        let scope = globus_scopes::serialize(scopes, true)?;
        tracing::debug!(scope = %scope, "fetching tokens with client credentials");
        let form = vec![
            ("grant_type".to_owned(), "client_credentials".to_owned()),
            ("scope".to_owned(), scope),
        ];
        self.core
            .token_response(&form, Idempotency::Idempotent)
            .await
    }

    /// `POST /v2/oauth2/token` with the dependent-token grant: exchanges a token sent to
    /// this service (a resource server) for tokens to the services it depends on. The
    /// answer is a JSON array, read as a [`DependentTokenResponse`].
    ///
    /// Form: `grant_type=urn:globus:auth:grant_type:dependent_token, token`, then
    /// `access_type=offline` only when refresh tokens are asked for, `scope` (space-joined)
    /// only when given, then the additional parameters. Not re-sent after a failure that
    /// may have reached Globus Auth (a replay could mint extra refresh tokens).
    ///
    /// ```no_run
    /// # use globus_auth::ConfidentialAppAuthClient;
    /// use globus_auth::login::DependentTokenOptions;
    /// # async fn demo(client: ConfidentialAppAuthClient, incoming: &str) -> Result<(), globus_auth::AuthError> {
    /// let tokens = client
    ///     .oauth2_get_dependent_tokens(
    ///         incoming,
    ///         DependentTokenOptions::new()
    ///             .scope("urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships"),
    ///     )
    ///     .await?;
    /// let groups = tokens.by_resource_server().get("groups.api.globus.org");
    /// # let _ = groups;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Any API/transport error; [`AuthError::InvalidTokenResponse`](crate::AuthError::InvalidTokenResponse)
    /// when the body is not an array of tokens.
    pub async fn oauth2_get_dependent_tokens(
        &self,
        token: &str,
        options: DependentTokenOptions,
    ) -> Result<DependentTokenResponse> {
        let mut form = vec![
            ("grant_type".to_owned(), DEPENDENT_TOKEN_GRANT.to_owned()),
            ("token".to_owned(), token.to_owned()),
        ];
        if options.refresh_tokens {
            form.push(("access_type".to_owned(), "offline".to_owned()));
        }
        if let Some(scope) = options.scope {
            form.push(("scope".to_owned(), scope.serialize(false)?));
        }
        merge_form(&mut form, options.additional_params);
        tracing::debug!("fetching dependent tokens");
        let response = self
            .core
            .token_request(&form, Idempotency::NonIdempotent)
            .await?;
        DependentTokenResponse::from_response(response, self.core.now())
    }

    /// `POST /v2/oauth2/token/introspect`: what Globus Auth knows about a token. Form
    /// `token`, then `include` when given (e.g. `identity_set`); `query_params` go in the
    /// URL. Read-only, so retried like a GET.
    ///
    /// # Errors
    /// Any API/transport error; a decoding error when `active` is missing or not a
    /// boolean.
    pub async fn oauth2_token_introspect(
        &self,
        token: &str,
        include: Option<&str>,
        query_params: Vec<(String, String)>,
    ) -> Result<ApiResponse<IntrospectResponse>> {
        let mut form = vec![("token", token)];
        if let Some(include) = include {
            form.push(("include", include));
        }
        Ok(self
            .core
            .base
            .post(INTROSPECT_PATH)
            .query_pairs(query_params)
            .form(form)
            .idempotency(Idempotency::Idempotent)
            .send_json()
            .await?)
    }
}

/// Options of [`ConfidentialAppAuthClient::oauth2_get_dependent_tokens`] (Python's keyword
/// arguments `refresh_tokens`, `scope` and `additional_params`).
#[derive(Debug, Clone, Default)]
pub struct DependentTokenOptions {
    refresh_tokens: bool,
    scope: Option<ScopeList>,
    additional_params: Vec<(String, String)>,
}

impl DependentTokenOptions {
    /// No refresh tokens, every available dependent token, no extra parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks for dependent refresh tokens too (`access_type=offline`).
    pub fn refresh_tokens(mut self, refresh_tokens: bool) -> Self {
        self.refresh_tokens = refresh_tokens;
        self
    }

    /// The scopes of the dependent tokens wanted (a string, or a list joined with
    /// spaces). Without it, Globus Auth returns every dependent token available.
    pub fn scope(mut self, scopes: impl IntoScopes) -> Self {
        self.scope = Some(scopes.into_scope_list());
        self
    }

    /// Adds a form parameter, sent last (it replaces one of the same name).
    pub fn additional_param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let key = key.into();
        self.additional_params.retain(|(k, _)| *k != key);
        self.additional_params.push((key, value.into()));
        self
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
