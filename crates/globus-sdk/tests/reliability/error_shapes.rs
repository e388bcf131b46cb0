//! Rows 18–19: Globus error shapes (hybrid, JSON:API, mixed codes, authorization
//! parameters, consent required, non-object bodies) and a revoked refresh token.

use std::sync::Arc;

use globus_sdk::auth::{AuthClient, AuthError, RefreshTokenAuthorizer};
use globus_sdk::core::clock::ManualClock;
use globus_sdk::core::http::{HeaderMap, HeaderValue, Method, StatusCode, header::CONTENT_TYPE};
use globus_sdk::core::secret::{AccessToken, RefreshToken};
use globus_sdk::core::{GlobusApiError, RetryConfig};
use httpmock::prelude::*;
use proptest::prelude::*;
use serde_json::json;

use crate::support::{auth_client, native_with};

fn parse(status: u16, content_type: Option<&str>, body: &str) -> GlobusApiError {
    let mut headers = HeaderMap::new();
    if let Some(ct) = content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
    }
    GlobusApiError::from_parts(
        Method::GET,
        "https://auth.globus.org/v2/api/x",
        StatusCode::from_u16(status).unwrap(),
        headers,
        body.as_bytes(),
    )
}

#[test]
fn row_18_globus_error_shapes_are_read_as_python_reads_them() {
    // (content type, body, code, message, request id)
    type Row = (
        Option<&'static str>,
        serde_json::Value,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    );
    let table: Vec<Row> = vec![
        // The Auth hybrid shape: code and message from the sub-error, one distinct id.
        (
            Some("application/json"),
            json!({"errors": [{"status": "418", "id": "e1", "code": "UNAUTHORIZED", "detail": "d", "title": "t"}], "error": "unauthorized", "error_description": "x"}),
            Some("UNAUTHORIZED"),
            Some("d"),
            Some("e1"),
        ),
        // Mixed codes: no code; messages joined. Different ids: no request id.
        (
            Some("application/vnd.api+json"),
            json!({"errors": [{"code": "A", "detail": "d1", "id": "1"}, {"code": "B", "title": "t2", "id": "2"}]}),
            None,
            Some("d1; t2"),
            None,
        ),
        // errors not a list / empty: top-level fields.
        (
            Some("application/json; charset=utf-8"),
            json!({"code": "X", "message": "m", "errors": "nope"}),
            Some("X"),
            Some("m"),
            None,
        ),
        (
            Some("application/problem+json"),
            json!({"code": "X", "message": "m", "errors": []}),
            Some("X"),
            Some("m"),
            None,
        ),
        // OAuth2 shape.
        (
            Some("application/json"),
            json!({"error": "invalid_client", "error_description": "bad secret"}),
            Some("invalid_client"),
            Some("bad secret"),
            None,
        ),
        // Non-object bodies: status only.
        (
            Some("application/json"),
            json!("a string"),
            None,
            None,
            None,
        ),
        (Some("application/json"), json!(5), None, None, None),
        (Some("application/json"), json!(null), None, None, None),
    ];
    for (content_type, body, code, message, request_id) in table {
        let err = parse(403, content_type, &body.to_string());
        assert_eq!(
            err.http_status(),
            StatusCode::FORBIDDEN,
            "status from the status line: {body}"
        );
        assert_eq!(err.code(), code, "{body}");
        assert_eq!(err.message().as_deref(), message, "{body}");
        assert_eq!(err.request_id(), request_id, "{body}");
    }
}

#[test]
fn row_18_authorization_parameters_and_consent_required_are_typed_and_lenient() {
    let err = parse(403, Some("application/json"), &json!({"code": "AuthorizationRequired", "authorization_parameters": {
        "session_message": "m", "session_required_identities": ["i1"], "session_required_policies": "p1,p2",
        "session_required_mfa": true, "session_required_single_domain": 7
    }}).to_string());
    let params = err.authorization_parameters().unwrap();
    assert_eq!(params.session_message.as_deref(), Some("m"));
    assert_eq!(
        params.session_required_identities.as_deref().unwrap(),
        ["i1"]
    );
    assert_eq!(
        params.session_required_policies.as_deref().unwrap(),
        ["p1", "p2"]
    );
    assert_eq!(params.session_required_mfa, Some(true));
    assert_eq!(
        params.session_required_single_domain, None,
        "a wrong type is ignored"
    );

    let err = parse(
        403,
        Some("application/json"),
        r#"{"code": "ConsentRequired", "required_scopes": ["a", "b[c]"]}"#,
    );
    assert_eq!(
        err.consent_required().unwrap().required_scopes,
        ["a", "b[c]"]
    );
    let err = parse(
        403,
        Some("application/json"),
        r#"{"code": "ConsentRequired", "required_scope": "a"}"#,
    );
    assert_eq!(err.consent_required().unwrap().required_scopes, ["a"]);
    let err = parse(
        403,
        Some("application/json"),
        r#"{"code": "ConsentRequired", "required_scopes": [1]}"#,
    );
    assert!(err.consent_required().is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn row_18_error_parsing_never_panics(body in proptest::collection::vec(any::<u8>(), 0..400), status in 400u16..600, json_ct in any::<bool>()) {
        let err = parse(status, json_ct.then_some("application/json"), &String::from_utf8_lossy(&body));
        let _ = format!("{err} {err:?} {:?} {:?}", err.authorization_parameters(), err.consent_required());
    }
}

#[tokio::test]
async fn row_19_a_revoked_refresh_token_is_reauthentication_with_one_hit() {
    for status in [400, 401] {
        let server = MockServer::start_async().await;
        let token = server
            .mock_async(|when, then| {
                when.method(POST).path("/v2/oauth2/token");
                then.status(status)
                    .json_body(json!({"error": "invalid_grant", "error_description": "revoked"}));
            })
            .await;
        let api = server
            .mock_async(|when, then| {
                when.method(GET).path("/v2/oauth2/userinfo");
                then.status(401)
                    .json_body(json!({"errors": [{"code": "UNAUTHORIZED"}]}));
            })
            .await;
        let clock = Arc::new(ManualClock::new(1_700_000_000));
        let login = native_with(
            &server.base_url(),
            RetryConfig::default(),
            Some(clock.clone()),
        );

        // Directly: a typed re-login error, never retried.
        let err = login_refresh(&login).await;
        assert!(err.is_reauthentication_required(), "{status}: {err:?}");
        assert!(matches!(err, AuthError::ReauthenticationRequired(_)));
        assert_eq!(token.calls_async().await, 1, "{status}");

        // Through an authorizer whose token the API rejects: one refresh, no 401 loop.
        let authorizer = RefreshTokenAuthorizer::builder(RefreshToken::new("RT"), login)
            .with_token(AccessToken::new("AT-old"), 1_700_000_000 + 3600)
            .build();
        let client: AuthClient = auth_client(&server.base_url(), RetryConfig::default())
            .with_authorizer(authorizer)
            .build()
            .unwrap();
        let err = client.userinfo().await.unwrap_err();
        assert!(err.is_reauthentication_required(), "{status}: {err:?}");
        assert_eq!(token.calls_async().await, 2, "{status}: one refresh");
        assert_eq!(
            api.calls_async().await,
            1,
            "{status}: no retry after the failed refresh"
        );
    }
}

async fn login_refresh(login: &globus_sdk::auth::NativeAppAuthClient) -> AuthError {
    use globus_sdk::auth::LoginClient as _;
    login
        .oauth2_refresh_token(&RefreshToken::new("RT"), Vec::new())
        .await
        .unwrap_err()
}
