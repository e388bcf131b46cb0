//! The CLI's login state: a native-app login client and the token file.

use std::collections::BTreeMap;
use std::io::{BufRead as _, Write as _};
use std::sync::Arc;

use globus_sdk::app::storage::{JsonTokenStorage, TokenStorage, TokenStorageData};
use globus_sdk::auth::models::IntrospectResponse;
use globus_sdk::core::secret::ClientSecret;
use globus_sdk::core::{ApiResponse, EnvVars};
use globus_sdk::prelude::*;

use crate::BoxError;

/// The name token files are kept under (`~/.globus/app/<client id>/globus-cli-rs/`).
const APP_NAME: &str = "globus-cli-rs";

/// What `globus login` asks for: who the user is, and permission to look identities up.
const SCOPES: &str = "openid profile email urn:globus:auth:scope:auth.globus.org:view_identities";

pub(crate) struct Session {
    env_vars: EnvVars,
    login: NativeAppAuthClient,
    storage: Arc<JsonTokenStorage>,
}

impl Session {
    /// Reads `GLOBUS_CLIENT_ID` and the `GLOBUS_SDK_*` variables; opens the token file.
    pub(crate) fn open() -> Result<Self, BoxError> {
        let client_id = std::env::var("GLOBUS_CLIENT_ID")
            .ok()
            .filter(|id| !id.is_empty())
            .ok_or(
                "GLOBUS_CLIENT_ID is not set: register a native app at \
                 https://app.globus.org/settings/developers and export its client id",
            )?;
        let env_vars = EnvVars::from_process();
        let environment = env_vars.environment()?;
        let login = NativeAppAuthClient::builder(client_id.as_str())
            .with_env_vars(env_vars.clone())
            .with_app_name(APP_NAME)
            .build()?;
        let storage = JsonTokenStorage::for_app(&client_id, APP_NAME, environment.as_str())?;
        Ok(Self {
            env_vars,
            login,
            storage: Arc::new(storage),
        })
    }

    /// Runs a native-app login and stores the tokens; returns who logged in.
    pub(crate) async fn login(&self, force: bool) -> Result<String, BoxError> {
        let already = match self.storage.get_token_data(AUTH_RESOURCE_SERVER)? {
            Some(stored) if !force => stored.refresh_token.is_some(),
            _ => false,
        };
        if already {
            let me = self.auth_client().await?.userinfo().await?;
            let who = me.preferred_username.clone().unwrap_or(me.sub.clone());
            return Ok(format!(
                "{who} (already logged in; `globus login --force` to log in again)"
            ));
        }
        let flow = self
            .login
            .oauth2_start_flow(SCOPES)?
            .with_refresh_tokens(true)
            .with_prefill_named_grant(prefill_name());
        let url = flow.authorize_url();
        let tokens = if is_loopback(self.login.base_client().base_url()) {
            // A Globus Auth on loopback is a test server (the fake): it logs its user in
            // without a page, so the CLI plays the browser and follows the redirect.
            eprintln!("Globus Auth is on loopback: completing the login automatically.");
            let (code, state) = self.follow_authorize_redirect(&url).await?;
            flow.exchange_code(code, &state).await?
        } else {
            let rule = "-".repeat(40);
            println!("Please authenticate with Globus here:\n{rule}\n{url}\n{rule}\n");
            print!("Enter the resulting Authorization Code here: ");
            std::io::stdout().flush()?;
            let mut code = String::new();
            if std::io::stdin().lock().read_line(&mut code)? == 0 {
                return Err("no authorization code was entered".into());
            }
            flow.exchange_code_without_state_check(code).await?
        };
        let decoder = IdTokenDecoder::new(self.login.clone())?;
        let claims = tokens.decode_id_token(&decoder).await?;
        let mut records = BTreeMap::new();
        for token in tokens.by_resource_server() {
            let mut data = TokenStorageData::new(
                token.resource_server.clone(),
                token.scope.clone(),
                token.access_token.expose_secret(),
                token.expires_at_seconds.unwrap_or(0),
            )
            .with_identity_id(claims.sub.clone());
            if let Some(refresh) = &token.refresh_token {
                data = data.with_refresh_token(refresh.expose_secret());
            }
            if let Some(token_type) = &token.token_type {
                data = data.with_token_type(token_type.clone());
            }
            records.insert(token.resource_server.clone(), data);
        }
        self.store(records).await?;
        Ok(claims.preferred_username.unwrap_or(claims.sub))
    }

