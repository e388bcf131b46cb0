//! The shared request path: retries, re-authorization, limits, redirects, headers.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use globus_core::authorizer::{Authorizer, HeaderFuture};
use globus_core::clock::ManualClock;
use globus_core::error::NetworkErrorKind;
use globus_core::http::{HeaderValue, StatusCode, header};
use globus_core::secret::AccessToken;
use globus_core::{
    AccessTokenAuthorizer, ApiPath, Error, Idempotency, NullAuthorizer, RetryConfig,
};
use globus_testing::raw::{Behavior, RawServer, closed_port_url};
use httpmock::prelude::*;
use serde_json::json;
use support::{builder, builder_for, fixed_retry};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn transient_statuses_are_retried_until_success() {
    for status in [429, 500, 502, 503, 504] {
        let server = MockServer::start_async().await;
        let failing = server
            .mock_async(|when, then| {
                when.method(GET).path("/v2/x").is_true(|_| true);
                then.status(status);
            })
            .await;
        let client = builder(&server)
            .with_retry_config(fixed_retry())
            .build()
            .unwrap();
        let start = Instant::now();
        let err = client.get("/v2/x").send().await.unwrap_err();
        assert_eq!(
            err.http_status(),
            Some(StatusCode::from_u16(status).unwrap()),
            "{status}"
        );
        assert_eq!(
            failing.calls_async().await,
            6,
            "status {status}: 1 attempt + 5 retries"
        );
        // 0.1 + 0.2 + 0.3 + 0.4 + 0.5 s of backoff
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(1500),
            "status {status}"
        );
        assert!(err.is_retryable());
    }
}

#[tokio::test(start_paused = true)]
async fn a_retry_succeeds_when_the_service_recovers() {
    let server = MockServer::start_async().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let flaky = server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/v2/x")
                .is_true(move |_| seen.fetch_add(1, Ordering::SeqCst) < 2);
            then.status(503);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/x");
            then.status(200).json_body(json!({"ok": true}));
        })
        .await;
    let client = builder(&server)
        .with_retry_config(fixed_retry())
        .build()
        .unwrap();
    let response = client.get("/v2/x").send().await.unwrap();
    assert_eq!(response.raw_json().unwrap()["ok"], true);
    assert_eq!(flaky.calls_async().await, 2);
    assert_eq!(ok.calls_async().await, 1);
}

#[tokio::test(start_paused = true)]
async fn default_backoff_stays_within_python_bounds() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500)
                .header("content-type", "text/html")
                .body("<h1>oops</h1>");
        })
        .await;
    let client = builder(&server).build().unwrap();
    let start = Instant::now();
    let err = client.get("/v2/x").send().await.unwrap_err();
    let elapsed = start.elapsed().as_secs_f64();
    assert_eq!(mock.calls_async().await, 6);
    assert!((7.75..=21.25).contains(&elapsed), "slept {elapsed} s");
    let api = err.api_error().unwrap();
    assert_eq!(api.http_status(), 500);
    assert_eq!(api.code(), None);
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}v2/x returned 500 Internal Server Error: Internal Server Error",
            server.base_url() + "/"
        )
    );
}

#[tokio::test(start_paused = true)]
async fn non_transient_statuses_are_not_retried() {
    for status in [400, 403, 404, 409, 501] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.any_request();
                then.status(status);
            })
            .await;
        let client = builder(&server).build().unwrap();
        let err = client.get("/v2/x").send().await.unwrap_err();
        assert_eq!(err.http_status().unwrap().as_u16(), status);
        assert_eq!(mock.calls_async().await, 1, "status {status}");
        assert!(!err.is_retryable());
    }
}

