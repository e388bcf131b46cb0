//! Helpers shared by the app tests: a fake Globus Auth, login clients pointed at it with
//! a manual clock, a "browser" login flow, and a token storage that counts writes.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use globus_app::app::testing::BrowserLoginFlowManager;
use globus_app::app::{GlobusAppConfig, LoginFlowManagerConfig, TokenStorageConfig};
use globus_app::storage::{JsonTokenStorage, MemoryTokenStorage, TokenStorage, TokenStorageData};
use globus_auth::{ConfidentialAppAuthClient, NativeAppAuthClient};
use globus_core::EnvVars;
use globus_core::clock::{Clock, ManualClock};
use globus_core::http::Method;
use globus_core::secret::ClientSecret;
use globus_testing::FakeGlobusAuth;

pub const TRANSFER: &str = "transfer.api.globus.org";
pub const TRANSFER_ALL: &str = "urn:globus:auth:scope:transfer.api.globus.org:all";
pub const AUTH: &str = "auth.globus.org";
pub const TOKEN_PATH: &str = "/v2/oauth2/token";
pub const REVOKE_PATH: &str = "/v2/oauth2/token/revoke";
pub const AUTHORIZE_PATH: &str = "/v2/oauth2/authorize";
pub const USERINFO_PATH: &str = "/v2/oauth2/userinfo";
pub const CONFIDENTIAL_REDIRECT: &str = "https://app.example.org/callback";

/// A fake Globus Auth and a manual clock that move together.
pub struct Env {
    pub fake: FakeGlobusAuth,
    pub clock: Arc<ManualClock>,
}

impl Env {
    pub async fn start() -> Self {
        Self::with(FakeGlobusAuth::builder()).await
    }

    pub async fn with(builder: globus_testing::FakeGlobusAuthBuilder) -> Self {
        let fake = builder.build().await.unwrap();
        let clock = Arc::new(ManualClock::new(i64::try_from(fake.now()).unwrap()));
        Self { fake, clock }
    }

    /// Moves both clocks forward.
    pub fn advance(&self, seconds: u64) {
        self.fake.advance_clock(Duration::from_secs(seconds));
        self.clock.advance(i64::try_from(seconds).unwrap());
    }

    pub fn now(&self) -> i64 {
        self.clock.now_unix()
    }

    pub fn native(&self) -> NativeAppAuthClient {
        NativeAppAuthClient::builder(self.fake.native_client_id())
            .with_base_url(self.fake.base_url().as_str())
            .with_env_vars(EnvVars::empty())
            .with_clock(self.clock.clone())
            .build()
            .unwrap()
    }

    pub fn confidential(&self) -> ConfidentialAppAuthClient {
        let registered = self.fake.confidential_client();
        ConfidentialAppAuthClient::builder(
            registered.id.as_str(),
            ClientSecret::new(registered.secret.as_str()),
        )
        .with_base_url(self.fake.base_url().as_str())
        .with_env_vars(EnvVars::empty())
        .with_clock(self.clock.clone())
        .build()
        .unwrap()
    }

    /// A login flow that plays the browser against the fake.
    pub fn browser(&self) -> LoginFlowManagerConfig {
        let fake = self.fake.clone();
        LoginFlowManagerConfig::provider(BrowserLoginFlowManager::provider(move |url| {
            let fake = fake.clone();
            async move { Ok::<_, globus_testing::Error>(fake.authorize(&url).await?.redirect) }
        }))
    }

    /// A user-app configuration: the browser flow, this storage, no process variables.
    pub fn user_config(&self, storage: Arc<dyn TokenStorage>) -> GlobusAppConfig {
        GlobusAppConfig::new()
            .with_env_vars(EnvVars::empty())
            .with_login_flow_manager(self.browser())
            .with_token_storage(TokenStorageConfig::Storage(storage))
    }

    /// A client-app configuration with this storage.
    pub fn client_config(&self, storage: Arc<dyn TokenStorage>) -> GlobusAppConfig {
        GlobusAppConfig::new()
            .with_env_vars(EnvVars::empty())
            .with_token_storage(TokenStorageConfig::Storage(storage))
    }

    pub fn hits(&self, method: Method, path: &str) -> usize {
        self.fake.hits(method, path)
    }

    pub fn token_hits(&self) -> usize {
        self.hits(Method::POST, TOKEN_PATH)
    }

    pub fn grant_count(&self, grant_type: &str) -> usize {
        self.fake
            .requests_to(Method::POST, TOKEN_PATH)
            .iter()
            .filter(|r| r.form_param("grant_type").as_deref() == Some(grant_type))
            .count()
    }

    pub fn authorize_hits(&self) -> usize {
        self.hits(Method::GET, AUTHORIZE_PATH)
    }

    pub fn consent_hits(&self) -> usize {
        self.fake
            .requests()
            .iter()
            .filter(|r| r.path().ends_with("/consents"))
            .count()
    }
}

/// A storage (in memory, or any other) that counts its writes.
#[derive(Debug)]
pub struct CountingStorage {
    pub inner: Arc<dyn TokenStorage>,
    pub writes: AtomicUsize,
}

impl CountingStorage {
    pub fn new() -> Arc<Self> {
        Self::wrap(Arc::new(MemoryTokenStorage::new()))
    }

    /// A JSON file storage at `path`.
    pub fn json(path: &std::path::Path) -> Arc<Self> {
        Self::wrap(Arc::new(JsonTokenStorage::new(path).unwrap()))
    }

    pub fn wrap(inner: Arc<dyn TokenStorage>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            writes: AtomicUsize::new(0),
        })
    }

    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    pub fn get(&self, resource_server: &str) -> Option<TokenStorageData> {
        self.inner.get_token_data(resource_server).unwrap()
    }
}

impl TokenStorage for CountingStorage {
    fn namespace(&self) -> &str {
        self.inner.namespace()
    }

    fn store_token_data_by_resource_server(
        &self,
        token_data_by_resource_server: &BTreeMap<String, TokenStorageData>,
    ) -> globus_app::Result<()> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.inner
            .store_token_data_by_resource_server(token_data_by_resource_server)
    }

    fn get_token_data_by_resource_server(
        &self,
    ) -> globus_app::Result<BTreeMap<String, TokenStorageData>> {
        self.inner.get_token_data_by_resource_server()
    }

    fn remove_token_data(&self, resource_server: &str) -> globus_app::Result<bool> {
        self.inner.remove_token_data(resource_server)
    }
}
