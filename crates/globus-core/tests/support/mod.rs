//! Helpers shared by globus-core's integration tests.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use globus_core::{BaseClient, ClientBuilder, EnvVars, RetryConfig};
use httpmock::MockServer;

/// A client builder aimed at `server`, isolated from the process environment, with no
/// socket timeouts and no pool timer (tests that pause tokio's clock must not have timers
/// that auto-advance while real I/O is pending).
pub fn builder(server: &MockServer) -> ClientBuilder {
    builder_for(&server.base_url())
}

pub fn builder_for(base_url: &str) -> ClientBuilder {
    BaseClient::builder("auth")
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
}

/// A retry config whose backoff is 100 ms × (attempt + 1), so waits are predictable.
pub fn fixed_retry() -> RetryConfig {
    RetryConfig::default()
        .with_backoff(|attempt| Duration::from_millis(100 * (u64::from(attempt) + 1)))
}
