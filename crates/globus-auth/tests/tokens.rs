//! Token responses: shapes, `expires_in` arithmetic, `by_scopes`, OAuth errors inside a
//! 200, and what `Debug`/`Display` show.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_support;

use globus_auth::token::MAX_EXPIRES_IN;
use globus_auth::{AuthError, DependentTokenResponse, LoginClient, OAuthTokenResponse};
use globus_core::Response;
use globus_core::http::{HeaderMap, HeaderValue, Method, StatusCode, header::CONTENT_TYPE};
use httpmock::prelude::*;
use serde_json::{Value, json};

const NOW: i64 = 1_700_000_000;

fn response(body: &str) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(
        Method::POST,
        "https://auth.globus.org/v2/oauth2/token",
        StatusCode::OK,
        headers,
        body.to_owned(),
    )
}

fn parse(body: &Value) -> Result<OAuthTokenResponse, AuthError> {
    OAuthTokenResponse::from_response(response(&body.to_string()), NOW)
}

fn parse_dependent(body: &Value) -> Result<DependentTokenResponse, AuthError> {
    DependentTokenResponse::from_response(response(&body.to_string()), NOW)
}

fn token(rs: &str, scope: &str, at: &str) -> Value {
    json!({
        "access_token": at,
        "expires_in": 3600,
        "resource_server": rs,
        "scope": scope,
        "token_type": "Bearer",
    })
}

fn with_expires_in(expires_in: Option<Value>) -> Value {
    let mut body = token("auth.globus.org", "openid", "AT");
    match expires_in {
        Some(v) => body["expires_in"] = v,
        None => {
            body.as_object_mut().unwrap().remove("expires_in");
        }
    }
    body
}

#[test]
fn other_tokens_is_optional_and_later_entries_win() {
    let body = token("auth.globus.org", "openid", "AT");
    let tokens = parse(&body).unwrap();
    assert_eq!(tokens.by_resource_server().len(), 1);
    let mut body = token("auth.globus.org", "openid", "AT");
    body["other_tokens"] = Value::Null;
    assert_eq!(parse(&body).unwrap().by_resource_server().len(), 1);

    let mut body = token("auth.globus.org", "openid", "AT-top");
    body["other_tokens"] = json!([
        token("transfer.api.globus.org", "t:all", "AT-t1"),
        token("auth.globus.org", "openid email", "AT-dup"),
        token("transfer.api.globus.org", "t:all", "AT-t2"),
    ]);
    let tokens = parse(&body).unwrap();
    let rs: Vec<&str> = tokens.by_resource_server().resource_servers().collect();
    assert_eq!(rs, ["auth.globus.org", "transfer.api.globus.org"]);
    let auth = tokens.by_resource_server().get("auth.globus.org").unwrap();
    assert_eq!(auth.access_token.expose_secret(), "AT-dup");
    assert_eq!(auth.scope, "openid email");
    let transfer = tokens
        .by_resource_server()
        .get("transfer.api.globus.org")
        .unwrap();
    assert_eq!(transfer.access_token.expose_secret(), "AT-t2");
    assert!(transfer.refresh_token.is_none());
}

#[test]
fn expires_in_table() {
    let cases: Vec<(Option<Value>, Option<i64>)> = vec![
        (Some(json!(3600)), Some(NOW + 3600)),
        (Some(json!(0)), Some(NOW)),
        (None, None),
        (Some(Value::Null), None),
        (Some(json!(-50)), Some(NOW)),
        (Some(json!(3600.9)), Some(NOW + 3600)),
        (Some(json!(-1.5)), Some(NOW)),
        (Some(json!(1e300)), Some(NOW + MAX_EXPIRES_IN)),
        (Some(json!(u64::MAX)), Some(NOW + MAX_EXPIRES_IN)),
        (Some(json!(i64::MAX)), Some(NOW + MAX_EXPIRES_IN)),
        (Some(json!(i64::MIN)), Some(NOW)),
    ];
    for (expires_in, expected) in cases {
        let tokens = parse(&with_expires_in(expires_in.clone())).unwrap();
        let data = tokens.by_resource_server().get("auth.globus.org").unwrap();
        assert_eq!(data.expires_at_seconds, expected, "{expires_in:?}");
    }
    for bad in [json!("3600"), json!(true), json!([1]), json!({"s": 1})] {
        let err = parse(&with_expires_in(Some(bad.clone()))).unwrap_err();
        assert!(
            matches!(err, AuthError::InvalidTokenResponse(_)),
            "{bad}: {err}"
        );
    }
    // The arithmetic saturates even at the end of time.
    let body = with_expires_in(Some(json!(u64::MAX)));
    let tokens =
        OAuthTokenResponse::from_response(response(&body.to_string()), i64::MAX - 5).unwrap();
    let data = tokens.by_resource_server().get("auth.globus.org").unwrap();
    assert_eq!(data.expires_at_seconds, Some(i64::MAX));
    assert!(!data.is_expired(i64::MAX));
    // Unknown expiry is never "expired".
    let tokens = parse(&with_expires_in(None)).unwrap();
    assert!(
        !tokens
            .by_resource_server()
            .get("auth.globus.org")
            .unwrap()
            .is_expired(i64::MAX)
    );
}

