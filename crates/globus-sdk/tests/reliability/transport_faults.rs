//! Rows 23–26: connection resets and truncated bodies, slowloris and stalls, huge
//! responses, DNS/TLS/HTTPS/redirect rules — against a raw loopback server, a loopback
//! TLS server with certificates made in the test, and httpmock.

use std::time::Duration;

use globus_sdk::auth::{AuthError, LoginClient};
use globus_sdk::core::error::NetworkErrorKind;
use globus_sdk::core::http::StatusCode;
use globus_sdk::core::secret::RefreshToken;
use globus_sdk::core::{BaseClient, EnvVars, Error, RetryConfig};
use httpmock::prelude::*;
use tokio::time::Instant;

use crate::support::raw::{Behavior, RawServer};
use crate::support::tls::{Cert, TlsServer};
use crate::support::{base, error_chain, fixed_retry, native_with, retrying};

fn network_kind(err: &Error) -> Option<NetworkErrorKind> {
    match err {
        Error::Network(e) => Some(e.kind()),
        _ => None,
    }
}

fn auth_network_kind(err: &AuthError) -> Option<NetworkErrorKind> {
    match err {
        AuthError::Transport(e) => network_kind(e),
        _ => None,
    }
}

// ---- row 23: connection reset mid-body / truncated body ----

