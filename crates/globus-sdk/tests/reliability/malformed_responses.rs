//! Rows 16–17: malformed 200 token responses (through the login client on httpmock) and
//! token-field faults (`expires_in` arithmetic, missing fields, bad `other_tokens`).

use globus_sdk::auth::token::MAX_EXPIRES_IN;
use globus_sdk::auth::{AuthError, LoginClient, OAuthTokenResponse};
use globus_sdk::core::http::{HeaderMap, HeaderValue, Method, StatusCode, header::CONTENT_TYPE};
use globus_sdk::core::secret::RefreshToken;
use globus_sdk::core::{Error, Response, RetryConfig};
use httpmock::prelude::*;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{error_chain, native_with};

const SENTINEL: &str = "SENTINEL-ROW16-ACCESS-TOKEN";
const NOW: i64 = 1_700_000_000;

async fn refresh_against(status: u16, content_type: &str, body: &str) -> AuthError {
    let server = MockServer::start_async().await;
    let (content_type, body) = (content_type.to_owned(), body.to_owned());
    let mock = server
        .mock_async(move |when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(status)
                .header("content-type", content_type.as_str())
                .body(body.as_str());
        })
        .await;
    let client = native_with(&server.base_url(), RetryConfig::default(), None);
    let err = client
        .oauth2_refresh_token(&RefreshToken::new("rt"), Vec::new())
        .await
        .unwrap_err();
    assert_eq!(mock.calls_async().await, 1, "a 200 is never retried");
    err
}

#[tokio::test]
async fn row_16_malformed_200_token_responses_are_typed_errors_without_the_body() {
    let cases: [(&str, String); 6] = [
        (
            "application/json",
            format!("{{\"access_token\": \"{SENTINEL}\""),
        ),
        ("application/json", String::new()),
        ("text/html", format!("<html>{SENTINEL}</html>")),
        (
            "application/json",
            format!("[{{\"access_token\": \"{SENTINEL}\"}}]"),
        ),
        (
            "application/json",
            format!("{{\"access_token\": \"{SENTINEL}\", \"scope\": 5}}"),
        ),
        ("application/json", "\u{feff}{}".to_owned()),
    ];
    for (content_type, body) in &cases {
        let err = refresh_against(200, content_type, body).await;
        assert!(
            matches!(
                err,
                AuthError::InvalidTokenResponse(_) | AuthError::Transport(Error::Decode(_))
            ),
            "{body:?}: {err:?}"
        );
        for text in error_chain(&err) {
            assert!(!text.contains(SENTINEL), "{text}");
        }
    }
    // An OAuth error object inside a 200 is an error, not a token response missing fields.
    let err = refresh_against(
        200,
        "application/json",
        r#"{"error": "invalid_request", "error_description": "bad"}"#,
    )
    .await;
    assert!(matches!(err, AuthError::Api(_)), "{err:?}");
    assert_eq!(err.code(), Some("invalid_request"));
    assert_eq!(err.http_status(), Some(StatusCode::OK));
    let err = refresh_against(200, "application/json", r#"{"error": "invalid_grant"}"#).await;
    assert!(err.is_reauthentication_required(), "{err:?}");
}

fn parse_at(body: &Value, now: i64) -> Result<OAuthTokenResponse, AuthError> {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let response = Response::from_parts(
        Method::POST,
        "https://auth.globus.org/v2/oauth2/token",
        StatusCode::OK,
        headers,
        body.to_string(),
    );
    OAuthTokenResponse::from_response(response, now)
}

fn body() -> Value {
    json!({
        "access_token": "AT",
        "expires_in": 3600,
        "resource_server": "auth.globus.org",
        "scope": "openid",
        "token_type": "Bearer",
    })
}

fn expires_at(expires_in: Option<Value>, now: i64) -> Result<Option<i64>, AuthError> {
    let mut b = body();
    match expires_in {
        Some(v) => b["expires_in"] = v,
        None => {
            b.as_object_mut().unwrap().remove("expires_in");
        }
    }
    let tokens = parse_at(&b, now)?;
    Ok(tokens
        .by_resource_server()
        .get("auth.globus.org")
        .unwrap()
        .expires_at_seconds)
}

#[test]
fn row_17_expires_in_is_clamped_with_checked_arithmetic() {
    let table: [(Option<Value>, Option<i64>); 8] = [
        (Some(json!(3600)), Some(NOW + 3600)),
        (None, None), // unknown expiry (refresh on 401), never "already expired"
        (Some(json!(-50)), Some(NOW)),
        (Some(json!(3600.9)), Some(NOW + 3600)),
        (Some(json!(1e300)), Some(NOW + MAX_EXPIRES_IN)),
        (Some(json!(u64::MAX)), Some(NOW + MAX_EXPIRES_IN)),
        (Some(json!(i64::MIN)), Some(NOW)),
        (Some(Value::Null), None),
    ];
    for (expires_in, expected) in table {
        assert_eq!(
            expires_at(expires_in.clone(), NOW).unwrap(),
            expected,
            "{expires_in:?}"
        );
    }
    assert_eq!(
        expires_at(Some(json!(u64::MAX)), i64::MAX - 5).unwrap(),
        Some(i64::MAX)
    );
    for bad in [json!("3600"), json!(true), json!([1])] {
        let err = expires_at(Some(bad.clone()), NOW).unwrap_err();
        assert!(
            matches!(err, AuthError::InvalidTokenResponse(_)),
            "{bad}: {err}"
        );
    }
}

#[test]
fn row_17_missing_fields_and_bad_other_tokens_are_typed_errors() {
    let mut cases = Vec::new();
    for field in ["access_token", "resource_server", "scope"] {
        let mut b = body();
        b.as_object_mut().unwrap().remove(field);
        cases.push(b);
    }
    for other in [
        json!({"not": "a list"}),
        json!([{"access_token": "x"}]),
        json!(["x"]),
    ] {
        let mut b = body();
        b["other_tokens"] = other;
        cases.push(b);
    }
    for b in cases {
        let err = parse_at(&b, NOW).unwrap_err();
        assert!(
            matches!(err, AuthError::InvalidTokenResponse(_)),
            "{b}: {err}"
        );
    }
    // token_type is compared case-insensitively; unknown extra fields are ignored.
    let mut b = body();
    b["token_type"] = json!("bearer");
    b["a_field_from_the_future"] = json!({"x": [1, 2]});
    assert!(parse_at(&b, NOW).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn row_17_any_expires_in_and_clock_never_overflow(
        n in any::<i64>(), f in any::<f64>(), now in any::<i64>(), s in "\\PC{0,20}"
    ) {
        for v in [json!(n), json!(f), json!(s), json!(n as u64)] {
            if let Ok(Some(at)) = expires_at(Some(v), now) {
                prop_assert!(at >= now);
            }
        }
    }
}
