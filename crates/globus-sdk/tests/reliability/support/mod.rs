//! Support for the reliability suite: clients aimed at test servers, a raw TCP server that
//! misbehaves in ways httpmock cannot, a TLS server with certificates made in the test,
//! a `tracing` capture, and RSA keys for forging ID tokens.
#![allow(dead_code, unreachable_pub)]

pub mod keys;
pub mod raw;
pub mod tls;

use std::sync::Arc;
use std::time::Duration;

use globus_sdk::auth::{AuthClient, ConfidentialAppAuthClient, NativeAppAuthClient};
use globus_sdk::core::clock::Clock;
use globus_sdk::core::secret::ClientSecret;
use globus_sdk::core::{BaseClient, ClientBuilder, EnvVars, RetryConfig};

pub const CLIENT_ID: &str = "d0f1d9b0-bd81-4108-be74-ea981664453a";
pub const CLIENT_SECRET: &str = "reliability-client-secret";

/// A base client aimed at `base_url`, isolated from the process environment, with no
/// socket timeouts and no pool timer (so that tokio's paused clock only moves for the
/// timers a test means).
pub fn base(base_url: &str) -> ClientBuilder {
    BaseClient::builder("auth")
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
}

/// A retry config whose backoff is 100 ms × (attempt + 1): 1.5 s over five retries.
pub fn fixed_retry() -> RetryConfig {
    RetryConfig::default()
        .with_backoff(|attempt| Duration::from_millis(100 * (u64::from(attempt) + 1)))
}

/// A client with default settings but [`fixed_retry`].
pub fn retrying(base_url: &str) -> BaseClient {
    base(base_url)
        .with_retry_config(fixed_retry())
        .build()
        .unwrap()
}

pub fn native(base_url: &str) -> NativeAppAuthClient {
    native_with(base_url, RetryConfig::default(), None)
}

pub fn native_with(
    base_url: &str,
    retry: RetryConfig,
    clock: Option<Arc<dyn Clock>>,
) -> NativeAppAuthClient {
    native_as(base_url, CLIENT_ID, retry, clock)
}

pub fn native_as(
    base_url: &str,
    client_id: &str,
    retry: RetryConfig,
    clock: Option<Arc<dyn Clock>>,
) -> NativeAppAuthClient {
    let mut builder = NativeAppAuthClient::builder(client_id)
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
        .with_retry_config(retry);
    if let Some(clock) = clock {
        builder = builder.with_clock(clock);
    }
    builder.build().unwrap()
}

pub fn confidential(base_url: &str, id: &str, secret: &str) -> ConfidentialAppAuthClient {
    ConfidentialAppAuthClient::builder(id, ClientSecret::new(secret))
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
        .build()
        .unwrap()
}

pub fn auth_client(base_url: &str, retry: RetryConfig) -> globus_sdk::auth::AuthClientBuilder {
    AuthClient::builder()
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
        .with_retry_config(retry)
}

#[allow(unused_imports)] // not every test binary uses it
pub use globus_testing::corpus::token_body;

/// `err` and every error of its `source()` chain, each as `Display | Debug`.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut shown = vec![format!("{err} | {err:?}")];
    let mut source = err.source();
    while let Some(s) = source {
        shown.push(format!("{s} | {s:?}"));
        source = s.source();
    }
    shown
}

/// Captures `tracing` output (and `log` records forwarded to it).
#[allow(unused_imports)] // used by the redaction tests only
pub use globus_testing::capture::Capture;

/// Runs the test binary itself as a child process, selecting one helper test with
/// `--exact` and setting `var` so that the helper runs (helpers do nothing otherwise).
pub fn run_helper(
    name: &str,
    var: &str,
    value: &str,
    shell_prefix: Option<&str>,
) -> std::process::Output {
    let exe = std::env::current_exe().unwrap();
    let mut command = match shell_prefix {
        Some(prefix) => {
            let mut c = std::process::Command::new("sh");
            c.arg("-c")
                .arg(format!(
                    r#"{prefix} exec "$0" --exact {name} --nocapture --test-threads=1"#
                ))
                .arg(&exe);
            c
        }
        None => {
            let mut c = std::process::Command::new(&exe);
            c.args(["--exact", name, "--nocapture", "--test-threads=1"]);
            c
        }
    };
    command.env(var, value).output().unwrap()
}

/// Asserts a helper process ran its test and passed.
pub fn assert_helper_ok(name: &str, output: &std::process::Output) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "helper {name} failed ({:?}):\n{stdout}\n{stderr}",
        output.status
    );
}
