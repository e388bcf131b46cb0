//! A login flow for tests and offline demos: [`BrowserLoginFlowManager`] hands the
//! authorize URL to a function that plays the browser (against a fake Globus Auth, for
//! example) and exchanges the code it brings back.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use globus_auth::{AnyLoginClient, OAuthTokenResponse};
use globus_core::authorizer::BoxFuture;
use url::Url;

use super::config::{LoginFlowContext, LoginFlowManagerProvider};
use crate::error::{Error, Result};
use crate::login_flow::{LoginFlowManager, LoginFlowParams};

type BoxError = Box<dyn StdError + Send + Sync>;
type Browser = dyn Fn(Url) -> BoxFuture<'static, std::result::Result<Url, BoxError>> + Send + Sync;

fn boxed_browser<F, Fut, E>(browser: F) -> Arc<Browser>
where
    F: Fn(Url) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = std::result::Result<Url, E>> + Send + 'static,
    E: Into<BoxError>,
{
    Arc::new(move |url| {
        let visit = browser(url);
        Box::pin(async move { visit.await.map_err(Into::into) })
    })
}

/// A [`LoginFlowManager`] whose "browser" is a function: it is given the authorize URL and
/// returns the URL Globus Auth redirected to (with `code` and `state`), which the manager
/// checks and exchanges.
///
/// With `globus_testing::FakeGlobusAuth`, the browser is `fake.authorize(&url)` and its
/// `redirect`: see the [crate documentation](crate#apps). Native clients use Globus's
/// "show the code" redirect unless given another; confidential clients need a
/// [redirect URI](Self::with_redirect_uri) registered for them.
pub struct BrowserLoginFlowManager {
    client: AnyLoginClient,
    browser: Arc<Browser>,
    redirect_uri: Option<String>,
    refresh_tokens: bool,
    prefill_named_grant: Option<String>,
}

impl BrowserLoginFlowManager {
    /// A manager logging in through `client`, visiting authorize URLs with `browser`.
    pub fn new<F, Fut, E>(client: impl Into<AnyLoginClient>, browser: F) -> Self
    where
        F: Fn(Url) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::result::Result<Url, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Self {
            client: client.into(),
            browser: boxed_browser(browser),
            redirect_uri: None,
            refresh_tokens: false,
            prefill_named_grant: None,
        }
    }

    /// A provider building the manager for an app (for
    /// [`LoginFlowManagerConfig::provider`](super::LoginFlowManagerConfig::provider)): it
    /// uses the app's login client, its configuration's redirect URI and refresh-token
    /// setting, and the app name as the grant name.
    pub fn provider<F, Fut, E>(browser: F) -> BrowserLoginFlowProvider
    where
        F: Fn(Url) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::result::Result<Url, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        BrowserLoginFlowProvider {
            browser: boxed_browser(browser),
        }
    }

    /// Redirects to `uri` (required for confidential clients).
    pub fn with_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Asks for refresh tokens.
    pub fn with_refresh_tokens(mut self, refresh_tokens: bool) -> Self {
        self.refresh_tokens = refresh_tokens;
        self
    }

    /// Names the grant (native clients).
    pub fn with_prefill_named_grant(mut self, name: impl Into<String>) -> Self {
        self.prefill_named_grant = Some(name.into());
        self
    }

    async fn visit(&self, url: Url) -> Result<Url> {
        (self.browser)(url)
            .await
            .map_err(|err| Error::LoginFlowUnavailable(format!("the browser failed: {err}")))
    }

    async fn run(&self, params: &LoginFlowParams) -> Result<OAuthTokenResponse> {
        if params.required_scopes.is_empty() {
            return Err(Error::Usage("a login needs at least one scope".into()));
        }
        let scopes = params.required_scopes.clone();
        match &self.client {
            AnyLoginClient::Native(client) => {
                let mut flow = client
                    .oauth2_start_flow(scopes)?
                    .with_refresh_tokens(self.refresh_tokens);
                if let Some(uri) = &self.redirect_uri {
                    flow = flow.with_redirect_uri(uri.clone());
                }
                if let Some(name) = &self.prefill_named_grant {
                    flow = flow.with_prefill_named_grant(name.clone());
                }
                let callback = self
                    .visit(flow.authorize_url_with(&params.authorize)?)
                    .await?;
                Ok(flow.exchange_callback(callback.as_str()).await?)
            }
            AnyLoginClient::Confidential(client) => {
                let uri = self.redirect_uri.clone().ok_or_else(|| {
                    Error::Usage("a confidential client's login needs a redirect URI".into())
                })?;
                let flow = client
                    .oauth2_start_flow(uri, scopes)?
                    .with_refresh_tokens(self.refresh_tokens);
                let callback = self
                    .visit(flow.authorize_url_with(&params.authorize)?)
                    .await?;
                Ok(flow.exchange_callback(callback.as_str()).await?)
            }
        }
    }
}

impl LoginFlowManager for BrowserLoginFlowManager {
    fn run_login_flow<'a>(
        &'a self,
        params: &'a LoginFlowParams,
    ) -> BoxFuture<'a, Result<OAuthTokenResponse>> {
        Box::pin(self.run(params))
    }
}

impl fmt::Debug for BrowserLoginFlowManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BrowserLoginFlowManager")
            .field("client", &self.client)
            .field("redirect_uri", &self.redirect_uri)
            .field("refresh_tokens", &self.refresh_tokens)
            .finish_non_exhaustive()
    }
}

/// Builds a [`BrowserLoginFlowManager`] for an app: [`BrowserLoginFlowManager::provider`].
pub struct BrowserLoginFlowProvider {
    browser: Arc<Browser>,
}

impl LoginFlowManagerProvider for BrowserLoginFlowProvider {
    fn for_globus_app(&self, app: &LoginFlowContext<'_>) -> Result<Arc<dyn LoginFlowManager>> {
        if matches!(app.login_client, AnyLoginClient::Confidential(_))
            && app.config.login_redirect_uri().is_none()
        {
            return Err(Error::Usage(
                "a confidential client's login needs a redirect URI: set login_redirect_uri".into(),
            ));
        }
        Ok(Arc::new(BrowserLoginFlowManager {
            client: app.login_client.clone(),
            browser: Arc::clone(&self.browser),
            redirect_uri: app.config.login_redirect_uri().map(str::to_owned),
            refresh_tokens: app.config.request_refresh_tokens(),
            prefill_named_grant: Some(app.app_name.to_owned()),
        }))
    }
}

impl fmt::Debug for BrowserLoginFlowProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BrowserLoginFlowProvider")
    }
}