async fn elapsed_for_retry_after(value: &str, clock_now: i64) -> (Duration, usize) {
    let server = MockServer::start_async().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let value = value.to_owned();
    let limited = server
        .mock_async(move |when, then| {
            when.any_request()
                .is_true(move |_| seen.fetch_add(1, Ordering::SeqCst) == 0);
            then.status(429).header("Retry-After", value.as_str());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = builder(&server)
        .with_retry_config(fixed_retry())
        .with_clock(Arc::new(ManualClock::new(clock_now)))
        .build()
        .unwrap();
    let start = Instant::now();
    client.get("/v2/x").send().await.unwrap();
    (start.elapsed(), limited.calls_async().await)
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_capped_and_validated() {
    let now = 1_700_000_000; // Tue, 14 Nov 2023 22:13:20 GMT
    let cases = [
        ("3", Duration::from_secs(3)),
        ("0", Duration::ZERO),
        ("99999", Duration::from_secs(10)),
        ("Tue, 14 Nov 2023 22:13:27 GMT", Duration::from_secs(7)),
        ("Tue, 14 Nov 2023 20:00:00 GMT", Duration::ZERO),
        ("-1", Duration::from_millis(100)),
        ("1.5", Duration::from_millis(100)),
        ("120junk", Duration::from_millis(100)),
        ("", Duration::from_millis(100)),
    ];
    for (value, expected) in cases {
        let (elapsed, calls) = elapsed_for_retry_after(value, now).await;
        assert_eq!(elapsed, expected, "Retry-After: {value:?}");
        assert_eq!(calls, 1);
    }
}

/// An authorizer that counts calls and whose `handle_missing_authorization` says "renewed".
#[derive(Debug, Default)]
struct CountingAuthorizer {
    headers: AtomicUsize,
    renewals: AtomicUsize,
}

impl Authorizer for CountingAuthorizer {
    fn authorization_header(&self) -> HeaderFuture<'_> {
        let n = self.headers.fetch_add(1, Ordering::SeqCst);
        HeaderFuture::ready(Ok(Some(
            HeaderValue::from_str(&format!("Bearer token-{n}")).unwrap(),
        )))
    }

    fn handle_missing_authorization(&self, rejected: Option<&HeaderValue>) -> bool {
        assert_eq!(rejected.unwrap(), "Bearer token-0");
        self.renewals.fetch_add(1, Ordering::SeqCst);
        true
    }
}

#[tokio::test(start_paused = true)]
async fn a_401_is_reauthorized_exactly_once() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(401).json_body(json!({"errors": [{"code": "UNAUTHORIZED", "id": "r1", "detail": "Call must be authenticated"}]}));
        })
        .await;
    let authorizer = Arc::new(CountingAuthorizer::default());
    let client = builder(&server)
        .with_shared_authorizer(authorizer.clone())
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.get("/v2/x").send().await.unwrap_err();
    assert_eq!(err.http_status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(err.code(), Some("UNAUTHORIZED"));
    assert_eq!(err.request_id(), Some("r1"));
    assert_eq!(mock.calls_async().await, 2);
    assert_eq!(
        authorizer.headers.load(Ordering::SeqCst),
        2,
        "a fresh header per attempt"
    );
    assert_eq!(authorizer.renewals.load(Ordering::SeqCst), 1);
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "re-authorization does not sleep"
    );
}