#[test]
fn shape_errors_are_typed() {
    let cases = [
        json!([token("auth.globus.org", "openid", "AT")]),
        json!({"scope": "openid", "resource_server": "auth.globus.org"}),
        json!({"access_token": "AT", "scope": "openid"}),
        json!({"access_token": "AT", "resource_server": "auth.globus.org"}),
        json!({"access_token": 5, "scope": "openid", "resource_server": "auth.globus.org"}),
        {
            let mut body = token("auth.globus.org", "openid", "AT");
            body["other_tokens"] = json!({"not": "a list"});
            body
        },
        {
            let mut body = token("auth.globus.org", "openid", "AT");
            body["other_tokens"] = json!([{"access_token": "x"}]);
            body
        },
        json!("text"),
    ];
    for body in cases {
        let err = parse(&body).unwrap_err();
        assert!(
            matches!(err, AuthError::InvalidTokenResponse(_)),
            "{body}: {err}"
        );
        assert!(!err.to_string().contains("AT\""), "{err}");
    }
    for text in ["", "not json", "{\"access_token\": \"AT\""] {
        let err = OAuthTokenResponse::from_response(response(text), NOW).unwrap_err();
        assert!(
            matches!(err, AuthError::InvalidTokenResponse(_)),
            "{text:?}: {err}"
        );
    }
    // Dependent tokens: an array; an object is a shape error.
    let dependent = parse_dependent(&json!([
        token("groups.api.globus.org", "g:view", "AT-g"),
        token("transfer.api.globus.org", "t:all", "AT-t"),
    ]))
    .unwrap();
    assert_eq!(dependent.by_resource_server().len(), 2);
    assert_eq!(
        dependent.by_scopes("g:view").unwrap().resource_server,
        "groups.api.globus.org"
    );
    let err = parse_dependent(&token("groups.api.globus.org", "g:view", "AT")).unwrap_err();
    assert!(matches!(err, AuthError::InvalidTokenResponse(_)));
    assert_eq!(
        parse_dependent(&json!([]))
            .unwrap()
            .by_resource_server()
            .len(),
        0
    );
}

#[test]
fn an_oauth_error_inside_a_200_is_an_error() {
    let err = parse(&json!({"error": "invalid_request", "error_description": "bad"})).unwrap_err();
    match &err {
        AuthError::Api(api) => {
            assert_eq!(api.http_status(), StatusCode::OK);
            assert_eq!(api.code(), Some("invalid_request"));
            assert_eq!(api.message().as_deref(), Some("bad"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    let err = parse(&json!({"error": "invalid_grant"})).unwrap_err();
    assert!(matches!(err, AuthError::ReauthenticationRequired(_)));
    let err = parse_dependent(&json!({"error": "unauthorized_client"})).unwrap_err();
    assert_eq!(err.code(), Some("unauthorized_client"));
}

#[tokio::test]
async fn an_oauth_error_inside_a_200_through_the_client() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(200)
                .json_body(json!({"error": "invalid_client"}));
        })
        .await;
    let client = login_support::native(&server.base_url());
    let err = client
        .oauth2_token(vec![("grant_type".into(), "x".into())], Vec::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("invalid_client"));
}

#[test]
fn by_scopes_lookups_and_clear_errors() {
    let mut body = token("auth.globus.org", "openid profile email", "AT-a");
    body["other_tokens"] = json!([token(
        "transfer.api.globus.org",
        "urn:globus:auth:scope:transfer.api.globus.org:all",
        "AT-t"
    )]);
    let tokens = parse(&body).unwrap();
    assert_eq!(
        tokens.by_scopes("openid").unwrap().resource_server,
        "auth.globus.org"
    );
    assert_eq!(
        tokens.by_scopes(" email  openid ").unwrap().resource_server,
        "auth.globus.org"
    );
    assert_eq!(
        tokens
            .by_scopes("urn:globus:auth:scope:transfer.api.globus.org:all")
            .unwrap()
            .access_token
            .expose_secret(),
        "AT-t"
    );
    let err = tokens
        .by_scopes("openid urn:globus:auth:scope:groups.api.globus.org:all")
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, AuthError::ScopeLookup(_)));
    assert!(
        message.contains("urn:globus:auth:scope:groups.api.globus.org:all"),
        "{message}"
    );
    assert!(message.contains("was not granted"), "{message}");
    assert!(message.contains("openid profile email"), "{message}");
    let err = tokens
        .by_scopes("openid urn:globus:auth:scope:transfer.api.globus.org:all")
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("more than one resource server"),
        "{message}"
    );
    assert!(message.contains("transfer.api.globus.org"), "{message}");
    assert!(matches!(
        tokens.by_scopes("  "),
        Err(AuthError::ScopeLookup(_))
    ));
}

#[test]
fn id_token_state_and_redaction() {
    let mut body = token("auth.globus.org", "openid", "SENTINEL-AT");
    body["refresh_token"] = json!("SENTINEL-RT");
    body["id_token"] = json!("SENTINEL-ID");
    body["state"] = json!("SENTINEL-STATE");
    body["other_tokens"] = json!([]);
    let tokens = parse(&body).unwrap();
    assert_eq!(tokens.id_token().unwrap().expose_secret(), "SENTINEL-ID");
    assert_eq!(tokens.state(), Some("SENTINEL-STATE"));
    let shown = format!(
        "{tokens} {tokens:?} {tokens:#?} {:?} {}",
        tokens.by_resource_server(),
        tokens.by_resource_server()
    );
    assert!(!shown.contains("SENTINEL"), "{shown}");
    assert!(shown.contains("auth.globus.org: openid"), "{shown}");
    // No ID token on a refresh-like response.
    let tokens = parse(&token("auth.globus.org", "openid", "AT")).unwrap();
    assert!(tokens.id_token().is_none() && tokens.state().is_none());
    let dependent = parse_dependent(&json!([token("g", "s", "SENTINEL-AT")])).unwrap();
    let shown = format!("{dependent} {dependent:?}");
    assert!(!shown.contains("SENTINEL"), "{shown}");
}
