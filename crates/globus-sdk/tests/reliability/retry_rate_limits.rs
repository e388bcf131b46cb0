//! Rows 20–22: `Retry-After` parsing, 5xx storms within the documented time bound, and
//! statuses that are never retried — on httpmock with tokio's paused clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use globus_sdk::core::RetryConfig;
use globus_sdk::core::clock::ManualClock;
use globus_sdk::core::retry::parse_retry_after;
use httpmock::prelude::*;
use serde_json::json;
use tokio::time::Instant;

use crate::support::{base, fixed_retry};

/// 2023-11-14T22:13:20Z, a Tuesday.
const NOW: i64 = 1_700_000_000;

/// One 429 with `Retry-After: value`, then 200: how long the client waited.
async fn waited_for(value: &str, retry: RetryConfig) -> (Duration, usize) {
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
    let ok = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = base(&server.base_url())
        .with_retry_config(retry)
        .with_clock(Arc::new(ManualClock::new(NOW)))
        .build()
        .unwrap();
    let start = Instant::now();
    client.get("/v2/x").send().await.unwrap();
    assert_eq!(ok.calls_async().await, 1);
    (start.elapsed(), limited.calls_async().await)
}

#[tokio::test(start_paused = true)]
async fn row_20_retry_after_values_table() {
    let backoff = Duration::from_millis(100); // fixed_retry's first backoff
    let cases = [
        ("3", Duration::from_secs(3)),
        ("0", Duration::ZERO),
        ("Tue, 14 Nov 2023 22:13:27 GMT", Duration::from_secs(7)),
        ("Tue, 14 Nov 2023 20:00:00 GMT", Duration::ZERO),
        ("-1", backoff),
        ("1.5", backoff),
        ("120junk", backoff),
        ("+3", backoff),
        ("", backoff),
        ("99999999999999999999", backoff),
        // Above the cap: the documented choice is to wait the cap (10 s), never longer.
        ("99999", Duration::from_secs(10)),
    ];
    for (value, expected) in cases {
        let (waited, calls) = waited_for(value, fixed_retry()).await;
        assert_eq!(waited, expected, "Retry-After: {value:?}");
        assert_eq!(calls, 1, "{value:?}");
    }
    // A lower cap is honoured.
    let (waited, _) = waited_for(
        "99999",
        fixed_retry().with_max_sleep(Duration::from_secs(2)),
    )
    .await;
    assert_eq!(waited, Duration::from_secs(2));
}

#[test]
fn row_20_retry_after_parser_never_panics_or_goes_negative() {
    for value in [
        "-1",
        "1.5",
        "120junk",
        "+3",
        "",
        " ",
        "1e3",
        "18446744073709551616",
        "٣",
        "Tue, 99 Nov 2023 99:99:99 GMT",
    ] {
        assert_eq!(parse_retry_after(value, NOW), None, "{value:?}");
    }
    assert_eq!(parse_retry_after("3", NOW), Some(Duration::from_secs(3)));
    assert_eq!(
        parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", i64::MAX),
        Some(Duration::ZERO)
    );
    assert!(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", i64::MIN).is_some());
}

#[tokio::test(start_paused = true)]
async fn row_21_a_5xx_storm_is_six_attempts_within_the_documented_time() {
    for (status, html) in [(500, false), (502, true), (503, false), (504, true)] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.any_request();
                if html {
                    then.status(status)
                        .header("content-type", "text/html")
                        .body("<html><h1>Bad Gateway</h1></html>");
                } else {
                    then.status(status);
                }
            })
            .await;
        // The default (jittered, Python's) backoff.
        let client = base(&server.base_url()).build().unwrap();
        let start = Instant::now();
        let err = client.get("/v2/x").send().await.unwrap_err();
        let slept = start.elapsed().as_secs_f64();
        assert_eq!(
            mock.calls_async().await,
            6,
            "{status}: max_retries + 1 attempts"
        );
        assert!((7.75..=21.25).contains(&slept), "{status}: slept {slept} s");
        assert_eq!(err.http_status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.code(), None, "{status}: an HTML page has no code");
        assert!(err.is_retryable());
    }
}

#[tokio::test(start_paused = true)]
async fn row_22_non_retryable_statuses_get_exactly_one_attempt() {
    for status in [400, 403, 404, 409, 501] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.any_request();
                then.status(status);
            })
            .await;
        let client = base(&server.base_url()).build().unwrap();
        let start = Instant::now();
        let err = client.get("/v2/x").send().await.unwrap_err();
        assert_eq!(mock.calls_async().await, 1, "{status}");
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert!(!err.is_retryable(), "{status}");
    }
}
