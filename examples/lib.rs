//! What the examples share: where they run.
//!
//! With no `GLOBUS_CLIENT_ID` in the environment, an example starts the embedded fake
//! Globus Auth (`globus_sdk::testing::FakeGlobusAuth`) on loopback and runs against it, so
//! it works offline with no account. With `GLOBUS_CLIENT_ID` (and, for confidential-client
//! examples, `GLOBUS_CLIENT_SECRET`) it runs against real Globus, in the environment named
//! by `GLOBUS_SDK_ENVIRONMENT` (default production), honouring
//! `GLOBUS_SDK_SERVICE_URL_AUTH` like the Python SDK.

use std::error::Error;
use std::io::{BufRead as _, Write as _};

use globus_sdk::app::app::testing::BrowserLoginFlowManager;
use globus_sdk::app::{GlobusAppConfig, LoginFlowManagerConfig, TokenStorageConfig, UserApp};
use globus_sdk::auth::{
    AuthClient, ConfidentialAppAuthClient, NativeAppAuthClient, OAuthTokenResponse,
};
use globus_sdk::core::secret::ClientSecret;
use globus_sdk::core::{Authorizer, BuildClient, ClientBuilder, EnvVars};
use globus_sdk::scopes::IntoScopes;
use globus_sdk::testing::FakeGlobusAuth;

/// A boxed error, for examples.
pub type BoxError = Box<dyn Error + Send + Sync>;

/// Where an example runs.
#[derive(Debug)]
pub enum Target {
    /// The embedded fake Globus Auth.
    Fake(FakeGlobusAuth),
    /// Real Globus, with the client from the environment.
    Real {
        /// `GLOBUS_CLIENT_ID`.
        client_id: String,
        /// `GLOBUS_CLIENT_SECRET`, if set.
        client_secret: Option<String>,
    },
}

impl Target {
    /// Reads `GLOBUS_CLIENT_ID`; without it, starts the fake and says so.
    pub async fn from_env() -> Result<Self, BoxError> {
        match std::env::var("GLOBUS_CLIENT_ID") {
            Ok(client_id) if !client_id.is_empty() => {
                let client_secret = std::env::var("GLOBUS_CLIENT_SECRET")
                    .ok()
                    .filter(|s| !s.is_empty());
                println!("Using real Globus with client {client_id} (GLOBUS_CLIENT_ID).");
                Ok(Target::Real {
                    client_id,
                    client_secret,
                })
            }
            _ => {
                let fake = FakeGlobusAuth::start().await?;
                println!(
                    "No GLOBUS_CLIENT_ID set: running against the embedded fake Globus Auth at {}",
                    fake.base_url()
                );
                Ok(Target::Fake(fake))
            }
        }
    }

    /// The fake, when running against it.
    pub fn fake(&self) -> Option<&FakeGlobusAuth> {
        match self {
            Target::Fake(fake) => Some(fake),
            Target::Real { .. } => None,
        }
    }

    /// Points a client builder at the target: the fake's URL, or the process environment.
    pub fn configure<F: BuildClient>(&self, builder: ClientBuilder<F>) -> ClientBuilder<F> {
        match self {
            Target::Fake(fake) => builder
                .with_base_url(fake.base_url().as_str())
                .with_env_vars(EnvVars::empty()),
            Target::Real { .. } => builder.with_env_vars(EnvVars::from_process()),
        }
    }

    /// A native-app login client for the target's client id.
    pub fn native_client(&self) -> Result<NativeAppAuthClient, BoxError> {
        let client_id = match self {
            Target::Fake(fake) => fake.native_client_id().to_owned(),
            Target::Real { client_id, .. } => client_id.clone(),
        };
        Ok(self
            .configure(NativeAppAuthClient::builder(client_id))
            .build()?)
    }

