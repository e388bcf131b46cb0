use super::*;

const NOW: i64 = 1_700_000_000; // Tue, 14 Nov 2023 22:13:20 GMT

fn fixed() -> RetryConfig {
    RetryConfig::default()
        .with_backoff(|attempt| Duration::from_millis(100 * (u64::from(attempt) + 1)))
}

fn response(status: u16, retry_after: Option<&str>) -> Outcome<'_> {
    Outcome::Response {
        status: StatusCode::from_u16(status).unwrap(),
        retry_after,
    }
}

#[test]
fn decision_table() {
    use Decision::*;
    use Idempotency::*;
    let ms = Duration::from_millis;
    let s = Duration::from_secs;
    let cases: Vec<(&str, Outcome<'_>, u32, Idempotency, bool, Decision)> = vec![
        (
            "200 returns",
            response(200, None),
            0,
            Idempotent,
            true,
            Return,
        ),
        (
            "400 not retried",
            response(400, None),
            0,
            Idempotent,
            true,
            Return,
        ),
        (
            "403 not retried",
            response(403, None),
            0,
            Idempotent,
            true,
            Return,
        ),
        (
            "404 not retried",
            response(404, None),
            0,
            Idempotent,
            true,
            Return,
        ),
        (
            "409 not retried",
            response(409, None),
            0,
            Idempotent,
            true,
            Return,
        ),
        (
            "501 not retried",
            response(501, None),
            0,
            Idempotent,
            true,
            Return,
        ),
        (
            "500 retried",
            response(500, None),
            0,
            Idempotent,
            false,
            Retry(ms(100)),
        ),
        (
            "502 retried",
            response(502, None),
            1,
            Idempotent,
            false,
            Retry(ms(200)),
        ),
        (
            "503 retried",
            response(503, None),
            2,
            NonIdempotent,
            false,
            Retry(ms(300)),
        ),
        (
            "504 retried",
            response(504, None),
            3,
            NonIdempotent,
            false,
            Retry(ms(400)),
        ),
        (
            "429 retried",
            response(429, None),
            0,
            NonIdempotent,
            false,
            Retry(ms(100)),
        ),
        (
            "exhausted",
            response(500, None),
            5,
            Idempotent,
            false,
            Return,
        ),
        (
            "401 reauthorizes",
            response(401, None),
            0,
            Idempotent,
            true,
            Reauthorize,
        ),
        (
            "401 reauthorizes even when retries are exhausted",
            response(401, None),
            5,
            Idempotent,
            true,
            Reauthorize,
        ),
        (
            "401 once only",
            response(401, None),
            0,
            Idempotent,
            false,
            Return,
        ),
        (
            "retry-after seconds",
            response(429, Some("3")),
            0,
            Idempotent,
            false,
            Retry(s(3)),
        ),
        (
            "retry-after zero",
            response(503, Some("0")),
            0,
            Idempotent,
            false,
            Retry(s(0)),
        ),
        (
            "retry-after above cap",
            response(429, Some("99999")),
            0,
            Idempotent,
            false,
            Retry(s(10)),
        ),
        (
            "retry-after negative",
            response(429, Some("-1")),
            0,
            Idempotent,
            false,
            Retry(ms(100)),
        ),
        (
            "retry-after fraction",
            response(429, Some("1.5")),
            0,
            Idempotent,
            false,
            Retry(ms(100)),
        ),
        (
            "retry-after junk",
            response(429, Some("120junk")),
            0,
            Idempotent,
            false,
            Retry(ms(100)),
        ),
        (
            "retry-after plus",
            response(429, Some("+3")),
            0,
            Idempotent,
            false,
            Retry(ms(100)),
        ),
        (
            "retry-after empty",
            response(429, Some("")),
            0,
            Idempotent,
            false,
            Retry(ms(100)),
        ),
        (
            "retry-after 20 digits",
            response(429, Some("99999999999999999999")),
            0,
            Idempotent,
            false,
            Retry(ms(100)),
        ),
        (
            "retry-after future date",
            response(503, Some("Tue, 14 Nov 2023 22:13:25 GMT")),
            0,
            Idempotent,
            false,
            Retry(s(5)),
        ),
        (
            "retry-after past date",
            response(503, Some("Tue, 14 Nov 2023 22:00:00 GMT")),
            0,
            Idempotent,
            false,
            Retry(s(0)),
        ),
        (
            "retry-after ignored on 500",
            response(500, Some("7")),
            0,
            Idempotent,
            false,
            Retry(ms(100)),
        ),
        (
            "connect error retried for POST",
            Outcome::Network(NetworkErrorKind::Connect),
            0,
            NonIdempotent,
            false,
            Retry(ms(100)),
        ),
        (
            "connect timeout retried for code exchange",
            Outcome::Network(NetworkErrorKind::ConnectTimeout),
            0,
            SingleUse,
            false,
            Retry(ms(100)),
        ),
        (
            "read timeout retried for GET",
            Outcome::Network(NetworkErrorKind::Timeout),
            0,
            Idempotent,
            false,
            Retry(ms(100)),
        ),
        (
            "read timeout not retried for POST",
            Outcome::Network(NetworkErrorKind::Timeout),
            0,
            NonIdempotent,
            false,
            Return,
        ),
        (
            "reset not retried for POST",
            Outcome::Network(NetworkErrorKind::Interrupted),
            0,
            NonIdempotent,
            false,
            Return,
        ),
        (
            "reset retried for GET",
            Outcome::Network(NetworkErrorKind::Interrupted),
            0,
            Idempotent,
            false,
            Retry(ms(100)),
        ),
        (
            "reset never retried for code exchange",
            Outcome::Network(NetworkErrorKind::Interrupted),
            0,
            SingleUse,
            false,
            Return,
        ),
        (
            "code exchange 500 not retried",
            response(500, None),
            0,
            SingleUse,
            false,
            Return,
        ),
        (
            "code exchange 502 not retried",
            response(502, None),
            0,
            SingleUse,
            false,
            Return,
        ),
        (
            "code exchange 429 retried",
            response(429, None),
            0,
            SingleUse,
            false,
            Retry(ms(100)),
        ),
        (
            "code exchange 503 retried",
            response(503, Some("2")),
            0,
            SingleUse,
            false,
            Retry(s(2)),
        ),
        (
            "network error exhausted",
            Outcome::Network(NetworkErrorKind::Connect),
            5,
            Idempotent,
            false,
            Return,
        ),
        ("fatal", Outcome::Fatal, 0, Idempotent, true, Return),
    ];
    let config = fixed();
    for (name, outcome, attempt, idem, reauth, expected) in cases {
        assert_eq!(
            decide(&config, outcome, attempt, idem, reauth, NOW),
            expected,
            "{name}"
        );
    }
}