#[tokio::test(start_paused = true)]
async fn row_23_get_is_retried_after_a_reset_or_truncated_body() {
    for behavior in [Behavior::ResetMidBody, Behavior::TruncatedBody] {
        let server = RawServer::start(behavior.clone()).await;
        let client = retrying(&server.url);
        let err = client.get("/v2/api/identities").send().await.unwrap_err();
        assert_eq!(
            network_kind(&err),
            Some(NetworkErrorKind::Interrupted),
            "{behavior:?}: a typed 'connection interrupted' error: {err:?}"
        );
        assert_eq!(
            server.connections(),
            6,
            "{behavior:?}: 1 attempt + 5 retries"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn row_23_code_exchange_and_refresh_are_never_replayed() {
    for behavior in [Behavior::ResetMidBody, Behavior::TruncatedBody] {
        // The authorization-code exchange: presenting a code twice may revoke every token
        // issued from it, so a request that may have arrived is never sent again.
        let server = RawServer::start(behavior.clone()).await;
        let client = native_with(&server.url, fixed_retry(), None);
        let flow = client.oauth2_start_flow("openid").unwrap().with_state("s");
        let err = flow.exchange_code("a-code", "s").await.unwrap_err();
        assert_eq!(
            auth_network_kind(&err),
            Some(NetworkErrorKind::Interrupted),
            "{behavior:?}: {err:?}"
        );
        assert_eq!(
            server.connections(),
            1,
            "{behavior:?}: the exchange hit once"
        );
        assert!(server.requests()[0].starts_with("POST /v2/oauth2/token"));

        // A refresh grant (a non-idempotent POST) is not re-sent either.
        let server = RawServer::start(behavior.clone()).await;
        let client = native_with(&server.url, fixed_retry(), None);
        let err = client
            .oauth2_refresh_token(&RefreshToken::new("rt"), Vec::new())
            .await
            .unwrap_err();
        assert_eq!(auth_network_kind(&err), Some(NetworkErrorKind::Interrupted));
        assert_eq!(
            server.connections(),
            1,
            "{behavior:?}: the refresh hit once"
        );
    }
}

// ---- row 24: slowloris and stalls ----

#[tokio::test(start_paused = true)]
async fn row_24_slowloris_is_cut_by_the_total_deadline() {
    // One byte a second keeps a 2 s per-read timeout from ever firing; the deadline stops it.
    let server = RawServer::start(Behavior::Slowloris).await;
    let client = base(&server.url)
        .with_timeout(Some(Duration::from_secs(2)))
        .with_deadline(Duration::from_secs(5))
        .with_retry_config(fixed_retry())
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.get("/v2/x").send().await.unwrap_err();
    let elapsed = start.elapsed();
    assert_eq!(
        network_kind(&err),
        Some(NetworkErrorKind::DeadlineExceeded),
        "{err:?}"
    );
    assert!(err.is_timeout());
    assert!(
        elapsed >= Duration::from_secs(5) && elapsed <= Duration::from_millis(5_010),
        "deadline + epsilon: {elapsed:?}"
    );
    assert_eq!(server.connections(), 1);
}

/// A client with this read timeout and no retries.
fn client_with_read_timeout(url: &str, timeout: Duration) -> BaseClient {
    base(url)
        .with_timeout(Some(timeout))
        .with_retry_config(RetryConfig::disabled())
        .build()
        .unwrap()
}

/// Sends one GET with this read timeout and no retries, checks that it ended in a read
/// timeout (retryable), and returns how long that took.
async fn read_timeout_after(url: &str, timeout: Duration) -> Duration {
    let client = client_with_read_timeout(url, timeout);
    let start = Instant::now();
    let err = client.get("/v2/x").send().await.unwrap_err();
    assert_eq!(
        network_kind(&err),
        Some(NetworkErrorKind::Timeout),
        "{err:?}"
    );
    assert!(err.is_timeout() && err.is_retryable());
    start.elapsed()
}

#[tokio::test(start_paused = true)]
async fn row_24_a_server_that_never_answers_hits_the_read_timeout() {
    let server = RawServer::start(Behavior::Silent).await;
    let waited = read_timeout_after(&server.url, Duration::from_secs(2)).await;
    assert_eq!(waited, Duration::from_secs(2));

    // With retries, a GET is retried after a read timeout (it may be sent again); the
    // whole call stays bounded: 6 × 2 s of timeouts + 1.5 s of backoff.
    let server = RawServer::start(Behavior::Silent).await;
    let client = base(&server.url)
        .with_timeout(Some(Duration::from_secs(2)))
        .with_retry_config(fixed_retry())
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.get("/v2/x").send().await.unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(start.elapsed(), Duration::from_millis(13_500));
    assert_eq!(server.connections(), 6);
}

#[tokio::test(start_paused = true)]
async fn row_24_a_body_that_stops_arriving_hits_the_read_timeout() {
    // The head arrives at once; the body's first byte would take 1 s. The read timeout
    // restarts when the head arrives and fires 500 ms later.
    let server = RawServer::start(Behavior::Slowloris).await;
    let waited = read_timeout_after(&server.url, Duration::from_millis(500)).await;
    assert_eq!(waited, Duration::from_millis(500));

    // With a timeout longer than the gap between bytes, every byte restarts it: only the
    // deadline ends the call (the slowloris test above); here 1,000 bytes at 1 s each
    // arrive whole, 1,000 s later (paused clock).
    let client = client_with_read_timeout(&server.url, Duration::from_millis(1_500));
    let start = Instant::now();
    let response = client.get("/v2/x").send().await.unwrap();
    assert_eq!(response.bytes().len(), 1_000);
    assert_eq!(start.elapsed(), Duration::from_secs(1_000));
}

// ---- row 25: huge responses ----

#[tokio::test(start_paused = true)]
async fn row_25_a_huge_content_length_is_refused_unread_and_not_retried() {
    let server = RawServer::start(Behavior::HugeContentLength).await;
    let client = retrying(&server.url);
    let err = client.get("/v2/x").send().await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit, .. } if limit == globus_sdk::core::DEFAULT_MAX_BODY_SIZE),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert_eq!(server.connections(), 1);
}

#[tokio::test(start_paused = true)]
async fn row_25_an_endless_chunked_body_is_cut_at_the_cap() {
    let server = RawServer::start(Behavior::EndlessChunks).await;
    let client = base(&server.url)
        .with_retry_config(fixed_retry())
        .with_max_body_size(256 * 1024)
        .build()
        .unwrap();
    let err = client.get("/v2/x").send().await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 262_144, .. }),
        "{err:?}"
    );
    assert_eq!(server.connections(), 1, "not retried");
}