    /// A confidential login client (real Globus needs `GLOBUS_CLIENT_SECRET`).
    pub fn confidential_client(&self) -> Result<ConfidentialAppAuthClient, BoxError> {
        let (id, secret) = match self {
            Target::Fake(fake) => {
                let registered = fake.confidential_client();
                (registered.id.clone(), registered.secret.clone())
            }
            Target::Real {
                client_id,
                client_secret,
            } => {
                let secret = client_secret
                    .clone()
                    .ok_or("this example needs a confidential client: set GLOBUS_CLIENT_SECRET")?;
                (client_id.clone(), secret)
            }
        };
        Ok(self
            .configure(ConfidentialAppAuthClient::builder(
                id,
                ClientSecret::new(secret),
            ))
            .build()?)
    }

    /// An `AuthClient` authorized by `authorizer`.
    pub fn auth_client(
        &self,
        authorizer: impl Authorizer + 'static,
    ) -> Result<AuthClient, BoxError> {
        Ok(self
            .configure(AuthClient::builder())
            .with_authorizer(authorizer)
            .build()?)
    }

    /// Gets the user through the authorize page: against the fake, by following its
    /// redirect as a browser would; against real Globus, by asking the user to paste the
    /// code Globus shows. Returns the code and the state that came back (none when pasted).
    pub async fn authorize(&self, url: &url::Url) -> Result<(String, Option<String>), BoxError> {
        match self {
            Target::Fake(fake) => {
                let outcome = fake.authorize(url).await?;
                Ok((outcome.code, outcome.state))
            }
            Target::Real { .. } => {
                println!("Please authenticate with Globus here:\n{url}\n");
                print!("Enter the resulting Authorization Code here: ");
                std::io::stdout().flush()?;
                let code = tokio::task::spawn_blocking(|| {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line).map(|_| line)
                })
                .await??;
                Ok((code.trim().to_owned(), None))
            }
        }
    }
}

impl Target {
    /// A [`UserApp`] for the target's native client that asks for refresh tokens: against
    /// the fake, its "browser" follows the fake's redirect and tokens stay in memory;
    /// against real Globus, it prints the authorize URL, reads the code Globus shows, and
    /// keeps tokens where Python apps do (`~/.globus/app/<client id>/<app name>/`).
    pub fn user_app(
        &self,
        app_name: &str,
        requirements: impl IntoIterator<Item = (&'static str, &'static str)>,
    ) -> Result<UserApp, BoxError> {
        let config = GlobusAppConfig::new().with_request_refresh_tokens(true);
        let config = match self {
            Target::Fake(fake) => {
                let fake = fake.clone();
                let browser = BrowserLoginFlowManager::provider(move |url| {
                    let fake = fake.clone();
                    async move { Ok::<_, BoxError>(fake.authorize(&url).await?.redirect) }
                });
                config
                    .with_env_vars(EnvVars::empty())
                    .with_token_storage(TokenStorageConfig::Memory)
                    .with_login_flow_manager(LoginFlowManagerConfig::provider(browser))
            }
            Target::Real { .. } => config
                .with_env_vars(EnvVars::from_process())
                .with_login_flow_manager(LoginFlowManagerConfig::CommandLine),
        };
        Ok(UserApp::builder(app_name)
            .login_client(self.native_client()?)
            .scope_requirements(requirements)
            .config(config)
            .build()?)
    }
}

impl Target {
    /// Logs a user in with a native app (the steps the quickstart shows one by one).
    pub async fn login(&self, scopes: impl IntoScopes) -> Result<OAuthTokenResponse, BoxError> {
        let flow = self.native_client()?.oauth2_start_flow(scopes)?;
        let (code, state) = self.authorize(&flow.authorize_url()).await?;
        Ok(match state {
            Some(state) => flow.exchange_code(code, &state).await?,
            None => flow.exchange_code_without_state_check(code).await?,
        })
    }
}

/// "in 47 h 59 min" for an expiry in Unix seconds.
pub fn expires_in(expires_at: Option<i64>) -> String {
    let Some(at) = expires_at else {
        return "never said (used until refused)".to_owned();
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let left = at - now;
    if left <= 0 {
        return format!("expired (Unix {at})");
    }
    format!(
        "in {} h {} min (Unix {at})",
        left / 3600,
        (left % 3600) / 60
    )
}