#[tokio::test(start_paused = true)]
async fn a_401_without_a_renewing_authorizer_is_returned_at_once() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(401);
        })
        .await;
    let client = builder(&server)
        .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new("AT")))
        .build()
        .unwrap();
    let err = client.get("/v2/x").send().await.unwrap_err();
    assert_eq!(
        err.api_error().unwrap().authorization_scheme(),
        Some("bearer")
    );
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test(start_paused = true)]
async fn a_post_is_not_replayed_after_the_connection_breaks() {
    let server = RawServer::start(Behavior::CloseAfterRequest).await;
    let client = builder_for(&server.url)
        .with_retry_config(fixed_retry())
        .build()
        .unwrap();
    let err = client
        .post("/v2/oauth2/token")
        .form([("grant_type", "refresh_token")])
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Network(e) if e.kind() == NetworkErrorKind::Interrupted),
        "{err:?}"
    );
    assert_eq!(
        server.connections(),
        1,
        "the POST may have been processed: never re-sent"
    );

    // An authorization-code exchange is never replayed either.
    let server = RawServer::start(Behavior::TruncatedBody).await;
    let client = builder_for(&server.url)
        .with_retry_config(fixed_retry())
        .build()
        .unwrap();
    let err = client
        .post("/v2/oauth2/token")
        .idempotency(Idempotency::SingleUse)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_network());
    assert_eq!(server.connections(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_get_is_retried_after_the_connection_breaks() {
    for behavior in [Behavior::CloseAfterRequest, Behavior::TruncatedBody] {
        let server = RawServer::start(behavior.clone()).await;
        let client = builder_for(&server.url)
            .with_retry_config(fixed_retry())
            .build()
            .unwrap();
        let err = client.get("/v2/x").send().await.unwrap_err();
        assert!(
            matches!(&err, Error::Network(e) if e.kind() == NetworkErrorKind::Interrupted),
            "{err:?}"
        );
        assert_eq!(server.connections(), 6, "{behavior:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn connection_refused_is_retried_for_every_method() {
    let url = closed_port_url().await;
    let client = builder_for(&url)
        .with_retry_config(fixed_retry())
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.post("/v2/oauth2/token").send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Network(e) if e.kind() == NetworkErrorKind::Connect),
        "{err:?}"
    );
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(1500),
        "slept before each of 5 retries"
    );
    assert!(err.is_retryable());
}

#[tokio::test(start_paused = true)]
async fn the_deadline_bounds_the_whole_call() {
    let server = RawServer::start(Behavior::Silent).await;
    let client = builder_for(&server.url)
        .with_deadline(Duration::from_secs(5))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.get("/v2/x").send().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(matches!(&err, Error::Network(e) if e.kind() == NetworkErrorKind::DeadlineExceeded));
    assert_eq!(start.elapsed(), Duration::from_secs(5));
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = MockServer::start_async().await;
    let target = server
        .mock_async(|when, then| {
            when.path("/elsewhere");
            then.status(200);
        })
        .await;
    let redirect = server
        .mock_async(|when, then| {
            when.path("/v2/oauth2/token");
            then.status(307)
                .header("Location", "/elsewhere?code=secret-code");
        })
        .await;
    let client = builder(&server).build().unwrap();
    let err = client
        .post("/v2/oauth2/token")
        .form([("refresh_token", "RT")])
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Redirect { status, .. } if *status == StatusCode::TEMPORARY_REDIRECT)
    );
    assert!(!err.to_string().contains("secret-code"), "{err}");
    assert!(!format!("{err:?}").contains("secret-code"), "{err:?}");
    match &err {
        Error::Redirect {
            location,
            full_location,
            ..
        } => {
            assert_eq!(location.as_deref(), Some("/elsewhere"));
            // Reachable on purpose, for a caller playing the browser.
            let full = full_location.as_ref().map(|l| l.expose_secret());
            assert_eq!(full, Some("/elsewhere?code=secret-code"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(redirect.calls_async().await, 1);
    assert_eq!(target.calls_async().await, 0);
}

#[tokio::test]
async fn oversized_bodies_are_refused_and_not_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("x".repeat(2048));
        })
        .await;
    let client = builder(&server).with_max_body_size(1024).build().unwrap();
    let err = client.get("/v2/x").send().await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
    assert_eq!(mock.calls_async().await, 1);

    // A chunked body with no length is cut off while streaming.
    let raw = RawServer::start(Behavior::EndlessChunks).await;
    let client = builder_for(&raw.url)
        .with_max_body_size(64 * 1024)
        .build()
        .unwrap();
    let err = client.get("/v2/x").send().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
    assert_eq!(raw.connections(), 1);
}

#[tokio::test]
async fn default_headers_identify_the_sdk() {
    let server = MockServer::start_async().await;
    let version = globus_core::SDK_VERSION;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/x")
                .header("accept", "application/json")
                .header("user-agent", format!("globus-sdk-rs-{version}/my app"))
                .header(
                    "x-globus-client-info",
                    format!("product=rust-sdk,version={version};product=portal,version=2"),
                )
                .header("authorization", "Bearer AT");
            then.status(200);
        })
        .await;
    let client = builder(&server)
        .with_app_name("my app")
        .with_client_info("portal", "2")
        .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new("AT")))
        .build()
        .unwrap();
    client.get("/v2/x").send().await.unwrap();
    mock.assert_calls_async(1).await;

    let bad = builder(&server).with_client_info("a;b", "1").build();
    assert!(matches!(bad, Err(Error::Config(_))));
}