#[tokio::test(start_paused = true)]
async fn row_25_a_gzip_bomb_is_never_inflated() {
    // 16 KiB of gzip that would inflate to 16 MiB (four times the default cap). The SDK
    // neither asks for compression nor decodes it, so the cap applies to what is held in
    // memory and the bomb stays 16 KiB.
    let bomb: &[u8] = include_bytes!("support/bomb16m.gz");
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
        bomb.len()
    )
    .into_bytes();
    response.extend_from_slice(bomb);
    let server = RawServer::start(Behavior::Bytes(response)).await;
    let client = base(&server.url).build().unwrap();
    let result = client.get("/v2/x").send().await;
    match result {
        Ok(response) => {
            assert_eq!(
                response.bytes().len(),
                bomb.len(),
                "the body was not inflated"
            );
            assert!(response.raw_json().is_none());
        }
        Err(err) => panic!("the raw bytes are small and should be returned: {err:?}"),
    }
    let head = server.requests()[0].to_ascii_lowercase();
    assert!(
        !head.contains("accept-encoding"),
        "no compression is requested: {head}"
    );
}

// ---- row 26: DNS, TLS, HTTPS-only, redirects (and the HTTP stack's limits) ----

#[tokio::test]
async fn row_26_dns_failure_is_a_typed_connect_error_naming_the_host() {
    let client = base("https://globus-rs-reliability.invalid/")
        .with_retry_config(RetryConfig::disabled())
        .build()
        .unwrap();
    let err = client.get("/v2/x").send().await.unwrap_err();
    assert_eq!(
        network_kind(&err),
        Some(NetworkErrorKind::Connect),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("globus-rs-reliability.invalid"),
        "{err}"
    );
}

#[tokio::test(start_paused = true)]
async fn row_26_tls_certificate_failures_are_not_retried() {
    for cert in [Cert::SelfSigned, Cert::WrongHost, Cert::Expired] {
        let server = TlsServer::start(cert).await;
        let client = retrying(&server.url);
        let start = Instant::now();
        let err = client.get("/v2/x").send().await.unwrap_err();
        assert_eq!(
            network_kind(&err),
            Some(NetworkErrorKind::Tls),
            "{cert:?}: {:#?}",
            error_chain(&err)
        );
        assert!(!err.is_retryable(), "{cert:?}");
        assert_eq!(server.connections(), 1, "{cert:?}: one handshake, no retry");
        assert_eq!(start.elapsed(), Duration::ZERO, "{cert:?}: no backoff");
        assert!(err.to_string().contains("TLS"), "{err}");
    }
}

#[tokio::test(start_paused = true)]
async fn row_26_a_plaintext_server_behind_https_is_a_tls_error_without_fallback() {
    let server = RawServer::start(Behavior::Bytes(
        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}".to_vec(),
    ))
    .await;
    let url = server.url.replace("http://", "https://");
    let client = retrying(&url);
    let err = client.get("/v2/x").send().await.unwrap_err();
    assert_eq!(network_kind(&err), Some(NetworkErrorKind::Tls), "{err:?}");
    assert_eq!(server.connections(), 1, "no retry, no fallback to http");
}

#[test]
fn row_26_http_base_urls_are_refused_at_build_except_loopback() {
    for url in [
        "http://auth.globus.org",
        "http://10.0.0.1:8080",
        "ftp://auth.globus.org",
    ] {
        let err = base(url).build().unwrap_err();
        assert!(matches!(err, Error::InsecureUrl { .. }), "{url}: {err:?}");
    }
    // The same through the environment variable override.
    let err = globus_sdk::core::BaseClient::builder("auth")
        .with_env_vars(
            EnvVars::empty().with("GLOBUS_SDK_SERVICE_URL_AUTH", "http://auth.example.org"),
        )
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InsecureUrl { .. }), "{err:?}");
    // Through the login clients too.
    let err = globus_sdk::auth::NativeAppAuthClient::builder("id")
        .with_env_vars(EnvVars::empty())
        .with_base_url("http://auth.globus.org")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InsecureUrl { .. }), "{err:?}");
    for url in ["http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1"] {
        assert!(base(url).build().is_ok(), "{url}");
    }
}