#[test]
fn default_backoff_is_within_python_bounds_and_capped() {
    let config = RetryConfig::default();
    for _ in 0..1000 {
        for attempt in 0..5u32 {
            let base = 2f64.powi(attempt as i32);
            let got = default_backoff(attempt).as_secs_f64();
            assert!(
                got >= 0.25 * base && got < 0.75 * base,
                "attempt {attempt}: {got}"
            );
            assert!(config.backoff(attempt) <= Duration::from_secs(10));
        }
    }
    assert_eq!(config.backoff(60), Duration::from_secs(10));
    assert_eq!(config.backoff(u32::MAX), Duration::from_secs(10));
}

#[test]
fn jitter_varies() {
    let values: std::collections::BTreeSet<u128> =
        (0..100).map(|_| default_backoff(3).as_nanos()).collect();
    assert!(values.len() > 90);
}

#[test]
fn http_dates() {
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777)
    );
    assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
    assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"), None);
    assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
    assert_eq!(parse_http_date("Sun, 32 Nov 1994 08:49:37 GMT"), None);
    assert_eq!(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"), None);
    assert_eq!(parse_http_date(""), None);
}

#[test]
fn methods_map_to_idempotency() {
    assert_eq!(
        Idempotency::for_method(&Method::GET),
        Idempotency::Idempotent
    );
    assert_eq!(
        Idempotency::for_method(&Method::PUT),
        Idempotency::Idempotent
    );
    assert_eq!(
        Idempotency::for_method(&Method::DELETE),
        Idempotency::Idempotent
    );
    assert_eq!(
        Idempotency::for_method(&Method::POST),
        Idempotency::NonIdempotent
    );
    assert_eq!(
        Idempotency::for_method(&Method::PATCH),
        Idempotency::NonIdempotent
    );
}

proptest::proptest! {
    #[test]
    fn retry_after_never_panics(value in ".{0,40}") {
        let _ = parse_retry_after(&value, NOW);
    }
}
