//! The CLI's login state: a [`UserApp`] (native client, refresh tokens, the token file
//! Python apps use) and the login client it logs in with.

use globus_sdk::app::UserApp;
use globus_sdk::app::app::testing::BrowserLoginFlowManager;
use globus_sdk::app::{GlobusAppConfig, LoginFlowManagerConfig};
use globus_sdk::auth::models::IntrospectResponse;
use globus_sdk::core::secret::ClientSecret;
use globus_sdk::core::{ApiResponse, EnvVars};
use globus_sdk::prelude::*;

use crate::BoxError;

/// The app name: token files are kept under `~/.globus/app/<client id>/globus-cli-rs/`,
/// and the consent is saved as "globus-cli-rs on <hostname>".
const APP_NAME: &str = "globus-cli-rs";

/// What `globus login` asks of Auth: who the user is, and permission to look identities
/// up (`openid` is required by every user app).
const AUTH_SCOPES: &str =
    "openid profile email urn:globus:auth:scope:auth.globus.org:view_identities";

pub(crate) struct Session {
    env_vars: EnvVars,
    login: NativeAppAuthClient,
    app: UserApp,
}

impl Session {
    /// Reads `GLOBUS_CLIENT_ID` and the `GLOBUS_SDK_*` variables; opens the token file.
    /// Makes no request.
    pub(crate) fn open() -> Result<Self, BoxError> {
        let client_id = std::env::var("GLOBUS_CLIENT_ID")
            .ok()
            .filter(|id| !id.is_empty())
            .ok_or(
                "GLOBUS_CLIENT_ID is not set: register a native app at \
                 https://app.globus.org/settings/developers and export its client id",
            )?;
        let env_vars = EnvVars::from_process();
        let login = NativeAppAuthClient::builder(client_id.as_str())
            .with_env_vars(env_vars.clone())
            .with_app_name(APP_NAME)
            .build()?;
        let flow = if is_loopback(login.base_client().base_url()) {
            // A Globus Auth on loopback is a test server (the fake): it logs its user in
            // without a page, so the CLI plays the browser and follows the redirect.
            let browser = login.clone();
            LoginFlowManagerConfig::provider(BrowserLoginFlowManager::provider(move |url| {
                let browser = browser.clone();
                async move { follow_authorize_redirect(&browser, &url).await }
            }))
        } else {
            // Print the URL, read the code Globus shows after login.
            LoginFlowManagerConfig::CommandLine
        };
        let config = GlobusAppConfig::new()
            .with_env_vars(env_vars.clone())
            .with_request_refresh_tokens(true)
            .with_login_flow_manager(flow)
            // Only `globus login` logs in; other commands say so instead.
            .without_token_validation_error_handler();
        let app = UserApp::builder(APP_NAME)
            .login_client(login.clone())
            .scope_requirements([(AUTH_RESOURCE_SERVER, AUTH_SCOPES)])
            .config(config)
            .build()?;
        Ok(Self {
            env_vars,
            login,
            app,
        })
    }

    /// Logs in unless the stored tokens still do (or `force`); returns who is logged in.
    pub(crate) async fn login(&self, force: bool) -> Result<String, BoxError> {
        let needed = force || self.app.login_required().await?;
        if needed {
            self.app.login(true).await?;
        }
        let me = self.auth_client().await?.userinfo().await?;
        let who = me.preferred_username.clone().unwrap_or(me.sub.clone());
        Ok(if needed {
            who
        } else {
            format!("{who} (already logged in; `globus login --force` to log in again)")
        })
    }

    /// An `AuthClient` authorized by the app: stored tokens, refreshed (and stored again)
    /// when they expire.
    pub(crate) async fn auth_client(&self) -> Result<AuthClient, BoxError> {
        if self.app.login_required().await? {
            return Err("not logged in: run `globus login` first".into());
        }
        Ok(self.app.auth_client()?)
    }

    /// Introspects a token with the confidential client from `GLOBUS_CLIENT_SECRET`.
    pub(crate) async fn introspect(
        &self,
        token: &str,
    ) -> Result<ApiResponse<IntrospectResponse>, BoxError> {
        let secret = std::env::var("GLOBUS_CLIENT_SECRET")
            .ok()
            .filter(|s| !s.is_empty())
            .ok_or(
                "token introspection needs a confidential client: set GLOBUS_CLIENT_ID and \
                 GLOBUS_CLIENT_SECRET to one",
            )?;
        let client = ConfidentialAppAuthClient::builder(
            self.login.client_id().clone(),
            ClientSecret::new(secret),
        )
        .with_env_vars(self.env_vars.clone())
        .with_app_name(APP_NAME)
        .build()?;
        Ok(client
            .oauth2_token_introspect(token, None, Vec::new())
            .await?)
    }

    /// Revokes every stored token and removes it; returns how many tokens were revoked.
    pub(crate) async fn logout(&self) -> Result<usize, BoxError> {
        let stored = self
            .app
            .token_storage()
            .inner()
            .get_token_data_by_resource_server()?;
        let tokens = stored
            .values()
            .map(|data| 1 + usize::from(data.refresh_token.is_some()))
            .sum();
        self.app.logout(true).await?;
        Ok(tokens)
    }
}

/// Plays the browser against a loopback Globus Auth: asks for the authorize URL without
/// following the redirect, and returns the redirect's `Location` (with `code` and `state`).
async fn follow_authorize_redirect(
    login: &NativeAppAuthClient,
    url: &url::Url,
) -> Result<url::Url, BoxError> {
    let answer = login
        .base_client()
        .get(url.as_str())
        .without_authorization()
        .send()
        .await;
    let location = match answer {
        Err(globus_sdk::core::Error::Redirect {
            full_location: Some(location),
            ..
        }) => location.expose_secret().to_owned(),
        Err(err) => return Err(err.into()),
        Ok(_) => return Err("the authorize URL did not redirect".into()),
    };
    Ok(url::Url::parse(&location)?)
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain == "localhost",
        None => false,
    }
}