#[tokio::test]
async fn row_26_a_307_from_the_token_endpoint_is_not_followed() {
    let server = MockServer::start_async().await;
    let target = server
        .mock_async(|when, then| {
            when.path("/stolen");
            then.status(200).json_body(serde_json::json!({}));
        })
        .await;
    let redirect = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(307)
                .header("Location", "/stolen?code=redirect-query-secret");
        })
        .await;
    let client = native_with(&server.base_url(), fixed_retry(), None);
    let err = client
        .oauth2_refresh_token(&RefreshToken::new("rt"), Vec::new())
        .await
        .unwrap_err();
    match &err {
        AuthError::Transport(Error::Redirect { status, .. }) => {
            assert_eq!(status, &StatusCode::TEMPORARY_REDIRECT);
        }
        other => panic!("expected a redirect error: {other:?}"),
    }
    assert_eq!(redirect.calls_async().await, 1, "not retried");
    assert_eq!(target.calls_async().await, 0, "not followed");
    for text in error_chain(&err) {
        assert!(!text.contains("redirect-query-secret"), "{text}");
    }
}

#[tokio::test(start_paused = true)]
async fn row_26_oversized_heads_are_refused_by_the_http_stack() {
    for behavior in [
        Behavior::HugeHeader(1024 * 1024),
        Behavior::ManyHeaders(10_000),
    ] {
        let server = RawServer::start(behavior.clone()).await;
        let client = retrying(&server.url);
        let err = client.get("/v2/x").send().await.unwrap_err();
        assert!(err.is_network(), "{behavior:?}: {err:?}");
        // A protocol error is retried like any network error, a bounded number of times.
        assert!(server.connections() <= 6, "{behavior:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn row_26_garbage_and_partial_status_lines_are_bounded_network_errors() {
    for bytes in [
        b"garbage\r\n\r\n".to_vec(),
        b"HTTP/1.".to_vec(),
        b"HTTP/1.1 abc Nope\r\n\r\n".to_vec(),
        b"{\"access_token\": \"http-0.9\"}".to_vec(),
    ] {
        let server = RawServer::start(Behavior::Bytes(bytes.clone())).await;
        let client = retrying(&server.url);
        let err = client.get("/v2/x").send().await.unwrap_err();
        assert!(
            err.is_network(),
            "{:?}: {err:?}",
            String::from_utf8_lossy(&bytes)
        );
        assert_eq!(
            server.connections(),
            6,
            "retried as a network error, bounded"
        );
        for text in error_chain(&err) {
            assert!(!text.contains("http-0.9"), "{text}");
        }
    }
}

#[tokio::test]
async fn row_26_redirects_from_revoke_introspect_and_jwks_are_not_followed() {
    let server = MockServer::start_async().await;
    let target = server
        .mock_async(|when, then| {
            when.path("/stolen");
            then.status(200).json_body(serde_json::json!({}));
        })
        .await;
    let mut redirects = Vec::new();
    for (method, path, status) in [
        (POST, "/v2/oauth2/token/revoke", 301),
        (POST, "/v2/oauth2/token/introspect", 308),
        (GET, "/jwk.json", 302),
    ] {
        redirects.push(
            server
                .mock_async(move |when, then| {
                    when.method(method).path(path);
                    then.status(status).header("Location", "/stolen");
                })
                .await,
        );
    }
    let base_url = server.base_url();
    let native = native_with(&base_url, fixed_retry(), None);
    let err = native
        .oauth2_revoke_token("rt", Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::Transport(Error::Redirect { .. })),
        "{err:?}"
    );
    let conf = crate::support::confidential(&base_url, "c", "s");
    let err = conf
        .oauth2_token_introspect("at", None, Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::Transport(Error::Redirect { .. })),
        "{err:?}"
    );
    let config: globus_sdk::auth::models::OpenIdConfiguration = serde_json::from_value(
        crate::support::keys::config_json(&["RS256"], &server.url("/jwk.json")),
    )
    .unwrap();
    let err = native.get_jwk(Some(&config)).await.unwrap_err();
    assert!(
        matches!(err, AuthError::Transport(Error::Redirect { .. })),
        "{err:?}"
    );
    for mock in &redirects {
        assert_eq!(mock.calls_async().await, 1, "not retried");
    }
    assert_eq!(target.calls_async().await, 0, "not followed");
}