#[tokio::test]
async fn null_authorizer_strips_authorization_and_none_leaves_it() {
    let server = MockServer::start_async().await;
    let with = server
        .mock_async(|when, then| {
            when.path("/with").header("authorization", "Custom abc");
            then.status(200);
        })
        .await;
    let without = server
        .mock_async(|when, then| {
            when.path("/without").header_missing("authorization");
            then.status(200);
        })
        .await;
    fn custom(b: globus_core::RequestBuilder<'_>) -> globus_core::RequestBuilder<'_> {
        b.header(
            header::AUTHORIZATION,
            HeaderValue::from_static("Custom abc"),
        )
    }
    let plain = builder(&server).build().unwrap();
    custom(plain.get("/with")).send().await.unwrap();
    let null = builder(&server)
        .with_authorizer(NullAuthorizer)
        .build()
        .unwrap();
    custom(null.get("/without")).send().await.unwrap();
    // `without_authorization` skips the authorizer, leaving the caller's header.
    custom(null.get("/with"))
        .without_authorization()
        .send()
        .await
        .unwrap();
    assert_eq!(with.calls_async().await, 2);
    assert_eq!(without.calls_async().await, 1);
}

#[tokio::test]
async fn paths_and_queries_are_encoded() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/base/v2/api/projects/a%2Fb%20c")
                .query_param("usernames", "a@b.org,c@d.org")
                .query_param("provision", "false")
                .query_param("q", "x y&z");
            then.status(200)
                .json_body(json!({"project": {"id": "a/b c"}}));
        })
        .await;
    let client = support::builder_for(&format!("{}/base/", server.base_url()))
        .build()
        .unwrap();
    let response = client
        .get(ApiPath::new("/v2/api/projects").segment("a/b c"))
        .query_list("usernames", ["a@b.org", "c@d.org"])
        .query("provision", "false")
        .query_opt("absent", None::<String>)
        .query("q", "x y&z")
        .send()
        .await
        .unwrap();
    assert_eq!(response.raw_json().unwrap()["project"]["id"], "a/b c");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn json_and_form_bodies_carry_their_content_type() {
    let server = MockServer::start_async().await;
    let json_mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/json")
                .header("content-type", "application/json")
                .json_body(json!({"project": {"display_name": "x"}}));
            then.status(200).json_body(json!({"project": {"id": "1"}}));
        })
        .await;
    let form_mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/form")
                .header("content-type", "application/x-www-form-urlencoded")
                .form_urlencoded_tuple("grant_type", "refresh_token")
                .form_urlencoded_tuple("scope", "openid email");
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = builder(&server).build().unwrap();
    client
        .put("/json")
        .json(&json!({"project": {"display_name": "x"}}))
        .send()
        .await
        .unwrap();
    client
        .post("/form")
        .form([("grant_type", "refresh_token"), ("scope", "openid email")])
        .send()
        .await
        .unwrap();
    json_mock.assert_calls_async(1).await;
    form_mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_malformed_success_body_is_a_decode_error_without_body_text() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Token {
        access_token: String,
        expires_in: u64,
    }
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"access_token": "sentinel-secret", "expires_in": "sentinel-string"}"#);
        })
        .await;
    let client = builder(&server).build().unwrap();
    let response = client.get("/token").send().await.unwrap();
    let err = response.json::<Token>().unwrap_err();
    assert!(matches!(err, Error::Decode(_)));
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("sentinel"), "{shown}");
    assert!(shown.contains("line 1"), "{shown}");
    assert!(!format!("{response:?}").contains("sentinel"));
}

#[tokio::test]
async fn absolute_urls_must_be_secure() {
    let server = MockServer::start_async().await;
    let client = builder(&server).build().unwrap();
    let err = client.get("http://example.org/x").send().await.unwrap_err();
    assert!(matches!(err, Error::InsecureUrl { .. }), "{err:?}");
    let err = support::builder_for("http://example.org/")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InsecureUrl { .. }));
}

#[tokio::test]
async fn retries_can_be_disabled() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(503);
        })
        .await;
    let client = builder(&server)
        .with_retry_config(RetryConfig::disabled())
        .build()
        .unwrap();
    client.get("/x").send().await.unwrap_err();
    assert_eq!(mock.calls_async().await, 1);
}