    /// An `AuthClient` authorized by the stored tokens, refreshing (and re-storing) them
    /// when they expire.
    pub(crate) async fn auth_client(&self) -> Result<AuthClient, BoxError> {
        let stored = self
            .storage
            .get_token_data(AUTH_RESOURCE_SERVER)?
            .ok_or("not logged in: run `globus login` first")?;
        let refresh_token = stored
            .refresh_token
            .clone()
            .ok_or("the stored login has no refresh token: run `globus login --force`")?;
        let storage = Arc::clone(&self.storage);
        let identity_id = stored.identity_id.clone();
        let authorizer = RefreshTokenAuthorizer::builder(
            refresh_token,
            AnyLoginClient::from(self.login.clone()),
        )
        .with_token(stored.access_token.clone(), stored.expires_at_seconds)
        .with_on_refresh(move |tokens| {
            // A refresh carries no ID token: keep the identity of the stored login.
            for token in tokens.by_resource_server() {
                let mut data = TokenStorageData::new(
                    token.resource_server.clone(),
                    token.scope.clone(),
                    token.access_token.expose_secret(),
                    token.expires_at_seconds.unwrap_or(0),
                );
                if let Some(id) = &identity_id {
                    data = data.with_identity_id(id.clone());
                }
                if let Some(refresh) = &token.refresh_token {
                    data = data.with_refresh_token(refresh.expose_secret());
                }
                if let Err(err) = storage.store_token_data(data) {
                    eprintln!("warning: could not save the refreshed tokens: {err}");
                }
            }
        })
        .build();
        Ok(AuthClient::builder()
            .with_env_vars(self.env_vars.clone())
            .with_app_name(APP_NAME)
            .with_authorizer(authorizer)
            .build()?)
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
        let stored = self.storage.get_token_data_by_resource_server()?;
        let mut revoked = 0;
        for (resource_server, data) in stored {
            let mut tokens = vec![data.access_token.expose_secret().to_owned()];
            if let Some(refresh) = &data.refresh_token {
                tokens.push(refresh.expose_secret().to_owned());
            }
            for token in tokens {
                self.login.oauth2_revoke_token(&token, Vec::new()).await?;
                revoked += 1;
            }
            self.storage.remove_token_data(&resource_server)?;
        }
        Ok(revoked)
    }

    async fn store(&self, records: BTreeMap<String, TokenStorageData>) -> Result<(), BoxError> {
        let storage = Arc::clone(&self.storage);
        tokio::task::spawn_blocking(move || storage.store_token_data_by_resource_server(&records))
            .await??;
        Ok(())
    }

    /// Plays the browser against a loopback Globus Auth: asks for the authorize URL without
    /// following the redirect, and reads `code` and `state` from its `Location`.
    async fn follow_authorize_redirect(
        &self,
        url: &url::Url,
    ) -> Result<(String, String), BoxError> {
        let answer = self
            .login
            .base_client()
            .get(url.as_str())
            .without_authorization()
            .send()
            .await;
        let location = match answer {
            Err(globus_sdk::core::Error::Redirect {
                location: Some(location),
                ..
            }) => location,
            Err(err) => return Err(err.into()),
            Ok(_) => return Err("the authorize URL did not redirect".into()),
        };
        let redirect = url::Url::parse(&location)?;
        let param = |name: &str| {
            redirect
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        if let Some(error) = param("error") {
            return Err(format!("the login failed: {error}").into());
        }
        Ok((
            param("code").ok_or("the redirect carried no code")?,
            param("state").unwrap_or_default(),
        ))
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain == "localhost",
        None => false,
    }
}

/// "globus CLI (Rust) on <hostname>", the name the consent is saved under.
fn prefill_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().trim_end_matches(".local").to_owned())
        .filter(|h| !h.is_empty());
    match host {
        Some(host) => format!("globus CLI (Rust) on {host}"),
        None => "globus CLI (Rust)".to_owned(),
    }
}
