//! Helpers shared by the login, flow, authorizer and conformance tests.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use base64::Engine as _;
use globus_auth::{ConfidentialAppAuthClient, NativeAppAuthClient};
use globus_core::clock::Clock;
use globus_core::secret::ClientSecret;
use globus_core::{EnvVars, Environment, RetryConfig};

/// The client id of Python's flow tests.
pub const CLIENT_ID: &str = "d0f1d9b0-bd81-4108-be74-ea981664453a";
/// A client secret.
pub const CLIENT_SECRET: &str = "SECRET_SECRET_HES_GOT_A_SECRET";
/// The form content type.
pub const FORM: &str = "application/x-www-form-urlencoded";

/// `Basic base64(CLIENT_ID:CLIENT_SECRET)`.
pub fn basic_header() -> String {
    let raw = format!("{CLIENT_ID}:{CLIENT_SECRET}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// A native client on `base_url`, isolated from the environment, without timers.
pub fn native(base_url: &str) -> NativeAppAuthClient {
    NativeAppAuthClient::builder(CLIENT_ID)
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
        .build()
        .unwrap()
}

/// A native client with a custom clock and retry settings.
pub fn native_with(
    base_url: &str,
    client_id: &str,
    clock: Arc<dyn Clock>,
    retry: RetryConfig,
) -> NativeAppAuthClient {
    NativeAppAuthClient::builder(client_id)
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
        .with_clock(clock)
        .with_retry_config(retry)
        .build()
        .unwrap()
}

/// A confidential client on `base_url`.
pub fn confidential(base_url: &str) -> ConfidentialAppAuthClient {
    confidential_as(base_url, CLIENT_ID, CLIENT_SECRET)
}

/// A confidential client with given credentials.
pub fn confidential_as(base_url: &str, id: &str, secret: &str) -> ConfidentialAppAuthClient {
    ConfidentialAppAuthClient::builder(id, ClientSecret::new(secret))
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
        .build()
        .unwrap()
}

/// A confidential client with a custom clock.
pub fn confidential_with(
    base_url: &str,
    id: &str,
    secret: &str,
    clock: Arc<dyn Clock>,
) -> ConfidentialAppAuthClient {
    ConfidentialAppAuthClient::builder(id, ClientSecret::new(secret))
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
        .with_clock(clock)
        .build()
        .unwrap()
}

/// Clients on production (URL building only; nothing is sent).
pub fn production_native() -> NativeAppAuthClient {
    NativeAppAuthClient::builder(CLIENT_ID)
        .with_env_vars(EnvVars::empty())
        .with_environment(Environment::Production)
        .build()
        .unwrap()
}

/// A confidential client on production (URL building only).
pub fn production_confidential() -> ConfidentialAppAuthClient {
    ConfidentialAppAuthClient::builder(CLIENT_ID, ClientSecret::new(CLIENT_SECRET))
        .with_env_vars(EnvVars::empty())
        .with_environment(Environment::Production)
        .build()
        .unwrap()
}

#[allow(unused_imports)] // not every test binary uses it
pub use globus_testing::corpus::token_body;

/// The query pairs of a URL.
pub fn query_pairs(url: &url::Url) -> Vec<(String, String)> {
    url.query_pairs().into_owned().collect()
}

/// Captures `tracing` output.
#[allow(unused_imports)] // used by the redaction tests only
pub use globus_testing::capture::Capture;
